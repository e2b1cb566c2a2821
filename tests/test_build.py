"""The build composer: idempotent, incremental, strict, and safe against a SIGKILL half-way."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import to_isomorphic

from graph_fixtures import B, leadership_posting, minimal_posting, write_records
from nhskg.pipeline.build import build, build_postings
from nhskg.cli import main
from nhskg.read.documents import Problem
from nhskg.errors import InputError
from nhskg.extract.postings import Item
from nhskg.graph.posting import posting_quads
from nhskg.sparql.sources import to_rdflib
from nhskg.graph.store import GraphStore
from nhskg.vocabulary.vocab import Vocabulary

TESTS = Path(__file__).parent


def union(directory: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for t in GraphStore.open(directory).union_triples():
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


def quads(directory: Path) -> set[ox.Quad]:
    return set(GraphStore.open(directory).store)


def test_rebuild_is_idempotent(tmp_path: Path, vocab: Vocabulary) -> None:
    store = tmp_path / "store"
    postings = [leadership_posting(), minimal_posting()]
    first = build_postings(postings, store, vocab=vocab)
    graph_one, quads_one = union(store), quads(store)
    second = build_postings(postings, store, vocab=vocab)
    assert first.triples == second.triples == len(graph_one)
    assert to_isomorphic(union(store)) == to_isomorphic(graph_one)
    assert quads(store) == quads_one
    assert first.postings_read == first.postings_written == 2 and not first.problems
    assert first.validation is not None and first.validation.conforms, first.validation.results


def test_adding_a_posting_adds_exactly_its_quads(tmp_path: Path, vocab: Vocabulary) -> None:
    store = tmp_path / "store"
    build_postings([leadership_posting(), minimal_posting()], store, vocab=vocab, validate=False)
    before = quads(store)
    extra = leadership_posting("job-3", org="Another Trust")
    build_postings([extra], store, vocab=vocab, validate=False)
    assert quads(store) - before == set(posting_quads(extra, vocab))
    assert before <= quads(store)


def test_a_changed_posting_replaces_its_statements(tmp_path: Path, vocab: Vocabulary) -> None:
    store = tmp_path / "store"
    build_postings([leadership_posting(), minimal_posting()], store, vocab=vocab, validate=False)
    changed = leadership_posting(designations=(), title="Interim Medical Director")
    build_postings([changed], store, vocab=vocab, validate=False)
    graph = ox.NamedNode(f"{B}graph/posting/job-1")
    assert {q for q in quads(store) if q.graph_name == graph} == {q for q in posting_quads(changed, vocab) if q.graph_name == graph}
    holds = rdflib.URIRef("https://w3id.org/nhskg/def#holdsDesignation")
    assert (None, holds, None) not in union(store)


def _organisation_quads(directory: Path) -> set[tuple[str, str, str]]:
    graph = ox.NamedNode(f"{B}graph/organisations")
    return {(q.subject.value, q.predicate.value, str(q.object)) for q in GraphStore.open(directory).store.quads_for_pattern(None, None, None, graph)}


def test_organisations_are_stated_once_and_go_when_no_posting_names_them(tmp_path: Path, vocab: Vocabulary) -> None:
    """Two postings of one trust state its name once; the trust stays while a posting names it,
    and goes (with the posts named by role under it) when its last posting moves elsewhere."""
    store = tmp_path / "store"
    build_postings([leadership_posting(), minimal_posting()], store, vocab=vocab, validate=False)
    trust = f"{B}org/norfolk-hospitals-nhs-trust"
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    opened = GraphStore.open(store)
    assert len(list(opened.store.quads_for_pattern(ox.NamedNode(trust), label, None))) == 1
    assert opened.triple_count() == opened.quad_count()  # the union repeats nothing
    opened.close()
    # job-2 moves to another trust: job-1 still names the first one, so it stays
    build_postings([minimal_posting(org="Another Trust")], store, vocab=vocab, validate=False)
    subjects = {s for s, _, _ in _organisation_quads(store)}
    assert trust in subjects and f"{B}org/another-trust" in subjects
    # job-1 moves too: nothing names the first trust or the role posts under it any more
    build_postings([leadership_posting(org="Another Trust")], store, vocab=vocab, validate=False)
    subjects = {s for s, _, _ in _organisation_quads(store)}
    assert not any(s.startswith(trust) for s in subjects), subjects
    assert f"{B}org/another-trust" in subjects
    assert any(s.startswith(f"{B}org/another-trust/role/") for s in subjects)
    # and a fresh build of the same postings holds exactly the same organisations graph
    fresh = tmp_path / "fresh"
    build_postings([leadership_posting(org="Another Trust"), minimal_posting(org="Another Trust")], fresh, vocab=vocab,
                   validate=False)
    assert _organisation_quads(fresh) == _organisation_quads(store)


def test_bad_records_are_skipped_or_fail_a_strict_build(tmp_path: Path, vocab: Vocabulary) -> None:
    store = tmp_path / "store"
    build_postings([minimal_posting()], store, vocab=vocab, validate=False)
    before = quads(store)
    bad = leadership_posting("job-9", designations=(Item("fire-warden", "fire warden", leadership_posting().title_evidence),))
    problem = Problem("in/broken.html", "not a job posting")
    report = build_postings([problem, bad, leadership_posting()], store, vocab=vocab, validate=False)
    assert report.postings_read == 2 and report.postings_written == 1
    assert [p.source for p in report.problems] == ["in/broken.html", "postings/job-9.txt"]
    assert "fire-warden" in report.problems[1].problem and report.problems[1].record == "job-9"
    assert GraphStore.open(store).posting_ids() == ["job-1", "job-2"]
    assert not report.ok

    after_lenient = quads(store)
    with pytest.raises(InputError, match="fire-warden"):
        build_postings([leadership_posting("job-4"), bad], store, vocab=vocab, strict=True)
    assert quads(store) == after_lenient != before


def test_duplicate_ids_in_one_build_are_a_problem(tmp_path: Path, vocab: Vocabulary) -> None:
    report = build_postings(
        [leadership_posting(), replace(leadership_posting(), source="elsewhere.txt", title="Chief Nursing Officer")],
        tmp_path / "store", vocab=vocab, validate=False,
    )
    assert report.postings_written == 1 and not report.ok
    assert "already read from postings/job-1.txt with different content" in report.problems[0].problem


def test_the_same_record_read_twice_is_merged(tmp_path: Path, vocab: Vocabulary) -> None:
    """Issue 15: overlapping inputs (a seed file and the corpus it came from) merge, counted."""
    report = build_postings(
        [leadership_posting(), replace(leadership_posting(), source="elsewhere.txt")],
        tmp_path / "store", vocab=vocab, validate=False,
    )
    assert report.ok and report.postings_written == report.postings_stored == 1 and report.merged == 1
    assert "1 duplicate record merged" in report.summary()


CHILD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from graph_fixtures import leadership_posting
    from nhskg.pipeline.build import build_postings
    from nhskg.graph.store import GraphWriter
    from nhskg.vocabulary.vocab import load_vocabulary

    GraphWriter.BATCH = 500_000  # flush every twenty postings or so: the new generation is half-written

    store, marker, home = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    vocab = load_vocabulary(home / "ontology" / "vocab")

    def progress(done, total):
        if done == 150:
            marker.write_text("half-way")
            time.sleep(60)

    postings = [leadership_posting()] + [leadership_posting(f"new-{i}") for i in range(300)]
    build_postings(postings, store, vocab=vocab, validate=False, progress=progress, total=len(postings))
    """
)


def test_store_survives_sigkill_of_a_build_half_way(tmp_path: Path, home: Path, vocab: Vocabulary) -> None:
    store = tmp_path / "store"
    build_postings([leadership_posting(), minimal_posting()], store, vocab=vocab, validate=False)
    before = quads(store)
    marker = tmp_path / "half-way"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), str(TESTS.parent / "src")])}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(store), str(marker), str(home)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert child.poll() is None, "the child build ended before half-way"
            assert time.monotonic() < deadline, "the child build never got half-way"
            time.sleep(0.05)
        # the new generation is on disk, being written
        assert len([p for p in store.iterdir() if p.name.startswith("gen-")]) == 2
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    finally:
        if child.poll() is None:
            child.kill()
    assert quads(store) == before
    assert GraphStore.open(store).posting_ids() == ["job-1", "job-2"]
    report = build_postings([leadership_posting("job-5")], store, vocab=vocab, validate=False)
    assert report.postings_written == 1
    assert GraphStore.open(store).posting_ids() == ["job-1", "job-2", "job-5"]
    # the killed build's half-written generation was removed; only the live one is left
    generations = [p.name for p in store.iterdir() if p.name.startswith("gen-")]
    assert generations == [(store / "CURRENT").read_text().strip()]


def test_cli_validate_and_export(tmp_path: Path, vocab: Vocabulary) -> None:
    store = tmp_path / "store"
    build_postings([leadership_posting(), minimal_posting()], store, vocab=vocab, validate=False)
    runner = CliRunner()
    result = runner.invoke(main, ["--store", str(store), "validate"])
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output
    out = tmp_path / "graph.trig"
    result = runner.invoke(main, ["export", "--store", str(store), str(out)])
    assert result.exit_code == 0, result.output
    assert set(ox.parse(path=str(out), format=ox.RdfFormat.TRIG)) == quads(store)  # every quad, no other
    result = runner.invoke(main, ["export", "--store", str(tmp_path / "none"), str(out)])
    assert result.exit_code == 1 and "nhskg build PATH" in result.output


def test_cli_docs_lists_every_term_and_scheme(tmp_path: Path, home: Path) -> None:
    result = CliRunner().invoke(main, ["docs", "--out", str(tmp_path / "docs")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "docs" / "index.html").read_text()
    assert page.startswith("<!DOCTYPE html>")
    for term in ("Extracted statement", "professionally accountable to", "label as written", "leadership role"):
        assert term in page
    assert "Caldicott Guardian" in page and "scheme-role-type" in page and "The Chief Nurse." in page


def test_cli_build_reads_files_end_to_end(tmp_path: Path) -> None:
    """The real readers, extractor and vocabulary: one plain-text posting becomes a posting graph."""
    posting = tmp_path / "in" / "cmo.txt"
    posting.parent.mkdir()
    posting.write_text(
        "Chief Medical Officer\n"
        "Norfolk and Norwich University Hospitals NHS Foundation Trust\n"
        "The Chief Medical Officer reports to the Chief Executive and is the Responsible Officer "
        "for the Trust. You will work closely with the Chief Nurse.\n",
        encoding="utf-8",
    )
    (tmp_path / "in" / "empty.json").write_text("{not json", encoding="utf-8")
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["build", "--store", str(store), "--no-validate", str(posting.parent)])
    assert result.exit_code == 1, result.output  # the broken JSON file was skipped
    assert "skipped" in result.output and "empty.json" in result.output
    assert GraphStore.open(store).posting_ids() == ["cmo"]


def test_bug_ctrl_c_once_the_build_was_live_said_the_store_was_unchanged(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The new generation goes live before it is validated: Ctrl-C then said "the previous store
    is unchanged" though the store held the new build, and the skipped files went unreported."""
    import nhskg.graph.writer as writer_module

    posting = tmp_path / "in" / "cmo.txt"
    posting.parent.mkdir()
    posting.write_text("Chief Medical Officer\nNorfolk and Norwich University Hospitals NHS Foundation Trust\n"
                       "The Chief Medical Officer reports to the Chief Executive.\n", encoding="utf-8")
    (tmp_path / "in" / "empty.json").write_text("{not json", encoding="utf-8")
    store = tmp_path / "store"

    def ctrl_c(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(writer_module, "validate_graph", ctrl_c)  # Ctrl-C while the live build is validated
    result = CliRunner().invoke(main, ["build", "--store", str(store), str(posting.parent)])
    assert result.exit_code == 130, result.output
    assert "is unchanged" not in result.output
    assert f"the build was committed ({store} holds it), but its validation did not finish" in result.output
    assert f"nhskg --store {store} validate" in result.output
    assert "1 posting(s) read, 1 stored (0 unchanged), 1 skipped" in result.output  # the report, as after a build
    assert "skipped" in result.output and "empty.json" in result.output
    assert GraphStore.open(store).posting_ids() == ["cmo"]


def _one_posting(folder: Path) -> Path:
    """A folder with one plain-text posting (cmo) and one file that is skipped (broken.json)."""
    folder.mkdir()
    (folder / "cmo.txt").write_text("Chief Medical Officer\nNorfolk and Norwich University Hospitals NHS Foundation Trust\n"
                                    "The Chief Medical Officer reports to the Chief Executive.\n", encoding="utf-8")
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    return folder


@pytest.mark.parametrize("export", ["a-file/graph.ttl", "graph.xyz"], ids=["under-a-file", "unknown-extension"])
def test_bug_a_bad_export_path_was_found_only_after_the_build(tmp_path: Path, export: str) -> None:
    """`build --export` checked the export path only once the whole build had run, and then said
    the store was unchanged though it had been updated. A path that cannot be one is a usage
    mistake found before anything is built."""
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["build", "--store", str(store), "--no-validate", "--export", str(tmp_path / export),
                                       str(_one_posting(tmp_path / "in"))])
    assert result.exit_code == 2, result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and str(tmp_path / export) in errors[0], result.output
    assert ("a-file is a file, not a folder" if "/" in export else "'.xyz' is not a format") in errors[0]
    assert "posting(s) read" not in result.output and not (store / "CURRENT").exists()


def test_bug_an_export_that_failed_after_the_build_hid_its_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An export that still fails once the build is committed (a full disk) said "the previous
    store and files are unchanged" and printed no report: the store was updated, only the
    export failed, and the report says what the build did."""
    import errno

    out = tmp_path / "graph.ttl"

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(ox, "serialize", full)
    store = tmp_path / "store"
    result = CliRunner().invoke(main, ["build", "--store", str(store), "--no-validate", "--export", str(out),
                                       str(_one_posting(tmp_path / "in"))])
    assert result.exit_code == 1, result.output
    assert "1 posting(s) read, 1 stored (0 unchanged), 1 skipped" in result.output and "broken.json" in result.output
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "previous store" not in errors[0], result.output
    assert f"the build was committed ({store} holds it); only the export to {out} failed" in errors[0]
    assert "No space left on device" in errors[0] and f"nhskg --store {store} export {out}" in errors[0]
    assert GraphStore.open(store).posting_ids() == ["cmo"] and not out.exists()


def test_bug_a_posting_from_another_file_replaced_the_stored_one_silently(tmp_path: Path) -> None:
    """Within one build a second posting with the same id is refused with a line; a later build
    replaced the stored one read from another file without a word. It still replaces it (the
    later build is the newer word), and says so; an update read from the same file says nothing."""
    text = ("Chief Medical Officer\nNorfolk and Norwich University Hospitals NHS Foundation Trust\n"
            "The Chief Medical Officer reports to the Chief Executive.\n")
    a, b = tmp_path / "A" / "cmo.txt", tmp_path / "B" / "cmo.txt"
    for path, title in ((a, "Chief Medical Officer"), (b, "Medical Director")):
        path.parent.mkdir()
        path.write_text(text.replace("Chief Medical Officer", title, 1), encoding="utf-8")
    store = tmp_path / "store"
    runner = CliRunner()
    first = runner.invoke(main, ["build", "--store", str(store), "--no-validate", str(a.parent)])
    assert first.exit_code == 0 and "replaced" not in first.output, first.output
    # a store whose table does not name the files (made before it did): they are read from the store
    from nhskg.graph.generations import _DIGESTS, _live

    table = _live(store) / _DIGESTS
    table.write_text("".join("\t".join(line.split("\t")[:4]).rstrip("\n") + "\n"
                             for line in table.read_text(encoding="utf-8").splitlines(keepends=True)), encoding="utf-8")
    second = runner.invoke(main, ["build", "--store", str(store), "--no-validate", str(b.parent)])
    assert second.exit_code == 0, second.output
    assert f"  posting cmo read from {a} is replaced by the one in {b}\n" in second.output
    assert "1 replaced from another file" in second.output
    assert GraphStore.open(store).posting_ids() == ["cmo"]
    assert any(str(b) in str(q.object) for q in GraphStore.open(store).store)  # B's posting is the one stored
    b.write_text(text.replace("Chief Medical Officer", "Interim Medical Director", 1), encoding="utf-8")
    again = runner.invoke(main, ["build", "--store", str(store), "--no-validate", str(b.parent)])
    assert again.exit_code == 0 and "replaced" not in again.output, again.output
    assert "1 posting(s) read, 1 stored (0 unchanged)" in again.output  # rewritten, from the same file


#: Files that are there but give no posting: empty, binary, malformed.
UNREADABLE = {"empty.txt": b"", "binary.txt": bytes(range(256)) * 40, "broken.json": b"{not json"}


def _store_of_one_and_a_folder_of_unreadable_files(tmp_path: Path) -> tuple[Path, Path]:
    posting = tmp_path / "in" / "cmo.txt"
    posting.parent.mkdir()
    posting.write_text("Chief Medical Officer\nNorfolk and Norwich University Hospitals NHS Foundation Trust\n"
                       "The Chief Medical Officer reports to the Chief Executive.\n", encoding="utf-8")
    store = tmp_path / "store"
    assert CliRunner().invoke(main, ["build", "--store", str(store), "--no-validate", str(posting)]).exit_code == 0
    bad = tmp_path / "bad"
    bad.mkdir()
    for name, data in UNREADABLE.items():
        (bad / name).write_bytes(data)
    return store, bad


@pytest.mark.parametrize("fresh", [True, False], ids=["fresh", "update"])
def test_bug_a_build_that_read_no_posting_replaced_the_store_with_an_empty_one(tmp_path: Path, fresh: bool) -> None:
    """``build --fresh`` of files that are all there but unreadable made an empty store live (exit
    1): everything built before was lost. A build that reads no posting replaces nothing, and says so."""
    store, bad = _store_of_one_and_a_folder_of_unreadable_files(tmp_path)
    before, live = quads(store), (store / "CURRENT").read_text()
    out = tmp_path / "graph.ttl"
    result = CliRunner().invoke(main, ["build", "--store", str(store), "--no-validate", "--export", str(out),
                                       *(["--fresh"] if fresh else []), str(bad)])
    assert result.exit_code == 1, result.output
    assert quads(store) == before and (store / "CURRENT").read_text() == live
    assert GraphStore.open(store).posting_ids() == ["cmo"]
    assert not out.exists() and result.stderr.splitlines()[-1] == f"the export to {out} was not written: the build replaced nothing"
    first = result.stderr.splitlines()[0]
    assert first.startswith("0 posting(s) read, 3 skipped; no posting could be read, so nothing was replaced:"), first
    assert f"the previous store in {store} is unchanged" in first
    for name in UNREADABLE:
        assert [line for line in result.stderr.splitlines() if line.startswith(f"  skipped {bad / name}: ")]


def test_bug_the_api_replaced_the_store_with_an_empty_one_when_no_file_could_be_read(tmp_path: Path) -> None:
    import nhskg

    store, bad = _store_of_one_and_a_folder_of_unreadable_files(tmp_path)
    before = quads(store)
    report = nhskg.build(bad, store=store, fresh=True, validate=False)
    assert quads(store) == before
    assert not report.ok and not report.committed and report.postings_read == 0 and len(report.problems) == 3
    assert "no posting could be read, so nothing was replaced" in report.summary()
    # nor is an empty store made where there was none
    report = nhskg.build(bad, store=tmp_path / "new", validate=False)
    assert not report.committed and not (tmp_path / "new" / "CURRENT").exists()


def test_bug_a_feed_moved_to_another_file_printed_a_line_per_posting(tmp_path: Path) -> None:
    """A later build that read a whole feed under a new name printed one "replaced" line for each
    of its postings (thousands for a real feed). One line per old and new file, with the count and
    a few ids; a posting that moved alone keeps its own line."""
    import json

    def feed(path: Path, ids: list[str]) -> None:
        path.parent.mkdir(exist_ok=True)
        path.write_text("".join(json.dumps({"@type": "JobPosting", "id": i, "title": "Staff Nurse",
                                            "hiringOrganization": {"name": "Norfolk Community Health and Care NHS Trust"},
                                            "description": "Staff Nurse on the ward."}) + "\n" for i in ids), encoding="utf-8")

    nurses = [f"nurse-{n}" for n in range(5)]
    feed(tmp_path / "A" / "feed.jsonl", nurses)
    feed(tmp_path / "A" / "one.jsonl", ["solo"])
    store, runner = tmp_path / "store", CliRunner()
    first = runner.invoke(main, ["build", "--store", str(store), "--no-validate", str(tmp_path / "A")])
    assert first.exit_code == 0, first.output
    feed(tmp_path / "B" / "moved.jsonl", nurses)
    feed(tmp_path / "B" / "other.jsonl", ["solo"])
    second = runner.invoke(main, ["build", "--store", str(store), "--no-validate", str(tmp_path / "B")])
    assert second.exit_code == 0, second.output
    a, b = tmp_path / "A", tmp_path / "B"
    assert [line for line in second.output.splitlines() if "replaced by" in line] == [
        f"  5 postings read from {a / 'feed.jsonl'} are replaced by the ones in {b / 'moved.jsonl'}"
        " (nurse-0, nurse-1, nurse-2, ...)",
        f"  posting solo read from {a / 'one.jsonl'} is replaced by the one in {b / 'other.jsonl'}",
    ]
    assert "6 replaced from another file" in second.output
