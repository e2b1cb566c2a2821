"""Positions computed in Python: reporting levels from the lines themselves, and a grid for big graphs.

A browser needs minutes to settle thousands of nodes with physics, and physics makes a hierarchy
wobble; positions from here are deterministic and draw in seconds.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import replace
from typing import Iterable

import networkx as nx

from .model import PHYSICS_LIMIT, ViewModel, ViewNode

__all__ = ["levels_from_lines", "hierarchical_positions", "grid_positions", "positions_if_large"]

LEVEL_GAP = 160.0
NODE_GAP = 190.0


def levels_from_lines(node_ids: Iterable[str], lines: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Level of each node, 0 at the top, from ``(report, manager)`` pairs.

    Cycles (two posts that each say they report to the other) share one level: the graph is
    condensed into strongly connected components before its topological generations are taken.

    >>> levels_from_lines(["ceo", "cmo", "dep"], [("cmo", "ceo"), ("dep", "cmo")])
    {'ceo': 0, 'cmo': 1, 'dep': 2}
    """
    graph = nx.DiGraph()
    graph.add_nodes_from(sorted(node_ids))
    graph.add_edges_from((manager, report) for report, manager in lines if report != manager)
    condensed = nx.condensation(graph)
    level_of_component: dict[int, int] = {}
    # longest path from a root, so a post sits just below the lowest of its managers
    for component in nx.topological_sort(condensed):
        preds = list(condensed.predecessors(component))
        level_of_component[component] = 1 + max(level_of_component[p] for p in preds) if preds else 0
    mapping = condensed.graph["mapping"]
    return {node: level_of_component[mapping[node]] for node in sorted(graph.nodes)}


def hierarchical_positions(
    nodes: Iterable[ViewNode], levels: dict[str, int], edge_kinds: Iterable[str] = ()
) -> dict[str, tuple[float, float]]:
    """x/y for each node with a level: one row per level, ordered by organisation then label."""
    rows: dict[int, list[ViewNode]] = defaultdict(list)
    for node in nodes:
        if node.id in levels:
            rows[levels[node.id]].append(node)
    positions: dict[str, tuple[float, float]] = {}
    for level, members in rows.items():
        members.sort(key=lambda n: (n.organisation, n.label, n.id))
        width = (len(members) - 1) * NODE_GAP
        for index, node in enumerate(members):
            positions[node.id] = (round(index * NODE_GAP - width / 2, 1), round(level * LEVEL_GAP, 1))
    return positions


def grid_positions(nodes: Iterable[ViewNode], gap: float = 140.0) -> dict[str, tuple[float, float]]:
    """A square grid in (group, kind, id) order, so members of a group sit together."""
    ordered = sorted(nodes, key=lambda n: (n.group, n.kind, n.id))
    side = max(1, math.ceil(math.sqrt(len(ordered))))
    return {
        node.id: (round((i % side) * gap, 1), round((i // side) * gap, 1)) for i, node in enumerate(ordered)
    }


def positions_if_large(model: ViewModel) -> ViewModel:
    """Switch physics off and place nodes on a grid when the model is past :data:`PHYSICS_LIMIT`."""
    if model.layout == "positions" or len(model.nodes) <= PHYSICS_LIMIT:
        return model
    grid = grid_positions(model.nodes)
    nodes = tuple(replace(n, x=grid[n.id][0], y=grid[n.id][1]) for n in model.nodes)
    return replace(model, nodes=nodes, layout="positions")
