"""Two organisations side by side: both charts, and which role holds each duty area and designation in each.

The page carries every organisation's chart (as the chart page does) and, per organisation, which
post holds each duty area and designation, so the reader can pick any two without re-rendering;
the CLI's two ``--org`` values are the pair it opens with.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ..errors import QueryError
from ..namespaces import DEFAULT_BASE
from ..sparql.sources import SparqlSource
from .facts import Facts, load_facts, organisation_key
from .model import DEFAULT_LIMIT
from .orgchart import charted_organisations, charts_data
from .page import Page

__all__ = ["Holdings", "holdings", "compare_rows", "compare_page"]


@dataclass(frozen=True)
class Holdings:
    """Who holds what in one organisation: label -> the names of the posts (role type, else title)."""

    areas: dict[str, tuple[str, ...]]
    designations: dict[str, tuple[str, ...]]


def holdings(facts: Facts, organisation: str) -> Holdings:
    """Duty areas and designations of ``organisation``'s posts, named by role type (else title)."""
    def name(post_key: str) -> str:
        post = facts.posts[post_key]
        return facts.role_label(post.role) if post.role and post.role != "other" else post.label or "a post"

    areas: dict[str, set[str]] = defaultdict(set)
    for duty in facts.duties:
        post = facts.posts.get(duty.post)
        if post is not None and post.organisation == organisation:
            for area in duty.areas:
                areas[facts.label("duty-area", area, "other duties")].add(name(duty.post))
    designations: dict[str, set[str]] = defaultdict(set)
    for holding in facts.holdings:
        post = facts.posts.get(holding.post)
        if post is not None and post.organisation == organisation:
            designations[facts.label("designation", holding.designation, "designation")].add(name(holding.post))
    return Holdings({k: tuple(sorted(v)) for k, v in sorted(areas.items())},
                    {k: tuple(sorted(v)) for k, v in sorted(designations.items())})


def compare_rows(a: Holdings, b: Holdings) -> list[tuple[str, str, tuple[str, ...], tuple[str, ...], bool]]:
    """Rows of the comparison table: (kind, label, holders in A, holders in B, differs), designations first.

    >>> compare_rows(Holdings({"Finance": ("Chief Financial Officer",)}, {}), Holdings({"Finance": ("Chief Executive",)}, {}))
    [('area', 'Finance', ('Chief Financial Officer',), ('Chief Executive',), True)]
    """
    rows = []
    for kind, left, right in (("designation", a.designations, b.designations), ("area", a.areas, b.areas)):
        for label in sorted(set(left) | set(right)):
            x, y = left.get(label, ()), right.get(label, ())
            rows.append((kind, label, x, y, x != y))
    return rows


def compare_page(
    source: SparqlSource,
    organisations: tuple[str, ...] | list[str] = (),
    *,
    base: str = DEFAULT_BASE,
    limit: int = DEFAULT_LIMIT,
    facts: Facts | None = None,
) -> Page:
    """Compare two organisations (names from ``--org``, default the two with the most lines)."""
    facts = facts or load_facts(source, base=base)
    if len(organisations) not in (0, 2):
        raise QueryError(f"the compare view needs two organisations (--org A --org B), not {len(organisations)}")
    charted = charted_organisations(facts)
    chosen: list[str] = []
    for name in organisations:
        key = organisation_key(source, name, base=base)
        if key not in charted:
            raise QueryError(f"{facts.organisation_name(key)} has no leadership posting, so there is nothing to compare")
        chosen.append(key)
    pair = chosen or charted[:2]
    data = charts_data(facts, charted, limit=limit)
    held: dict[str, Any] = {}
    for key in charted:
        h = holdings(facts, key)
        held[key] = {"areas": {k: list(v) for k, v in h.areas.items()}, "designations": {k: list(v) for k, v in h.designations.items()}}
    data["holdings"] = held
    data["pair"] = pair
    filters = {"organisations": " and ".join(facts.organisation_name(k) for k in chosen)} if chosen else {}
    names = [facts.organisation_name(k) for k in pair]
    return Page(
        name="compare",
        template="compare.html",
        title=f"Compare {names[0]} and {names[1]}" if len(names) == 2 else "Compare two organisations",
        description=(
            "Two organisations side by side: their charts, and which role holds each designation and duty area in each, "
            "differences highlighted. Pick either organisation to compare another pair; click a row for the sentences."
        ),
        data=data,
        filters=filters,
        question="How do two organisations divide their designations and duties between their posts?",
        summary=f"{len(charted)} organisations with leadership posts to choose from",
    )
