"""How far two readers agree on duty areas and partners, and on the leadership flag: the ceiling for scoring the extractor.

Reader A is a split of the gold set (``tests/data/gold/dev/``, or ``test/`` with ``--split
test``); reader B annotated the same duty sentences again, without seeing A's codes, in
``tests/data/gold/agreement/`` (``agreement-test/`` for the test split; same file names, only
``id`` and ``duties``). The test split is measured too because the extractor scores much lower
there than on dev: if the readers also agree less there, the test gold judges differently.
Each (statement, code) pair is one decision, as in ``nhskg evaluate``; P, R and F1 are B's against A (A's against B swaps P and R). Per code, the
table counts the statements both readers gave it, only A and only B, most disagreed first, with
Cohen's kappa over the statements (yes/no for that code). Usage:
``python scripts/gold-agreement.py [--gold tests/data/gold] [--split dev|test] [--disagreements] [--extractor]``

The facts likewise (``agreement-facts/`` for dev, ``agreement-facts-test/`` for the test split):
reader B wrote whole gold records (without duties) for some postings of the split, blind to
reader A's records and to the extractor, and they are scored against A's records by the project's
own evaluator, field by field, as ``nhskg evaluate`` scores the extractor. With ``--extractor``
the extractor is scored on the same postings against A and against B: where the extractor
falls short of A by about as much as B does, the shortfall is the rule's, not the extractor's; its
precision counting a fact right when either reader gave it, and its recall over the facts both
gave, are its errors where the readers agree.

The leadership flag likewise: reader B flagged postings of ``leadership.csv`` again (every one of
the flag's test split, 80 of its dev split), reading each with ``scripts/show-posting.py`` and the
rules only, in ``agreement-leadership.csv``; its precision and recall are B's against A, with
Cohen's kappa.
"""

from __future__ import annotations

import argparse
import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from nhskg.extract.evaluate import FIELDS as SCORED, Evaluation, _load_leadership, evaluate, load_gold_set
from nhskg.vocabulary.vocab import Scheme, load_vocabulary

REPO = Path(__file__).resolve().parents[1]
#: the duty fields compared, with the concept scheme their codes come from
FIELDS = {"areas": "duty-area", "with": "role-type"}
#: each gold split reader A annotated, and the folder holding reader B's files for it
SPLITS = {"dev": "agreement", "test": "agreement-test"}
#: reader B's leadership flags (id, split, leadership yes/no, reason) for postings of
#: ``leadership.csv``, A's flags; the split is the one ``selection.json`` puts each posting in
LEADERSHIP_B = "agreement-leadership.csv"
#: each gold split, and the folder holding reader B's whole records (facts, no duties) for it
FACT_SPLITS = {"dev": "agreement-facts", "test": "agreement-facts-test"}
#: the fields of the facts comparison: what a posting asserts of the post (the dates and the
#: salary, copied from the job board's fields, are left out)
FACT_FIELDS = tuple(name for name in SCORED if name not in ("salary", "closing_date"))


class AgreementError(Exception):
    """The two readers' files cannot be compared (a missing file or sentence)."""


@dataclass(frozen=True)
class Pair:
    """One duty statement's codes for one field, as reader A and reader B gave them."""

    posting: str
    sentence: str
    a: frozenset[str]
    b: frozenset[str]


@dataclass(frozen=True)
class Scores:
    """B against A over (statement, code) pairs; ``a`` and ``b`` count each reader's pairs."""

    both: int
    a: int
    b: int

    @property
    def precision(self) -> float:
        return self.both / self.b if self.b else 1.0

    @property
    def recall(self) -> float:
        return self.both / self.a if self.a else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True)
class CodeAgreement:
    """One code: statements both readers gave it, only A, only B, and kappa over statements."""

    code: str
    both: int
    only_a: int
    only_b: int
    kappa: float | None


def _duties(path: Path) -> list[dict]:
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise AgreementError(f"{path}: cannot read it as JSON ({exc}); fix or remove the file") from exc
    duties = record.get("duties")
    if not isinstance(duties, list):
        raise AgreementError(f"{path}: 'duties' is not a list of statements; annotate them or pick another posting")
    return duties


def reader_b_folder(gold: Path, split: str) -> Path:
    """The folder of reader B's files for ``split``; an unknown split is an error, not dev."""
    if split not in SPLITS:
        raise AgreementError(f"no reader-B folder for split {split!r}; choose one of {', '.join(SPLITS)}")
    return gold / SPLITS[split]


def read_pairs(gold: Path, field: str, split: str = "dev") -> list[Pair]:
    """Pair every statement of reader B's files for ``split`` (``gold/agreement/*.json`` for
    dev) with the same sentence in ``gold/{split}/``.

    Sentences are matched by their exact text, so a sentence B changed or added is an error
    rather than a silent disagreement.
    """
    b_folder = reader_b_folder(gold, split)
    pairs: list[Pair] = []
    files = sorted(b_folder.glob("*.json"))
    if not files:
        raise AgreementError(f"{b_folder}: no reader-B files; write them first (see the gold README)")
    for b_path in files:
        a_path = gold / split / b_path.name
        if not a_path.exists():
            raise AgreementError(
                f"{b_path}: no {split} file {a_path} to compare with; name it after a {split} posting"
            )
        a_duties = {d["sentence"]: d for d in _duties(a_path)}
        b_duties = _duties(b_path)
        if len(b_duties) != len(a_duties):
            raise AgreementError(
                f"{b_path}: {len(b_duties)} statements, {a_path} has {len(a_duties)}; copy the same sentences"
            )
        for duty in b_duties:
            a = a_duties.get(duty["sentence"])
            if a is None:
                raise AgreementError(
                    f"{b_path}: sentence not in {a_path}: {duty['sentence'][:60]!r}; copy it exactly"
                )
            pairs.append(Pair(b_path.stem, duty["sentence"], frozenset(a[field]), frozenset(duty[field])))
    return pairs


def score(pairs: Iterable[Pair]) -> Scores:
    """Micro-averaged agreement of B with A over (statement, code) pairs.

    >>> s = score([Pair("p", "s1", frozenset("xy"), frozenset("x")), Pair("p", "s2", frozenset(), frozenset("z"))])
    >>> (s.both, s.a, s.b, round(s.precision, 2), s.recall)
    (1, 2, 2, 0.5, 0.5)
    """
    both = a = b = 0
    for pair in pairs:
        both += len(pair.a & pair.b)
        a += len(pair.a)
        b += len(pair.b)
    return Scores(both, a, b)


def kappa(yes_a: Sequence[bool], yes_b: Sequence[bool]) -> float | None:
    """Cohen's kappa of two readers' yes/no decisions; None when chance agreement is certain
    (both said no, or both said yes, to every statement), where kappa is undefined.

    >>> kappa([True, True, False, False], [True, False, False, False])
    0.5
    """
    n = len(yes_a)
    if n == 0:
        return None
    observed = sum(x == y for x, y in zip(yes_a, yes_b)) / n
    pa, pb = sum(yes_a) / n, sum(yes_b) / n
    chance = pa * pb + (1 - pa) * (1 - pb)
    return None if chance == 1 else (observed - chance) / (1 - chance)


def per_code(pairs: Sequence[Pair]) -> list[CodeAgreement]:
    """Each code either reader used, most disagreed first (then most agreed, then by code)."""
    codes = sorted({c for pair in pairs for c in pair.a | pair.b})
    rows = []
    for code in codes:
        yes_a = [code in p.a for p in pairs]
        yes_b = [code in p.b for p in pairs]
        rows.append(
            CodeAgreement(
                code,
                sum(x and y for x, y in zip(yes_a, yes_b)),
                sum(x and not y for x, y in zip(yes_a, yes_b)),
                sum(y and not x for x, y in zip(yes_a, yes_b)),
                kappa(yes_a, yes_b),
            )
        )
    return sorted(rows, key=lambda r: (-(r.only_a + r.only_b), -r.both, r.code))


@dataclass(frozen=True)
class Flag:
    """One posting's leadership flag as reader A (``leadership.csv``) and reader B gave it."""

    posting: str
    title: str
    a: bool
    b: bool
    reason_a: str
    reason_b: str


def _flags(path: Path) -> dict[str, dict[str, str]]:
    """The rows of a flags file by posting id (the titles and reasons beside the flags)."""
    if not path.exists():
        raise AgreementError(f"{path} is missing")
    with path.open(newline="", encoding="utf-8") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def read_flags(gold: Path, split: str = "dev") -> list[Flag]:
    """Reader B's leadership flags for one split beside reader A's, in B's order; none when
    reader B flagged no posting (``agreement-leadership.csv`` absent)."""
    if not (gold / LEADERSHIP_B).exists():
        return []
    a, rows_a, b = _load_leadership(gold), _flags(gold / "leadership.csv"), _flags(gold / LEADERSHIP_B)
    flags = []
    for posting, row in b.items():
        if posting not in a:
            raise AgreementError(f"{LEADERSHIP_B}: posting {posting} is not in leadership.csv")
        split_a, flag_a = a[posting]
        if row["split"] != split_a:
            raise AgreementError(f"{LEADERSHIP_B}: posting {posting} is in the flag's {split_a} split, not {row['split']}")
        if row["split"] != split:
            continue
        flags.append(Flag(posting, rows_a[posting]["title"], flag_a, row["leadership"] == "yes", rows_a[posting]["reason"], row["reason"]))
    return flags


@dataclass(frozen=True)
class FactAgreement:
    """Reader B's records against reader A's over the same postings, and, when asked, the
    extractor's against each."""

    postings: tuple[str, ...]
    b_against_a: Evaluation
    extractor_against_a: Evaluation | None = None
    extractor_against_b: Evaluation | None = None
    #: field -> the extractor's facts either reader gave (of all it gave), and the facts both
    #: readers gave that it found (of all they both gave): its errors where the readers agree
    extractor_against_both: dict[str, tuple[int, int, int, int]] | None = None


def read_facts(gold: Path, split: str = "dev", extractor: bool = False) -> FactAgreement | None:
    """Reader B's fact records for ``split`` scored against reader A's (``gold/{split}/``), or
    None when reader B has written none. A record of B's for a posting A did not annotate in that
    split is an error, not a silent zero."""
    folder = gold / FACT_SPLITS[split]
    if not any(folder.glob("*.json")):
        return None
    b = {i: g.posting for i, g in load_gold_set(folder).postings.items()}
    a_all = load_gold_set(gold / split).postings
    strays = sorted(set(b) - set(a_all))
    if strays:
        raise AgreementError(f"{folder}: records for postings not in {split}/ ({', '.join(strays)}); "
                             f"reader B reads postings of the {split} split only")
    a = {i: a_all[i].posting for i in b}
    if not extractor:
        return FactAgreement(tuple(sorted(b)), evaluate(a, b.values()))
    from nhskg.extract import extract_posting
    from nhskg.read.readers import read_documents

    found = {}
    for document in read_documents(sorted({REPO / p.source for p in a.values() if p.source})):
        if getattr(document, "id", None) in a and document.id not in found:
            found[document.id] = extract_posting(document, full=True)
    return FactAgreement(tuple(sorted(b)), evaluate(a, b.values()), evaluate(a, found.values()), evaluate(b, found.values()),
                         against_both(a, b, found))


def against_both(a: dict, b: dict, found: dict) -> dict[str, tuple[int, int, int, int]]:
    """For each fact field: how many of the extractor's facts either reader gave, how many it
    gave, how many of the facts both readers gave it found, and how many they both gave. A fact
    only one reader gives is one the rules leave open; what both give is settled."""
    counts = {}
    for name in FACT_FIELDS:
        value = SCORED[name]
        either_right = given = found_both = both = 0
        for posting_id, a_posting in a.items():
            mine = value(found[posting_id]) if posting_id in found else set()
            a_values, b_values = value(a_posting), value(b[posting_id])
            either_right += len(mine & (a_values | b_values))
            given += len(mine)
            found_both += len(mine & a_values & b_values)
            both += len(a_values & b_values)
        counts[name] = (either_right, given, found_both, both)
    return counts


def _figure(evaluation: Evaluation | None, field: str) -> str:
    s = evaluation.score(field) if evaluation is not None else None
    if s is None:
        return ""
    return f"{s.precision:.2f} / {s.recall:.2f} ({s.true_positives}/{s.false_positives}/{s.false_negatives})"


def facts_report(facts: FactAgreement, split: str) -> list[str]:
    lines = [f"Facts: {len(facts.postings)} postings of {split}/ read again by reader B ({FACT_SPLITS[split]}/); "
             "precision / recall (tp/fp/fn), each against the reader named"]
    if facts.extractor_against_both:
        lines.append("  last column: the extractor's precision counting a fact right when either reader gave it, "
                     "and its recall over the facts both readers gave (what the rules leave open counts for it)")
    columns = ["B against A"] + (["extractor against A", "extractor against B", "extractor: P either, R both"]
                                 if facts.extractor_against_a else [])
    lines.append(f"  {'field':30}" + "".join(f"{c:>30}" for c in columns))
    for field in FACT_FIELDS:
        row = [_figure(facts.b_against_a, field)]
        if facts.extractor_against_a:
            row += [_figure(facts.extractor_against_a, field), _figure(facts.extractor_against_b, field)]
            if facts.extractor_against_both:
                right, given, found_both, both = facts.extractor_against_both[field]
                row.append(f"{right / given if given else 1:.2f} / {found_both / both if both else 1:.2f} ({right}/{given}, {found_both}/{both})")
        lines.append(f"  {field:30}" + "".join(f"{c:>30}" for c in row))
    return lines


def label(scheme: Scheme, code: str) -> str:
    """The code's preferred label, or the code flagged as unknown so a typo shows."""
    concept = scheme.get(code)
    return concept.pref_label if concept else f"{code} (not in {scheme.name})"


def report(gold: Path, disagreements: bool = False, split: str = "dev", extractor: bool = False) -> str:
    """The whole comparison as text, with labels rather than codes; ``disagreements`` also
    lists every statement the readers coded differently."""
    vocab = load_vocabulary()
    lines = [f"Reader A: {split}/; reader B: {reader_b_folder(gold, split).name}/"]
    for field, scheme_name in FIELDS.items():
        scheme = vocab.scheme(scheme_name)
        pairs = read_pairs(gold, field, split)
        s = score(pairs)
        postings = len({p.posting for p in pairs})
        lines.append(
            f"Duty {'areas' if field == 'areas' else 'partners'} ({field}): {len(pairs)} statements"
            f" in {postings} postings; pairs A {s.a}, B {s.b}, both {s.both}"
        )
        lines.append(
            f"  B against A: precision {s.precision:.3f} recall {s.recall:.3f} F1 {s.f1:.3f}"
            f"  (A against B: precision {s.recall:.3f} recall {s.precision:.3f})"
        )
        rows = per_code(pairs)
        width = max((len(label(scheme, r.code)) for r in rows), default=0)
        lines.append(f"  {'':{width}} both only A only B  kappa")
        for row in rows:
            k = "-" if row.kappa is None else f"{row.kappa:.2f}"
            lines.append(f"  {label(scheme, row.code):{width}} {row.both:4d} {row.only_a:6d} {row.only_b:6d} {k:>6}")
        if disagreements:
            lines.append("  Statements the readers coded differently:")
            for pair in pairs:
                if pair.a != pair.b:
                    only_a = ", ".join(sorted(label(scheme, c) for c in pair.a - pair.b)) or "-"
                    only_b = ", ".join(sorted(label(scheme, c) for c in pair.b - pair.a)) or "-"
                    lines.append(f"    {pair.posting}: {pair.sentence[:90]}")
                    lines.append(f"      only A: {only_a}; only B: {only_b}")
        lines.append("")
    facts = read_facts(gold, split, extractor)
    if facts is not None:
        lines += facts_report(facts, split) + [""]
    flags = read_flags(gold, split)
    if flags:
        s = Scores(sum(f.a and f.b for f in flags), sum(f.a for f in flags), sum(f.b for f in flags))
        k = kappa([f.a for f in flags], [f.b for f in flags])
        lines.append(f"Leadership flag: {len(flags)} postings of leadership.csv; leadership posts A {s.a}, B {s.b}, both {s.both}")
        lines.append(
            f"  B against A: precision {s.precision:.3f} recall {s.recall:.3f} F1 {s.f1:.3f}"
            f"  kappa {'-' if k is None else f'{k:.2f}'}; the readers differ on {sum(f.a != f.b for f in flags)}"
        )
        if disagreements:
            for flag in flags:
                if flag.a != flag.b:
                    lines.append(f"    {flag.posting} {flag.title[:60]}: A {'yes' if flag.a else 'no'} ({flag.reason_a});"
                                 f" B {'yes' if flag.b else 'no'} ({flag.reason_b})")
    return "\n".join(lines).rstrip() + "\n"


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=REPO / "tests/data/gold", help="the gold folder")
    parser.add_argument(
        "--split",
        choices=sorted(SPLITS),
        default="dev",
        help="the gold split reader A annotated: dev (reader B in agreement/) or test (agreement-test/)",
    )
    parser.add_argument(
        "--disagreements", action="store_true", help="also list each statement the readers coded differently"
    )
    parser.add_argument(
        "--extractor", action="store_true", help="also score the extractor on the postings reader B read again, against each reader"
    )
    args = parser.parse_args(argv)
    try:
        print(report(args.gold, args.disagreements, args.split, args.extractor), end="")
    except AgreementError as exc:
        parser.exit(1, f"gold-agreement: {exc}\n")


if __name__ == "__main__":
    main()
