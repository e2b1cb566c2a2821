"""Which postings a build has met, and which its writer holds already: digests and graph keys.

Why a rebuild costs little: each posting graph is stored with the digest of the document it was
made from and of everything else its graph depends on (:func:`document_digest`: the reviewers'
decisions about the posting; :func:`fingerprint`: this nhskg's version and source, the ontology
and vocabulary files, ``--base``, ``--full``). A document whose digest the store
holds is not extracted again (:class:`Held`), so building an unchanged corpus costs little more
than reading it, a new or withdrawn decision rewrites its posting, and a vocabulary change makes
every posting extracted anew. Such a posting still counts as stored, and as read for the checks on
posting ids (:class:`PostingKeys`): the store keeps the digest of each graph's content beside it.
"""

from __future__ import annotations

import concurrent.futures
import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Iterator, Mapping, TypeVar

from ..curation.apply import fingerprint as decisions_about
from ..errors import InputError
from ..graph.rdfgraph import PostingGraph, posting_key
from ..namespaces import DEFAULT_BASE
from ..paths import ontology_dir
from ..read.documents import Document, shown
from ..vocabulary.vocab import Vocabulary

__all__ = ["fingerprint", "document_digest", "content_digest", "Held", "unless_held", "PostingKeys", "Replaced"]


def fingerprint(vocab: Vocabulary, base: str = DEFAULT_BASE, full: bool | None = None) -> str:
    """A digest of what a posting's graph depends on besides its document and the decisions about
    it: this nhskg (its version and the source of its modules and sub-packages, the extractor's
    and the curation's among them), the duty model's weights, the vocabulary, the ontology and
    shapes files, ``base`` and ``full``.

    >>> from nhskg.vocabulary.vocab import load_vocabulary
    >>> vocab = load_vocabulary()
    >>> fingerprint(vocab) == fingerprint(vocab) != fingerprint(vocab, full=True)
    True
    """
    from .._version import __version__

    digest = hashlib.blake2b(f"nhskg {__version__}\0{base}\0{full}\0".encode("utf-8"), digest_size=16)
    package = Path(__file__).parents[1]  # the whole nhskg package, not only this stage
    sources = sorted(package.rglob("*.py"))
    # the duty model's weights choose a posting's duties as the extractor's source does
    from ..extract import duty_model

    files = [*sources, duty_model.MODEL_PATH, *map(Path, vocab.graph_files), *sorted(ontology_dir().glob("*.ttl"))]
    for file in files:
        name = file.relative_to(package).as_posix() if file.is_relative_to(package) else file.name
        try:
            digest.update(name.encode("utf-8") + b"\0" + file.read_bytes() + b"\0")
        except OSError:  # unreadable: the digest still differs from any made while it was readable
            digest.update(name.encode("utf-8") + b"\0?\0")
    return digest.hexdigest()


def document_digest(document: Document, fingerprint: str) -> str:
    """The digest a posting graph made from ``document`` is stored with: of every field of the
    document (its id, source, text, structured fields and parts), of the reviewers' decisions in
    force about its posting (:func:`nhskg.curation.fingerprint`: a new, changed or withdrawn
    decision makes the posting extracted and written again) and of ``fingerprint``.

    >>> d = Document("p1", "a.txt", "Chief Nurse")
    >>> document_digest(d, "v1") == document_digest(d, "v1") != document_digest(d, "v2")
    True
    """
    text = f"{fingerprint}\0{decisions_about(document.id)}\0{document!r}"
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def content_digest(nquads: bytes) -> str:
    """The input digest of a graph given as N-Quads rather than made from a document here: all it
    holds, source file included (unlike :func:`nhskg.graph.posting.content_digest`)."""
    return "q" + hashlib.blake2b(nquads, digest_size=16).hexdigest()


@dataclass(frozen=True)
class Held:
    """A document whose graph the store already holds, made from the same input by the same
    extractor, vocabulary and decisions (``input_digest`` is in the store): a build does not
    extract it again. ``digest`` is what the store recorded of the graph's content
    (:attr:`nhskg.graph.rdfgraph.PostingGraph.digest`; "" when unknown), so that a record of the same
    id read again is merged or refused as if the posting had been extracted."""

    document: Document
    input_digest: str
    digest: str = ""

    @property
    def id(self) -> str:
        return self.document.id

    @property
    def source(self) -> str:
        return self.document.source

    @property
    def key(self) -> str:
        return posting_key(self.document.id)


_Item = TypeVar("_Item")


def unless_held(documents: Iterable[_Item], held: Mapping[str, str], fingerprint: str) -> Iterator[_Item | Held]:
    """``documents``, each one whose digest is in ``held`` (input digest -> content digest)
    marked as such instead; anything else (a problem, a line not read yet) as it is."""
    for document in documents:
        if held and isinstance(document, Document):
            digest = document_digest(document, fingerprint)
            content = held.get(digest)
            if content:
                yield Held(document, digest, content)
                continue
        yield document



@dataclass(frozen=True)
class Replaced:
    """A posting the store held, read from another file, that a build replaced with the one it
    read: the later build has the last word, and its report says so.

    >>> print(Replaced("cmo", "A/cmo.txt", "B/cmo.txt"))
    posting cmo read from A/cmo.txt is replaced by the one in B/cmo.txt
    """

    id: str
    was: str  # the file the store's posting was read from
    now: str  # the file the build read it from

    def __str__(self) -> str:
        return f"posting {shown(self.id)} read from {shown(self.was)} is replaced by the one in {shown(self.now)}"


@functools.lru_cache(maxsize=1024)  # a feed's postings ask about the same two files
def _same_file(one: str, other: str) -> bool:
    """Whether two sources name the same file (``seeds/a.txt`` and its absolute path do)."""
    return one == other or os.path.realpath(one) == os.path.realpath(other)


#: Posting key -> the id of the posting the store holds in its graph and the file it was read
#: from ("" when unknown): :meth:`nhskg.graph.writer.Writer.stored`.
Stored = dict[str, tuple[str, str]]


class PostingKeys:
    """Which graph each posting of a build goes to, so that no posting replaces another unnoticed.

    Graph IRIs derive from :func:`~nhskg.graph.rdfgraph.posting_key`, so the check is on that key, not
    on the raw id. ``stored`` maps the keys of the postings already in the store to their ids and
    the files they were read from: a posting may replace its own earlier self there, never another
    posting, and one read from another file than its earlier self is noted in ``replaced``. A
    :class:`Held` document is checked as its graph would be, by the content digest the store recorded.
    """

    def __init__(self, stored: Stored | concurrent.futures.Future[Stored] | None = None) -> None:
        self._stored = stored
        self.read: dict[str, tuple[str, str, str]] = {}  # key -> id, source, digest
        self.merged = 0
        self.replaced: list[Replaced] = []

    @property
    def stored(self) -> Stored:
        """The keys of the postings the store holds, waited for the first time they are needed
        when a build reads them in the background (see :func:`nhskg.pipeline.build._write`)."""
        return self.wait()

    def wait(self) -> Stored:
        """The store's keys, once read; the error reading them met, if any. A build calls it
        outside its per-posting error handling, so that a store it cannot read ends the build
        instead of becoming a problem of every posting."""
        if isinstance(self._stored, concurrent.futures.Future):
            self._stored = self._stored.result()
        return self._stored or {}

    def admit(self, graph: PostingGraph | Held) -> bool:
        """True: write ``graph`` (or keep it, when the store holds it); False: the same record was
        read before with identical content (counted in ``merged``); :class:`InputError` when it
        would replace another posting."""
        key = graph.key
        first = self.read.get(key)
        if first is None:
            held_id, held_source = self.stored.get(key, (None, ""))
            if held_id is not None and held_id != graph.id:
                raise InputError(
                    graph.source,
                    f"posting id {graph.id!r} has the same graph IRI as {held_id!r}, already in the store (ids that"
                    " differ only in '-' and '_' share one); rename the file or record, or build with --fresh",
                    graph.id,
                )
            if held_source and not _same_file(held_source, graph.source):  # its graph is rewritten: see _to_write
                self.replaced.append(Replaced(graph.id, held_source, graph.source))
            self.read[key] = (graph.id, graph.source, graph.digest)
            return True
        first_id, first_source, first_digest = first
        if first_id != graph.id:
            raise InputError(
                graph.source,
                f"posting id {graph.id!r} has the same graph IRI as {first_id!r} read from {shown(first_source)} (ids"
                " that differ only in '-' and '_' share one); rename one of them",
                graph.id,
            )
        if graph.digest and graph.digest == first_digest:
            self.merged += 1
            return False
        raise InputError(
            graph.source,
            f"posting id '{graph.id}' was already read from {shown(first_source)} with different content;"
            " ids must be unique (the first is kept)",
            graph.id,
        )
