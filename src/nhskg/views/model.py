"""The view model: a small, sorted, deterministic graph of nodes and edges that any view renders.

Views first build one of these from SPARQL results, then :mod:`nhskg.views.html` draws it. Keeping
the two apart means a view's content can be tested without HTML, and the same input always gives
the same model (nodes sorted by id, edges by endpoints and kind), hence byte-identical files.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Iterable, Mapping

__all__ = [
    "NodeStyle",
    "EdgeStyle",
    "ViewNode",
    "ViewEdge",
    "ViewModel",
    "build_model",
    "limit_model",
    "short_id",
    "DEFAULT_LIMIT",
    "PHYSICS_LIMIT",
]

#: Past this many nodes a view aggregates (or asks for a filter) instead of drawing a hairball.
DEFAULT_LIMIT = 1500
#: Past this many nodes physics is switched off and positions are computed in Python, because
#: headless Chromium needed about 2 minutes to settle 2,000 nodes with physics on.
PHYSICS_LIMIT = 300


@dataclass(frozen=True)
class NodeStyle:
    """How one kind of node looks; the legend lists these."""

    kind: str
    label: str
    color: str
    shape: str = "dot"


@dataclass(frozen=True)
class EdgeStyle:
    """How one kind of line looks: ``dashes`` is False (solid), True (dashed) or a dash pattern."""

    kind: str
    label: str
    color: str = "#555555"
    dashes: bool | tuple[int, ...] = False
    arrows: str = "to"


@dataclass(frozen=True)
class ViewNode:
    """A node. ``id`` is a short, URL-free key; ``group`` is what it aggregates into past the limit."""

    id: str
    label: str
    kind: str
    organisation: str = ""
    evidence: tuple[str, ...] = ()
    details: tuple[tuple[str, str], ...] = ()
    size: float | None = None
    level: int | None = None
    x: float | None = None
    y: float | None = None
    color: str | None = None
    group: str = ""
    group_label: str = ""


@dataclass(frozen=True)
class ViewEdge:
    """A line from ``source`` to ``target`` (node ids) of one kind, with its evidence sentences."""

    source: str
    target: str
    kind: str
    label: str = ""
    evidence: tuple[str, ...] = ()
    details: tuple[tuple[str, str], ...] = ()
    width: float | None = None
    curve: float | None = None


@dataclass(frozen=True)
class ViewModel:
    """Everything a page shows: title, one-line description, the graph, its legend and any note.

    ``layout`` is ``"positions"`` when every node carries x/y computed here (physics off) and
    ``"physics"`` when vis-network should settle the layout itself.
    """

    name: str
    title: str
    description: str
    nodes: tuple[ViewNode, ...]
    edges: tuple[ViewEdge, ...]
    node_styles: tuple[NodeStyle, ...]
    edge_styles: tuple[EdgeStyle, ...]
    layout: str = "physics"
    note: str = ""
    filters: tuple[tuple[str, str], ...] = field(default=())
    #: What the page rests on: "based on N postings (M modelled in full), dated ..." (nhskg.queries.coverage).
    based_on: str = ""

    def node_style(self, kind: str) -> NodeStyle:
        for style in self.node_styles:
            if style.kind == kind:
                return style
        return NodeStyle(kind, kind, "#999999")

    def edge_style(self, kind: str) -> EdgeStyle:
        for style in self.edge_styles:
            if style.kind == kind:
                return style
        return EdgeStyle(kind, kind)


def short_id(iri: str, base: str = "") -> str:
    """A node key without a scheme, so no ``http(s)://`` reaches the page.

    >>> short_id("https://w3id.org/nhskg/data/post/x", "https://w3id.org/nhskg/data/")
    'post/x'
    >>> short_id("https://w3id.org/nhskg/vocab/role-type/chief-nurse")
    'w3id.org/nhskg/vocab/role-type/chief-nurse'
    """
    if base and iri.startswith(base):
        return iri[len(base):]
    return re.sub(r"^[a-zA-Z][a-zA-Z0-9+.-]*:/*", "", iri)


def build_model(
    *,
    name: str,
    title: str,
    description: str,
    nodes: Iterable[ViewNode],
    edges: Iterable[ViewEdge],
    node_styles: Iterable[NodeStyle],
    edge_styles: Iterable[EdgeStyle],
    layout: str = "physics",
    note: str = "",
    filters: Mapping[str, str] | None = None,
) -> ViewModel:
    """Sort and de-duplicate nodes and edges; drop edges whose ends are not nodes.

    >>> m = build_model(name="t", title="T", description="d",
    ...     nodes=[ViewNode("b", "B", "post"), ViewNode("a", "A", "post"), ViewNode("a", "A", "post")],
    ...     edges=[ViewEdge("a", "b", "k"), ViewEdge("a", "zz", "k")], node_styles=[], edge_styles=[])
    >>> [n.id for n in m.nodes], len(m.edges)
    (['a', 'b'], 1)
    """
    by_id: dict[str, ViewNode] = {}
    for node in nodes:
        by_id.setdefault(node.id, node)
    kept_edges = {(e.source, e.target, e.kind, e.label): e for e in edges if e.source in by_id and e.target in by_id}
    return ViewModel(
        name=name,
        title=title,
        description=description,
        nodes=tuple(by_id[k] for k in sorted(by_id)),
        edges=tuple(kept_edges[k] for k in sorted(kept_edges)),
        node_styles=tuple(node_styles),
        edge_styles=tuple(edge_styles),
        layout=layout,
        note=note,
        filters=tuple(sorted((filters or {}).items())),
    )


def limit_model(model: ViewModel, limit: int, *, filter_hint: str) -> ViewModel:
    """Keep a model under ``limit`` nodes: aggregate by node group, or else draw the most connected.

    Aggregation collapses every node into its ``group`` (the count in its label) and every edge
    into one line per pair of groups and kind (the count as its width). It is used when every node
    has a group and there are at least two groups and at most ``limit``; otherwise (one group would
    say nothing, too many would still be too many) the ``limit`` nodes with the most lines are drawn
    with the lines between them. Either way the note says what happened and which filter to use.
    """
    if len(model.nodes) <= limit:
        return model
    total = len(model.nodes)
    groups: dict[str, list[ViewNode]] = defaultdict(list)
    for node in model.nodes:
        if node.group:
            groups[node.group].append(node)
    grouped_all = sum(len(v) for v in groups.values()) == total
    if not grouped_all or not 2 <= len(groups) <= limit:
        degree: dict[str, int] = defaultdict(int)
        for edge in model.edges:
            degree[edge.source] += 1
            degree[edge.target] += 1
        kept = {n.id for n in sorted(model.nodes, key=lambda n: (-degree[n.id], n.id))[:limit]}
        note = (
            f"This graph has {total} nodes, more than the limit of {limit}, so only the {limit} with the most lines "
            f"are drawn ({total - limit} left out). {filter_hint}"
        )
        return replace(model, nodes=tuple(n for n in model.nodes if n.id in kept),
                       edges=tuple(e for e in model.edges if e.source in kept and e.target in kept), note=note)
    member_of = {node.id: node.group for node in model.nodes}
    agg_nodes = []
    for group, members in groups.items():
        first = members[0]
        kinds = sorted({m.kind for m in members})
        agg_nodes.append(
            ViewNode(
                id=f"group/{group}",
                label=f"{first.group_label or group} ({len(members)})",
                kind=first.kind if len(kinds) == 1 else "group",
                organisation=first.organisation if len({m.organisation for m in members}) == 1 else "",
                details=(("nodes in this group", str(len(members))),),
                size=min(60.0, 10.0 + len(members) ** 0.5 * 3),
            )
        )
    counts: dict[tuple[str, str, str], int] = defaultdict(int)
    for edge in model.edges:
        counts[(member_of[edge.source], member_of[edge.target], edge.kind)] += 1
    agg_edges = [
        ViewEdge(
            f"group/{s}",
            f"group/{t}",
            kind,
            label=str(n),
            details=(("lines in this bundle", str(n)),),
            width=min(12.0, 1.0 + n ** 0.5),
        )
        for (s, t, kind), n in counts.items()
    ]
    note = (
        f"This graph has {total} nodes, more than the limit of {limit}, so it is aggregated into {len(groups)} groups: "
        f"each node stands for one group (its size in brackets) and each line for the lines between two groups. "
        f"{filter_hint}"
    )
    styles = model.node_styles
    if any(n.kind == "group" for n in agg_nodes):
        styles = (*styles, NodeStyle("group", "group of nodes of several kinds", "#bbbbbb", "box"))
    aggregated = build_model(
        name=model.name,
        title=model.title,
        description=model.description,
        nodes=agg_nodes,
        edges=agg_edges,
        node_styles=styles,
        edge_styles=model.edge_styles,
        layout="physics",
        note=note,
        filters=dict(model.filters),
    )
    aggregated = replace(aggregated, based_on=model.based_on)
    from .layout import positions_if_large  # late import: layout depends on this module

    return positions_if_large(aggregated)
