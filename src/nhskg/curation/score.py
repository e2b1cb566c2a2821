"""The extractor measured against reviewers' decisions: every review grows the gold set.

``nhskg evaluate --reviewed``. The extractor runs again on the reviewed postings and each fact a
decision stands for is scored: an accepted fact is a true positive; a rejected one a false
positive; a corrected one a false positive for what was read and, for what the reviewer says it
is, a true positive if the extractor also read that and a false negative if not. Facts nobody
decided on are not scored, so precision is measured on reviewed facts, and recall only through
corrections (a reviewer adds no fact the extractor never offered). Decisions that no longer match
what the extractor reads (stale) are listed and not scored.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..read.documents import Problem
from ..extract.evaluate import Evaluation, FieldScore
from ..extract.postings import ITEM_FIELDS, Posting
from .apply import Stale, standing_decisions
from .decisions import DUTY_AREAS, Decisions, evidence_hash

__all__ = ["ReviewedEvaluation", "evaluate_reviewed"]


@dataclass(frozen=True)
class ReviewedEvaluation:
    """The scores (an :class:`~nhskg.extract.evaluate.Evaluation`) and the decisions not scored."""

    evaluation: Evaluation
    decisions: int
    stale: tuple[Stale, ...]

    def to_json(self) -> dict[str, object]:
        return {**self.evaluation.to_json(), "decisions": self.decisions,
                "stale": [str(s) for s in self.stale]}


def _fact(code: str, evidence: str = "") -> str:
    """A fact as scored: its code, and for a duty area the duty's sentence it is an area of."""
    return f"{code} (duty {evidence})" if evidence else code


def evaluate_reviewed(decisions: Decisions, predicted: Iterable[Posting | Problem]) -> ReviewedEvaluation:
    """Score ``predicted`` postings (the extractor's output now) against the decisions about them.

    ``missing`` lists the postings decided on that were not extracted.

    >>> from nhskg.extract.postings import Evidence, Item
    >>> from nhskg.curation.decisions import Decision, evidence_hash
    >>> said = Evidence("Support the Chief Executive as Accountable Officer.", 0, 51)
    >>> p = Posting("p1", "p1.txt", "Medical Director", "chief-medical-officer", None, None, None, None, None, None,
    ...             designations=(Item("accountable-officer", "Accountable Officer", said),))
    >>> no = Decision("p1", "designations", "accountable-officer", evidence_hash(said.sentence), "reject", "", "", "Ann", "2026-12-04T10:00:00Z")
    >>> score = evaluate_reviewed(Decisions.of([no]), [p]).evaluation.score("designations")
    >>> score.true_positives, score.false_positives, score.precision
    (0, 1, 0.0)
    """
    by_id = {p.id: p for p in predicted if isinstance(p, Posting)}
    fields = (*ITEM_FIELDS, DUTY_AREAS)
    counts = {name: [0, 0, 0] for name in fields}
    errors: list[tuple[str, str, tuple[str, ...], tuple[str, ...]]] = []
    stale: list[Stale] = []
    missing: list[str] = []
    scored = 0
    for posting_id in sorted(decisions.by_posting):
        posting = by_id.get(posting_id)
        if posting is None:
            missing.append(posting_id)
            continue
        chosen, gone, _ = standing_decisions(posting, decisions)
        stale.extend(gone)
        if not chosen:
            continue
        scored += 1
        want: dict[str, set[str]] = {name: set() for name in fields}
        wrong: dict[str, set[str]] = {name: set() for name in fields}
        for key, decision in chosen.items():
            name, fact = key[0], _fact(*key[1:])
            if decision.decision == "accept":
                want[name].add(fact)
            else:
                wrong[name].add(fact)
                if decision.decision == "correct":
                    want[decision.to_field].add(_fact(decision.to_code, *key[2:]))
        for name in fields:
            got = ({_fact(area, evidence_hash(duty.evidence.sentence)) for duty in posting.duties for area in duty.areas}
                   if name == DUTY_AREAS else {item.code for item in getattr(posting, name)})
            wrong[name] -= want[name]  # corrected away and back: what the reviewer wants wins
            spurious, missed = wrong[name] & got, want[name] - got
            counts[name][0] += len(want[name] & got)
            counts[name][1] += len(spurious)
            counts[name][2] += len(missed)
            if spurious or missed:
                errors.append((posting_id, name, tuple(sorted(missed)), tuple(sorted(spurious))))
    scores = tuple(FieldScore(name, *counts[name]) for name in fields if any(counts[name]))
    evaluation = Evaluation(scores, scored, tuple(missing), tuple(errors), (("stale", len(stale)),))
    return ReviewedEvaluation(evaluation, len(decisions), tuple(stale))
