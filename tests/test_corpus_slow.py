"""The extractor over every record of the real 2020 NHS Jobs corpus: records it has never seen
must not crash it. Marked ``slow`` (run by ``.ci/run``, not by the default ``pytest``); skipped
when ``../shared/corpus`` is not beside the checkout, as in a user's fresh clone."""

from __future__ import annotations

import traceback
from collections import Counter
from pathlib import Path

import pytest

from nhskg.read.documents import Problem
from nhskg.extract import extract_posting
from nhskg.read.readers import read_documents
from nhskg.vocabulary.vocab import load_vocabulary

CORPUS = Path(__file__).resolve().parents[1].parent / "shared" / "corpus" / "nhs-jobs-2020.jsonl.gz"
RECORDS = 14_842

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CORPUS.is_file(), reason=f"the 2020 corpus is not at {CORPUS} (CI has it)"),
]


def test_extraction_over_the_whole_corpus_never_crashes(capsys: pytest.CaptureFixture[str]) -> None:
    vocab = load_vocabulary()
    roles: Counter[str] = Counter()
    leadership = 0
    reader_problems: list[Problem] = []
    crashes: list[str] = []
    seen = 0
    for item in read_documents([CORPUS]):
        seen += 1
        if isinstance(item, Problem):
            reader_problems.append(item)
            continue
        try:
            posting = extract_posting(item, vocab)
        except Exception:  # noqa: BLE001 - any exception from the extractor is a crash to report
            crashes.append(f"{item.source} {item.id}: {traceback.format_exc(limit=3)}")
            continue
        roles[posting.role_type] += 1
        leadership += posting.leadership
    with capsys.disabled():
        print(f"\n{seen} records: {sum(roles.values())} extracted, {leadership} leadership, "
              f"{len(reader_problems)} reader problem(s), {len(crashes)} crash(es)")
        for problem in reader_problems:
            print(f"  reader problem: {problem}")
        print("records per role type: " + ", ".join(f"{code} {n}" for code, n in roles.most_common()))
    assert seen == RECORDS
    assert not crashes, "\n".join(crashes[:5])
    # genuinely broken records are the readers' to report, and there are few of them
    assert len(reader_problems) < RECORDS // 100
    # the corpus is mostly non-leadership posts, yet a few hundred leadership posts are found
    assert roles["other"] > RECORDS // 2 and 50 < leadership < 2000
