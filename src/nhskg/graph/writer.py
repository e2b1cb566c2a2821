"""Where a build writes: the :class:`Writer` protocol, and the embedded store's writer.

Why a protocol: the build (:func:`nhskg.pipeline.build.build`) is one composer, read -> extract ->
write, whether the graph goes to the embedded store or to a SPARQL 1.1 server. What differs is
only where the quads go, what is already there, and what an interrupted build leaves behind, so
that is all a writer says. :class:`StoreWriter` writes a new generation of the embedded store;
:class:`nhskg.graph.endpoint.EndpointWriter` writes named graphs on a server. Both stream: a
posting's graph is handed over as soon as it is made, and batched on the way.

The order a build calls them in: :meth:`~Writer.held` (before reading), :meth:`~Writer.stored`
(in a thread of its own, beside the rest), :meth:`~Writer.begin`, :meth:`~Writer.load_ontology`, then for each posting
:meth:`~Writer.expect`, :meth:`~Writer.unchanged` and :meth:`~Writer.write`, and last
:meth:`~Writer.commit` -- or :meth:`~Writer.abort` if anything raised on the way; and, if
Ctrl-C stopped the commit, :meth:`~Writer.committed`.
"""

from __future__ import annotations

import concurrent.futures
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, ContextManager, Mapping, Protocol, cast

import pyoxigraph as ox

from ..background import background_threads
from ..errors import StoreError
from ..namespaces import DEFAULT_BASE
from ..paths import store_dir
from .generations import _current_name
from .loading import GraphWriter
from .rdfgraph import NS, PostingGraph, posting_graphs_prefix
from .store import GraphStore
from .validate import ValidationReport, validate as validate_graph

__all__ = ["Writer", "Written", "StoreWriter"]


@dataclass(frozen=True)
class Written:
    """What a writer holds once a build is committed, as the build's report needs it."""

    triples: int
    validation: ValidationReport | None
    #: posting key -> the ids its graph holds, read back after the commit (one each, unless
    #: something went wrong); None when the writer cannot read them back.
    postings: Mapping[str, set[str]] | None = None


class Writer(Protocol):
    """Where a build's graphs go (see the module docstring for the order of the calls)."""

    #: Where the graph is, as a report shows it: a folder, or a URL without credentials.
    where: str
    #: The base of the instance IRIs the postings' graphs are made under.
    base: str
    #: What a build stopped half-way leaves behind, for the message that says so.
    on_stop: str

    def held(self) -> Mapping[str, str]:
        """Input digest -> content digest of the posting graphs already written, made from an input
        a build need not extract again ({} when the writer cannot tell)."""

    def stored(self) -> dict[str, tuple[str, str]]:
        """Posting key -> id of each posting already written and the file it was read from ("" when
        unknown): no other posting may take its graph, and one read from another file replaces it
        with a word in the build's report."""

    def begin(self) -> None:
        """Start writing (the embedded store: take its lock and open a new generation)."""

    def load_ontology(self) -> None:
        """(Re)write the ontology graph, unless it is there already."""

    def expect(self, postings: int) -> None:
        """How many postings the build will write or keep in all (an estimate will do)."""

    def unchanged(self, input_digest: str) -> bool:
        """Whether a graph made from ``input_digest`` is there and stays as it is (not written again)."""

    def write(self, graph: PostingGraph) -> None:
        """Replace the posting's graph with ``graph`` (what it says of its organisation is added to
        the organisations graph, never dropped with the posting)."""

    def commit(self, *, validate: bool, pool: concurrent.futures.Executor | None = None) -> Written:
        """Write the organisations graph, make what was written live, count it and, if asked,
        validate it (``pool``: processes that may validate in parts)."""

    def committed(self) -> bool:
        """Whether :meth:`commit`, stopped on the way (Ctrl-C), had made what was written live: it
        then goes on to count and validate it."""

    def abort(self) -> None:
        """Stop after a failure: what :attr:`on_stop` says stays."""


class StoreWriter:
    """The embedded store at ``directory`` as a build's :class:`Writer`.

    The build writes a new generation (:meth:`GraphStore.writer`), live only once complete: until
    :meth:`commit` returns, the previous one is what every reader sees, and :meth:`abort` (or a
    SIGKILL) leaves it so. ``fresh=True`` starts from an empty store instead of updating it.

    >>> import tempfile
    >>> writer = StoreWriter(Path(tempfile.mkdtemp()) / "store")
    >>> writer.begin(); writer.load_ontology()
    >>> writer.commit(validate=False).triples > 100
    True
    """

    on_stop = "the store was left unchanged"

    def __init__(self, directory: Path | str, *, base: str = DEFAULT_BASE, fresh: bool = False) -> None:
        self.directory = store_dir(directory)  # an empty one is not the working folder
        self.where = str(directory)
        self.base = base
        self.fresh = fresh
        self._context: ContextManager[GraphWriter] | None = None
        self._generation: GraphWriter | None = None
        self._live = False  # what was written is live

    def held(self) -> Mapping[str, str]:
        # The generation's writer checks each again under the lock (:meth:`unchanged`).
        return {} if self.fresh else GraphStore.held(self.directory)

    def stored(self) -> dict[str, tuple[str, str]]:
        if self.fresh:
            return {}
        sources = _stored_sources(self.directory, self.base)
        return {key: (posting_id, sources.get(key, "")) for key, posting_id in _stored_keys(self.directory, self.base).items()}

    def begin(self) -> None:
        self._live = False
        self._context = GraphStore.writer(self.directory, base=self.base, fresh=self.fresh)
        self._generation = self._context.__enter__()

    @property
    def generation(self) -> GraphWriter:
        if self._generation is None:
            raise StoreError(f"{self.directory}: nothing is being written; call begin() first")
        return self._generation

    def load_ontology(self) -> None:
        self.generation.load_ontology()  # first: it then loads in the background with the first batch

    def expect(self, postings: int) -> None:
        self.generation.expect(postings)  # a rebuild of the whole store or an addition to it

    def unchanged(self, input_digest: str) -> bool:
        return self.generation.unchanged(input_digest)

    def write(self, graph: PostingGraph) -> None:
        self.generation.replace_posting(graph.id, graph.nquads, digest=graph.input_digest, content=graph.digest,
                                        source=graph.source)

    def committed(self) -> bool:
        # Live once CURRENT names the new generation, even if Ctrl-C came before the commit
        # returned from making it so (tidying the old generations, after the flip).
        generation = self._generation
        return self._live or (generation is not None and _current_name(self.directory) == generation.target.name)

    def abort(self) -> None:
        context, self._context = self._context, None
        if context is not None:  # the generation is removed; CURRENT still names the previous one
            stop = _Stopped()
            context.__exit__(_Stopped, stop, None)

    def commit(self, *, validate: bool, pool: concurrent.futures.Executor | None = None) -> Written:
        context, self._context = self._context, None
        if context is None:
            raise StoreError(f"{self.directory}: nothing is being written; call begin() first")
        context.__exit__(None, None, None)  # finish the generation and make it live
        self._live = True
        # What changed is validated (with what its constraints reach); a fresh store is all change.
        changed = None if self.generation.live is None else self.generation.written
        store = GraphStore.open(self.directory)
        try:
            # Counting runs in Oxigraph, without the GIL; both it and the reading of the postings
            # held overlap the validation, which a large build's workers do.
            with background_threads(2) as background:
                counted = background.submit(store.triple_count)
                keys = background.submit(_posting_keys, store, self.base)
                report = validate_graph(store, graphs=changed, pool=pool) if validate else None
                triples, held = counted.result(), keys.result()
        finally:
            store.close()
        return Written(triples, report, held)


class _Stopped(Exception):
    """Thrown into the store's writing context by :meth:`StoreWriter.abort`."""


def _posting_keys(store: GraphStore, base: str) -> dict[str, set[str]]:
    """posting key -> the ids its graph holds (one, unless something went wrong).

    Read from the quads themselves, not through SPARQL: 0.2 s for the 2020 corpus (0.36 s as a query).
    """
    prefix = posting_graphs_prefix(base)
    held: dict[str, set[str]] = {}
    for quad in store.store.quads_for_pattern(None, NS.identifier, None, None):
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode) and graph.value.startswith(prefix):
            held.setdefault(graph.value[len(prefix):], set()).add(cast(ox.Literal, quad.object).value)
    return held


def _stored_keys(store_dir: Path | str, base: str) -> dict[str, str]:
    """posting key -> id of every posting already in the store (none when there is no store yet):
    from the live generation's table of digests when it has every id, else from the store."""
    prefix = posting_graphs_prefix(base)
    from_table = GraphStore.ids_in_table(store_dir, prefix)
    return _from_table_or_store(store_dir, prefix, from_table or None,
                                lambda store: {key: min(ids) for key, ids in _posting_keys(store, base).items()})


def _stored_sources(store_dir: Path | str, base: str) -> dict[str, str]:
    """posting key -> the file each posting already in the store was read from: from the live
    generation's table of digests when it has every one, else from the store."""
    prefix = posting_graphs_prefix(base)
    return _from_table_or_store(store_dir, prefix, GraphStore.sources_in_table(store_dir, prefix), lambda store: {
        quad.graph_name.value[len(prefix):]: cast(ox.Literal, quad.object).value
        for quad in store.store.quads_for_pattern(None, NS.source_file, None, None)
        if isinstance(quad.graph_name, ox.NamedNode) and quad.graph_name.value.startswith(prefix)})


def _from_table_or_store(store_dir: Path | str, prefix: str, from_table: Mapping[str, str] | None,
                         from_store: Callable[[GraphStore], dict[str, str]]) -> dict[str, str]:
    """posting key -> a value of each posting already in the store: ``from_table`` (graph name ->
    value, from the live generation's table of digests) when it holds them, else ``from_store`` read
    from the store itself (none when there is no store yet, or one the writer will report on)."""
    if from_table is not None:
        return {graph[len(prefix):]: value for graph, value in from_table.items()}
    try:
        store = GraphStore.open(store_dir)
    except StoreError:
        return {}
    try:
        return from_store(store)
    finally:
        store.close()
