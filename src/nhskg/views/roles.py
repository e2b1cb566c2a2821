"""Two role types side by side: the duty areas each claims, the shared ones, and their joint duties."""

from __future__ import annotations

import math

from ..analyses.overlap import Overlap, overlap
from ..namespaces import DEFAULT_BASE
from ..sparql.sources import SparqlSource
from .facts import Facts, load_facts
from .model import DEFAULT_LIMIT, EdgeStyle, NodeStyle, ViewEdge, ViewModel, ViewNode, build_model, limit_model, short_id

__all__ = ["roles_view", "model_from_overlap", "NODE_STYLES", "EDGE_STYLES"]

NODE_STYLES = (
    NodeStyle("role-a", "first role type", "#4e79a7", "star"),
    NodeStyle("role-b", "second role type", "#e15759", "star"),
    NodeStyle("area-a", "duty area claimed by the first only", "#a0cbe8", "dot"),
    NodeStyle("area-b", "duty area claimed by the second only", "#ff9d9a", "dot"),
    NodeStyle("area-shared", "duty area both claim (highlighted)", "#f1ce63", "hexagon"),
)
EDGE_STYLES = (
    EdgeStyle("claims-a", "postings of the first claiming the area", "#4e79a7", False, ""),
    EdgeStyle("claims-b", "postings of the second claiming the area", "#e15759", False, ""),
    EdgeStyle("joint", "joint duties (one role names the other as partner)", "#8c564b", True, "to"),
)
COLUMN_GAP = 450.0
ROLE_X = 220.0
ROLE_Y = -250.0
ROW_GAP = 110.0
MAX_ROWS = 6
SUB_GAP = 150.0


def roles_view(
    source: SparqlSource,
    role_a: str = "chief-medical-officer",
    role_b: str = "chief-nurse",
    *,
    base: str = DEFAULT_BASE,
    limit: int = DEFAULT_LIMIT,
    facts: Facts | None = None,
) -> ViewModel:
    """The two role types (codes) and their duty areas, from :func:`nhskg.analyses.overlap.overlap`."""
    result = overlap(source, role_a, role_b)
    facts = facts or load_facts(source, base=base)
    return limit_model(
        model_from_overlap(result, facts, base=base),
        limit,
        filter_hint="Pick two role types with fewer duty areas.",
    )


def model_from_overlap(result: Overlap, facts: Facts, *, base: str = DEFAULT_BASE) -> ViewModel:
    """Lay out an :class:`Overlap`: the roles on top, below them three columns of areas (A only,
    shared, B only), so every line from a role fans out without crossing a node of its own."""
    a_id, b_id = f"role/{result.role_a}", f"role/{result.role_b}"
    most = max((c.postings_a + c.postings_b for c in result.areas), default=1) or 1
    columns: dict[str, list] = {"area-a": [], "area-shared": [], "area-b": []}
    for claim in result.areas:
        kind = "area-shared" if claim.postings_a and claim.postings_b else "area-a" if claim.postings_a else "area-b"
        columns[kind].append(claim)
    nodes = [
        ViewNode(a_id, result.label_a, "role-a", details=(("postings", str(result.postings_a)),), size=35, x=-ROLE_X, y=ROLE_Y),
        ViewNode(b_id, result.label_b, "role-b", details=(("postings", str(result.postings_b)),), size=35, x=ROLE_X, y=ROLE_Y),
    ]
    edges: list[ViewEdge] = []
    for column, kind in enumerate(("area-a", "area-shared", "area-b")):
        claims = sorted(columns[kind], key=lambda c: (-(c.postings_a + c.postings_b), c.label, c.area))
        for index, claim in enumerate(claims):
            # long columns wrap into sub-columns growing outwards, so the page fits without shrinking
            sub, row = divmod(index, MAX_ROWS)
            outward = -1 if kind == "area-a" else 1 if kind == "area-b" else (1 if sub % 2 else -1)
            step = sub if kind != "area-shared" else (sub + 1) // 2
            node_id = f"area/{claim.area}"
            nodes.append(
                ViewNode(
                    node_id,
                    claim.label,
                    kind,
                    details=(
                        (f"postings of {result.label_a}", f"{claim.postings_a} ({claim.share_a:.0%})"),
                        (f"postings of {result.label_b}", f"{claim.postings_b} ({claim.share_b:.0%})"),
                    ),
                    size=round(8 + 30 * math.sqrt((claim.postings_a + claim.postings_b) / most), 1),
                    x=round((column - 1) * COLUMN_GAP + outward * step * SUB_GAP, 1),
                    y=round(row * ROW_GAP, 1),
                    group="areas",
                    group_label="duty areas",
                )
            )
            for role_id, count, share, edge_kind in (
                (a_id, claim.postings_a, claim.share_a, "claims-a"),
                (b_id, claim.postings_b, claim.share_b, "claims-b"),
            ):
                if count:
                    edges.append(
                        ViewEdge(role_id, node_id, edge_kind, details=(("postings", f"{count} ({share:.0%})"),), width=round(1 + 6 * share, 1))
                    )
    for holder_id, partner_id, holder_label, partner_label, holder in (
        (a_id, b_id, result.label_a, result.label_b, result.role_a),
        (b_id, a_id, result.label_b, result.label_a, result.role_b),
    ):
        duties = [d for d in result.joint_duties if d.holder_role == holder]
        if not duties:
            continue
        quotes = tuple(
            f"{d.sentence or d.text} \u2014 {facts.posting_name(short_id(d.posting, base))}"
            for d in sorted(duties, key=lambda d: (d.posting, d.start or 0, d.text))
        )
        edges.append(
            ViewEdge(
                holder_id,
                partner_id,
                "joint",
                label=f"{len(duties)} joint dut{'y' if len(duties) == 1 else 'ies'}",
                evidence=quotes,
                details=(("duties of", holder_label), ("naming as partner", partner_label)),
                width=round(1 + math.sqrt(len(duties)), 1),
                curve=0.35,
            )
        )
    return build_model(
        name="roles",
        title=f"{result.label_a} versus {result.label_b}",
        description=(
            f"The duty areas postings of each role type claim (node size: postings claiming it), shared areas "
            f"highlighted, and joint duties as lines quoting each posting's sentence. Jaccard of areas "
            f"{result.jaccard:.2f}, weighted {result.weighted_jaccard:.2f}. Based on {result.postings_a} postings of "
            f"{result.label_a} and {result.postings_b} of {result.label_b}."
        ),
        nodes=nodes,
        edges=edges,
        node_styles=NODE_STYLES,
        edge_styles=EDGE_STYLES,
        layout="positions",
        filters={"role_a": result.label_a, "role_b": result.label_b},
    )
