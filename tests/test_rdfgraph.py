"""Posting -> quads: the IRIs and triples of docs/model.md, the leadership switch, determinism."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import graph_diff, to_isomorphic

from graph_fixtures import B, V, ev, leadership_posting, minimal_posting, write_home
from nhskg.errors import VocabularyError
from nhskg.extract.postings import Item, Organisation, Posting
from nhskg.graph.posting import posting_quads
from nhskg.graph.rdfgraph import posting_key, slugify
from nhskg.sparql.sources import to_rdflib
from nhskg.vocabulary.vocab import Vocabulary, load_vocabulary

PREFIXES = f"""
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix nhskg: <https://w3id.org/nhskg/def#> .
@prefix v: <{V}> .
@prefix b: <{B}> .
"""


@pytest.fixture(scope="module")
def vocab(tmp_path_factory: pytest.TempPathFactory) -> Vocabulary:
    home = write_home(tmp_path_factory.mktemp("home"))
    return load_vocabulary(home / "ontology" / "vocab")


def as_graph(quads: list[ox.Quad]) -> rdflib.Graph:
    graph = rdflib.Graph()
    for q in quads:
        graph.add((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object)))
    return graph


def statement_iri(posting_slug: str, s: str, p: str, o: str) -> str:
    return f"{B}posting/{posting_slug}/statement/" + hashlib.sha1(f"<{s}> <{p}> <{o}>".encode()).hexdigest()[:16]


def small_posting() -> Posting:
    return Posting(
        id="NHS 123/A",
        source="in/jobs.jsonl#3",
        title="Chief Nurse",
        role_type="chief-nurse",
        scope="group",
        organisation=Organisation("St. Elsewhere's Hospital", None),
        location=None,
        salary=None,
        pay_band=None,
        closing_date="2020-05-01",
        date_posted=None,
        title_evidence=ev("Chief Nurse"),
        leadership=True,
        accountable_to=(Item("chief-executive", "the CEO", ev("Reporting to the CEO.", 12), stated="field", confidence=0.9),),
        designations=(Item("caldicott-guardian", "Caldicott Guardian", ev("You will be Caldicott Guardian.", 33), confidence=0.86),),
    )


def test_golden_triples_for_a_hand_built_posting(vocab: Vocabulary) -> None:
    quads = posting_quads(small_posting(), vocab)
    slug = "nhs-123-a--b586f8c1fde0"  # the id "NHS 123/A" is not plain: its slug and a hash of it (issue 19)
    post, posting = f"{B}post/{slug}", f"{B}posting/{slug}"
    ceo = f"{B}org/st-elsewhere-s-hospital/role/chief-executive"
    org_role = "http://www.w3.org/ns/org#role"
    st_role = statement_iri(slug, post, org_role, f"{V}role-type/chief-nurse")
    st_ceo = statement_iri(slug, post, "http://www.w3.org/ns/org#reportsTo", ceo)
    st_cg = statement_iri(slug, post, "https://w3id.org/nhskg/def#holdsDesignation", f"{V}designation/caldicott-guardian")
    expected = rdflib.Graph().parse(
        data=PREFIXES
        + f"""
b:posting\\/{slug} a schema:JobPosting ; schema:title "Chief Nurse" ; schema:identifier "NHS 123/A" ;
    nhskg:sourceFile "in/jobs.jsonl#3" ; schema:validThrough "2020-05-01"^^xsd:date ;
    nhskg:leadershipPosting true ; schema:hiringOrganization b:org\\/st-elsewhere-s-hospital ;
    nhskg:advertises <{post}> .
b:org\\/st-elsewhere-s-hospital a org:Organization ; rdfs:label "St. Elsewhere's Hospital" ;
    skos:prefLabel "St. Elsewhere's Hospital" .
<{post}> a org:Post ; rdfs:label "Chief Nurse" ; org:postIn b:org\\/st-elsewhere-s-hospital ;
    org:role v:role-type\\/chief-nurse ; nhskg:scope v:scope\\/group ;
    org:reportsTo <{ceo}> ; nhskg:holdsDesignation v:designation\\/caldicott-guardian .
<{ceo}> a org:Post ; rdfs:label "Chief Executive" ; org:postIn b:org\\/st-elsewhere-s-hospital ;
    org:role v:role-type\\/chief-executive .
<{st_role}> a nhskg:ExtractedStatement ; rdf:subject <{post}> ; rdf:predicate org:role ;
    rdf:object v:role-type\\/chief-nurse ; prov:wasDerivedFrom <{posting}> ;
    nhskg:evidenceSentence "Chief Nurse" ; nhskg:startOffset 0 ; nhskg:endOffset 11 ;
    nhskg:labelAsWritten "Chief Nurse" .
<{st_ceo}> a nhskg:ExtractedStatement ; rdf:subject <{post}> ; rdf:predicate org:reportsTo ;
    rdf:object <{ceo}> ; prov:wasDerivedFrom <{posting}> ;
    nhskg:evidenceSentence "Reporting to the CEO." ; nhskg:startOffset 12 ; nhskg:endOffset 33 ;
    nhskg:labelAsWritten "the CEO" ; nhskg:statedAs nhskg:stated-field ; nhskg:confidence 0.9 .
<{st_cg}> a nhskg:ExtractedStatement ; rdf:subject <{post}> ; rdf:predicate nhskg:holdsDesignation ;
    rdf:object v:designation\\/caldicott-guardian ; prov:wasDerivedFrom <{posting}> ;
    nhskg:evidenceSentence "You will be Caldicott Guardian." ; nhskg:startOffset 33 ; nhskg:endOffset 64 ;
    nhskg:labelAsWritten "Caldicott Guardian" ; nhskg:statedAs nhskg:stated-direct ; nhskg:confidence 0.86 .
""",
        format="turtle",
    )
    got = as_graph(quads)
    if to_isomorphic(got) != to_isomorphic(expected):
        _, only_got, only_expected = graph_diff(to_isomorphic(got), to_isomorphic(expected))
        pytest.fail(
            "graphs differ\nonly in output:\n" + only_got.serialize(format="nt")
            + "\nonly expected:\n" + only_expected.serialize(format="nt")
        )
    # the organisation and the post named by its role are stated in the shared organisations graph
    shared = {q for q in quads if q.graph_name == ox.NamedNode(f"{B}graph/organisations")}
    assert {q.subject.value for q in shared} == {f"{B}org/st-elsewhere-s-hospital", ceo}
    assert {q.graph_name for q in quads} - {ox.NamedNode(f"{B}graph/organisations")} == {ox.NamedNode(f"{B}graph/posting/{slug}")}
    assert len(quads) == len(set(quads)) == len(got)


def test_full_posting_models_salary_duties_requirements_and_provenance(vocab: Vocabulary) -> None:
    graph = as_graph(posting_quads(leadership_posting(), vocab))
    post = rdflib.URIRef(f"{B}post/job-1")
    nhskg = rdflib.Namespace("https://w3id.org/nhskg/def#")
    duty = rdflib.URIRef(f"{B}post/job-1/duty/1")
    assert (post, nhskg.hasDuty, duty) in graph
    assert set(graph.objects(duty, nhskg.dutyArea)) == {rdflib.URIRef(f"{V}duty-area/patient-safety")}
    assert set(graph.objects(duty, nhskg.partnerRole)) == {rdflib.URIRef(f"{V}role-type/chief-nurse")}
    gmc = rdflib.URIRef(f"{B}post/job-1/requirement/gmc-registration")
    board = rdflib.URIRef(f"{B}post/job-1/requirement/board-experience")
    assert graph.value(gmc, nhskg.requires) == rdflib.URIRef(f"{V}qualification/gmc-registration")
    assert graph.value(board, nhskg.requires) == rdflib.URIRef(f"{V}competency/board-experience")
    assert graph.value(board, nhskg.essential).toPython() is False
    salary = rdflib.URIRef(f"{B}posting/job-1/salary")
    schema = rdflib.Namespace("https://schema.org/")
    assert graph.value(salary, schema.minValue) == rdflib.Literal("150000", datatype=rdflib.XSD.decimal)
    # one reified statement per edge read from the text: role, reportsTo, worksWith, designation,
    # body, two requirements, one duty
    statements = set(graph.subjects(rdflib.RDF.type, nhskg.ExtractedStatement))
    assert len(statements) == 8
    for statement in statements:
        start, end = (graph.value(statement, p).toPython() for p in (nhskg.startOffset, nhskg.endOffset))
        assert type(start) is int and type(end) is int and 0 <= start < end, (statement, start, end)


def test_non_leadership_posting_is_minimal_unless_switched(vocab: Vocabulary) -> None:
    posting = minimal_posting()
    graph = as_graph(posting_quads(posting, vocab))
    predicates = {str(p).rsplit("/", 1)[-1].rsplit("#", 1)[-1] for p in graph.predicates()}
    assert predicates == {
        "type", "title", "identifier", "sourceFile", "datePosted", "validThrough", "leadershipPosting",
        "hiringOrganization", "advertises", "label", "prefLabel", "organisationType", "postIn", "role",
    }
    nhskg = rdflib.Namespace("https://w3id.org/nhskg/def#")
    assert graph.value(rdflib.URIRef(f"{B}posting/job-2"), nhskg.leadershipPosting).toPython() is False

    full = as_graph(posting_quads(posting, vocab, full=True))
    assert (rdflib.URIRef(f"{B}post/job-2"), nhskg.hasDuty, rdflib.URIRef(f"{B}post/job-2/duty/1")) in full
    assert full.value(rdflib.URIRef(f"{B}posting/job-2"), nhskg.leadershipPosting).toPython() is True

    # full=False strips a leadership posting to the same minimal shape
    lean = as_graph(posting_quads(leadership_posting(), vocab, full=False))
    assert not set(lean.subjects(rdflib.RDF.type, nhskg.ExtractedStatement))
    assert not set(lean.subjects(rdflib.RDF.type, nhskg.Duty))


def test_the_record_decides_leadership_not_the_role_type(vocab: Vocabulary) -> None:
    # The extractor decides per posting (a deputy divisional director has a leadership role type
    # but is no leadership post): a record flagged non-leadership gets the minimal model.
    flagged = replace(leadership_posting(), leadership=False)
    graph = as_graph(posting_quads(flagged, vocab))
    assert (None, rdflib.URIRef("https://w3id.org/nhskg/def#hasDuty"), None) not in graph
    assert (None, rdflib.URIRef("https://w3id.org/nhskg/def#hasDuty"), None) in as_graph(posting_quads(leadership_posting(), vocab))


def test_same_input_same_quads_and_iris_from_content_only(vocab: Vocabulary) -> None:
    first = posting_quads(leadership_posting(), vocab)
    second = posting_quads(leadership_posting(), vocab)
    assert first == second
    other_base = posting_quads(leadership_posting(), vocab, "http://example.org/kg/")
    assert all(str(q.subject.value).startswith(("http://example.org/kg/", V)) for q in other_base)
    # a posting with no organisation gets an organisation named after it
    unnamed = as_graph(posting_quads(replace(small_posting(), organisation=None), vocab))
    assert (None, None, rdflib.URIRef(f"{B}org/unnamed-nhs-123-a--b586f8c1fde0/role/chief-executive")) in unnamed


def test_unknown_code_names_the_posting_and_the_code(vocab: Vocabulary) -> None:
    bad = replace(small_posting(), designations=(Item("fire-warden", "fire warden", ev("x")),))
    with pytest.raises(VocabularyError, match=r"NHS 123/A.*fire-warden.*designation"):
        posting_quads(bad, vocab)
    with pytest.raises(VocabularyError, match="not-a-role"):
        posting_quads(replace(small_posting(), role_type="not-a-role"), vocab)
    with pytest.raises(VocabularyError, match="nope"):
        posting_quads(
            replace(small_posting(), accountable_to=(Item("nope", "?", ev("x")),)), vocab
        )


def test_repeated_edge_is_reified_once_with_the_first_sentence(vocab: Vocabulary) -> None:
    twice = replace(
        small_posting(),
        designations=(
            Item("caldicott-guardian", "Caldicott Guardian", ev("First sentence.", 40)),
            Item("caldicott-guardian", "the Caldicott Guardian", ev("Second sentence.", 90)),
        ),
    )
    graph = as_graph(posting_quads(twice, vocab))
    sentences = set(graph.objects(None, rdflib.URIRef("https://w3id.org/nhskg/def#evidenceSentence")))
    assert rdflib.Literal("First sentence.") in sentences
    assert rdflib.Literal("Second sentence.") not in sentences


def test_awkward_text_survives_as_literals(vocab: Vocabulary) -> None:
    title = 'Director of "Quality" \\ Safety\nCôte\r\tÉquipe'
    posting = replace(small_posting(), title=title, organisation=Organisation('Trust "A"\\B', None))
    graph = as_graph(posting_quads(posting, vocab))
    schema = rdflib.Namespace("https://schema.org/")
    assert graph.value(rdflib.URIRef(f"{B}posting/nhs-123-a--b586f8c1fde0"), schema.title) == rdflib.Literal(title)
    assert (None, rdflib.RDFS.label, rdflib.Literal('Trust "A"\\B')) in graph


def test_posting_keys_keep_plain_ids_and_never_share_a_graph() -> None:
    """Issue 19: ids whose slugs clash ("ABC-1" / "abc_1", "仕事" / "求人") get distinct graphs;
    plain ids (corpus numbers, file stems) keep the IRIs they always had."""
    assert [posting_key(i) for i in ("916223185", "000_ceef7d63af8bb6ec", "alpha-cmo-2020")] == [
        "916223185", "000-ceef7d63af8bb6ec", "alpha-cmo-2020"]
    for clash in (("ABC-1", "abc_1"), ("仕事", "求人"), ("x", "X"), ("a--b", "a-b"), ("a" * 101, "a" * 102)):
        assert posting_key(clash[0]) != posting_key(clash[1]), clash
    # a key with a hash never equals a plain id's key: plain slugs have no "--"
    assert "--" in posting_key("ABC-1") and "--" not in posting_key("abc-1-173896f9bffa")


def test_slugify() -> None:
    assert slugify("Norfolk and Waveney University Hospitals Group") == "norfolk-and-waveney-university-hospitals-group"
    assert slugify("Hôpital  Côte-d'Azur") == "hopital-cote-d-azur"
