"""Organisation charts: every organisation's posts in rows, board and chief executive at the top.

A chart is assembled from every leadership posting of one organisation: the posts they advertise,
the posts they name only by role as bosses, partners, deputies or reports, and the lines between
them. A post's row comes from its role type (the ``nhskg:chartTier`` rule: board, chief executive,
executives, deputies, divisional posts) and is pushed down below every post it is accountable to,
so a line always runs upwards to the manager. A post named only by its role ("the Chief
Executive") is drawn as the one advertised post of that role in the organisation when there is
exactly one, so one person does not appear twice.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import networkx as nx

from ..namespaces import DEFAULT_BASE
from ..sparql.sources import SparqlSource
from .facts import Evidence, Facts, load_facts, organisation_key, weakest
from .model import DEFAULT_LIMIT
from .page import Page, evidence_json, plural, postings_json

__all__ = ["ChartPost", "ChartLine", "Chart", "chart", "charts", "reporting_page", "LINE_LABELS"]

#: Lines drawn upwards, from the lower post to the upper one (manager, principal, leader).
VERTICAL = ("managerial", "professional", "leads", "deputy")
#: How the page names each kind of line, from the lower post's side.
LINE_LABELS = {
    "managerial": "reports to",
    "professional": "is professionally accountable to",
    "leads": "is led by",
    "deputy": "deputises for",
    "joint": "works jointly with",
}


@dataclass(frozen=True)
class ChartPost:
    key: str
    label: str
    role: str  # role-type label ("" when the same as the label)
    scope: str  # scope label, "" when organisation-wide or unknown
    tier: int
    level: int
    order: int
    advertised: bool
    elsewhere: str  # the organisation's name when the post is in another one, else ""
    badges: tuple[str, ...]
    postings: tuple[str, ...]
    duties: int


@dataclass(frozen=True)
class ChartLine:
    """``lower`` stands below ``upper`` (for ``joint``, the two ends in key order)."""

    lower: str
    upper: str
    kind: str
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Chart:
    organisation: str
    name: str
    type: str
    postings: int
    leadership_postings: int
    posts: tuple[ChartPost, ...]
    lines: tuple[ChartLine, ...]
    left_out: int = 0  # posts past the limit, not drawn

    def post(self, key: str) -> ChartPost:
        for post in self.posts:
            if post.key == key:
                return post
        raise KeyError(key)


def _merged(facts: Facts, organisation: str) -> dict[str, str]:
    """Post key -> the key it is drawn as: a post named only by its role becomes the one advertised
    post of that role in the organisation, when there is exactly one and it is organisation-wide."""
    posts = facts.posts_of(organisation)
    advertised: dict[str, list[str]] = defaultdict(list)
    for post in posts:
        if post.advertised and post.role and post.role != "other":
            advertised[post.role].append(post.key)
    mapping = {}
    for post in posts:
        if not post.advertised and len(advertised.get(post.role, ())) == 1:
            target = facts.posts[advertised[post.role][0]]
            if target.scope in ("", "organisation", "group", "system", "national", "region"):
                mapping[post.key] = target.key
    return mapping


def _levels(keys: list[str], tiers: dict[str, int], lines: list[ChartLine]) -> dict[str, int]:
    """Row of each post: at least its tier, and below every post it is accountable to; rows with
    nobody in them are closed up. Posts in a cycle of lines share a row.

    >>> L = lambda lo, up: ChartLine(lo, up, "managerial", ())
    >>> _levels(["ceo", "cmo", "dmd"], {"ceo": 1, "cmo": 2, "dmd": 2}, [L("dmd", "cmo")])
    {'ceo': 0, 'cmo': 1, 'dmd': 2}
    """
    graph = nx.DiGraph()
    graph.add_nodes_from(sorted(keys))
    graph.add_edges_from((line.upper, line.lower) for line in lines if line.kind in VERTICAL and line.upper != line.lower)
    condensed = nx.condensation(graph)
    members = condensed.graph["mapping"]
    level_of: dict[int, int] = {}
    for component in nx.topological_sort(condensed):
        own = max(tiers[n] for n in condensed.nodes[component]["members"])
        above = [level_of[p] + 1 for p in condensed.predecessors(component)]
        level_of[component] = max([own, *above])
    raw = {key: level_of[members[key]] for key in sorted(keys)}
    used = sorted(set(raw.values()))
    return {key: used.index(level) for key, level in raw.items()}


def _orders(keys: list[str], levels: dict[str, int], lines: list[ChartLine], sort_key: dict[str, tuple]) -> dict[str, int]:
    """Left-to-right order in each row: under the posts each is accountable to, then by role."""
    uppers: dict[str, list[str]] = defaultdict(list)
    for line in lines:
        if line.kind in VERTICAL:
            uppers[line.lower].append(line.upper)
    position: dict[str, float] = {}
    order: dict[str, int] = {}
    for level in sorted(set(levels.values())):
        row = [k for k in keys if levels[k] == level]

        def place(key: str) -> tuple:
            above = [position[u] for u in uppers[key] if u in position]
            return (sum(above) / len(above) if above else 2.0, sort_key[key])

        row.sort(key=place)
        for index, key in enumerate(row):
            order[key] = index
            position[key] = index / max(1, len(row) - 1)
    return order


def chart(facts: Facts, organisation: str, *, limit: int = DEFAULT_LIMIT) -> Chart:
    """The chart of one organisation (by key)."""
    merged = _merged(facts, organisation)

    def drawn(key: str) -> str:
        return merged.get(key, key)

    own = {drawn(p.key) for p in facts.posts_of(organisation)}
    lines_by_key: dict[tuple[str, str, str], list[Evidence]] = defaultdict(list)
    for line in facts.lines:
        if line.kind == "body" or drawn(line.source) not in own:
            continue
        source, target = drawn(line.source), drawn(line.target)
        if target not in facts.posts and target not in own or source == target:
            continue
        if line.kind == "leads":  # the leader is the upper end
            lower, upper = target, source
        elif line.kind == "joint":
            lower, upper = sorted((source, target))
        else:
            lower, upper = source, target
        lines_by_key[(lower, upper, line.kind)].extend(line.evidence)
    lines = [ChartLine(lo, up, kind, tuple(sorted(set(ev)))) for (lo, up, kind), ev in sorted(lines_by_key.items())]
    keys = sorted(own | {line.upper for line in lines} | {line.lower for line in lines})
    left_out = max(0, len(keys) - limit)
    if left_out:
        tiers_all = {k: facts.tier(facts.posts[k].role, facts.posts[k].scope) for k in keys}
        keys = sorted(sorted(keys, key=lambda k: (tiers_all[k], k))[:limit])
        lines = [line for line in lines if line.lower in keys and line.upper in keys]
    tiers = {k: facts.tier(facts.posts[k].role, facts.posts[k].scope) for k in keys}
    levels = _levels(keys, tiers, lines)
    sort_key = {k: (tiers[k], facts.role_label(facts.posts[k].role), facts.posts[k].label, k) for k in keys}
    orders = _orders(keys, levels, lines, sort_key)
    badges: dict[str, set[str]] = defaultdict(set)
    for holding in facts.holdings:
        if drawn(holding.post) in keys:
            badges[drawn(holding.post)].add(facts.label("designation", holding.designation, "designation"))
    duties: dict[str, int] = defaultdict(int)
    for duty in facts.duties:
        duties[drawn(duty.post)] += 1
    postings = facts.postings_of_post()
    posts = []
    for key in keys:
        post = facts.posts[key]
        role = facts.role_label(post.role) if post.role else ""
        label = post.label or role or "post"
        scope = facts.label("scope", post.scope) if post.scope not in ("", "organisation") else ""
        posts.append(
            ChartPost(
                key=key,
                label=label,
                role="" if role.lower() == label.lower() else role,
                scope=scope,
                tier=tiers[key],
                level=levels[key],
                order=orders[key],
                advertised=post.advertised,
                elsewhere=facts.organisation_name(post.organisation) if post.organisation != organisation else "",
                badges=tuple(sorted(badges[key])),
                postings=tuple(sorted({p for k in [key, *[m for m, d in merged.items() if d == key]] for p in postings.get(k, ())})),
                duties=duties[key],
            )
        )
    info = facts.organisations.get(organisation)
    return Chart(
        organisation=organisation,
        name=facts.organisation_name(organisation),
        type=facts.label("organisation-type", info.type) if info and info.type not in ("", "other") else "",
        postings=info.postings if info else 0,
        leadership_postings=info.leadership_postings if info else 0,
        posts=tuple(sorted(posts, key=lambda p: (p.level, p.order))),
        lines=tuple(lines),
        left_out=left_out,
    )


def charted_organisations(facts: Facts) -> list[str]:
    """Organisations with at least one leadership post, most lines and posts first."""
    with_posts = {p.organisation for p in facts.posts.values()}
    lines: dict[str, int] = defaultdict(int)
    for line in facts.lines:
        if line.kind != "body" and line.source in facts.posts:
            lines[facts.posts[line.source].organisation] += 1
    return sorted(with_posts & set(facts.organisations), key=lambda o: (-lines[o], -facts.organisations[o].leadership_postings,
                                                                      facts.organisation_name(o), o))


def charts(facts: Facts, organisations: list[str] | None = None, *, limit: int = DEFAULT_LIMIT) -> list[Chart]:
    return [chart(facts, o, limit=limit) for o in (organisations if organisations is not None else charted_organisations(facts))]


def post_details(facts: Facts, keys: set[str], merged: dict[str, str] | None = None) -> dict[str, Any]:
    """Per drawn post: its designations, duty areas with their duties, and bodies, each with evidence."""
    renamed = merged or {}

    def drawn(key: str) -> str:
        return renamed.get(key, key)

    out: dict[str, dict[str, Any]] = {k: {"designations": [], "areas": [], "bodies": []} for k in sorted(keys)}
    designations: dict[str, dict[str, list[Evidence]]] = defaultdict(lambda: defaultdict(list))
    for holding in facts.holdings:
        if drawn(holding.post) in out:
            designations[drawn(holding.post)][facts.label("designation", holding.designation, "designation")].extend(holding.evidence)
    bodies: dict[str, dict[str, list[Evidence]]] = defaultdict(lambda: defaultdict(list))
    for line in facts.lines:
        if line.kind == "body" and drawn(line.source) in out:
            bodies[drawn(line.source)][facts.label("body", line.target, "external body")].extend(line.evidence)
    areas: dict[str, dict[str, list[list[Any]]]] = defaultdict(lambda: defaultdict(list))
    for duty in facts.duties:
        if drawn(duty.post) not in out:
            continue
        chances = dict(duty.area_confidence)
        for code in duty.areas or ("",):
            name = facts.label("duty-area", code, "") or "other duties"
            item = [duty.text, [duty.evidence.sentence, duty.evidence.posting] if duty.evidence else None]
            if code in chances:  # how sure the duty model is that the duty is about this area
                read = Evidence(duty.text, confidence=chances[code])
                item.append(f"confidence {chances[code]:.2f} that it is about {name.lower()}" + (" (less sure)" if read.weak else ""))
            if item not in areas[drawn(duty.post)][name]:
                areas[drawn(duty.post)][name].append(item)
    for key in out:
        out[key]["designations"] = [{"label": k, "evidence": evidence_json(v), "weak": weakest(v)} for k, v in sorted(designations[key].items())]
        out[key]["bodies"] = [{"label": k, "evidence": evidence_json(v), "weak": weakest(v)} for k, v in sorted(bodies[key].items())]
        out[key]["areas"] = [{"label": k, "duties": v} for k, v in sorted(areas[key].items(), key=lambda kv: (-len(kv[1]), kv[0]))]
    return out


def chart_json(facts: Facts, item: Chart) -> dict[str, Any]:
    """One chart as the page's JSON: posts, lines with evidence, and each post's details."""
    merged = _merged(facts, item.organisation)
    return {
        "key": item.organisation,
        "name": item.name,
        "type": item.type,
        "postings": item.postings,
        "leadership": item.leadership_postings,
        "leftOut": item.left_out,
        "posts": [
            {"key": p.key, "label": p.label, "role": p.role, "scope": p.scope, "level": p.level, "order": p.order,
             "advertised": p.advertised, "elsewhere": p.elsewhere, "badges": list(p.badges), "postings": list(p.postings),
             "duties": p.duties}
            for p in item.posts
        ],
        "lines": [{"lower": line.lower, "upper": line.upper, "kind": line.kind, "evidence": evidence_json(line.evidence),
                   "weak": weakest(line.evidence)}
                  for line in item.lines],
        "details": post_details(facts, {p.key for p in item.posts}, merged),
    }


def charts_data(facts: Facts, organisations: list[str], *, limit: int = DEFAULT_LIMIT) -> dict[str, Any]:
    """Every chart of ``organisations`` and the postings they cite, for the chart and compare pages."""
    charts = [chart(facts, o, limit=limit) for o in organisations]
    cited = {key for c in charts for p in c.posts for key in p.postings}
    for c in charts:
        for line in c.lines:
            cited.update(e.posting for e in line.evidence)
    charts_json = [chart_json(facts, c) for c in charts]
    for shown in charts_json:
        for details in shown["details"].values():
            for group in ("designations", "bodies"):
                for item in details[group]:
                    cited.update(e[1] for e in item["evidence"])
            for area in details["areas"]:
                cited.update(d[1][1] for d in area["duties"] if d[1])
    return {"charts": charts_json, "postings": postings_json(facts, cited), "lineLabels": LINE_LABELS}


def reporting_page(
    source: SparqlSource,
    organisation: str | None = None,
    *,
    base: str = DEFAULT_BASE,
    limit: int = DEFAULT_LIMIT,
    facts: Facts | None = None,
) -> Page:
    """The organisation-chart page: one organisation (``--org``), or every one with a picker."""
    facts = facts or load_facts(source, base=base)
    filters: dict[str, str] = {}
    if organisation:
        key = organisation_key(source, organisation, base=base)
        chosen = [key]
        filters["organisation"] = facts.organisation_name(key)
        if not facts.posts_of(key):
            note = (f"{filters['organisation']} has {plural(facts.organisations[key].postings, 'posting')} in the graph, "
                    "none of them for a leadership post, so there is no chart to draw.")
            chosen = []
        else:
            note = ""
    else:
        chosen = charted_organisations(facts)
        without = sum(1 for o in facts.organisations.values() if o.postings and o.key not in set(chosen))
        note = (f"{plural(without, 'organisation')} whose postings are none of them for a leadership post "
                f"{'has' if without == 1 else 'have'} no chart." if without else "")
    data = charts_data(facts, chosen, limit=limit)
    posts = sum(len(c["posts"]) for c in data["charts"])
    cut = [c for c in data["charts"] if c["leftOut"]]
    if cut:
        note = (note + " " if note else "") + (
            f"{plural(len(cut), 'chart')} {'has' if len(cut) == 1 else 'have'} more than {limit} posts: each shows its "
            f"{limit} highest posts and says how many it leaves out; raise --limit to see all.")
    postings = sum(c["leadership"] for c in data["charts"])
    data["start"] = chosen[0] if chosen else ""
    return Page(
        name="reporting",
        template="reporting.html",
        title=f"Organisation chart: {filters['organisation']}" if filters else "Organisation charts",
        description=(
            "Who reports to whom in each organisation, assembled from every leadership posting of the organisation and "
            "the posts those postings name as bosses, partners and deputies. Click a post for its duties, designations "
            "and the sentences each line was read from."
        ),
        data=data,
        note=note,
        filters=filters,
        question="Who does the Chief Medical Officer (or any post) report to in this organisation, and who reports to it?",
        summary=(f"{plural(len(data['charts']), 'organisation')}, {plural(posts, 'post')}, "
                 f"based on {plural(postings, 'leadership posting')}"),
    )
