"""Every input class of issue 8 in one table, built through ``nhskg build`` beside good postings.

One lenient build reads a folder holding every case file, a good posting and good records, on
top of a store that already holds postings. For each case the table says what must happen:

* a *problem* case prints exactly ONE line naming the file (and the record) and the problem,
  appears in the report's skipped count, and makes ``--strict`` fail with the previous store
  left as it was;
* a *read* case (cp1252, UTF-16, mixed line endings, deep HTML, odd JSON types) is built, and
  its text shows it was decoded right.

Either way every other file and record of the same build is built, and nothing already in the
store is lost: the postings built before keep their statements, including one whose file has
since been replaced by a broken one.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import re
import shutil
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from nhskg.read.documents import Document
from nhskg.errors import shown
from nhskg.read.readers import read_documents

from ._harness import Lines, build_cli, cli, good_posting, posting_ids, posting_quads_in, quads


def _write(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _huge(path: Path) -> None:
    """100 MB of posting-like text, written in 1 MB blocks (about a tenth of a second)."""
    block = "".join(
        f"Paragraph {n}: the Chief Nurse reports to the Chief Executive for ward {n}.\n" for n in range(14_000)
    ).encode()
    with open(path, "wb") as handle:
        for _ in range(100_000_000 // len(block) + 1):
            handle.write(block)


def _long(path: Path) -> None:
    """Some 600,000 characters of distinct sentences: under the file limit, over the text limit."""
    lines = (f"Sentence {n} says the Chief Nurse leads ward {n} with the Medical Director." for n in range(8_000))
    path.write_text("Chief Nurse\n" + "\n".join(lines), encoding="utf-8")


def _deep_html(depth: int) -> Callable[[Path], None]:
    sentence = "<h1>Deep Chief Nurse</h1><p>The Deep Chief Nurse reports to the Chief Executive.</p>"
    page = "<html><body>" + "<div>" * depth + sentence + "</div>" * depth + "</body></html>"
    return lambda path: path.write_text(page, encoding="utf-8")


def _jsonl_gz_one_corrupt_line(path: Path) -> None:
    lines = [
        json.dumps({"@type": "JobPosting", "id": "feed-a", "title": "Chief Nurse", "description": good_posting()}),
        '{"@type": "JobPosting", "id": "feed-broken", "title": "Medical Dir',
        json.dumps({"@type": "JobPosting", "id": "feed-b", "title": "Medical Director",
                    "description": good_posting("Medical Director")}),
    ]
    path.write_bytes(gzip.compress("\n".join(lines).encode("utf-8")))


WRONG_TYPES_USABLE = {
    "@type": ["JobPosting"], "id": 12345, "title": 42, "description": {"text": "not a string"},
    "hiringOrganization": ["Trust A", {"name": "Trust B"}], "jobLocation": 7,
    "baseSalary": {"value": {"minValue": [1], "maxValue": True, "value": None}}, "datePosted": 20200101,
    "validThrough": ["2020-12-31T00:00:00Z"], "url": False, "identifier": {"value": None},
}
WRONG_TYPES_NOTHING_USABLE = {
    "@type": "JobPosting", "id": ["wrong-2"], "title": {"text": 1}, "description": 42,
    "hiringOrganization": 3.5, "jobLocation": [[]], "baseSalary": "x" * 0, "datePosted": {"y": 2020},
    "validThrough": False, "url": ["not", "a", "url"], "identifier": None,
}


def _record(record_id: str, title: str = "Chief Nurse", **fields: object) -> dict[str, object]:
    return {"@type": "JobPosting", "id": record_id, "title": title, "hiringOrganization": {"name": "Trust A NHS Trust"},
            "description": good_posting(title, "Trust A NHS Trust"), **fields}


def _json_with(record: dict[str, object], **raw: str) -> Callable[[Path], None]:
    """A JSON record with some fields written as raw JSON text (numbers no encoder would write)."""
    text = json.dumps(record)
    for key, value in raw.items():
        text = text.replace(f'"id": ', f'"{key}": {value}, "id": ', 1)
    return _write(text.encode())


def _jsonl(*lines: str) -> Callable[[Path], None]:
    return _write("\n".join(lines).encode() + b"\n")


def _docx_bomb(path: Path) -> None:
    """A real DOCX whose document.xml holds 31 MB of paragraphs (the attack's: 544 KB, 600 s, 1.2 GB)."""
    import docx

    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Chief Nurse")
    document.save(buffer)
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as bomb:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                head, tail = data.split(b"<w:body>")
                with bomb.open(item.filename, "w") as part:
                    part.write(head + b"<w:body>")
                    part.write(b"<w:p><w:r><w:t>Chief Nurse</w:t></w:r></w:p>" * 700_000)
                    part.write(tail)
            else:
                bomb.writestr(item.filename, data)


def _pdf_pages(count: int) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        import fpdf

        pdf = fpdf.FPDF()
        pdf.set_font("Helvetica", size=11)
        for n in range(count):
            pdf.add_page()
            pdf.cell(0, 6, f"Chief Nurse, page {n}")
        pdf.output(str(path))

    return make


def pdf_with_stream(stream: bytes) -> bytes:
    """A one-page PDF whose content is ``stream`` (FlateDecode), written by hand."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream"]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1) + b"".join(b"%010d 00000 n \n" % o for o in offsets)
    return out + b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)


def _jsonl_gz_one_huge_line(path: Path) -> None:
    """A gzipped feed of a few hundred KB holding one 30 MB line between two good ones."""
    with gzip.open(path, "wb", compresslevel=1) as feed:
        feed.write(json.dumps(_record("huge-line-a")).encode() + b"\n")
        feed.write(b'{"@type": "JobPosting", "title": "' + b"a" * 30_000_000 + b'"}\n')
        feed.write(json.dumps(_record("huge-line-b", "Medical Director")).encode() + b"\n")


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _link(target: str) -> Callable[[Path], None]:
    return lambda path: path.symlink_to(target)


def _page(body: str) -> Callable[[Path], None]:
    return _write(f"<html><body><h1>Chief Nurse</h1>{body}</body></html>".encode())


@dataclass(frozen=True)
class Case:
    """One input class: the file to write and what the build must say or build."""

    name: str
    file: str
    make: Callable[[Path], None]
    problem: str | None = None  # a fragment of the one line; None: the file is read
    record: str | None = None
    postings: tuple[str, ...] = ()  # posting ids the file itself must still give
    text: str | None = None  # for read cases: a fragment proving the text was decoded right
    kind: str = "skipped"  # or "warning": the posting is read with a value left out


CASES = [
    Case("empty file", "empty.txt", _write(b""), problem="empty file: there is no posting text"),
    Case("binary file", "photo.txt", _write(b"\x89PNG\r\n\x1a\n" + random.Random(8).randbytes(4096)),
         problem="looks binary, not text"),
    Case("NUL bytes in text", "nul.txt", _write(good_posting().encode() + b"\x00\x00 tail"),
         problem="looks binary, not text: it has NUL bytes"),
    Case("cp1252 text", "cp1252.txt",
         _write((good_posting("Chief Nurse") + "Salary £95,000 – £105,000 per annum\n").encode("cp1252")),
         postings=("cp1252",), text="Salary £95,000 – £105,000 per annum"),
    Case("UTF-16 with BOM", "utf16.txt", _write(good_posting("Chief Operating Officer").encode("utf-16")),
         postings=("utf16",), text="Chief Operating Officer\n"),
    Case("mixed line endings", "mixed.txt",
         _write(good_posting("Director of Nursing").replace("\n", "\r\n", 1).replace("Trust\n", "Trust\r").encode()),
         postings=("mixed",), text="Director of Nursing\nNorfolk and Norwich"),
    Case("100 MB text file", "huge.txt", _huge, problem="too large to be a posting: 10"),
    Case("posting text over the length limit", "long.txt", _long, problem="characters long"),
    Case("10,000-deep nested HTML", "deep.html", _deep_html(10_000), problem="HTML nested 10,003 elements deep, over the 5,000"),
    Case("3,000-deep nested HTML", "deep-3000.html", _deep_html(3_000), postings=("deep-3000",),
         text="The Deep Chief Nurse reports to the Chief Executive."),
    Case("HTML description nested 10,000 deep in JSON Lines", "deep-description.jsonl",
         _write(json.dumps({"@type": "JobPosting", "id": "deep-1", "title": "Chief Nurse",
                            "description": "<div>" * 10_000 + "Lead" + "</div>" * 10_000}).encode()),
         problem="the description is HTML nested 10,000 elements deep", record="deep-1"),
    Case("truncated JSON", "truncated.json", _write(b'{"@type": "JobPosting", "title": "Chief Nu'),
         problem="invalid or truncated JSON at line 1, column 34: Unterminated string"),
    Case("JSON that is not JSON-LD", "not-jsonld.json", _write(b'{"name": "Rota", "shifts": [1, 2, 3]}'),
         problem="not a schema.org JobPosting (type 'none')", record="#1"),
    Case("JobPosting with every field of the wrong type (usable values)", "wrong-types.json",
         _write(json.dumps(WRONG_TYPES_USABLE).encode()), postings=("12345",), text="42"),
    Case("JobPosting with every field of the wrong type (nothing usable)", "wrong-types-2.json",
         _write(json.dumps(WRONG_TYPES_NOTHING_USABLE).encode()),
         problem="the JobPosting has neither a title nor a description", record="wrong-2"),
    Case(".jsonl.gz with one corrupt line", "feed.jsonl.gz", _jsonl_gz_one_corrupt_line,
         problem="invalid JSON at column 67: Invalid control character", record="line 2", postings=("feed-a", "feed-b")),
    # issue 19, item 5: one bad value is one problem, never an aborted build
    Case("JSON nested 1,000 deep", "deep.json", _write(b"[" * 1000 + b"]" * 1000),
         problem="JSON nested too deep to read (over 500 levels"),
    Case("one .jsonl line nested 1,000 deep", "deep-line.jsonl",
         _jsonl(json.dumps(_record("deep-line-a")), '{"@type": "JobPosting", "x": ' + "[" * 1000 + "]" * 1000 + "}",
                json.dumps(_record("deep-line-b", "Medical Director"))),
         problem="JSON nested too deep to read", record="line 2", postings=("deep-line-a", "deep-line-b")),
    Case("400-digit salary", "salary-400.json", _json_with(_record("salary-400"), baseSalary="9" * 400),
         problem="baseSalary is not a usable amount (out of range); the posting is read without it",
         record="salary-400", postings=("salary-400",), kind="warning"),
    Case("5,000-digit salary", "salary-5000.json", _json_with(_record("salary-5000"), baseSalary="9" * 5000),
         problem="a number of 5,000 digits, which no posting has"),
    Case("invalid calendar date", "feb-31.json", _write(json.dumps(_record("feb-31", validThrough="2025-02-31")).encode()),
         problem="validThrough '2025-02-31' is not a calendar date; the posting is read without it",
         record="feb-31", postings=("feb-31",), kind="warning"),
    Case("lone surrogate escaped in JSON", "surrogate.json",
         _write(json.dumps(_record("surrogate", "Chief Nurse \ud800")).encode()),
         postings=("surrogate",), text="Chief Nurse \ufffd"),
    # item 6: every reader bounded in size, depth, decompressed bytes and time
    Case("DOCX zip bomb", "bomb.docx", _docx_bomb,
         problem="a .docx whose part word/document.xml unpacks to 31 MB, over the 25 MB limit; it is not opened"),
    Case("PDF of 201 pages", "pages.pdf", _pdf_pages(201), problem="a PDF of 201 pages, over the 200"),
    Case("PDF whose stream inflates to 120 MB", "stream-bomb.pdf",
         _write(pdf_with_stream(zlib.compress(b" " * 120_000_000, 1))), problem="its streams inflate to more than 100 MB"),
    Case(".jsonl.gz holding one 30 MB line", "huge-line.jsonl.gz", _jsonl_gz_one_huge_line,
         problem="a line of 30 MB, over the 10 MB a record can have; it is skipped, the other lines are still read",
         record="line 2", postings=("huge-line-a", "huge-line-b")),
    # (the attack's 100,000 of these trip the element limit first; 50,000 show the depth scan sees them)
    Case("50,000 <div/>", "div-slash.html", _page("<div/>" * 50_000), problem="HTML nested 50,00"),
    Case('50,000 <div a="<">', "div-lt.html", _page('<div a="<">' * 50_000), problem="HTML nested 50,00"),
    Case("150,000 flat elements", "flat.html", _page("<span>Chief Nurse</span>" * 150_000),
         problem="HTML of 150,00"),
    Case("escaped description nested 10,000 deep", "escaped-deep.jsonl",
         _jsonl(json.dumps(_record("escaped-deep", description="&lt;div&gt;" * 10_000 + "Lead"))),
         problem="the description is HTML nested 10,000 elements deep", record="escaped-deep"),
    Case("SVG of 8,000 self-closed paths", "svg.html", _page("<svg>" + "<path d='M0 0'/>" * 8_000 + "</svg>"),
         postings=("svg",), text="Chief Nurse"),
    # item 7: nothing skipped in silence, encodings detected, garbage refused
    Case("UTF-16 without a BOM", "utf16-nobom.txt", _write(good_posting("Chief Operating Officer").encode("utf-16-le")),
         postings=("utf16-nobom",), text="Chief Operating Officer\n"),
    Case("high-bit garbage without NUL bytes", "garbage.txt",
         _write(bytes(128 + b % 128 for b in random.Random(7).randbytes(4096))),
         problem="not text in any encoding a posting comes in"),
    Case("UTF-8 and cp1252 mixed in one file", "mixed-encodings.txt",
         _write(good_posting().encode() + "Salary £95,000 – ".encode() + "£105,000 per annum\n".encode("cp1252")),
         postings=("mixed-encodings",), text="Salary £95,000 – £105,000 per annum"),
    Case("JobPosting in a nested @graph", "nested-graph.json",
         _write(json.dumps({"@context": "https://schema.org", "@graph": [{"@type": "WebPage"},
                            {"@graph": [_record("nested-graph-1")]}]}).encode()),
         postings=("nested-graph-1",), text="Chief Nurse"),
    Case("nested @graph without a JobPosting", "nested-graph-none.json",
         _write(json.dumps({"@graph": [{"@graph": [{"@type": "WebPage"}]}]}).encode()),
         problem="not a schema.org JobPosting (type 'WebPage')", record="#1"),
    Case("FIFO", "pipe.txt", _fifo, problem="a FIFO (named pipe), not a regular file; it is not read"),
    Case("dangling symbolic link", "gone.txt", _link("nowhere.txt"),
         problem="a broken symbolic link: its target nowhere.txt does not exist"),
    Case("symbolic link loop", "loop.txt", _link("loop.txt"), problem="a loop of symbolic links"),
    Case("file name with a newline", "two\nlines.txt", _write(b""), problem="empty file"),
]
PROBLEMS = [c for c in CASES if c.problem is not None]
SKIPPED = [c for c in PROBLEMS if c.kind == "skipped"]
WARNINGS = [c for c in PROBLEMS if c.kind == "warning"]
#: Built before the bad build; "nul" is a good posting whose file is later replaced by a broken one.
PRIOR = {"prior.txt": good_posting("Chief Finance Officer"), "nul.txt": good_posting("Chief People Officer")}


@dataclass(frozen=True)
class Built:
    folder: Path
    prior_store: Path  # the store before the bad build, kept as it was
    store: Path  # the store after the lenient bad build
    lines: Lines
    exit_code: int


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("bad-input")
    prior_in, folder = root / "prior-in", root / "in"
    prior_in.mkdir()
    folder.mkdir()
    for name, text in PRIOR.items():
        (prior_in / name).write_text(text, encoding="utf-8")
    prior_store = root / "prior-store"
    assert build_cli(prior_store, prior_in).exit_code == 0
    for case in CASES:
        case.make(folder / case.file)
    (folder / "zz-good.txt").write_text(good_posting("Chief Medical Officer"), encoding="utf-8")
    store = root / "store"
    shutil.copytree(prior_store, store)
    result = build_cli(store, folder)
    return Built(folder, prior_store, store, Lines(result.output), result.exit_code)


def test_the_build_goes_on_reports_every_skip_and_exits_1(built: Built) -> None:
    assert built.exit_code == 1, built.lines.text
    summary = re.search(r"(\d+) posting\(s\) read, (\d+) stored \(\d+ unchanged\), (\d+) skipped, (\d+) with a value left out;", built.lines.text)
    assert summary is not None, built.lines.text
    assert int(summary.group(3)) == len(SKIPPED) and int(summary.group(4)) == len(WARNINGS), built.lines.text
    assert len(built.lines.naming("  skipped ")) == len(SKIPPED), built.lines.text
    assert len(built.lines.naming("  warning ")) == len(WARNINGS), built.lines.text
    assert "Traceback" not in built.lines.text


def test_every_other_file_and_record_is_built_and_nothing_is_lost(built: Built) -> None:
    expected = {"prior", "nul", "zz-good"} | {p for case in CASES for p in case.postings}
    assert set(posting_ids(built.store)) == expected
    # what was there before is still there, statement for statement, even the posting whose
    # file ("nul.txt") is now broken
    for posting in ("prior", "nul"):
        before = posting_quads_in(built.prior_store, posting)
        assert before and posting_quads_in(built.store, posting) == before


@pytest.mark.parametrize("case", PROBLEMS, ids=[c.name for c in PROBLEMS])
def test_one_clear_line_names_the_file_record_and_problem(built: Built, case: Case) -> None:
    path = shown(str(built.folder / case.file))  # a control character in a name is escaped
    lines = built.lines.naming(path)
    assert len(lines) == 1, built.lines.text
    where = f"{path} (record {case.record})" if case.record else f"{path}:"
    assert lines[0].startswith(f"  {case.kind} {where}"), lines[0]
    assert case.problem in lines[0], lines[0]


@pytest.mark.parametrize("case", PROBLEMS, ids=[c.name for c in PROBLEMS])
def test_strict_fails_and_keeps_the_previous_store(built: Built, case: Case, tmp_path: Path) -> None:
    store = tmp_path / "store"
    shutil.copytree(built.prior_store, store)
    path = built.folder / case.file  # given itself, a link to nowhere and a FIFO too
    result = build_cli(store, built.folder / "zz-good.txt", path, strict=True)
    assert result.exit_code == 1, result.output
    errors = Lines(result.output).naming("error: ")
    assert len(errors) == 1 and shown(str(path)) in errors[0] and case.problem in errors[0], result.output
    assert "--strict: the store was left unchanged" in errors[0]
    assert quads(store) == quads(built.prior_store)


READ = [c for c in CASES if c.problem is None]


@pytest.mark.parametrize("case", READ, ids=[c.name for c in READ])
def test_readable_inputs_are_read_right_and_pass_strict(built: Built, case: Case, tmp_path: Path) -> None:
    assert not built.lines.naming(str(built.folder / case.file))
    documents = [d for d in read_documents([built.folder / case.file]) if isinstance(d, Document)]
    assert [d.id for d in documents] == list(case.postings)
    assert case.text is not None and case.text in documents[0].text and "\r" not in documents[0].text
    result = build_cli(tmp_path / "store", built.folder / case.file, strict=True)
    assert result.exit_code == 0, result.output


# --- one test per bug this table found ------------------------------------------------------


def test_bug_a_huge_text_file_was_read_and_extracted_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: a 100 MB file was read, cleaned and extracted (5 MB took 28 s and 174 MB of N-Quads)."""
    path = tmp_path / "huge.txt"
    with open(path, "wb") as handle:
        handle.truncate(60_000_000)  # sparse: refused on its size, never read
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    [problem] = list(read_documents([path]))
    assert "too large to be a posting: 60 MB, over the 50 MB limit" in str(problem)


def test_bug_a_gzip_bomb_was_decompressed_whole(tmp_path: Path) -> None:
    path = tmp_path / "bomb.json.gz"
    path.write_bytes(gzip.compress(b" " * 60_000_000, compresslevel=1))
    [problem] = list(read_documents([path]))
    assert "too large to be a posting: 50 MB uncompressed, over the 50 MB limit" in str(problem)


def test_bug_deeply_nested_html_took_quadratic_time(tmp_path: Path) -> None:
    """Before: 100,000 nested divs (1 MB) took about a minute to parse, twice."""
    path = tmp_path / "deep.html"
    path.write_text("<div>" * 100_000 + "Chief Nurse" + "</div>" * 100_000, encoding="utf-8")
    began = time.perf_counter()
    [problem] = list(read_documents([path]))
    assert "HTML nested 100,000 elements deep" in str(problem)
    assert time.perf_counter() - began < 5


def test_bug_a_lone_surrogate_crashed_the_output_of_extract(tmp_path: Path) -> None:
    """Before: UnicodeEncodeError from ``nhskg extract`` on a JSON "\\ud800" escape or a file name
    that is not UTF-8; now the JSON record is repaired (U+FFFD) and the name escaped."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "surrogate.json").write_text(json.dumps(_record("surrogate", "Chief Nurse \ud800")), encoding="utf-8")
    (folder / os.fsdecode(b"caf\xe9.txt")).write_text(good_posting("Medical Director"), encoding="utf-8")
    result = cli("extract", folder)
    assert result.exit_code == 0 and result.exception is None, result.output
    records = {r["id"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert records["surrogate"]["title"] == "Chief Nurse \ufffd"
    assert records["caf\\xe9"]["source"] == f"{folder}/caf\\xe9.txt"
    assert build_cli(tmp_path / "store", folder).exit_code == 0
    assert posting_ids(tmp_path / "store") == ["caf\\xe9", "surrogate"]
