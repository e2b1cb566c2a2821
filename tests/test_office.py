"""Job description documents (PDF, DOCX): text and tables, merging with the advert, scanned PDFs.

The PDF and DOCX files are written by the tests themselves (fpdf2, python-docx), shaped like a
real NHS job description: title, an "Accountable to / Responsible for" box, key
responsibilities, and a person specification table with Essential and Desirable columns.
"""

from __future__ import annotations

import builtins
import errno
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")
fpdf = pytest.importorskip("fpdf")
pytest.importorskip("pdfplumber")

from nhskg.read.documents import Document, Problem  # noqa: E402
from nhskg.extract import extract_posting  # noqa: E402
from nhskg.read.office import NoTextLayer, office_text, table_lines  # noqa: E402
from nhskg.extract.postings import with_sources  # noqa: E402
from nhskg.read.readers import read_documents  # noqa: E402
from read_faults import refuse_to_read  # noqa: E402

BOX = (("Accountable to:", "Chief Executive"), ("Responsible for:", "Deputy Medical Directors"))
DUTIES = (
    "Lead the Trust's research and innovation strategy with the university partners.",
    "Act as Responsible Officer for the revalidation of doctors.",
)
SPEC = (
    ("Criteria", "Essential", "Desirable"),
    ("Qualifications", "Full registration with the GMC", "MBA or equivalent management qualification"),
    ("Experience", "Board level experience in a large NHS trust", "Experience of leading research"),
)


def write_pdf(path: Path) -> Path:
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, "Job Description\nChief Medical Officer", new_x="LMARGIN", new_y="NEXT")
    with pdf.table(col_widths=(50, 130)) as table:
        for label, value in BOX:
            row = table.row()
            row.cell(label)
            row.cell(value)
    pdf.ln(4)
    pdf.multi_cell(0, 6, "Key responsibilities\n" + "\n".join(f"- {d}" for d in DUTIES), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    with pdf.table() as table:
        for cells in SPEC:
            row = table.row()
            for cell in cells:
                row.cell(cell)
    pdf.output(str(path))
    return path


def write_docx(path: Path, *, ticks: bool = False) -> Path:
    document = docx.Document()
    document.add_heading("Chief Medical Officer", level=1)
    box = document.add_table(rows=0, cols=2)
    for label, value in BOX:
        cells = box.add_row().cells
        cells[0].text, cells[1].text = label, value
    document.add_paragraph("Key responsibilities")
    for duty in DUTIES:
        document.add_paragraph(duty, style="List Bullet")
    document.add_paragraph("Person specification")
    if ticks:  # criterion in the first column, a tick under Essential or Desirable
        rows = (("Criteria", "Essential", "Desirable"), ("Full registration with the GMC", "\u2713", ""),
                ("MBA or equivalent management qualification", "", "\u2713"))
    else:
        rows = SPEC
    spec = document.add_table(rows=0, cols=3)
    for values in rows:
        cells = spec.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = value
    document.save(str(path))
    return path


def write_scanned_pdf(path: Path) -> Path:
    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_fill_color(30, 30, 30)
    pdf.rect(20, 20, 150, 40, style="F")  # ink on the page, but no text layer
    pdf.output(str(path))
    return path


def _requirements(text: str) -> dict[str, bool]:
    posting = extract_posting(Document("jd", "jd", text))
    return {r.code: r.essential for r in posting.requirements}


@pytest.mark.parametrize("writer", [write_pdf, write_docx], ids=["pdf", "docx"])
def test_box_becomes_accountable_to_lines_and_spec_becomes_headed_lists(tmp_path: Path, writer) -> None:
    text = office_text(writer(tmp_path / ("jd.pdf" if writer is write_pdf else "jd.docx")))
    lines = text.split("\n")
    assert "Accountable to: Chief Executive" in lines
    assert "Responsible for: Deputy Medical Directors" in lines
    essential, desirable = lines.index("Essential"), lines.index("Desirable")
    assert lines.index("Person specification") < essential < desirable
    assert lines[essential + 1 : desirable] == ["- Full registration with the GMC", "- Board level experience in a large NHS trust"]
    assert "- MBA or equivalent management qualification" in lines[desirable:]
    assert f"- {DUTIES[0]}" in lines  # bullets keep their order and their dash


@pytest.mark.parametrize("writer", [write_pdf, write_docx], ids=["pdf", "docx"])
def test_extractor_reads_reporting_line_and_essential_flags(tmp_path: Path, writer) -> None:
    text = office_text(writer(tmp_path / ("jd.pdf" if writer is write_pdf else "jd.docx")))
    posting = extract_posting(Document("jd", "jd", text))
    assert [i.code for i in posting.accountable_to] == ["chief-executive"]
    assert posting.role_type == "chief-medical-officer"
    requirements = {r.code: r.essential for r in posting.requirements}
    assert requirements.get("gmc-registration") is True
    desirable = [code for code, essential in requirements.items() if not essential]
    assert desirable == ["management-qualification"], requirements  # the MBA is desirable, not essential


def test_tick_columns_list_the_criterion_under_the_ticked_heading(tmp_path: Path) -> None:
    lines = office_text(write_docx(tmp_path / "jd.docx", ticks=True)).split("\n")
    essential, desirable = lines.index("Essential"), lines.index("Desirable")
    assert lines[essential + 1 : desirable] == ["- Full registration with the GMC"]
    assert lines[desirable + 1] == "- MBA or equivalent management qualification"


def test_other_tables_are_one_line_per_row() -> None:
    assert table_lines([["Band", "Site", "Hours"], ["VSM", "Norwich", "37.5"]]) == ["Band; Site; Hours", "VSM; Norwich; 37.5"]
    assert table_lines([[None, ""], ["", None]]) == []


def test_scanned_pdf_is_a_clear_problem_not_an_empty_posting(tmp_path: Path) -> None:
    scan = write_scanned_pdf(tmp_path / "scan.pdf")
    with pytest.raises(NoTextLayer, match="no text layer: scanned PDF\\? run OCR first"):
        office_text(scan)
    results = list(read_documents([scan]))
    assert len(results) == 1 and isinstance(results[0], Problem)
    assert "no text layer" in results[0].problem and results[0].source == str(scan)


def test_broken_docx_is_a_problem(tmp_path: Path) -> None:
    (tmp_path / "jd.docx").write_bytes(b"PK\x03\x04 not really a zip")
    [result] = read_documents([tmp_path / "jd.docx"])
    assert isinstance(result, Problem) and "save it again as .docx" in result.problem


ADVERT = "Chief Medical Officer\nEmployer: Example Hospitals NHS Foundation Trust\nClosing date: 1 March 2025\n"


def test_same_stem_document_is_merged_into_the_advert(tmp_path: Path) -> None:
    (tmp_path / "cmo.txt").write_text(ADVERT, encoding="utf-8")
    write_pdf(tmp_path / "cmo.pdf")
    results = list(read_documents([tmp_path]))
    assert len(results) == 1 and isinstance(results[0], Document)
    document = results[0]
    advert, attached = document.parts
    assert (advert.source, attached.source) == (str(tmp_path / "cmo.txt"), str(tmp_path / "cmo.pdf"))
    assert document.text[: advert.end] == ADVERT.strip() and document.text[attached.start - 1] == "\n"
    posting = with_sources(extract_posting(document), document.parts)
    [line] = posting.accountable_to
    assert line.code == "chief-executive" and line.evidence.source == str(tmp_path / "cmo.pdf")
    assert document.text[line.evidence.start : line.evidence.end] == line.evidence.sentence
    assert posting.title_evidence is not None and posting.title_evidence.source == str(tmp_path / "cmo.txt")
    record = posting.to_json()
    assert record["accountable_to"][0]["evidence"]["source"] == str(tmp_path / "cmo.pdf")


def test_manifest_attaches_documents_by_file_name_or_posting_id(tmp_path: Path) -> None:
    (tmp_path / "advert.txt").write_text(ADVERT, encoding="utf-8")
    write_docx(tmp_path / "job-description.docx")
    (tmp_path / "attachments.json").write_text(json.dumps({"advert.txt": ["job-description.docx"]}), encoding="utf-8")
    results = list(read_documents([tmp_path]))
    assert [type(r).__name__ for r in results] == ["Document"]
    assert [p.source for p in results[0].parts] == [str(tmp_path / "advert.txt"), str(tmp_path / "job-description.docx")]

    (tmp_path / "attachments.json").write_text(json.dumps({"advert": ["job-description.docx"]}), encoding="utf-8")
    assert len(list(read_documents([tmp_path]))[0].parts) == 2  # by the posting id (the stem)


def test_unreadable_attachment_is_a_problem_and_the_advert_is_still_read(tmp_path: Path) -> None:
    (tmp_path / "cmo.txt").write_text(ADVERT, encoding="utf-8")
    write_scanned_pdf(tmp_path / "cmo.pdf")
    results = list(read_documents([tmp_path]))
    problems = [r for r in results if isinstance(r, Problem)]
    documents = [r for r in results if isinstance(r, Document)]
    assert len(problems) == 1 and "no text layer" in problems[0].problem and "cmo.txt" in problems[0].problem
    assert len(documents) == 1 and documents[0].parts == () and documents[0].text == ADVERT.strip()


def test_records_without_attachments_print_as_before(tmp_path: Path) -> None:
    (tmp_path / "cmo.txt").write_text(ADVERT + "Accountable to: Chief Executive\n", encoding="utf-8")
    [document] = read_documents([tmp_path])
    record = with_sources(extract_posting(document), document.parts).to_json()
    assert "source" not in record["accountable_to"][0]["evidence"]


def write_malformed_docx(path: Path) -> Path:
    """A DOCX that python-docx opens but fails on while walking it: a table cell whose
    ``gridSpan`` is not a number (python-docx raises ValueError from ``int()``)."""
    good = write_docx(path.with_name("good-" + path.name))
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "word/document.xml":
                data = data.replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="abc"/>', 1)
            target.writestr(member, data)
    good.unlink()
    return path


def test_bug_a_malformed_docx_attached_to_an_advert_crashed_the_read(tmp_path: Path) -> None:
    (tmp_path / "cmo.txt").write_text(ADVERT, encoding="utf-8")
    write_malformed_docx(tmp_path / "cmo.docx")
    (tmp_path / "zz.txt").write_text("Chief Nurse\nAccountable to the Chief Executive.\n", encoding="utf-8")
    results = list(read_documents([tmp_path]))
    [problem] = [r for r in results if isinstance(r, Problem)]
    assert problem.source == str(tmp_path / "cmo.docx")
    assert problem.problem.startswith("not a readable Word .docx file (ValueError: ")
    assert problem.problem.endswith("(attached to %s; the advert is read without it)" % (tmp_path / "cmo.txt"))
    documents = [r for r in results if isinstance(r, Document)]
    assert [(d.id, d.text) for d in documents] == [("cmo", ADVERT.strip()), ("zz", "Chief Nurse\nAccountable to the Chief Executive.")]


def test_bug_a_malformed_docx_read_alone_was_a_reader_bug_to_report(tmp_path: Path) -> None:
    [problem] = read_documents([write_malformed_docx(tmp_path / "jd.docx")])
    assert isinstance(problem, Problem) and problem.problem.startswith("not a readable Word .docx file (ValueError: ")
    assert problem.problem.endswith("save it again as .docx") and "please report it" not in problem.problem


@pytest.mark.parametrize("name, data", [
    ("cmo.html", b"<html><body></body></html>"),  # no text
    ("cmo.txt", bytes(range(256)) * 40),  # binary
    ("cmo.txt", None),  # permission denied
], ids=["empty-page", "binary", "permission-denied"])
def test_bug_the_job_description_of_an_unreadable_advert_was_dropped_in_silence(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, data: bytes | None
) -> None:
    advert = tmp_path / name
    advert.write_bytes(ADVERT.encode() if data is None else data)
    if data is None:
        refuse_to_read(monkeypatch, advert)
    write_pdf(tmp_path / "cmo.pdf")
    results = list(read_documents([tmp_path]))
    [problem] = [r for r in results if isinstance(r, Problem)]
    assert problem.source == str(advert)
    assert problem.problem.endswith(f"(its job description {tmp_path / 'cmo.pdf'} is read on its own instead)")
    [document] = [r for r in results if isinstance(r, Document)]  # as if the advert were not there
    assert (document.id, document.source, document.parts) == ("cmo", str(tmp_path / "cmo.pdf"), ())
    assert "Accountable to: Chief Executive" in document.text.split("\n")


def test_the_documents_a_manifest_lists_for_an_unreadable_advert_are_read_on_their_own(tmp_path: Path) -> None:
    (tmp_path / "advert.txt").write_bytes(b"")
    write_docx(tmp_path / "jd.docx")
    write_pdf(tmp_path / "spec.pdf")
    (tmp_path / "attachments.json").write_text(json.dumps({"advert.txt": ["jd.docx", "spec.pdf"]}), encoding="utf-8")
    results = list(read_documents([tmp_path]))
    assert [type(r).__name__ for r in results] == ["Problem", "Document", "Document"]
    assert results[0].problem.endswith(
        f"(its job descriptions {tmp_path / 'jd.docx'}, {tmp_path / 'spec.pdf'} are read on their own instead)")
    assert [r.id for r in results[1:]] == ["jd", "spec"]


@pytest.mark.parametrize("writer", [write_pdf, write_docx], ids=["pdf", "docx"])
def test_bug_a_document_nobody_may_read_was_called_damaged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer) -> None:
    """chmod 000 gave "not a readable PDF (PermissionError: ...); save or export it again"."""
    locked = writer(tmp_path / ("cmo.pdf" if writer is write_pdf else "cmo.docx"))
    opened = io.open

    def refuse(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file) == str(locked):  # as chmod 000 does for anyone but root, whom the tests run as
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(file))
        return opened(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", refuse)  # pdfplumber opens with open(), zipfile with io.open()
    monkeypatch.setattr(io, "open", refuse)
    [alone] = read_documents([locked])
    assert isinstance(alone, Problem) and alone.problem == "cannot read the file: Permission denied"
    (tmp_path / "cmo.txt").write_text(ADVERT, encoding="utf-8")
    problem, advert = read_documents([tmp_path])
    assert isinstance(problem, Problem) and isinstance(advert, Document)
    assert problem.problem == f"cannot read the file: Permission denied (attached to {tmp_path / 'cmo.txt'}; the advert is read without it)"


@pytest.mark.parametrize("key", ["advert.txt", "advert", "916223185"], ids=["file-name", "stem", "posting-id"])
def test_bug_a_document_the_manifest_lists_for_a_missing_advert_was_dropped_in_silence(tmp_path: Path, key: str) -> None:
    """attachments.json listed jd.docx for an advert not in the folder: jd.docx was left for its
    advert to read, and nobody read it or said so. It is named, and read on its own."""
    write_docx(tmp_path / "jd.docx")
    (tmp_path / "attachments.json").write_text(json.dumps({key: ["jd.docx"]}), encoding="utf-8")
    (tmp_path / "cmo.txt").write_text(ADVERT, encoding="utf-8")
    results = list(read_documents([tmp_path]))
    [problem] = [r for r in results if isinstance(r, Problem)]
    assert problem.source == str(tmp_path / "attachments.json") and problem.kind == "skipped"
    assert f"'{key}', an advert that is missing" in problem.problem
    assert problem.problem.endswith(f"(its job description {tmp_path / 'jd.docx'} is read on its own instead)")
    assert [(d.id, d.source, d.parts) for d in results if isinstance(d, Document)] == [
        ("cmo", str(tmp_path / "cmo.txt"), ()), ("jd", str(tmp_path / "jd.docx"), ())]


def test_bug_a_document_named_without_the_advert_the_manifest_lists_it_for_was_dropped_in_silence(tmp_path: Path) -> None:
    """The same when the advert is there but not among the paths read (``nhskg build in/jd.docx``)."""
    write_docx(tmp_path / "jd.docx")
    (tmp_path / "attachments.json").write_text(json.dumps({"advert.txt": ["jd.docx"]}), encoding="utf-8")
    (tmp_path / "advert.txt").write_text(ADVERT, encoding="utf-8")
    problem, document = read_documents([tmp_path / "jd.docx"])
    assert isinstance(problem, Problem) and problem.source == str(tmp_path / "attachments.json")
    assert f"{tmp_path / 'advert.txt'}, which is not among the paths read" in problem.problem
    assert problem.problem.endswith(f"(its job description {tmp_path / 'jd.docx'} is read on its own instead)")
    assert isinstance(document, Document) and (document.id, document.parts) == ("jd", ())
