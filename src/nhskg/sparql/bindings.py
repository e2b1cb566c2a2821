"""SPARQL terms and bindings as text, for a store reached only through SPARQL: one value, one term.

Why: a remote server has no substitutions API, and pasting a user's string into query text lets
the string change the query. Bindings become a ``VALUES`` block at the start of the query's
top-level ``WHERE`` group; each value is serialised as one RDF term (IRIs validated, literals
escaped N-Triples style, language tags and datatypes checked), so whatever it holds, it stays one
term. Joined first in the group, the values reach the group's filters and optionals, which is what
pyoxigraph's substitutions and rdflib's ``initBindings`` do for the library's queries.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

from ..errors import QueryError
from .prologue import blank, skip_string
from .sources import to_rdflib

__all__ = ["serialize_term", "with_values", "iri"]

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>"{}|^`\\]*$')
_LANG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _escape(text: str) -> str:
    """A string's body in SPARQL/N-Triples quotes: escapes for quote, backslash and controls.

    SPARQL 1.1 lets a processor expand ``\\uXXXX`` before parsing, so a backslash the value
    itself holds is written ``\\\\`` and a ``u``/``U`` after it as ``\\u0075``/``\\u0055``:
    no value can smuggle an escaped quote past the lexer on either kind of processor.
    """
    out: list[str] = []
    after_backslash = False
    for char in text:
        if after_backslash and char in "uU":
            out.append("\\u0075" if char == "u" else "\\u0055")
        elif char in _ECHAR:
            out.append(_ECHAR[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
        after_backslash = char == "\\"
    return "".join(out)


def iri(value: str, what: str = "IRI") -> str:
    if not _IRI.match(value):
        raise QueryError(
            f"{what} '{value[:80]}' is not an absolute IRI without spaces, quotes, braces, "
            "angle brackets or backslashes; fix the value"
        )
    return f"<{value}>"


def serialize_term(term: Node | ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple) -> str:
    """One RDF term in N-Triples (and SPARQL) syntax, or a :class:`QueryError` if it cannot be one term.

    >>> serialize_term(Literal('say "hi"\\n} ; DROP ALL #'))
    '"say \\\\"hi\\\\"\\\\n} ; DROP ALL #"'
    """
    if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        term = to_rdflib(term)  # type: ignore[assignment]
    if isinstance(term, URIRef):
        return iri(str(term))
    if isinstance(term, Literal):
        body = f'"{_escape(str(term))}"'
        if term.language:
            if not _LANG.match(term.language):
                raise QueryError(f"language tag '{term.language[:40]}' is not a BCP 47 tag")
            return f"{body}@{term.language}"
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f"{body}^^{iri(str(term.datatype), 'datatype')}"
        return body
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be bound on a remote endpoint: blank node labels are local to one store")
    raise QueryError(f"cannot bind {type(term).__name__} values; bind an IRI or a literal")


def _skip_comment(text: str, i: int) -> int:
    while i < len(text) and text[i] != "\n":
        i += 1
    return i


def _braces(text: str) -> Iterable[tuple[int, str, str]]:
    """``(index, char, preceding keyword)`` of each ``{`` and ``}`` outside comments, IRIs and strings."""
    i, n = 0, len(text)
    word = ""
    while i < n:
        char = text[i]
        if char == "#":
            i = _skip_comment(text, i)
            continue
        if char in "\"'":
            i = skip_string(text, i)
            word = ""
            continue
        if char == "<":
            end = text.find(">", i)
            if end != -1 and not re.search(r"\s", text[i + 1 : end]):
                i = end + 1
                continue
        if char in "{}":
            yield i, char, word
            word = ""
        elif char.isalpha():
            start = i
            while i < n and (text[i].isalnum() or text[i] in "_:-"):
                i += 1
            word = text[start:i].upper()
            continue
        i += 1


def _where_brace(query: str) -> int:
    """Index of the ``{`` opening the top-level WHERE group (after a CONSTRUCT template, if any)."""
    form = re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", blank(query), re.IGNORECASE)
    if not form:
        raise QueryError("no SELECT, CONSTRUCT, ASK or DESCRIBE in the query; is it a SPARQL query?")
    depth = 0
    template = form.group(1).upper() == "CONSTRUCT"
    for index, char, word in _braces(query):
        if index < form.start():
            continue
        if char == "{":
            if depth == 0:
                if template and word != "WHERE":
                    template = False  # CONSTRUCT { template } WHERE { ... }: skip the template
                    depth += 1
                    continue
                return index
            depth += 1
        else:
            depth -= 1
    raise QueryError("the query has no WHERE group to bind parameters in")


def with_values(query: str, bindings: Mapping[str, Node] | None) -> str:
    """``query`` with ``bindings`` as a one-row ``VALUES`` block opening each SELECT's WHERE group.

    The block goes into the top-level WHERE group and into the WHERE group of every sub-select,
    so a sub-select that groups by a parameter sees it bound before it aggregates, as with
    pyoxigraph's substitutions (a join at the top alone would aggregate over every value first).

    >>> with_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal('x" } ; DROP ALL #')})
    'SELECT ?s WHERE { VALUES (?o) { ("x\\\\" } ; DROP ALL #") }\\n ?s ?p ?o }'
    """
    if not bindings:
        return query
    names = list(bindings)
    for name in names:
        if not _VARIABLE.match(name):
            raise QueryError(f"'{name[:40]}' is not a SPARQL variable name")
    terms = " ".join(serialize_term(bindings[name]) for name in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }}\n"
    code = blank(query)
    positions = {_where_brace(query)}
    for select in re.finditer(r"\bSELECT\b", code, re.IGNORECASE):
        brace = code.find("{", select.end())
        if brace != -1:
            positions.add(brace)
    for at in sorted(positions, reverse=True):
        query = query[: at + 1] + block + query[at + 1 :]
    return query
