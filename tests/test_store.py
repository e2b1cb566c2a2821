"""The generational store: replace/remove postings, the ontology graph, exports, atomic swaps."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import to_isomorphic

from graph_fixtures import B, leadership_posting, minimal_posting
from nhskg.errors import StoreError
from nhskg.namespaces import ONTOLOGY_GRAPH
from nhskg.graph.posting import posting_quads
from nhskg.sparql.sources import to_rdflib
from nhskg.graph.store import GraphStore, GraphWriter
from nhskg.vocabulary.vocab import Vocabulary


@pytest.fixture()
def built(tmp_path: Path, vocab: Vocabulary) -> Path:
    directory = tmp_path / "store"
    with GraphStore.writer(directory) as writer:
        writer.replace_posting("job-1", posting_quads(leadership_posting(), vocab))
        writer.replace_posting("job-2", posting_quads(minimal_posting(), vocab))
        writer.load_ontology()
    return directory


RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def quads_of(directory: Path) -> set[ox.Quad]:
    return set(GraphStore.open(directory).store)


def test_writer_then_open(built: Path, vocab: Vocabulary) -> None:
    store = GraphStore.open(built)
    assert store.posting_ids() == ["job-1", "job-2"]
    graphs = {g.value for g in store.store.named_graphs()}
    assert graphs == {ONTOLOGY_GRAPH, f"{B}graph/posting/job-1", f"{B}graph/posting/job-2", f"{B}graph/organisations"}
    # the organisation both postings name is stated once, in the organisations graph
    org = ox.NamedNode(f"{B}org/norfolk-hospitals-nhs-trust")
    assert [q.graph_name.value for q in store.store.quads_for_pattern(org, RDFS_LABEL, None)] == [f"{B}graph/organisations"]
    assert (built / "CURRENT").read_text().strip() == "gen-000001"
    ontology_quads = list(store.store.quads_for_pattern(None, None, None, ox.NamedNode(ONTOLOGY_GRAPH)))
    assert any(q.subject.value == "https://w3id.org/nhskg/vocab/role-type/chief-nurse" for q in ontology_quads)


@pytest.mark.parametrize("copy_over", [10_000, 0], ids=["checkpoint-and-remove", "copy-untouched"])
def test_replace_and_remove_posting(built: Path, vocab: Vocabulary, copy_over: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(GraphWriter, "COPY_OVER", copy_over)
    monkeypatch.setattr(GraphWriter, "COPY_SHARE", 0.0 if copy_over == 0 else 1.0)
    copying: list[bool] = []
    original = GraphWriter._should_copy
    monkeypatch.setattr(GraphWriter, "_should_copy", lambda self: copying.append(original(self)) or copying[-1])
    before = quads_of(built)
    changed = leadership_posting(title="Group Medical Director", duties=())
    new_quads = posting_quads(changed, vocab)
    with GraphStore.writer(built) as writer:
        writer.replace_posting("job-1", new_quads)
    after = quads_of(built)
    graph = ox.NamedNode(f"{B}graph/posting/job-1")
    assert {q for q in after if q.graph_name == graph} == {q for q in new_quads if q.graph_name == graph}
    assert {q for q in after if q.graph_name != graph} == {q for q in before if q.graph_name != graph}
    with GraphStore.writer(built) as writer:
        writer.remove_posting("job-2")
    store = GraphStore.open(built)
    assert store.posting_ids() == ["job-1"]
    assert {q for q in store.store if q.graph_name == graph} == {q for q in new_quads if q.graph_name == graph}
    assert {q.graph_name.value for q in store.store} == {ONTOLOGY_GRAPH, graph.value, f"{B}graph/organisations"}
    assert sorted(p.name for p in built.iterdir() if not p.name.endswith(".lease")) == ["CURRENT", "LOCK", "gen-000003"]
    assert copying == [copy_over == 0] * 2


def test_an_error_inside_the_writer_keeps_the_previous_store(built: Path, vocab: Vocabulary) -> None:
    before = quads_of(built)
    with pytest.raises(RuntimeError):
        with GraphStore.writer(built) as writer:
            writer.remove_posting("job-1")
            writer.replace_posting("job-3", posting_quads(leadership_posting("job-3"), vocab))
            raise RuntimeError("killed half-way")
    assert quads_of(built) == before
    assert sorted(p.name for p in built.iterdir() if not p.name.endswith(".lease")) == ["CURRENT", "LOCK", "gen-000001"]


def _nquads(posting_id: str, vocab: Vocabulary, leadership: bool = False) -> bytes:
    from nhskg.graph.posting import posting_nquads

    return posting_nquads((leadership_posting if leadership else minimal_posting)(posting_id), vocab)


def test_batches_loaded_in_the_background_give_the_same_store(tmp_path: Path, built: Path, vocab: Vocabulary,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    """A large build hands batches to the loader thread as it goes; the result is the same as
    one load at the end, replacing a posting already handed over drops its old statements, and
    the generation is made by copying (a large build) even when the first batch is small."""
    data = {f"job-{n}": _nquads(f"job-{n}", vocab, leadership=n % 3 == 0) for n in range(3, 40)}
    with GraphStore.writer(tmp_path / "one") as writer:
        for posting_id, quads in data.items():
            writer.replace_posting(posting_id, quads)
        writer.load_ontology()
    monkeypatch.setattr(GraphWriter, "BATCH", 1)  # every posting fills a batch
    monkeypatch.setattr(GraphWriter, "COPY_OVER", 10_000)
    loads: list[int] = []
    original = GraphWriter._load

    def counted(self: GraphWriter, store: ox.Store, text: bytes, objects: list[ox.Quad], ontology: bool = False) -> None:
        loads.append(len(text))
        original(self, store, text, objects, ontology)

    monkeypatch.setattr(GraphWriter, "_load", counted)
    with GraphStore.writer(tmp_path / "many") as writer:
        writer.replace_posting("job-3", _nquads("job-3", vocab))  # replaced below: must not survive
        for posting_id, quads in data.items():
            writer.replace_posting(posting_id, quads)
        writer.load_ontology()
    assert len(loads) > 5  # several batches, not one load at the end
    assert quads_of(tmp_path / "many") == quads_of(tmp_path / "one")
    # a rebuild over a live store: the untouched postings are copied, the changed ones replaced
    with GraphStore.writer(built) as writer:
        assert writer.live is not None
        for posting_id, quads in data.items():
            writer.replace_posting(posting_id, quads)
    assert writer._large
    assert set(GraphStore.open(built).posting_ids()) == {"job-1", "job-2", *data}


def test_a_failed_background_load_fails_the_build_and_keeps_the_previous_store(built: Path, vocab: Vocabulary,
                                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    before = quads_of(built)
    monkeypatch.setattr(GraphWriter, "BATCH", 1)

    def broken(self: GraphWriter, store: ox.Store, text: bytes, objects: list[ox.Quad], ontology: bool = False) -> None:
        raise StoreError("the disk is full (simulated)")

    monkeypatch.setattr(GraphWriter, "_load", broken)
    with pytest.raises(StoreError, match="disk is full"):
        with GraphStore.writer(built) as writer:
            for n in range(3, 10):
                writer.replace_posting(f"job-{n}", _nquads(f"job-{n}", vocab))
    assert quads_of(built) == before
    assert sorted(p.name for p in built.iterdir() if not p.name.endswith(".lease")) == ["CURRENT", "LOCK", "gen-000001"]


def test_leftovers_of_a_killed_build_are_cleaned_at_next_open(built: Path) -> None:
    (built / "gen-000007").mkdir()
    (built / "gen-000007" / "junk").write_text("half a database")
    (built / "CURRENT.x.tmp").write_text("gen-000007")
    store = GraphStore.open(built)
    assert store.posting_ids() == ["job-1", "job-2"]
    assert sorted(p.name for p in built.iterdir() if not p.name.endswith(".lease")) == ["CURRENT", "LOCK", "gen-000001"]


def test_missing_or_corrupt_store_says_what_to_do(tmp_path: Path, built: Path) -> None:
    with pytest.raises(StoreError, match="nhskg build PATH"):
        GraphStore.open(tmp_path / "nowhere")
    (built / "CURRENT").write_text("gen-000099\n")
    with pytest.raises(StoreError, match="nhskg build PATH"):
        GraphStore.open(built)
    (built / "CURRENT").write_text("../../etc\n")
    with pytest.raises(StoreError, match="not a generation"):
        GraphStore.open(built)


def _union(store: GraphStore) -> rdflib.Graph:
    graph = rdflib.Graph()
    for t in store.union_triples():
        graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    return graph


@pytest.mark.parametrize("suffix", [".ttl", ".nt"])
def test_triple_exports_round_trip(built: Path, tmp_path: Path, suffix: str) -> None:
    store = GraphStore.open(built)
    path = store.export(tmp_path / f"graph{suffix}")
    again = rdflib.Graph().parse(path, format={".ttl": "turtle", ".nt": "nt"}[suffix])
    assert to_isomorphic(again) == to_isomorphic(_union(store))
    assert len(again) == store.triple_count()
    if suffix == ".ttl":
        assert "@prefix nhskg: <https://w3id.org/nhskg/def#>" in path.read_text()


@pytest.mark.parametrize("suffix", [".nq", ".trig", ".jsonld"])
def test_dataset_exports_round_trip(built: Path, tmp_path: Path, suffix: str) -> None:
    store = GraphStore.open(built)
    path = store.export(tmp_path / f"graph{suffix}")
    again = ox.Store()
    again.load(path=str(path))
    assert set(again) == set(store.store)
    # and rdflib reads it as the same named graphs
    dataset = rdflib.Dataset()
    dataset.parse(path, format={".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld"}[suffix])
    for name in store.store.named_graphs():
        expected = rdflib.Graph()
        for q in store.store.quads_for_pattern(None, None, None, name):
            expected.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
        got = dataset.graph(rdflib.URIRef(name.value))
        assert to_isomorphic(got) == to_isomorphic(expected), name


def test_export_is_atomic(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = GraphStore.open(built)
    target = tmp_path / "out.ttl"
    target.write_text("old contents\n")

    def broken_serialize(triples, output, *args, **kwargs):  # type: ignore[no-untyped-def]
        output.write(b"@prefix half: <http://half/> .\n")
        raise OSError("disk full")

    monkeypatch.setattr(ox, "serialize", broken_serialize)
    with pytest.raises((OSError, StoreError), match="disk full"):
        store.export(target)
    assert target.read_text() == "old contents\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out.ttl")] == []
    with pytest.raises(StoreError, match="format"):
        store.export(tmp_path / "out.xyz")


def test_a_broken_vocabulary_file_fails_the_build_and_keeps_the_previous_store(built: Path, home: Path, vocab: Vocabulary) -> None:
    """The ontology loads in the background with the first batch; its error still reaches the build."""
    before = quads_of(built)
    broken = home / "ontology" / "vocab" / "zz-broken.ttl"
    broken.write_text("@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<a> skos:prefLabel \"unclosed .\n", encoding="utf-8")
    with pytest.raises(StoreError, match=r"zz-broken\.ttl: cannot load into the store .*fix the file and build again"):
        with GraphStore.writer(built) as writer:
            writer.load_ontology()
            writer.replace_posting("job-3", posting_quads(leadership_posting("job-3"), vocab))
    assert quads_of(built) == before
    assert sorted(p.name for p in built.iterdir() if not p.name.endswith(".lease")) == ["CURRENT", "LOCK", "gen-000001"]
