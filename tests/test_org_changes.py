"""Organisation changes (ontology/org-changes.ttl): well formed, loaded by the build under any
base, and followed by the library query and by drift across a reorganisation."""

from __future__ import annotations

from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, PROV, RDF, Namespace

from nhskg.analyses.drift import drift
from nhskg.pipeline.build import build_postings
from nhskg.read.documents import Document
from nhskg.extract import extract_posting
from nhskg.paths import ontology_dir, project_home
from nhskg.extract.postings import Duty, Evidence, Organisation, Posting
from nhskg.queries.running import run_query
from nhskg.graph.rdfgraph import slugify
from nhskg.graph.store import GraphStore

ORG = Namespace("http://www.w3.org/ns/org#")
B = "https://w3id.org/nhskg/data/"
CHANGES = ontology_dir() / "org-changes.ttl"


def changes(base: str = B) -> rdflib.Graph:
    return rdflib.Graph().parse(CHANGES, format="turtle", publicID=base)


def test_every_event_is_complete_and_both_directions_agree() -> None:
    graph = changes()
    events = set(graph.subjects(RDF.type, ORG.ChangeEvent))
    assert len(events) >= 7
    for event in events:
        originals = set(graph.objects(event, ORG.originalOrganization))
        results = set(graph.objects(event, ORG.resultingOrganization))
        assert originals and results, event
        assert graph.value(event, PROV.startedAtTime) is not None, event
        assert graph.value(event, DCTERMS.source) is not None, f"{event} has no source"
        for result in results:
            assert (result, ORG.resultedFrom, event) in graph
        for original in originals:
            assert (original, ORG.changedBy, event) in graph
    # every org:resultedFrom / org:changedBy names an event that lists it
    for org, event in graph.subject_objects(ORG.resultedFrom):
        assert (event, ORG.resultingOrganization, org) in graph
    for org, event in graph.subject_objects(ORG.changedBy):
        assert (event, ORG.originalOrganization, org) in graph


def test_ccgs_became_icbs_on_1_july_2022() -> None:
    graph = changes()
    icb = rdflib.URIRef(f"{B}org/nhs-nottingham-and-nottinghamshire-integrated-care-board")
    event = graph.value(icb, ORG.resultedFrom)
    assert str(graph.value(event, PROV.startedAtTime)).startswith("2022-07-01")
    assert (event, ORG.originalOrganization, rdflib.URIRef(f"{B}org/nhs-nottingham-and-nottinghamshire-clinical-commissioning-group")) in graph
    hiow = rdflib.URIRef(f"{B}org/nhs-hampshire-and-isle-of-wight-integrated-care-board")
    assert rdflib.URIRef(f"{B}org/nhs-southampton-ccg") in set(graph.objects(graph.value(hiow, ORG.resultedFrom), ORG.originalOrganization))


def test_the_group_in_the_file_is_the_organisation_seed_003_names() -> None:
    """The IRI in org-changes.ttl must be the slug of the name the extractor reads from the seed."""
    path = project_home() / "seeds" / "003_ee31a5acbe06f6bc.txt"
    posting = extract_posting(Document("003", str(path), path.read_text(encoding="utf-8")))
    assert posting.organisation is not None
    group = rdflib.URIRef(f"{B}org/{slugify(posting.organisation.name)}")
    graph = changes()
    event = graph.value(group, ORG.resultedFrom)
    assert event is not None, group
    assert len(set(graph.objects(event, ORG.originalOrganization))) == 3
    assert str(graph.value(event, PROV.startedAtTime)).startswith("2025-05")


def cmo(pid: str, organisation: str, posted: str, areas: tuple[str, ...]) -> Posting:
    duties = tuple(Duty(f"Lead {a}.", (a,), (), Evidence(f"Lead {a}.", 0, 5)) for a in areas)
    return Posting(pid, f"{pid}.txt", "Chief Medical Officer", "chief-medical-officer", "organisation",
                   Organisation(organisation, None), None, None, None, None, date_posted=posted, duties=duties)


def test_build_loads_the_changes_and_a_post_is_followed_across_the_ccg_to_icb_change(tmp_path: Path) -> None:
    base = "https://example.org/kg/"
    store_dir = tmp_path / "store"
    build_postings(
        [
            cmo("ccg-cmo", "NHS Southampton CCG", "2020-10-01", ("research-innovation", "patient-safety")),
            cmo("icb-cmo", "NHS Hampshire and Isle of Wight Integrated Care Board", "2023-03-01", ("patient-safety",)),
        ],
        store_dir,
        base=base,
        validate=False,
    )
    store = GraphStore.open(store_dir)
    try:
        source = store.source()
        table = run_query(source, "drift-successors")
        rows = {(str(r["organisation"]), str(r["predecessor"]), str(r["started"])[:10]) for r in table.records()}
        assert (f"{base}org/nhs-hampshire-and-isle-of-wight-integrated-care-board", f"{base}org/nhs-southampton-ccg", "2022-07-01") in rows
        [step] = drift(source, "chief-medical-officer").steps
        assert step.earlier.endswith("ccg-cmo") and step.later.endswith("icb-cmo")
        assert step.change == f"{base}org-change/2022-07-01-hampshire-and-isle-of-wight-icb"
        assert step.dropped == ("research-innovation",)
    finally:
        store.close()
