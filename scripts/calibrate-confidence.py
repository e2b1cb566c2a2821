"""Measure how often facts of each kind and statement form are right, and write the figures to
``ontology/confidence.ttl`` as the confidence every such fact carries.

Measured on the development split only (the test split stays unseen): every fact the extractor
reads from a dev posting is right when the gold record has the same code in the same field. The
figure is the Laplace-smoothed precision, (right + 1) / (facts + 2), so that a form seen a few
times is not taken as certain; a (field, form) pair seen fewer than ``--min`` times falls back to
the form's figure over every field. Usage: ``python scripts/calibrate-confidence.py``;
``--check`` writes nothing and exits 1 when the file no longer says what the dev split measures
(``tests/test_confidence_calibration.py`` runs it, so a change to the extractor, the vocabularies
or the dev records that moves a figure fails the tests until the file is written again).
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


def measured(minimum: int) -> list[tuple[str, str, int, int]]:
    """(field, form, right, facts) of every figure the file gives, "*" for a form over every field."""
    gold = load_gold_set(Path("tests/data/gold"))
    counts: dict[tuple[str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    for field, fact, right in scored_facts(gold, "dev", read_postings(gold.sources(), full=True)):
        for key in ((field, fact.stated), ("*", fact.stated)):
            counts[key][0] += right
            counts[key][1] += 1
    return [(field, form, right, total) for (field, form), (right, total) in sorted(counts.items())
            if field == "*" or total >= minimum]


def turtle_lines(figures: list[tuple[str, str, int, int]]) -> list[str]:
    """The statements of the file, one per figure (without its header)."""
    lines = []
    for field, form, right, total in figures:
        value = (right + 1) / (total + 2)
        record = f'nhskg:recordField "{field}" ; ' if field != "*" else ""
        lines.append(f"[] {record}nhskg:statedAs nhskg:stated-{form} ; "
                     f'nhskg:confidence "{value:.2f}"^^xsd:decimal ; nhskg:basedOn {total} .')
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--min", type=int, default=5, help="facts a (field, form) pair needs for a figure of its own")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the file is out of date")
    args = parser.parse_args()
    figures = measured(args.min)
    statements = turtle_lines(figures)
    if args.check:
        written = [line for line in OUT.read_text(encoding="utf-8").splitlines() if line.startswith("[]")]
        if written != statements:
            stale = sorted(set(written) ^ set(statements))
            print(f"{OUT} is out of date with the dev split ({len(stale)} lines differ, e.g. {stale[0]}); "
                  "run python scripts/calibrate-confidence.py and commit it")
            sys.exit(1)
        print(f"{OUT} is current ({len(statements)} figures)")
        return
    lines = [
        "# How far extracted facts can be trusted, by record field and statement form: the",
        "# Laplace-smoothed precision, (right + 1) / (facts + 2), of such facts on the development split",
        f"# of the gold set, written by scripts/calibrate-confidence.py on {date.today().isoformat()}. Do not edit by",
        "# hand: re-run the script after changing the extractor or the vocabularies.",
        "",
        "@prefix nhskg: <https://w3id.org/nhskg/def#> .",
        "@prefix xsd:   <http://www.w3.org/2001/XMLSchema#> .",
        "",
    ]
    print(f"{'field':30} {'form':8} {'right':>5} {'facts':>5} confidence")
    for field, form, right, total in figures:
        print(f"{field:30} {form:8} {right:5d} {total:5d} {(right + 1) / (total + 2):.2f}")
    OUT.write_text("\n".join(lines + statements) + "\n", encoding="utf-8")
    load_calibration.cache_clear()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
