"""What must hold on any input (hypothesis): extraction never raises on text, HTML or JSON-LD-ish
records; every evidence offset points at its sentence in the cleaned text; building the same
postings twice changes nothing; exporting and reading the export back gives the same graph.

Texts mix arbitrary characters with the phrases the extractor looks for, so that the examples
reach the matcher, the sentence splitter and the graph writer rather than stopping at "no title".
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import pytest
import rdflib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.compare import to_isomorphic

from graph_fixtures import write_home
from nhskg.pipeline.build import build_postings
from nhskg.read.cleaning import clean_text
from nhskg.read.documents import Document, Structured
from nhskg.extract import extract_posting
from nhskg.extract.postings import Evidence, Posting
from nhskg.graph.posting import posting_nquads
from nhskg.read.markup import html_to_text
from nhskg.read.records import _record_document
from nhskg.graph.store import GraphStore
from nhskg.vocabulary.vocab import Vocabulary, load_vocabulary

PHRASES = [
    "Chief Nurse", "Medical Director", "Chief Executive", "NHS Foundation Trust", "Integrated Care Board",
    "reports to the", "accountable to", "professionally accountable to the", "Caldicott Guardian",
    "Senior Information Risk Owner", "Responsible Officer", "Care Quality Commission", "GMC registration",
    "NMC", "patient safety", "infection prevention", "safeguarding", "you will lead", "working closely with",
    "Band 8a", "VSM", "£95,000 - £105,000 per annum", "Closing date: 31/12/2020", "Essential:", "Desirable:",
    "Deputy", "Interim", "Regional", "St. Mary's", "e.g.", "Dr.", "(", ")", "•", "-", ":", ";", "\u00a0",
    "\u200b", "é", "ﬁ", "\U0001f600", "<", ">", "&", '"', "\\", "\t", "\r\n", "\n\n",
]
words = st.one_of(st.sampled_from(PHRASES), st.text(max_size=12))
separators = st.sampled_from([" ", " ", "\n", ". ", ".\n", ", ", "\r\n", "  "])
texts = st.lists(st.tuples(words, separators), max_size=40).map(lambda parts: "".join(w + s for w, s in parts))
TAGS = ["p", "div", "li", "ul", "h1", "h2", "br", "b", "span", "table", "tr", "td", "script", "style", "a"]
html_pieces = st.one_of(
    texts,
    st.sampled_from(TAGS).map(lambda t: f"<{t}>"),
    st.sampled_from(TAGS).map(lambda t: f"</{t}>"),
    st.sampled_from(["<!--", "-->", "<![CDATA[", "&amp;", "&lt;p&gt;", "&#0;", "&#x110000;", "<img onerror=x>"]),
)
markup = st.lists(html_pieces, max_size=30).map("".join)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | texts,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.sampled_from(["name", "value", "@value", "x"]), children, max_size=3),
    max_leaves=8,
)
FIELDS = ["id", "title", "description", "hiringOrganization", "jobLocation", "baseSalary", "datePosted",
          "validThrough", "url", "salaryCurrency"]
PROPERTY = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return load_vocabulary()


def evidences(posting: Posting) -> Iterator[Evidence]:
    if posting.title_evidence is not None:
        yield posting.title_evidence
    for name in ("accountable_to", "professionally_accountable_to", "works_with", "leads", "designations",
                 "bodies", "requirements"):
        for item in getattr(posting, name):
            yield item.evidence
    for duty in posting.duties:
        yield duty.evidence


def check_posting(document: Document, vocab: Vocabulary) -> Posting:
    """Extract (must not raise), check every evidence offset, and turn it into N-Quads."""
    posting = extract_posting(document, vocab, full=True)
    for evidence in evidences(posting):
        assert document.text[evidence.start:evidence.end] == evidence.sentence, evidence
    assert posting_nquads(posting, vocab, full=True)  # and the graph stage takes it
    return posting


def document_of(text: str, doc_id: str = "p-1", structured: Structured = Structured()) -> Document | None:
    cleaned = clean_text(text)
    return Document(doc_id, f"{doc_id}.txt", cleaned, structured) if cleaned else None


@PROPERTY
@given(text=texts)
def test_extraction_never_raises_on_any_text_and_evidence_points_at_its_sentence(vocab: Vocabulary, text: str) -> None:
    document = document_of(text)
    if document is not None:
        check_posting(document, vocab)


@PROPERTY
@given(page=markup)
def test_extraction_never_raises_on_any_html(vocab: Vocabulary, page: str) -> None:
    document = document_of(html_to_text(page))
    if document is not None:
        check_posting(document, vocab)


@PROPERTY
@given(record=st.fixed_dictionaries({"@type": st.just("JobPosting")}, optional={k: json_values for k in FIELDS}))
def test_extraction_never_raises_on_any_json_ld_record(vocab: Vocabulary, record: dict) -> None:
    result = _record_document(record, "feed.jsonl", "feed-1", "line 1")
    if isinstance(result, Document):
        check_posting(result, vocab)
    else:  # the reader's own safety net (a bug caught, not a reason) must never be what answers
        assert "please report it" not in result.problem, result


# --------------------------------------------------------------------------- the store


@pytest.fixture(scope="module")
def small_home(tmp_path_factory: pytest.TempPathFactory, vocab: Vocabulary) -> Iterator[Path]:
    """A tiny ontology home, so each build's ontology load takes milliseconds; postings use the real vocabulary
    (``vocab``, loaded before the home changes: run alone, these tests loaded the tiny one and failed)."""
    with pytest.MonkeyPatch.context() as patch:
        root = write_home(tmp_path_factory.mktemp("home") / "home")
        patch.setenv("NHSKG_HOME", str(root))
        yield root


postings_texts = st.lists(texts, min_size=1, max_size=4)


def extracted(vocab: Vocabulary, texts_: list[str]) -> list[Posting]:
    found = []
    for n, text in enumerate(texts_):
        document = document_of(f"Chief Nurse\n{text}", f"p-{n}")
        assert document is not None
        found.append(extract_posting(document, vocab, full=True))
    return found


def store_quads(store: Path) -> set[ox.Quad]:
    opened = GraphStore.open(store)
    try:
        return set(opened.store)
    finally:
        opened.close()


STORE_PROPERTY = settings(max_examples=5, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@STORE_PROPERTY
@given(texts_=postings_texts)
def test_building_twice_is_idempotent(small_home: Path, vocab: Vocabulary, tmp_path_factory: pytest.TempPathFactory,
                                      texts_: list[str]) -> None:
    store = tmp_path_factory.mktemp("twice") / "store"
    postings = extracted(vocab, texts_)
    first = build_postings(postings, store, vocab=vocab, validate=False, full=True)
    once = store_quads(store)
    second = build_postings(postings, store, vocab=vocab, validate=False, full=True)
    assert store_quads(store) == once
    assert first.triples == second.triples and not first.problems and not second.problems


@STORE_PROPERTY
@given(texts_=postings_texts)
def test_export_then_import_is_isomorphic(small_home: Path, vocab: Vocabulary, tmp_path_factory: pytest.TempPathFactory,
                                          texts_: list[str]) -> None:
    root = tmp_path_factory.mktemp("export")
    store = root / "store"
    build_postings(extracted(vocab, texts_), store, vocab=vocab, validate=False, full=True)
    quads = store_quads(store)
    opened = GraphStore.open(store)
    try:
        for suffix in (".nq", ".trig"):
            opened.export(root / f"graph{suffix}")
        opened.export(root / "graph.ttl")
    finally:
        opened.close()
    # read back by another parser (rdflib), graph by graph
    dataset = rdflib.Dataset()
    dataset.parse(root / "graph.trig", format="trig")
    expected = rdflib.Dataset()
    expected.parse(data=ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8"), format="nquads")
    names = {g.identifier for g in expected.graphs()} - {rdflib.term.URIRef("urn:x-rdflib:default")}
    assert names == {g.identifier for g in dataset.graphs()} - {rdflib.term.URIRef("urn:x-rdflib:default")}
    for name in names:
        assert to_isomorphic(dataset.graph(name)) == to_isomorphic(expected.graph(name)), name
    # and by pyoxigraph, quad for quad
    assert set(ox.parse(path=str(root / "graph.nq"), format=ox.RdfFormat.N_QUADS)) == quads
    union = rdflib.Graph().parse(root / "graph.ttl", format="turtle")
    assert len(union) == len({(q.subject, q.predicate, q.object) for q in quads})


def test_the_texts_reach_the_extractor(vocab: Vocabulary) -> None:
    """The strategy is not vacuous: a text it can draw yields coded facts with evidence."""
    document = document_of("Chief Nurse\nreports to the Chief Executive. Caldicott Guardian. patient safety.\n")
    assert document is not None
    posting = check_posting(document, vocab)
    assert posting.role_type == "chief-nurse" and len(list(evidences(posting))) >= 3
