"""Stage 3: the embedded, persistent graph store every later stage reads.

Why Oxigraph (through pyoxigraph): a Rust engine with on-disk RocksDB storage, SPARQL 1.1 and
bulk loading, embedded in the process, so there is no server to run. Measured on this kind of
machine (``engineering-notes.md``) it loads about 8x faster and answers our queries 4-30x faster
than rdflib's memory store, and serialises Turtle in a second instead of forty.

The store directory holds generations (:mod:`.generations`: which one is live, the lock, the
readers' leases); :class:`GraphStore` reads the live one, and :meth:`GraphStore.writer` opens a
new one for a :class:`~nhskg.graph.loading.GraphWriter` (:mod:`.loading`).
"""

from __future__ import annotations

import contextlib
import shutil
import time
from pathlib import Path
from typing import IO, Iterator

import pyoxigraph as ox

from ..errors import StoreError
from ..namespaces import DEFAULT_BASE, PREFIXES
from ..paths import given_path, store_dir
from ..sparql.sources import OxigraphSource
from .generations import (
    _CURRENT, _GEN, _NO_DIGEST, _TRIPLES, _Retired, _atomic_write, _clean_leftovers, _count, _current_name,
    DigestTable, _generations, _live, _locked, _read_digests, _take_lease, _tidy,
)
from .loading import GraphWriter

__all__ = ["GraphStore", "GraphWriter", "EXPORT_FORMATS", "PREFIXES"]

#: File extension -> (format, whether the format keeps named graphs).
EXPORT_FORMATS: dict[str, tuple[ox.RdfFormat, bool]] = {
    ".ttl": (ox.RdfFormat.TURTLE, False),
    ".nt": (ox.RdfFormat.N_TRIPLES, False),
    ".nq": (ox.RdfFormat.N_QUADS, True),
    ".trig": (ox.RdfFormat.TRIG, True),
    ".jsonld": (ox.RdfFormat.JSON_LD, True),
}

_UNION_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
_JOB_POSTING_IDS = """
PREFIX schema: <https://schema.org/>
SELECT DISTINCT ?id WHERE { ?posting a schema:JobPosting ; schema:identifier ?id }
"""


class GraphStore:
    """A read-only view of the live generation of a store directory.

    >>> import tempfile
    >>> directory = Path(tempfile.mkdtemp()) / "store"
    >>> with GraphStore.writer(directory) as w:
    ...     w.load_ontology()
    >>> GraphStore.open(directory).triple_count() > 100
    True
    """

    def __init__(self, directory: Path, generation: Path, store: ox.Store, lease: IO[bytes] | None = None) -> None:
        self.directory = directory
        self.generation = generation
        self.store = store
        self._lease = lease

    @classmethod
    def open(cls, directory: Path | str) -> "GraphStore":
        """Open the live generation read-only, holding its lease until :meth:`close`;
        :class:`StoreError` when there is none.

        A build that makes another generation live meanwhile is no error: the reader opens
        whichever it finds complete and leased, the previous one or the new one.
        """
        directory = store_dir(directory)  # an empty one is not the working folder
        if not directory.is_dir() or _current_name(directory) is None:
            raise StoreError(f"no graph store in {directory}; run `nhskg build PATH` first (or pass --store DIR)")
        _tidy(directory)
        for attempt in range(200):
            name = _current_name(directory)
            if name is None:
                raise StoreError(f"no graph store in {directory}; run `nhskg build PATH` first (or pass --store DIR)")
            if not _GEN.match(name):
                raise StoreError(f"{directory / _CURRENT}: names '{name}', not a generation; delete {directory} and run"
                                 " `nhskg build PATH` again")
            live = directory / name
            try:
                lease = _take_lease(live)
            except _Retired:  # a build made another generation live and is removing this one
                time.sleep(0.002 * min(attempt, 10))
                continue
            problem: BaseException | None = None
            if live.is_dir():
                try:
                    return cls(directory, live, ox.Store.read_only(str(live)), lease)
                except (OSError, RuntimeError) as error:  # RocksDB says "Corruption: ..." as a RuntimeError
                    problem = error
            if lease is not None:
                lease.close()
            if _current_name(directory) != name:
                continue  # it stopped being the live one meanwhile: open the new one
            if problem is None:
                raise StoreError(f"{directory / _CURRENT}: names {name}, which is missing; delete {directory} and run"
                                 " `nhskg build PATH` again")
            raise StoreError(
                f"{live}: cannot open the graph store ({problem}); delete {directory} and run `nhskg build PATH` again"
            ) from problem
        raise StoreError(f"{directory}: the live generation changed 200 times while it was being opened; try again")

    def is_current(self) -> bool:
        """Whether this is still the live generation (a read of ``CURRENT``: cheap enough per query)."""
        try:
            return _current_name(self.directory) == self.generation.name
        except OSError:
            return True  # cannot tell: keep reading what is open

    @staticmethod
    @contextlib.contextmanager
    def writer(directory: Path | str, *, base: str = DEFAULT_BASE, fresh: bool = False) -> Iterator["GraphWriter"]:
        """Open a new generation for writing; it becomes live only if the block finishes without error.

        ``fresh=True`` starts from an empty store instead of the live one's contents.
        """
        directory = Path(directory)
        with _locked(directory, blocking=True):
            live = _live(directory)
            _clean_leftovers(directory, live)
            gens = _generations(directory)
            number = int(_GEN.match(gens[-1].name).group(1)) + 1 if gens else 1  # type: ignore[union-attr]
            target = directory / f"gen-{number:06d}"
            writer = GraphWriter(target, None if fresh else live, base)
            try:
                yield writer
                changed = writer.finish()
            except BaseException:
                writer._close()
                shutil.rmtree(target, ignore_errors=True)
                raise
            writer._close()  # RocksDB closes the generation here
            if not changed:  # the live generation already holds all of it: no new one
                return
            # The flip: CURRENT names the new generation, atomically.
            _atomic_write(directory / _CURRENT, lambda tmp: tmp.write_text(target.name + "\n", encoding="utf-8"))
            _clean_leftovers(directory, target)

    @staticmethod
    def digests(directory: Path | str) -> frozenset[str]:
        """The digests of what the live generation's graphs were made from (see
        :meth:`GraphWriter.replace_posting`), so a build can skip the inputs it holds already
        before it extracts them; empty when there is no store. A writer checks each again
        (:meth:`GraphWriter.unchanged`), since another build may have changed the store since.
        """
        return frozenset(d for d in GraphStore._table(directory).inputs.values() if d != _NO_DIGEST)

    @staticmethod
    def held(directory: Path | str) -> dict[str, str]:
        """Digest of the input -> digest of the content (:func:`nhskg.graph.posting.content_digest`) of
        each posting graph of the live generation that has both: what a build needs to skip a
        document and still tell a record read twice from another posting with the same id."""
        table = GraphStore._table(directory)
        return {table.inputs[graph]: content for graph, content in table.contents.items()
                if table.inputs.get(graph, _NO_DIGEST) != _NO_DIGEST}

    @staticmethod
    def ids_in_table(directory: Path | str, prefix: str) -> dict[str, str] | None:
        """Graph IRI -> posting id of every posting graph (``prefix``: what their IRIs start
        with) of the live generation, from its table; None when the table lacks any of them
        (a generation written before ids were kept), and then only the store can say."""
        table = GraphStore._table(directory)
        graphs = [g for g in table.inputs if g.startswith(prefix)]
        if any(g not in table.ids for g in graphs):
            return None
        return {g: table.ids[g] for g in graphs}

    @staticmethod
    def sources_in_table(directory: Path | str, prefix: str) -> dict[str, str] | None:
        """Graph IRI -> the file its posting was read from, of every posting graph (``prefix``: what
        their IRIs start with) of the live generation, from its table; None when the table lacks
        any of them (a generation written before they were kept)."""
        table = GraphStore._table(directory)
        graphs = [g for g in table.inputs if g.startswith(prefix)]
        if any(g not in table.sources for g in graphs):
            return None
        return {g: table.sources[g] for g in graphs}

    @staticmethod
    def _table(directory: Path | str) -> DigestTable:
        directory = Path(directory)
        try:
            live = _live(directory) if directory.is_dir() else None
        except StoreError:
            return DigestTable()
        return (_read_digests(live) if live is not None else None) or DigestTable()

    def source(self) -> OxigraphSource:
        """SPARQL over the union of all graphs, for queries, analyses and views (it keeps the lease)."""
        return OxigraphSource(self.store, owner=self)

    def posting_ids(self) -> list[str]:
        """The ids of every posting in the store, sorted."""
        return sorted(s["id"].value for s in self.store.query(_JOB_POSTING_IDS, use_default_graph_as_union=True))  # type: ignore[index,union-attr]

    def triple_count(self) -> int:
        """Distinct triples in the union of all graphs (a shared node stated by two postings counts once).

        A generation never changes once it is live, so the count is kept in it the first time it
        is made: a build that changed nothing reports it without counting 230,000 triples again.
        """
        kept = self.generation / _TRIPLES
        try:
            return int(kept.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            pass
        count = _count(self.store)
        with contextlib.suppress(StoreError):  # a read-only store is counted every time
            _atomic_write(kept, lambda tmp: tmp.write_text(f"{count}\n", encoding="utf-8"))
        return count

    def quad_count(self) -> int:
        return len(self.store)

    def union_triples(self) -> set[ox.Triple]:
        return set(self.store.query(_UNION_TRIPLES, use_default_graph_as_union=True))  # type: ignore[arg-type]

    def export(self, path: Path | str, *, base: str = DEFAULT_BASE) -> Path:
        """Write the graph to ``path`` in the format its extension names.

        ``.ttl`` and ``.nt`` get the union of all graphs as triples; ``.nq``, ``.trig`` and
        ``.jsonld`` keep the named graphs. The file appears complete or not at all. An empty or
        blank str is :class:`~nhskg.errors.EmptyPathError`, not the working folder.
        """
        path = given_path(path, "path=", "a file to export to (e.g. graph.ttl)")
        suffix = path.suffix.lower()
        if suffix not in EXPORT_FORMATS:
            raise StoreError(f"{path}: cannot tell the format; use one of {', '.join(EXPORT_FORMATS)}")
        rdf_format, datasets = EXPORT_FORMATS[suffix]
        prefixes = {**PREFIXES, "data": base} if rdf_format in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG) else None

        def write(tmp: Path) -> None:
            with open(tmp, "wb") as handle:
                if datasets:
                    self.store.dump(handle, rdf_format, prefixes=prefixes)
                else:
                    triples = sorted(self.union_triples(), key=str)
                    ox.serialize(triples, handle, rdf_format, prefixes=prefixes)

        _atomic_write(path, write, kept=f"any earlier {path.name} is unchanged")  # the store is read, not written
        return path

    def close(self) -> None:
        """Let go of the store, then of the lease (the generation may be removed from then on)."""
        self.__dict__.pop("store", None)
        lease, self._lease = self._lease, None
        if lease is not None:
            lease.close()
