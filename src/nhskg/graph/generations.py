"""The store's generations on disk: which is live, who may write, who still reads, and atomic files.

Why generations: a build must never leave a half-written store behind, even when killed with
SIGKILL. The store directory holds ``gen-000001/``, ``gen-000002/``... (each a complete Oxigraph
database) and a small ``CURRENT`` file naming the live one. A build takes a RocksDB checkpoint
of the live generation (:meth:`pyoxigraph.Store.backup`, hard links, so cheap) into a new
generation, or, when it rewrites most of the postings, starts an empty one and copies the
untouched graphs in at the end in one pass, or makes none when nothing changed (see
:class:`nhskg.graph.loading.GraphWriter`), writes there, flushes
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

import contextlib
import fcntl
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import IO, Callable, Iterator, Mapping

import pyoxigraph as ox

from ..errors import StoreError

_GEN = re.compile(r"^gen-(\d{6,})$")
_CURRENT = "CURRENT"
_LOCK = "LOCK"
_LEASE = ".lease"

#: Inside each generation, the digest of what each graph was made from (see GraphWriter).
_DIGESTS = "nhskg-digests.tsv"
_DIGESTS_HEADER = ("# nhskg: digest of the input each named graph was made from (- when unknown), the graph,"
                   " and for a posting graph the digest of its content, its posting id and the file it was read from"
                   " (JSON strings) when known\n")
_NO_DIGEST = "-"
#: Inside a live generation, its distinct triple count once made (see GraphStore.triple_count).
_TRIPLES = "nhskg-triples"

_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


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


@dataclass(frozen=True)
class DigestTable:
    """A generation's table (:class:`GraphWriter`): graph -> digest of its input; and, for the
    posting graphs where known, graph -> digest of its content
    (:func:`nhskg.graph.posting.content_digest`), graph -> the id of its posting and graph -> the
    file the posting was read from.

    The ids let a build check the posting ids it reads against those the store holds without
    reading the store (0.3 s for the 2020 corpus, while the workers waited), and the files let it
    say when a posting it reads replaces one read from another file; a table written before
    either was kept has none, and the build reads the store instead."""

    inputs: Mapping[str, str] = field(default_factory=dict)
    contents: Mapping[str, str] = field(default_factory=dict)
    ids: Mapping[str, str] = field(default_factory=dict)
    sources: Mapping[str, str] = field(default_factory=dict)


def _graph_count(store: ox.Store) -> int:
    """How many named graphs ``store`` holds, counted by Oxigraph (no IRI decoded into Python)."""
    return int(next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { } }")))["n"].value)  # type: ignore[arg-type,call-overload,index]


def _read_digests(generation: Path) -> DigestTable | None:
    """The generation's table, read-only; None when it has none.

    A rebuild asks three times (the documents held, the posting ids, the new generation's
    writer), and the 2020 corpus's table takes 40 ms to read: the last one read is kept while
    its file is unchanged."""
    path = generation / _DIGESTS
    try:
        stat = path.stat()
        key = (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
        last = _LAST_TABLE[0]  # one read: another thread may replace it
        if last is not None and last[0] == key:
            return last[1]
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    inputs: dict[str, str] = {}
    contents: dict[str, str] = {}
    ids: dict[str, str] | None = {}
    sources: dict[str, str] | None = {}
    files: dict[str, str] = {}
    for line in text.splitlines():
        fields = line.split("\t")  # an IRI holds no tab, nor a JSON string
        if len(fields) < 2 or line.startswith("#"):
            continue
        inputs[fields[1]] = fields[0]
        if len(fields) > 2 and fields[2]:
            contents[fields[1]] = fields[2]
        if len(fields) > 3 and fields[3] and ids is not None:
            try:
                ids[fields[1]] = json.loads(fields[3])
            except ValueError:  # not written by nhskg: the build reads the ids from the store
                ids = None
        if len(fields) > 4 and fields[4] and sources is not None:
            try:  # a feed's postings all name one file: each written form is decoded once
                if fields[4] not in files:
                    files[fields[4]] = json.loads(fields[4])
                sources[fields[1]] = files[fields[4]]
            except ValueError:  # likewise the files
                sources = None
    table = DigestTable(MappingProxyType(inputs), MappingProxyType(contents), MappingProxyType(ids or {}),
                        MappingProxyType(sources or {}))
    _LAST_TABLE[0] = (key, table)
    return table


def _write_digests(generation: Path, table: DigestTable) -> None:
    """Write ``generation``'s table, on disk before the generation can go live."""
    with open(generation / _DIGESTS, "w", encoding="utf-8") as handle:
        handle.write(_DIGESTS_HEADER)
        for graph, digest in sorted(table.inputs.items()):
            content, posting_id, source = table.contents.get(graph, ""), table.ids.get(graph), table.sources.get(graph)
            known = [content, json.dumps(posting_id)] if posting_id is not None else [content] if content else []
            if source and posting_id is not None:
                known.append(json.dumps(source))
            handle.write("\t".join([digest, graph, *known]) + "\n")
        handle.flush()
        os.fsync(handle.fileno())


#: The last table read, with its file's identity (see :func:`_read_digests`).
_LAST_TABLE: list[tuple[tuple[str, int, int, int], DigestTable] | None] = [None]


def _cannot_write(where: Path, error: OSError, kept: str = "the previous store and files are unchanged") -> StoreError:
    """A full disk or read-only folder, said so with the folder, what stays as it was, and what to do."""
    return StoreError(f"{where}: cannot write ({error.strerror or error}); {kept}; free some space or choose a writable folder")


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


def _atomic_write(path: Path, write: Callable[[Path], object], kept: str = "the previous store and files are unchanged") -> None:
    """Write through a temporary file beside ``path`` and rename it over ``path`` only when complete;
    ``kept`` says what stays as it was if it cannot."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as error:
        raise _cannot_write(path, error, kept) from error
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
        raise _cannot_write(path, error, kept) from error
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
