"""The reporting-lines view: posts in levels computed from who reports to whom, bodies at the edge."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace

from ..namespaces import DEFAULT_BASE, NHSKG
from ..sparql import SparqlSource
from .common import evidence, is_true, resolve_organisation, table, text, with_coverage
from .layout import LEVEL_GAP, NODE_GAP, hierarchical_positions, levels_from_lines
from .model import DEFAULT_LIMIT, EdgeStyle, NodeStyle, ViewEdge, ViewModel, ViewNode, build_model, limit_model, short_id

__all__ = ["reporting_view", "NODE_STYLES", "EDGE_STYLES"]

ORG_REPORTS_TO = "http://www.w3.org/ns/org#reportsTo"

NODE_STYLES = (
    NodeStyle("post", "advertised post", "#4e79a7", "dot"),
    NodeStyle("role-post", "post named by role only", "#a0cbe8", "box"),
    NodeStyle("body", "external body", "#f28e2b", "diamond"),
    NodeStyle("organisation", "organisation (heading of its posts)", "#e8e8e8", "box"),
)
EDGE_STYLES = (
    EdgeStyle("managerial", "managerial line (reports to)", "#333333", False),
    EdgeStyle("professional", "professional line (accountable to)", "#59a14f", True),
    EdgeStyle("external", "engages with external body", "#f28e2b", (2, 6), "to"),
)
LINE_KIND = {
    ORG_REPORTS_TO: "managerial",
    str(NHSKG.professionallyAccountableTo): "professional",
    str(NHSKG.engagesWith): "external",
}
BLOCK_GAP = 2 * NODE_GAP
#: Blocks wrap onto a new row past this width (about a dozen posts side by side).
ROW_WIDTH = 12 * NODE_GAP


def reporting_view(
    source: SparqlSource,
    organisation: str | None = None,
    *,
    base: str = DEFAULT_BASE,
    limit: int = DEFAULT_LIMIT,
) -> ViewModel:
    """Reporting lines of one organisation (by name) or of all, as a layered picture."""
    params: dict[str, str] = {}
    filters: dict[str, str] = {}
    if organisation:
        org_iri, org_name = resolve_organisation(source, organisation)
        params["org"] = org_iri
        filters["organisation"] = org_name
    nodes: dict[str, ViewNode] = {}
    org_names: dict[str, str] = {}
    for row in table(source, "posts", params).records():
        if is_true(row["advertised"]) and not is_true(row["leadership"]):
            continue  # a ward nurse's or a porter's advert says nothing about lines of accountability
        node_id = short_id(text(row["post"]), base)
        org_names[text(row["org"])] = text(row["org_label"]) or short_id(text(row["org"]), base)
        role_label = text(row["role_label"])
        nodes[node_id] = ViewNode(
            id=node_id,
            label=text(row["post_label"]) or role_label or node_id,
            kind="post" if is_true(row["advertised"]) else "role-post",
            organisation=org_names[text(row["org"])],
            details=(("role type", role_label or "unknown"),),
            group=short_id(text(row["role"]), base) if row["role"] is not None else "no-role",
            group_label=role_label or "no role type",
        )
    node_org: dict[str, str] = {n.id: n.organisation for n in nodes.values()}
    edges: list[ViewEdge] = []
    for row in table(source, "reporting-lines", params).records():
        kind = LINE_KIND[text(row["line"])]
        post_id = short_id(text(row["post"]), base)
        target_iri = text(row["target"])
        target_id = short_id(target_iri, base)
        if target_id not in nodes:
            target_org = org_names.get(text(row["target_org"]), text(row["target_org"]))
            label = text(row["target_label"]) or target_id
            nodes[target_id] = ViewNode(
                id=target_id,
                label=label,
                kind="body" if kind == "external" else "role-post",
                organisation=target_org if kind != "external" else "",
                group=target_id if kind == "external" else "other-organisation",
                group_label=label if kind == "external" else "posts in other organisations",
            )
            node_org[target_id] = target_org
        edges.append(ViewEdge(post_id, target_id, kind, evidence=evidence(row["evidence"])))
    # a post named only by its role and on no line says nothing about reporting: leave it out
    on_lines = {e.source for e in edges} | {e.target for e in edges}
    kept = [n for n in nodes.values() if n.kind == "post" or n.id in on_lines]
    left_out = ""
    if not filters:
        # Across every organisation, one whose postings state no reporting line adds a lone dot
        # and a long line to a body: leave it out and say so.
        with_lines = {node_org[e.source] for e in edges if e.kind != "external"}
        dropped = sorted({n.organisation for n in kept if n.kind != "body"} - with_lines)
        kept = [n for n in kept if n.kind == "body" or n.organisation in with_lines]
        ids = {n.id for n in kept}
        edges = [e for e in edges if e.source in ids and e.target in ids]
        used = {e.target for e in edges}
        kept = [n for n in kept if n.kind != "body" or n.id in used]
        if dropped:
            left_out = (
                f" {len(dropped)} organisations whose postings state no reporting line are not drawn;"
                " use --org NAME to see one."
            )
    positioned = _positions(kept, edges)
    where = f"in {filters['organisation']}" if filters else "in every organisation"
    model = build_model(
        name="reporting",
        title=f"Reporting lines {where}",
        description=(
            "Posts placed in levels computed from their reporting lines (a post sits below the posts it "
            "reports to); managerial lines solid, professional lines dashed, external bodies at the right edge."
            + left_out
        ),
        nodes=positioned,
        edges=edges,
        node_styles=NODE_STYLES,
        edge_styles=EDGE_STYLES,
        layout="positions",
        filters=filters,
    )
    if len(model.nodes) > limit:  # headings mean nothing once posts are grouped by role type
        model = replace(model, nodes=tuple(n for n in model.nodes if n.kind != "organisation"))
    return with_coverage(
        limit_model(model, limit, filter_hint="Posts are grouped by role type; use --org NAME to see one organisation's posts."),
        source,
    )


def _positions(nodes: list[ViewNode], edges: list[ViewEdge]) -> list[ViewNode]:
    """One block per organisation, side by side, each in levels under a heading node naming the
    organisation; bodies in a column at the right edge."""
    ids = {n.id for n in nodes if n.kind != "body"}
    lines = [(e.source, e.target) for e in edges if e.kind != "external" and e.source in ids and e.target in ids]
    levels = levels_from_lines(ids, lines)
    blocks: dict[str, list[ViewNode]] = defaultdict(list)
    for node in nodes:
        if node.kind != "body":
            blocks[node.organisation].append(node)
    placed: dict[str, ViewNode] = {}
    headings: list[ViewNode] = []
    offset = 0.0
    row_top = 0.0
    row_depth = 0.0
    widest = 0.0
    for organisation in sorted(blocks):
        members = blocks[organisation]
        positions = hierarchical_positions(members, levels)
        xs = [x for x, _ in positions.values()]
        ys = [y for _, y in positions.values()]
        width = max(xs) - min(xs)
        if offset > 0 and offset + width > ROW_WIDTH:
            # wrap: blocks in rows, so that many organisations make a page, not a thin line
            offset, row_top = 0.0, row_top + row_depth + 2 * LEVEL_GAP
            row_depth = 0.0
        shift = offset - min(xs)
        for node in members:
            x, y = positions[node.id]
            placed[node.id] = replace(node, x=round(x + shift, 1), y=round(y + row_top, 1), level=levels[node.id])
        headings.append(
            ViewNode(
                id=f"heading/{len(headings)}",
                label=organisation or "organisation not named",
                kind="organisation",
                organisation=organisation,
                x=round(offset + width / 2, 1),
                y=round(row_top + min(ys) - LEVEL_GAP * 0.7, 1),
                group="organisations",
                group_label="organisations",
            )
        )
        row_depth = max(row_depth, max(ys) - min(ys))
        offset += width + BLOCK_GAP
        widest = max(widest, offset)
    bodies = sorted((n for n in nodes if n.kind == "body"), key=lambda n: (n.label, n.id))
    edge_x = widest + NODE_GAP
    for index, node in enumerate(bodies):
        placed[node.id] = replace(node, x=round(edge_x, 1), y=round(index * LEVEL_GAP * 0.6, 1))
    return [placed[n.id] for n in nodes] + headings
