"""A role type over time: one column per period, the share of its postings claiming each duty area,
and the duty areas that moved to or from other role types."""

from __future__ import annotations

from ..analyses.drift import DriftReport, drift
from ..namespaces import DEFAULT_BASE
from ..sparql import SparqlSource
from .facts import Facts, load_facts
from .model import DEFAULT_LIMIT, EdgeStyle, NodeStyle, ViewEdge, ViewModel, ViewNode, build_model, limit_model, short_id

__all__ = ["drift_view", "model_from_drift", "NODE_STYLES", "EDGE_STYLES"]

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
