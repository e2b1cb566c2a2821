"""Gaps and conflicts: statutory designations nobody holds or several claim, duty areas several roles claim.

Which designations are gaps and which are conflicts is decided by the library queries
``designation-gaps.rq`` and ``designation-conflicts.rq`` (the one definition of each, which
``nhskg query`` and, for conflicts, ``nhskg validate`` run too). :func:`designation_findings` is
the one reading of their rows, which :func:`gaps` and the designations page
(:mod:`nhskg.views.matrix`) both use; :func:`gaps` groups them per organisation, with labels from ``analysis/statutory-designations.rq``,
``analysis/leadership-organisations.rq`` and ``analysis/designation-holders.rq``. Area conflicts
(``analysis/area-claims.rq``) are counted here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any, Mapping

from rdflib.term import Literal

from ..errors import QueryError
from ..queries.running import run_query
from ..sparql.sources import SparqlSource, Table
from ._sparql import code_of, select

__all__ = [
    "Claimant",
    "DesignationRef",
    "DesignationConflict",
    "OrganisationGaps",
    "AreaConflict",
    "GapsReport",
    "DesignationFindings",
    "designation_findings",
    "gaps",
]


@dataclass(frozen=True)
class Claimant:
    """A post claiming a designation or duty area (``duties``: its duties in the area, else 0)."""

    post: str
    label: str
    role: str
    duties: int = 0


@dataclass(frozen=True)
class DesignationRef:
    code: str
    label: str


@dataclass(frozen=True)
class DesignationConflict:
    """A single-holder designation that different posts of one organisation claim at the same time
    (``designation-conflicts.rq``); ``holders`` are those posts."""

    code: str
    label: str
    holders: tuple[Claimant, ...]


@dataclass(frozen=True)
class OrganisationGaps:
    """One organisation with leadership postings: designations unheld, and those claimed twice."""

    organisation: str
    label: str
    missing: tuple[DesignationRef, ...]
    conflicts: tuple[DesignationConflict, ...]


@dataclass(frozen=True)
class AreaConflict:
    """A duty area that posts of more than one role type claim accountability for in one organisation."""

    organisation: str
    organisation_label: str
    area: str
    area_label: str
    claimants: tuple[Claimant, ...]


@dataclass(frozen=True)
class GapsReport:
    statutory: tuple[DesignationRef, ...]
    organisations: tuple[OrganisationGaps, ...]
    area_conflicts: tuple[AreaConflict, ...]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class DesignationFindings:
    """The designation conflicts and gaps of a graph, by IRI, as the two library queries decide them.

    ``conflicts``: (organisation, designation) -> every post in conflict over it there;
    ``gaps``: the (organisation, designation) pairs nobody holds though the organisation's type must.
    """

    conflicts: Mapping[tuple[str, str], frozenset[str]]
    gaps: frozenset[tuple[str, str]]


def designation_findings(source: SparqlSource) -> DesignationFindings:
    """Run ``designation-conflicts.rq`` and ``designation-gaps.rq`` and read their rows.

    Everything that shows a designation conflict or gap takes it from here, so that ``nhskg
    analyse gaps``, the designations page, ``nhskg query`` and ``nhskg validate`` (which runs the
    conflicts query as a SHACL constraint) agree on the same rows.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> from nhskg.sparql.sources import OxigraphSource
    >>> designation_findings(OxigraphSource(ox.Store()))
    DesignationFindings(conflicts={}, gaps=frozenset())
    """
    posts: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in _library(source, "designation-conflicts").records():
        posts[(str(r["organisation"]), str(r["designation"]))].update((str(r["post"]), str(r["other"])))
    missing = frozenset((str(r["organisation"]), str(r["designation"])) for r in _library(source, "designation-gaps").records())
    return DesignationFindings({k: frozenset(v) for k, v in sorted(posts.items())}, missing)


def gaps(source: SparqlSource) -> GapsReport:
    """Per organisation with a leadership posting, unheld and doubly claimed statutory designations.

    A gap is a designation the organisation's type must name a holder for that no post of it holds
    (``designation-gaps.rq``); a conflict is a single-holder designation two different posts of it
    claim at the same time, a re-advertised post being the same post (``designation-conflicts.rq``).
    Area conflicts list each (organisation, duty area) claimed by two or more role types, with each
    post's number of duties in the area.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> from nhskg.sparql.sources import OxigraphSource
    >>> gaps(OxigraphSource(ox.Store())).organisations
    ()
    """
    statutory: dict[str, DesignationRef] = {}
    for r in select(source, "statutory-designations").records():
        if _true(r["required"]) or _true(r["single"]):
            statutory[str(r["designation"])] = DesignationRef(code_of(r["designation"]), str(r["label"] or code_of(r["designation"])))
    organisations = {
        str(r["organisation"]): str(r["label"] or r["organisation"])
        for r in select(source, "leadership-organisations").records()
    }
    claimants: dict[tuple[str, str, str], Claimant] = {}
    for r in select(source, "designation-holders").records():
        post = str(r["post"])
        claimants[(str(r["organisation"]), str(r["designation"]), post)] = Claimant(
            post, str(r["post_label"] or r["post"]), code_of(r["role"]) if r["role"] else "unknown"
        )
    findings = designation_findings(source)
    missing: dict[str, list[DesignationRef]] = defaultdict(list)
    for org, iri in findings.gaps:
        missing[org].append(statutory.get(iri) or DesignationRef(code_of(iri), code_of(iri)))
    per_org = []
    for org in sorted(organisations):
        conflicts = []
        for (where, iri), posts in findings.conflicts.items():
            if where != org:
                continue
            ref = statutory.get(iri) or DesignationRef(code_of(iri), code_of(iri))
            holders = (claimants.get((org, iri, post), Claimant(post, post, "unknown")) for post in posts)
            conflicts.append(DesignationConflict(ref.code, ref.label, tuple(sorted(holders, key=lambda h: (h.role, h.post)))))
        per_org.append(OrganisationGaps(
            org, organisations[org],
            tuple(sorted(missing.get(org, ()), key=lambda d: d.code)),
            tuple(sorted(conflicts, key=lambda c: c.code)),
        ))

    claims: dict[tuple[str, str], set[Claimant]] = defaultdict(set)
    area_labels: dict[str, str] = {}
    for r in select(source, "area-claims").records():
        org, area = str(r["organisation"]), code_of(r["area"])
        if org not in organisations:
            continue
        area_labels[area] = str(r["area_label"] or area)
        claims[(org, area)].add(
            Claimant(
                str(r["post"]),
                str(r["post_label"] or r["post"]),
                code_of(r["role"]) if r["role"] else "unknown",
                int(r["duties"].toPython()),  # type: ignore[union-attr]
            )
        )
    area_conflicts = tuple(
        AreaConflict(org, organisations[org], area, area_labels[area], tuple(sorted(who, key=lambda c: (c.role, c.post))))
        for (org, area), who in sorted(claims.items())
        if len({c.role for c in who}) > 1
    )
    return GapsReport(
        statutory=tuple(sorted(statutory.values(), key=lambda d: d.code)),
        organisations=tuple(per_org),
        area_conflicts=area_conflicts,
    )


def _true(term: object) -> bool:
    """A query's boolean column is true only as the literal ``true`` (an unbound one is not)."""
    return isinstance(term, Literal) and term.toPython() is True


def _library(source: SparqlSource, name: str) -> Table:
    """Run the library query ``queries/NAME.rq`` (every parameter left open)."""
    result = run_query(source, name, {})
    if not isinstance(result, Table):
        raise QueryError(f"queries/{name}.rq should be a SELECT query")
    return result
