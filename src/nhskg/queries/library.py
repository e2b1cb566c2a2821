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
- A role type given as a parameter matches its narrower role types too (``skos:broader``: a
  Director of Nursing is a kind of Chief Nurse). Name the role type as a concept first (``?role
  skos:inScheme <.../role-type> . ?kind skos:broader* ?role . ?post org:role ?kind``): Oxigraph
  then walks the path from the substituted role type, where ``org:role/skos:broader*`` walks it
  from every post (0.0007 s against 0.18 s on the 2020 corpus; the store holds the vocabulary,
  which every build loads). A query that groups by an optional role type counts each post under
  its own role type when none is given: ``BIND (COALESCE(?role, "") AS ?asked)`` opening the
  group, then ``FILTER (isIRI(?asked) || ?own = ?role)`` (``bodies.rq``).

Library queries are ``queries/*.rq``; the queries analyses and views run internally live in
``queries/analysis/``, ``queries/views/`` and ``queries/export/`` and are loaded as ``analysis/NAME``,
``views/NAME`` and ``export/NAME``.

An analyst's own query needs none of this: any ``.rq`` file (:func:`load_query` with a path) or text
(:func:`query_from_text`) runs without a header, and the project's prefixes are declared when it
leaves them out (:mod:`nhskg.sparql.prologue`). Library files must keep their full header.

A parameter of type ``code:<scheme>`` takes the concept's code, IRI, label, alternative label or
acronym ("CMO", "Director of Nursing", "DIPC"; :mod:`nhskg.vocabulary.labels`).

A header line ``# quantiles: VALUE of UNIT by COLUMN, ...`` asks for what SPARQL has no aggregate
for: the query returns one row per UNIT (a posting, say) with its VALUE, and :func:`~nhskg.queries.running.run_query`
reports per group of the named columns how many UNITs there are, how many have a VALUE (``n``),
and the VALUE's ``min``, ``q1``, ``median``, ``q3`` and ``max`` (quartiles by the inclusive method,
as Excel's QUARTILE.INC and pandas' default).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import QueryError, echoed
from ..paths import queries_dir

__all__ = [
    "Parameter",
    "Quantiles",
    "LibraryQuery",
    "PARAMETER_TYPES",
    "SUBDIRECTORIES",
    "load_queries",
    "load_query",
    "parse_query",
    "query_from_text",
]

#: Plain parameter types; ``code:<scheme>`` (a concept of a vocabulary scheme) is the other kind.
PARAMETER_TYPES = ("iri", "string", "integer", "decimal", "date", "boolean")
#: Folders of internal queries, loaded as ``analysis/NAME``, ``views/NAME`` and ``export/NAME``.
SUBDIRECTORIES = ("analysis", "views", "export")
VIEWS = ("table", "graph")
_HEADER_KEYS = ("title", "question", "param", "view", "columns", "quantiles")
#: The statistics columns a ``# quantiles:`` header adds after the group columns and the count.
QUANTILE_COLUMNS = ("n", "min", "q1", "median", "q3", "max")
_QUANTILES = re.compile(r"^(?P<value>[A-Za-z_]\w*)\s+of\s+(?P<unit>[A-Za-z_]\w*)\s+by\s+(?P<groups>.+)$")

_PARAM_LINE = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>\S+)"
    r"(?:\s*=\s*(?P<default>.*?))?"
    r"(?:\s+--\s*(?P<description>.*))?\s*$"
)
_SCHEME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


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
class Quantiles:
    """``# quantiles: VALUE of UNIT by GROUP, ...``: the rows are UNITs; report VALUE's quartiles per group."""

    value: str
    unit: str
    groups: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """The result's columns: the groups, the count of UNITs (``{unit}s``), then the statistics."""
        return (*self.groups, f"{self.unit}s", *QUANTILE_COLUMNS)


@dataclass(frozen=True)
class LibraryQuery:
    """A parsed ``.rq`` file (or an analyst's query text): its header fields and its SPARQL text.

    ``adhoc`` queries (a file given by path, or text) may leave out the header; their title is then
    the file name and their columns whatever the SELECT returns.
    """

    name: str
    path: Path
    title: str
    question: str
    parameters: tuple[Parameter, ...]
    view: str
    columns: tuple[str, ...]
    text: str
    kind: str
    quantiles: Quantiles | None = None
    adhoc: bool = False

    def parameter(self, name: str) -> Parameter:
        for parameter in self.parameters:
            if parameter.name == name:
                return parameter
        raise QueryError(
            f"query '{self.name}' has no parameter '{echoed(name)}'; "
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


def _header(path: Path, text: str, strict: bool = True) -> dict[str, list[str]]:
    """The ``# key: value`` lines at the top of the file; an indented comment line continues one.

    The fields end at the first other comment line (a bare ``#`` by convention), so the prose
    that follows may say anything, colons included. In a library file an unknown key is a typo
    and an error; in an analyst's own file (``strict=False``) it is prose and ends the fields.
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
        elif match and strict:
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


def parse_query(path: Path, name: str | None = None, *, strict: bool = True) -> LibraryQuery:
    """Read one ``.rq`` file and its header.

    In a library file (``strict``, the default) a missing title, question or view is an error; an
    analyst's own file (``strict=False``) needs no header at all.

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
    except UnicodeDecodeError:
        raise QueryError(f"{path} is not UTF-8 text; save the query as UTF-8") from None
    return _parse(text, path, name, strict)


def query_from_text(text: str, name: str = "query") -> LibraryQuery:
    """An analyst's SPARQL text as a query: no header needed, project prefixes optional.

    >>> query = query_from_text("SELECT ?post WHERE { ?post org:role role-type:chief-nurse }")
    >>> (query.name, query.kind, query.columns, query.adhoc)
    ('query', 'select', (), True)
    """
    if not text.strip():
        raise QueryError("the query text is empty")
    return _parse(text, Path(f"<{name}>"), name, strict=False)


def _parse(text: str, path: Path, name: str, strict: bool) -> LibraryQuery:
    fields = _header(path, text, strict)
    if strict:
        for key in ("title", "question", "view"):
            if not fields.get(key):
                raise QueryError(f"{path}: the header needs a '# {key}: ...' line")
    else:
        fields.setdefault("title", [name])
        fields.setdefault("question", [""])
        fields.setdefault("view", ["table"])
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
    quantiles = None
    if fields.get("quantiles"):
        match = _QUANTILES.match(fields["quantiles"][0])
        if not match:
            raise QueryError(f"{path}: write '# quantiles: VALUE of UNIT by COLUMN, COLUMN...'")
        groups = tuple(g.strip() for g in match.group("groups").split(",") if g.strip())
        quantiles = Quantiles(match.group("value"), match.group("unit"), groups)
        if columns and columns != quantiles.columns:
            raise QueryError(f"{path}: with '# quantiles:' the columns are {', '.join(quantiles.columns)}")
        columns = quantiles.columns
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
        quantiles=quantiles,
        adhoc=not strict,
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
        return parse_query(path, strict=False)
    parts = text.split("/")
    valid_name = (len(parts) == 1 or (len(parts) == 2 and parts[0] in SUBDIRECTORIES)) and all(
        _CODE.match(part) for part in parts
    )
    found = directory.joinpath(*parts).with_suffix(".rq") if valid_name else None
    if found is None or not _is_file(found):
        import difflib

        choices = _choices(directory)
        close = difflib.get_close_matches(text, choices, n=1, cutoff=0.6)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise QueryError(
            f"unknown query '{echoed(text)}'; {hint}valid queries: {', '.join(choices)} "
            "(or give the path of a .rq file, or --text 'SPARQL')"
        )
    return parse_query(found, name=text)


def _is_file(path: Path) -> bool:
    """Whether ``path`` is a file; a name too long for the file system (``OSError``) names none."""
    try:
        return path.is_file()
    except OSError:
        return False


