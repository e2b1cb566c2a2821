"""Issue 19, item 5: mutated real records never crash ``nhskg extract`` or ``nhskg build``, and a
build accounts for every record: stored, merged with an identical one, or one line saying why not.

The default run mutates the 86 corpus records shipped in ``seeds/`` (300 mutants); ``-m slow``
mutates records of the whole 2020 corpus (2,400 mutants), with a fixed seed either way.
"""

from __future__ import annotations

import gzip
import json
import random
import re
from pathlib import Path

import pytest

from ._harness import CORPUS, Lines, build_cli, cli
from ._mutants import mutants

SEED_RECORDS = Path(__file__).resolve().parents[2] / "seeds" / "nhs-jobs-2020-leadership.jsonl"


def check_extract(feed: Path) -> None:
    result = cli("extract", feed)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1) and "Traceback" not in result.output
    for line in filter(None, result.stdout.split("\n")):  # not splitlines(): JSON may hold a raw U+2028
        json.loads(line)  # every record printed is whole JSON, whatever was in it


def check_build(feed: Path, store: Path, lines: int) -> None:
    result = build_cli(store, feed)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1) and "Traceback" not in result.output, result.output[-2000:]
    summary = re.search(r"(\d+) posting\(s\) read, (\d+) stored \(\d+ unchanged\), (\d+) skipped(?:, (\d+) duplicate records? merged)?", result.output)
    assert summary is not None, result.output[-2000:]
    stored, skipped, merged = int(summary.group(2)), int(summary.group(3)), int(summary.group(4) or 0)
    # every record is stored, merged into an identical one, or skipped with one line naming it
    assert stored + skipped + merged == lines, summary.group(0)
    problems = Lines(result.output).naming("  skipped ")
    assert len(problems) == skipped
    assert all(line.startswith(f"  skipped {feed} (record ") for line in problems), problems[:5]


def test_mutated_seed_records_never_crash_extract_or_build(tmp_path: Path) -> None:
    records = [json.loads(line) for line in SEED_RECORDS.read_text(encoding="utf-8").splitlines()]
    feed = tmp_path / "mutants.jsonl"
    feed.write_bytes(b"\n".join(mutants(records, 300, seed=19)) + b"\n")
    check_extract(feed)
    check_build(feed, tmp_path / "store", 300)


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_file(), reason=f"the 2020 corpus is not at {CORPUS}")
def test_mutated_corpus_records_never_crash_extract_or_build(tmp_path: Path) -> None:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as lines:
        chosen = random.Random(2020).sample(lines.readlines(), 1200)
    records = [json.loads(line) for line in chosen]
    feed = tmp_path / "mutants.jsonl"
    feed.write_bytes(b"\n".join(mutants(records, 2400, seed=19)) + b"\n")
    check_extract(feed)
    check_build(feed, tmp_path / "store", 2400)
