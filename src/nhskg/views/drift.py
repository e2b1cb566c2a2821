"""A role type over time: one column per period, the share of its postings claiming each duty area,
and the duty areas that moved to or from other role types.

:func:`drift_page` draws it as a table (what ``nhskg render drift`` writes); :func:`drift_view` as a
graph of periods and duty areas, for callers that want a :class:`ViewModel`.
"""

from __future__ import annotations

from typing import Any

from ..analyses.drift import PERIODS, DriftReport, drift
from ..namespaces import DEFAULT_BASE
from ..sparql.sources import SparqlSource
from .facts import Evidence, Facts, load_facts
from .page import Page, postings_json
from .model import DEFAULT_LIMIT, EdgeStyle, NodeStyle, ViewEdge, ViewModel, ViewNode, build_model, limit_model, short_id

__all__ = ["drift_page", "drift_view", "model_from_drift", "NODE_STYLES", "EDGE_STYLES"]

NODE_STYLES = (
    NodeStyle("period", "period (its postings of the role type)", "#4e79a7", "box"),
    NodeStyle("area", "duty area", "#f1ce63", "dot"),
    NodeStyle("role", "role type", "#e15759", "star"),
)
EDGE_STYLES = (
    EdgeStyle("share", "share of the period's postings claiming the area", "#4e79a7", False, ""),
    EdgeStyle("move", "duty area moved from one role type to another (dropped, then claimed)", "#8c564b", True, "to"),
)
COLUMN_GAP = 220.0
ROW_GAP = 60.0
AREA_X = -320.0
ROLE_Y = -260.0


def drift_view(
    source: SparqlSource,
    role: str = "chief-medical-officer",
    *,
    by: str = "year",
    base: str = DEFAULT_BASE,
    limit: int = DEFAULT_LIMIT,
    facts: Facts | None = None,
) -> ViewModel:
    """The drift of ``role`` (a code), from :func:`nhskg.analyses.drift.drift`."""
    report = drift(source, role, by=by)
    return limit_model(model_from_drift(report, base=base, facts=facts or load_facts(source, base=base)), limit,
                       filter_hint="Pick a role type with fewer postings, or group --by year.")


def model_from_drift(report: DriftReport, *, base: str = DEFAULT_BASE, facts: Facts | None = None) -> ViewModel:
    """Lay out a :class:`DriftReport`: periods left to right, duty areas top to bottom (most
    claimed first), a line from each area to each period whose postings claim it, as thick as
    the share; moves as dashed lines between role-type stars above, quoting the claiming sentence."""
    role_label = (lambda code: facts.role_label(code)) if facts else (lambda code: code.replace("-", " "))  # noqa: E731
    posting = (lambda iri: facts.posting_name(short_id(iri, base))) if facts else (lambda iri: "a posting")  # noqa: E731
    label = role_label(report.role)
    totals: dict[str, int] = {}
    labels: dict[str, str] = {}
    for share in report.shares:
        totals[share.area] = totals.get(share.area, 0) + share.claiming
        labels[share.area] = share.label
    areas = sorted(totals, key=lambda a: (-totals[a], a))
    nodes = [
        ViewNode(f"period/{p}", f"{p} ({n})", "period", details=(("postings", str(n)),), x=i * COLUMN_GAP, y=-ROW_GAP, size=20)
        for i, (p, n) in enumerate(report.periods)
    ]
    nodes += [
        ViewNode(f"area/{a}", labels[a], "area", details=(("postings claiming it", str(totals[a])),),
                 x=AREA_X, y=i * ROW_GAP, size=12)
        for i, a in enumerate(areas)
    ]
    edges = [
        ViewEdge(f"area/{s.area}", f"period/{s.period}", "share", label=f"{s.share:.0%}",
                 details=(("claiming", f"{s.claiming} of {s.postings}"),), width=round(1 + 6 * s.share, 1))
        for s in report.shares
    ]
    roles = sorted({m.from_role for m in report.moves} | {m.to_role for m in report.moves})
    nodes += [ViewNode(f"role/{r}", role_label(r), "role", x=i * COLUMN_GAP, y=ROLE_Y - ROW_GAP, size=25) for i, r in enumerate(roles)]
    for move in report.moves:
        edges.append(
            ViewEdge(
                f"role/{move.from_role}",
                f"role/{move.to_role}",
                "move",
                label=move.label,
                evidence=(f"{move.sentence} \u2014 {posting(move.to_posting)}",),
                details=(("organisation", facts.organisation_name(short_id(move.organisation, base)) if facts else move.organisation_label),
                         ("dropped by", posting(move.dropped_in))),
                curve=0.2,
            )
        )
    undated = f" {report.undated} undated posting(s) are not shown." if report.undated else ""
    return build_model(
        name="drift",
        title=f"{label} over time",
        description=(
            f"Share of the {report.postings} postings of {label} claiming each duty area, by {report.by} "
            f"(dated by date posted, else closing date), and duty areas that moved between role types within "
            f"an organisation.{undated}"
        ),
        nodes=nodes,
        edges=edges,
        node_styles=NODE_STYLES,
        edge_styles=EDGE_STYLES,
        layout="positions",
        note="; ".join(f"{posting(w.posting)} is dated {w.as_of}, before its organisation was formed ({w.formed})"
                       for w in report.warnings),
        filters={"role": label, "by": report.by},
    )


def drift_page(
    source: SparqlSource,
    role: str = "chief-medical-officer",
    *,
    by: str = "year",
    base: str = DEFAULT_BASE,
    facts: Facts | None = None,
) -> Page:
    """The drift of ``role`` as a table: duty areas by period, each cell the share of the period's
    postings claiming the area (from :func:`nhskg.analyses.drift.drift`) and, on click, those
    postings' sentences; below it the duty areas that moved between role types."""
    report = drift(source, role, by=by)
    facts = facts or load_facts(source, base=base)
    label = facts.role_label(report.role)
    width = PERIODS[by]
    duties_of: dict[str, list] = {}
    for duty in facts.duties:
        duties_of.setdefault(duty.post, []).append(duty)
    sentences: dict[tuple[str, str], list[list[str]]] = {}
    for posting in sorted(facts.postings.values(), key=lambda p: p.key):
        post = facts.posts.get(posting.post)
        as_of = posting.date_posted or posting.valid_through
        if post is None or post.role != report.role or not as_of:
            continue
        for duty in duties_of.get(post.key, ()):
            chances = dict(duty.area_confidence)  # the duty model's, for the sentence to say how sure it is
            for area in duty.areas:
                said = duty.evidence.sentence if duty.evidence else duty.text
                sentences.setdefault((as_of[:width], area), []).append(Evidence(said, posting.key, chances.get(area)).as_json())
    totals: dict[str, int] = {}
    labels: dict[str, str] = {}
    cells: dict[str, dict[str, list[int]]] = {}
    for share in report.shares:
        totals[share.area] = totals.get(share.area, 0) + share.claiming
        labels[share.area] = share.label
        cells.setdefault(share.area, {})[share.period] = [share.claiming, share.postings]
    areas: list[dict[str, Any]] = [
        {"key": a, "label": labels[a], "total": totals[a], "cells": cells[a],
         "evidence": {period: sentences.get((period, a), []) for period in cells[a]}}
        for a in sorted(totals, key=lambda a: (-totals[a], labels[a], a))
    ]
    posting_name = lambda iri: facts.posting_name(short_id(iri, base))  # noqa: E731
    moves = [
        {"area": m.label, "from": facts.role_label(m.from_role), "to": facts.role_label(m.to_role),
         "organisation": facts.organisation_name(short_id(m.organisation, base)),
         "dropped": posting_name(m.dropped_in), "claimed": posting_name(m.to_posting), "sentence": m.sentence,
         "posting": short_id(m.to_posting, base)}
        for m in report.moves
    ]
    cited = {p for a in areas for ev in a["evidence"].values() for _, p, *_ in ev} | {m["posting"] for m in moves}
    undated = f" {report.undated} undated postings are not placed in a period." if report.undated else ""
    return Page(
        name="drift",
        template="drift.html",
        title=f"{label} over time",
        description=(
            f"The share of {label} postings claiming each duty area, {by} by {by} (a posting is dated by its date "
            f"posted, else its closing date), and duty areas that moved between role types within an organisation."
            f"{undated} Click a cell for the postings and sentences behind it."
        ),
        data={"periods": [list(p) for p in report.periods], "areas": areas, "moves": moves, "by": by,
              "postings": postings_json(facts, cited)},
        note="; ".join(f"{posting_name(w.posting)} is dated {w.as_of}, before its organisation was formed ({w.formed})"
                       for w in report.warnings),
        filters={"role": label, "by": by},
        summary=f"Based on {report.postings} postings of {label} in {len(report.periods)} {by}{'' if len(report.periods) == 1 else 's'}",
        question="How have the duties a role type's postings claim changed over time, and which moved to another role?",
    )
