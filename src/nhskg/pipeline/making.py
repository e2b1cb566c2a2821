"""Documents to posting graphs, one at a time, with the build's one error policy: what a build
does in its own process or, on a large build, in each worker (:mod:`.pool`). :mod:`.build`
composes it with the readers, the writer and the validation.

The policy includes time: a posting on which extraction would never end (a regular expression
backtracking for ever on odd input) is stopped at a limit and is a problem like any other. A
large build's workers are ended at it (:mod:`.workers`); a build in one process, and
``read_postings`` (``nhskg extract``, ``nhskg evaluate``), stop the posting with a timer signal
(:func:`_in_time`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Callable, Iterable, Iterator, TypeVar

from ..background import time_limit
from ..curation.apply import posting_graph  # rdfgraph.posting_graph after the reviewers' decisions
from ..errors import InputError, NhskgError
from ..extract.postings import Posting, with_sources
from ..graph.rdfgraph import PostingGraph
from ..read.documents import Document, Problem
from ..vocabulary.vocab import Vocabulary
from .identity import Held, document_digest


def _problem(item: Posting | PostingGraph | Document | Held, error: Exception) -> Problem:
    """The error policy: a problem met on one document or posting, its file and record named once;
    any exception, not only the ones nhskg raises (a bug on one odd posting must not cost a build)."""
    if isinstance(error, InputError):
        return Problem(error.source, error.problem, error.record)
    message = str(error) if isinstance(error, NhskgError) else (
        f"could not be read ({type(error).__name__}: {error}); the rest of the build goes on; please report it")
    message = message.removeprefix(f"posting '{item.id}' ({item.source}): ")
    return Problem(item.source, message, item.id)


#: What goes on after a posting is stopped (:func:`_overran`): a build builds the rest, and
#: ``read_postings`` reads it.
_BUILT, _READ = "built", "read"


def _overran(source: str, record: str | None, seconds: float, rest: str = _BUILT) -> Problem:
    """The problem of a posting whose extraction was stopped at the time limit, ``seconds``."""
    return Problem(source, f"took longer than {seconds:g} s to extract, the limit for one posting, and was stopped (nhskg"
                           f" may never finish on it); it is left out and the rest is {rest}; please report it, or allow"
                           " more time with --posting-timeout SECONDS (env NHSKG_POSTING_TIMEOUT)", record)


def _extract(
    documents: Iterable[Document | Problem], vocab: Vocabulary, full: bool | None = None
) -> Iterable[Posting | Problem]:
    from ..extract import extract_posting  # the extractor is another stage; import when used

    for document in documents:
        if isinstance(document, Problem):
            yield document
            continue
        try:
            yield with_sources(extract_posting(document, vocab, full=full), document.parts)
        except Exception as error:  # a bug on one odd posting must not cost the rest of a build
            yield _problem(document, error)


def _graphs(
    documents: Iterable[Document | Problem | Held], vocab: Vocabulary, base: str, full: bool | None,
    fingerprint: str | None = None,
) -> Iterable[PostingGraph | Problem | Held]:
    """Documents all the way to N-Quads, each with its digest: what each worker of a large build
    does. Problems and documents the store holds already pass through."""
    for document in documents:
        if not isinstance(document, Document):
            yield document
            continue
        for item in _extract([document], vocab, full):
            if isinstance(item, Problem):
                yield item
                continue
            try:
                graph = posting_graph(item, vocab, base, full=full)
            except Exception as error:
                yield _problem(item, error)
            else:
                yield graph if fingerprint is None else replace(graph, input_digest=document_digest(document, fingerprint))


class _OutOfTime(BaseException):
    """Raised by the timer in the middle of a posting's extraction: not an Exception, so that no
    per-posting guard on the way takes it for an error of the posting's and goes on."""


_Made = TypeVar("_Made")
_Passed = TypeVar("_Passed")


def _in_time(
    documents: Iterable[Document | _Passed], make: Callable[[Document], Iterable[_Made]], seconds: float | None,
    rest: str = _BUILT,
) -> Iterator[_Made | _Passed | Problem]:
    """``make`` of each document in this process, stopped after ``seconds`` (None: no limit) and a
    problem instead (:func:`_overran`, saying the rest is ``rest``); anything else (problems,
    documents the store holds) passes through. For what has no worker to end: a build in one
    process, and ``read_postings``.

    The timer interrupts Python code wherever it is, regular expressions included (the engine
    checks for signals as it backtracks). It covers ``make`` alone, not the reading of the next
    document (a DOCX or PDF reader sets a timer of its own) nor the caller's work between
    documents. It is used only in the main thread and only when no one else's timer is set;
    elsewhere the documents have no limit.
    """
    for document in documents:
        if not isinstance(document, Document):
            yield document
            continue
        if seconds is None:
            yield from make(document)
            continue
        try:
            with time_limit(seconds, _OutOfTime):  # all of the document's work, none of the caller's
                made = list(make(document))
        except _OutOfTime:
            yield _overran(document.source, document.id, seconds, rest)
        else:
            yield from made


def _graphs_in_time(
    documents: Iterable[Document | Problem | Held], vocab: Vocabulary, base: str, full: bool | None,
    fingerprint: str | None = None, seconds: float | None = None,
) -> Iterator[PostingGraph | Problem | Held]:
    """:func:`_graphs` in this process, each document stopped after ``seconds`` (:func:`_in_time`):
    a build in one process, which has no worker to end."""
    return _in_time(documents, lambda document: _graphs([document], vocab, base, full, fingerprint), seconds)


def _extract_in_time(
    documents: Iterable[Document | Problem], vocab: Vocabulary, full: bool | None, seconds: float | None
) -> Iterator[Posting | Problem]:
    """:func:`_extract`, each document stopped after ``seconds`` (:func:`_in_time`): what
    ``read_postings`` gives ``nhskg extract`` and ``nhskg evaluate``."""
    return _in_time(documents, lambda document: _extract([document], vocab, full), seconds, _READ)
