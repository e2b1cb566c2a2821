"""Measure the extractor against hand-annotated gold records: precision, recall and F1 per field.

Accuracy is measured, not assumed. Each field is scored as sets of codes per posting, summed over
postings (micro-averaged): a single-valued field such as the role type is a set of zero or one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .documents import Problem
from .errors import InputError
from .matching import fold
from .postings import Posting

__all__ = ["FieldScore", "Evaluation", "evaluate", "load_gold", "load_codes", "FIELDS"]


def _codes(items) -> set[str]:
    return {i.code for i in items if i.code != "other"}


def _org_name(p: Posting) -> set[str]:
    if not p.organisation or not p.organisation.name:
        return set()
    return {" ".join(w for w in fold(p.organisation.name).split() if w != "the")}


def _single(value: object) -> set[str]:
    return set() if value in (None, "") else {str(value)}


def _salary(p: Posting) -> set[str]:
    if not p.salary or p.salary.min is None:
        return set()
    return {f"{round(p.salary.min)}-{round(p.salary.max if p.salary.max is not None else p.salary.min)}"}


#: The fields scored, each as a function from a posting to the set of values compared.
FIELDS: dict[str, Callable[[Posting], set[str]]] = {
    "role_type": lambda p: _single(p.role_type),
    "scope": lambda p: _single(p.scope),
    "organisation": _org_name,
    "organisation_type": lambda p: _single(p.organisation.type if p.organisation else None),
    "accountable_to": lambda p: _codes(p.accountable_to),
    "professionally_accountable_to": lambda p: _codes(p.professionally_accountable_to),
    "works_with": lambda p: _codes(p.works_with),
    "designations": lambda p: _codes(p.designations),
    "bodies": lambda p: _codes(p.bodies),
    "requirements": lambda p: _codes(p.requirements),
    "requirements_essential": lambda p: {f"{r.code}:{'essential' if r.essential else 'desirable'}" for r in p.requirements},
    "salary": _salary,
    "pay_band": lambda p: _single(p.pay_band),
    "closing_date": lambda p: _single(p.closing_date),
}


@dataclass(frozen=True)
class FieldScore:
    field: str
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        expected = self.true_positives + self.false_negatives
        return self.true_positives / expected if expected else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class Evaluation:
    scores: tuple[FieldScore, ...]
    postings: int
    missing: tuple[str, ...]
    #: (posting id, field, missed values, spurious values) for every disagreement
    errors: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = field(default=())
    #: "field:code" for extracted codes outside the annotated code lists, left out of the score
    unscored: tuple[str, ...] = ()

    def to_json(self) -> dict:
        return {
            "postings": self.postings,
            "missing": list(self.missing),
            "fields": {
                s.field: {
                    "precision": round(s.precision, 3),
                    "recall": round(s.recall, 3),
                    "f1": round(s.f1, 3),
                    "tp": s.true_positives,
                    "fp": s.false_positives,
                    "fn": s.false_negatives,
                }
                for s in self.scores
            },
            "unscored": list(self.unscored),
            "errors": [
                {"id": i, "field": f, "missed": list(m), "spurious": list(s)} for i, f, m, s in self.errors
            ],
        }


def load_codes(directory: Path) -> dict[str, frozenset[str]]:
    """The codes the gold annotators could use, per field (``codes.json`` beside the records).

    Concepts added to the vocabularies after the gold set was annotated cannot be right or wrong
    against it, so they are scored as the annotators would have written them: as their nearest
    broader concept in the lists if they have one, else an unknown role or organisation type as
    ``other`` and an unknown list code not at all (reported as unscored).
    """
    path = Path(directory) / "codes.json"
    if not path.exists():
        return {}
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: frozenset(v) for k, v in data.items() if not k.startswith("_")}


def load_gold(directory: Path) -> dict[str, Posting]:
    """Every ``*.json`` gold record in ``directory`` (but ``codes.json``), keyed by posting id."""
    gold: dict[str, Posting] = {}
    for path in sorted(Path(directory).glob("*.json")):
        if path.name == "codes.json":
            continue
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            gold[str(record["id"])] = Posting.from_json(record)
        except (ValueError, KeyError, TypeError) as error:
            raise InputError(str(path), f"not a gold record ({error}); see tests/data/gold/README.md") from error
    if not gold:
        raise InputError(str(directory), "no gold records (*.json) found")
    return gold


_MAPPED_TO_OTHER = ("role_type", "organisation_type")


_SCHEME_OF = {
    "role_type": "role-type", "accountable_to": "role-type", "professionally_accountable_to": "role-type",
    "works_with": "role-type", "designations": "designation", "bodies": "body", "requirements": "qualification",
    "organisation_type": "organisation-type", "scope": "scope", "pay_band": "pay-band",
}


def _broader_known(code: str, field: str, known: frozenset[str]) -> str | None:
    """The nearest broader concept the annotators could use (non-voting board member -> board member)."""
    from .vocab import load_vocabulary

    scheme = load_vocabulary().scheme(_SCHEME_OF[field])
    seen: set[str] = set()
    frontier = [code]
    while frontier:
        concept = scheme.get(frontier.pop())
        if concept is None:
            continue
        for broader in concept.broader:
            if broader in known:
                return broader
            if broader not in seen:
                seen.add(broader)
                frontier.append(broader)
    return None


def _within(values: set[str], name: str, codes: dict[str, frozenset[str]], unscored: set[str]) -> set[str]:
    field = name.removesuffix("_essential")
    known = codes.get(field)
    if known is None:
        return values
    kept = set()
    for value in values:
        code, _, rest = value.partition(":")
        if code in known:
            kept.add(value)
            continue
        broader = _broader_known(code, field, known) if field in _SCHEME_OF else None
        if broader is not None:
            kept.add(f"{broader}:{rest}" if rest else broader)
        elif name in _MAPPED_TO_OTHER:
            kept.add("other")
        else:
            unscored.add(f"{name}:{code}")
    return kept


def evaluate(
    gold: dict[str, Posting], predicted: Iterable[Posting | Problem], codes: dict[str, frozenset[str]] | None = None
) -> Evaluation:
    """Score predicted postings against gold ones with the same ids, within the annotated ``codes``."""
    codes = codes or {}
    unscored: set[str] = set()
    by_id = {p.id: p for p in predicted if isinstance(p, Posting)}
    counts = {name: [0, 0, 0] for name in FIELDS}
    errors = []
    missing = []
    for posting_id, expected in sorted(gold.items()):
        actual = by_id.get(posting_id)
        if actual is None:
            missing.append(posting_id)
            continue
        for name, values in FIELDS.items():
            want, got = values(expected), _within(values(actual), name, codes, unscored)
            counts[name][0] += len(want & got)
            counts[name][1] += len(got - want)
            counts[name][2] += len(want - got)
            if want != got:
                errors.append((posting_id, name, tuple(sorted(want - got)), tuple(sorted(got - want))))
    scores = tuple(FieldScore(name, *counts[name]) for name in FIELDS)
    return Evaluation(scores, len(gold) - len(missing), tuple(missing), tuple(errors), tuple(sorted(unscored)))
