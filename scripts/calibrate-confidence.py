"""Measure how often facts of each kind and statement form are right, and write the figures to
``ontology/confidence.ttl`` as the confidence every such fact carries.

Measured on the calibration split of the gold set (``tests/data/gold/calibration/``): postings
annotated blind and never tuned on, so that a confidence promises what postings the rules have not
seen give. It was measured on the development split once, where the rules were tuned, and promised
0.88 where the test split gave 0.75. Every fact the extractor reads from a calibration posting is
right when the gold record has the same code in the same field. The figure is the Laplace-smoothed
precision, (right + 1) / (facts + 2), so that a form seen a few times is not taken as certain; a
(field, form) pair seen fewer than ``--min`` times falls back to the form's figure over every
field, and a form seen fewer than that on the split to its figure on the dev split. Usage:
``python scripts/calibrate-confidence.py``; ``--check`` writes nothing and exits 1 when the file
no longer says what the split measures (``tests/test_confidence_calibration.py``
runs it, so a change to the extractor, the vocabularies or the gold records that moves a figure
fails the tests until the file is written again). Like the test split, the calibration split is
read in aggregate only: a rule tuned on one of its postings would make its figures promise too much.
"""

from __future__ import annotations

import argparse
import collections
import sys
from datetime import date
from pathlib import Path

from nhskg.extract.confidence import load_calibration
from nhskg.extract.evaluate import load_gold_set, scored_facts
from nhskg.pipeline.build import read_postings
OUT = Path(__file__).resolve().parents[1] / "ontology" / "confidence.ttl"
SPLIT = "calibration"


def counted(splits: tuple[str, ...]) -> dict[str, dict[tuple[str, str], list[int]]]:
    """Per split, (field, form) -> [right, facts], with ("*", form) for a form over every field: the
    gold set's postings read once for every split asked about."""
    gold = load_gold_set(Path("tests/data/gold"))
    for split in splits:
        if not any(g.split == split for g in gold.postings.values()):
            raise SystemExit(f"tests/data/gold has no {split!r} split; run from the project folder or give --split")
    predicted = list(read_postings(gold.sources(), full=True))
    counts: dict[str, dict[tuple[str, str], list[int]]] = {}
    for split in splits:
        tally = counts[split] = collections.defaultdict(lambda: [0, 0])
        for field, fact, right in scored_facts(gold, split, predicted):
            for key in ((field, fact.stated), ("*", fact.stated)):
                tally[key][0] += right
                tally[key][1] += 1
    return counts


def measured(minimum: int, split: str = SPLIT) -> list[tuple[str, str, int, int, str]]:
    """(field, form, right, facts, split) of every figure the file gives, "*" for a form over every
    field. A pair seen fewer than ``minimum`` times on ``split`` has no figure of its own (the form's
    stands for it); a form seen fewer than ``minimum`` times there at all (a header such as
    "Accountable to:" is rare below leadership level) takes its figure on the dev split, which
    promises more than unseen postings give but is better than a guess."""
    counts = counted((split, "dev") if split != "dev" else (split,))
    figures = [(field, form, right, total, split) for (field, form), (right, total) in sorted(counts[split].items())
               if total >= minimum]
    measured_forms = {form for field, form, *_ in figures if field == "*"}
    if split != "dev":
        figures += [("*", form, right, total, "dev") for (field, form), (right, total) in sorted(counts["dev"].items())
                    if field == "*" and form not in measured_forms]
    return sorted(figures, key=lambda f: (f[0] != "*", f[0], f[1]))


def turtle_lines(figures: list[tuple[str, str, int, int, str]]) -> list[str]:
    """The statements of the file, one per figure (without its header)."""
    lines = []
    for field, form, right, total, split in figures:
        value = (right + 1) / (total + 2)
        record = f'nhskg:recordField "{field}" ; ' if field != "*" else ""
        lines.append(f"[] {record}nhskg:statedAs nhskg:stated-{form} ; "
                     f'nhskg:confidence "{value:.2f}"^^xsd:decimal ; nhskg:basedOn {total} ; nhskg:measuredOn "{split}" .')
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--min", type=int, default=5, help="facts a (field, form) pair, or a form, needs for a figure of its own")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the file is out of date")
    parser.add_argument("--split", default=SPLIT, help=f"the gold split measured (default: {SPLIT}, never tuned on)")
    args = parser.parse_args()
    figures = measured(args.min, args.split)
    statements = turtle_lines(figures)
    if args.check:
        written = [line for line in OUT.read_text(encoding="utf-8").splitlines() if line.startswith("[]")]
        if written != statements:
            stale = sorted(set(written) ^ set(statements))
            print(f"{OUT} is out of date with the {args.split} split ({len(stale)} lines differ, e.g. {stale[0]}); "
                  "run python scripts/calibrate-confidence.py and commit it")
            sys.exit(1)
        print(f"{OUT} is current ({len(statements)} figures)")
        return
    lines = [
        "# How far extracted facts can be trusted, by record field and statement form: the",
        "# Laplace-smoothed precision, (right + 1) / (facts + 2), of such facts on the",
        f"# {args.split} split of the gold set (postings annotated blind and never tuned on), written by",
        f"# scripts/calibrate-confidence.py on {date.today().isoformat()}. Do not edit by hand: re-run the script",
        "# after changing the extractor, the vocabularies or the gold records.",
        "",
        "@prefix nhskg: <https://w3id.org/nhskg/def#> .",
        "@prefix xsd:   <http://www.w3.org/2001/XMLSchema#> .",
        "",
    ]
    print(f"{'field':30} {'form':8} {'right':>5} {'facts':>5} confidence split")
    for field, form, right, total, split in figures:
        print(f"{field:30} {form:8} {right:5d} {total:5d} {(right + 1) / (total + 2):10.2f} {split}")
    OUT.write_text("\n".join(lines + statements) + "\n", encoding="utf-8")
    load_calibration.cache_clear()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
