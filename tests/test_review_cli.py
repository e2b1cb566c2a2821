"""``nhskg review`` and ``nhskg build`` end to end (issue 18): the real extractor and vocabulary over a
copy of seed 000, in a temporary working folder whose ``curation/`` the build reads by default.
"""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from nhskg.cli import main
from nhskg.graph.store import GraphStore

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED = "000_ceef7d63af8bb6ec"


def _run(*args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, [str(a) for a in args])
    return result.exit_code, result.output


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real_home: None) -> Path:
    """A working folder holding a copy of seed 000 (the posting's DIPC-style designation: Caldicott Guardian)."""
    if not (SEEDS / f"{SEED}.txt").is_file():
        pytest.skip("seeds/ is not in this checkout")
    (tmp_path / "postings").mkdir()
    shutil.copy(SEEDS / f"{SEED}.txt", tmp_path / "postings")
    # The seed names no employer; a gap is per organisation type (an NHS trust must name a
    # Caldicott Guardian), so the copy names one.
    with (tmp_path / "postings" / f"{SEED}.txt").open("a", encoding="utf-8") as text:
        text.write("\nEmployer: Greater London Hospitals NHS Trust\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _holders() -> list[str]:
    code, out = _run("query", "designation-holders", "--format", "json")
    assert code == 0, out
    return sorted(b["designation"]["value"].rsplit("/", 1)[-1] for b in json.loads(out)["results"]["bindings"])


def _missing() -> list[str]:
    code, out = _run("analyse", "gaps", "--format", "json")
    assert code == 0, out
    [organisation] = json.loads(out)["organisations"]
    return [d["code"] for d in organisation["missing"]]


def _held_in_view() -> list[str]:
    """The designations the designations matrix draws as held (not as a gap)."""
    from nhskg.analyses.gaps import designation_findings
    from nhskg.views.facts import load_facts
    from nhskg.views.matrix import matrix

    source = GraphStore.open(Path(".nhskg/store")).source()
    table = matrix(load_facts(source), designation_findings(source))
    return sorted(
        column.label for row in table.rows for column, cell in zip(table.columns, row.cells) if cell.state in ("held", "conflict")
    )


def test_a_rejected_designation_is_gone_after_a_rebuild_and_back_when_the_decision_goes(project: Path) -> None:
    code, out = _run("build", "postings", "--no-validate")
    assert code == 0, out
    assert "caldicott-guardian" in _holders() and "caldicott-guardian" not in _missing()
    assert _held_in_view() == ["Caldicott Guardian"]
    code, out = _run("review", "--no-shacl", "--field", "holds designation", "--format", "csv")
    assert code == 0, out
    [fact] = [row for row in csv.DictReader(out.splitlines()) if row["code"] == "caldicott-guardian"]
    assert fact["value"] == "Caldicott Guardian" and fact["relation"] == "holds designation"
    code, out = _run("review", "decide", fact["fact"], "reject", "--reviewer", "Ann Smith", "--note", "not this post's")
    assert code == 0, out
    assert (project / "curation" / "ann-smith.csv").is_file()

    code, out = _run("build", "postings", "--no-validate")  # curation/ of the working folder, by default
    assert code == 0, out
    assert "1 applied (0 accepted, 1 rejected, 0 corrected)" in out
    assert "caldicott-guardian" not in _holders()
    assert "caldicott-guardian" in _missing()
    assert _held_in_view() == []
    code, out = _run("build", "postings", "--no-validate", "--no-decisions")
    assert code == 0 and "caldicott-guardian" in _holders()

    (project / "curation" / "ann-smith.csv").unlink()
    code, out = _run("build", "postings", "--no-validate")
    assert code == 0, out
    assert "caldicott-guardian" in _holders() and "caldicott-guardian" not in _missing()
    assert _held_in_view() == ["Caldicott Guardian"]


def test_a_decision_about_a_posting_that_changed_is_reported_not_applied(project: Path) -> None:
    code, out = _run("build", "postings", "--no-validate")
    assert code == 0, out
    code, out = _run("review", "--no-shacl", "--format", "csv", "--field", "designations")
    [fact] = [row for row in csv.DictReader(out.splitlines()) if row["code"] == "caldicott-guardian"]
    code, out = _run("review", "decide", fact["fact"], "reject", "--reviewer", "Ann Smith")
    assert code == 0, out
    text = project / "postings" / f"{SEED}.txt"
    text.write_text(text.read_text(encoding="utf-8").replace("Act as Caldicott Guardian, ensuring",
                                                             "Act as Caldicott Guardian for the Trust, ensuring"), encoding="utf-8")
    code, out = _run("build", "postings", "--no-validate")
    assert code == 0, out
    assert "0 applied" in out and "1 no longer match their posting" in out
    assert "stale: posting 000_ceef7d63af8bb6ec: holds designation caldicott-guardian rejected by Ann Smith" in out
    assert "the sentence it was read from has changed" in out and "ann-smith.csv:2" in out
    assert "caldicott-guardian" in _holders()  # not applied to the changed sentence


def _facts() -> dict[str, dict[str, str]]:
    code, out = _run("review", "--no-shacl", "--format", "csv", "--status", "all", "--limit", "0")
    assert code == 0, out
    return {row["code"]: row for row in csv.DictReader(out.splitlines())}


def test_analyses_can_count_reviewed_facts_only_and_the_index_says_how_many(project: Path) -> None:
    code, out = _run("build", "postings", "--no-validate")
    assert code == 0, out
    assert "caldicott-guardian" not in _missing()
    code, out = _run("analyse", "gaps", "--reviewed-only", "--format", "json")
    assert code == 0, out
    assert "caldicott-guardian" in [d["code"] for d in json.loads(out)["organisations"][0]["missing"]]  # nobody checked it

    code, out = _run("review", "decide", _facts()["caldicott-guardian"]["fact"], "accept", "--reviewer", "Ann Smith")
    assert code == 0, out
    code, out = _run("review", "--no-shacl", "--format", "csv")  # the queue no longer offers it
    assert "caldicott-guardian" not in out
    code, out = _run("review", "--no-shacl", "--format", "csv", "--status", "decided")
    assert "caldicott-guardian" in out and "accepted by Ann Smith (next build)" in out
    code, out = _run("build", "postings", "--no-validate")
    assert code == 0, out
    code, out = _run("analyse", "gaps", "--reviewed-only", "--format", "json")
    assert "caldicott-guardian" not in [d["code"] for d in json.loads(out)["organisations"][0]["missing"]]
    assert _facts()["caldicott-guardian"]["status"] == "accepted by Ann Smith"
    code, out = _run("query", "review-status", "--param", "status=accepted", "--format", "csv")
    assert code == 0 and "Caldicott Guardian" in out and "Ann Smith" in out

    code, out = _run("render", "all", "--out", "views")
    assert code == 0, out
    index = Path("views/index.html").read_text(encoding="utf-8")
    assert "of which reviewed: accepted or corrected</th><td class=\"n\">1<" in index


def test_evaluate_reviewed_scores_the_extractor_against_the_decisions(project: Path) -> None:
    code, out = _run("build", "postings", "--no-validate")
    assert code == 0, out
    facts = _facts()
    for fact, verdict, *more in (
        ("caldicott-guardian", "accept"),
        ("local-medical-committee", "reject"),
        ("icb", "correct", "--code", "Integrated Care System"),  # another body: typed as its label
    ):
        code, out = _run("review", "decide", facts[fact]["fact"], verdict, *more, "--reviewer", "Ann Smith")
        assert code == 0, out
    assert "ics" in (project / "curation" / "ann-smith.csv").read_text(encoding="utf-8")
    code, out = _run("evaluate", "--reviewed", "--format", "json")  # the postings the store names
    assert code == 0, out
    fields = json.loads(out)["fields"]
    assert (fields["designations"]["tp"], fields["designations"]["fp"]) == (1, 0)
    # local-medical-committee rejected, icb corrected away: two false positives; ics never read: a miss
    assert (fields["bodies"]["tp"], fields["bodies"]["fp"], fields["bodies"]["fn"]) == (0, 2, 1)
    code, out = _run("evaluate", "--reviewed", "--against", "postings")
    assert code == 0, out
    assert "3 decision(s)" in out and "designations" in out


def test_the_python_api_applies_a_curation_folder_and_reports_on_it(project: Path) -> None:
    import nhskg

    code, out = _run("build", "postings", "--no-validate")
    assert code == 0, out
    code, out = _run("review", "decide", _facts()["caldicott-guardian"]["fact"], "reject", "--reviewer", "Ann Smith")
    assert code == 0, out
    report = nhskg.build("postings", store="api-store", decisions="curation", validate=False)
    assert report.curation is not None and report.curation.rejected == 1
    assert "1 rejected" in report.summary()
    plain = nhskg.build("postings", store="api-store", validate=False)  # no folder named: none applied
    assert not hasattr(plain, "curation")


def test_a_large_build_applies_decisions_in_its_worker_processes(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Builds of many documents extract in forked workers: they inherit the decisions in force,
    and what the decisions did is counted back in the main process."""
    import importlib

    from nhskg.curation import Decision, Decisions, applying, evidence_hash

    composer = importlib.import_module("nhskg.pipeline.build")  # the module; nhskg.build is also the API function

    for seed in sorted(SEEDS.glob("00*.txt")):
        shutil.copy(seed, project / "postings")
    sentence = ("Act as Caldicott Guardian, ensuring robust information governance, patient confidentiality, "
                "and data protection compliance")
    rejected = Decision(SEED, "designations", "caldicott-guardian", evidence_hash(sentence), "reject", "", "", "Ann Smith",
                        "2026-12-04T10:00:00Z")
    monkeypatch.setattr(composer, "PARALLEL_OVER", 2)
    with applying(Decisions.of([rejected])) as session:
        report = composer.build([project / "postings"], project / "store", workers=2, validate=False)
        tally = session.report()
    assert report.postings_written == 5
    assert (tally.rejected, tally.stale, tally.not_read) == (1, (), 0)
    source = GraphStore.open(project / "store").source()
    assert not source.ask("ASK { ?post <https://w3id.org/nhskg/def#holdsDesignation> "
                          "<https://w3id.org/nhskg/vocab/designation/caldicott-guardian> }")


# --------------------------------------------------------------------------- a duty's areas, over every seed


@pytest.fixture
def seeds_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, real_home: None) -> Path:
    """A working folder with a copy of the seeds (CMOs and Chief Nurses), built without decisions."""
    if not SEEDS.is_dir():
        pytest.skip("seeds/ is not in this checkout")
    shutil.copytree(SEEDS, tmp_path / "postings")
    monkeypatch.chdir(tmp_path)
    code, out = _run("build", "postings", "--no-validate")
    assert code == 0, out
    return tmp_path


def _areas() -> list[dict[str, str]]:
    code, out = _run("query", "duty-area-review-status", "--format", "csv")
    assert code == 0, out
    return list(csv.DictReader(out.splitlines()))


def _cmo_areas() -> dict[str, int]:
    """Area code -> how many CMO postings `analyse overlap CMO "Chief Nurse"` counts with it."""
    code, out = _run("analyse", "overlap", "CMO", "Chief Nurse", "--format", "json")
    assert code == 0, out
    return {a["area"]: a["postings_a"] for a in json.loads(out)["areas"]}


def _to_check() -> dict[tuple[str, str, str], str]:
    """(posting, area label, sentence) -> review status, of every area `query duty-areas-to-check` lists."""
    code, out = _run("query", "duty-areas-to-check", "--param", "below=1.01", "--format", "csv")
    assert code == 0, out
    return {(r["posting_id"], r["area_label"], r["sentence"]): r["review_status"] for r in csv.DictReader(out.splitlines())}


def test_a_duty_area_rejected_corrected_or_accepted_stays_so_after_a_rebuild(seeds_project: Path) -> None:
    rows = _areas()
    cmo = [r for r in rows if r["role"] == "chief-medical-officer" and r["review_status"] == "unreviewed"]
    once = {(r["posting_id"], r["value"]) for r in cmo
            if sum(1 for o in rows if (o["posting_id"], o["value"]) == (r["posting_id"], r["value"])) == 1}
    only = sorted((r for r in cmo if (r["posting_id"], r["value"]) in once), key=lambda r: float(r["confidence"]))
    gone, moved = only[0], only[1]
    has = {(r["posting_id"], r["value"]) for r in rows}
    target = next(code for code in ("workforce", "finance", "estates-facilities", "maternity-neonatal")
                  if (moved["posting_id"], code) not in has)
    kept = next(r for r in cmo if r not in (gone, moved))
    before = _cmo_areas()

    # the queue lists them in words, weakest first among the unflagged, and decides on them by id
    code, out = _run("review", "--no-shacl", "--field", "duty area", "--limit", "0", "--format", "json")
    assert code == 0, out
    queue = json.loads(out)
    assert {f["field"] for f in queue} == {"duty_areas"} and len(queue) == len(rows)
    assert [f["confidence"] for f in queue] == sorted(f["confidence"] for f in queue)

    def fact_of(row: dict[str, str]) -> dict[str, object]:
        [fact] = [f for f in queue if (f["posting_id"], f["code"], f["sentence"]) == (row["posting_id"], row["value"], row["sentence"])]
        return fact

    code, out = _run("review", "--no-shacl", "--field", "duty area", "--posting", gone["posting_id"])
    assert code == 0 and f"duty area: {gone['value_label']}"[:37] in out, out  # the table cuts long labels
    for row, args in ((gone, ["reject"]), (moved, ["correct", "--code", target.replace("-", " ").title() if target == "workforce" else target]),
                      (kept, ["accept", "--note", "it is"])):
        code, out = _run("review", "decide", fact_of(row)["id"], *args, "--reviewer", "Ann Smith")
        assert code == 0, out
    code, out = _run("review", "decide", fact_of(kept)["id"], "correct", "--field", "works with", "--reviewer", "Ann Smith")
    assert code == 2 and "a duty area can only be corrected to another duty area" in out

    code, out = _run("build", "postings", "--no-validate")
    assert code == 0 and "3 applied (1 accepted, 1 rejected, 1 corrected)" in out, out
    after = {(r["posting_id"], r["value"], r["sentence"]): r for r in _areas()}
    assert (gone["posting_id"], gone["value"], gone["sentence"]) not in after
    assert (moved["posting_id"], moved["value"], moved["sentence"]) not in after
    fixed = after[(moved["posting_id"], target, moved["sentence"])]
    assert (fixed["review_status"], fixed["reviewer"], fixed["confidence"]) == ("corrected", "Ann Smith", moved["confidence"])
    assert fixed["extracted_value"].endswith(moved["value"])
    accepted = after[(kept["posting_id"], kept["value"], kept["sentence"])]
    assert (accepted["review_status"], accepted["note"]) == ("accepted", "it is")
    assert len(after) == len(rows) - 1

    checked = _to_check()
    assert (gone["posting_id"], gone["value_label"], gone["sentence"]) not in checked
    assert (moved["posting_id"], moved["value_label"], moved["sentence"]) not in checked
    assert [status for (p, a, s), status in checked.items() if (p, s) == (moved["posting_id"], moved["sentence"]) and status != "unreviewed"
            ] == ["corrected"]
    assert checked[(kept["posting_id"], kept["value_label"], kept["sentence"])] == "accepted"
    now = _cmo_areas()
    expected = dict(before)
    for area, change in ((gone["value"], -1), (moved["value"], -1), (target, 1)):
        expected[area] = expected.get(area, 0) + change
    assert {a: now.get(a, 0) for a in (gone["value"], moved["value"], target)} == {
        a: expected[a] for a in (gone["value"], moved["value"], target)}
    # the decided areas are not in the queue of work to do
    code, out = _run("review", "--no-shacl", "--field", "duty area", "--limit", "0", "--format", "json")
    assert len(json.loads(out)) == len(rows) - 3


#: A fact id of 10,000 characters (repeated whole, the message was 10 KB) and one with a newline
#: (which broke the one error line in two).
@pytest.mark.parametrize("fact", ["f" * 10_000, "two\nlines"], ids=["long", "newline"])
def test_an_unknown_fact_id_is_echoed_in_short(seeds_store: Path, tmp_path: Path, fact: str) -> None:
    code, out = _run("--store", seeds_store, "review", "decide", fact, "accept", "--reviewer", "Ann",
                     "--decisions", tmp_path / "curation")
    lines = out.strip().splitlines()
    assert code == 2 and len(lines) == 1 and len(lines[0]) < 200, (len(out), out[:300])
    assert lines[0].startswith("error: no fact with the id '") and "(see `nhskg review`)" in lines[0]


def test_a_status_the_review_queue_does_not_know_is_echoed_in_short(seeds_source) -> None:
    from nhskg.review.queue import review_queue

    with pytest.raises(ValueError) as raised:
        review_queue(seeds_source, status="s" * 10_000)
    assert len(str(raised.value)) < 200 and str(raised.value).startswith("status must be one of unreviewed")
