"""Reviewers' decisions (issue 18): the files, applying them to a posting, and every build keeping them.

Over the small vocabulary of ``graph_fixtures`` (``home``); ``tests/test_review_cli.py`` runs the
real extractor end to end.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path

import pytest

from graph_fixtures import B, ev, leadership_posting, minimal_posting
from nhskg.pipeline.build import build_postings
from nhskg.curation import (
    COLUMNS,
    CurationError,
    Decision,
    Decisions,
    applying,
    apply_decisions,
    evidence_hash,
    fingerprint,
    load_decisions,
    record_decision,
)
from nhskg.extract.postings import Item
from nhskg.graph.store import GraphStore
from nhskg.vocabulary.vocab import Vocabulary

NHSKG = "https://w3id.org/nhskg/def#"
PROV = "http://www.w3.org/ns/prov#"


def decision(field: str, code: str, sentence: str, verdict: str = "reject", *, posting: str = "job-1",
             to: tuple[str, str] = ("", ""), reviewer: str = "Ann Smith", date: str = "2026-12-04T10:00:00Z",
             note: str = "") -> Decision:
    return Decision(posting, field, code, evidence_hash(sentence), verdict, *to, reviewer, date, note)


P = leadership_posting()
RO = P.designations[0].evidence.sentence  # "You will be the Responsible Officer."
NURSE = P.works_with[0].evidence.sentence  # "You will work closely with the Chief Nurse."


# --------------------------------------------------------------------------- the files


def test_a_decision_file_is_sorted_one_line_per_fact_and_the_latest_word_stands(tmp_path: Path) -> None:
    folder = tmp_path / "curation"
    record_decision(folder, decision("works_with", "chief-nurse", NURSE, "accept", posting="job-2"))
    record_decision(folder, decision("designations", "responsible-officer", RO))
    path = record_decision(folder, decision("designations", "responsible-officer", RO, "accept", date="2026-12-05T09:00:00Z"))
    assert path == folder / "ann-smith.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == ",".join(COLUMNS)
    assert [line.split(",")[:5] for line in lines[1:]] == [
        ["job-1", "designations", "responsible-officer", evidence_hash(RO), "accept"],
        ["job-2", "works_with", "chief-nurse", evidence_hash(NURSE), "accept"],
    ]
    assert len(load_decisions(folder)) == 2


def test_a_name_or_note_with_markup_stays_plain_text_in_the_file(tmp_path: Path) -> None:
    name, note = "<b>Ann</b> & co", 'said "<script>alert(1)</script>", twice'
    path = record_decision(tmp_path / "curation", decision("designations", "responsible-officer", RO, reviewer=name, note=note))
    assert path.name == "b-ann-b-co.csv"
    row = next(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert (row["reviewer"], row["note"]) == (name, note)
    assert "&lt;" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/passwd", "~root", "..\\x", "x\\y", "x\x00y", "  ", "...", "\n"])
def test_a_reviewer_name_that_could_leave_the_folder_is_refused(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "curation"
    with pytest.raises(CurationError):
        record_decision(folder, decision("designations", "responsible-officer", RO, reviewer=name))
    assert not any(tmp_path.rglob("*.csv"))


def test_a_reviewer_file_that_is_a_link_is_not_written_through(tmp_path: Path) -> None:
    folder = tmp_path / "curation"
    folder.mkdir()
    target = tmp_path / "elsewhere.csv"
    target.write_text("keep\n", encoding="utf-8")
    (folder / "ann-smith.csv").symlink_to(target)
    with pytest.raises(CurationError, match="not a plain file"):
        record_decision(folder, decision("designations", "responsible-officer", RO))
    assert target.read_text(encoding="utf-8") == "keep\n"


def test_a_bad_line_is_named_by_file_and_line(tmp_path: Path, vocab: Vocabulary) -> None:
    folder = tmp_path / "curation"
    folder.mkdir()
    good = decision("works_with", "chief-nurse", NURSE, "correct", to=("accountable_to", "chief-nurse")).row()
    rows = [good, {**good, "decision": "maybe"}]
    with (folder / "ann.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(CurationError, match=r"ann.csv:3: decision 'maybe'"):
        load_decisions(folder)
    rows = [{**good, "to_code": "chief-wizard"}]
    with (folder / "ann.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    assert len(load_decisions(folder)) == 1  # without a vocabulary the code is not checked
    with pytest.raises(CurationError, match=r"ann.csv:2: to_code 'chief-wizard' is not a code of role-type"):
        load_decisions(folder, vocab)


def test_two_reviewers_files_merge_in_git_without_a_conflict(tmp_path: Path) -> None:
    """Each reviewer works on a branch from the same start; git merges both branches cleanly."""
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "project"
    folder = repo / "curation"

    def git(*args: str) -> str:
        done = subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True,
                              env={"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@x", "GIT_COMMITTER_NAME": "t",
                                   "GIT_COMMITTER_EMAIL": "t@x", "HOME": str(tmp_path), "PATH": "/usr/bin:/bin"})
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout

    repo.mkdir()
    git("init", "-q", "-b", "main")
    # both reviewers have decided before: each has a file with lines around the ones they add next
    record_decision(folder, decision("designations", "responsible-officer", RO, posting="job-5", reviewer="Ann Smith"))
    record_decision(folder, decision("designations", "responsible-officer", RO, posting="job-5", reviewer="Bob Jones"))
    git("add", "curation")
    git("commit", "-q", "-m", "start")
    git("checkout", "-q", "-b", "ann")
    for posting in ("job-1", "job-3", "job-9"):
        record_decision(folder, decision("works_with", "chief-nurse", NURSE, "accept", posting=posting, reviewer="Ann Smith"))
    git("commit", "-q", "-am", "Ann's review")
    git("checkout", "-q", "main")
    git("checkout", "-q", "-b", "bob")
    for posting in ("job-1", "job-4", "job-9"):  # the same facts as Ann in two postings
        record_decision(folder, decision("works_with", "chief-nurse", NURSE, "reject", posting=posting, reviewer="Bob Jones",
                                         date="2026-12-06T10:00:00Z"))
    git("add", "curation")
    git("commit", "-q", "-m", "Bob's review")
    git("checkout", "-q", "main")
    git("merge", "-q", "--no-edit", "ann")
    git("merge", "-q", "--no-edit", "bob")  # a conflict would fail here
    assert "<<<<<<<" not in (folder / "ann-smith.csv").read_text() + (folder / "bob-jones.csv").read_text()
    merged = load_decisions(folder)
    assert len(merged) == 8
    # where the two disagree, Bob's later decision stands
    posting = replace(P, id="job-9")
    curated = apply_decisions(posting, merged)
    assert curated.posting.works_with == () and curated.disagreements == (("job-9", "works_with", "chief-nurse"),)


# --------------------------------------------------------------------------- applying them


def test_reject_correct_and_accept_change_the_posting_and_nothing_else() -> None:
    curated = apply_decisions(P, [
        decision("designations", "responsible-officer", RO),
        decision("works_with", "chief-nurse", NURSE, "correct", to=("accountable_to", "chief-nurse")),
        decision("bodies", "gmc", P.bodies[0].evidence.sentence, "accept"),
    ])
    posting = curated.posting
    assert posting.designations == ()
    assert posting.works_with == ()
    assert [i.code for i in posting.accountable_to] == ["chief-executive", "chief-nurse"]
    moved = posting.accountable_to[1]
    assert (moved.evidence, moved.label, moved.confidence) == (P.works_with[0].evidence, "Chief Nurse", P.works_with[0].confidence)
    assert posting.bodies == P.bodies and posting.requirements == P.requirements and posting.duties == P.duties
    assert {(r.field, r.code, r.status) for r in curated.reviews} == {
        ("accountable_to", "chief-nurse", "corrected"), ("bodies", "gmc", "accepted")}
    assert curated.stale == ()
    assert apply_decisions(P, []).posting == P


def test_a_decision_about_a_changed_or_vanished_fact_is_stale_and_applies_to_nothing() -> None:
    changed = replace(P, designations=(Item("responsible-officer", "RO", ev("The post holder is the Responsible Officer.")),),
                      bodies=())
    curated = apply_decisions(changed, [
        decision("designations", "responsible-officer", RO),
        decision("bodies", "gmc", P.bodies[0].evidence.sentence, "accept"),
    ])
    assert curated.posting == changed
    assert curated.reviews == ()
    reasons = sorted(s.reason for s in curated.stale)
    assert reasons == ["the posting no longer gives this fact", "the sentence it was read from has changed (review the fact again)"]


def test_correcting_into_a_fact_the_extractor_also_read_keeps_one_fact_accepted() -> None:
    both = replace(P, accountable_to=(*P.accountable_to, Item("chief-nurse", "Chief Nurse", ev("Reports to the Chief Nurse.", 300))))
    curated = apply_decisions(both, [decision("works_with", "chief-nurse", NURSE, "correct", to=("accountable_to", "chief-nurse"))])
    assert [i.code for i in curated.posting.accountable_to] == ["chief-executive", "chief-nurse"]
    assert curated.posting.accountable_to[1].evidence.sentence == "Reports to the Chief Nurse."
    assert [(r.field, r.status) for r in curated.reviews] == [("accountable_to", "accepted")]


def test_the_fingerprint_of_a_posting_changes_with_its_decisions_only() -> None:
    one = Decisions.of([decision("designations", "responsible-officer", RO)])
    two = Decisions.of([*one, decision("bodies", "gmc", P.bodies[0].evidence.sentence, "accept", posting="job-2")])
    assert one.fingerprint("job-1") == two.fingerprint("job-1") != ""
    assert one.fingerprint("job-2") == "" != two.fingerprint("job-2")
    with applying(two):
        assert fingerprint("job-2") == two.fingerprint("job-2")
    assert fingerprint("job-2") == ""


# --------------------------------------------------------------------------- in the graph


def _review(store: Path) -> list[dict[str, object]]:
    query = f"""
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?p ?o ?status ?who ?when ?note ?was WHERE {{
      ?s <{NHSKG}reviewStatus> ?status ; <http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate> ?p ;
         <http://www.w3.org/1999/02/22-rdf-syntax-ns#object> ?o ;
         <{PROV}wasAttributedTo> ?agent ; <{PROV}generatedAtTime> ?when .
      ?agent a <{PROV}Agent> ; rdfs:label ?who .
      OPTIONAL {{ ?s <{NHSKG}reviewNote> ?note }} OPTIONAL {{ ?s <{NHSKG}extractedPredicate> ?was }}
    }} ORDER BY ?p"""
    return GraphStore.open(store).source().select(query).python()


def test_a_correction_keeps_its_reviewer_and_date_in_the_graph_and_the_graph_conforms(tmp_path: Path, vocab: Vocabulary) -> None:
    store = tmp_path / "store"
    decisions = Decisions.of([
        decision("works_with", "chief-nurse", NURSE, "correct", to=("accountable_to", "chief-nurse"), reviewer="Bob <i>Jones</i>",
                 date="2026-12-04T11:30:00Z", note="the sentence gives the line"),
        decision("designations", "responsible-officer", RO, reviewer="Ann Smith"),
    ])
    with applying(decisions) as session:
        report = build_postings([P, minimal_posting()], store, vocab=vocab)
        tally = session.report()
    assert report.validation is not None and report.validation.conforms, report.validation.results
    assert (tally.corrected, tally.rejected, tally.stale, tally.not_read) == (1, 1, (), 0)
    [row] = _review(store)
    assert row["p"] == "http://www.w3.org/ns/org#reportsTo"
    assert row["o"] == f"{B}org/norfolk-hospitals-nhs-trust/role/chief-nurse"
    assert row["status"] == NHSKG + "review-corrected"
    assert row["who"] == "Bob <i>Jones</i>" and str(row["when"]).startswith("2026-12-04 11:30:00")
    assert row["note"] == "the sentence gives the line" and row["was"] == NHSKG + "worksWith"
    opened = GraphStore.open(store)
    assert not opened.source().ask(f"ASK {{ ?s <{NHSKG}holdsDesignation> ?o }}")
    assert not opened.source().ask(f"ASK {{ ?s <{NHSKG}worksWith> ?o }}")
    assert opened.triple_count() == opened.quad_count()  # the reviewer is stated once
    # built again without the decisions, the extractor's facts come back and the reviewer goes
    build_postings([P, minimal_posting()], store, vocab=vocab, validate=False)
    assert _review(store) == []
    opened = GraphStore.open(store)
    assert opened.source().ask(f"ASK {{ ?s <{NHSKG}holdsDesignation> ?o }}")
    assert not opened.source().ask(f"ASK {{ ?s a <{PROV}Agent> }}")


def test_a_correction_into_a_fact_rejected_as_read_elsewhere_still_stands() -> None:
    other = "Reports to the Chief Nurse on Tuesdays."
    both = replace(P, accountable_to=(*P.accountable_to, Item("chief-nurse", "Chief Nurse", ev(other, 300))))
    curated = apply_decisions(both, [
        decision("works_with", "chief-nurse", NURSE, "correct", to=("accountable_to", "chief-nurse")),
        decision("accountable_to", "chief-nurse", other, "reject"),
    ])
    [moved] = [i for i in curated.posting.accountable_to if i.code == "chief-nurse"]
    assert moved.evidence.sentence == NURSE
    assert [(r.field, r.code, r.status) for r in curated.reviews] == [("accountable_to", "chief-nurse", "corrected")]


# --------------------------------------------------------------------------- a duty's areas

import hashlib  # noqa: E402

from nhskg.curation.decisions import fact_id, resolve_code, resolve_field  # noqa: E402
from nhskg.extract.postings import Duty  # noqa: E402

SAFE = "Lead patient safety and the workforce plan with the Chief Nurse."
CARE = "Oversee patient safety in the care of patients."
AREAS = replace(P, duties=(
    Duty(SAFE, ("patient-safety", "finance"), ("chief-nurse",), ev(SAFE, 235), confidence=0.9, area_confidence=(0.4, 0.7)),
    Duty(CARE, ("patient-safety",), (), ev(CARE, 320), confidence=0.8, area_confidence=(0.35,)),
))


def test_the_ids_and_keys_of_the_existing_fields_do_not_change_with_duty_areas() -> None:
    old = decision("designations", "responsible-officer", RO)
    assert old.key == ("job-1", "designations", "responsible-officer")
    before = hashlib.sha256("job-1\x1fdesignations\x1fresponsible-officer".encode()).hexdigest()[:8]  # the id as first written
    assert old.id == fact_id("job-1", "designations", "responsible-officer") == before
    assert fact_id("916238399", "designations", "board-member") == "5c5d84a6"  # as before duty areas
    one, two = decision("duty_areas", "patient-safety", SAFE), decision("duty_areas", "patient-safety", CARE)
    assert one.key == ("job-1", "duty_areas", "patient-safety", evidence_hash(SAFE))
    assert one.id != two.id and one.key != two.key


def test_two_duties_sharing_an_area_are_two_lines_of_a_decision_file(tmp_path: Path) -> None:
    folder = tmp_path / "curation"
    record_decision(folder, decision("duty_areas", "patient-safety", SAFE, "accept"))
    record_decision(folder, decision("duty_areas", "patient-safety", CARE))
    record_decision(folder, decision("duty_areas", "patient-safety", CARE, "accept", date="2026-12-05T10:00:00Z"))
    verdicts = sorted((d.evidence, d.decision) for d in load_decisions(folder))
    assert verdicts == sorted([(evidence_hash(SAFE), "accept"), (evidence_hash(CARE), "accept")])


def test_an_existing_decision_file_reads_the_same(tmp_path: Path) -> None:
    folder = tmp_path / "curation"
    folder.mkdir()
    (folder / "ann-smith.csv").write_text(
        ",".join(COLUMNS) + "\n"
        "003_ee31a5acbe06f6bc,works_with,chief-medical-officer,37b008168d7b,correct,works_with,hospital-medical-director,"
        "Ann Smith,2026-12-04T16:23:09Z,the sentence names the hospital medical directors\n"
        "916238399,bodies,university,8291f9fe3e2e,accept,,,Ann Smith,2026-12-04T16:25:41Z,\n", encoding="utf-8")
    read = sorted(load_decisions(folder), key=lambda d: d.posting)
    assert [(d.key, d.id) for d in read] == [
        (("003_ee31a5acbe06f6bc", "works_with", "chief-medical-officer"), fact_id("003_ee31a5acbe06f6bc", "works_with", "chief-medical-officer")),
        (("916238399", "bodies", "university"), fact_id("916238399", "bodies", "university")),
    ]


def _write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    """A reviewer's file written as is, past record_decision's checks: what a hand edit can leave."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


@pytest.mark.parametrize("to", [("works_with", "chief-nurse"), ("designations", "caldicott-guardian")])
def test_a_duty_area_corrected_to_another_field_is_refused_naming_the_line(tmp_path: Path, to: tuple[str, str]) -> None:
    folder = tmp_path / "curation"
    folder.mkdir()
    good = decision("duty_areas", "patient-safety", SAFE, "correct", to=("duty_areas", "finance")).row()
    _write_rows(folder / "ann.csv", [good, {**good, "code": "finance", "to_field": to[0], "to_code": to[1]}])
    with pytest.raises(CurationError, match=r"ann.csv:3: a duty area can only be corrected to another duty area"):
        load_decisions(folder)


def test_a_line_corrected_to_a_duty_area_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "curation"
    folder.mkdir()
    _write_rows(folder / "ann.csv", [decision("works_with", "chief-nurse", NURSE, "correct", to=("duty_areas", "finance")).row()])
    with pytest.raises(CurationError, match=r"ann.csv:2: a duty area can only be corrected"):
        load_decisions(folder)


def test_a_duty_area_correction_outside_the_duty_area_scheme_is_named(tmp_path: Path, vocab: Vocabulary) -> None:
    path = record_decision(tmp_path / "curation", decision("duty_areas", "patient-safety", SAFE, "correct",
                                                         to=("duty_areas", "chief-nurse")))
    with pytest.raises(CurationError, match=rf"{path.name}:2: to_code 'chief-nurse' is not a code of duty-area"):
        load_decisions(tmp_path / "curation", vocab)


def test_duty_area_is_typed_by_its_label(vocab: Vocabulary) -> None:
    assert resolve_field("duty area") == resolve_field("Duty areas") == resolve_field("duty_areas") == "duty_areas"
    assert resolve_code(vocab, "duty_areas", "Patient safety") == "patient-safety"
    assert resolve_code(vocab, "duty_areas", "finance") == "finance"
    with pytest.raises(CurationError, match="neither a code nor a label of the duty-area scheme"):
        resolve_code(vocab, "duty_areas", "Chief Nurse")


def test_a_long_correction_is_named_by_its_first_80_characters(vocab: Vocabulary) -> None:
    """The review page's correction box repeated a 60,000-character value whole in its 400."""
    for resolve in (lambda text: resolve_field(text), lambda text: resolve_code(vocab, "duty_areas", text)):
        with pytest.raises(CurationError) as error:
            resolve("Chief Nurse " * 5_000)
        assert ("Chief Nurse " * 7)[:80] + "…'" in str(error.value) and len(str(error.value)) < 400


def test_reject_correct_and_accept_a_duty_area_touch_that_duty_only() -> None:
    curated = apply_decisions(AREAS, [
        decision("duty_areas", "patient-safety", SAFE),
        decision("duty_areas", "patient-safety", CARE, "correct", to=("duty_areas", "finance")),
        decision("duty_areas", "finance", SAFE, "accept"),
    ])
    safe, care = curated.posting.duties
    assert (safe.areas, safe.area_confidence) == (("finance",), (0.7,))
    assert (care.areas, care.area_confidence, care.evidence) == (("finance",), (0.35,), AREAS.duties[1].evidence)
    assert (safe.text, safe.with_, safe.confidence) == (SAFE, ("chief-nurse",), 0.9)
    assert sorted((r.code, r.status, r.extracted_code, r.evidence) for r in curated.reviews) == [
        ("finance", "accepted", None, evidence_hash(SAFE)),
        ("finance", "corrected", "patient-safety", evidence_hash(CARE)),
    ]
    assert [d.evidence for d in curated.rejected] == [evidence_hash(SAFE)]
    assert curated.posting.designations == AREAS.designations and curated.stale == ()


def test_a_duty_area_corrected_into_one_the_duty_reads_stays_once_as_read() -> None:
    curated = apply_decisions(AREAS, [decision("duty_areas", "patient-safety", SAFE, "correct", to=("duty_areas", "finance"))])
    safe = curated.posting.duties[0]
    assert (safe.areas, safe.area_confidence) == (("finance",), (0.7,))
    assert [(r.code, r.status) for r in curated.reviews] == [("finance", "accepted")]


def test_a_decision_on_a_duty_area_no_longer_read_is_stale() -> None:
    changed = replace(AREAS, duties=(replace(AREAS.duties[0], areas=("finance",), area_confidence=(0.7,)),
                                     replace(AREAS.duties[1], evidence=ev("Oversee safety.", 320))))
    curated = apply_decisions(changed, [decision("duty_areas", "patient-safety", SAFE), decision("duty_areas", "patient-safety", CARE)])
    assert curated.posting == changed and curated.reviews == () and curated.rejected == ()
    assert sorted(s.reason for s in curated.stale) == [
        "the duty it was read from is no longer read (its sentence has changed: review the area again)",
        "the duty no longer has this area"]


def _readings(store: Path) -> list[dict[str, object]]:
    query = f"""
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?sentence ?area ?confidence ?status ?who ?when ?note ?was WHERE {{
      ?duty <{NHSKG}areaReading> ?r ; <{NHSKG}evidenceSentence> ?sentence .
      ?r <{NHSKG}readingOfArea> ?area ; <{NHSKG}confidence> ?confidence .
      OPTIONAL {{ ?r <{NHSKG}reviewStatus> ?status ; <{PROV}wasAttributedTo> ?agent ; <{PROV}generatedAtTime> ?when .
                 ?agent a <{PROV}Agent> ; rdfs:label ?who }}
      OPTIONAL {{ ?r <{NHSKG}reviewNote> ?note }} OPTIONAL {{ ?r <{NHSKG}extractedValue> ?was }}
    }} ORDER BY ?sentence ?area"""
    return GraphStore.open(store).source().select(query).python()


def test_a_reviewed_duty_area_says_who_decided_on_its_reading_and_the_graph_conforms(tmp_path: Path, vocab: Vocabulary) -> None:
    store = tmp_path / "store"
    decisions = Decisions.of([
        decision("duty_areas", "patient-safety", SAFE),
        decision("duty_areas", "patient-safety", CARE, "correct", to=("duty_areas", "finance"),
                 reviewer="Bob Jones", date="2026-12-04T11:30:00Z", note="it is about governance"),
        decision("duty_areas", "finance", SAFE, "accept"),
    ])
    with applying(decisions) as session:
        report = build_postings([AREAS], store, vocab=vocab)
        tally = session.report()
    assert report.validation is not None and report.validation.conforms, report.validation.results
    assert (tally.accepted, tally.rejected, tally.corrected, tally.stale) == (1, 1, 1, ())
    area = "https://w3id.org/nhskg/vocab/duty-area/"
    rows = [(r["sentence"], r["area"], float(r["confidence"]), r["status"], r["who"], r["note"], r["was"]) for r in _readings(store)]
    assert rows == [
        (SAFE, area + "finance", 0.7, NHSKG + "review-accepted", "Ann Smith", None, None),
        (CARE, area + "finance", 0.35, NHSKG + "review-corrected", "Bob Jones", "it is about governance",
         area + "patient-safety"),
    ]
    opened = GraphStore.open(store).source()
    assert not opened.ask(f"ASK {{ ?d <{NHSKG}evidenceSentence> ?s ; <{NHSKG}dutyArea> <{area}patient-safety> }}")
    # built again without the decisions, the areas come back as read and nobody is named
    build_postings([AREAS], store, vocab=vocab, validate=False)
    assert [r["status"] for r in _readings(store)] == [None, None, None]


def test_evaluate_reviewed_scores_duty_areas_by_their_duty() -> None:
    from nhskg.curation.score import evaluate_reviewed

    decisions = Decisions.of([
        decision("duty_areas", "patient-safety", SAFE),  # read, but wrong: a false positive
        decision("duty_areas", "finance", SAFE, "accept"),  # right: a true positive
        decision("duty_areas", "patient-safety", CARE, "correct", to=("duty_areas", "finance")),  # wrong, and missed
    ])
    score = evaluate_reviewed(decisions, [AREAS]).evaluation.score("duty_areas")
    assert (score.true_positives, score.false_positives, score.false_negatives) == (1, 2, 1)


# --- messages repeat at most 80 characters of a value ----------------------------------------------

LONG = "x" * 10_000  # repeated whole, the message was 10 KB


@pytest.mark.parametrize("name", ["../" + LONG, "x\x00" + LONG], ids=["path", "control"])
def test_a_refused_reviewer_name_is_echoed_in_short(tmp_path: Path, name: str) -> None:
    from nhskg.curation.decisions import check_reviewer

    with pytest.raises(CurationError) as raised:
        check_reviewer(name)
    assert len(str(raised.value)) < 200, str(raised.value)[:300]


@pytest.mark.parametrize("column, value", [
    ("field", LONG), ("decision", LONG), ("evidence", LONG), ("date", LONG), ("to_code", "chief-" + LONG),
], ids=["field", "decision", "evidence", "date", "to_code"])
def test_a_bad_cell_of_a_decision_file_is_echoed_in_short(tmp_path: Path, vocab: Vocabulary, column: str, value: str) -> None:
    folder = tmp_path / "curation"
    folder.mkdir()
    good = decision("works_with", "chief-nurse", NURSE, "correct", to=("accountable_to", "chief-nurse")).row()
    _write_rows(folder / "ann.csv", [{**good, column: value}])
    with pytest.raises(CurationError) as raised:
        load_decisions(folder, vocab)
    message = str(raised.value)
    assert f"ann.csv:2: {column} '" in message and "xxxx…'" in message and len(message) < len(str(folder)) + 300, message[:300]


def test_a_duty_area_corrected_to_a_long_field_is_echoed_in_short(tmp_path: Path) -> None:
    folder = tmp_path / "curation"
    folder.mkdir()
    good = decision("duty_areas", "workforce", NURSE, "correct", to=("duty_areas", "finance")).row()
    _write_rows(folder / "ann.csv", [{**good, "to_field": LONG}])
    with pytest.raises(CurationError, match="a duty area can only be corrected") as raised:
        load_decisions(folder)
    assert len(str(raised.value)) < len(str(folder)) + 300, str(raised.value)[:400]
