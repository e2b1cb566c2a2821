"""Positions computed in Python for big graphs: a grid, physics off.

A browser needs minutes to settle thousands of nodes with physics; positions from here are
deterministic and draw in seconds. (Organisation charts place their posts themselves: see
:mod:`nhskg.views.orgchart`.)
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Iterable

from .model import PHYSICS_LIMIT, ViewModel, ViewNode

__all__ = ["grid_positions", "positions_if_large"]


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
