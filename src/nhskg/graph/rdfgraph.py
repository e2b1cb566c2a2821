"""Stage 3's names: the IRIs of postings, organisations and graphs, and the model's terms.

Takes posting ids, names and the base IRI; gives the IRIs and named-graph IRIs every later stage
agrees on (the store, the build, validation and curation read them without building a graph),
the model's terms as pyoxigraph nodes (:class:`NS`) and :class:`PostingGraph`, what the graph
stage hands the store. The graph of one posting is written by :mod:`.posting`.

* **IRIs derive from content only** (slug of the organisation's name, the role code, the
  posting id, a hash of a triple), never from counters or the clock, so the same input always
  gives the same IRIs and a rebuild is idempotent.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
import re
import unicodedata

import pyoxigraph as ox
from rdflib import namespace as rdfns  # SDO and XSD are open namespaces: used through the module
from rdflib.namespace import ORG, PROV, RDF, RDFS, SKOS

from ..errors import VocabularyError
from ..namespaces import DEFAULT_BASE, NHSKG

__all__ = [
    "PostingGraph",
    "rdf_text",
    "check_base",
    "slugify",
    "posting_key",
    "posting_graph_iri",
    "posting_graphs_prefix",
    "organisations_graph_iri",
    "posting_iri",
    "NS",
]


class NS:
    """The IRIs the model uses, as pyoxigraph terms (built once: term construction is the hot path).

    Each comes from a closed namespace (rdflib's for the standard vocabularies, the generated
    :class:`~nhskg.namespaces.NHSKG` for the project's own), so a misspelt term fails at import.
    """

    type = ox.NamedNode(RDF.type)
    subject = ox.NamedNode(RDF.subject)
    predicate = ox.NamedNode(RDF.predicate)
    object = ox.NamedNode(RDF.object)
    label = ox.NamedNode(RDFS.label)
    pref_label = ox.NamedNode(SKOS.prefLabel)
    derived_from = ox.NamedNode(PROV.wasDerivedFrom)

    Organization = ox.NamedNode(ORG.Organization)
    Post = ox.NamedNode(ORG.Post)
    role = ox.NamedNode(ORG.role)
    post_in = ox.NamedNode(ORG.postIn)
    reports_to = ox.NamedNode(ORG.reportsTo)

    JobPosting = ox.NamedNode(rdfns.SDO.JobPosting)
    MonetaryAmount = ox.NamedNode(rdfns.SDO.MonetaryAmount)
    Place = ox.NamedNode(rdfns.SDO.Place)
    title = ox.NamedNode(rdfns.SDO.title)
    identifier = ox.NamedNode(rdfns.SDO.identifier)
    date_posted = ox.NamedNode(rdfns.SDO.datePosted)
    valid_through = ox.NamedNode(rdfns.SDO.validThrough)
    base_salary = ox.NamedNode(rdfns.SDO.baseSalary)
    min_value = ox.NamedNode(rdfns.SDO.minValue)
    max_value = ox.NamedNode(rdfns.SDO.maxValue)
    currency = ox.NamedNode(rdfns.SDO.currency)
    unit_text = ox.NamedNode(rdfns.SDO.unitText)
    job_location = ox.NamedNode(rdfns.SDO.jobLocation)
    name = ox.NamedNode(rdfns.SDO.name)
    hiring_organization = ox.NamedNode(rdfns.SDO.hiringOrganization)

    Duty = ox.NamedNode(NHSKG.Duty)
    Requirement = ox.NamedNode(NHSKG.Requirement)
    ExtractedStatement = ox.NamedNode(NHSKG.ExtractedStatement)
    source_file = ox.NamedNode(NHSKG.sourceFile)
    pay_band = ox.NamedNode(NHSKG.payBand)
    advertises = ox.NamedNode(NHSKG.advertises)
    leadership_posting = ox.NamedNode(NHSKG.leadershipPosting)
    post_kind = ox.NamedNode(NHSKG.postKind)
    organisation_type = ox.NamedNode(NHSKG.organisationType)
    scope = ox.NamedNode(NHSKG.scope)
    professionally_accountable_to = ox.NamedNode(NHSKG.professionallyAccountableTo)
    works_with = ox.NamedNode(NHSKG.worksWith)
    deputises_for = ox.NamedNode(NHSKG.deputisesFor)
    confidence = ox.NamedNode(NHSKG.confidence)
    stated_as = ox.NamedNode(NHSKG.statedAs)
    leads = ox.NamedNode(NHSKG.leads)
    holds_designation = ox.NamedNode(NHSKG.holdsDesignation)
    engages_with = ox.NamedNode(NHSKG.engagesWith)
    has_requirement = ox.NamedNode(NHSKG.hasRequirement)
    has_duty = ox.NamedNode(NHSKG.hasDuty)
    requires = ox.NamedNode(NHSKG.requires)
    essential = ox.NamedNode(NHSKG.essential)
    text = ox.NamedNode(NHSKG.text)
    duty_area = ox.NamedNode(NHSKG.dutyArea)
    area_reading = ox.NamedNode(NHSKG.areaReading)
    reading_of_area = ox.NamedNode(NHSKG.readingOfArea)
    DutyAreaReading = ox.NamedNode(NHSKG.DutyAreaReading)
    partner_role = ox.NamedNode(NHSKG.partnerRole)
    evidence_sentence = ox.NamedNode(NHSKG.evidenceSentence)
    start_offset = ox.NamedNode(NHSKG.startOffset)
    end_offset = ox.NamedNode(NHSKG.endOffset)
    evidence_source = ox.NamedNode(NHSKG.evidenceSource)
    label_as_written = ox.NamedNode(NHSKG.labelAsWritten)

    xsd_date = ox.NamedNode(rdfns.XSD.date)
    xsd_decimal = ox.NamedNode(rdfns.XSD.decimal)
    xsd_integer = ox.NamedNode(rdfns.XSD.integer)
    xsd_boolean = ox.NamedNode(rdfns.XSD.boolean)

    # The namespaces as strings (after the terms: in a class body these names would hide rdflib's).
    RDF = str(RDF)
    RDFS = str(RDFS)
    XSD = str(rdfns.XSD)
    SKOS = str(SKOS)
    PROV = str(PROV)
    ORG = str(ORG)
    SCHEMA = str(rdfns.SDO)
    NHSKG = str(NHSKG)


class _N:
    """The same terms as N-Triples text (``<iri>``): the quads are written as N-Quads lines, and
    formatting a pyoxigraph term into one costs more than the rest of the line."""

    type = f"<{RDF.type}>"
    subject = f"<{RDF.subject}>"
    predicate = f"<{RDF.predicate}>"
    object = f"<{RDF.object}>"
    label = f"<{RDFS.label}>"
    pref_label = f"<{SKOS.prefLabel}>"
    derived_from = f"<{PROV.wasDerivedFrom}>"
    Organization = f"<{ORG.Organization}>"
    Post = f"<{ORG.Post}>"
    role = f"<{ORG.role}>"
    post_in = f"<{ORG.postIn}>"
    reports_to = f"<{ORG.reportsTo}>"
    JobPosting = f"<{rdfns.SDO.JobPosting}>"
    MonetaryAmount = f"<{rdfns.SDO.MonetaryAmount}>"
    Place = f"<{rdfns.SDO.Place}>"
    title = f"<{rdfns.SDO.title}>"
    identifier = f"<{rdfns.SDO.identifier}>"
    date_posted = f"<{rdfns.SDO.datePosted}>"
    valid_through = f"<{rdfns.SDO.validThrough}>"
    base_salary = f"<{rdfns.SDO.baseSalary}>"
    min_value = f"<{rdfns.SDO.minValue}>"
    max_value = f"<{rdfns.SDO.maxValue}>"
    currency = f"<{rdfns.SDO.currency}>"
    unit_text = f"<{rdfns.SDO.unitText}>"
    job_location = f"<{rdfns.SDO.jobLocation}>"
    name = f"<{rdfns.SDO.name}>"
    hiring_organization = f"<{rdfns.SDO.hiringOrganization}>"
    Duty = f"<{NHSKG.Duty}>"
    Requirement = f"<{NHSKG.Requirement}>"
    ExtractedStatement = f"<{NHSKG.ExtractedStatement}>"
    source_file = f"<{NHSKG.sourceFile}>"
    pay_band = f"<{NHSKG.payBand}>"
    advertises = f"<{NHSKG.advertises}>"
    leadership_posting = f"<{NHSKG.leadershipPosting}>"
    post_kind = f"<{NHSKG.postKind}>"
    organisation_type = f"<{NHSKG.organisationType}>"
    scope = f"<{NHSKG.scope}>"
    professionally_accountable_to = f"<{NHSKG.professionallyAccountableTo}>"
    works_with = f"<{NHSKG.worksWith}>"
    deputises_for = f"<{NHSKG.deputisesFor}>"
    confidence = f"<{NHSKG.confidence}>"
    stated_as = f"<{NHSKG.statedAs}>"
    leads = f"<{NHSKG.leads}>"
    holds_designation = f"<{NHSKG.holdsDesignation}>"
    engages_with = f"<{NHSKG.engagesWith}>"
    has_requirement = f"<{NHSKG.hasRequirement}>"
    has_duty = f"<{NHSKG.hasDuty}>"
    requires = f"<{NHSKG.requires}>"
    essential = f"<{NHSKG.essential}>"
    text = f"<{NHSKG.text}>"
    duty_area = f"<{NHSKG.dutyArea}>"
    area_reading = f"<{NHSKG.areaReading}>"
    reading_of_area = f"<{NHSKG.readingOfArea}>"
    DutyAreaReading = f"<{NHSKG.DutyAreaReading}>"
    partner_role = f"<{NHSKG.partnerRole}>"
    evidence_sentence = f"<{NHSKG.evidenceSentence}>"
    start_offset = f"<{NHSKG.startOffset}>"
    end_offset = f"<{NHSKG.endOffset}>"
    evidence_source = f"<{NHSKG.evidenceSource}>"
    label_as_written = f"<{NHSKG.labelAsWritten}>"
    xsd_date = f"<{rdfns.XSD.date}>"
    xsd_decimal = f"<{rdfns.XSD.decimal}>"
    xsd_integer = f"<{rdfns.XSD.integer}>"
    xsd_boolean = f"<{rdfns.XSD.boolean}>"


@lru_cache(maxsize=65536)  # organisation names and role codes repeat across thousands of postings
def slugify(text: str) -> str:
    """Lower-case ASCII words joined by ``-``: the IRI-safe form of a name or id.

    >>> slugify("Norfolk and Waveney University Hospitals Group")
    'norfolk-and-waveney-university-hospitals-group'
    >>> slugify("  St. Helen's & Knowsley (NHS) ")
    'st-helen-s-knowsley-nhs'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug or "x"


#: Posting ids whose IRI is their slug, as it always was: lower-case letters and digits in words
#: joined by single "-" or "_" (corpus ids such as 916223185, file stems such as
#: 000_ceef7d63af8bb6ec or cmo-2020-1). Their slugs never contain "--".
_PLAIN_ID = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)*")
_PLAIN_MAX = 100


@lru_cache(maxsize=65536)
def posting_key(posting_id: str) -> str:
    """The IRI segment of a posting: what keeps two postings' graphs apart.

    A plain id (see ``_PLAIN_ID``) is its slug. Any other id would lose characters to the slug
    ("ABC-1" and "abc_1" both slug to "abc-1", "仕事" and "求人" both to "x"), so it gets the slug
    and a hash of the whole id after "--", which no plain id's slug has. Two ids can share a key
    only if they are plain and differ in "-" against "_" alone (or by a collision of 48 bits of
    SHA-256); a build refuses the second (:mod:`nhskg.pipeline.build`).

    >>> posting_key("916223185"), posting_key("000_ceef7d63af8bb6ec")
    ('916223185', '000-ceef7d63af8bb6ec')
    >>> posting_key("abc_1"), posting_key("ABC-1"), posting_key("仕事")
    ('abc-1', 'abc-1--173896f9bffa', 'x--fb7db808eb03')
    """
    if len(posting_id) <= _PLAIN_MAX and _PLAIN_ID.fullmatch(posting_id):
        return posting_id.replace("_", "-")
    digest = hashlib.sha256(posting_id.encode("utf-8", "surrogatepass")).hexdigest()[:12]
    return f"{slugify(posting_id)[:60].rstrip('-')}--{digest}"


def posting_iri(posting_id: str, base: str = DEFAULT_BASE) -> str:
    return f"{base}posting/{posting_key(posting_id)}"


def posting_graph_iri(posting_id: str, base: str = DEFAULT_BASE) -> str:
    """The named graph holding what was read from one posting (but see :func:`organisations_graph_iri`)."""
    return f"{posting_graphs_prefix(base)}{posting_key(posting_id)}"


def posting_graphs_prefix(base: str = DEFAULT_BASE) -> str:
    """What every posting graph's IRI starts with, to tell them from the other graphs."""
    return f"{base}graph/posting/"


def organisations_graph_iri(base: str = DEFAULT_BASE) -> str:
    """The one graph stating what is known of the nodes many postings name: organisations
    (``B/org/{slug}``) and the posts named only by their role (``B/org/{slug}/role/{code}``).

    Stated in each posting's own graph instead, the union of the graphs that every query reads
    would hold a trust's name once per posting naming it (138 times for one health board in
    2020), and every join through an organisation would multiply rows by that much: on the 2020
    corpus a quarter of the quads were such repeats, and queries through organisations ran ten
    times slower. Here each such statement is one quad.
    """
    return f"{base}graph/organisations"


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def rdf_text(text: str) -> str:
    """``text`` as a literal holds it: a lone surrogate (no UTF-8 can encode one) becomes U+FFFD.

    The readers already repair what they read; this covers records made some other way.
    """
    return _LONE_SURROGATE.sub("\ufffd", text)


def check_base(base: str) -> str:
    """``base`` if instance IRIs can be minted under it, else :class:`VocabularyError`."""
    try:
        ox.NamedNode(base + "x")
    except ValueError as error:
        raise VocabularyError(f"--base {base!r} is not an IRI ({error}); use e.g. {DEFAULT_BASE}") from error
    return base


@dataclass(frozen=True)
class PostingGraph:
    """One posting's named graph as N-Quads, with the id and source file a build reports it by.

    What the graph stage hands the store. A large build makes these in its extraction workers,
    so only ids and bytes (cheap to pickle, unlike a Posting) come back to the writing process.
    Two digests, for two questions: ``digest`` (what the graph says) tells a record read twice
    from another posting with the same id; ``input_digest`` (what it was made from) tells a build
    whether the store holds the graph already.
    """

    id: str
    source: str
    nquads: bytes
    #: What the graph says, whichever file it was read from (see
    #: :func:`nhskg.graph.posting.content_digest`): a build
    #: merges two records of one id with the same content digest (read twice) and refuses others.
    digest: str = ""
    #: What the graph was made from, when the build knows it (the digest of its document, the
    #: decisions about it and the extractor's version: :func:`nhskg.pipeline.build.document_digest`). The
    #: store keeps it beside the graph, so a later build can skip the same input.
    input_digest: str | None = None

    @property
    def key(self) -> str:
        """The IRI segment of its graph (:func:`posting_key`)."""
        return posting_key(self.id)


