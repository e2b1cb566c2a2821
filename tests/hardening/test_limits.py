"""Issue 19, item 6: every reader is bounded in size, depth, decompressed bytes and time, and each
limit it meets is one line naming the file (``docs/limits.md`` lists them).

The table in ``test_bad_input.py`` builds the limits at their real values; these tests lower a
limit where reaching the real one would take the test too long.
"""

from __future__ import annotations

import gzip
import io
import json
import time
import zipfile
from pathlib import Path

import pytest

import nhskg.read.feeds
import nhskg.read.office
from nhskg.read.documents import Document, Problem
from nhskg.read.readers import read_documents

from ._harness import good_posting


def _record(record_id: str) -> bytes:
    return json.dumps({"@type": "JobPosting", "id": record_id, "title": "Chief Nurse",
                       "description": good_posting()}).encode() + b"\n"


def test_bug_a_feed_of_one_huge_line_was_called_an_empty_file(tmp_path: Path) -> None:
    """Before: a 1 MB .jsonl.gz holding one huge line took 2.1 GB, then "empty file"."""
    feed = tmp_path / "one-line.jsonl.gz"
    with gzip.open(feed, "wb", compresslevel=1) as handle:
        handle.write(b"[" + b" " * 40_000_000 + b"]")
    began = time.perf_counter()
    problems = list(read_documents([feed]))
    assert [(p.record, p.problem.split(",")[0]) for p in problems] == [("line 1", "a line of 40 MB")]
    assert time.perf_counter() - began < 5


def test_a_feed_of_one_line_past_every_limit_is_one_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The attack's case at a lowered feed limit: one line, longer than the whole feed may be."""
    monkeypatch.setattr(nhskg.read.feeds, "_MAX_LINE_BYTES", 1_000)
    monkeypatch.setattr(nhskg.read.feeds, "_MAX_FEED_BYTES", 100_000)
    feed = tmp_path / "one-line.jsonl.gz"
    feed.write_bytes(gzip.compress(b'{"title": "' + b"a" * 1_000_000 + b'"}\n'))
    [problem] = list(read_documents([feed]))
    assert problem.problem.startswith("line 1 is over the 0 MB a record can have, and reading stopped at line 1")


def test_a_feed_stops_at_its_decompressed_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nhskg.read.feeds, "_MAX_FEED_BYTES", 10_000)
    feed = tmp_path / "feed.jsonl.gz"
    feed.write_bytes(gzip.compress(b"".join(_record(f"r{n}") for n in range(100))))
    results = list(read_documents([feed]))
    documents = [r for r in results if isinstance(r, Document)]
    [problem] = [r for r in results if isinstance(r, Problem)]
    assert 0 < len(documents) < 100
    assert problem.problem.startswith(f"reading stopped at line {len(documents) + 1}, after 0 MB of JSON Lines (the limit for one feed)")


def test_a_docx_member_compressed_like_a_bomb_is_not_opened(tmp_path: Path) -> None:
    path = tmp_path / "ratio.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/media/image1.png", b"\0" * 20_000_000)
    [problem] = list(read_documents([path]))
    assert "a .docx whose part word/media/image1.png is compressed" in problem.problem and "zip bomb" in problem.problem


def test_a_docx_with_more_text_than_a_job_description_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import docx

    monkeypatch.setattr(nhskg.read.office, "MAX_TEXT_CHARS", 1_000)
    document = docx.Document()
    for n in range(100):
        document.add_paragraph(f"Paragraph {n}: the Chief Nurse leads the nursing workforce.")
    document.save(str(tmp_path / "long.docx"))
    [problem] = list(read_documents([tmp_path / "long.docx"]))
    assert "more than 1,000 characters of text" in problem.problem


def test_a_pdf_with_more_text_than_a_job_description_stops(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import fpdf

    monkeypatch.setattr(nhskg.read.office, "MAX_TEXT_CHARS", 1_000)
    pdf = fpdf.FPDF()
    pdf.set_font("Helvetica", size=11)
    for n in range(5):
        pdf.add_page()
        pdf.multi_cell(0, 6, "The Chief Nurse leads the nursing workforce. " * 20)
    pdf.output(str(tmp_path / "long.pdf"))
    [problem] = list(read_documents([tmp_path / "long.pdf"]))
    assert "more than 1,000 characters of text" in problem.problem


def test_a_document_that_takes_too_long_is_stopped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """pdfminer is pure Python: a timer stops it wherever it is (here, a stand-in that sleeps)."""
    import pdfplumber

    def slow(*args: object, **kwargs: object) -> None:
        time.sleep(30)

    monkeypatch.setattr(nhskg.read.office, "MAX_SECONDS", 0.5)
    monkeypatch.setattr(pdfplumber, "open", slow)
    (tmp_path / "slow.pdf").write_bytes(b"%PDF-1.4\n")
    (tmp_path / "zz-good.txt").write_text(good_posting(), encoding="utf-8")
    began = time.perf_counter()
    results = list(read_documents([tmp_path]))
    assert time.perf_counter() - began < 5
    assert [type(r).__name__ for r in results] == ["Problem", "Document"]
    assert "not read within 0.5 s, the limit for one document" in results[0].problem


def test_a_document_too_large_on_disk_is_not_opened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nhskg.read.office, "MAX_DOCUMENT_BYTES", 1_000)
    import docx

    document = docx.Document()
    document.add_paragraph("Chief Nurse")
    buffer = io.BytesIO()
    document.save(buffer)
    (tmp_path / "big.docx").write_bytes(buffer.getvalue())
    [problem] = list(read_documents([tmp_path / "big.docx"]))
    assert "too large to be a job description" in problem.problem


@pytest.mark.parametrize("depth, refused", [(500, False), (501, True), (900, True)])
def test_json_depth_is_refused_whatever_the_recursion_limit(tmp_path: Path, depth: int, refused: bool) -> None:
    """Before: a file nested 900 deep was refused, or read, depending on whether some library
    imported earlier (jedi sets 3,000) had raised the interpreter's recursion limit."""
    import sys

    nested = b"[" * (depth - 1) + b"{}" + b"]" * (depth - 1)
    original = sys.getrecursionlimit()
    try:
        for limit in (1000, 5000):
            sys.setrecursionlimit(limit)
            path = tmp_path / f"deep-{depth}-{limit}.json"
            path.write_bytes(nested)
            problems = [p for p in read_documents([path]) if isinstance(p, Problem)]
            assert any("JSON nested too deep" in p.problem for p in problems) == refused, (limit, problems)
    finally:
        sys.setrecursionlimit(original)
