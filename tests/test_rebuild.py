"""Keeping a big store current (issue 17): a rebuild skips what has not changed, an addition
touches only what it adds, and neither costs a RocksDB file per graph or risks the live store."""

from __future__ import annotations

import importlib
import json
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from graph_fixtures import B, minimal_posting
from nhskg.pipeline.build import Held, build, build_postings
from nhskg.read.documents import Document
from nhskg.errors import StoreError
from nhskg.paths import ontology_dir, queries_dir
from nhskg.graph.store import GraphStore, GraphWriter
from nhskg.graph.validate import validate
from nhskg.vocabulary.vocab import Vocabulary

build_module = importlib.import_module("nhskg.pipeline.build")  # nhskg.build is also the function
validation = importlib.import_module("nhskg.graph.validate")

ORG = "Norfolk and Norwich University Hospitals NHS Foundation Trust"


def record(n: int, title: str = "Staff Nurse", org: str = ORG, extra: str = "") -> dict[str, Any]:
    description = (
        f"&lt;p&gt;{title}&lt;/p&gt;"
        "&lt;p&gt;You will be accountable to the Chief Executive and work closely with the Medical Director.&lt;/p&gt;"
        "&lt;p&gt;You will be the Caldicott Guardian and lead on safeguarding and infection prevention and control.&lt;/p&gt;"
        f"&lt;p&gt;{extra}&lt;/p&gt;"
    )
    return {"@type": "JobPosting", "id": f"post-{n}", "title": title, "hiringOrganization": {"name": org},
            "datePosted": "2020-10-01", "validThrough": "2020-11-01", "description": description}


def records(count: int = 12) -> list[dict[str, Any]]:
    """Mostly staff nurses (read from their title), every fourth a Chief Nurse (read in full);
    the last four postings are another trust's."""
    return [record(n, "Chief Nurse" if n % 4 == 0 else "Staff Nurse", ORG if n < count - 4 else "Other Trust")
            for n in range(count)]


def write(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def quads(store: Path) -> set[ox.Quad]:
    return set(GraphStore.open(store).store)


def graph_of(store: Path, posting_id: str) -> set[ox.Quad]:
    return set(GraphStore.open(store).store.quads_for_pattern(None, None, None, ox.NamedNode(f"{B}graph/posting/{posting_id}")))


@pytest.fixture()
def own_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the real ontology and vocabulary that a test may edit (NHSKG_HOME points at it)."""
    monkeypatch.delenv("NHSKG_HOME", raising=False)
    root = tmp_path / "home"
    shutil.copytree(ontology_dir(), root / "ontology")
    (root / "queries").symlink_to(queries_dir(), target_is_directory=True)  # the shapes run a library query
    monkeypatch.setenv("NHSKG_HOME", str(root))
    return root


@pytest.mark.parametrize("workers", [1, 2], ids=["one-process", "worker-pool"])
def test_an_unchanged_rebuild_rewrites_nothing_and_gives_the_same_store(tmp_path: Path, own_home: Path, workers: int,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(build_module, "PARALLEL_OVER", 5)  # the worker pool's path too,
    monkeypatch.setattr(validation, "PARALLEL_OVER", 1)  # where the workers validate in parts
    corpus, store = write(tmp_path / "corpus.jsonl", records()), tmp_path / "store"
    first = build([corpus], store, workers=workers)
    assert first.postings_written == 12 and first.postings_unchanged == 0 and first.ok, first.summary()
    assert first.validation is not None and first.validation.triples == validate(GraphStore.open(store)).triples
    before, generation = quads(store), (store / "CURRENT").read_text()
    again = build([corpus], store, workers=workers)
    assert again.postings_read == 12 and again.postings_written == 0 and again.postings_unchanged == 12
    assert quads(store) == before
    assert (store / "CURRENT").read_text() == generation  # not even a new generation
    assert again.validation is not None and again.validation.triples == 0 and again.validation.conforms
    assert "12 posting(s) read, 12 stored (12 unchanged), 0 skipped" in again.summary()


def test_a_changed_posting_is_rewritten_and_only_it(tmp_path: Path, own_home: Path) -> None:
    rows = records()
    corpus, store = write(tmp_path / "corpus.jsonl", rows), tmp_path / "store"
    build([corpus], store)
    before = quads(store)
    rows[4] = record(4, "Chief Nurse", extra="You will be the Responsible Officer for the trust.")
    report = build([write(corpus, rows)], store)
    fresh = build([corpus], tmp_path / "fresh")
    assert report.postings_written == 1 and report.postings_unchanged == 11
    assert graph_of(store, "post-4") != {q for q in before if q.graph_name.value.endswith("/post-4")}
    assert quads(store) == quads(tmp_path / "fresh")  # the same as building the changed corpus afresh
    assert fresh.triples == report.triples
    # validated: the changed posting and the other leadership posting of its trust, not the third
    assert report.validation is not None and report.validation.scope == "changed leadership"
    assert 0 < report.validation.triples < fresh.validation.triples  # type: ignore[union-attr]


def test_a_vocabulary_change_rewrites_every_posting(tmp_path: Path, own_home: Path) -> None:
    corpus, store = write(tmp_path / "corpus.jsonl", records()), tmp_path / "store"
    build([corpus], store)
    role_types = own_home / "ontology" / "vocab" / "role-type.ttl"
    role_types.write_text(role_types.read_text(encoding="utf-8") + (
        '\n<https://w3id.org/nhskg/vocab/role-type/chief-nurse> <http://www.w3.org/2004/02/skos/core#hiddenLabel> "CNX"@en .\n'
    ), encoding="utf-8")
    report = build([corpus], store)
    assert report.postings_written == 12 and report.postings_unchanged == 0
    build([corpus], tmp_path / "fresh")
    assert quads(store) == quads(tmp_path / "fresh")  # the ontology graph too
    hidden = ox.Literal("CNX", language="en")
    assert any(q.object == hidden for q in quads(store))


def test_adding_postings_leaves_the_others_untouched(tmp_path: Path, own_home: Path) -> None:
    store = tmp_path / "store"
    build([write(tmp_path / "corpus.jsonl", records())], store)
    before = quads(store)
    new = [record(100, "Chief Nurse", org="Another Hospital NHS Trust"), record(101, org="Another Hospital NHS Trust")]
    report = build([write(tmp_path / "new-adverts.jsonl", new)], store)
    assert report.postings_written == 2 and report.postings_unchanged == 0
    after = quads(store)
    assert before <= after  # nothing removed or rewritten
    added_graphs = {q.graph_name.value for q in after - before}
    assert added_graphs == {f"{B}graph/posting/post-100", f"{B}graph/posting/post-101", f"{B}graph/organisations"}
    added_subjects = {q.subject.value for q in after - before if q.graph_name.value.endswith("/organisations")}
    trust = f"{B}org/another-hospital-nhs-trust"  # the new trust, and the posts its postings name by role
    assert added_subjects == {trust, f"{trust}/role/chief-executive", f"{trust}/role/chief-medical-officer"}
    # only the new leadership posting is validated (it shares no organisation with the rest)
    assert report.validation is not None and report.validation.conforms
    assert 0 < report.validation.triples < build([write(tmp_path / "all.jsonl", records() + new)], tmp_path / "fresh").validation.triples  # type: ignore[union-attr]


@pytest.mark.parametrize("copy", [False, True], ids=["checkpoint-and-remove", "copy-the-rest"])
def test_rebuilding_hundreds_of_graphs_makes_no_file_per_graph(tmp_path: Path, vocab: Vocabulary, copy: bool,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """The copy that made 100,000 RocksDB files for the 2020 corpus ("Too many open files")
    copied the untouched graphs one bulk load each; 500 postings, 400 of them changed, show it."""
    monkeypatch.setattr(GraphWriter, "COPY_SHARE", 0.5 if copy else 1.0)
    monkeypatch.setattr(GraphWriter, "COMPACT_OVER", 1 if copy else GraphWriter.COMPACT_OVER)  # compacted, too
    decided: list[bool] = []
    original = GraphWriter._should_copy
    monkeypatch.setattr(GraphWriter, "_should_copy", lambda self: decided.append(original(self)) or decided[-1])
    store = tmp_path / "store"
    postings = [minimal_posting(f"job-{n}") for n in range(500)]
    build_postings(postings, store, vocab=vocab, validate=False, total=500)
    changed = [replace(minimal_posting(f"job-{n}"), title=f"Ward Nurse {n}") for n in range(400)] + postings[400:]
    report = build_postings(changed, store, vocab=vocab, validate=False, total=500)
    assert report.postings_written == 400 and report.postings_unchanged == 100
    assert decided[-1] is copy
    generation = store / (store / "CURRENT").read_text().strip()
    files = [p for p in generation.rglob("*") if p.is_file()]
    assert len(files) < 60, sorted(p.name for p in files)
    build_postings(changed, tmp_path / "fresh", vocab=vocab, validate=False)
    assert quads(store) == quads(tmp_path / "fresh")
    # the triple count is kept in the generation, right
    kept = int((generation / "nhskg-triples").read_text())
    assert kept == report.triples == len({(q.subject, q.predicate, q.object) for q in quads(store)})


def test_a_failure_mid_rebuild_keeps_the_previous_store(tmp_path: Path, vocab: Vocabulary,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "store"
    postings = [minimal_posting(f"job-{n}") for n in range(400)]
    build_postings(postings, store, vocab=vocab, validate=False)
    before, generation = quads(store), (store / "CURRENT").read_text()
    monkeypatch.setattr(GraphWriter, "BATCH", 20_000)  # batches load in the background, then the copy
    loads: list[int] = []
    original = GraphWriter._bulk_load

    def failing(self: GraphWriter, nquads: bytes) -> None:
        loads.append(len(nquads))
        original(self, nquads)
        raise StoreError("the disk is full (simulated, half-way through the copy)")

    monkeypatch.setattr(GraphWriter, "_bulk_load", failing)
    changed = [replace(minimal_posting(f"job-{n}"), title=f"Ward Nurse {n}") for n in range(350)] + postings[350:]
    with pytest.raises(StoreError, match="disk is full"):
        build_postings(changed, store, vocab=vocab, validate=False, total=400)
    assert loads, "the rebuild never reached the copy"
    assert quads(store) == before and (store / "CURRENT").read_text() == generation
    assert [p.name for p in store.iterdir() if p.name.startswith("gen-")] == [generation.strip()]
    monkeypatch.undo()
    report = build_postings(postings, store, vocab=vocab, validate=False)  # what the store holds: nothing to do
    assert report.postings_written == 0 and report.postings_unchanged == 400


def test_a_document_the_store_no_longer_holds_is_extracted_after_all(tmp_path: Path, own_home: Path) -> None:
    """A build marks the documents the store held when it looked; if another build replaced one
    since, the writer says so and the posting is extracted then."""
    store = tmp_path / "store"
    document = Document("post-1", "corpus.jsonl", "Chief Nurse\nYou will be the Caldicott Guardian.")
    report = build_postings([Held(document, "a digest the store does not hold")], store)
    assert report.postings_written == 1 and report.postings_unchanged == 0
    assert GraphStore.open(store).posting_ids() == ["post-1"]
    assert GraphStore.digests(store) >= {"a digest the store does not hold"}


# --------------------------------------------------------------------------- with the reviewers' decisions (issue 18)


def _designated(store: Path, posting_id: str) -> bool:
    return any(q.predicate.value.endswith("#holdsDesignation") for q in graph_of(store, posting_id))


def _evidence(store: Path, posting_id: str, concept: str) -> str:
    graph = graph_of(store, posting_id)
    [statement] = {q.subject for q in graph if q.object == ox.NamedNode(concept)
                   and q.predicate.value == "http://www.w3.org/1999/02/22-rdf-syntax-ns#object"}
    [sentence] = [q.object.value for q in graph if q.subject == statement and q.predicate.value.endswith("#evidenceSentence")]
    return sentence


@pytest.mark.parametrize("workers", [1, 2], ids=["one-process", "worker-pool"])
def test_a_new_or_withdrawn_decision_rewrites_its_posting_and_only_it(tmp_path: Path, own_home: Path, workers: int,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """The decisions about a posting are part of what makes it unchanged (docs/curation.md)."""
    from nhskg.curation import Decision, Decisions, applying, evidence_hash

    monkeypatch.setattr(build_module, "PARALLEL_OVER", 5)  # the forked workers inherit the decisions
    corpus, store = write(tmp_path / "corpus.jsonl", records()), tmp_path / "store"
    build([corpus], store, workers=workers)
    assert _designated(store, "post-4") and _designated(store, "post-8")
    sentence = _evidence(store, "post-4", "https://w3id.org/nhskg/vocab/designation/caldicott-guardian")
    rejected = Decisions.of([Decision("post-4", "designations", "caldicott-guardian", evidence_hash(sentence), "reject",
                                      "", "", "Ann Smith", "2026-12-04T10:00:00Z")])
    with applying(rejected) as session:
        decided = build([corpus], store, workers=workers)
        tally = session.report()
    assert (decided.postings_written, decided.postings_unchanged, decided.ok) == (1, 11, True), decided.summary()
    assert (tally.rejected, tally.unchanged, tally.not_read) == (1, 0, 0)
    assert not _designated(store, "post-4") and _designated(store, "post-8")
    with applying(rejected) as session:  # the same decisions again: nothing to do, and said so
        again = build([corpus], store, workers=workers)
        tally = session.report()
    assert (again.postings_written, again.postings_unchanged) == (0, 12)
    assert (tally.rejected, tally.unchanged, tally.not_read) == (0, 1, 0)
    assert "1 about postings unchanged since a build applied them" in tally.summary()
    withdrawn = build([corpus], store, workers=workers)  # no decisions in force
    assert (withdrawn.postings_written, withdrawn.postings_unchanged) == (1, 11)
    assert _designated(store, "post-4")
    build([corpus], tmp_path / "fresh", workers=workers)
    assert quads(store) == quads(tmp_path / "fresh")


def test_the_table_keeps_each_posting_id_and_a_rebuild_reads_them_there(tmp_path: Path) -> None:
    """The store's table of digests names each posting graph's id, so a rebuild checks the ids it
    reads against the store's without reading the store; what it finds there is what the store
    says, and a table without ids (an older store) sends the build to the store itself."""
    from nhskg.graph.generations import _DIGESTS, _live
    from nhskg.graph.writer import _posting_keys, _stored_keys

    odd = [dict(record(1), id='post "one"\twith\\odd chars é'), record(2), record(4, "Chief Nurse")]
    store = tmp_path / "store"
    build([write(tmp_path / "a.jsonl", odd)], store)
    opened = GraphStore.open(store)
    from_store = {key: min(ids) for key, ids in _posting_keys(opened, B).items()}
    opened.close()
    assert len(from_store) == 3 and 'post "one"\twith\\odd chars é' in from_store.values()
    assert GraphStore.ids_in_table(store, f"{B}graph/posting/") is not None
    assert _stored_keys(store, B) == from_store

    # a second posting whose id differs only in '-' and '_' is still refused, the store unchanged
    before = quads(store)
    clash = build([write(tmp_path / "b.jsonl", [dict(record(2), id="post_2")])], store)
    assert clash.postings_written == 0 and "already in the store" in str(clash.problems[0])
    assert quads(store) == before

    # a table written before ids were kept: the ids come from the store, the same
    table = _live(store) / _DIGESTS
    table.write_text("".join("\t".join(line.split("\t")[:3]).rstrip("\n") + "\n"
                             for line in table.read_text(encoding="utf-8").splitlines(keepends=True)), encoding="utf-8")
    assert GraphStore.ids_in_table(store, f"{B}graph/posting/") is None
    assert _stored_keys(store, B) == from_store


@pytest.mark.parametrize("rows", [records(4), []], ids=["postings", "no-postings"])
def test_a_store_whose_keys_cannot_be_read_fails_the_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          rows: list[dict[str, Any]]) -> None:
    """The store's posting keys are read in a thread beside the first chunks; an error reading
    them ends the build, as it did when they were read first, rather than becoming a problem of
    each posting (the build going on to commit without them), or going unseen when no posting
    is read."""
    store = tmp_path / "store"
    build([write(tmp_path / "a.jsonl", records(4))], store)
    before = quads(store)

    def unreadable(store_dir: Path | str, base: str) -> dict[str, str]:
        raise StoreError(f"{store_dir}: cannot read the posting keys")

    monkeypatch.setattr(importlib.import_module("nhskg.graph.writer"), "_stored_keys", unreadable)
    with pytest.raises(StoreError, match="cannot read the posting keys"):
        build([write(tmp_path / "b.jsonl", rows)], store)
    assert quads(store) == before


def test_a_rewrite_of_every_graph_copies_nothing_but_a_graph_the_table_misses_is_kept(
        tmp_path: Path, own_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """After a vocabulary change every graph of the live table is rewritten: the copy finds that
    out by counting the store's graphs (the table names all but the organisations one) instead of
    listing them. A store holding a graph its table does not name has one graph too many, and it
    is listed and copied as before, so nothing already built is lost."""
    from nhskg.graph.generations import _DIGESTS, _live

    monkeypatch.setattr(GraphWriter, "COPY_OVER", 0)  # copy into an empty generation whatever the size
    copies: list[str] = []
    real_copy = GraphWriter._copy_untouched
    monkeypatch.setattr(GraphWriter, "_copy_untouched",
                        lambda self: copies.append("copy") or real_copy(self))
    listed = []
    real_load = GraphWriter._bulk_load
    monkeypatch.setattr(GraphWriter, "_bulk_load", lambda self, data: listed.append(len(data)) or real_load(self, data))
    rows = records()
    corpus, store = write(tmp_path / "corpus.jsonl", rows), tmp_path / "store"
    build([corpus], store)
    role_types = own_home / "ontology" / "vocab" / "role-type.ttl"
    role_types.write_text(role_types.read_text(encoding="utf-8") + (
        '\n<https://w3id.org/nhskg/vocab/role-type/chief-nurse> <http://www.w3.org/2004/02/skos/core#hiddenLabel> "CNX"@en .\n'
    ), encoding="utf-8")
    copies.clear(), listed.clear()
    assert build([corpus], store).postings_written == 12
    assert copies == ["copy"] and listed == []  # the copy returned before listing or loading anything
    build([corpus], tmp_path / "fresh")
    assert quads(store) == quads(tmp_path / "fresh")

    # a table that misses post-3's graph, and a rebuild (after another change) that does not read post-3
    table = _live(store) / _DIGESTS
    lines = table.read_text(encoding="utf-8").splitlines(keepends=True)
    table.write_text("".join(line for line in lines if "/graph/posting/post-3\t" not in line), encoding="utf-8")
    kept = graph_of(store, "post-3")
    role_types.write_text(role_types.read_text(encoding="utf-8").replace('"CNX"@en', '"CNY"@en'), encoding="utf-8")
    others = write(tmp_path / "others.jsonl", [row for row in rows if row["id"] != "post-3"])
    copies.clear(), listed.clear()
    assert build([others], store).postings_written == 11
    assert copies == ["copy"] and listed  # listed and loaded
    assert kept and graph_of(store, "post-3") == kept
