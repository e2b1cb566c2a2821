"""Parameter values -> RDF terms: what a library query's variables are bound to.

Takes a :class:`~nhskg.queries.library.LibraryQuery` and the values a person gave (a code, a
label, an acronym, a date as text); gives the RDF term each parameter variable receives, checked
against the parameter's type and, for ``code:<scheme>``, against the vocabulary. Separate from
loading the library because it is the one place a person's input meets the query: a value is
never pasted into the text, and a wrong one is refused here with the nearest valid ones.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Mapping

from rdflib.namespace import XSD
from rdflib.term import Literal, Node, URIRef

from ..errors import NhskgError, QueryError, echoed
from .library import LibraryQuery, Parameter


# An absolute IRI (RFC 3987 scheme, then no character SPARQL's IRIREF forbids).
_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>"{}|^`\\]*$')


_BOOLEAN = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}
#: Each plain parameter type as a message names it to the person who gave the value.
_KINDS = {"iri": "an IRI", "string": "text", "integer": "a whole number", "decimal": "a decimal number",
          "date": "a date", "boolean": "true or false"}


def _term(query: LibraryQuery, parameter: Parameter, value: str) -> Node:
    """One parameter value as an RDF term of the parameter's type, or a QueryError saying why not."""
    # a person reads this (the serve page shows it): the kind of value in words, not "code:role-type"
    kind = f"a {parameter.scheme} code or label" if parameter.scheme else _KINDS.get(parameter.type, parameter.type)
    where = f"query '{query.name}', parameter '{parameter.name}' ({kind})"
    value = value.strip() if parameter.type != "string" else value
    if parameter.type == "string":
        return Literal(value)
    if parameter.type == "iri":
        if value.startswith("<") and value.endswith(">"):
            value = value[1:-1]
        if not _IRI.match(value):
            raise QueryError(
                f"{where}: '{echoed(value)}' is not an absolute IRI (it needs a scheme such as https: "
                "and no spaces, quotes, braces or angle brackets)"
            )
        return URIRef(value)
    if parameter.type == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise QueryError(f"{where}: '{echoed(value)}' is not a whole number")
        return Literal(int(value), datatype=XSD.integer)
    if parameter.type == "decimal":
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise QueryError(f"{where}: '{echoed(value)}' is not a decimal number") from None
        if not number.is_finite():
            raise QueryError(f"{where}: '{echoed(value)}' is not a finite decimal number")
        return Literal(number, datatype=XSD.decimal)
    if parameter.type == "date":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise QueryError(f"{where}: '{echoed(value)}' is not a date in the form YYYY-MM-DD") from None
        return Literal(day.isoformat(), datatype=XSD.date)
    if parameter.type == "boolean":
        if value.lower() not in _BOOLEAN:
            raise QueryError(f"{where}: '{echoed(value)}' is not a boolean; use true or false")
        return Literal(_BOOLEAN[value.lower()])
    return _concept(where, parameter.scheme or "", value)


def _concept(where: str, scheme_name: str, value: str) -> URIRef:
    """A concept of a vocabulary scheme named by its code, IRI, label, alternative label or acronym,
    checked against ``ontology/vocab``; an unknown or ambiguous name lists the nearest concepts."""
    from ..vocabulary.labels import UnknownValue, named_concepts, resolve
    from ..vocabulary.vocab import load_vocabulary  # the vocabulary is read only when a code is bound

    try:
        scheme = load_vocabulary().scheme(scheme_name)
    except NhskgError as error:
        raise QueryError(f"{where}: cannot check the code against the vocabulary: {error}") from error
    try:
        return URIRef(resolve(value, named_concepts(scheme.concepts)).iri)
    except UnknownValue as error:
        shown = "; ".join(c.shown() for c in error.candidates)
        if error.ambiguous:
            problem = f"'{echoed(value)}' names more than one concept of the {scheme_name} scheme: {shown}; give a code"
        else:
            # the vocabulary file by its name in the project, not where this machine keeps it: a
            # web page shows this message to whoever asked
            problem = (f"'{echoed(value)}' is not a code or label of the {scheme_name} vocabulary"
                       f" (ontology/vocab/{Path(scheme.file).name}); ") + (
                f"nearest: {shown}" if shown else f"valid codes: {', '.join(scheme.codes)}")
        raise QueryError(f"{where}: {problem}") from None


def bind(query: LibraryQuery, params: Mapping[str, str]) -> dict[str, Node]:
    """The RDF term each parameter variable receives: given values, else defaults.

    A parameter with no default and no value is left out, so its variable stays unbound.

    >>> from nhskg.queries.library import load_query
    >>> query = load_query("duties-by-area")
    >>> bind(query, {"role": "chief-nurse"})
    {'role': rdflib.term.URIRef('https://w3id.org/nhskg/vocab/role-type/chief-nurse')}
    """
    for name in params:
        query.parameter(name)  # raises, listing the valid names
    bindings: dict[str, Node] = {}
    for parameter in query.parameters:
        value = params.get(parameter.name, parameter.default)
        if value is None:
            continue
        bindings[parameter.name] = _term(query, parameter, str(value))
    return bindings
