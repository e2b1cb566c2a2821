"""Overlap of two role types on a hand-built graph whose right answers are worked out by hand."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from nhskg.analyses.overlap import UnknownRoleType, overlap
from nhskg.analyses.similarity import similar_pairs
from nhskg.sparql.sources import OxigraphSource

PREFIXES = """
@prefix nhskg: <https://w3id.org/nhskg/def#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix schema: <https://schema.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix V: <https://w3id.org/nhskg/vocab/> .
@prefix rt: <https://w3id.org/nhskg/vocab/role-type/> .
@prefix da: <https://w3id.org/nhskg/vocab/duty-area/> .
@prefix des: <https://w3id.org/nhskg/vocab/designation/> .
@prefix B: <https://w3id.org/nhskg/data/> .
"""

VOCAB = """
<https://w3id.org/nhskg/graph/ontology> {
  rt:chief-medical-officer skos:inScheme <https://w3id.org/nhskg/vocab/role-type> ; skos:notation "chief-medical-officer" ; skos:prefLabel "Chief Medical Officer" .
  rt:chief-nurse skos:inScheme <https://w3id.org/nhskg/vocab/role-type> ; skos:notation "chief-nurse" ; skos:prefLabel "Chief Nurse" .
  rt:chief-executive skos:inScheme <https://w3id.org/nhskg/vocab/role-type> ; skos:notation "chief-executive" ; skos:prefLabel "Chief Executive" .
  da:patient-safety skos:prefLabel "Patient safety" .
  da:education skos:prefLabel "Education and training" .
  da:finance skos:prefLabel "Finance" .
  des:responsible-officer skos:prefLabel "Responsible Officer" .
}
"""


def posting(slug: str, org: str, role: str, duties: list[tuple[str, list[str], list[str]]], designations=()) -> str:
    """TriG for one leadership posting, following docs/model.md."""
    lines = [
        f"<https://w3id.org/nhskg/data/posting/{slug}> a schema:JobPosting ; nhskg:leadershipPosting true ; schema:hiringOrganization <https://w3id.org/nhskg/data/org/{org}> ; nhskg:advertises <https://w3id.org/nhskg/data/post/{slug}> .",
        f'<https://w3id.org/nhskg/data/org/{org}> a org:Organization ; rdfs:label "{org.upper()} Trust" .',
        f'<https://w3id.org/nhskg/data/post/{slug}> a org:Post ; rdfs:label "{role}" ; org:postIn <https://w3id.org/nhskg/data/org/{org}> ; org:role rt:{role} .',
    ]
    for n, (text, areas, partners) in enumerate(duties, 1):
        duty = f"<https://w3id.org/nhskg/data/post/{slug}/duty/{n}>"
        lines.append(f"<https://w3id.org/nhskg/data/post/{slug}> nhskg:hasDuty {duty} .")
        lines.append(
            f'{duty} a nhskg:Duty ; nhskg:text "{text}" ; nhskg:evidenceSentence "{text}." ; '
            f"nhskg:startOffset {n * 100} ; nhskg:endOffset {n * 100 + len(text) + 1} ; prov:wasDerivedFrom <https://w3id.org/nhskg/data/posting/{slug}> ."
        )
        for area in areas:
            lines.append(f"{duty} nhskg:dutyArea da:{area} .")
        for partner in partners:
            lines.append(f"{duty} nhskg:partnerRole rt:{partner} .")
    for code in designations:
        lines.append(f"<https://w3id.org/nhskg/data/post/{slug}> nhskg:holdsDesignation des:{code} .")
    body = "\n  ".join(lines)
    return f"<https://w3id.org/nhskg/data/graph/posting/{slug}> {{\n  {body}\n}}\n"


def make_store(trig: str) -> OxigraphSource:
    store = ox.Store()
    store.load(trig.encode(), format=ox.RdfFormat.TRIG)
    return OxigraphSource(store)


SAFETY_A = "Assure the board on quality and patient safety with the Chief Nurse"
SAFETY_B = "Provide assurance to the board on patient safety and quality"


@pytest.fixture(scope="module")
def source() -> OxigraphSource:
    trig = PREFIXES + VOCAB
    trig += posting(
        "p1",
        "x",
        "chief-medical-officer",
        [(SAFETY_A, ["patient-safety"], ["chief-nurse"]), ("Lead medical education and training", ["education"], [])],
        ["responsible-officer"],
    )
    trig += posting("p2", "y", "chief-medical-officer", [("Chair the medical workforce committee", ["patient-safety"], [])])
    trig += posting(
        "p3",
        "y",
        "chief-nurse",
        [(SAFETY_B, ["patient-safety"], []), ("Manage the nursing budget", ["finance"], [])],
        ["responsible-officer"],
    )
    trig += posting("p4", "z", "chief-nurse", [("Set the nursing pay budget", ["finance"], [])])
    return make_store(trig)


def test_counts_postings_of_each_role(source):
    result = overlap(source, "chief-medical-officer", "chief-nurse")
    assert (result.postings_a, result.postings_b) == (2, 2)
    assert (result.label_a, result.label_b) == ("Chief Medical Officer", "Chief Nurse")


def test_joint_duty_found_with_its_evidence(source):
    result = overlap(source, "chief-medical-officer", "chief-nurse")
    assert len(result.joint_duties) == 1
    joint = result.joint_duties[0]
    assert joint.posting.endswith("/posting/p1")
    assert joint.organisation.endswith("/org/x")
    assert (joint.holder_role, joint.partner_role) == ("chief-medical-officer", "chief-nurse")
    assert joint.text == SAFETY_A
    assert joint.sentence == SAFETY_A + "."
    assert (joint.start, joint.end) == (100, 100 + len(SAFETY_A) + 1)


def test_area_counts_shares_and_jaccard_by_hand(source):
    result = overlap(source, "chief-medical-officer", "chief-nurse")
    areas = {a.area: (a.postings_a, a.postings_b, a.share_a, a.share_b) for a in result.areas}
    assert areas == {
        "patient-safety": (2, 1, 1.0, 0.5),
        "education": (1, 0, 0.5, 0.0),
        "finance": (0, 2, 0.0, 1.0),
    }
    # sorted by combined share: patient-safety (1.5), finance (1.0), education (0.5)
    assert [a.area for a in result.areas] == ["patient-safety", "finance", "education"]
    assert result.areas[0].label == "Patient safety"
    # {patient-safety} / {patient-safety, education, finance}
    assert result.jaccard == pytest.approx(1 / 3, abs=1e-4)
    # sum of min shares 0.5 over sum of max shares 1.0 + 0.5 + 1.0
    assert result.weighted_jaccard == pytest.approx(0.2)


def test_similar_pair_found_and_unrelated_pair_not(source):
    result = overlap(source, "chief-medical-officer", "chief-nurse")
    pairs = {(p.sentence_a, p.sentence_b) for p in result.similar_statements}
    assert (SAFETY_A + ".", SAFETY_B + ".") in pairs
    assert all("budget" not in b for _, b in pairs)
    best = result.similar_statements[0]
    assert best.score >= 0.35
    assert best.posting_a.endswith("/posting/p1") and best.posting_b.endswith("/posting/p3")


def test_shared_designation_in_different_organisations(source):
    result = overlap(source, "chief-medical-officer", "chief-nurse")
    assert len(result.shared_designations) == 1
    shared = result.shared_designations[0]
    assert shared.designation == "responsible-officer"
    assert shared.label == "Responsible Officer"
    assert [o.rsplit("/", 1)[-1] for o in shared.organisations_a] == ["x"]
    assert [o.rsplit("/", 1)[-1] for o in shared.organisations_b] == ["y"]


def test_to_json_round_trips_through_json(source):
    data = overlap(source, "chief-medical-officer", "chief-nurse").to_json()
    assert json.loads(json.dumps(data))["areas"][0]["area"] == "patient-safety"


def test_unknown_role_lists_the_nearest(source):
    with pytest.raises(UnknownRoleType, match=r"nearest: Chief Nurse \(chief-nurse\)"):
        overlap(source, "chief-medical-officer", "chief-nurze")


def test_role_types_by_label_or_code_give_the_same_overlap(source):
    assert overlap(source, "Chief Medical Officer", "chief nurse") == overlap(source, "chief-medical-officer", "chief-nurse")


def test_similarity_ignores_pairs_within_one_role():
    assert similar_pairs(["patient safety board"], ["estates strategy"]) == []
    assert similar_pairs(["patient safety board"], ["patient safety board"])[0].score == 1.0
