"""How often each duty-area label is right on the development split's annotated duty statements.

For tuning ``ontology/vocab/duty-area.ttl`` on the dev split only: every duty-area label the
extractor finds in a sentence the annotator also listed counts as right when the annotator gave
that sentence the label's area. Prints the labels worst first. Usage:
``python scripts/duty-label-stats.py [--min 3]``
"""

from __future__ import annotations

import argparse
import collections
from pathlib import Path

from nhskg.extract.evaluate import _same_statement, _words, load_gold_set
from nhskg.extract import extract_posting
from nhskg.vocabulary.matching import build_matcher, fold
from nhskg.read.readers import read_documents
from nhskg.vocabulary.vocab import load_vocabulary


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--min", type=int, default=3)
    parser.add_argument("--split", default="dev")
    args = parser.parse_args()
    gold = load_gold_set(Path("tests/data/gold"))
    wanted = {i: g for i, g in gold.postings.items() if g.split == args.split and g.duties_annotated}
    vocab = load_vocabulary()
    matcher = build_matcher(vocab)
    stats: dict[tuple[str, str], list[int]] = collections.defaultdict(lambda: [0, 0])
    missed: collections.Counter[str] = collections.Counter()
    for document in read_documents(sorted(gold.sources())):
        if getattr(document, "id", None) not in wanted:
            continue
        expected = wanted[document.id].posting.duties
        posting = extract_posting(document, vocab, full=True)
        for duty in posting.duties:
            words = _words(duty.text)
            matches = [g for g in expected if _same_statement(_words(g.text), words)]
            if not matches:
                continue
            want = {a for g in matches for a in g.areas}
            for mention in matcher.find(duty.text, ("duty-area",)):
                stats[(mention.code, fold(mention.written))][0 if mention.code in want else 1] += 1
            missed.update(want - set(duty.areas))
    rows = sorted(stats.items(), key=lambda kv: (kv[1][0] / sum(kv[1]), -sum(kv[1])))
    print(f"{'area':28} {'label':40} right wrong")
    for (code, label), (right, wrong) in rows:
        if right + wrong >= args.min:
            print(f"{code:28} {label[:40]:40} {right:5d} {wrong:5d}")
    print("areas most often missed:", ", ".join(f"{a} {n}" for a, n in missed.most_common(12)))


if __name__ == "__main__":
    main()
