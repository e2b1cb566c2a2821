"""Stage 3: the embedded, persistent graph store every later stage reads.

Why Oxigraph (through pyoxigraph): a Rust engine with on-disk RocksDB storage, SPARQL 1.1 and
bulk loading, embedded in the process, so there is no server to run. Measured on this kind of
machine (``engineering-notes.md``) it loads about 8x faster and answers our queries 4-30x faster
than rdflib's memory store, and serialises Turtle in a second instead of forty.

Why generations: a build must never leave a half-written store behind, even when killed with
SIGKILL. The store directory holds ``gen-000001/``, ``gen-000002/``... (each a complete Oxigraph
database) and a small ``CURRENT`` file naming the live one. A build takes a RocksDB checkpoint
of the live generation (:meth:`pyoxigraph.Store.backup`, hard links, so cheap) into a new
generation, or, when it rewrites most of the postings, starts an empty one and copies the
untouched graphs in at the end in one pass, or makes none when nothing changed (see
:class:`GraphWriter`), writes there, flushes
and closes it (``optimize()`` only after a large load: compaction cost five seconds on the
corpus and RocksDB compacts in the background anyway), and only then replaces ``CURRENT``
with :func:`os.replace` (atomic on POSIX). A build killed at any point before that leaves
``CURRENT`` naming the untouched previous generation; its half-written generation is removed at
the next open. One writer at a time is enforced with an ``flock`` on ``LOCK``. Readers open the
live generation read-only, so they never block each other.

Why leases: a reader may still be reading a generation after a build has made another live
(``nhskg serve`` holds one open for hours), or be about to open the one it read from
``CURRENT`` a moment before the flip. Each reader holds a shared ``flock`` on
``.gen-NNNNNN.lease`` for as long as it has the generation open, and a generation is removed
only by whoever takes that lock exclusively (without waiting), so never from under a reader:
a build or a later open removes it once the last reader has let go. Tidying reads ``CURRENT``
only while holding ``LOCK``, so it never takes a generation a build is switching to for debris.
Measured before leases (300 builds racing four reading loops): 1.8% of opens failed with a
RocksDB "Corruption" error or a message to delete a healthy store
(``tests/hardening/test_store_race.py``).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import IO, Callable, Iterable, Iterator, cast

import pyoxigraph as ox

from ..errors import StoreError
from ..namespaces import DEFAULT_BASE, ONTOLOGY_GRAPH, PREFIXES
from ..paths import ontology_dir, vocabulary_dir
from .rdfgraph import organisations_graph_iri, posting_graph_iri, posting_graphs_prefix
from ..sparql.sources import OxigraphSource

__all__ = ["GraphStore", "GraphWriter", "EXPORT_FORMATS", "PREFIXES"]

_GEN = re.compile(r"^gen-(\d{6,})$")
_CURRENT = "CURRENT"
_LOCK = "LOCK"
_LEASE = ".lease"

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
_ORPHANS = """
SELECT DISTINCT ?node WHERE {
  GRAPH ?organisations { ?node ?p ?o }
  FILTER NOT EXISTS { GRAPH ?g { ?s ?q ?node } FILTER (STRSTARTS(STR(?g), ?postings)) }
}
"""
_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"

#: Inside each generation, the digest of what each graph was made from (see GraphWriter).
_DIGESTS = "nhskg-digests.tsv"
_DIGESTS_HEADER = ("# nhskg: digest of the input each named graph was made from (- when unknown), the graph,"
                   " and for a posting graph the digest of its content when known\n")
_NO_DIGEST = "-"
#: Inside a live generation, its distinct triple count once made (see GraphStore.triple_count).
_TRIPLES = "nhskg-triples"


def _generations(directory: Path) -> list[Path]:
    found = [p for p in directory.iterdir() if p.is_dir() and _GEN.match(p.name)] if directory.is_dir() else []
    return sorted(found, key=lambda p: int(_GEN.match(p.name).group(1)))  # type: ignore[union-attr]


def _live(directory: Path) -> Path | None:
    current = directory / _CURRENT
    if not current.is_file():
        return None
    name = current.read_text(encoding="utf-8").strip()
    if not _GEN.match(name):
        raise StoreError(f"{current}: names '{name}', not a generation; delete {directory} and run `nhskg build PATH` again")
    live = directory / name
    if not live.is_dir():
        raise StoreError(f"{current}: names {name}, which is missing; delete {directory} and run `nhskg build PATH` again")
    return live


def _current_name(directory: Path) -> str | None:
    """What ``CURRENT`` names, or None when there is none; it is replaced atomically, so never half."""
    try:
        return (directory / _CURRENT).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None


class _Retired(Exception):
    """The generation is being removed, or was: read ``CURRENT`` again."""


def _lease_file(generation: Path) -> Path:
    return generation.with_name(f".{generation.name}{_LEASE}")


def _take_lease(generation: Path) -> IO[bytes] | None:
    """A shared lock that keeps ``generation`` from being removed until the handle is closed.

    None where there can be no lease (a read-only store, which nobody tidies either); raises
    :class:`_Retired` when the generation is being removed, or its lease file was replaced.
    """
    path = _lease_file(generation)
    handle: IO[bytes]
    try:
        handle = open(path, "a+b")
    except OSError:
        try:
            handle = open(path, "rb")
        except OSError:
            return None
    try:
        fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise _Retired from None
    except OSError:  # a filesystem without flock: read without a lease, as before leases
        handle.close()
        return None
    try:
        mine, there = os.fstat(handle.fileno()), os.stat(path)
        same = (mine.st_dev, mine.st_ino) == (there.st_dev, there.st_ino)
    except FileNotFoundError:
        same = False
    if not same:  # removed after we opened it: what we locked guards nothing
        handle.close()
        raise _Retired
    return handle


def _retire(generation: Path) -> bool:
    """Remove ``generation`` and its lease file unless a reader holds the lease; whether it went."""
    path = _lease_file(generation)
    try:
        handle = open(path, "a+b")
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # BlockingIOError: a reader holds it
            return False
        shutil.rmtree(generation, ignore_errors=True)
        path.unlink(missing_ok=True)
    return True


def _clean_leftovers(directory: Path, keep: Path | None) -> None:
    """Remove generations other than ``keep`` that no reader holds, and temporary files (the
    debris of killed builds and generations readers have let go). Call it holding ``LOCK``."""
    for gen in _generations(directory):
        if keep is None or gen.resolve() != keep.resolve():
            _retire(gen)
    for lease in directory.glob(f".gen-*{_LEASE}"):  # of generations already gone
        gen = lease.with_name(lease.name[1 : -len(_LEASE)])
        if _GEN.match(gen.name) and not gen.is_dir():
            _retire(gen)
    for pattern in (f"{_CURRENT}.*.tmp", f".{_CURRENT}.*.tmp"):
        for tmp in directory.glob(pattern):
            tmp.unlink(missing_ok=True)


def _tidy(directory: Path) -> None:
    """Tidy unless a build is running (it tidies itself) or the store is read-only."""
    try:
        with _locked(directory, blocking=False) as free:
            live = _live(directory) if free else None  # read under the lock: no flip in between
            if live is not None:
                _clean_leftovers(directory, live)
    except StoreError:
        pass  # a read-only store (a read-only mount, a shared copy), or one to be reported by the caller


def _count(store: ox.Store) -> int:
    for solution in store.query(_COUNT, use_default_graph_as_union=True):  # type: ignore[union-attr]
        return int(solution["n"].value)  # type: ignore[index,union-attr]
    return 0


def _read_digests(generation: Path) -> tuple[dict[str, str], dict[str, str]] | None:
    """The generation's table (:class:`GraphWriter`): graph -> digest of its input, and graph ->
    digest of its content (:func:`nhskg.graph.rdfgraph.content_digest`) where known; None when it has none."""
    try:
        text = (generation / _DIGESTS).read_text(encoding="utf-8")
    except OSError:
        return None
    table: dict[str, str] = {}
    contents: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split("\t")  # an IRI holds no tab
        if len(fields) < 2 or line.startswith("#"):
            continue
        table[fields[1]] = fields[0]
        if len(fields) > 2 and fields[2]:
            contents[fields[1]] = fields[2]
    return table, contents


def _cannot_write(where: Path, error: OSError) -> StoreError:
    """A full disk or read-only folder, said so with the folder and what to do."""
    return StoreError(
        f"{where}: cannot write ({error.strerror or error}); the previous store and files are unchanged;"
        " free some space or choose a writable folder"
    )


@contextlib.contextmanager
def _locked(directory: Path, *, blocking: bool) -> Iterator[bool]:
    try:
        directory.mkdir(parents=True, exist_ok=True)
        lock = open(directory / _LOCK, "a+b")
    except OSError as error:
        raise _cannot_write(directory, error) from error
    with lock as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _atomic_write(path: Path, write: Callable[[Path], object]) -> None:
    """Write through a temporary file beside ``path`` and rename it over ``path`` only when complete."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise _cannot_write(path, error) from error
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        with open(tmp, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes it private; an export is for sharing
        os.replace(tmp, path)
    except OSError as error:
        tmp.unlink(missing_ok=True)
        raise _cannot_write(path, error) from error
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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
        directory = Path(directory)
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
        return frozenset(d for d in GraphStore._table(directory)[0].values() if d != _NO_DIGEST)

    @staticmethod
    def held(directory: Path | str) -> dict[str, str]:
        """Digest of the input -> digest of the content (:func:`nhskg.graph.rdfgraph.content_digest`) of
        each posting graph of the live generation that has both: what a build needs to skip a
        document and still tell a record read twice from another posting with the same id."""
        table, contents = GraphStore._table(directory)
        return {table[graph]: content for graph, content in contents.items() if table.get(graph, _NO_DIGEST) != _NO_DIGEST}

    @staticmethod
    def _table(directory: Path | str) -> tuple[dict[str, str], dict[str, str]]:
        directory = Path(directory)
        try:
            live = _live(directory) if directory.is_dir() else None
        except StoreError:
            return {}, {}
        return (_read_digests(live) if live is not None else None) or ({}, {})

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
        ``.jsonld`` keep the named graphs. The file appears complete or not at all.
        """
        path = Path(path)
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

        _atomic_write(path, write)
        return path

    def close(self) -> None:
        """Let go of the store, then of the lease (the generation may be removed from then on)."""
        self.__dict__.pop("store", None)
        lease, self._lease = self._lease, None
        if lease is not None:
            lease.close()


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
    made from (:meth:`replace_posting`), in a small table inside the generation (``digest`` TAB
    ``graph`` per line, then TAB the digest of a posting graph's content, which a build compares
    with a record of the same id read twice; RocksDB leaves files it does not know alone). A build that meets a
    document with a digest the live generation holds (:meth:`unchanged`) skips it, and the
    ontology graph is reloaded only when its files changed. A write that changes nothing makes
    no generation at all.

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

    #: Bytes of N-Quads (or number of quads) held before a batch is handed to the loader:
    #: about 2,000 minimal postings, so the 2020 corpus (56 MB) loads in seven overlapping batches.
    BATCH = 8_000_000

    #: After bulk-loading at least this many bytes, compact the generation before it goes live.
    #: Each bulk load adds RocksDB files whose keys overlap the others'; RocksDB would merge them
    #: in the background, but a build's process ends first, and every later read pays: on ten
    #: times the 2020 corpus (70 batches) the evidence query took 4.5 s before compaction and
    #: 0.9 s after. The corpus itself (56 MB) loads too little to be worth the seconds.
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
        table = _read_digests(live) if live is not None else ({}, {})
        if table is None:  # made by an nhskg that kept no table: every graph, digest unknown
            table = self._inventory(), {}
        self._live_table, live_contents = table
        self._held = {d: g for g, d in self._live_table.items() if d != _NO_DIGEST}
        self._digests = dict(self._live_table)  # the new generation's table
        self._contents = dict(live_contents)  # and its content digests of posting graphs
        self._kept = 0
        self._rewritten_live = 0  # graphs of the live generation replaced or removed
        self._expected: int | None = None
        self._merged_organisations = False
        self._ontology = False
        self._pending_ontology = False  # asked for before the generation existed: loads with the first batch
        self._large = False
        self._bulk_loaded = 0  # bytes
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
                        content: str | None = None) -> None:
        """Drop whatever the posting's named graph held and put ``quads`` there instead.

        ``quads`` are Quad objects or UTF-8 N-Quads (:func:`nhskg.graph.rdfgraph.posting_nquads`,
        the fast path a build takes), each in the posting's graph or in the organisations graph.
        What the organisations graph gets is added to it, never dropped with the posting: other
        postings may state the same; organisations no posting names any more are removed when
        the writer finishes (:meth:`remove_orphans`). ``digest`` names what the graph was made
        from (a build's digest of the document and the extractor's version), so that a later
        build can skip the same input (:meth:`unchanged`); ``content`` is the digest of what it
        says (:attr:`nhskg.graph.rdfgraph.PostingGraph.digest`), which that build compares with a
        record of the same id read again.
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
        if content:
            self._contents[graph] = content
        if self._pending_size >= self.batch:
            # Postings enough to fill a batch: a large build, whatever the first batch holds.
            self._large = True
            self.flush(wait=False)

    def _drop(self, graph: str) -> None:
        old = self._pending.pop(graph, None)
        self._pending_size -= len(old or ())
        if graph in self._live_table and graph not in self._dropped:
            self._rewritten_live += 1
        self._dropped.add(graph)
        self._written.discard(graph)
        self._digests.pop(graph, None)
        self._contents.pop(graph, None)
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
        digest = self._ontology_digest()
        if self.live is not None and self._live_table.get(ONTOLOGY_GRAPH) == digest:
            return
        self._digests[ONTOLOGY_GRAPH] = digest
        self._ontology = True
        if self._store is None:
            return
        self._wait()
        self._load_ontology(self._store)

    def _ontology_files(self) -> list[Path]:
        return [ontology_dir() / "nhskg.ttl", *sorted(vocabulary_dir().glob("*.ttl")), ontology_dir() / "org-changes.ttl"]

    def _ontology_digest(self) -> str:
        digest = hashlib.blake2b(self.base.encode("utf-8"), digest_size=16)
        for file in self._ontology_files():
            try:
                digest.update(file.name.encode("utf-8") + b"\0" + file.read_bytes() + b"\0")
            except OSError as error:
                raise StoreError(f"{file}: cannot load into the store ({error.strerror or error}); fix the file and build again") from error
        return digest.hexdigest()

    def _load_ontology(self, store: ox.Store) -> None:
        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        store.remove_graph(graph)
        for file in self._ontology_files():
            try:
                store.load(path=str(file), format=ox.RdfFormat.TURTLE, to_graph=graph, base_iri=self.base)
            except OSError as error:
                if not file.is_file():
                    raise StoreError(f"{file}: cannot load into the store ({error}); fix the file and build again") from error
                raise _cannot_write(self.target.parent, error) from error
            except (SyntaxError, ValueError) as error:
                raise StoreError(f"{file}: cannot load into the store ({error}); fix the file and build again") from error

    def flush(self, *, wait: bool = True) -> None:
        """Bulk-load what is pending (N-Quads in one parse, Quad objects in one call).

        ``wait=False`` hands the batch to the loader thread and returns; a failed load is
        raised by the next flush (or by whatever waits for it). If the loader is still busy
        with the previous batch, the pending one grows instead (up to four batches), so the
        build never stalls on it; so it does, before the generation exists, while the build
        has not yet said how large it is (:meth:`expect`), which decides how to make it.
        """
        if (not wait and self._store is None and self.live is not None and self._expected is None
                and self._pending_size < 4 * self.batch):
            return
        store = self.store
        busy = self._loading is not None and not self._loading.done()
        if not wait and busy and self._pending_size < 4 * self.batch:
            return
        self._wait()
        if self._pending or self._pending_ontology or self._to_remove:
            text = b"".join(v for v in self._pending.values() if isinstance(v, bytes))
            objects = [q for v in self._pending.values() if not isinstance(v, bytes) for q in v]
            self._loaded.update(self._pending)
            self._pending.clear()
            self._pending_size = 0
            removals, self._to_remove = self._to_remove, []
            if self._loader is None:
                self._loader = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="nhskg-load")
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
            self._load_ontology(store)
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
            self._write_digests()
            self.store.flush()
            if self._bulk_loaded >= self.COMPACT_OVER:
                # Count the triples while RocksDB compacts (both let go of the GIL), and keep
                # the count in the generation (see GraphStore.triple_count): counted after, on
                # ten times the corpus, it took 18 s beside the validation, on two cores.
                with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="nhskg-count") as counting:
                    counted = counting.submit(_count, self.store)
                    self.store.optimize()
                    (self.target / _TRIPLES).write_text(f"{counted.result()}\n", encoding="utf-8")
        except OSError as error:
            raise _cannot_write(self.target.parent, error) from error
        return True

    def _copy_untouched(self) -> None:
        """Copy every graph of the live generation this writer did not replace, in a few bulk
        loads (not one per graph, which made a RocksDB file or more per graph).

        A graph is dumped as N-Triples and its name appended to each line (Oxigraph writes one
        triple a line, ending in " .", with newlines inside literals escaped), which is N-Quads.
        The organisations graph is merged in only when some posting graph is kept: when every
        posting was rewritten, what they state of their organisations is all there is to say.
        """
        assert self.live is not None and self._store is not None
        old = ox.Store.read_only(str(self.live))
        shared = organisations_graph_iri(self.base)
        skip = self._dropped | {shared} | ({ONTOLOGY_GRAPH} if self._ontology else set())
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

    def _write_digests(self) -> None:
        with open(self.target / _DIGESTS, "w", encoding="utf-8") as handle:
            handle.write(_DIGESTS_HEADER)
            for graph, digest in sorted(self._digests.items()):
                content = self._contents.get(graph)
                handle.write(f"{digest}\t{graph}\t{content}\n" if content else f"{digest}\t{graph}\n")
            handle.flush()
            os.fsync(handle.fileno())

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
