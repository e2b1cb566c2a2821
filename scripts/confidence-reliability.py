"""How far a fact's confidence can be trusted: the precision of extracted facts by confidence,
on one split of the gold set.

Confidence is the precision such facts had on the development split (``scripts/calibrate-confidence.py``),
the split the rules were tuned on; this script measures it again where they were not, in
aggregate only (the test split is never looked at fact by fact). A fact is right when the gold
record has the same code in the same field. Usage:
``python scripts/confidence-reliability.py [--gold tests/data/gold] [--split test]``
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path

from nhskg.extract.evaluate import load_gold_set, scored_facts
from nhskg.pipeline.build import read_postings

#: lower bounds of the confidence bands reported, highest first
BANDS = (0.9, 0.8, 0.7, 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=Path("tests/data/gold"))
    parser.add_argument("--split", default="test", help="dev or test (default: test)")
    args = parser.parse_args()
    gold = load_gold_set(args.gold)
    postings = sum(1 for g in gold.postings.values() if g.split == args.split)
    if not postings:
        raise SystemExit(f"no gold postings in the {args.split!r} split of {args.gold}; give --split dev or test")
    bands: dict[float, list[float]] = collections.defaultdict(lambda: [0, 0, 0.0])  # right, facts, sum of confidence
    for _, fact, right in scored_facts(gold, args.split, read_postings(gold.sources(), full=True)):
        band = next(b for b in BANDS if fact.confidence >= b)
        bands[band][0] += right
        bands[band][1] += 1
        bands[band][2] += fact.confidence
    print(f"{args.split} split: {postings} postings")
    print(f"{'confidence':12} {'facts':>5} {'right':>5} {'precision':>9} {'mean confidence':>15}")
    for band in BANDS:
        right, facts, total = bands[band]
        if facts:
            print(f"{'>= ' + format(band, '.2f'):12} {facts:5.0f} {right:5.0f} {right / facts:9.2f} {total / facts:15.2f}")
    right, facts, total = (sum(v[i] for v in bands.values()) for i in range(3))
    if facts:
        print(f"{'all':12} {facts:5.0f} {right:5.0f} {right / facts:9.2f} {total / facts:15.2f}")


if __name__ == "__main__":
    main()
