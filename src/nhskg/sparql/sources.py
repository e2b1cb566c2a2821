"""Where SPARQL runs: one small interface over the embedded store, rdflib, or a remote endpoint.

Queries, analyses and views all ask a :class:`SparqlSource` and get a :class:`Table` back, so they
work the same on the embedded Oxigraph store, on rdflib's memory store (the benchmark baseline),
and on any SPARQL 1.1 endpoint. Values are bound as RDF terms, never pasted into query text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Iterator, Mapping, Protocol, Sequence, TypeVar

import pyoxigraph as ox
import rdflib
from rdflib.term import BNode, Literal, Node, URIRef

from .querycheck import check, run_deep

__all__ = [
    "Table",
    "Triple",
    "SparqlSource",
    "OxigraphSource",
    "RdflibSource",
    "to_rdflib",
    "to_oxigraph",
]

Triple = tuple[Node, Node, Node]
_R = TypeVar("_R")


@dataclass(frozen=True)
class Table:
    """A SELECT result: column names and rows of rdflib terms (``None`` where unbound)."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Node | None, ...], ...]

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self.rows)

    def records(self) -> list[dict[str, Node | None]]:
        """Rows as dicts keyed by column, for code that reads columns by name."""
        return [dict(zip(self.columns, row)) for row in self.rows]

    def column(self, name: str) -> list[Node | None]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def python(self) -> list[dict[str, object]]:
        """Rows with literals as Python values and IRIs as strings, for JSON and networkx."""
        return [
            {
                name: (value.toPython() if isinstance(value, Literal) else None if value is None else str(value))
                for name, value in zip(self.columns, row)
            }
            for row in self.rows
        ]


class SparqlSource(Protocol):
    """Anything that answers SPARQL 1.1 SELECT and CONSTRUCT over the whole graph (all named graphs).

    ``prefixes`` (prefix -> namespace) are declared for the query without rewriting its text, so
    a query may use them without its own ``PREFIX`` lines (:mod:`nhskg.sparql.prologue`).
    """

    def select(self, query: str, bindings: Mapping[str, Node] | None = None, *,
               prefixes: Mapping[str, str] | None = None) -> Table: ...

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None, *,
                  prefixes: Mapping[str, str] | None = None) -> list[Triple]: ...

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None, *,
            prefixes: Mapping[str, str] | None = None) -> bool: ...


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> Node | None:
    """Convert a pyoxigraph term to its rdflib equivalent."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == "http://www.w3.org/2001/XMLSchema#string":
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported term {term!r}")


_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_INTEGER = URIRef(_XSD + "integer")
#: Oxigraph writes an xsd:integer whose lexical form is a Turtle integer bare (``01``, ``+5``).
_BARE_INTEGER = re.compile(r"[+-]?[0-9]+")
#: A BCP 47 tag as Oxigraph writes it after ``@`` (no RDF 1.2 direction suffix, which has ``--``).
_LANGUAGE = re.compile(r"[A-Za-z]+(?:-[A-Za-z0-9]+)*")


class _TsvMismatch(ValueError):
    """The TSV text does not split into rows of the expected width (a raw tab or newline in an IRI)."""


def term_from_tsv(cell: str) -> Node | None:
    """One cell of Oxigraph's TSV query results as the rdflib term :func:`to_rdflib` gives for it.

    The shapes a store mostly holds (IRIs, plain, language-tagged and typed literals without
    escapes, bare integers, blank nodes) are read directly; anything else (escaped characters,
    bare decimals, doubles and booleans, quoted triples) is parsed by Oxigraph and converted as
    any other of its terms, so every cell gives what :func:`to_rdflib` would. An empty cell is
    an unbound value; a cell that is no term raises ``ValueError``.

    >>> term_from_tsv('"Chief Nurse"@en')
    rdflib.term.Literal('Chief Nurse', lang='en')
    >>> term_from_tsv("01") == to_rdflib(ox.Literal("01", datatype=ox.NamedNode(_XSD + "integer")))
    True
    """
    if not cell:
        return None
    first = cell[0]
    if first == "<":
        if cell.find(">") == len(cell) - 1:  # not a quoted triple, whose IRIs close earlier
            return URIRef(cell[1:-1])
    elif first == '"':
        if "\\" not in cell:  # without escapes the body holds no quote
            end = cell.find('"', 1)
            body, rest = cell[1:end], cell[end + 1:]
            if not rest:
                return Literal(body)
            if rest[0] == "@" and _LANGUAGE.fullmatch(rest, 1):
                return Literal(body, lang=rest[1:])
            if rest.startswith("^^<") and rest.find(">") == len(rest) - 1:
                datatype = rest[3:-1]
                if datatype == _XSD + "string":
                    return Literal(body)
                return Literal(body, datatype=URIRef(datatype))
    elif first == "_":
        if cell.startswith("_:"):
            return BNode(cell[2:])
    elif _BARE_INTEGER.fullmatch(cell):
        return Literal(cell, datatype=_XSD_INTEGER)
    try:
        # read to the end, so that the parser is let go here and now, on the engine's thread
        (solution,) = list(ox.parse_query_results(f"?t\n{cell}\n", ox.QueryResultsFormat.TSV))  # type: ignore[arg-type]
    except SyntaxError as error:
        raise _TsvMismatch(f"{cell!r} is not a term in SPARQL TSV results: {error}") from None
    return to_rdflib(solution[0])


class _Converted(dict):  # type: ignore[type-arg]
    """A cell (TSV text or a pyoxigraph term) -> its rdflib term, converted the first time it is
    seen: a column of role types repeats a few terms thousands of times."""

    def __init__(self, convert: Callable[[Any], Node | None]) -> None:
        super().__init__({None: None})  # an unbound cell read term by term
        self.convert = convert

    def __missing__(self, cell: Any) -> Node | None:
        term = self[cell] = self.convert(cell)
        return term


def _rows_from_tsv(text: str, width: int) -> tuple[tuple[Node | None, ...], ...]:
    """The rows of Oxigraph's TSV results (header line first, each line ending in a newline)."""
    lines = text.split("\n")  # not splitlines(): a literal may hold a raw form feed or U+2028
    if lines[-1] != "":
        raise _TsvMismatch("the results do not end with a newline")
    body = lines[1:-1]
    if width == 0:
        if any(body):
            raise _TsvMismatch("a row of no columns has text")
        return ((),) * len(body)
    get = _Converted(term_from_tsv).__getitem__
    rows = []
    for line in body:
        cells = line.split("\t")
        if len(cells) != width:
            raise _TsvMismatch(f"a row has {len(cells)} cells, not {width}")
        rows.append(tuple(map(get, cells)))
    return tuple(rows)


def to_oxigraph(term: Node) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    """Convert an rdflib term to its pyoxigraph equivalent."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


class OxigraphSource:
    """SPARQL over a pyoxigraph store, with the default graph as the union of all named graphs.

    Every query passes :func:`nhskg.sparql.querycheck.check` (size and nesting; ``SERVICE`` is left to
    the caller: the command line runs the user's own files) and runs, results and all, on a
    thread with a large stack (:func:`nhskg.sparql.querycheck.run_deep`): a query that would crash the
    engine is a :class:`~nhskg.errors.QueryRefused` instead. ``owner`` is kept alive as long as
    the source (a :class:`~nhskg.graph.store.GraphStore` holding the generation's lease).

    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("http://ex/a"), ox.NamedNode("http://ex/p"), ox.Literal("x"), ox.NamedNode("http://ex/g")))
    >>> OxigraphSource(store).select("SELECT ?o WHERE { ?s ?p ?o }").python()
    [{'o': 'x'}]
    """

    def __init__(self, store: ox.Store, owner: object = None) -> None:
        self.store = store
        self.owner = owner

    def _run(self, query: str, bindings: Mapping[str, Node] | None, read: Callable[[Any], _R],
             prefixes: Mapping[str, str] | None = None) -> _R:
        check(query, allow_services=None)
        substitutions = {ox.Variable(k): to_oxigraph(v) for k, v in (bindings or {}).items()}
        options: dict[str, Any] = {"use_default_graph_as_union": True, "substitutions": substitutions}
        if prefixes:
            options["prefixes"] = dict(prefixes)
        return run_deep(lambda: read(self.store.query(query, **options)))

    def select(self, query: str, bindings: Mapping[str, Node] | None = None, *,
               prefixes: Mapping[str, str] | None = None) -> Table:
        try:
            return self._run(query, bindings, self._table, prefixes)
        except _TsvMismatch:  # an IRI with a raw tab or newline (a lenient load keeps one)
            return self._run(query, bindings, self._table_by_term, prefixes)

    @staticmethod
    def _table(solutions: Any) -> Table:
        """The solutions as a Table, read from Oxigraph's own TSV serialisation of them.

        Serialising in bulk and splitting the text is cheaper than building a pyoxigraph term for
        every cell and converting it: on ``evidence`` at ten times the 2020 corpus (10,280 rows of
        nine columns) the hand-off to Python fell from about 0.11 to 0.06 CPU seconds, on a view
        of every label (149,465 rows) the whole query from 3.3 to 2.4. Each distinct cell is
        converted once (a column of role types repeats a few terms thousands of times).
        """
        columns = tuple(v.value for v in solutions.variables)
        text = solutions.serialize(format=ox.QueryResultsFormat.TSV).decode("utf-8")
        return Table(columns, _rows_from_tsv(text, len(columns)))

    @staticmethod
    def _table_by_term(solutions: Any) -> Table:
        """The solutions as a Table, term by term: for results whose TSV text does not split."""
        columns = tuple(v.value for v in solutions.variables)
        convert = _Converted(to_rdflib).__getitem__
        return Table(columns, tuple(tuple(map(convert, solution)) for solution in solutions))

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None, *,
                  prefixes: Mapping[str, str] | None = None) -> list[Triple]:
        return self._run(query, bindings, lambda triples: [
            (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))  # type: ignore[misc]
            for t in triples
        ], prefixes)

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None, *,
            prefixes: Mapping[str, str] | None = None) -> bool:
        return self._run(query, bindings, bool, prefixes)


class RdflibSource:
    """SPARQL over an rdflib Dataset whose default graph is the union: the slow, pure-Python baseline."""

    def __init__(self, dataset: rdflib.Dataset) -> None:
        self.dataset = dataset

    def select(self, query: str, bindings: Mapping[str, Node] | None = None, *,
               prefixes: Mapping[str, str] | None = None) -> Table:
        # rdflib types initBindings as Identifier; a binding is always one of its terms
        result = self.dataset.query(query, initBindings=dict(bindings or {}), initNs=dict(prefixes or {}))  # type: ignore[arg-type]
        columns = tuple(str(v) for v in result.vars or ())
        return Table(columns, tuple(tuple(row) for row in result))  # type: ignore[arg-type]

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None, *,
                  prefixes: Mapping[str, str] | None = None) -> list[Triple]:
        return list(self.dataset.query(query, initBindings=dict(bindings or {}), initNs=dict(prefixes or {})))  # type: ignore[arg-type]

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None, *,
            prefixes: Mapping[str, str] | None = None) -> bool:
        return bool(self.dataset.query(query, initBindings=dict(bindings or {}), initNs=dict(prefixes or {})).askAnswer)  # type: ignore[arg-type]


def rows_as(table: Table, names: Sequence[str]) -> Iterable[tuple[Node | None, ...]]:
    """The named columns of each row, in that order."""
    indexes = [table.columns.index(n) for n in names]
    return (tuple(row[i] for i in indexes) for row in table.rows)
