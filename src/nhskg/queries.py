"""Stage 4: the SPARQL query library, ``queries/*.rq`` files read by name and run with bound parameters.

A query is data: an analyst adds a question by adding a ``.rq`` file whose comment header gives its
title, the question it answers, its parameters (with types and defaults), its view and its columns::

    # title: Duties the CMO and the Chief Nurse share
    # question: Which duty areas do two role types both claim, with the evidence sentence from each?
    # param: role_a code:role-type = chief-medical-officer -- the first role type
    # param: role_b code:role-type = chief-nurse -- the second role type
    # view: table
    # columns: area, area_label, posting_a, sentence_a, posting_b, sentence_b

Parameter values are turned into RDF terms and handed to the engine as bindings (pyoxigraph
``substitutions``, rdflib ``initBindings``); they are never pasted into the query text, so a value
cannot change the shape of a query. What a query author must know, because the two engines bind
differently and the library runs on both:

- A parameter variable must be in the top-level projection (pyoxigraph refuses it otherwise) and
  in the projection of every sub-select that uses it; ``run_query`` keeps just the header's
  ``columns``, so parameters need not be shown.
- A parameter that only a FILTER reads is tested with ``COALESCE(?param, ?x) = ?x``, never with
  ``BOUND(?param)``, which pyoxigraph answers before substituting.
- The default graph is the union of the posting graphs, and Oxigraph repeats a triple once per
  graph that holds it (an organisation's label is in every posting of it): select DISTINCT, count
  DISTINCT, and sum or average over a DISTINCT sub-select.
- A label look-up ``OPTIONAL { ?x skos:prefLabel ?label }`` on a variable that may be unbound
  matches every label: make such a variable a placeholder (``COALESCE(?band, "")``) first.

Library queries are ``queries/*.rq``; the queries analyses and views run internally live in
``queries/analysis/`` and ``queries/views/`` and are loaded as ``analysis/NAME`` and ``views/NAME``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Mapping

from rdflib.namespace import XSD
from rdflib.term import Literal, Node, URIRef

from .errors import NhskgError, QueryError
from .namespaces import VOCAB_BASE
from .paths import queries_dir
from .sparql import SparqlSource, Table, Triple

__all__ = [
    "Parameter",
    "LibraryQuery",
    "PARAMETER_TYPES",
    "SUBDIRECTORIES",
    "load_queries",
    "load_query",
    "parse_query",
    "bind",
    "run_query",
]

#: Plain parameter types; ``code:<scheme>`` (a concept of a vocabulary scheme) is the other kind.
PARAMETER_TYPES = ("iri", "string", "integer", "decimal", "date", "boolean")
#: Folders of internal queries, loaded as ``analysis/NAME`` and ``views/NAME``.
SUBDIRECTORIES = ("analysis", "views")
VIEWS = ("table", "graph")
_HEADER_KEYS = ("title", "question", "param", "view", "columns")

_PARAM_LINE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\S+)"
    r"(?:\s*=\s*(?P<default>.*?))?"
    r"(?:\s+--\s*(?P<description>.*))?\s*$"
)
_SCHEME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# An absolute IRI (RFC 3987 scheme, then no character SPARQL's IRIREF forbids).
_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>"{}|^`\\]*$')
_BOOLEAN = {"true": True, "false": False, "1": True, "0": False, "yes": True, "no": False}


@dataclass(frozen=True)
class Parameter:
    """One ``# param: NAME TYPE = DEFAULT -- description`` line; ``default`` is None when omitted.

    A parameter without a default that the caller does not give stays an unbound variable, so the
    query ranges over every value (e.g. every post rather than one).
    """

    name: str
    type: str
    default: str | None
    description: str

    @property
    def scheme(self) -> str | None:
        """The concept scheme of a ``code:<scheme>`` parameter, else None."""
        return self.type.split(":", 1)[1] if self.type.startswith("code:") else None


@dataclass(frozen=True)
class LibraryQuery:
    """A parsed ``.rq`` file: its header fields and its SPARQL text (header included)."""

    name: str
    path: Path
    title: str
    question: str
    parameters: tuple[Parameter, ...]
    view: str
    columns: tuple[str, ...]
    text: str
    kind: str

    def parameter(self, name: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise QueryError(
            f"query '{self.name}' has no parameter '{name}'; "
            f"valid parameters: {', '.join(p.name for p in self.parameters) or '(none)'}"
        )


def _strip_terms(text: str) -> str:
    """The query text without comments, IRIs and string literals, for keyword and variable search.

    '#' starts a comment only outside ``<...>`` and quoted strings, so prefix IRIs such as
    ``<https://w3id.org/nhskg/def#>`` are not cut in half.
    """
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        if char == "<":
            end = text.find(">", i)
            gap = text[i + 1 : end] if end != -1 else ""
            # '<' followed by an IRI body (no space) is an IRIREF; otherwise it is the operator.
            if end != -1 and not re.search(r"\s", gap):
                out.append(" <> ")
                i = end + 1
                continue
        if char in "\"'":
            quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else char
            i += len(quote)
            while i < n and not text.startswith(quote, i):
                i += 2 if text[i] == "\\" else 1
            i += len(quote)
            out.append(' "" ')
            continue
        out.append(char)
        i += 1
    return "".join(out)


def _kind(name: str, text: str) -> str:
    match = re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", _strip_terms(text), re.IGNORECASE)
    if not match:
        raise QueryError(f"query '{name}': no SELECT, CONSTRUCT or ASK found; is it a SPARQL query?")
    kind = match.group(1).lower()
    if kind == "describe":
        raise QueryError(f"query '{name}': DESCRIBE is not supported; write a CONSTRUCT instead")
    return kind


def _header(path: Path, text: str) -> dict[str, list[str]]:
    """The ``# key: value`` lines at the top of the file; an indented comment line continues one.

    The fields end at the first other comment line (a bare ``#`` by convention), so the prose
    that follows may say anything, colons included.
    """
    fields: dict[str, list[str]] = {}
    last: str | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if not stripped.startswith("#"):
            break
        body = stripped[1:]
        match = re.match(r"^\s?([a-z]+):\s*(.*)$", body)
        if match and match.group(1) in _HEADER_KEYS:
            last = match.group(1)
            fields.setdefault(last, []).append(match.group(2).strip())
        elif body.startswith(("  ", "\t")) and last is not None and last != "param" and body.strip():
            fields[last][-1] = f"{fields[last][-1]} {body.strip()}"
        elif match:
            raise QueryError(
                f"{path}:{number}: unknown header key '{match.group(1)}'; "
                f"valid keys: {', '.join(_HEADER_KEYS)}"
            )
        else:
            break  # a free comment (or a bare '#') ends the fields; prose may follow
    return fields


def _parameter(path: Path, value: str) -> Parameter:
    match = _PARAM_LINE.match(value)
    if not match:
        raise QueryError(
            f"{path}: bad header line '# param: {value}'; "
            "write '# param: NAME TYPE = DEFAULT -- description'"
        )
    type_ = match.group("type")
    if type_ not in PARAMETER_TYPES and not (
        type_.startswith("code:") and _SCHEME.match(type_.split(":", 1)[1])
    ):
        raise QueryError(
            f"{path}: parameter '{match.group('name')}' has unknown type '{type_}'; "
            f"valid types: {', '.join(PARAMETER_TYPES)}, code:<scheme>"
        )
    default = match.group("default")
    return Parameter(
        name=match.group("name"),
        type=type_,
        default=default if default not in (None, "") else None,
        description=(match.group("description") or "").strip(),
    )


def parse_query(path: Path, name: str | None = None) -> LibraryQuery:
    """Read one ``.rq`` file and its header; a missing title, question or view is an error.

    >>> from nhskg.paths import queries_dir
    >>> query = parse_query(queries_dir() / "shared-duties.rq")
    >>> (query.kind, query.view, [p.name for p in query.parameters])
    ('select', 'table', ['role_a', 'role_b'])
    """
    path = Path(path)
    name = name or path.stem
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise QueryError(f"cannot read query file {path}: {error.strerror}") from error
    fields = _header(path, text)
    for key in ("title", "question", "view"):
        if not fields.get(key):
            raise QueryError(f"{path}: the header needs a '# {key}: ...' line")
    view = fields["view"][0]
    if view not in VIEWS:
        raise QueryError(f"{path}: view '{view}' is not one of {', '.join(VIEWS)}")
    parameters = tuple(_parameter(path, value) for value in fields.get("param", []))
    names = [p.name for p in parameters]
    if len(set(names)) != len(names):
        raise QueryError(f"{path}: a parameter is declared twice ({', '.join(names)})")
    columns = tuple(
        c.strip() for line in fields.get("columns", []) for c in line.split(",") if c.strip()
    )
    body = _strip_terms(text)
    for parameter in parameters:
        if not re.search(rf"[?$]{parameter.name}\b", body):
            raise QueryError(
                f"{path}: parameter '{parameter.name}' is declared but ?{parameter.name} "
                "is not used in the query"
            )
    return LibraryQuery(
        name=name,
        path=path,
        title=fields["title"][0],
        question=fields["question"][0],
        parameters=parameters,
        view=view,
        columns=columns,
        text=text,
        kind=_kind(name, text),
    )


def load_queries(directory: Path | None = None) -> dict[str, LibraryQuery]:
    """Every library query in ``directory`` (default ``queries/``), by name, sorted.

    Sub-folders (the internal ``analysis/`` and ``views/`` queries) are not part of the library.
    """
    directory = Path(directory) if directory is not None else queries_dir()
    if not directory.is_dir():
        raise QueryError(f"no query folder {directory}; set NHSKG_HOME to the checkout holding queries/")
    return {path.stem: parse_query(path) for path in sorted(directory.glob("*.rq"))}


def _choices(directory: Path) -> list[str]:
    names = [p.stem for p in sorted(directory.glob("*.rq"))]
    for sub in SUBDIRECTORIES:
        names += [f"{sub}/{p.stem}" for p in sorted((directory / sub).glob("*.rq"))]
    return names


def load_query(name_or_path: str | Path, directory: Path | None = None) -> LibraryQuery:
    """A library query by name (``shared-duties``), an internal one (``analysis/NAME``,
    ``views/NAME``), or any ``.rq`` file by path.
    """
    directory = Path(directory) if directory is not None else queries_dir()
    text = str(name_or_path)
    if isinstance(name_or_path, Path) or text.endswith(".rq"):
        path = Path(name_or_path)
        if not path.is_file():
            raise QueryError(f"no query file {path}")
        return parse_query(path)
    parts = text.split("/")
    valid_name = (len(parts) == 1 or (len(parts) == 2 and parts[0] in SUBDIRECTORIES)) and all(
        _CODE.match(part) for part in parts
    )
    path = directory.joinpath(*parts).with_suffix(".rq") if valid_name else None
    if path is None or not path.is_file():
        raise QueryError(
            f"unknown query '{text}'; valid queries: {', '.join(_choices(directory))} "
            "(or give the path of a .rq file)"
        )
    return parse_query(path, name=text)


def _term(query: LibraryQuery, parameter: Parameter, value: str) -> Node:
    """One parameter value as an RDF term of the parameter's type, or a QueryError saying why not."""
    where = f"query '{query.name}', parameter '{parameter.name}' ({parameter.type})"
    value = value.strip() if parameter.type != "string" else value
    if parameter.type == "string":
        return Literal(value)
    if parameter.type == "iri":
        if value.startswith("<") and value.endswith(">"):
            value = value[1:-1]
        if not _IRI.match(value):
            raise QueryError(
                f"{where}: '{value}' is not an absolute IRI (it needs a scheme such as https: "
                "and no spaces, quotes, braces or angle brackets)"
            )
        return URIRef(value)
    if parameter.type == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", value):
            raise QueryError(f"{where}: '{value}' is not a whole number")
        return Literal(int(value), datatype=XSD.integer)
    if parameter.type == "decimal":
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise QueryError(f"{where}: '{value}' is not a decimal number") from None
        if not number.is_finite():
            raise QueryError(f"{where}: '{value}' is not a finite decimal number")
        return Literal(number, datatype=XSD.decimal)
    if parameter.type == "date":
        try:
            day = date.fromisoformat(value)
        except ValueError:
            raise QueryError(f"{where}: '{value}' is not a date in the form YYYY-MM-DD") from None
        return Literal(day.isoformat(), datatype=XSD.date)
    if parameter.type == "boolean":
        if value.lower() not in _BOOLEAN:
            raise QueryError(f"{where}: '{value}' is not a boolean; use true or false")
        return Literal(_BOOLEAN[value.lower()])
    return _concept(where, parameter.scheme or "", value)


def _concept(where: str, scheme_name: str, value: str) -> URIRef:
    """A code of a vocabulary scheme (or the concept's full IRI), checked against ``ontology/vocab``."""
    from .vocab import load_vocabulary  # the vocabulary is read only when a code is bound

    prefix = f"{VOCAB_BASE}{scheme_name}/"
    code = value.removeprefix(prefix)
    try:
        scheme = load_vocabulary().scheme(scheme_name)
    except NhskgError as error:
        raise QueryError(f"{where}: cannot check the code against the vocabulary: {error}") from error
    concept = scheme.get(code)
    if concept is None:
        raise QueryError(
            f"{where}: '{value}' is not a code of the {scheme_name} scheme ({scheme.file}); "
            f"valid codes: {', '.join(scheme.codes)}"
        )
    return URIRef(concept.iri)


def bind(query: LibraryQuery, params: Mapping[str, str]) -> dict[str, Node]:
    """The RDF term each parameter variable receives: given values, else defaults.

    A parameter with no default and no value is left out, so its variable stays unbound.

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


def _project(query: LibraryQuery, table: Table) -> Table:
    """Keep the header's columns, in the header's order (parameter variables drop out)."""
    if not query.columns:
        return table
    missing = [c for c in query.columns if c not in table.columns]
    if missing:
        raise QueryError(
            f"query '{query.name}' ({query.path}) declares column(s) {', '.join(missing)} "
            f"that its SELECT does not return (it returns {', '.join(table.columns)})"
        )
    indexes = [table.columns.index(c) for c in query.columns]
    return Table(query.columns, tuple(tuple(row[i] for i in indexes) for row in table.rows))


def run_query(
    source: SparqlSource,
    name_or_path: str | Path | LibraryQuery,
    params: Mapping[str, str] | None = None,
) -> Table | list[Triple] | bool:
    """Run a library query on a source: a Table for SELECT, triples for CONSTRUCT, a bool for ASK.

    >>> import pyoxigraph
    >>> from nhskg.sparql import OxigraphSource
    >>> run_query(OxigraphSource(pyoxigraph.Store()), "shared-duties").rows
    ()
    """
    query = name_or_path if isinstance(name_or_path, LibraryQuery) else load_query(name_or_path)
    bindings = bind(query, params or {})
    try:
        if query.kind == "select":
            return _project(query, source.select(query.text, bindings))
        if query.kind == "construct":
            return source.construct(query.text, bindings)
        return source.ask(query.text, bindings)
    except NhskgError:
        raise
    except Exception as error:  # each engine has its own error types; name the query either way
        raise QueryError(f"query '{query.name}' ({query.path}) failed: {error}") from error
