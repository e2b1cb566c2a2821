"""The accountability network: posts, role types, organisations, bodies, designations and duty areas.

Built from two SPARQL results (``accountability-edges.rq``, ``post-duty-areas.rq``) plus labels,
then measured with networkx: centrality, reporting depth and spans, split lines, cycles, communities.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from itertools import combinations
from typing import Any

import networkx as nx
from rdflib.namespace import ORG

from ..namespaces import NHSKG, VOCAB_BASE
from ..sparql.sources import SparqlSource
from ._sparql import code_of, select

__all__ = [
    "EDGE_KINDS",
    "Centrality",
    "Span",
    "Hierarchy",
    "SplitLine",
    "NetworkReport",
    "accountability_graph",
    "network",
]

#: Predicate -> (edge kind, kind of the target node).
EDGE_KINDS: dict[str, tuple[str, str]] = {
    str(ORG.reportsTo): ("reports-to", "post"),
    str(NHSKG.professionallyAccountableTo): ("professionally-accountable-to", "post"),
    str(NHSKG.worksWith): ("works-with", "post"),
    str(NHSKG.leads): ("leads", "post"),
    str(NHSKG.holdsDesignation): ("holds", "designation"),
    str(NHSKG.engagesWith): ("engages-with", "body"),
    str(ORG.postIn): ("post-in", "organisation"),
    str(ORG.role): ("has-role", "role-type"),
}

#: Above this many nodes betweenness is estimated from a seeded sample of this many sources.
BETWEENNESS_SAMPLE = 400
#: ... or of fewer, so that the searches (one per source, each over every node and edge) visit
#: at most about this many nodes and edges in all: 400 searches of the network of ten times the
#: 2020 corpus (11,000 nodes and edges) took five seconds. The corpus itself is measured exactly.
BETWEENNESS_BUDGET = 1_500_000


@dataclass(frozen=True)
class Centrality:
    """Degree (normalised) and betweenness of a role type or body in the undirected network."""

    node: str
    kind: str
    code: str
    label: str
    degree: float
    betweenness: float


@dataclass(frozen=True)
class Span:
    """A post that others report to, with how many distinct posts report to it directly."""

    post: str
    label: str
    reports: int


@dataclass(frozen=True)
class Hierarchy:
    """The managerial reporting lines inside one organisation."""

    organisation: str
    label: str
    depth: int
    spans: tuple[Span, ...]

    @property
    def max_span(self) -> int:
        return max((s.reports for s in self.spans), default=0)


@dataclass(frozen=True)
class SplitLine:
    """A post whose managerial and professional lines lead to different posts."""

    post: str
    label: str
    organisation: str | None
    managerial: tuple[str, ...]
    professional: tuple[str, ...]


@dataclass(frozen=True)
class NetworkReport:
    """What :func:`network` measured; every tuple is sorted, so equal graphs give equal reports."""

    nodes: int
    edges: int
    centrality: tuple[Centrality, ...]
    hierarchies: tuple[Hierarchy, ...]
    split_lines: tuple[SplitLine, ...]
    cycles: tuple[tuple[str, ...], ...]
    communities: tuple[tuple[str, ...], ...]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for hierarchy, item in zip(self.hierarchies, data["hierarchies"]):
            item["max_span"] = hierarchy.max_span
        return data


def _kind_of_concept(iri: str) -> str | None:
    if not iri.startswith(VOCAB_BASE):
        return None
    scheme = iri.removeprefix(VOCAB_BASE).split("/", 1)[0]
    return {"role-type": "role-type", "body": "body", "designation": "designation", "duty-area": "duty-area"}.get(scheme)


def accountability_graph(source: SparqlSource) -> nx.MultiDiGraph:
    """The accountability network of the leadership postings in ``source``.

    Nodes are IRIs with ``kind``, ``label`` and ``organisation`` (the org IRI for posts, else
    ``None``); edges are keyed by their ``kind`` and carry ``evidence`` (the sentence the fact was
    read from, or ``None``) and ``weight`` (1, or the number of duties for ``claims-area``).

    >>> import pyoxigraph as ox
    >>> from nhskg.sparql.sources import OxigraphSource
    >>> store = ox.Store()
    >>> store.load(b'''@prefix org: <http://www.w3.org/ns/org#> .
    ... <http://x/a> a org:Post ; org:reportsTo <http://x/b> .
    ... <http://x/b> a org:Post .''', format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("http://g"))
    >>> graph = accountability_graph(OxigraphSource(store))
    >>> list(graph.edges(keys=True))
    [('http://x/a', 'http://x/b', 'reports-to')]
    """
    labels = {str(r["node"]): str(r["label"]) for r in select(source, "node-labels").records()}
    graph = nx.MultiDiGraph()

    def add_node(iri: str, kind: str) -> None:
        if iri not in graph:
            label = labels.get(iri) or (code_of(iri) if kind != "post" else iri.rsplit("/", 1)[-1])
            graph.add_node(iri, kind=kind, label=label, organisation=None)

    edges = select(source, "accountability-edges").records()
    edges.sort(key=lambda r: (str(r["source"]), str(r["predicate"]), str(r["target"])))
    for row in edges:
        kind, target_kind = EDGE_KINDS[str(row["predicate"])]
        subject, target = str(row["source"]), str(row["target"])
        add_node(subject, "post")
        add_node(target, target_kind)
        evidence = None if row["evidence"] is None else str(row["evidence"])
        graph.add_edge(subject, target, key=kind, kind=kind, evidence=evidence, weight=1)
        if kind == "post-in":
            graph.nodes[subject]["organisation"] = target
    areas = select(source, "post-duty-areas").records()
    areas.sort(key=lambda r: (str(r["post"]), str(r["area"])))
    for row in areas:
        post, area = str(row["post"]), str(row["area"])
        if post not in graph:  # a post outside the leadership postings
            continue
        add_node(area, _kind_of_concept(area) or "duty-area")
        weight = int(row["duties"].toPython())  # type: ignore[union-attr]
        graph.add_edge(post, area, key="claims-area", kind="claims-area", evidence=None, weight=weight)
    return graph


def _edges_of_kind(graph: nx.MultiDiGraph, kind: str) -> nx.DiGraph:
    sub = nx.DiGraph()
    sub.add_edges_from((u, v) for u, v, k in graph.edges(keys=True) if k == kind)
    return sub


def _centrality(graph: nx.MultiDiGraph, seed: int) -> tuple[Centrality, ...]:
    simple = nx.Graph(graph.to_undirected(as_view=True))
    if simple.number_of_nodes() == 0:
        return ()
    degree = nx.degree_centrality(simple)
    size = simple.number_of_nodes() + simple.number_of_edges()
    k = min(BETWEENNESS_SAMPLE, max(1, BETWEENNESS_BUDGET // size)) if simple.number_of_nodes() > BETWEENNESS_SAMPLE else None
    betweenness = nx.betweenness_centrality(simple, k=k, seed=seed)
    rows = [
        Centrality(
            node=n,
            kind=data["kind"],
            code=code_of(n),
            label=data["label"],
            degree=round(degree[n], 4),
            betweenness=round(betweenness[n], 4),
        )
        for n, data in graph.nodes(data=True)
        if data["kind"] in ("role-type", "body")
    ]
    return tuple(sorted(rows, key=lambda c: (-c.degree, -c.betweenness, c.node)))


def _hierarchies(graph: nx.MultiDiGraph, reports: nx.DiGraph) -> tuple[Hierarchy, ...]:
    by_org: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for u, v in reports.edges():
        org = graph.nodes[u]["organisation"] or graph.nodes[v]["organisation"]
        if org is not None:
            by_org[org].append((u, v))
    result = []
    for org, edges in sorted(by_org.items()):
        lines = nx.DiGraph(edges)
        depth = nx.dag_longest_path_length(nx.condensation(lines))
        spans = tuple(
            sorted(
                (Span(boss, graph.nodes[boss]["label"], lines.in_degree(boss)) for boss in lines if lines.in_degree(boss)),
                key=lambda s: (-s.reports, s.post),
            )
        )
        result.append(Hierarchy(org, graph.nodes[org]["label"] if org in graph else org, depth, spans))
    return tuple(result)


def _split_lines(graph: nx.MultiDiGraph) -> tuple[SplitLine, ...]:
    result = []
    for post, data in sorted(graph.nodes(data=True)):
        if data["kind"] != "post":
            continue
        managerial = sorted(v for _, v, k in graph.out_edges(post, keys=True) if k == "reports-to")
        professional = sorted(
            v for _, v, k in graph.out_edges(post, keys=True) if k == "professionally-accountable-to"
        )
        if managerial and professional and set(managerial) != set(professional):
            result.append(SplitLine(post, data["label"], data["organisation"], tuple(managerial), tuple(professional)))
    return tuple(result)


def _cycles(reports: nx.DiGraph) -> tuple[tuple[str, ...], ...]:
    """One cycle per strongly connected knot (self-loops included): bounded, unlike all simple cycles."""
    found = []
    for component in nx.strongly_connected_components(reports):
        start = min(component)
        if len(component) == 1 and not reports.has_edge(start, start):
            continue
        cycle = nx.find_cycle(reports.subgraph(component), source=start)
        found.append(tuple(u for u, _ in cycle))
    return tuple(sorted(found))


def _communities(graph: nx.MultiDiGraph, seed: int) -> tuple[tuple[str, ...], ...]:
    together = nx.Graph()
    for post, data in graph.nodes(data=True):
        if data["kind"] != "post":
            continue
        areas = sorted({code_of(v) for _, v, k in graph.out_edges(post, keys=True) if k == "claims-area"})
        together.add_nodes_from(areas)
        for a, b in combinations(areas, 2):
            weight = together.get_edge_data(a, b, {"weight": 0})["weight"]
            together.add_edge(a, b, weight=weight + 1)
    if together.number_of_nodes() == 0:
        return ()
    groups = nx.community.louvain_communities(together, weight="weight", seed=seed)
    return tuple(sorted((tuple(sorted(g)) for g in groups), key=lambda g: (-len(g), g)))


def network(source: SparqlSource, *, seed: int = 0) -> NetworkReport:
    """Measure the accountability network.

    Parameters
    ----------
    source : SparqlSource
        Where the graph is.
    seed : int
        Seeds Louvain community detection and, on large graphs, the betweenness sample.

    Returns
    -------
    NetworkReport
        ``centrality`` of role types and bodies (undirected, normalised degree and betweenness);
        ``hierarchies``: per organisation the longest managerial chain (edges) and each manager's
        span; ``split_lines``: posts whose ``reports-to`` and ``professionally-accountable-to``
        targets differ; ``cycles`` in ``reports-to`` (data errors); ``communities`` of duty areas
        often claimed by the same post (Louvain on co-occurrence counts).

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> from nhskg.sparql.sources import OxigraphSource
    >>> store = ox.Store()
    >>> store.load(b'''@prefix org: <http://www.w3.org/ns/org#> .
    ... <http://x/a> a org:Post ; org:reportsTo <http://x/b> .
    ... <http://x/b> a org:Post ; org:reportsTo <http://x/a> .''', format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("http://g"))
    >>> network(OxigraphSource(store)).cycles
    (('http://x/a', 'http://x/b'),)
    """
    graph = accountability_graph(source)
    reports = _edges_of_kind(graph, "reports-to")
    return NetworkReport(
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        centrality=_centrality(graph, seed),
        hierarchies=_hierarchies(graph, reports),
        split_lines=_split_lines(graph),
        cycles=_cycles(reports),
        communities=_communities(graph, seed),
    )
