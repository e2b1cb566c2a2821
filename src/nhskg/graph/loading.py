"""Writing one new generation of the embedded store: batches bulk-loaded in the background.

:class:`GraphWriter` is what :meth:`nhskg.graph.store.GraphStore.writer` hands a build; how the
generation is made, what is skipped as unchanged and how batches load are in its docstring.
"""

from __future__ import annotations

import concurrent.futures
from pathlib import Path
from typing import Iterable, cast

import pyoxigraph as ox

from ..background import background_threads
from ..errors import StoreError
from ..namespaces import DEFAULT_BASE, ONTOLOGY_GRAPH
from ..sparql.sources import OxigraphSource
from .generations import (
    _NO_DIGEST, _TRIPLES, DigestTable, _cannot_write, _count, _graph_count, _read_digests, _write_digests,
)
from .ontology_graph import load_ontology_into, ontology_digest
from .rdfgraph import organisations_graph_iri, posting_graph_iri, posting_graphs_prefix

__all__ = ["GraphWriter"]

_ORPHANS = """
SELECT DISTINCT ?node WHERE {
  GRAPH ?organisations { ?node ?p ?o }
  FILTER NOT EXISTS { GRAPH ?g { ?s ?q ?node } FILTER (STRSTARTS(STR(?g), ?postings)) }
}
"""


class GraphWriter:
    """Changes to one new generation, batched: postings are buffered and bulk-loaded in batches.

    **How the generation is made.** At the first flush the writer picks the cheaper of two ways
    for the changes it expects, and neither costs a file per graph:

    * a RocksDB checkpoint of the live generation (hard links: milliseconds, whatever its size),
      from which each replaced or removed graph is removed (about 0.2 ms a graph); or
    * when the build will rewrite more than :attr:`COPY_SHARE` of the live generation's graphs
      (a rebuild after a vocabulary change), an empty generation, into which the graphs nobody
      touched are copied at the end in one pass: per-graph N-Triples dumps gathered into a few
      large bulk loads, so a rebuild that rewrites everything copies nothing.

    Copying graph by graph with a bulk load each, as this class once did, made more than 100,000
    RocksDB files for the 15,000 graphs of the 2020 corpus and died with "Too many open files".

    **What is unchanged is not written.** Each graph is recorded with the digest of what it was
    made from (:meth:`replace_posting`), in a small table inside the generation that names every
    graph but the organisations one (``digest`` TAB ``graph`` per line, then for a posting graph
    TAB the digest of its content, compared with a record of the same id read twice, TAB its
    posting id and TAB the file it was read from; RocksDB leaves files it does not know alone). A build that meets a document with
    a digest the live generation holds (:meth:`unchanged`) skips it, and the ontology graph is
    reloaded only when its files changed. A write that changes nothing makes no generation.

    **Batches in the background.** Each full batch is bulk-loaded in a background thread while
    the build goes on reading and extracting: Oxigraph lets go of the GIL while it loads, and
    loading is about a third of a corpus build's work. One batch loads at a time, in the order
    written, after the removals its postings call for; anything else that touches the store
    (the ontology, a query) waits for the load in flight.
    """

    #: The checkpoint is always taken when at most this many of the live graphs are to change.
    COPY_OVER = 300
    #: Above that, copy instead when the build is expected to rewrite more than this share of
    #: the live generation's graphs (removals cost about as much a graph as copies).
    COPY_SHARE = 0.5

    #: Bytes of N-Quads (or number of quads) held before the first batch is handed to the loader
    #: (about 2,000 minimal postings); then a batch is as large as all loaded before it, up to
    #: sixteen times this, and smaller towards the end (:meth:`_batch_size`): the 2020 corpus
    #: loads in six batches, ten times it in 16. Each bulk load adds RocksDB files whose keys
    #: overlap the others', merged again and again as the store grows: ten times the corpus in 58
    #: batches of 8 MB took 31 CPU seconds, in 4 of 128 MB 24; a build's own process went from 70
    #: to 62 CPU seconds with batches of up to 128 MB, and queries on the store were as fast.
    BATCH = 8_000_000

    #: After bulk-loading at least this many bytes, compact the generation before it goes live:
    #: RocksDB would merge the batches' overlapping files in the background, but a build's process
    #: ends first and every later read pays (on ten times the corpus the evidence query took 4.5 s
    #: before compaction, 0.9 s after). The corpus itself (56 MB) loads too little to be worth it.
    COMPACT_OVER = 128_000_000

    def __init__(self, target: Path, live: Path | None, base: str = DEFAULT_BASE) -> None:
        self.target = target
        self.live = live
        self.base = base
        self.batch = self.BATCH
        self._store: ox.Store | None = None
        self._copying = False  # decided when the generation is made
        self._pending: dict[str, bytes | list[ox.Quad]] = {}
        self._pending_size = 0
        self._dropped: set[str] = set()  # replaced or removed: neither copied nor carried in the table
        self._to_remove: list[str] = []  # to take out of the new generation before the next batch loads
        self._loaded: set[str] = set()  # handed to the loader by this writer
        self._written: set[str] = set()  # given new content by this writer
        self._reloaded = False  # a graph this writer loaded was replaced or removed again
        #: graph -> digest of the live generation (every graph but the organisations one).
        table = _read_digests(live) if live is not None else DigestTable()
        if table is None:  # made by an nhskg that kept no table: every graph, digest unknown
            table = DigestTable(self._inventory())
        self._live_table = table.inputs
        self._held = {d: g for g, d in self._live_table.items() if d != _NO_DIGEST}
        self._digests = dict(self._live_table)  # the new generation's table
        self._contents = dict(table.contents)  # and its content digests of posting graphs
        self._ids = dict(table.ids)  # and their postings' ids
        self._sources = dict(table.sources)  # and the files they were read from
        self._kept = 0
        self._rewritten_live = 0  # graphs of the live generation replaced or removed
        self._expected: int | None = None
        self._merged_organisations = False
        self._ontology = False
        self._pending_ontology = False  # asked for before the generation existed: loads with the first batch
        self._large = False
        self._bulk_loaded = 0  # bytes
        self._handed = 0  # bytes or quads handed to the loader (see _batch_size)
        self._loader: concurrent.futures.ThreadPoolExecutor | None = None
        self._loading: concurrent.futures.Future[None] | None = None

    def _inventory(self) -> dict[str, str]:
        assert self.live is not None
        old = ox.Store.read_only(str(self.live))
        shared = organisations_graph_iri(self.base)
        return {g.value: _NO_DIGEST for g in old.named_graphs() if isinstance(g, ox.NamedNode) and g.value != shared}

    @property
    def store(self) -> ox.Store:
        """The new generation's store, made on first use."""
        if self._store is None:
            self._store = self._materialise()
        return self._store

    def _materialise(self) -> ox.Store:
        try:
            if self.live is not None and not self._should_copy():
                old = ox.Store.read_only(str(self.live))
                old.backup(str(self.target))
                del old
                store = ox.Store(str(self.target))
                self._to_remove = sorted(g for g in self._dropped if g in self._live_table)
            else:
                self._copying = self.live is not None
                store = ox.Store(str(self.target))
        except OSError as error:
            raise StoreError(
                f"{self.target.parent}: cannot create a new store generation ({error}); the previous store is"
                " unchanged; free some space or choose a writable folder"
            ) from error
        self._pending_ontology = self._ontology  # asked for before the generation existed
        return store

    def _should_copy(self) -> bool:
        """Whether the build will rewrite so much of the live generation that copying the rest
        costs less than removing the rewritten graphs from a checkpoint of it."""
        seen = len(self._dropped) + self._kept
        if not self._rewritten_live or not seen:
            return False
        # The share of live graphs rewritten among the postings seen so far, over the whole input.
        predicted = self._rewritten_live * max(self._expected or 0, seen) / seen
        return predicted > self.COPY_OVER and predicted > self.COPY_SHARE * len(self._live_table)

    def expect(self, postings: int) -> None:
        """Say how many postings the build will write or keep in all (an estimate will do): with
        it the first flush can tell a rebuild of the whole store from an addition to it."""
        self._expected = postings

    def unchanged(self, digest: str) -> bool:
        """Whether the live generation holds a graph made from ``digest`` that this writer has
        not replaced; if so, the caller need not make it again, and it stays as it is."""
        graph = self._held.get(digest)
        if graph is None or graph in self._dropped:
            return False
        self._kept += 1
        return True

    def replace_posting(self, posting_id: str, quads: Iterable[ox.Quad] | bytes, *, digest: str | None = None,
                        content: str | None = None, source: str | None = None) -> None:
        """Drop whatever the posting's named graph held and put ``quads`` there instead.

        ``quads`` are Quad objects or UTF-8 N-Quads (:func:`nhskg.graph.posting.posting_nquads`,
        the fast path a build takes), each in the posting's graph or in the organisations graph.
        What the organisations graph gets is added to it, never dropped with the posting: other
        postings may state the same; organisations no posting names any more are removed when
        the writer finishes (:meth:`remove_orphans`). ``digest`` names what the graph was made
        from (a build's digest of the document and the extractor's version), so that a later
        build can skip the same input (:meth:`unchanged`); ``content`` is the digest of what it
        says (:attr:`nhskg.graph.rdfgraph.PostingGraph.digest`), which that build compares with a
        record of the same id read again; ``source``, the file it was read from, for the build that
        reads it from another.
        """
        graph = posting_graph_iri(posting_id, self.base)
        if not isinstance(quads, bytes):
            quads = list(quads)
            allowed = (ox.NamedNode(graph), ox.NamedNode(organisations_graph_iri(self.base)))
            for quad in quads:
                if quad.graph_name not in allowed:
                    raise StoreError(f"posting '{posting_id}': a quad is in {quad.graph_name}, not in its graph <{graph}>"
                                     " or the organisations graph")
        self._drop(graph)
        self._written.add(graph)
        self._pending[graph] = quads
        self._pending_size += len(quads)
        self._digests[graph] = digest or _NO_DIGEST
        self._ids[graph] = posting_id
        if content:
            self._contents[graph] = content
        if source:
            self._sources[graph] = source
        if self._pending_size >= self._batch_size():
            # Postings enough to fill a batch: a large build, whatever the first batch holds.
            self._large = True
            self.flush(wait=False)

    def _batch_size(self) -> int:
        """The size of the next batch: :attr:`batch` for the first, then as much as has been
        handed to the loader, up to sixteen times :attr:`batch`; and, when the build has said how
        many postings it expects (:meth:`expect`), no more than half of what is still to come, so
        that the batch loading after the last posting is read is a small one (on ten times the
        corpus the build waited 2.8 s for its last 68 MB)."""
        size = min(max(self.batch, self._handed), 16 * self.batch)
        if self._expected and self._expected > len(self._written) > 0:  # an estimate can run short
            so_far = self._handed + self._pending_size
            to_come = (self._expected - len(self._written)) * so_far // len(self._written)
            size = min(size, max(self.batch, to_come // 2))
        return size

    def _drop(self, graph: str) -> None:
        old = self._pending.pop(graph, None)
        self._pending_size -= len(old or ())
        if graph in self._live_table and graph not in self._dropped:
            self._rewritten_live += 1
        self._dropped.add(graph)
        self._written.discard(graph)
        self._digests.pop(graph, None)
        self._contents.pop(graph, None)
        self._ids.pop(graph, None)
        self._sources.pop(graph, None)
        if graph in self._loaded:  # loaded earlier by this writer: out before the new version loads
            self._loaded.discard(graph)
            self._reloaded = True
            self._to_remove.append(graph)
        elif self._store is not None and not self._copying and graph in self._live_table:
            self._to_remove.append(graph)  # in the checkpoint of the live generation
        # (before the generation exists, _materialise picks up every dropped graph)

    @property
    def written(self) -> frozenset[str]:
        """The named graphs this writer has given new content (not those it removed)."""
        return frozenset(self._written)

    def remove_posting(self, posting_id: str) -> None:
        self._drop(posting_graph_iri(posting_id, self.base))

    def load_ontology(self) -> None:
        """(Re)load ``ontology/nhskg.ttl``, every ``ontology/vocab/*.ttl`` and the organisation change
        events of ``ontology/org-changes.ttl`` into the ontology graph, unless the live generation
        holds these very files already.

        The change events name organisations by IRIs relative to the data base, so they are the
        same nodes as the organisations the postings name, whatever ``--base`` is. Called before
        the generation exists (a build calls it first), the load waits for the first batch and
        runs with it in the background; a bad file is raised by the next flush.
        """
        digest = ontology_digest(self.base)
        if self.live is not None and self._live_table.get(ONTOLOGY_GRAPH) == digest:
            return
        self._digests[ONTOLOGY_GRAPH] = digest
        self._ontology = True
        if self._store is None:
            return
        self._wait()
        load_ontology_into(self._store, self.base, self.target.parent)

    def flush(self, *, wait: bool = True) -> None:
        """Bulk-load what is pending (N-Quads in one parse, Quad objects in one call).

        ``wait=False`` hands the batch to the loader thread and returns; a failed load is
        raised by the next flush (or by whatever waits for it). If the loader is still busy
        with the previous batch, the pending one grows instead (up to four batches, and never
        past the largest batch), so the build never stalls on it; so it does, before the
        generation exists, while the build has not yet said how large it is (:meth:`expect`),
        which decides how to make it.
        """
        if (not wait and self._store is None and self.live is not None and self._expected is None
                and self._pending_size < 4 * self._batch_size()):
            return
        store = self.store
        busy = self._loading is not None and not self._loading.done()
        if not wait and busy and self._pending_size < min(4 * self._batch_size(), 16 * self.batch):
            return
        self._wait()
        if self._pending or self._pending_ontology or self._to_remove:
            text = b"".join(v for v in self._pending.values() if isinstance(v, bytes))
            objects = [q for v in self._pending.values() if not isinstance(v, bytes) for q in v]
            self._loaded.update(self._pending)
            self._handed += self._pending_size
            self._pending.clear()
            self._pending_size = 0
            removals, self._to_remove = self._to_remove, []
            if self._loader is None:
                self._loader = background_threads(1, "nhskg-load")
            ontology, self._pending_ontology = self._pending_ontology, False
            self._loading = self._loader.submit(self._apply, store, removals, text, objects, ontology)
        if wait:
            self._wait()

    def _apply(self, store: ox.Store, removals: list[str], text: bytes, objects: list[ox.Quad], ontology: bool) -> None:
        """In the loader thread: take out the graphs being replaced, then load their new versions."""
        try:
            for graph in removals:
                store.remove_graph(ox.NamedNode(graph))
        except OSError as error:
            raise _cannot_write(self.target.parent, error) from error
        self._load(store, text, objects, ontology)

    def _load(self, store: ox.Store, text: bytes, objects: list[ox.Quad], ontology: bool = False) -> None:
        if ontology:
            load_ontology_into(store, self.base, self.target.parent)
        if text:
            self._bulk_loaded += len(text)
            try:
                store.bulk_load(text, format=ox.RdfFormat.N_QUADS, lenient=True)
            except SyntaxError as error:
                raise StoreError(f"cannot load the postings' N-Quads ({error})") from error
            except OSError as error:
                raise _cannot_write(self.target.parent, error) from error
        if objects:
            try:
                store.bulk_extend(objects)
            except OSError as error:
                raise _cannot_write(self.target.parent, error) from error

    def _wait(self) -> None:
        """Wait for the batch loading now, if any; raise what it raised."""
        loading, self._loading = self._loading, None
        if loading is not None:
            loading.result()

    def finish(self) -> bool:
        """Complete the new generation: load what is pending, copy in what the live generation
        holds and this writer left alone (when it was not made from a checkpoint), drop the
        organisations no posting names any more, write the digest table, flush it all to disk
        and, after a large load, compact it (:attr:`COMPACT_OVER`).

        False, with no generation made, when there was nothing to change.
        """
        if self._store is None and self.live is not None and not (self._pending or self._dropped or self._ontology):
            return False
        self.flush()
        if self._copying:
            self._copy_untouched()
        self.remove_orphans()
        try:
            _write_digests(self.target, DigestTable(self._digests, self._contents, self._ids, self._sources))
            self.store.flush()
            if self._bulk_loaded >= self.COMPACT_OVER:
                # Count the triples while RocksDB compacts (both let go of the GIL), and keep
                # the count in the generation (see GraphStore.triple_count): counted after, on
                # ten times the corpus, it took 18 s beside the validation, on two cores.
                with background_threads(1, "nhskg-count") as counting:
                    counted = counting.submit(_count, self.store)
                    self.store.optimize()
                    (self.target / _TRIPLES).write_text(f"{counted.result()}\n", encoding="utf-8")
        except OSError as error:
            raise _cannot_write(self.target.parent, error) from error
        return True

    def _copy_untouched(self) -> None:
        """Copy every graph of the live generation this writer did not replace, in a few bulk
        loads (not one per graph, which made a RocksDB file or more per graph). A graph is dumped
        as N-Triples and its name appended to each line (Oxigraph writes one triple a line, ending
        in " .", with newlines inside literals escaped), which is N-Quads. The organisations graph
        is merged in only when some posting graph is kept: when every posting was rewritten, what
        they state of their organisations is all there is to say."""
        assert self.live is not None and self._store is not None
        old = ox.Store.read_only(str(self.live))
        shared = organisations_graph_iri(self.base)
        skip = self._dropped | {shared} | ({ONTOLOGY_GRAPH} if self._ontology else set())
        # Every graph of the live table (all but the organisations one) rewritten: nothing to copy,
        # found without listing 15,000 graphs (0.1 s after a vocabulary change).
        if self._live_table.keys() <= skip and _graph_count(old) == len(self._live_table) + old.contains_named_graph(ox.NamedNode(shared)):
            return
        kept = [g for g in old.named_graphs() if isinstance(g, ox.NamedNode) and g.value not in skip]
        if any(g.value != ONTOLOGY_GRAPH for g in kept):
            kept.append(ox.NamedNode(shared))
            self._merged_organisations = True
        chunk: list[bytes] = []
        size = 0
        for graph in kept:
            data = cast(bytes, old.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph))  # no output given: the bytes
            chunk.append(data.replace(b" .\n", f" {graph} .\n".encode("utf-8")))
            size += len(data)
            if size >= 4 * self.batch:
                self._bulk_load(b"".join(chunk))
                chunk, size = [], 0
        self._bulk_load(b"".join(chunk))
        del old

    def _bulk_load(self, nquads: bytes) -> None:
        if nquads:
            self._bulk_loaded += len(nquads)
            try:
                self.store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS, lenient=True)
            except OSError as error:
                raise _cannot_write(self.target.parent, error) from error

    def remove_orphans(self) -> int:
        """Drop from the organisations graph every node no posting graph names any more; how many.

        What a posting said of its organisation stays in the organisations graph when the
        posting is replaced or removed (other postings may say the same), so without this an
        organisation whose last posting went would still be listed, with every designation
        missing. Runs at the end of a write that replaced or removed postings the new
        generation held before (an addition cannot orphan anything).
        """
        self.flush()
        orphans_possible = self._reloaded or (self._merged_organisations if self._copying else self._rewritten_live > 0)
        if not orphans_possible:
            return 0
        store = self.store
        graph = ox.NamedNode(organisations_graph_iri(self.base))
        # Terms written by pyoxigraph, so escaped; substitutions only reach projected variables.
        query = _ORPHANS.replace("?organisations", str(graph)).replace("?postings", str(ox.Literal(posting_graphs_prefix(self.base))))
        orphans = [row["node"] for row in store.query(query)]  # type: ignore[index,union-attr]
        for node in orphans:
            for quad in list(store.quads_for_pattern(node, None, None, graph)):
                store.remove(quad)
        return len(orphans)

    def _close(self) -> None:
        """Let the load in flight finish (a thread cannot be stopped half-way), then let go of the store."""
        if self._loader is not None:
            self._loader.shutdown(wait=True)
            self._loader = None
        self._loading = None
        self._store = None

    @property
    def source(self) -> OxigraphSource:
        """SPARQL over what has been flushed so far."""
        self.flush()
        return OxigraphSource(self.store)
