"""Print a posting's fields and plain text for a gold annotator, with no extraction at all.

The annotator must read the posting as a person would, before (and without) seeing what the
extractor makes of it; this shows the JSON-LD fields and the description unescaped once and
stripped of tags, paragraph breaks kept. Usage:
``python scripts/show-posting.py ID [ID ...]`` (records from the gold set's corpus files and
seeds/nhs-jobs-2020-leadership.jsonl) or ``python scripts/show-posting.py --corpus FILE ID [ID ...]``
(records from a corpus file such as ../shared/corpus/nhs-jobs-2020.jsonl.gz).
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import re
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser as HTMLParser

REPO = Path(__file__).resolve().parents[1]
SOURCES = [REPO / "tests/data/gold/corpus-2020.jsonl", REPO / "tests/data/gold/corpus-2020-more.jsonl",
           REPO / "tests/data/gold/corpus-2020-calibration.jsonl", REPO / "tests/data/gold/corpus-2020-later.jsonl",
           REPO / "tests/data/gold/corpus-2020-senior.jsonl", REPO / "tests/data/gold/corpus-2020-front-line.jsonl",
           REPO / "seeds/nhs-jobs-2020-leadership.jsonl"]
BLOCK = re.compile(r"</?(?:p|div|br|li|ul|ol|h[1-6]|tr|table)\b[^>]*>", re.I)


def text_of(description: str) -> str:
    markup = BLOCK.sub("\n", html.unescape(description))
    text = HTMLParser(f"<body>{markup}</body>").body.text(separator=" ")
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def records(paths: list[Path]):
    for path in paths:
        opener = gzip.open if path.suffix == ".gz" else open
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                if line.strip():
                    yield json.loads(line)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("ids", nargs="+")
    parser.add_argument("--corpus", type=Path, metavar="FILE", help="read this corpus file (.jsonl or .jsonl.gz) instead")
    args = parser.parse_args()
    wanted = set(args.ids)
    for record in records([args.corpus] if args.corpus else SOURCES):
        if str(record.get("id")) not in wanted:
            continue
        wanted.discard(str(record["id"]))
        salary = record.get("baseSalary") or {}
        print("=" * 100)
        print("id:", record["id"])
        print("title:", html.unescape(record.get("title") or ""))
        print("employer:", html.unescape((record.get("hiringOrganization") or {}).get("name") or ""))
        print("baseSalary:", json.dumps(salary.get("value", salary)))
        print("datePosted:", record.get("datePosted"), " validThrough:", record.get("validThrough"))
        print("-" * 100)
        print(text_of(record.get("description") or ""))
    for missing in sorted(wanted):
        print(f"(no record {missing})")


if __name__ == "__main__":
    main()
