"""Network, gaps and compare analyses on small hand-built graphs with hand-worked answers."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from nhskg.analyses.compare import OrganisationNotFound, compare
from nhskg.analyses.gaps import gaps
from nhskg.analyses.network import accountability_graph, network
from nhskg.sparql.sources import OxigraphSource

D = "https://w3id.org/nhskg/data/"
V = "https://w3id.org/nhskg/vocab/"

TRIG = """
@prefix nhskg: <https://w3id.org/nhskg/def#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rt: <https://w3id.org/nhskg/vocab/role-type/> .
@prefix da: <https://w3id.org/nhskg/vocab/duty-area/> .
@prefix des: <https://w3id.org/nhskg/vocab/designation/> .
@prefix body: <https://w3id.org/nhskg/vocab/body/> .

<https://w3id.org/nhskg/graph/ontology> {
  des:caldicott-guardian skos:inScheme <https://w3id.org/nhskg/vocab/designation> ; skos:prefLabel "Caldicott Guardian" ; dcterms:source "NHS Digital" ;
      nhskg:requiredIn <https://w3id.org/nhskg/vocab/organisation-type/nhs-trust> ; nhskg:singleHolder true .
  des:responsible-officer skos:inScheme <https://w3id.org/nhskg/vocab/designation> ; skos:prefLabel "Responsible Officer" ; dcterms:source "Medical Profession (Responsible Officers) Regulations 2010" ;
      nhskg:requiredIn <https://w3id.org/nhskg/vocab/organisation-type/nhs-trust> ; nhskg:singleHolder true .
  des:freedom-to-speak-up skos:inScheme <https://w3id.org/nhskg/vocab/designation> ; skos:prefLabel "Freedom to Speak Up lead" .
  rt:chief-medical-officer skos:prefLabel "Chief Medical Officer" .
  body:cqc skos:prefLabel "Care Quality Commission" .
  da:pharmacy skos:prefLabel "Pharmacy and medicines" .
}

# Org X: CMO posting (reports to CEO, professionally to the national medical director, i.e. split)
<https://w3id.org/nhskg/data/graph/posting/x-cmo> {
  <https://w3id.org/nhskg/data/posting/x-cmo> a schema:JobPosting ; nhskg:leadershipPosting true ;
      schema:hiringOrganization <https://w3id.org/nhskg/data/org/x> ; nhskg:advertises <https://w3id.org/nhskg/data/post/x-cmo> .
  <https://w3id.org/nhskg/data/org/x> a org:Organization ; rdfs:label "X Hospitals Trust" ; nhskg:organisationType <https://w3id.org/nhskg/vocab/organisation-type/nhs-trust> .
  <https://w3id.org/nhskg/data/post/x-cmo> a org:Post ; rdfs:label "Chief Medical Officer" ; org:postIn <https://w3id.org/nhskg/data/org/x> ;
      org:role rt:chief-medical-officer ;
      org:reportsTo <https://w3id.org/nhskg/data/org/x/role/chief-executive> ;
      nhskg:professionallyAccountableTo <https://w3id.org/nhskg/data/org/x/role/national-medical-director> ;
      nhskg:holdsDesignation des:responsible-officer , des:caldicott-guardian ;
      nhskg:engagesWith body:cqc ;
      nhskg:hasDuty <https://w3id.org/nhskg/data/post/x-cmo/duty/1> , <https://w3id.org/nhskg/data/post/x-cmo/duty/2> .
  <https://w3id.org/nhskg/data/post/x-cmo/duty/1> a nhskg:Duty ; nhskg:text "Lead pharmacy" ; nhskg:dutyArea da:pharmacy , da:quality .
  <https://w3id.org/nhskg/data/post/x-cmo/duty/2> a nhskg:Duty ; nhskg:text "Lead safety" ; nhskg:dutyArea da:patient-safety , da:quality .
  <https://w3id.org/nhskg/data/org/x/role/chief-executive> a org:Post ; rdfs:label "Chief Executive" ; org:postIn <https://w3id.org/nhskg/data/org/x> ; org:role rt:chief-executive .
  <https://w3id.org/nhskg/data/org/x/role/national-medical-director> a org:Post ; rdfs:label "National Medical Director" ; org:postIn <https://w3id.org/nhskg/data/org/x> ; org:role rt:national-medical-director .
  <https://w3id.org/nhskg/data/posting/x-cmo/statement/1> a nhskg:ExtractedStatement ;
      rdf:subject <https://w3id.org/nhskg/data/post/x-cmo> ; rdf:predicate org:reportsTo ;
      rdf:object <https://w3id.org/nhskg/data/org/x/role/chief-executive> ;
      nhskg:evidenceSentence "The CMO reports to the Chief Executive." .
}

# Org X: Chief Nurse posting (reports to CEO; also Caldicott Guardian -> conflict; claims patient safety too)
<https://w3id.org/nhskg/data/graph/posting/x-cn> {
  <https://w3id.org/nhskg/data/posting/x-cn> a schema:JobPosting ; nhskg:leadershipPosting true ;
      schema:hiringOrganization <https://w3id.org/nhskg/data/org/x> ; nhskg:advertises <https://w3id.org/nhskg/data/post/x-cn> .
  <https://w3id.org/nhskg/data/org/x> a org:Organization ; rdfs:label "X Hospitals Trust" ; nhskg:organisationType <https://w3id.org/nhskg/vocab/organisation-type/nhs-trust> .
  <https://w3id.org/nhskg/data/post/x-cn> a org:Post ; rdfs:label "Chief Nurse" ; org:postIn <https://w3id.org/nhskg/data/org/x> ;
      org:role rt:chief-nurse ;
      org:reportsTo <https://w3id.org/nhskg/data/org/x/role/chief-executive> ;
      nhskg:professionallyAccountableTo <https://w3id.org/nhskg/data/org/x/role/chief-executive> ;
      nhskg:holdsDesignation des:caldicott-guardian ;
      nhskg:hasDuty <https://w3id.org/nhskg/data/post/x-cn/duty/1> .
  <https://w3id.org/nhskg/data/post/x-cn/duty/1> a nhskg:Duty ; nhskg:text "Nursing safety" ; nhskg:dutyArea da:patient-safety , da:quality .
  <https://w3id.org/nhskg/data/org/x/role/chief-executive> a org:Post ; rdfs:label "Chief Executive" ; org:postIn <https://w3id.org/nhskg/data/org/x> ; org:role rt:chief-executive .
}

# Org Y: director of pharmacy holds pharmacy; a medical director and deputy report to each other (a cycle)
<https://w3id.org/nhskg/data/graph/posting/y-dop> {
  <https://w3id.org/nhskg/data/posting/y-dop> a schema:JobPosting ; nhskg:leadershipPosting true ;
      schema:hiringOrganization <https://w3id.org/nhskg/data/org/y> ; nhskg:advertises <https://w3id.org/nhskg/data/post/y-dop> .
  <https://w3id.org/nhskg/data/org/y> a org:Organization ; rdfs:label "Y Community Trust" ; nhskg:organisationType <https://w3id.org/nhskg/vocab/organisation-type/nhs-trust> .
  <https://w3id.org/nhskg/data/post/y-dop> a org:Post ; rdfs:label "Director of Pharmacy" ; org:postIn <https://w3id.org/nhskg/data/org/y> ;
      org:role rt:director-of-pharmacy ;
      org:reportsTo <https://w3id.org/nhskg/data/org/y/role/medical-director> ;
      nhskg:hasDuty <https://w3id.org/nhskg/data/post/y-dop/duty/1> .
  <https://w3id.org/nhskg/data/post/y-dop/duty/1> a nhskg:Duty ; nhskg:text "Run pharmacy" ; nhskg:dutyArea da:pharmacy .
  <https://w3id.org/nhskg/data/org/y/role/medical-director> a org:Post ; rdfs:label "Medical Director" ; org:postIn <https://w3id.org/nhskg/data/org/y> ;
      org:role rt:medical-director .
}
<https://w3id.org/nhskg/data/graph/posting/y-md> {
  <https://w3id.org/nhskg/data/posting/y-md> a schema:JobPosting ; nhskg:leadershipPosting true ;
      schema:hiringOrganization <https://w3id.org/nhskg/data/org/y> ; nhskg:advertises <https://w3id.org/nhskg/data/post/y-md> .
  <https://w3id.org/nhskg/data/post/y-md> a org:Post ; rdfs:label "Deputy Medical Director" ; org:postIn <https://w3id.org/nhskg/data/org/y> ;
      org:role rt:deputy-medical-director ;
      org:reportsTo <https://w3id.org/nhskg/data/org/y/role/medical-director> ;
      nhskg:holdsDesignation des:responsible-officer .
  <https://w3id.org/nhskg/data/org/y/role/medical-director> a org:Post ; rdfs:label "Medical Director" ;
      org:postIn <https://w3id.org/nhskg/data/org/y> ; org:role rt:medical-director ;
      org:reportsTo <https://w3id.org/nhskg/data/post/y-md> .
}

# Org Z: a non-leadership posting only; left out of the network and of the gaps
<https://w3id.org/nhskg/data/graph/posting/z-admin> {
  <https://w3id.org/nhskg/data/posting/z-admin> a schema:JobPosting ; nhskg:leadershipPosting false ;
      schema:hiringOrganization <https://w3id.org/nhskg/data/org/z> ; nhskg:advertises <https://w3id.org/nhskg/data/post/z-admin> .
  <https://w3id.org/nhskg/data/org/z> a org:Organization ; rdfs:label "Z Ambulance Trust" .
  <https://w3id.org/nhskg/data/post/z-admin> a org:Post ; rdfs:label "Administrator" ; org:postIn <https://w3id.org/nhskg/data/org/z> ; org:role rt:other .
}
"""


@pytest.fixture(scope="module")
def source() -> OxigraphSource:
    store = ox.Store()
    store.load(TRIG.encode(), format=ox.RdfFormat.TRIG)
    return OxigraphSource(store)


def test_graph_nodes_and_edges_follow_the_conventions(source):
    graph = accountability_graph(source)
    cmo = D + "post/x-cmo"
    assert graph.nodes[cmo]["kind"] == "post"
    assert graph.nodes[cmo]["organisation"] == D + "org/x"
    assert graph.nodes[V + "body/cqc"] == {"kind": "body", "label": "Care Quality Commission", "organisation": None}
    assert graph.nodes[V + "designation/caldicott-guardian"]["kind"] == "designation"
    assert graph.nodes[V + "duty-area/pharmacy"]["kind"] == "duty-area"
    assert graph.nodes[D + "org/x"]["kind"] == "organisation"
    assert graph.nodes[V + "role-type/chief-medical-officer"]["label"] == "Chief Medical Officer"
    edge = graph.edges[cmo, D + "org/x/role/chief-executive", "reports-to"]
    assert edge["evidence"] == "The CMO reports to the Chief Executive."
    assert graph.edges[cmo, V + "duty-area/quality", "claims-area"]["weight"] == 2
    assert D + "post/z-admin" not in graph  # non-leadership posting
    kinds = {k for _, _, k in graph.edges(keys=True)}
    assert kinds == {"reports-to", "professionally-accountable-to", "holds", "engages-with", "claims-area", "post-in", "has-role"}


def test_split_lines_detected(source):
    report = network(source)
    assert [s.post for s in report.split_lines] == [D + "post/x-cmo"]
    split = report.split_lines[0]
    assert split.managerial == (D + "org/x/role/chief-executive",)
    assert split.professional == (D + "org/x/role/national-medical-director",)


def test_reporting_cycle_detected(source):
    assert network(source).cycles == ((D + "org/y/role/medical-director", D + "post/y-md"),)


def test_hierarchy_depth_and_spans(source):
    by_org = {h.organisation: h for h in network(source).hierarchies}
    x = by_org[D + "org/x"]
    assert x.depth == 1
    assert [(s.post, s.reports) for s in x.spans] == [(D + "org/x/role/chief-executive", 2)]
    y = by_org[D + "org/y"]
    # y-dop -> medical director <-> y-md: the knot condenses to one node, so the chain has 1 edge
    assert y.depth == 1
    assert {s.post: s.reports for s in y.spans} == {D + "org/y/role/medical-director": 2, D + "post/y-md": 1}
    assert y.max_span == 2


def test_centrality_of_role_types_and_bodies(source):
    report = network(source)
    kinds = {c.kind for c in report.centrality}
    assert kinds == {"role-type", "body"}
    cqc = next(c for c in report.centrality if c.code == "cqc")
    nodes = report.nodes
    assert cqc.degree == pytest.approx(round(1 / (nodes - 1), 4))
    assert cqc.betweenness == 0.0


def test_duty_area_communities_are_seeded_and_cover_every_area(source):
    first, second = network(source, seed=1).communities, network(source, seed=1).communities
    assert first == second
    assert sorted(a for c in first for a in c) == ["patient-safety", "pharmacy", "quality"]


def test_gaps_and_designation_conflicts(source):
    report = gaps(source)
    assert [d.code for d in report.statutory] == ["caldicott-guardian", "responsible-officer"]
    by_org = {o.organisation: o for o in report.organisations}
    assert set(by_org) == {D + "org/x", D + "org/y"}  # z has no leadership posting
    assert by_org[D + "org/x"].missing == ()
    [conflict] = by_org[D + "org/x"].conflicts
    assert conflict.code == "caldicott-guardian"
    assert [h.role for h in conflict.holders] == ["chief-medical-officer", "chief-nurse"]
    assert [d.code for d in by_org[D + "org/y"].missing] == ["caldicott-guardian"]
    assert by_org[D + "org/y"].conflicts == ()


def test_area_conflicts_name_each_role_at_the_same_organisation(source):
    conflicts = {(c.organisation, c.area): c for c in gaps(source).area_conflicts}
    assert set(conflicts) == {(D + "org/x", "patient-safety"), (D + "org/x", "quality")}
    quality = conflicts[(D + "org/x", "quality")]
    assert [(c.role, c.duties) for c in quality.claimants] == [("chief-medical-officer", 2), ("chief-nurse", 1)]


def test_compare_shows_pharmacy_under_different_roles(source):
    result = compare(source, "X Hospitals Trust", "y")
    assert (result.organisation_a, result.organisation_b) == (D + "org/x", D + "org/y")
    rows = {(r.kind, r.code): r for r in result.rows}
    pharmacy = rows[("area", "pharmacy")]
    assert pharmacy.label == "Pharmacy and medicines"
    assert (pharmacy.roles_a, pharmacy.roles_b) == (("chief-medical-officer",), ("director-of-pharmacy",))
    assert pharmacy.differs
    assert rows[("designation", "responsible-officer")].roles_b == ("deputy-medical-director",)
    assert rows[("area", "quality")].roles_b == ()
    assert [r.kind for r in result.rows] == ["area"] * 3 + ["designation"] * 2


def test_compare_unknown_organisation_lists_close_matches(source):
    with pytest.raises(OrganisationNotFound, match="close matches: X Hospitals Trust"):
        compare(source, "X Hospital Trust", "y")
