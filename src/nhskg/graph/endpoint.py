"""Any SPARQL 1.1 store as a build's :class:`~nhskg.graph.writer.Writer`: named graphs written
through SPARQL Update (or the Graph Store Protocol), and checked.

The server gets the same quads the embedded build writes, one named graph per posting, so
building again replaces a posting's statements instead of duplicating them. Choices, and why:

* **Writes are checked, not trusted.** ``DROP SILENT GRAPH`` + ``INSERT DATA`` in requests of at
  most 500 triples (Virtuoso fails above about 1,000), or a Graph Store Protocol PUT; after each
  batch the triples of every graph written are counted, and a short graph is written again, then
  reported as a :class:`~nhskg.errors.StoreError` (a Virtuoso GSP PUT once reported success with
  85% of the triples stored).
* **Streamed.** Postings are sent in batches as the build makes them; only what they say of
  their organisations is kept until the end, when the organisations graph is written whole.
  There is no generation to fall back on: a build stopped half-way leaves the postings written so
  far in place (each complete and counted); building again finishes it.
* **Our graphs only.** Virtuoso's union default graph also holds its own system graphs; counts
  and validation read only the posting, organisations and ontology graphs under the base.
"""

from __future__ import annotations

import concurrent.futures
import urllib.parse
from pathlib import Path
from typing import Iterable, Mapping

import pyoxigraph as ox
from rdflib.term import Literal

from ..errors import StoreError
from ..namespaces import DEFAULT_BASE, ONTOLOGY_GRAPH
from ..sparql.bindings import iri, serialize_term
from ..sparql.endpoint import EndpointSource, scrub
from ..sparql.sources import Triple
from .rdfgraph import PostingGraph, organisations_graph_iri, posting_graph_iri, posting_graphs_prefix
from .validate import ValidationReport
from .writer import Written

__all__ = ["EndpointWriter", "validate_endpoint", "triple_count", "our_triples", "CHUNK_TRIPLES"]

#: Most triples sent in one ``INSERT DATA`` request (Virtuoso fails above about 1,000).
CHUNK_TRIPLES = 500


def our_graphs_filter(base: str = DEFAULT_BASE) -> str:
    """A FILTER keeping ``?g`` to the posting, organisations and ontology graphs under ``base``.

    Virtuoso's union default graph also holds its own system graphs; counts and validation
    read only ours.
    """
    prefix = serialize_term(Literal(posting_graphs_prefix(base)))
    return (f"FILTER (STRSTARTS(STR(?g), {prefix}) || ?g = {iri(ONTOLOGY_GRAPH)}"
            f" || ?g = {iri(organisations_graph_iri(base))})")


def triple_count(source: EndpointSource, base: str = DEFAULT_BASE) -> int:
    """Distinct triples in our graphs on the server (the embedded ``triple_count``)."""
    table = source.select(
        f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
        f"{our_graphs_filter(base)} }} }}"
    )
    return int(str(table.rows[0][0])) if table.rows else 0


def our_triples(source: EndpointSource, base: str = DEFAULT_BASE) -> list[Triple]:
    """Every triple of our graphs (postings, organisations, ontology), for validation and export."""
    return source.construct(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {our_graphs_filter(base)} }}"
    )


def validate_endpoint(source: EndpointSource, *, base: str = DEFAULT_BASE, shapes: Path | None = None) -> ValidationReport:
    """SHACL-validate the posting and ontology graphs on the server (a :class:`~nhskg.graph.validate.ValidationReport`)."""
    import rdflib

    from .validate import validate

    graph = rdflib.Graph()
    for triple in our_triples(source, base):
        graph.add(triple)
    return validate(graph, shapes=shapes)


def _nt_lines(quads: Iterable[ox.Quad]) -> list[str]:
    """Distinct ``s p o`` lines (no final dot) of the quads, in a stable order."""
    return sorted({f"{serialize_term(q.subject)} {serialize_term(q.predicate)} {serialize_term(q.object)}" for q in quads})


class EndpointWriter:
    """Replace named graphs on a server: drop, insert in chunks, count, and write again if short.

    Graphs are buffered and sent in batches, so a build of many small postings makes a few
    requests per 500 triples rather than three per posting. As a build's
    :class:`~nhskg.graph.writer.Writer` it writes under ``base`` and validates what the server
    holds afterwards; it cannot tell what the server holds already, so every posting read is
    written.
    """

    on_stop = "the postings already sent to the endpoint stay there; build again to finish"

    def __init__(self, source: EndpointSource, *, base: str = DEFAULT_BASE, method: str = "update",
                 chunk: int = CHUNK_TRIPLES, retries: int = 2) -> None:
        if method not in ("update", "gsp"):
            raise StoreError(f"write method '{method}' is not one of update, gsp")
        if method == "gsp" and not source.config.gsp_url:
            raise StoreError("no Graph Store Protocol URL for this endpoint; set NHSKG_GSP_ENDPOINT or use method='update'")
        self.source = source
        self.where = scrub(source.config.query_url)
        self.base = base
        self.method = method
        self.chunk = max(1, min(chunk, CHUNK_TRIPLES))
        self.retries = retries
        self._pending: dict[str, list[str]] = {}
        self._pending_size = 0
        self._shared: dict[str, set[str]] = {}  # base -> lines for its organisations graph
        self.written: dict[str, int] = {}
        self._committed = False

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """Queue ``graph`` to hold exactly the triples of ``quads`` (their graph names are ignored)."""
        iri(graph, "graph")
        lines = _nt_lines(quads)
        self._pending_size += len(lines) - len(self._pending.get(graph, ()))
        self._pending[graph] = lines
        if self._pending_size >= 10 * self.chunk:
            self.flush()

    def replace_posting(self, posting_id: str, quads: Iterable[ox.Quad], base: str | None = None) -> None:
        """Queue the posting's graph; what it states of its organisation joins the organisations
        graph when :meth:`finish_organisations` runs (as in the embedded store, it is added to
        what other postings said, not replaced)."""
        base = base or self.base
        shared = ox.NamedNode(organisations_graph_iri(base))
        quads = list(quads)
        self._shared.setdefault(base, set()).update(_nt_lines(q for q in quads if q.graph_name == shared))
        self.replace_graph(posting_graph_iri(posting_id, base), (q for q in quads if q.graph_name != shared))

    def finish_organisations(self, base: str | None = None) -> int:
        """Write the organisations graph: what the server held, plus what the postings written
        said, less every organisation or role post no posting graph names any more (how many).

        Runs after the posting graphs are flushed, because "named by no posting" is read from
        the server.
        """
        self.flush()
        base = base or self.base
        graph = organisations_graph_iri(base)
        held = self.source.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}")
        lines = {" ".join(serialize_term(term) for term in triple) for triple in held}
        lines |= self._shared.pop(base, set())
        postings = serialize_term(Literal(posting_graphs_prefix(base)))
        nodes = serialize_term(Literal(f"{base}org/"))
        named = self.source.select(
            f"SELECT DISTINCT ?node WHERE {{ GRAPH ?g {{ ?s ?p ?node }} FILTER (isIRI(?node)"
            f" && STRSTARTS(STR(?g), {postings}) && STRSTARTS(STR(?node), {nodes})) }}"
        )
        kept = {serialize_term(row[0]) for row in named.rows if row[0] is not None}
        subjects = {line.split(" ", 1)[0] for line in lines}
        orphans = subjects - kept
        self._pending[graph] = sorted(line for line in lines if line.split(" ", 1)[0] in kept)
        self.flush()
        return len(orphans)

    def load_ontology(self, base: str | None = None) -> None:
        """(Re)write the ontology graph from ``ontology/nhskg.ttl``, ``ontology/vocab/*.ttl`` and
        ``ontology/org-changes.ttl`` (its relative IRIs resolved against ``base``)."""
        from ..paths import ontology_dir, vocabulary_dir

        base = base or self.base
        store = ox.Store()
        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        for file in [ontology_dir() / "nhskg.ttl", *sorted(vocabulary_dir().glob("*.ttl")), ontology_dir() / "org-changes.ttl"]:
            try:
                store.load(path=str(file), format=ox.RdfFormat.TURTLE, to_graph=graph, base_iri=base)
            except (OSError, SyntaxError, ValueError) as error:
                raise StoreError(f"{file}: cannot load ({error}); fix the file and build again") from error
        self.replace_graph(ONTOLOGY_GRAPH, store.quads_for_pattern(None, None, None, graph))

    # ---------------------------------------------------------------- as a build's Writer

    def held(self) -> Mapping[str, str]:
        return {}  # no digests on the server: every document is extracted

    def stored(self) -> dict[str, tuple[str, str]]:
        return {}  # the server's posting graphs are not read: a posting replaces its own graph

    def begin(self) -> None:
        self._pending, self._pending_size, self._shared = {}, 0, {}

    def expect(self, postings: int) -> None:
        pass  # batches are the same size whatever the build's

    def unchanged(self, input_digest: str) -> bool:
        return False

    def write(self, graph: PostingGraph) -> None:
        self.replace_posting(graph.id, ox.parse(graph.nquads, format=ox.RdfFormat.N_QUADS))

    def commit(self, *, validate: bool, pool: concurrent.futures.Executor | None = None) -> Written:
        self._committed = False
        self.finish_organisations()
        self._committed = True  # every graph is on the server
        report = validate_endpoint(self.source, base=self.base) if validate else None
        return Written(triple_count(self.source, self.base), report)

    def committed(self) -> bool:
        return self._committed

    def abort(self) -> None:
        self._pending, self._pending_size, self._shared = {}, 0, {}  # sent already: stays

    def flush(self) -> None:
        """Send everything queued and check every graph's count; :class:`StoreError` if one stays short."""
        pending, self._pending, self._pending_size = self._pending, {}, 0
        todo = dict(pending)
        for attempt in range(self.retries + 1):
            if not todo:
                break
            self._send(todo)
            counts = self.source.graph_counts(list(todo))
            short = {g: lines for g, lines in todo.items() if counts.get(g, 0) != len(lines)}
            for graph in todo:
                if graph not in short:
                    self.written[graph] = len(todo[graph])
            if short and attempt == self.retries:
                graph = next(iter(short))
                raise StoreError(
                    f"{scrub(self.source.config.update_url)}: graph <{graph}> holds {counts.get(graph, 0)} triples after "
                    f"{self.retries + 1} writes, not {len(short[graph])}; the server lost triples, check its log and build again"
                )
            todo = short

    def _send(self, graphs: Mapping[str, list[str]]) -> None:
        if self.method == "gsp":
            for graph, lines in graphs.items():
                self._put(graph, lines)
            return
        names = list(graphs)
        for start in range(0, len(names), 100):
            self.source.update(";\n".join(f"DROP SILENT GRAPH {iri(g)}" for g in names[start : start + 100]))
        batch: list[str] = []
        size = 0
        for graph, lines in graphs.items():
            for begin in range(0, len(lines), self.chunk):
                part = lines[begin : begin + self.chunk]
                if size + len(part) > self.chunk and batch:
                    self.source.update(f"INSERT DATA {{ {' '.join(batch)} }}")
                    batch, size = [], 0
                batch.append(f"GRAPH {iri(graph)} {{\n" + " .\n".join(part) + " .\n}")
                size += len(part)
        if batch:
            self.source.update(f"INSERT DATA {{ {' '.join(batch)} }}")

    def _put(self, graph: str, lines: list[str]) -> None:
        url = self.source.config.gsp_url or ""
        joiner = "&" if "?" in url else "?"
        target = f"{url}{joiner}{urllib.parse.urlencode({'graph': graph})}"
        body = "".join(f"{line} .\n" for line in lines).encode("utf-8")
        self.source.http.request("PUT", target, body=body, error=StoreError, what="graph store PUT",
                                 headers={"Content-Type": "application/n-triples; charset=utf-8"})
