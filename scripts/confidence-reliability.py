"""How far a fact's confidence can be trusted: the precision of extracted facts by confidence,
on one split of the gold set, and the same for the duty areas the duty model reads.

Confidence is the precision such facts had on the development split (``scripts/calibrate-confidence.py``),
the split the rules were tuned on; this script measures it again where they were not, in
aggregate only (the test split is never looked at fact by fact). A fact is right when the gold
record has the same code in the same field. A duty area's confidence is the duty model's chance
(trained on the dev split, so dev's table overstates it); it is right when a gold statement the
duty matches has the area, over the postings whose duties were annotated. Usage:
``python scripts/confidence-reliability.py [--gold tests/data/gold] [--split test]``
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path

from nhskg.extract.evaluate import load_gold_set, scored_duty_areas, scored_facts
from nhskg.pipeline.build import read_postings

#: lower bounds of the confidence bands reported, highest first
BANDS = (0.9, 0.8, 0.7, 0.0)
#: the same for duty areas, whose chances spread from near 0 to 1
AREA_BANDS = (0.9, 0.7, 0.5, 0.3, 0.1, 0.0)


def table(title: str, bands: tuple[float, ...], scored: list[tuple[float, bool]]) -> None:
    """Print precision by confidence band for (confidence, right) pairs."""
    tally: dict[float, list[float]] = collections.defaultdict(lambda: [0, 0, 0.0])  # right, facts, sum of confidence
    for confidence, right in scored:
        band = next(b for b in bands if confidence >= b)
        tally[band][0] += right
        tally[band][1] += 1
        tally[band][2] += confidence
    print(title)
    print(f"{'confidence':12} {'facts':>5} {'right':>5} {'precision':>9} {'mean confidence':>15}")
    for band in bands:
        right, facts, total = tally[band]
        if facts:
            print(f"{'>= ' + format(band, '.2f'):12} {facts:5.0f} {right:5.0f} {right / facts:9.2f} {total / facts:15.2f}")
    right, facts, total = (sum(v[i] for v in tally.values()) for i in range(3))
    if facts:
        print(f"{'all':12} {facts:5.0f} {right:5.0f} {right / facts:9.2f} {total / facts:15.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=Path("tests/data/gold"))
    parser.add_argument("--split", default="test", help="dev or test (default: test)")
    args = parser.parse_args()
    gold = load_gold_set(args.gold)
    postings = sum(1 for g in gold.postings.values() if g.split == args.split)
    if not postings:
        raise SystemExit(f"no gold postings in the {args.split!r} split of {args.gold}; give --split dev or test")
    predicted = list(read_postings(gold.sources(), full=True))
    print(f"{args.split} split: {postings} postings")
    table("facts (ontology/confidence.ttl)", BANDS, [(fact.confidence, right) for _, fact, right in scored_facts(gold, args.split, predicted)])
    print()
    table("duty areas (the duty model's chance)", AREA_BANDS, list(scored_duty_areas(gold, args.split, predicted)))


if __name__ == "__main__":
    main()
