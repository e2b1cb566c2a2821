"""Where SPARQL runs: one small interface over the embedded store, rdflib, or a remote endpoint.

Queries, analyses and views all ask a :class:`SparqlSource` and get a :class:`Table` back, so they
work the same on the embedded Oxigraph store, on rdflib's memory store (the benchmark baseline),
and on any SPARQL 1.1 endpoint. Values are bound as RDF terms, never pasted into query text.
"""

from __future__ import annotations

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
        return self._run(query, bindings, self._table, prefixes)

    @staticmethod
    def _table(solutions: Any) -> Table:
        columns = tuple(v.value for v in solutions.variables)
        # Each distinct term is converted once (a column of role types or organisations repeats
        # a few terms thousands of times), and each solution is read as a tuple in column order:
        # on a 770-row answer that halves the Python side of the query.
        converted: dict[Any, Node | None] = {None: None}

        def convert(term: Any) -> Node | None:
            try:
                return converted[term]
            except KeyError:
                value = converted[term] = to_rdflib(term)
                return value

        rows = tuple(tuple(map(convert, solution)) for solution in solutions)
        return Table(columns, rows)

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
