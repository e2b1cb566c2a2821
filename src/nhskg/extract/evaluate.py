"""Measure the extractor against hand-annotated gold records: precision, recall and F1 per field.

Accuracy is measured, not assumed, and on postings the rules were not tuned on: the gold set has a
development split (``dev/``), a calibration split (``calibration/``: never tuned on, what the facts'
confidences are measured on) and a frozen test split (``test/``), scored separately. Each field is
scored as sets of codes per posting, summed over postings (micro-averaged): a single-valued field
such as the role type is a set of zero or one. The leadership flag is scored on its own annotated
list (``leadership.csv``), and duty statements, where annotated, per statement.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..read.documents import Problem
from ..errors import InputError
from ..vocabulary.matching import fold
from .postings import Item, Posting

__all__ = [
    "FieldScore",
    "Evaluation",
    "Gold",
    "GoldSet",
    "evaluate",
    "evaluate_splits",
    "load_gold",
    "load_gold_set",
    "read_predictions",
    "FIELDS",
    "FACT_FIELDS",
    "scored_facts",
    "scored_duty_areas",
]


def _codes(items) -> set[str]:
    return {i.code for i in items}


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
    "deputises_for": lambda p: _codes(p.deputises_for),
    "designations": lambda p: _codes(p.designations),
    "bodies": lambda p: _codes(p.bodies),
    "requirements": lambda p: _codes(p.requirements),
    "requirements_essential": lambda p: {f"{r.code}:{'essential' if r.essential else 'desirable'}" for r in p.requirements},
    "salary": _salary,
    "pay_band": lambda p: _single(p.pay_band),
    "closing_date": lambda p: _single(p.closing_date),
}

#: Scored apart from the per-posting fields: the leadership flag on its own list, duties per statement.
EXTRA_FIELDS = ("leadership", "duty_statements", "duty_areas", "duty_partners")


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
    #: how many postings each extra field rests on ("leadership" -> 154)
    counts: tuple[tuple[str, int], ...] = ()

    def score(self, name: str) -> FieldScore | None:
        return next((s for s in self.scores if s.field == name), None)

    def to_json(self) -> dict:
        return {
            "postings": self.postings,
            "missing": list(self.missing),
            "counts": dict(self.counts),
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
            "errors": [
                {"id": i, "field": f, "missed": list(m), "spurious": list(s)} for i, f, m, s in self.errors
            ],
        }


#: The gold set's splits, in the order they are reported: tuned on, measured for confidence, frozen.
SPLITS = ("dev", "calibration", "test")


@dataclass(frozen=True)
class Gold:
    """One annotated posting; ``duties_annotated`` tells "no duties" from "duties not annotated"."""

    posting: Posting
    split: str
    duties_annotated: bool


@dataclass(frozen=True)
class GoldSet:
    """The annotated postings of every split and the leadership flags (id -> (split, flag))."""

    postings: dict[str, Gold]
    leadership: dict[str, tuple[str, bool]]

    @property
    def splits(self) -> tuple[str, ...]:
        names = {g.split for g in self.postings.values()} | {s for s, _ in self.leadership.values()}
        return tuple(sorted(names, key=lambda s: (s not in SPLITS, SPLITS.index(s) if s in SPLITS else 0, s)))

    def sources(self) -> tuple[Path, ...]:
        return tuple(sorted({Path(g.posting.source) for g in self.postings.values() if g.posting.source}))


def _read_record(path: Path) -> dict:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(record, dict) or "id" not in record:
            raise ValueError("not one JSON object with an id")
        return record
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError(str(path), f"not a gold record ({error}); see tests/data/gold/README.md") from error


def _gold_posting(path: Path, record: dict) -> Posting:
    try:
        return Posting.from_json(record)
    except (KeyError, TypeError, ValueError) as error:
        raise InputError(str(path), f"not a gold record ({error}); see tests/data/gold/README.md") from error


def load_gold_set(directory: Path) -> GoldSet:
    """The gold records under ``directory``: its ``dev/``, ``calibration/`` and ``test/`` folders
    (or, for a folder of records without splits, that folder as one split named after it), and
    ``leadership.csv``."""
    directory = Path(directory)
    folders = [directory / name for name in SPLITS if (directory / name).is_dir()] or [directory]
    postings: dict[str, Gold] = {}
    for folder in folders:
        split = folder.name
        for path in sorted(folder.glob("*.json")):
            record = _read_record(path)
            posting = _gold_posting(path, record)
            if posting.id in postings:
                raise InputError(str(path), f"posting {posting.id} is annotated twice (also in {postings[posting.id].split}/)")
            postings[posting.id] = Gold(posting, split, record.get("duties") is not None)
    if not postings:
        raise InputError(str(directory), "no gold records (*.json) found")
    return GoldSet(postings, _load_leadership(directory))


def _load_leadership(directory: Path) -> dict[str, tuple[str, bool]]:
    """The flags of ``leadership.csv``, each in the split ``selection.json`` puts it in
    (``leadership_test``), so that the flag too is measured on postings nobody tuned on."""
    path = directory / "leadership.csv"
    if not path.exists():
        return {}
    selection = directory / "selection.json"
    test: set[str] = set()
    if selection.exists():
        try:
            test = {str(i) for i in json.loads(selection.read_text(encoding="utf-8")).get("leadership_test", ())}
        except ValueError as error:
            raise InputError(str(selection), f"not valid JSON ({error})") from error
    flags: dict[str, tuple[str, bool]] = {}
    with path.open(newline="", encoding="utf-8") as handle:
        for line, row in enumerate(csv.DictReader(handle), start=2):
            flag = (row.get("leadership") or "").strip().lower()
            if flag not in ("yes", "no") or not row.get("id"):
                raise InputError(f"{path}:{line}", "each row needs an id and leadership yes or no")
            posting_id = row["id"].strip()
            flags[posting_id] = ("test" if posting_id in test else "dev", flag == "yes")
    return flags


def load_gold(directory: Path) -> dict[str, Posting]:
    """Every gold posting under ``directory`` keyed by id, whatever its split."""
    return {posting_id: gold.posting for posting_id, gold in load_gold_set(directory).postings.items()}


_WORD = re.compile(r"[a-z0-9]+")


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORD.findall(fold(text)))


def _same_statement(gold: frozenset[str], found: frozenset[str]) -> bool:
    """Two sentences are one duty statement when most words of the shorter are in the longer:
    the extractor may cut a bullet list or a long sentence differently from the annotator."""
    if not gold or not found:
        return False
    return len(gold & found) / min(len(gold), len(found)) >= 0.6


def _score_duties(expected: Posting, actual: Posting) -> dict[str, tuple[set[str], set[str]]]:
    """Per duty statement: the areas and partners wanted and found, as "statement:code" values; and
    the statements themselves, by number, with a sentence taken for a duty that matches none a stray
    of its own. An area is only right on a statement, but a sentence taken wrongly for a duty costs
    the area figures nothing when it has no area, while the graph states it as a duty all the same."""
    gold_words = [_words(d.text) for d in expected.duties]
    found_statements: set[str] = set()
    found_areas: dict[int, set[str]] = {i: set() for i in range(len(expected.duties))}
    found_partners: dict[int, set[str]] = {i: set() for i in range(len(expected.duties))}
    stray_areas: set[str] = set()
    stray_partners: set[str] = set()
    for k, duty in enumerate(actual.duties):
        words = _words(duty.text)
        matched = [i for i, g in enumerate(gold_words) if _same_statement(g, words)]
        for i in matched:
            found_areas[i] |= set(duty.areas)
            found_partners[i] |= set(duty.with_)
        found_statements |= {str(i) for i in matched}
        if not matched:
            found_statements.add(f"unannotated {k}: {' '.join(duty.text.split()[:8])}")  # --errors shows which sentence
            stray_areas |= {f"unannotated {k}:{a}" for a in duty.areas}
            stray_partners |= {f"unannotated {k}:{w}" for w in duty.with_}
    areas = (
        {f"{i}:{a}" for i, d in enumerate(expected.duties) for a in d.areas},
        {f"{i}:{a}" for i, found in found_areas.items() for a in found} | stray_areas,
    )
    partners = (
        {f"{i}:{w}" for i, d in enumerate(expected.duties) for w in d.with_},
        {f"{i}:{w}" for i, found in found_partners.items() for w in found} | stray_partners,
    )
    statements = ({str(i) for i in range(len(expected.duties))}, found_statements)
    return {"duty_statements": statements, "duty_areas": areas, "duty_partners": partners}


def scored_duty_areas(gold_set: GoldSet, split: str, predicted: Iterable[Posting | Problem]) -> Iterator[tuple[float, bool]]:
    """Each area of each duty the ``predicted`` postings of one split give, as (its confidence,
    whether it is right), for the gold postings whose duties were annotated: right when a gold
    statement the duty matches (as :func:`_score_duties` matches them) has that area. What
    ``scripts/confidence-reliability.py`` checks the duty model's chances against."""
    expected = {pid: g.posting for pid, g in gold_set.postings.items() if g.split == split and g.duties_annotated}
    for posting in predicted:
        if not isinstance(posting, Posting) or (wanted := expected.get(posting.id)) is None:
            continue
        gold_words = [(_words(d.text), set(d.areas)) for d in wanted.duties]
        for duty in posting.duties:
            words = _words(duty.text)
            areas = set().union(*(a for g, a in gold_words if _same_statement(g, words)))
            for area in duty.areas:
                yield duty.chance_of(area), area in areas


def evaluate(
    gold: dict[str, Posting] | dict[str, Gold],
    predicted: Iterable[Posting | Problem],
    leadership: dict[str, bool] | None = None,
) -> Evaluation:
    """Score predicted postings against gold ones with the same ids.

    ``leadership`` (posting id -> annotated flag) scores the leadership flag of the predicted
    postings with those ids; duties are scored for gold postings whose duties were annotated.
    """
    records = {
        posting_id: value if isinstance(value, Gold) else Gold(value, "", False) for posting_id, value in gold.items()
    }
    by_id = {p.id: p for p in predicted if isinstance(p, Posting)}
    names = [*FIELDS, *EXTRA_FIELDS]
    counts = {name: [0, 0, 0] for name in names}
    rests_on = {"leadership": 0, "duty_statements": 0, "duty_areas": 0, "duty_partners": 0}
    errors = []
    missing = []

    def tally(posting_id: str, name: str, want: set[str], got: set[str]) -> None:
        counts[name][0] += len(want & got)
        counts[name][1] += len(got - want)
        counts[name][2] += len(want - got)
        if want != got:
            errors.append((posting_id, name, tuple(sorted(want - got)), tuple(sorted(got - want))))

    for posting_id, record in sorted(records.items()):
        actual = by_id.get(posting_id)
        if actual is None:
            missing.append(posting_id)
            continue
        for name, values in FIELDS.items():
            tally(posting_id, name, values(record.posting), values(actual))
        if record.duties_annotated:
            for name, (want, got) in _score_duties(record.posting, actual).items():
                tally(posting_id, name, want, got)
                rests_on[name] += 1
    for posting_id, flag in sorted((leadership or {}).items()):
        actual = by_id.get(posting_id)
        if actual is None:
            if posting_id not in missing:
                missing.append(posting_id)
            continue
        rests_on["leadership"] += 1
        tally(posting_id, "leadership", {"leadership"} if flag else set(), {"leadership"} if actual.leadership else set())
    scores = tuple(FieldScore(name, *counts[name]) for name in names if name in FIELDS or rests_on[name])
    scored = len(records) - sum(1 for m in missing if m in records)
    return Evaluation(scores, scored, tuple(sorted(missing)), tuple(errors), tuple(rests_on.items()))


def evaluate_splits(gold_set: GoldSet, predicted: Iterable[Posting | Problem]) -> dict[str, Evaluation]:
    """One evaluation per split (``dev``, ``test``), each over its own postings and leadership flags."""
    by_id = {p.id: p for p in predicted if isinstance(p, Posting)}
    results = {}
    for split in gold_set.splits:
        gold = {i: g for i, g in gold_set.postings.items() if g.split == split}
        flags = {i: flag for i, (s, flag) in gold_set.leadership.items() if s == split}
        results[split] = evaluate(gold, by_id.values(), flags)
    return results


def read_predictions(path: Path) -> list[Posting]:
    """Extracted records saved as JSON lines (as ``nhskg extract --full`` prints them), to score
    instead of extracting now: how an older version of the extractor is compared with this one."""
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                records.append(Posting.from_json(json.loads(line)))
            except (ValueError, KeyError, TypeError) as error:
                raise InputError(f"{path}:{number}", f"not an extracted record ({error})") from error
    return records


#: The record fields whose facts say how they were stated and carry a confidence.
FACT_FIELDS = ("accountable_to", "professionally_accountable_to", "works_with", "deputises_for", "designations", "bodies",
               "requirements")


def scored_facts(gold_set: GoldSet, split: str, predicted: Iterable[Posting | Problem]) -> Iterator[tuple[str, Item, bool]]:
    """Each fact of the ``predicted`` postings of one split, with its field and whether the gold
    record has the same code in that field: what confidence is calibrated on (the calibration split) and
    checked against (``scripts/calibrate-confidence.py``, ``scripts/confidence-reliability.py``)."""
    expected = {pid: g.posting for pid, g in gold_set.postings.items() if g.split == split}
    for posting in predicted:
        wanted = expected.get(posting.id) if isinstance(posting, Posting) else None
        if wanted is None:
            continue
        for name in FACT_FIELDS:
            codes = {item.code for item in getattr(wanted, name)}
            for fact in getattr(posting, name):
                yield name, fact, fact.code in codes
