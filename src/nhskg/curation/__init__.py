"""Curation: reviewers' decisions about extracted facts, kept as data and applied at every build.

Where it sits in the flow: between the postings and the graph, applied by the build
(:mod:`nhskg.pipeline.build`). ``curation/<reviewer>.csv`` files (:mod:`.decisions`, read and written by
:mod:`.folder`) hold what each reviewer decided about a fact (accept, reject, correct); every build applies them to each
extracted posting before it becomes quads (:mod:`.apply`) and marks the reviewed statements
(:mod:`.provenance`), so a fix made once survives every rebuild, with who decided it and when on
the statement.
:mod:`.reviewed` narrows a graph to reviewed facts; :mod:`.score` measures the extractor against
the decisions. The review queue and the review page of ``nhskg serve``, which need the queries
and analyses this package sits below, are in :mod:`nhskg.review`.

Terms: a *fact* is one item of an extracted posting, named by (posting id, record field, code);
its *evidence* is the sentence it was read from. The reviewable fields are the record's item
lists (:data:`nhskg.extract.postings.ITEM_FIELDS`).
"""

from __future__ import annotations

from .apply import (
    Curated,
    CurationReport,
    Stale,
    applying,
    apply_decisions,
    fingerprint,
)
from .decisions import (
    COLUMNS,
    CurationError,
    Decision,
    Decisions,
    evidence_hash,
    fact_id,
)
from .folder import load_decisions, record_decision
from .provenance import Review

__all__ = [
    "COLUMNS",
    "Curated",
    "CurationError",
    "CurationReport",
    "Decision",
    "Decisions",
    "Review",
    "Stale",
    "apply_decisions",
    "applying",
    "evidence_hash",
    "fact_id",
    "fingerprint",
    "load_decisions",
    "record_decision",
]
