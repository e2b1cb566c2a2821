"""Who holds which statutory designation in each organisation, with gaps and conflicts marked.

A conflict is a single-holder designation (``nhskg:singleHolder``) that more than one post in one
organisation claims; a gap is a designation every organisation must name a holder for
(``nhskg:requiredHolder``) that no post in the organisation holds.
"""

from __future__ import annotations

from collections import defaultdict

from ..namespaces import DEFAULT_BASE
from ..sparql import SparqlSource
from .common import evidence, resolve_organisation, table, text, with_coverage
from .model import DEFAULT_LIMIT, EdgeStyle, NodeStyle, ViewEdge, ViewModel, ViewNode, build_model, limit_model, short_id

__all__ = ["designations_view", "NODE_STYLES", "EDGE_STYLES"]

NODE_STYLES = (
    NodeStyle("organisation", "organisation", "#76b7b2", "box"),
    NodeStyle("post", "post", "#4e79a7", "dot"),
    NodeStyle("held", "designation held by one post", "#59a14f", "diamond"),
    NodeStyle("conflict", "designation claimed by more than one post (conflict)", "#f28e2b", "triangle"),
    NodeStyle("gap", "designations no post holds (gap)", "#e15759", "square"),
)
EDGE_STYLES = (
    EdgeStyle("post-in", "post in organisation", "#bbbbbb", False, ""),
    EdgeStyle("holds", "post holds designation", "#333333", False, "to"),
    EdgeStyle("missing", "organisation lacks designations", "#e15759", True, "to"),
)


def designations_view(
    source: SparqlSource,
    organisation: str | None = None,
    *,
    base: str = DEFAULT_BASE,
    limit: int = DEFAULT_LIMIT,
) -> ViewModel:
    """Designations per organisation (by name, or all organisations that claim any)."""
    params: dict[str, str] = {}
    filters: dict[str, str] = {}
    if organisation:
        params["org"], filters["organisation"] = resolve_organisation(source, organisation)
    scheme = {text(r["designation"]): text(r["designation_label"]) for r in table(source, "designation-scheme").records()}
    names = {text(r["org"]): text(r["org_label"]) or short_id(text(r["org"]), base) for r in table(source, "organisations").records()}
    posts = {text(r["post"]): text(r["post_label"]) or text(r["role_label"]) for r in table(source, "posts", params).records()}
    holders: dict[tuple[str, str], list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    labels: dict[str, str] = dict(scheme)
    single: set[str] = set()
    for row in table(source, "designations", params).records():
        designation = text(row["designation"])
        if row["single"] is not None and row["single"].toPython() is True:
            single.add(designation)
        labels.setdefault(designation, text(row["designation_label"]) or short_id(designation))
        holders[(text(row["org"]), designation)].append((text(row["post"]), evidence(row["evidence"])))
    organisations = sorted({org for org, _ in holders} | ({params["org"]} if "org" in params else set()))
    nodes: list[ViewNode] = []
    edges: list[ViewEdge] = []
    gaps_total = conflicts_total = 0
    for org in organisations:
        org_id, org_name = short_id(org, base), names.get(org, short_id(org, base))
        nodes.append(ViewNode(org_id, org_name, "organisation", organisation=org_name, group=org_id, group_label=org_name))
        held = {d for (o, d) in holders if o == org}
        for designation in sorted(held):
            claims = sorted(holders[(org, designation)])
            # Many posts sit on a board; only a single-holder designation claimed twice conflicts.
            kind = "conflict" if len(claims) > 1 and designation in single else "held"
            conflicts_total += kind == "conflict"
            d_id = f"{org_id}/designation/{short_id(designation, base).rsplit('/', 1)[-1]}"
            nodes.append(
                ViewNode(
                    d_id,
                    labels[designation],
                    kind,
                    organisation=org_name,
                    details=(("claimed by", ", ".join(posts.get(p, short_id(p, base)) for p, _ in claims)),),
                    group=org_id,
                    group_label=org_name,
                )
            )
            for post, sentences in claims:
                post_id = short_id(post, base)
                nodes.append(ViewNode(post_id, posts.get(post, post_id), "post", organisation=org_name, group=org_id, group_label=org_name))
                edges.append(ViewEdge(post_id, org_id, "post-in"))
                edges.append(ViewEdge(post_id, d_id, "holds", evidence=sentences))
        missing = sorted(labels[d] for d in scheme if d not in held)
        if missing:
            gaps_total += len(missing)
            gap_id = f"{org_id}/gaps"
            nodes.append(
                ViewNode(
                    gap_id,
                    f"{len(missing)} not held",
                    "gap",
                    organisation=org_name,
                    details=(("no post holds", "; ".join(missing)),),
                    group=org_id,
                    group_label=org_name,
                )
            )
            edges.append(ViewEdge(org_id, gap_id, "missing"))
    where = filters.get("organisation", "every organisation that names a designation")
    model = build_model(
        name="designations",
        title=f"Statutory designations in {where}",
        description=(
            f"Which post holds which designation in each organisation: {conflicts_total} conflicts "
            f"(claimed by more than one post) and {gaps_total} gaps (designations of the vocabulary no post holds)."
        ),
        nodes=nodes,
        edges=edges,
        node_styles=NODE_STYLES,
        edge_styles=EDGE_STYLES,
        filters=filters,
    )
    from .layout import positions_if_large

    return with_coverage(positions_if_large(
        limit_model(model, limit, filter_hint="Each node stands for one organisation; use --org NAME for its posts.")
    ), source)
