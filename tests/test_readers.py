"""Readers: every format gives documents; every bad file or record gives exactly one Problem."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nhskg.read.documents import Document, Problem, Structured
from nhskg.read.files import ENDINGS
from nhskg.read.markup import description_text, html_to_text
from nhskg.read.readers import READERS, read_documents
from nhskg.read.records import _record_document

INPUTS = Path(__file__).parent / "data" / "inputs"

# Fixture ids (see tests/data/inputs/README.md).
CMO_JSON = "cmo-2020-1"
COO_JSONLD_HTML = "coo-london-7"
RMD_HTML = "regional-medical-director"
NURSING_JSONL = "916000001"
CFO_JSONL = "916000002"
COO_JSONL = "board-postings-3"
SEED_000 = "seed-000-country-banner"
SEED_002 = "seed-002-alert-banners"
SEED_003 = "seed-003-repeated-blocks"
SEED_004 = "seed-004-tracking-code"


def read(*paths: str | Path) -> list[Document | Problem]:
    return list(read_documents(paths))


def documents(results: list[Document | Problem]) -> dict[str, Document]:
    return {r.id: r for r in results if isinstance(r, Document)}


def problems(results: list[Document | Problem]) -> list[Problem]:
    return [r for r in results if isinstance(r, Problem)]


def one_document(path: Path) -> Document:
    results = read(path)
    assert len(results) == 1 and isinstance(results[0], Document), results
    return results[0]


def one_problem_beside_a_good_file(bad: Path, tmp_path: Path) -> Problem:
    """Read ``bad`` with a good file after it: one Problem naming ``bad``, the good one read."""
    good = tmp_path / "zz-good.txt"
    good.write_text("Chief Nurse\nAccountable to the Chief Executive.\n", encoding="utf-8")
    results = read(bad, good)
    found = problems(results)
    assert len(found) == 1, results
    assert found[0].source == str(bad)
    assert list(documents(results)) == ["zz-good"]
    return found[0]


# --- directories and ids ---------------------------------------------------------------------


def test_directory_is_read_recursively_in_name_order() -> None:
    results = read(INPUTS)
    assert problems(results) == []
    assert [d.id for d in results if isinstance(d, Document)] == [
        NURSING_JSONL,
        CFO_JSONL,
        COO_JSONL,
        CMO_JSON,
        COO_JSONLD_HTML,
        RMD_HTML,
        SEED_000,
        SEED_002,
        SEED_003,
        SEED_004,
    ]
    assert all(isinstance(d.id, str) for d in results if isinstance(d, Document))


def test_directory_skips_hidden_entries_and_other_extensions(tmp_path: Path) -> None:
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "a.txt").write_text("Hidden posting", encoding="utf-8")
    (tmp_path / ".b.txt").write_text("Hidden file", encoding="utf-8")
    (tmp_path / "notes.md").write_text("# not a posting", encoding="utf-8")
    (tmp_path / "sheet.xlsx").write_bytes(b"PK\x03\x04")  # .pdf and .docx are read now
    (tmp_path / "c.TXT").write_text("Chief Nurse", encoding="utf-8")
    assert [(d.id, d.source) for d in read(tmp_path)] == [("c", str(tmp_path / "c.TXT"))]


def test_symlink_loop_is_read_once(tmp_path: Path) -> None:
    folder = tmp_path / "postings"
    folder.mkdir()
    (folder / "cmo.txt").write_text("Chief Medical Officer", encoding="utf-8")
    (folder / "loop").symlink_to(folder, target_is_directory=True)
    assert [d.id for d in read(folder)] == ["cmo"]


def test_empty_path_is_a_problem_not_the_current_folder() -> None:
    (problem,) = read("")
    assert isinstance(problem, Problem) and "empty path" in problem.problem


def test_named_file_with_unknown_extension_is_a_problem(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("Chief Nurse", encoding="utf-8")
    problem = one_problem_beside_a_good_file(notes, tmp_path)
    assert "unknown file type" in problem.problem and ".jsonl.gz" in problem.problem


def test_missing_path_is_a_problem(tmp_path: Path) -> None:
    problem = one_problem_beside_a_good_file(tmp_path / "missing.txt", tmp_path)
    assert "no such file" in problem.problem


def test_source_is_the_path_as_given() -> None:
    given_path = str(INPUTS / "seed-004-tracking-code.txt")
    (document,) = read(given_path)
    assert isinstance(document, Document)
    assert document.source == given_path and document.id == SEED_004


# --- plain text ------------------------------------------------------------------------------


def test_text_file_is_cleaned() -> None:
    document = one_document(INPUTS / "seed-002-alert-banners.txt")
    assert document.id == SEED_002
    assert document.structured == Structured()
    assert "Enable job alerts" not in document.text
    assert document.text.startswith("A leading healthcare organization")


def test_empty_file_is_a_problem(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\t\n", encoding="utf-8")
    assert "empty file" in one_problem_beside_a_good_file(empty, tmp_path).problem


def test_file_of_boilerplate_only_is_a_problem(tmp_path: Path) -> None:
    chrome = tmp_path / "chrome.txt"
    chrome.write_text("Enable job alerts via email!\nGo back\n", encoding="utf-8")
    assert "empty file" in one_problem_beside_a_good_file(chrome, tmp_path).problem


def test_binary_file_is_a_problem(tmp_path: Path) -> None:
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 40)
    problem = one_problem_beside_a_good_file(binary, tmp_path)
    assert problem.problem.startswith("looks binary, not text")


def test_control_characters_without_nul_are_binary(tmp_path: Path) -> None:
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(1, 32)) * 100)
    problem = one_problem_beside_a_good_file(binary, tmp_path)
    assert problem.problem.startswith("looks binary, not text")


def test_nul_bytes_in_text_are_a_problem(tmp_path: Path) -> None:
    nul = tmp_path / "nul.txt"
    nul.write_bytes(b"Chief Nurse\x00\x00 Band 9\n")
    problem = one_problem_beside_a_good_file(nul, tmp_path)
    assert "looks binary, not text" in problem.problem and "NUL" in problem.problem


def test_cp1252_text_is_decoded(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes("Salary: £95,000 \u2013 Director\u2019s post".encode("cp1252"))
    assert one_document(legacy).text == "Salary: £95,000 \u2013 Director\u2019s post"


def test_undefined_cp1252_bytes_do_not_crash(tmp_path: Path) -> None:
    odd = tmp_path / "odd.txt"
    odd.write_bytes(b"Band 8a \x81\x8d\xa3 pay")
    assert one_document(odd).text == "Band 8a \ufffd\ufffd£ pay"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-8-sig"])
def test_text_with_bom_is_decoded(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "bom.txt"
    data = "Chief Nurse\r\nSalary £120,000\r\n".encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    assert one_document(path).text == "Chief Nurse\nSalary £120,000"


def test_mixed_line_endings(tmp_path: Path) -> None:
    path = tmp_path / "mixed.txt"
    path.write_bytes(b"Line one\r\nLine two\rLine three\nLine four\r\n")
    assert one_document(path).text == "Line one\nLine two\nLine three\nLine four"


# --- HTML ------------------------------------------------------------------------------------


def test_html_page_text_without_chrome() -> None:
    document = one_document(INPUTS / "regional-medical-director.html")
    assert document.id == RMD_HTML
    assert document.structured == Structured(title="Regional Medical Director (South East)")
    assert document.text == (
        "Regional Medical Director (South East)\n"
        "The post holder will be accountable to the Regional Director, with professional "
        "accountability to the National Medical Director.\n"
        "Main duties of the job\n"
        # The <br> breaks the item; clean-up rejoins the unfinished bullet.
        "- Providing system leadership and clinical advice\n"
        "- Acting as Responsible Officer\n"
        "Band VSM\n"
        "Salary £135,000 per annum\n"
        "Guidance can be found on the NHS Careers website."
    )


def test_html_with_json_ld_uses_the_record() -> None:
    document = one_document(INPUTS / "nested" / "coo-with-jsonld.html")
    assert document.id == COO_JSONLD_HTML
    assert document.text == (
        "Chief Operating Officer & Deputy CEO\nDeputises for the Regional Director."
    )
    assert document.structured == Structured(
        title="Chief Operating Officer & Deputy CEO",
        organisation="NHS England & NHS Improvement",
        location="London",
        salary_min=131301.0,
        salary_max=131301.0,
        salary_period="year",
        currency="GBP",
        date_posted="2025-06-01",
        closing_date="2025-07-01",
    )


def test_html_json_ld_without_title_or_description_falls_back_to_the_page(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.html"
    record = {"@context": "https://schema.org", "@type": "JobPosting", "identifier": "p-1"}
    page.write_text(
        f'<script type="application/ld+json">{json.dumps(record)}</script>'
        "<title>Ignored</title><h1>Director of Estates</h1><p>Leads estates.</p>",
        encoding="utf-8",
    )
    document = one_document(page)
    assert document.id == "p-1"
    assert document.structured.title == "Director of Estates"
    assert document.text == "Director of Estates\nDirector of Estates\nLeads estates."


def test_html_title_element_when_there_is_no_h1(tmp_path: Path) -> None:
    page = tmp_path / "page.htm"
    page.write_text("<title>Head of Midwifery</title><p>Leads midwives.</p>", encoding="utf-8")
    document = one_document(page)
    assert document.structured.title == "Head of Midwifery"
    assert document.text == "Head of Midwifery\nLeads midwives."


def test_html_full_of_scripts_is_a_problem(tmp_path: Path) -> None:
    page = tmp_path / "scripts.html"
    page.write_text(
        "<html><head><script>var a = 1;</script><style>p {}</style></head>"
        "<body><script>document.write('x')</script><noscript>Enable JS</noscript></body></html>",
        encoding="utf-8",
    )
    problem = one_problem_beside_a_good_file(page, tmp_path)
    assert problem.problem.startswith("no text after removing scripts and markup")


def test_html_to_text_block_structure() -> None:
    markup = (
        "<div>Intro<p>One <em>two</em>\n   three</p>tail</div>"
        "<ul><li><p>Nested paragraph</p></li><li></li><li> \n </li><li>Item<br>continued</li>"
        "<li>A<ol><li>B</li></ol>C</li></ul><p>After the list</p>"
        "<table><tr><td>Band</td><td>8d</td></tr></table><h3>Heading</h3>"
    )
    assert html_to_text(markup) == (
        "Intro\nOne two three\ntail\n- Nested paragraph\n- Item\ncontinued\n- A\n- B\nC\n"
        "After the list\nBand 8d\nHeading"
    )


# --- JSON-LD ---------------------------------------------------------------------------------


def test_json_ld_file_maps_every_field() -> None:
    document = one_document(INPUTS / "nested" / "cmo-posting.json")
    assert document.id == CMO_JSON
    assert document.source == str(INPUTS / "nested" / "cmo-posting.json")
    assert document.text == (
        "Chief Medical Officer\n"
        "Chief Medical Officer & Responsible Officer\n"
        "The post holder is accountable to the Chief Executive.\n"
        "- Lead the medical workforce\n"
        "- Act as Caldicott Guardian"
    )
    assert document.structured == Structured(
        title="Chief Medical Officer",
        organisation="Isle of Wight NHS Trust",
        location="Newport, Isle of Wight",
        salary_min=150000.0,
        salary_max=175000.0,
        salary_text="£150,000 - £175,000 per annum",
        salary_period="year",
        currency="GBP",
        date_posted="2020-09-04",
        closing_date="2020-11-13",
        url="https://www.jobs.nhs.uk/xi/vacancy/cmo-2020-1",
    )


def test_title_is_the_first_line_of_the_text() -> None:
    for document in documents(read(INPUTS)).values():
        if document.structured.title:
            assert document.text.split("\n", 1)[0] == document.structured.title


def test_jsonl_records_ids_and_salaries() -> None:
    found = documents(read(INPUTS / "board-postings.jsonl"))
    assert list(found) == [NURSING_JSONL, CFO_JSONL, COO_JSONL]
    nursing, cfo, coo = found.values()
    assert nursing.structured.salary_text == "VSM"
    assert nursing.structured.salary_min is None
    assert cfo.structured.organisation == "Leeds Teaching Hospitals NHS Trust"
    assert cfo.structured.location == "Leeds"
    assert (cfo.structured.salary_min, cfo.structured.salary_max) == (140000.0, 160000.0)
    assert coo.text == "Chief Operating Officer\nRuns operations & performance."


def test_json_list_and_graph(tmp_path: Path) -> None:
    posting = {"@type": "JobPosting", "title": "Chief Nurse", "description": "Leads nursing."}
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([posting, dict(posting, id=7)]), encoding="utf-8")
    graph = tmp_path / "graph.json"
    graph.write_text(json.dumps({"@graph": [{"@type": "WebSite"}, posting]}), encoding="utf-8")
    assert list(documents(read(listed))) == ["list-1", "7"]
    # Other nodes of a graph are context; the fallback id counts the postings.
    assert list(documents(read(graph))) == ["graph-1"]


def test_json_gz(tmp_path: Path) -> None:
    path = tmp_path / "one.json.gz"
    record = {"@type": "JobPosting", "id": "gz-1", "title": "Medical Director"}
    path.write_bytes(gzip.compress(json.dumps(record).encode("utf-8")))
    document = one_document(path)
    assert (document.id, document.text) == ("gz-1", "Medical Director")


def test_plain_html_and_text_descriptions() -> None:
    assert description_text("<p>Leads <b>estates</b></p><p>&pound;90k</p>") == (
        "Leads estates\n£90k"
    )
    assert description_text("Plain text, no markup &amp; one entity") == (
        "Plain text, no markup & one entity"
    )
    assert description_text("&lt;ul&gt;&lt;li&gt;A &amp;amp; B&lt;/li&gt;&lt;/ul&gt;") == "- A & B"


def test_truncated_json_is_a_problem_with_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "truncated.json"
    path.write_text('{\n  "@type": "JobPosting",\n  "title": "Chief', encoding="utf-8")
    problem = one_problem_beside_a_good_file(path, tmp_path)
    assert "line 3, column" in problem.problem


def test_json_that_is_not_a_job_posting_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "org.json"
    path.write_text(json.dumps({"@type": "Organization", "id": "org-1"}), encoding="utf-8")
    problem = one_problem_beside_a_good_file(path, tmp_path)
    assert problem.record == "org-1"
    assert "not a schema.org JobPosting (type 'Organization')" in problem.problem
    assert "org-1" in str(problem)


def test_job_posting_with_every_field_of_the_wrong_type(tmp_path: Path) -> None:
    path = tmp_path / "wrong.json"
    record = {
        "@type": ["JobPosting"],
        "id": 12345,
        "title": 42,
        "description": {"text": "not a string"},
        "hiringOrganization": ["Trust A", {"name": "Trust B"}],
        "jobLocation": 7,
        "baseSalary": {"value": {"minValue": [1], "maxValue": True, "value": None}},
        "datePosted": 20200101,
        "validThrough": ["2020-12-31T00:00:00Z"],
        "url": False,
        "identifier": {"value": None},
    }
    path.write_text(json.dumps(record), encoding="utf-8")
    document = one_document(path)
    assert document.id == "12345"
    assert document.text == "42"
    assert document.structured == Structured(
        title="42", organisation="Trust A", closing_date="2020-12-31"
    )


def test_job_posting_without_title_or_description_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "bare.json"
    path.write_text(json.dumps({"@type": "JobPosting", "id": "bare-1"}), encoding="utf-8")
    problem = one_problem_beside_a_good_file(path, tmp_path)
    assert problem.record == "bare-1"


def test_jsonl_gz_with_one_corrupt_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl.gz"
    lines = [
        json.dumps({"@type": "JobPosting", "id": "a", "title": "Chief Nurse"}),
        '{"@type": "JobPosting", "id": "b", "title": ',
        "",
        json.dumps({"@type": "JobPosting", "title": "Medical Director"}),
        json.dumps({"@type": "Person", "name": "Not a posting"}),
    ]
    path.write_bytes(gzip.compress("\n".join(lines).encode("utf-8")))
    results = read(path)
    assert list(documents(results)) == ["a", "feed-4"]
    found = problems(results)
    assert [(p.source, p.record) for p in found] == [(str(path), "line 2"), (str(path), "line 5")]
    assert "invalid JSON" in found[0].problem
    assert "not a schema.org JobPosting (type 'Person')" in found[1].problem


def test_truncated_gzip_keeps_the_records_before_the_damage(tmp_path: Path) -> None:
    path = tmp_path / "cut.jsonl.gz"
    record = {"@type": "JobPosting", "title": "x" * 50}
    lines = [json.dumps(dict(record, id=str(n))) for n in range(40)]
    data = gzip.compress("\n".join(lines).encode("utf-8"))
    path.write_bytes(data[: len(data) - 30])
    results = read(path)
    assert len(problems(results)) == 1 and "gzip" in problems(results)[0].problem
    kept = list(documents(results))
    assert 0 < len(kept) < 40 and kept == [str(n) for n in range(len(kept))], kept  # a prefix of the records, in order


def test_not_gzip_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "fake.json.gz"
    path.write_bytes(b'{"@type": "JobPosting"}')
    assert "gzip" in one_problem_beside_a_good_file(path, tmp_path).problem


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-32"])
def test_bug_a_utf16_jsonl_was_refused_as_binary(tmp_path: Path, encoding: str) -> None:
    """Windows tools write UTF-16, with a BOM ("utf-16", "utf-32") or without: a feed is decoded like a .txt or .json."""
    path = tmp_path / "feed.jsonl"
    lines = [{"@type": "JobPosting", "id": "a", "title": "Chief Nurse", "description": "Salary £120,000"},
             {"@type": "JobPosting", "id": "b", "title": "Medical Director"}]
    path.write_bytes("\r\n".join(json.dumps(line, ensure_ascii=False) for line in lines).encode(encoding))
    found = documents(read(path))
    assert list(found) == ["a", "b"]
    assert found["a"].text == "Chief Nurse\nSalary £120,000"


def test_empty_jsonl_is_a_problem(tmp_path: Path) -> None:
    path = tmp_path / "none.jsonl"
    path.write_text("\n\n", encoding="utf-8")
    assert "empty file" in one_problem_beside_a_good_file(path, tmp_path).problem


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=10,
)
FIELDS = [
    "id",
    "identifier",
    "title",
    "description",
    "hiringOrganization",
    "jobLocation",
    "baseSalary",
    "datePosted",
    "validThrough",
    "url",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.fixed_dictionaries({}, optional={k: json_values for k in FIELDS}))
def test_any_job_posting_fields_never_crash(fields: dict[str, object]) -> None:
    record = {"@type": "JobPosting", **fields}
    result = _record_document(record, "feed.jsonl", "feed-1", "line 1")
    assert isinstance(result, (Document, Problem))
    if isinstance(result, Document):
        assert isinstance(result.id, str) and result.text


def test_needs_text_skips_the_descriptions_nobody_reads(tmp_path: Path) -> None:
    """A build reads non-leadership postings from their fields alone: it need not clean their
    descriptions, which were most of a full-corpus build's time."""
    feed = tmp_path / "feed.jsonl"
    records = [
        {"@type": "JobPosting", "id": "1", "title": "Staff Nurse", "description": "<p>Ward work.</p>"},
        {"@type": "JobPosting", "id": "2", "title": "Chief Nurse", "description": "<p>Lead nursing.</p>"},
    ]
    feed.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    wanted = lambda structured: "Chief" in (structured.title or "")  # noqa: E731
    texts = {d.id: d.text for d in read_documents([feed], needs_text=wanted)}
    assert texts == {"1": "Staff Nurse", "2": "Chief Nurse\nLead nursing."}
    assert {d.id: d.text for d in read_documents([feed])}["1"] == "Staff Nurse\nWard work."


def test_every_ending_read_has_a_reader() -> None:
    """A posting is named after its file without the ending (``files.ENDINGS``), so a reader
    added to ``READERS`` without its ending there would name its postings wrongly."""
    assert set(ENDINGS) == set(READERS)
    assert list(ENDINGS) == sorted(ENDINGS, key=len, reverse=True)


def test_a_large_gzipped_feed_is_counted_from_its_first_part(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The progress bar's total for a large gzipped feed is extrapolated from its first part
    (counting ten times the 2020 corpus to the end cost the build 2 CPU seconds): close to the
    true count, and exact for a feed smaller than the part counted."""
    import gzip
    import random

    from nhskg.read import feeds, readers

    generator = random.Random(7)  # text that does not compress away, lines of uneven length
    letters = "abcdefghijklmnopqrstuvwxyz "
    lines = [json.dumps({"@type": "JobPosting", "title": f"Post {n}",
                         "description": "".join(generator.choices(letters, k=generator.randint(50, 3000)))})
             for n in range(3000)]
    feed = tmp_path / "feed.jsonl.gz"
    with gzip.open(feed, "wt", encoding="utf-8") as out:
        out.write("\n".join(lines) + "\n")
    assert readers.estimate_records([feed]) == 3000
    monkeypatch.setattr(feeds, "_COUNTED_BYTES", 2 << 20)  # about half of this feed's text
    estimate = readers.estimate_records([feed])
    assert estimate != 3000 and abs(estimate - 3000) < 300


def test_a_salary_value_that_reads_as_one_number_is_kept_as_the_fields_text(tmp_path: Path) -> None:
    """The front-line stratum's practice nurse (dev 916247915): "£17.09" beside yearly-looking figures
    is the hourly rate the board converted them from, so the extractor must see it to give no salary."""
    from nhskg.extract import extract_posting

    record = {"@type": "JobPosting", "id": "916247915", "title": "Practice Nurse", "description": "<p>Join our friendly team.</p>",
              "hiringOrganization": {"name": "Anytown Primary Care"},
              "baseSalary": {"@type": "MonetaryAmount", "currency": "GBP", "value": {
                  "@type": "QuantitativeValue", "minValue": "28728", "maxValue": "28728", "unitText": "YEAR",
                  "value": "\u00a317.09"}}}
    path = tmp_path / "postings.jsonl"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (document,) = documents(read(path)).values()
    assert document.structured.salary_text == "\u00a317.09"
    assert (document.structured.salary_min, document.structured.salary_max) == (28728.0, 28728.0)
    assert extract_posting(document).salary is None
