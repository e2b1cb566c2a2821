"""Drift: how a role type's duty areas change over time, and duties that move between role types.

Reads ``drift-postings.rq``, ``drift-areas.rq`` and ``drift-changes.rq`` (``queries/analysis/``).
Time and "the same post" are defined in ``docs/time.md``; in short:

- a role type's postings include those of its narrower role types (``role-postings.rq``, as in
  :mod:`nhskg.analyses.overlap`: a Director of Nursing is a kind of Chief Nurse), each post still
  followed under its own role type;

- a posting's facts hold *as of* its date posted, else its closing date; undated postings are
  counted but not placed in a period;
- two postings advertise *the same post* when they have the same role type and scope in the same
  organisation, or in organisations linked by a W3C ORG change event (the later organisation
  ``org:resultedFrom`` an event whose ``org:originalOrganization`` is the earlier one);
- successive postings of the same post form *steps*; a duty area the earlier posting claims and the
  later one does not was *dropped*, one the later claims and the earlier did not was *gained*;
- a duty area *moved* from role type R to R' in an organisation when a step of R dropped it and a
  posting of R' in that organisation (or its successor), dated after the step's earlier posting,
  claims it while no posting of R' there dated on or before that posting did.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import UnknownPeriod, echoed
from ..sparql.sources import SparqlSource
from ._sparql import code_of, role_iri, select

__all__ = ["AreaShare", "Step", "Move", "DateWarning", "DriftReport", "UnknownPeriod", "drift", "PERIODS"]

#: ``--by`` choices: how many leading characters of the ISO date name the period.
PERIODS = {"year": 4, "month": 7}


@dataclass(frozen=True)
class AreaShare:
    """In one period: ``claiming`` of the role's ``postings`` have a duty in ``area``."""

    period: str
    area: str
    label: str
    postings: int
    claiming: int
    share: float


@dataclass(frozen=True)
class Step:
    """Two successive postings of the same post, and the duty areas that changed between them.

    ``change`` is the change event crossed when the two postings are in different organisations.
    """

    role: str
    organisation: str
    organisation_label: str
    earlier: str
    earlier_date: str
    later: str
    later_date: str
    later_organisation: str
    dropped: tuple[str, ...]
    gained: tuple[str, ...]
    change: str | None = None


@dataclass(frozen=True)
class Move:
    """A duty area dropped by one role type's post and claimed afterwards by another's."""

    organisation: str
    organisation_label: str
    area: str
    label: str
    from_role: str
    to_role: str
    from_posting: str
    from_date: str
    dropped_in: str
    dropped_date: str
    to_posting: str
    to_date: str
    sentence: str


@dataclass(frozen=True)
class DateWarning:
    """A posting dated before the organisation it names existed (an error in the date, usually)."""

    posting: str
    as_of: str
    organisation: str
    formed: str


@dataclass(frozen=True)
class DriftReport:
    role: str
    by: str
    postings: int
    undated: int
    periods: tuple[tuple[str, int], ...]
    shares: tuple[AreaShare, ...]
    steps: tuple[Step, ...]
    moves: tuple[Move, ...]
    warnings: tuple[DateWarning, ...]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class _Posting:
    iri: str
    role: str
    scope: str
    organisation: str
    organisation_label: str
    as_of: str


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _lineages(changes: list[dict[str, Any]]) -> tuple[dict[str, str], dict[str, list[tuple[str, str, str]]]]:
    """Organisation -> the date it was formed; and organisation -> [(predecessor, event, date)]."""
    formed: dict[str, str] = {}
    predecessors: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for row in changes:
        started = _text(row["started"])[:10]
        resulting, original, event = str(row["resulting"]), str(row["original"]), str(row["event"])
        if started and (resulting not in formed or started < formed[resulting]):
            formed[resulting] = started
        predecessors[resulting].append((original, event, started))
    return formed, predecessors


def _series(postings: list[_Posting], predecessors: dict[str, list[tuple[str, str, str]]]) -> list[tuple[_Posting, _Posting, str | None]]:
    """Successive postings of the same post: within an organisation, then across change events.

    Across an event, the last posting of the post in each original organisation is followed by
    the first posting of the same post in the resulting organisation.
    """
    by_post: dict[tuple[str, str, str], list[_Posting]] = defaultdict(list)
    for posting in postings:
        if posting.as_of:
            by_post[(posting.organisation, posting.role, posting.scope)].append(posting)
    pairs: list[tuple[_Posting, _Posting, str | None]] = []
    for series in by_post.values():
        series.sort(key=lambda p: (p.as_of, p.iri))
        pairs += [(a, b, None) for a, b in zip(series, series[1:])]
    for (organisation, role, scope), series in by_post.items():
        for original, event, _ in predecessors.get(organisation, ()):
            before = by_post.get((original, role, scope))
            if before:
                pairs.append((before[-1], series[0], event))
    return pairs


def drift(source: SparqlSource, role: str, *, by: str = "year") -> DriftReport:
    """Duty-area shares of ``role``'s postings per period, its steps, and duties moving to or from it.

    Parameters
    ----------
    source : SparqlSource
        The graph.
    role : str
        A role-type code (``chief-medical-officer``); not checked against the vocabulary here. Its
        postings include those of narrower role types in the store's vocabulary.
    by : {"year", "month"}
        The period postings are grouped by.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> from nhskg.sparql.sources import OxigraphSource
    >>> drift(OxigraphSource(ox.Store()), "chief-medical-officer").postings
    0
    """
    if by not in PERIODS:
        raise UnknownPeriod(f"cannot group by '{echoed(by)}'; use one of {', '.join(PERIODS)}")
    width = PERIODS[by]
    postings = [
        _Posting(
            str(r["posting"]),
            code_of(r["role"]),
            code_of(r["scope"]) if r["scope"] is not None else "",
            _text(r["organisation"]),
            _text(r["organisation_label"]) or _text(r["organisation"]),
            _text(r["as_of"])[:10],
        )
        for r in select(source, "drift-postings").records()
    ]
    claims: dict[str, dict[str, tuple[str, int, str]]] = defaultdict(dict)
    labels: dict[str, str] = {}
    for r in select(source, "drift-areas").records():
        area = code_of(r["area"])
        labels[area] = _text(r["area_label"]) or area
        claims[str(r["posting"])][area] = (labels[area], int(r["duties"].toPython()), _text(r["sentence"]))  # type: ignore[union-attr]
    formed, predecessors = _lineages(list(select(source, "drift-changes").records()))

    # One definition of "a posting of the role type", the overlap analysis's and the library's.
    kind = {str(r["posting"]) for r in select(source, "role-postings", role=role_iri(role)).records()}
    own = [p for p in postings if p.role == role or p.iri in kind]
    kinds = {role} | {p.role for p in own}
    counts: dict[str, int] = defaultdict(int)
    claiming: dict[tuple[str, str], int] = defaultdict(int)
    for posting in own:
        if not posting.as_of:
            continue
        period = posting.as_of[:width]
        counts[period] += 1
        for area in claims.get(posting.iri, {}):
            claiming[(period, area)] += 1
    shares = tuple(
        sorted(
            (AreaShare(period, area, labels[area], counts[period], n, n / counts[period]) for (period, area), n in claiming.items()),
            key=lambda s: (s.period, -s.claiming, s.area),
        )
    )

    steps: list[Step] = []
    for earlier, later, event in _series(postings, predecessors):
        before, after = set(claims.get(earlier.iri, {})), set(claims.get(later.iri, {}))
        steps.append(
            Step(earlier.role, earlier.organisation, earlier.organisation_label, earlier.iri, earlier.as_of, later.iri,
                 later.as_of, later.organisation, tuple(sorted(before - after)), tuple(sorted(after - before)), event)
        )

    successors: dict[str, set[str]] = defaultdict(set)
    for resulting, links in predecessors.items():
        for original, _, _ in links:
            successors[original].add(resulting)

    def lineage(organisation: str) -> set[str]:
        seen, todo = {organisation}, [organisation]
        while todo:
            for nxt in successors.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    by_org: dict[str, list[_Posting]] = defaultdict(list)
    for posting in postings:
        if posting.as_of:
            by_org[posting.organisation].append(posting)
    moves: dict[tuple[str, str, str, str], Move] = {}
    for step in steps:
        if not step.dropped:
            continue
        first = next(p for p in postings if p.iri == step.earlier)
        places = lineage(step.organisation)
        others = sorted((p for org in places for p in by_org.get(org, ()) if p.role != step.role), key=lambda p: (p.as_of, p.iri))
        for area in step.dropped:
            held_before = {p.role for p in others if p.as_of <= first.as_of and area in claims.get(p.iri, {})}
            for other in others:
                if other.as_of > first.as_of and other.role not in held_before and area in claims.get(other.iri, {}):
                    key = (step.organisation, area, step.role, other.role)
                    if key not in moves:
                        label, _, sentence = claims[other.iri][area]
                        moves[key] = Move(step.organisation, step.organisation_label, area, label, step.role, other.role,
                                          step.earlier, step.earlier_date, step.later, step.later_date, other.iri, other.as_of, sentence)
    warnings = tuple(
        DateWarning(p.iri, p.as_of, p.organisation, formed[p.organisation])
        for p in sorted(own, key=lambda p: p.iri)
        if p.as_of and p.organisation in formed and p.as_of < formed[p.organisation]
    )
    return DriftReport(
        role=role,
        by=by,
        postings=len(own),
        undated=sum(1 for p in own if not p.as_of),
        periods=tuple(sorted(counts.items())),
        shares=shares,
        steps=tuple(sorted((s for s in steps if s.role in kinds), key=lambda s: (s.organisation, s.earlier_date, s.later_date, s.later))),
        moves=tuple(sorted((m for m in moves.values() if m.from_role in kinds or m.to_role in kinds),
                           key=lambda m: (m.organisation, m.area, m.from_role, m.to_role))),
        warnings=warnings,
    )
