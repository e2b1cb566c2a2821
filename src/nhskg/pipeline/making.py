"""Documents to posting graphs, one at a time, with the build's one error policy: what a build
does in its own process or, on a large build, in each worker (:mod:`.pool`). :mod:`.build`
composes it with the readers, the writer and the validation.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Iterable

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
