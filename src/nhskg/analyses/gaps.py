"""Gaps and conflicts: statutory designations nobody holds or several claim, duty areas several roles claim.

Reads ``statutory-designations.rq``, ``leadership-organisations.rq``, ``designation-holders.rq``
and ``area-claims.rq``; the per-organisation set arithmetic is done here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from rdflib.term import Literal

from ..sparql.sources import SparqlSource
from ._sparql import code_of, select

__all__ = ["Claimant", "DesignationRef", "DesignationConflict", "OrganisationGaps", "AreaConflict", "GapsReport", "gaps"]


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
    """A statutory designation claimed by posts of more than one role type in one organisation."""

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


def gaps(source: SparqlSource) -> GapsReport:
    """Per organisation with a leadership posting, unheld and doubly claimed statutory designations.

    A gap is a designation every organisation must name a holder for (``nhskg:requiredHolder``)
    that no post holds; a conflict is a single-holder designation (``nhskg:singleHolder``) claimed
    by posts of at least two different role types (two postings for the same role are re-adverts,
    not a conflict). Area conflicts list each (organisation, duty area) claimed by two or more
    role types, with each post's number of duties in the area.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> from nhskg.sparql.sources import OxigraphSource
    >>> gaps(OxigraphSource(ox.Store())).organisations
    ()
    """
    statutory: dict[str, DesignationRef] = {}
    required: set[str] = set()
    single: set[str] = set()
    for r in select(source, "statutory-designations").records():
        iri = str(r["designation"])
        if isinstance(r["required"], Literal) and r["required"].toPython() is True:
            required.add(iri)
        if isinstance(r["single"], Literal) and r["single"].toPython() is True:
            single.add(iri)
        if iri in required or iri in single:
            statutory[iri] = DesignationRef(code_of(r["designation"]), str(r["label"] or code_of(r["designation"])))
    organisations = {
        str(r["organisation"]): str(r["label"] or r["organisation"])
        for r in select(source, "leadership-organisations").records()
    }
    holders: dict[tuple[str, str], set[Claimant]] = defaultdict(set)
    for r in select(source, "designation-holders").records():
        holders[(str(r["organisation"]), str(r["designation"]))].add(
            Claimant(str(r["post"]), str(r["post_label"] or r["post"]), code_of(r["role"]) if r["role"] else "unknown")
        )
    per_org = []
    for org in sorted(organisations):
        missing, conflicts = [], []
        for iri, ref in sorted(statutory.items(), key=lambda kv: kv[1].code):
            held = holders.get((org, iri), set())
            if not held and iri in required:
                missing.append(ref)
            elif iri in single and len({h.role for h in held}) > 1:
                conflicts.append(DesignationConflict(ref.code, ref.label, tuple(sorted(held, key=lambda h: (h.role, h.post)))))
        per_org.append(OrganisationGaps(org, organisations[org], tuple(missing), tuple(conflicts)))

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
