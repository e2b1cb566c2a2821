"""Overlap between two role types: joint duties, shared duty areas, similar statements, designations.

Each part is one or two aggregated SPARQL results per role type (``queries/analysis/role-*.rq``),
joined in Python: joining the two role types' duties inside one query took minutes at corpus scale.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from rdflib.term import Literal

from ..errors import NhskgError, UnknownRoleType
from ..sparql.sources import SparqlSource
from . import similarity
from ._sparql import code_of, role_iri, select

__all__ = [
    "UnknownRoleType",
    "JointDuty",
    "AreaClaim",
    "SimilarPair",
    "SharedDesignation",
    "Overlap",
    "role_types",
    "resolve_role",
    "overlap",
]


@dataclass(frozen=True)
class JointDuty:
    """A duty of a posting of ``holder_role`` that names ``partner_role`` as its partner."""

    posting: str
    post: str
    organisation: str | None
    holder_role: str
    partner_role: str
    text: str
    sentence: str | None
    start: int | None
    end: int | None


@dataclass(frozen=True)
class AreaClaim:
    """How many postings of each role type claim a duty area, and what share of its postings that is."""

    area: str
    label: str
    postings_a: int
    postings_b: int
    share_a: float
    share_b: float


@dataclass(frozen=True)
class SimilarPair:
    """Two duty sentences, one from each role type, whose TF-IDF cosine passed the threshold."""

    score: float
    sentence_a: str
    posting_a: str
    organisation_a: str | None
    sentence_b: str
    posting_b: str
    organisation_b: str | None


@dataclass(frozen=True)
class SharedDesignation:
    """A designation both role types are given, in different organisations (IRIs, sorted)."""

    designation: str
    label: str
    organisations_a: tuple[str, ...]
    organisations_b: tuple[str, ...]


@dataclass(frozen=True)
class Overlap:
    """Everything the two role types share; see :func:`overlap`."""

    role_a: str
    role_b: str
    label_a: str
    label_b: str
    postings_a: int
    postings_b: int
    joint_duties: tuple[JointDuty, ...]
    areas: tuple[AreaClaim, ...]
    jaccard: float
    weighted_jaccard: float
    similar_statements: tuple[SimilarPair, ...]
    shared_designations: tuple[SharedDesignation, ...]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict with the same field names (tuples become lists)."""
        return asdict(self)


def role_types(source: SparqlSource) -> dict[str, str]:
    """Role-type codes in the store's vocabulary, mapped to their preferred labels."""
    return {
        str(row["code"]): str(row["label"] or row["code"])
        for row in select(source, "role-types").records()
    }


def resolve_role(source: SparqlSource, value: str, known: dict[str, str] | None = None) -> str:
    """The code of the role type ``value`` names: its code, IRI, label, alternative label or acronym
    ("CMO", "Director of Nursing"), checked against the store's vocabulary.

    Labels are the store's preferred labels plus the synonyms of the same codes in ``ontology/vocab``.
    """
    from ..vocabulary.labels import Named, UnknownValue, resolve
    from ..namespaces import VOCAB_BASE

    known = role_types(source) if known is None else known
    try:
        from ..vocabulary.vocab import load_vocabulary

        synonyms = {c.code: (*c.alt_labels, *c.hidden_labels) for c in load_vocabulary().scheme("role-type").concepts}
    except NhskgError:
        synonyms = {}
    candidates = [Named(code, f"{VOCAB_BASE}role-type/{code}", label, synonyms.get(code, ())) for code, label in known.items()]
    try:
        return resolve(value, candidates, "role type").code
    except UnknownValue as error:
        shown = "; ".join(c.shown() for c in error.candidates)
        hint = (f"it names several: {shown}" if error.ambiguous else f"nearest: {shown}") if shown else ""
        raise UnknownRoleType(value, tuple(sorted(known)), hint) from None


def _int(value: object) -> int | None:
    return int(value.toPython()) if isinstance(value, Literal) else None


def _str(value: object) -> str | None:
    return None if value is None else str(value)


def _joint(source: SparqlSource, holder: str, partner: str) -> list[JointDuty]:
    return [
        JointDuty(
            posting=str(r["posting"]),
            post=str(r["post"]),
            organisation=_str(r["organisation"]),
            holder_role=holder,
            partner_role=partner,
            text=str(r["text"] or ""),
            sentence=_str(r["sentence"]),
            start=_int(r["start"]),
            end=_int(r["end"]),
        )
        for r in select(source, "joint-duties", role=role_iri(holder), partner=role_iri(partner)).records()
    ]


def _areas(source: SparqlSource, role: str) -> tuple[dict[str, int], dict[str, str]]:
    counts: dict[str, int] = {}
    labels: dict[str, str] = {}
    for r in select(source, "role-duty-areas", role=role_iri(role)).records():
        code = code_of(r["area"])
        counts[code] = int(r["postings"].toPython())  # type: ignore[union-attr]
        labels[code] = str(r["area_label"] or code)
    return counts, labels


def _designations(source: SparqlSource, role: str) -> tuple[dict[str, set[str]], dict[str, str]]:
    where: dict[str, set[str]] = defaultdict(set)
    labels: dict[str, str] = {}
    for r in select(source, "role-designations", role=role_iri(role)).records():
        code = code_of(r["designation"])
        where[code].add(str(r["organisation"]))
        labels[code] = str(r["designation_label"] or code)
    return where, labels


def _duties(source: SparqlSource, role: str) -> list[dict[str, Any]]:
    rows = []
    for r in select(source, "role-duties", role=role_iri(role)).records():
        rows.append(
            {
                "sentence": str(r["sentence"] or r["text"]),
                "posting": str(r["posting"]),
                "organisation": _str(r["organisation"]),
                "duty": str(r["duty"]),
            }
        )
    rows.sort(key=lambda d: (d["posting"], d["duty"]))
    return rows


def overlap(
    source: SparqlSource,
    role_a: str,
    role_b: str,
    *,
    threshold: float = similarity.DEFAULT_THRESHOLD,
    top: int = similarity.DEFAULT_TOP,
) -> Overlap:
    """Compare what postings of two role types are accountable for.

    Parameters
    ----------
    source : SparqlSource
        Where the graph is (embedded store, rdflib, or endpoint).
    role_a, role_b : str
        Role types by code, label or acronym, e.g. ``"chief-medical-officer"`` or ``"CMO"`` and
        ``"Chief Nurse"``; the result names them by code.
    threshold : float
        Least TF-IDF cosine for two duty sentences to count as similar (see
        :mod:`nhskg.analyses.similarity`).
    top : int
        At most this many similar pairs, best first.

    Returns
    -------
    Overlap
        ``joint_duties``: duties of either role type naming the other as partner (A's first).
        ``areas``: per duty area the postings of each role type claiming it and the share of the
        role type's postings that is, sorted by combined share then code. ``jaccard`` is
        ``|areas A & areas B| / |areas A | areas B|``; ``weighted_jaccard`` is
        ``sum(min(share_a, share_b)) / sum(max(share_a, share_b))``, so an area that one role
        type's postings always claim and the other's claim once weighs little.
        ``shared_designations``: designations both are given in different organisations.

    Raises
    ------
    UnknownRoleType
        When a role type names no concept of the role-type vocabulary held by the store (the
        message lists the nearest).

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> from nhskg.sparql.sources import OxigraphSource
    >>> store = ox.Store()
    >>> store.load(b'''@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
    ... <https://w3id.org/nhskg/vocab/role-type/a> skos:inScheme <https://w3id.org/nhskg/vocab/role-type> ; skos:notation "a" .
    ... <https://w3id.org/nhskg/vocab/role-type/b> skos:inScheme <https://w3id.org/nhskg/vocab/role-type> ; skos:notation "b" .
    ... ''', format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("http://g"))
    >>> result = overlap(OxigraphSource(store), "a", "b")
    >>> (result.postings_a, result.jaccard)
    (0, 0.0)
    """
    valid = role_types(source)
    role_a, role_b = resolve_role(source, role_a, valid), resolve_role(source, role_b, valid)

    postings_a = len({str(r["posting"]) for r in select(source, "role-postings", role=role_iri(role_a)).records()})
    postings_b = len({str(r["posting"]) for r in select(source, "role-postings", role=role_iri(role_b)).records()})

    joint = _joint(source, role_a, role_b) + _joint(source, role_b, role_a)

    counts_a, labels = _areas(source, role_a)
    counts_b, labels_b = _areas(source, role_b)
    labels.update(labels_b)
    claims = []
    for code in set(counts_a) | set(counts_b):
        n_a, n_b = counts_a.get(code, 0), counts_b.get(code, 0)
        claims.append(
            AreaClaim(
                area=code,
                label=labels[code],
                postings_a=n_a,
                postings_b=n_b,
                share_a=round(n_a / postings_a, 4) if postings_a else 0.0,
                share_b=round(n_b / postings_b, 4) if postings_b else 0.0,
            )
        )
    claims.sort(key=lambda c: (-(c.share_a + c.share_b), -min(c.share_a, c.share_b), c.area))
    union = set(counts_a) | set(counts_b)
    jaccard = len(set(counts_a) & set(counts_b)) / len(union) if union else 0.0
    top_sum = sum(max(c.share_a, c.share_b) for c in claims)
    weighted = sum(min(c.share_a, c.share_b) for c in claims) / top_sum if top_sum else 0.0

    duties_a, duties_b = _duties(source, role_a), _duties(source, role_b)
    matches = similarity.similar_pairs(
        [d["sentence"] for d in duties_a],
        [d["sentence"] for d in duties_b],
        threshold=threshold,
        top=top,
    )
    similar = tuple(
        SimilarPair(
            score=m.score,
            sentence_a=duties_a[m.a]["sentence"],
            posting_a=duties_a[m.a]["posting"],
            organisation_a=duties_a[m.a]["organisation"],
            sentence_b=duties_b[m.b]["sentence"],
            posting_b=duties_b[m.b]["posting"],
            organisation_b=duties_b[m.b]["organisation"],
        )
        for m in matches
    )

    where_a, dlabels = _designations(source, role_a)
    where_b, dlabels_b = _designations(source, role_b)
    dlabels.update(dlabels_b)
    shared = tuple(
        SharedDesignation(code, dlabels[code], tuple(sorted(where_a[code])), tuple(sorted(where_b[code])))
        for code in sorted(set(where_a) & set(where_b))
        if any(x != y for x in where_a[code] for y in where_b[code])
    )

    return Overlap(
        role_a=role_a,
        role_b=role_b,
        label_a=valid[role_a],
        label_b=valid[role_b],
        postings_a=postings_a,
        postings_b=postings_b,
        joint_duties=tuple(joint),
        areas=tuple(claims),
        jaccard=round(jaccard, 4),
        weighted_jaccard=round(weighted, 4),
        similar_statements=similar,
        shared_designations=shared,
    )
