"""Choose more development postings from outside the leadership candidates, reproducibly, without
looking at any extraction.

The title candidates (``gold-sample.py``) are all annotated, so further development postings come
from the posts just below them, whose adverts state the same kinds of facts (lines, joint working,
bodies, requirements, duties): titles naming a lead, manager, matron, consultant or deputy, and
none of the candidate words. They are ordered by the same keyed hash of the id and the first
``COUNT`` are written byte for byte to ``tests/data/gold/corpus-2020-more.jsonl``; none of them can
be in the frozen test split, which holds title candidates only. They are development postings.
The next ``CALIBRATION`` in the same order go to ``tests/data/gold/corpus-2020-calibration.jsonl``:
the calibration split, annotated blind and never tuned on, on which the facts' confidences are
measured (``scripts/calibrate-confidence.py``); a file of their own, so that the duty model, which
records the bytes of its dev postings' sources, is not made stale by them. The next ``LATER`` go to
``tests/data/gold/corpus-2020-later.jsonl``: development postings again, annotated after the others. Their leadership flag is false by
the candidate rule (the title names no chief, director, head, chair, non-executive or guardian).
Usage: ``python scripts/gold-sample-more.py ../shared/corpus/nhs-jobs-2020.jsonl.gz``
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import sys
from pathlib import Path

GOLD = Path(__file__).resolve().parents[1] / "tests" / "data" / "gold"
KEY = "nhskg gold 2026-12-04"
CANDIDATE = re.compile(r"\b(?:chief|director|head|chair(?:man|woman|person)?|non[- ]?exec\w*|guardian)\b", re.I)
BELOW = re.compile(r"\b(?:lead|manager|matron|consultant|deputy)\b", re.I)
COUNT = 175
#: the postings after the first ``COUNT`` in the same order that form the calibration split
CALIBRATION = 60
#: the postings after the calibration split in the same order: a later development batch, annotated
#: blind and scored unseen before any rule was tuned on it
LATER = 400


def _order(record_id: str) -> str:
    return hashlib.sha256(f"{KEY}:{record_id}".encode()).hexdigest()


def main(corpus: Path) -> None:
    chosen: list[tuple[str, bytes]] = []
    with gzip.open(corpus, "rb") as handle:
        for line in handle:
            record = json.loads(line)
            title = html.unescape(record.get("title") or "")
            if BELOW.search(title) and not CANDIDATE.search(title) and len(record.get("description") or "") > 1500:
                chosen.append((str(record["id"]), line if line.endswith(b"\n") else line + b"\n"))
    chosen.sort(key=lambda c: _order(c[0]))
    for name, part in (("corpus-2020-more.jsonl", chosen[:COUNT]),
                       ("corpus-2020-calibration.jsonl", chosen[COUNT:COUNT + CALIBRATION]),
                       ("corpus-2020-later.jsonl", chosen[COUNT + CALIBRATION:COUNT + CALIBRATION + LATER])):
        with (GOLD / name).open("wb") as out:
            for _, line in part:
                out.write(line)
        print(name, " ".join(record_id for record_id, _ in part))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
