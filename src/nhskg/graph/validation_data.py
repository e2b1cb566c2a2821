"""What a validation reads from the store: the graphs to check, copied into rdflib for pySHACL.

pySHACL checks an rdflib graph; the store is Oxigraph's. Which graphs a validation reads (the
postings modelled in full, or those a build changed with the others of their organisations),
what it reads of the ontology and organisations graphs beside them, and how a parallel
validation splits them into parts, one organisation's postings to a part, live here, so that
:mod:`.validate` is about the checks.
"""

from __future__ import annotations

from typing import Any, Collection, Iterable

import pyoxigraph as ox
import rdflib

from ..namespaces import ONTOLOGY_GRAPH
from ..sparql.sources import to_rdflib
from .rdfgraph import organisations_graph_iri, posting_graphs_prefix


def as_rdflib(triples: Iterable[Any]) -> rdflib.Graph:
    """Oxigraph triples or quads as one rdflib graph; each term converted once (most repeat)."""
    graph = rdflib.Graph()
    add = graph.add
    cache: dict[Any, Any] = {}

    def term(t: Any) -> Any:
        converted = cache.get(t)
        if converted is None:
            converted = cache[t] = to_rdflib(t)
        return converted

    for triple in triples:
        add((term(triple.subject), term(triple.predicate), term(triple.object)))
    return graph


def from_oxigraph(store: ox.Store, predicates: frozenset[str] | None = None) -> rdflib.Graph:
    """Every graph of the store as one rdflib graph, the ontology graph's triples only with ``predicates``."""
    if predicates is None:
        return as_rdflib(store.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", use_default_graph_as_union=True))  # type: ignore[arg-type]
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    return as_rdflib(q for q in store.quads_for_pattern(None, None, None, None)
                      if q.graph_name != ontology or q.predicate.value in predicates)


_LEADERSHIP_GRAPHS = """
SELECT DISTINCT ?g WHERE {
  GRAPH ?g { ?posting <https://w3id.org/nhskg/def#leadershipPosting> true }
}
"""


def leadership_graphs(store: ox.Store, changed: Collection[str] | None = None) -> list[ox.NamedNode]:
    """The graphs of the postings modelled in full; with ``changed`` (graph IRIs), only those
    among them, and every other one in the organisations they name, since a constraint may
    span postings (a designation claimed twice in one organisation)."""
    graphs = [solution["g"] for solution in store.query(_LEADERSHIP_GRAPHS)]  # type: ignore[index,union-attr]
    return graphs if changed is None else _with_neighbours(store, graphs, changed)


def leadership_from_oxigraph(store: ox.Store, changed: Collection[str] | None = None) -> rdflib.Graph:
    """The ontology graph, the graphs of postings modelled in full (see :func:`leadership_graphs`),
    and what the organisations graph says of the organisations and role posts those postings
    name, as one rdflib graph; an empty graph when ``changed`` holds no leadership posting."""
    graphs = leadership_graphs(store, changed)
    if changed is not None and not graphs:
        return rdflib.Graph()
    return as_rdflib(quads_of(store, graphs))


def bases_of(graphs: list[ox.NamedNode]) -> set[str]:
    """The data bases of posting graphs (a posting graph is B/graph/posting/{slug})."""
    marker = posting_graphs_prefix("")
    return {g.value[: g.value.index(marker)] for g in graphs if marker in g.value}


def quads_of(store: ox.Store, graphs: list[ox.NamedNode], bases: set[str] | None = None,
              predicates: frozenset[str] | None = None) -> list[ox.Quad]:
    """The ontology graph (its triples with ``predicates``; None: all), ``graphs``, and what the
    organisations graph of each base says of the organisations (B/org/...) and role posts they name."""
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    if predicates is None:
        quads = list(store.quads_for_pattern(None, None, None, ontology))
    else:  # one look-up a predicate: most of the ontology graph is never read into Python
        quads = [quad for p in sorted(predicates) for quad in store.quads_for_pattern(None, ox.NamedNode(p), None, ontology)]
    quads += [quad for name in graphs for quad in store.quads_for_pattern(None, None, None, name)]
    # A posting graph is B/graph/posting/{slug}; its organisation is B/org/..., stated in B/graph/organisations,
    # as are the reviewers of its statements (B/agent/...).
    for base in bases_of(graphs) if bases is None else bases:
        shared = ox.NamedNode(organisations_graph_iri(base))
        named = {q.object for q in quads
                 if isinstance(q.object, ox.NamedNode) and q.object.value.startswith((f"{base}org/", f"{base}agent/"))}
        quads += [quad for node in named for quad in store.quads_for_pattern(node, None, None, shared)]
    return quads


_POST_IN = ox.NamedNode("http://www.w3.org/ns/org#postIn")


def _with_neighbours(store: ox.Store, leadership: list[Any], changed: Collection[str]) -> list[Any]:
    """The leadership graphs among ``changed``, and those of the other leadership postings whose
    posts are in the same organisations."""
    mine = [g for g in leadership if g.value in changed]
    organisations = {q.object for g in mine for q in store.quads_for_pattern(None, _POST_IN, None, g)}
    others = {q.graph_name for org in organisations for q in store.quads_for_pattern(None, _POST_IN, org, None)}
    return [g for g in leadership if g.value in changed or g in others]


def parts(store: ox.Store, graphs: list[ox.NamedNode], count: int) -> list[list[str]]:
    """``graphs`` in ``count`` parts of about equal size, each organisation's postings in one
    part, so that a constraint spanning the postings of an organisation sees them all."""
    by_organisation: dict[Any, list[str]] = {}
    for graph in graphs:
        organisation = next((q.object for q in store.quads_for_pattern(None, _POST_IN, None, graph)), graph)
        by_organisation.setdefault(organisation, []).append(graph.value)
    shares: list[list[str]] = [[] for _ in range(count)]
    for group in sorted(by_organisation.values(), key=lambda g: (-len(g), g)):
        min(shares, key=len).extend(group)
    return [share for share in shares if share]
