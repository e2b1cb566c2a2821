"""One posting record -> its N-Quads: the posting's own named graph, and what it adds to the organisations graph.

Takes a :class:`~nhskg.extract.postings.Posting` and the vocabulary; gives the posting's quads as
N-Quads bytes (:func:`posting_nquads`), as pyoxigraph quads (:func:`posting_quads`) or as a
:class:`~nhskg.graph.rdfgraph.PostingGraph` with its digest (:func:`posting_graph`). Separate from
:mod:`.rdfgraph`, which names things (the IRIs, the terms, the graph names) that the store and the
build use without building any graph; this module is the model of ``docs/model.md`` written out.

Choices this module makes, and why:

* **Full modelling for leadership postings only** (``full=None``, the default). The 2020 corpus has
  14,842 postings of which only a few hundred are leadership posts; modelling every duty and
  requirement of a band-5 nursing post would bury the accountability lines the graph is for.
  A posting is modelled in full when its role type's concept has ``nhskg:leadershipRole true``
  in the vocabulary, or when the record itself says ``leadership``. Everything else gets only
  the posting (title, identifier, source, dates, hiring organisation, ``leadershipPosting
  false``, ``advertises``), the organisation (label, type) and the post (label, ``postIn``,
  ``org:role``, scope). ``full=True`` models every posting in full, ``full=False`` none.
* **Labels are plain strings** (``xsd:string``), not ``@en``: they are the words of the posting
  as written, and plain literals compare equal in SPARQL without ``STR()`` or language filters.
  Dates are ``xsd:date`` (a date that is not ``YYYY-MM-DD`` is left out rather than written as
  an ill-typed literal), money ``xsd:decimal``, offsets ``xsd:integer``, flags ``xsd:boolean``.
* **Provenance** is an ``nhskg:ExtractedStatement`` per edge read from the text, named by the
  first 16 hex digits of the SHA-1 of the N-Triples form of the triple (``<s> <p> <o>``). When
  the same edge is read twice (two sentences name the same designation) the first sentence is
  kept, so each statement has exactly one evidence sentence. The role edge is reified only when
  the record has ``title_evidence``.
* Quads are written as N-Quads lines and parsed by Oxigraph, never built as rdflib graphs or
  term by term: the whole corpus (14,842 postings) must turn into quads in a couple of
  seconds, and building ``pyoxigraph.Quad`` objects with literals one at a time from Python is
  about ten times slower than letting Oxigraph's parser make them.
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Iterable

import pyoxigraph as ox

from ..errors import VocabularyError
from ..extract.postings import Evidence, Item, Posting
from ..namespaces import DEFAULT_BASE
from ..vocabulary.vocab import Vocabulary
from .rdfgraph import (
    NS,
    PostingGraph,
    _N,
    check_base,
    organisations_graph_iri,
    posting_graphs_prefix,
    posting_key,
    rdf_text,
    slugify,
)

__all__ = ["content_digest", "is_full", "posting_graph", "posting_nquads", "posting_quads"]
_TRUE = '"true"^^<http://www.w3.org/2001/XMLSchema#boolean>'
_FALSE = '"false"^^<http://www.w3.org/2001/XMLSchema#boolean>'
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
#: Record field -> predicate from the post to a role post.
_ROLE_EDGES = (
    ("accountable_to", _N.reports_to),
    ("professionally_accountable_to", _N.professionally_accountable_to),
    ("works_with", _N.works_with),
    ("deputises_for", _N.deputises_for),
    ("leads", _N.leads),
)
#: Record field -> predicate from the post to a concept, and the concept's scheme.
_CONCEPT_EDGES = (
    ("designations", _N.holds_designation, "designation"),
    ("bodies", _N.engages_with, "body"),
)


def _lit(text: str) -> str:
    """A plain string literal in N-Triples syntax."""
    return f'"{text.translate(_ESCAPES)}"'


class _Codes:
    """code -> concept IRI per scheme, indexed once per vocabulary (``Scheme.get`` is a linear scan)."""

    def __init__(self, vocab: Vocabulary) -> None:
        self.vocab = vocab
        self.iris: dict[tuple[str, str], str] = {}
        self.leadership: dict[str, bool] = {}
        self.pref_labels: dict[str, str] = {}
        for scheme in vocab.schemes:
            for concept in scheme.concepts:
                self.iris[(scheme.name, concept.code)] = f"<{concept.iri}>"
                if scheme.name == "role-type":
                    self.leadership[concept.code] = concept.leadership
                    self.pref_labels[concept.code] = concept.pref_label


_CODE_CACHE: dict[int, _Codes] = {}


def _codes(vocab: Vocabulary) -> _Codes:
    codes = _CODE_CACHE.get(id(vocab))
    if codes is None or codes.vocab is not vocab:
        if len(_CODE_CACHE) > 8:
            _CODE_CACHE.clear()
        codes = _CODE_CACHE[id(vocab)] = _Codes(vocab)
    return codes


def is_full(posting: Posting, vocab: Vocabulary, full: bool | None = None) -> bool:
    """Whether ``posting`` gets the full modelling under the ``full`` switch (see the module doc)."""
    if full is not None:
        return full
    return posting.leadership


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return None
    return f'"{value[:10]}"^^<http://www.w3.org/2001/XMLSchema#date>'


def _decimal(value: float) -> str:
    # Oxigraph's canonical decimal form (no trailing zeros, no bare point), so that the quads
    # read back from the store equal the quads written.
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return f'"{"0" if text in ("", "-0") else text}"^^<http://www.w3.org/2001/XMLSchema#decimal>'


def _int(value: int) -> str:
    return f'"{int(value)}"^^<http://www.w3.org/2001/XMLSchema#integer>'


def _encode(posting: Posting, lines: list[str]) -> bytes:
    text = "".join(lines)
    try:
        return text.encode("utf-8")
    except UnicodeError:  # a lone surrogate, in a record the readers did not make
        return rdf_text(text).encode("utf-8")


def posting_quads(
    posting: Posting,
    vocab: Vocabulary,
    base: str = DEFAULT_BASE,
    *,
    full: bool | None = None,
) -> list[ox.Quad]:
    """The quads for one posting: in its named graph ``B/graph/posting/{slug}``, except the
    statements about its organisation and the posts it names by role, which go to the
    organisations graph (:func:`organisations_graph_iri`).

    ``full=None`` models leadership postings in full and the rest minimally; ``True`` or
    ``False`` force one or the other for every posting. Raises :class:`VocabularyError` naming
    the posting and the code when a code is not in its scheme. Duplicates are removed, so the
    length of the list is the number of quads the posting adds to an empty store.
    """
    data = posting_nquads(posting, vocab, check_base(base), full=full)
    return list(ox.parse(data, format=ox.RdfFormat.N_QUADS))


def posting_graph(
    posting: Posting,
    vocab: Vocabulary,
    base: str = DEFAULT_BASE,
    *,
    full: bool | None = None,
) -> PostingGraph:
    """The posting's quads (:func:`posting_nquads`) with its id, source and content digest."""
    nquads = posting_nquads(posting, vocab, base, full=full)
    return PostingGraph(posting.id, posting.source, nquads, content_digest(nquads))


_SOURCE_FILE = f" {_N.source_file} ".encode()


def content_digest(nquads: bytes) -> str:
    """A digest of a posting's N-Quads without the line naming its source file.

    The same record in two inputs (a seed file and the corpus it was taken from) gives the same
    digest, so a build can merge the two; the same id with anything else different does not.
    """
    at = nquads.find(_SOURCE_FILE)
    if at >= 0:
        start = nquads.rfind(b"\n", 0, at) + 1
        end = nquads.find(b"\n", at) + 1 or len(nquads)
        nquads = nquads[:start] + nquads[end:]
    return hashlib.sha1(nquads).hexdigest()


def posting_nquads(
    posting: Posting,
    vocab: Vocabulary,
    base: str = DEFAULT_BASE,
    *,
    full: bool | None = None,
) -> bytes:
    """The same quads as :func:`posting_quads`, as UTF-8 N-Quads: what a build bulk-loads.

    ``base`` is trusted here (see :func:`check_base`); every other IRI part is a slug or a
    vocabulary IRI, and every literal is escaped.
    """
    codes = _codes(vocab)
    pslug = posting_key(posting.id)
    graph = "<" + posting_graphs_prefix(base) + pslug + ">"
    shared = "<" + organisations_graph_iri(base) + ">"
    lines: list[str] = []
    append = lines.append

    def add(s: str, p: str, o: str) -> None:
        append(f"{s} {p} {o} {graph} .\n")

    def share(s: str, p: str, o: str) -> None:
        """A statement about a node many postings name (an organisation, a post named by its role)."""
        append(f"{s} {p} {o} {shared} .\n")

    def concept(scheme: str, code: str, field: str) -> str:
        iri = codes.iris.get((scheme, code))
        if iri is None:
            raise VocabularyError(
                f"posting '{posting.id}' ({posting.source}): {field} code '{code}' is not in the "
                f"'{scheme}' scheme; add it to ontology/vocab/{scheme}.ttl or fix the record"
            )
        return iri

    full_model = is_full(posting, vocab, full)
    role = concept("role-type", posting.role_type, "role_type")

    p = "<" + f"{base}posting/{pslug}" + ">"
    add(p, _N.type, _N.JobPosting)
    if posting.title:
        add(p, _N.title, _lit(posting.title))
    add(p, _N.identifier, _lit(posting.id))
    add(p, _N.source_file, _lit(posting.source))
    posted = _iso_date(posting.date_posted)
    if posted is not None:
        add(p, _N.date_posted, posted)
    closing = _iso_date(posting.closing_date)
    if closing is not None:
        add(p, _N.valid_through, closing)
    add(p, _N.leadership_posting, _TRUE if full_model else _FALSE)
    if posting.post_kind:
        add(p, _N.post_kind, _lit(posting.post_kind))  # the kind its facts' confidences were weighed as

    # The organisation, and the slug its role posts hang from.
    org_slug = slugify(posting.organisation.name) if posting.organisation is not None else "x"
    if org_slug == "x":  # no name, or one with no letters or digits
        org_slug = f"unnamed-{pslug}"
    org = "<" + f"{base}org/{org_slug}" + ">"
    share(org, _N.type, _N.Organization)
    if posting.organisation is not None:
        name = _lit(posting.organisation.name)
        share(org, _N.label, name)
        share(org, _N.pref_label, name)
        if posting.organisation.type:
            share(org, _N.organisation_type, concept("organisation-type", posting.organisation.type, "organisation.type"))
    add(p, _N.hiring_organization, org)

    post = "<" + f"{base}post/{pslug}" + ">"
    add(p, _N.advertises, post)
    add(post, _N.type, _N.Post)
    add(post, _N.label, _lit(posting.title or codes.pref_labels.get(posting.role_type, posting.role_type)))
    add(post, _N.post_in, org)
    add(post, _N.role, role)
    if posting.scope:
        add(post, _N.scope, concept("scope", posting.scope, "scope"))

    if not full_model:
        return _encode(posting, lines)  # no node is stated twice in the minimal model

    if posting.pay_band:
        add(p, _N.pay_band, concept("pay-band", posting.pay_band, "pay_band"))
    if posting.salary is not None and (posting.salary.min is not None or posting.salary.max is not None):
        salary = "<" + f"{base}posting/{pslug}/salary" + ">"
        add(p, _N.base_salary, salary)
        add(salary, _N.type, _N.MonetaryAmount)
        if posting.salary.min is not None:
            add(salary, _N.min_value, _decimal(posting.salary.min))
        if posting.salary.max is not None:
            add(salary, _N.max_value, _decimal(posting.salary.max))
        add(salary, _N.currency, _lit(posting.salary.currency or "GBP"))
        add(salary, _N.unit_text, _lit((posting.salary.period or "year").upper()))
    if posting.location:
        place = "<" + f"{base}posting/{pslug}/location" + ">"
        add(p, _N.job_location, place)
        add(place, _N.type, _N.Place)
        add(place, _N.name, _lit(posting.location))

    stated: set[tuple[str, str, str]] = set()

    def reify(s: str, pred: str, o: str, evidence: Evidence, label: str, fact: Item | None = None) -> None:
        key = (s, pred, o)
        if key in stated:
            return
        stated.add(key)
        digest = hashlib.sha1(" ".join(key).encode("utf-8")).hexdigest()[:16]
        st = "<" + f"{base}posting/{pslug}/statement/{digest}" + ">"
        add(st, _N.type, _N.ExtractedStatement)
        add(st, _N.subject, s)
        add(st, _N.predicate, pred)
        add(st, _N.object, o)
        add(st, _N.derived_from, p)
        add(st, _N.evidence_sentence, _lit(evidence.sentence))
        add(st, _N.start_offset, _int(evidence.start))
        add(st, _N.end_offset, _int(evidence.end))
        if evidence.source:  # the job description merged into the advert, not the advert itself
            add(st, _N.evidence_source, _lit(evidence.source))
        add(st, _N.label_as_written, _lit(label))
        if fact is not None:  # how the posting stated it, and how far that can be trusted
            add(st, _N.stated_as, "<" + NS.NHSKG + "stated-" + slugify(fact.stated) + ">")
            add(st, _N.confidence, _decimal(fact.confidence))

    if posting.title_evidence is not None:
        reify(post, _N.role, role, posting.title_evidence, posting.title or "")

    role_posts: dict[str, str] = {}

    def role_post(code: str, field: str) -> str:
        node = role_posts.get(code)
        if node is None:
            role_iri = concept("role-type", code, field)
            node = role_posts[code] = "<" + f"{base}org/{org_slug}/role/{slugify(code)}" + ">"
            share(node, _N.type, _N.Post)
            share(node, _N.label, _lit(codes.pref_labels.get(code, code)))
            share(node, _N.post_in, org)
            share(node, _N.role, role_iri)
        return node

    for field, predicate in _ROLE_EDGES:
        items: Iterable[Item] = getattr(posting, field)
        for item in items:
            target = role_post(item.code, field)
            add(post, predicate, target)
            reify(post, predicate, target, item.evidence, item.label, item)

    for field, predicate, scheme in _CONCEPT_EDGES:
        for item in getattr(posting, field):
            target = concept(scheme, item.code, field)
            add(post, predicate, target)
            reify(post, predicate, target, item.evidence, item.label, item)

    seen_requirements: set[str] = set()
    for requirement in posting.requirements:
        if requirement.code in seen_requirements:
            continue
        seen_requirements.add(requirement.code)
        wanted = codes.iris.get(("qualification", requirement.code)) or codes.iris.get(
            ("competency", requirement.code)
        )
        if wanted is None:
            raise VocabularyError(
                f"posting '{posting.id}' ({posting.source}): requirements code '{requirement.code}' "
                "is in neither the 'qualification' nor the 'competency' scheme; add it to "
                "ontology/vocab/qualification.ttl or competency.ttl, or fix the record"
            )
        node = "<" + f"{base}post/{pslug}/requirement/{slugify(requirement.code)}" + ">"
        add(node, _N.type, _N.Requirement)
        add(node, _N.requires, wanted)
        add(node, _N.essential, _TRUE if requirement.essential else _FALSE)
        add(node, _N.label_as_written, _lit(requirement.label))
        add(post, _N.has_requirement, node)
        reify(post, _N.has_requirement, node, requirement.evidence, requirement.label, requirement)

    for n, duty in enumerate(posting.duties, start=1):
        node = "<" + f"{base}post/{pslug}/duty/{n}" + ">"
        add(node, _N.type, _N.Duty)
        add(node, _N.text, _lit(duty.text))
        for k, area in enumerate(duty.areas):
            area_iri = concept("duty-area", area, "duties.areas")
            add(node, _N.duty_area, area_iri)
            if duty.area_confidence:  # the duty model's chance; a gold or older record has none
                reading = node[:-1] + "/area/" + slugify(area) + ">"
                add(node, _N.area_reading, reading)
                add(reading, _N.type, _N.DutyAreaReading)
                add(reading, _N.reading_of_area, area_iri)
                add(reading, _N.confidence, _decimal(duty.area_confidence[k]))
        for code in duty.with_:
            add(node, _N.partner_role, concept("role-type", code, "duties.with"))
        add(node, _N.derived_from, p)
        add(node, _N.evidence_sentence, _lit(duty.evidence.sentence))
        add(node, _N.start_offset, _int(duty.evidence.start))
        add(node, _N.end_offset, _int(duty.evidence.end))
        if duty.evidence.source:
            add(node, _N.evidence_source, _lit(duty.evidence.source))
        add(post, _N.has_duty, node)
        if duty.confidence is not None:  # the duty model's chance that the sentence is a duty at all
            add(node, _N.confidence, _decimal(duty.confidence))
        reify(post, _N.has_duty, node, duty.evidence, duty.text)

    return _encode(posting, list(dict.fromkeys(lines)))  # a record may repeat a code
