"""Issue 19, item 1 (and issue 15, item 5): no posting silently replaces another.

Graph IRIs derive from posting ids through :func:`nhskg.graph.rdfgraph.posting_key`; the build checks
ids on that key, counts the postings it finds stored afterwards, and merges a record read twice
with identical content (a seed file and the corpus it was taken from).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

import nhskg.graph.store
from nhskg.pipeline.build import build
from nhskg.graph.endpoint import EndpointWriter

from ._harness import CORPUS, Lines, build_cli, cli, good_posting, posting_ids, posting_quads_in, quads

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def folder_of(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


def organisations_exported(store: Path, tmp_path: Path) -> set[str]:
    export = tmp_path / "graph.nt"
    assert cli("--store", store, "export", export).exit_code == 0
    organisation = "<http://www.w3.org/ns/org#Organization>"
    label = "<http://www.w3.org/2000/01/rdf-schema#label>"
    subjects = {line.split(" ")[0] for line in export.read_text().splitlines() if line.endswith(f"{organisation} .")}
    return {line.split(" ", 2)[2].rsplit(" .", 1)[0] for line in export.read_text().splitlines()
            if line.split(" ")[0] in subjects and f" {label} " in line}


@pytest.mark.parametrize("names", [("ABC-1.txt", "abc_1.txt"), ("仕事.txt", "求人.txt")], ids=["case-and-punctuation", "non-ascii"])
def test_bug_ids_whose_slugs_clash_shared_one_graph(tmp_path: Path, names: tuple[str, str]) -> None:
    """Before: "2 written, 0 skipped", exit 0, and one of the two postings was gone."""
    folder = folder_of(tmp_path / "D", {names[0]: good_posting("Chief Nurse", "Trust One NHS Foundation Trust"),
                                        names[1]: good_posting("Chief Nurse", "Trust Two NHS Foundation Trust")})
    result = build_cli(tmp_path / "S", folder)
    assert result.exit_code == 0, result.output
    assert "2 posting(s) read, 2 stored (0 unchanged), 0 skipped" in result.output
    assert posting_ids(tmp_path / "S") == sorted(Path(n).stem for n in names)
    assert organisations_exported(tmp_path / "S", tmp_path) >= {'"Trust One NHS Foundation Trust"', '"Trust Two NHS Foundation Trust"'}


def test_plain_ids_keep_their_iris(tmp_path: Path) -> None:
    folder = folder_of(tmp_path / "D", {"000_ceef7d63af8bb6ec.txt": good_posting(), "916223185.txt": good_posting("Medical Director")})
    assert build_cli(tmp_path / "S", folder).exit_code == 0
    assert posting_quads_in(tmp_path / "S", "000-ceef7d63af8bb6ec") and posting_quads_in(tmp_path / "S", "916223185")


def test_two_plain_ids_that_still_share_a_graph_are_one_problem(tmp_path: Path) -> None:
    """"abc-1" and "abc_1" keep their plain IRIs, which are the same: the second is refused, said so."""
    folder = folder_of(tmp_path / "D", {"abc-1.txt": good_posting("Chief Nurse", "Trust One NHS Foundation Trust"),
                                        "abc_1.txt": good_posting("Chief Nurse", "Trust Two NHS Foundation Trust")})
    result = build_cli(tmp_path / "S", folder)
    assert result.exit_code == 1
    [line] = Lines(result.output).naming("abc_1.txt")
    assert line.startswith(f"  skipped {folder / 'abc_1.txt'} (record abc_1): posting id 'abc_1' has the same graph IRI as 'abc-1'")
    assert posting_ids(tmp_path / "S") == ["abc-1"]


def test_a_later_build_never_replaces_another_posting_in_the_store(tmp_path: Path) -> None:
    store = tmp_path / "S"
    assert build_cli(store, folder_of(tmp_path / "first", {"abc-1.txt": good_posting()})).exit_code == 0
    before = posting_quads_in(store, "abc-1")
    result = build_cli(store, folder_of(tmp_path / "second", {"abc_1.txt": good_posting("Medical Director")}))
    assert result.exit_code == 1
    [line] = Lines(result.output).naming("abc_1.txt")
    assert "has the same graph IRI as 'abc-1', already in the store" in line
    assert posting_ids(store) == ["abc-1"] and posting_quads_in(store, "abc-1") == before
    # the same posting built again replaces itself, as always
    assert build_cli(store, tmp_path / "first").exit_code == 0


def test_a_posting_written_but_not_stored_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The report counts what is in the new store, not what was handed to it."""
    replace = nhskg.graph.store.GraphWriter.replace_posting

    def lossy(self, posting_id, quads, **digests):  # type: ignore[no-untyped-def]
        if posting_id != "lost":
            replace(self, posting_id, quads, **digests)

    monkeypatch.setattr(nhskg.graph.store.GraphWriter, "replace_posting", lossy)
    folder = folder_of(tmp_path / "D", {"kept.txt": good_posting(), "lost.txt": good_posting("Medical Director")})
    result = build_cli(tmp_path / "S", folder)
    assert result.exit_code == 1
    assert "2 posting(s) read, 1 stored (0 unchanged), 1 skipped" in result.output
    [line] = Lines(result.output).naming("lost.txt")
    assert "written, but not found in the store afterwards" in line


def _feed(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


RECORDS = [{"@type": "JobPosting", "id": f"91600000{n}", "title": title, "hiringOrganization": {"name": "Trust A NHS Trust"},
            "description": good_posting(title, "Trust A NHS Trust")}
           for n, title in enumerate(["Chief Nurse", "Medical Director", "Staff Nurse"])]


def test_overlapping_inputs_merge_identical_records_with_a_count(tmp_path: Path) -> None:
    """Issue 15: `nhskg build seeds/ corpus.jsonl.gz` exited 1 because seed records repeat corpus ones."""
    seeds = _feed(tmp_path / "seeds.jsonl", RECORDS[:2])
    corpus = _feed(tmp_path / "corpus.jsonl", RECORDS)
    result = build_cli(tmp_path / "S", seeds, corpus)
    assert result.exit_code == 0, result.output
    assert "5 posting(s) read, 3 stored (0 unchanged), 0 skipped, 2 duplicate records merged" in result.output
    assert len(posting_ids(tmp_path / "S")) == 3


def test_the_same_id_with_different_content_is_one_problem(tmp_path: Path) -> None:
    seeds = _feed(tmp_path / "seeds.jsonl", [{**RECORDS[0], "title": "Chief Nursing Officer"}])
    corpus = _feed(tmp_path / "corpus.jsonl", RECORDS)
    result = build_cli(tmp_path / "S", seeds, corpus)
    assert result.exit_code == 1
    [line] = Lines(result.output).naming(str(corpus))
    assert line.startswith(f"  skipped {corpus} (record 916000000): posting id '916000000' was already read from {seeds}"
                           " with different content")


def test_a_remote_build_checks_the_same_key(tmp_path: Path) -> None:
    """A build into an endpoint writes ABC-1 and abc_1 into two graphs too (a real socket, an in-process server)."""
    from test_remote import FakeServer, _source

    fake = FakeServer()
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    try:
        folder = folder_of(tmp_path / "D", {"ABC-1.txt": good_posting(), "abc_1.txt": good_posting("Medical Director"),
                                            "abc-1.txt": good_posting("Chief Operating Officer")})
        report = build([folder], writer=EndpointWriter(_source(fake)), validate=False)
        graphs = {g.value for g in fake.store.named_graphs() if "/graph/posting/" in g.value}
        assert len(graphs) == report.postings_written == 2
        assert [p.record for p in report.problems] == ["abc_1"]
        assert "same graph IRI as 'abc-1'" in report.problems[0].problem
    finally:
        fake.shutdown()
        fake.server_close()


@pytest.mark.slow
@pytest.mark.skipif(not CORPUS.is_file(), reason="the 2020 corpus is not beside this checkout")
def test_the_documented_seeds_plus_corpus_build_exits_0(tmp_path: Path) -> None:
    report = build([SEEDS, CORPUS], tmp_path / "S", validate=False)
    assert report.ok and report.merged == 86, report.summary()
    assert report.postings_stored == report.postings_written == report.postings_read - 86
    assert "86 duplicate records merged" in report.summary()
    # built again: nothing extracted or written, every posting stored unchanged, the seeds merged still
    again = build([SEEDS, CORPUS], tmp_path / "S", validate=False)
    assert again.ok and again.merged == 86 and again.postings_written == 0, again.summary()
    assert again.postings_stored == again.postings_unchanged == report.postings_stored
    assert again.triples == report.triples


def test_nothing_already_built_is_lost_by_a_clash(tmp_path: Path) -> None:
    store = tmp_path / "S"
    assert build_cli(store, folder_of(tmp_path / "a", {"abc-1.txt": good_posting(), "z.txt": good_posting("Medical Director")})).exit_code == 0
    before = quads(store)
    assert build_cli(store, folder_of(tmp_path / "b", {"abc_1.txt": good_posting("Chief Operating Officer")})).exit_code == 1
    assert quads(store) == before


# Issues 17 and 19 together: a rebuild does not extract a record the store holds unchanged, yet
# that posting counts as stored and as read for the checks on ids (by the content the store recorded).


def test_a_rebuild_of_overlapping_inputs_keeps_merging_their_identical_records(tmp_path: Path) -> None:
    seeds = _feed(tmp_path / "seeds.jsonl", RECORDS[:2])
    corpus = _feed(tmp_path / "corpus.jsonl", RECORDS)
    store = tmp_path / "S"
    assert build_cli(store, seeds, corpus).exit_code == 0
    again = build_cli(store, seeds, corpus)
    assert again.exit_code == 0, again.output
    assert "5 posting(s) read, 3 stored (3 unchanged), 0 skipped, 2 duplicate records merged" in again.output
    # the corpus first: its copies of the seeds (merged before, so not held) are written, and the
    # seed records, held, merge into them
    turned = build_cli(store, corpus, seeds)
    assert turned.exit_code == 0, turned.output
    assert "5 posting(s) read, 3 stored (1 unchanged), 0 skipped, 2 duplicate records merged" in turned.output
    assert len(posting_ids(store)) == 3


@pytest.mark.parametrize("held_first", [True, False], ids=["held-first", "held-second"])
def test_a_held_posting_and_another_record_with_its_id_are_one_problem(tmp_path: Path, held_first: bool) -> None:
    corpus = _feed(tmp_path / "corpus.jsonl", RECORDS)
    changed = _feed(tmp_path / "changed.jsonl", [{**RECORDS[0], "title": "Chief Nursing Officer"}])
    store = tmp_path / "S"
    assert build_cli(store, corpus).exit_code == 0
    first, second = (corpus, changed) if held_first else (changed, corpus)
    result = build_cli(store, first, second)
    assert result.exit_code == 1
    assert f"4 posting(s) read, 3 stored ({3 if held_first else 2} unchanged), 1 skipped" in result.output
    [line] = [line for line in Lines(result.output).naming(str(second)) if "skipped" in line]
    assert line.startswith(f"  skipped {second} (record 916000000): posting id '916000000' was already read from {first}"
                           " with different content")
    # read first from the other feed, the posting replaces the one the store held from the corpus, and says so
    replaced = [line for line in Lines(result.output).naming("is replaced by")]
    assert replaced == ([] if held_first else [f"  posting 916000000 read from {corpus} is replaced by the one in {changed}"])


def test_a_held_posting_keeps_its_graph_from_an_id_that_shares_its_key(tmp_path: Path) -> None:
    store = tmp_path / "S"
    first = folder_of(tmp_path / "first", {"abc-1.txt": good_posting()})
    second = folder_of(tmp_path / "second", {"abc_1.txt": good_posting("Medical Director")})
    assert build_cli(store, first).exit_code == 0
    before = quads(store)
    result = build_cli(store, first, second)
    assert result.exit_code == 1
    assert "2 posting(s) read, 1 stored (1 unchanged), 1 skipped" in result.output
    [line] = Lines(result.output).naming("abc_1.txt")
    assert "posting id 'abc_1' has the same graph IRI as 'abc-1' read from" in line
    result = build_cli(store, second, first)
    assert result.exit_code == 1
    [line] = Lines(result.output).naming("abc_1.txt")
    assert "has the same graph IRI as 'abc-1', already in the store" in line
    assert posting_ids(store) == ["abc-1"] and quads(store) == before


def test_an_unchanged_posting_missing_from_the_store_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Kept, not written: the count afterwards still looks for it (here a digest table naming a
    graph the store lost)."""
    store = tmp_path / "S"
    folder = folder_of(tmp_path / "D", {"kept.txt": good_posting(), "lost.txt": good_posting("Medical Director")})
    assert build_cli(store, folder).exit_code == 0
    original = nhskg.graph.store.GraphWriter.finish

    def losing(self):  # type: ignore[no-untyped-def]
        self.remove_posting("lost")
        self._digests.update({g: d for g, d in self._live_table.items() if g.endswith("/lost")})
        return original(self)

    monkeypatch.setattr(nhskg.graph.store.GraphWriter, "finish", losing)
    result = build_cli(store, folder)
    assert result.exit_code == 1
    assert "2 posting(s) read, 1 stored (1 unchanged), 1 skipped" in result.output
    [line] = Lines(result.output).naming("lost.txt")
    assert "unchanged, but not found in the store afterwards" in line
