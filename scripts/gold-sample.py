"""Choose the corpus postings for the gold set, reproducibly, without looking at any extraction.

Candidates are the 2020 corpus records whose title names a chief, director, head, chair,
non-executive or guardian. They are ordered by a keyed hash of their id (so the order is fixed
and owes nothing to the extractor), then taken in two strata: titles with a chief, director,
chair, non-executive or guardian word (mostly leadership posts), and the rest (mostly heads of
service, which test the leadership flag). The first of each stratum go to the frozen test split,
the next to the development split; postings already in the gold set stay where they are. The
test split never takes a posting shipped in ``seeds/`` (earlier work may have been tuned on
those); they can fall to the development split.

Writes ``tests/data/gold/selection.json`` (ids per split, with the rule) and
``tests/data/gold/corpus-2020.jsonl`` (every candidate record, byte for byte as in the corpus,
in corpus order, so that the leadership flag can be scored on all of them) plus ``tests/data/gold/leadership-candidates.csv`` (every candidate, for the
leadership flag). Usage: ``python scripts/gold-sample.py ../shared/corpus/nhs-jobs-2020.jsonl.gz``
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import html
import json
import re
import sys
from pathlib import Path

GOLD = Path(__file__).resolve().parents[1] / "tests" / "data" / "gold"
KEY = "nhskg gold 2026-12-04"
#: The title candidates' words, kept here as a literal so that the frozen samples never move with the
#: vocabulary; the extractor's context concept leadership-level-title says the same, and
#: tests/test_duty_model.py holds the two together.
CANDIDATE = re.compile(r"\b(?:chief|director|head|chair(?:man|woman|person)?|non[- ]?exec\w*|guardian)\b", re.I)
STRONG = re.compile(r"\b(?:chief|director|chair(?:man|woman|person)?|non[- ]?exec\w*|guardian)\b", re.I)
TEST = {"strong": 38, "other": 12}
DEV = {"strong": 48, "other": 15}


def _order(record_id: str) -> str:
    return hashlib.sha256(f"{KEY}:{record_id}".encode()).hexdigest()


def main(corpus: Path) -> None:
    # The corpus postings annotated before this selection: those that name seeds/ as their source.
    already = {
        p.stem for p in (GOLD / "dev").glob("*.json") if json.loads(p.read_text(encoding="utf-8")).get("source", "").startswith("seeds/")
    }
    with (GOLD.parents[2] / "seeds" / "nhs-jobs-2020-leadership.jsonl").open(encoding="utf-8") as seeds:
        seen = {str(json.loads(line)["id"]) for line in seeds if line.strip()}
    lines: dict[str, bytes] = {}
    candidates: list[tuple[str, str, str]] = []
    with gzip.open(corpus, "rb") as handle:
        for line in handle:
            record = json.loads(line)
            title = html.unescape(record.get("title") or "")
            if CANDIDATE.search(title):
                record_id = str(record["id"])
                employer = html.unescape((record.get("hiringOrganization") or {}).get("name") or "")
                candidates.append((record_id, title, employer))
                lines[record_id] = line if line.endswith(b"\n") else line + b"\n"
    fresh = sorted((c for c in candidates if c[0] not in already), key=lambda c: _order(c[0]))
    strata = {
        "strong": [c[0] for c in fresh if STRONG.search(c[1])],
        "other": [c[0] for c in fresh if not STRONG.search(c[1])],
    }
    test = [i for s, n in TEST.items() for i in [c for c in strata[s] if c not in seen][:n]]
    dev = [i for s, n in DEV.items() for i in [c for c in strata[s] if c not in test][:n]]
    # The leadership flag has its own test split: the test postings and half of the candidates
    # annotated for nothing else (never one shipped in seeds/), in hash order.
    spare = [c[0] for c in fresh if c[0] not in test and c[0] not in dev and c[0] not in seen]
    leadership_test = test + spare[: len(spare) // 2]
    selection = {
        "rule": __doc__.strip().splitlines()[0],
        "key": KEY,
        "candidates": len(candidates),
        "test": test,
        "dev": dev,
        "leadership_test": leadership_test,
    }
    (GOLD / "selection.json").write_text(json.dumps(selection, indent=1) + "\n", encoding="utf-8")
    with (GOLD / "corpus-2020.jsonl").open("wb") as out:
        for record_id, *_ in candidates:
            out.write(lines[record_id])
    with (GOLD / "leadership-candidates.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "title", "employer"])
        writer.writerows(sorted(candidates))
    print(f"{len(candidates)} candidates; test {len(test)}, dev {len(dev)} new postings")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
