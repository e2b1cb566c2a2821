"""A reviewer's decision on the graph: the provenance quads on the statement of each reviewed fact.

Takes a posting's N-Quads and the reviews that stand on its facts (:class:`Review`); gives the
quads that say on each ``nhskg:ExtractedStatement`` who reviewed it, when, with what status and,
for a correction, what the extractor had read, and the reviewers as ``prov:Agent``. Also which
predicate each record field becomes (:data:`FIELD_PREDICATES`), which reading a graph back by
field needs too (:mod:`.reviewed`). Separate from applying the decisions to a posting
(:mod:`.apply`), which works on records and never on RDF.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

import pyoxigraph as ox
from rdflib import namespace as rdfns  # XSD is an open namespace: used through the module
from rdflib.namespace import PROV

from ..extract.postings import ITEM_FIELDS
from ..graph.rdfgraph import NS, organisations_graph_iri, slugify
from ..namespaces import NHSKG
from ..vocabulary.vocab import Vocabulary
from .decisions import DUTY_AREAS, FIELD_SCHEMES, Decision, evidence_hash

#: Record field -> the predicate of the edge it becomes (docs/model.md, "Edges read from a posting").
FIELD_PREDICATES: dict[str, str] = {
    "accountable_to": NS.reports_to.value,
    "professionally_accountable_to": NS.professionally_accountable_to.value,
    "works_with": NS.works_with.value,
    "deputises_for": NS.deputises_for.value,
    "leads": NS.leads.value,
    "designations": NS.holds_designation.value,
    "bodies": NS.engages_with.value,
    "requirements": NS.has_requirement.value,
}
assert tuple(FIELD_PREDICATES) == ITEM_FIELDS
_FIELD_OF = {predicate: name for name, predicate in FIELD_PREDICATES.items()}
_ROLE_FIELDS = ("accountable_to", "professionally_accountable_to", "works_with", "deputises_for", "leads")

#: Review status -> the individual naming it in the ontology.
STATUS_IRIS = {"accepted": str(NHSKG["review-accepted"]), "corrected": str(NHSKG["review-corrected"])}


@dataclass(frozen=True)
class Review:
    """A reviewed fact as it stands after the decision: ``status`` is accepted or corrected; a
    correction keeps what the extractor had read (``extracted_field``, ``extracted_code``)."""

    field: str
    code: str
    status: str
    decision: Decision
    extracted_field: str | None = None
    extracted_code: str | None = None
    #: for a duty area, the evidence hash of the duty's sentence (which duty of the posting)
    evidence: str = ""


def _codes_by_node(quads: list[ox.Quad], vocab: Vocabulary) -> dict[str, str]:
    """What each object of a statement stands for: a concept's code, the role of a post named by
    its role, the concept a requirement node requires."""
    codes = {concept.iri: concept.code for scheme in vocab.schemes for concept in scheme.concepts}
    named: dict[str, str] = {}
    for quad in quads:
        if quad.predicate in (NS.role, NS.requires) and isinstance(quad.object, ox.NamedNode):
            code = codes.get(quad.object.value)
            if code is not None and not isinstance(quad.subject, ox.Triple):
                named[quad.subject.value] = code
    return {**codes, **named}


def _concept_iri(vocab: Vocabulary, field_name: str, code: str) -> str | None:
    for scheme in vocab.schemes:
        if scheme.name in FIELD_SCHEMES[field_name]:
            concept = scheme.get(code)
            if concept is not None:
                return concept.iri
    return None


def review_quads(nquads: bytes, reviews: Iterable[Review], vocab: Vocabulary, base: str) -> list[ox.Quad]:
    """The provenance quads of each review, on the statement in ``nquads`` that states its fact.

    The review status, reviewer and date go on the statement, in the statement's own graph; the
    reviewer is a ``prov:Agent`` named ``B/agent/{slug}`` with its name as ``rdfs:label``, stated
    once in the organisations graph, where the nodes many postings name live. A corrected
    statement also says what the extractor had read (``nhskg:extractedPredicate`` and
    ``nhskg:extractedValue``). A review whose statement is not there (a posting modelled
    minimally) is left out.
    """
    reviews = list(reviews)
    wanted = {(FIELD_PREDICATES[r.field], r.code): r for r in reviews if r.field != DUTY_AREAS}
    on_areas = {(r.evidence, r.code): r for r in reviews if r.field == DUTY_AREAS}
    if not wanted and not on_areas:
        return []
    quads = list(ox.parse(nquads, format=ox.RdfFormat.N_QUADS))
    codes = _codes_by_node(quads, vocab)
    statements: dict[ox.NamedNode, dict[str, object]] = {}
    for quad in quads:
        if quad.predicate in (NS.predicate, NS.object):
            entry = statements.setdefault(quad.subject, {"graph": quad.graph_name})  # type: ignore[arg-type]
            entry["p" if quad.predicate == NS.predicate else "o"] = quad.object
    found: list[tuple[ox.NamedNode, object, Review]] = []  # (statement or reading, its graph, the review)
    for statement, entry in sorted(statements.items(), key=lambda kv: kv[0].value):
        predicate, target = entry.get("p"), entry.get("o")
        if not isinstance(predicate, ox.NamedNode) or not isinstance(target, ox.NamedNode):
            continue
        review = wanted.get((predicate.value, codes.get(target.value, "")))
        if review is not None:
            found.append((statement, entry["graph"], review))
    if on_areas:
        found += _area_readings(quads, codes, on_areas)
    shared = ox.NamedNode(organisations_graph_iri(base))
    out: list[ox.Quad] = []
    agents: dict[str, str] = {}
    for statement, graph, review in found:
        decision = review.decision
        agent = f"{base}agent/{slugify(decision.reviewer)}"
        agents.setdefault(agent, decision.reviewer)

        def add(p: str, o: ox.NamedNode | ox.Literal) -> None:
            out.append(ox.Quad(statement, ox.NamedNode(p), o, graph))  # type: ignore[arg-type]

        add(NHSKG.reviewStatus, ox.NamedNode(STATUS_IRIS[review.status]))
        add(PROV.wasAttributedTo, ox.NamedNode(agent))
        add(PROV.generatedAtTime, ox.Literal(decision.date, datatype=ox.NamedNode(rdfns.XSD.dateTime)))
        if decision.note:
            add(NHSKG.reviewNote, ox.Literal(decision.note))
        if review.status == "corrected" and review.extracted_field and review.extracted_code:
            if review.field != DUTY_AREAS:  # a reading is always of an area: only the value changed
                add(NHSKG.extractedPredicate, ox.NamedNode(FIELD_PREDICATES[review.extracted_field]))
            concept = _concept_iri(vocab, review.extracted_field, review.extracted_code)
            if concept is not None:
                add(NHSKG.extractedValue, ox.NamedNode(concept))
    for agent, name in sorted(agents.items()):
        out.append(ox.Quad(ox.NamedNode(agent), NS.type, ox.NamedNode(PROV.Agent), shared))
        out.append(ox.Quad(ox.NamedNode(agent), NS.label, ox.Literal(name), shared))
    return out


def _area_readings(quads: list[ox.Quad], codes: dict[str, str], on_areas: dict[tuple[str, str], Review]
                   ) -> list[tuple[ox.NamedNode, object, Review]]:
    """The ``nhskg:DutyAreaReading`` of each reviewed duty area: the reading of the area's code on
    a duty whose ``nhskg:evidenceSentence`` hashes to the review's evidence. A duty with no
    readings (a hand-made record) has nowhere to hold a review, and is left out."""
    hashes: dict[object, str] = {}
    readings: dict[object, list[tuple[ox.NamedNode, object]]] = {}
    area_of: dict[object, str] = {}
    for quad in quads:
        if quad.predicate == NS.evidence_sentence and isinstance(quad.object, ox.Literal):
            hashes[quad.subject] = evidence_hash(quad.object.value)
        elif quad.predicate == NS.area_reading and isinstance(quad.object, ox.NamedNode):
            readings.setdefault(quad.subject, []).append((quad.object, quad.graph_name))
        elif quad.predicate == NS.reading_of_area and isinstance(quad.object, ox.NamedNode):
            area_of[quad.subject] = codes.get(quad.object.value, "")
    found = []
    for duty, held in sorted(readings.items(), key=lambda kv: str(kv[0])):
        for reading, graph in sorted(held, key=lambda rg: rg[0].value):
            review = on_areas.get((hashes.get(duty, ""), area_of.get(reading, "")))
            if review is not None:
                found.append((reading, graph, review))
    return found
