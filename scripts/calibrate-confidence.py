"""Measure how often facts of each kind and statement form are right, and write the figures to
``ontology/confidence.ttl`` as the confidence every such fact carries.

Measured on the development split only (the test split stays unseen): every fact the extractor
reads from a dev posting is right when the gold record has the same code in the same field. The
figure is the Laplace-smoothed precision, (right + 1) / (facts + 2), so that a form seen a few
times is not taken as certain; a (field, form) pair seen fewer than ``--min`` times falls back to
the form's figure over every field. Usage: ``python scripts/calibrate-confidence.py``
"""

from __future__ import annotations

import argparse
import collections
from datetime import date
from pathlib import Path

from nhskg.extract.confidence import load_calibration
from nhskg.extract.evaluate import load_gold_set, scored_facts
from nhskg.pipeline.build import read_postings
OUT = Path(__file__).resolve().parents[1] / "ontology" / "confidence.ttl"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--min", type=int, default=5, help="facts a (field, form) pair needs for a figure of its own")
    args = parser.parse_args()
    gold = load_gold_set(Path("tests/data/gold"))
    counts: dict[tuple[str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    for field, fact, right in scored_facts(gold, "dev", read_postings(gold.sources(), full=True)):
        for key in ((field, fact.stated), ("*", fact.stated)):
            counts[key][0] += right
            counts[key][1] += 1
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
    for (field, form), (right, total) in sorted(counts.items()):
        if field != "*" and total < args.min:
            continue
        value = (right + 1) / (total + 2)
        print(f"{field:30} {form:8} {right:5d} {total:5d} {value:.2f}")
        record = f'nhskg:recordField "{field}" ; ' if field != "*" else ""
        lines.append(
            f"[] {record}nhskg:statedAs nhskg:stated-{form} ; "
            f'nhskg:confidence "{value:.2f}"^^xsd:decimal ; nhskg:basedOn {total} .'
        )
    OUT.write_text("\n".join(lines) + "\n", encoding="utf-8")
    load_calibration.cache_clear()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
