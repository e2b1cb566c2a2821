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

from nhskg.extract import extract_posting
from nhskg.extract.evaluate import load_gold_set
from nhskg.read.readers import read_documents
from nhskg.vocabulary.vocab import load_vocabulary

FIELDS = ("accountable_to", "professionally_accountable_to", "works_with", "deputises_for", "designations", "bodies", "requirements")
#: lower bounds of the confidence bands reported, highest first
BANDS = (0.9, 0.8, 0.7, 0.0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gold", type=Path, default=Path("tests/data/gold"))
    parser.add_argument("--split", default="test", help="dev or test (default: test)")
    args = parser.parse_args()
    gold = load_gold_set(args.gold)
    expected = {pid: g.posting for pid, g in gold.postings.items() if g.split == args.split}
    if not expected:
        raise SystemExit(f"no gold postings in the {args.split!r} split of {args.gold}; give --split dev or test")
    vocab = load_vocabulary()
    bands: dict[float, list[float]] = collections.defaultdict(lambda: [0, 0, 0.0])  # right, facts, sum of confidence
    for document in read_documents(sorted(gold.sources())):
        wanted = expected.get(getattr(document, "id", ""))
        if wanted is None:
            continue
        posting = extract_posting(document, vocab, full=True)
        for field in FIELDS:
            codes = {item.code for item in getattr(wanted, field)}
            for fact in getattr(posting, field):
                band = next(b for b in BANDS if fact.confidence >= b)
                bands[band][0] += fact.code in codes
                bands[band][1] += 1
                bands[band][2] += fact.confidence
    print(f"{args.split} split: {len(expected)} postings")
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
