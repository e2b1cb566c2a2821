"""Any library query drawn as a graph: a CONSTRUCT, or a SELECT with node and edge columns.

A SELECT qualifies when it returns ``source`` and ``target`` columns (optionally ``source_label``,
``target_label``, ``source_kind``, ``target_kind``, the edge kind in ``edge``, ``edge_label`` or
``relation``, a weight in ``weight``, ``postings`` or ``count``, ``evidence``, ``organisation``), or
``subject``, ``predicate`` and ``object`` columns. Literal objects of a
CONSTRUCT become details of their subject (a label becomes its label) rather than nodes.
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Mapping

from rdflib.namespace import RDFS, SKOS
from rdflib.term import Literal, Node

from ..errors import QueryError
from ..namespaces import DEFAULT_BASE, VOCAB_BASE
from ..queries.binding import bind
from ..queries.library import load_query
from ..queries.running import run_query
from ..sparql.sources import SparqlSource, Table, Triple
from .common import table as view_table
from .model import DEFAULT_LIMIT, EdgeStyle, NodeStyle, ViewEdge, ViewModel, ViewNode, build_model, limit_model, short_id
from .common import with_coverage
from .layout import positions_if_large

__all__ = ["query_view", "model_from_table", "model_from_triples"]

PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac")
SHAPES = ("dot", "box", "diamond", "triangle", "star", "hexagon")
LABELS = {str(RDFS.label), str(SKOS.prefLabel)}
#: Columns naming the kind of an edge, and columns giving its weight (width and label), first found wins.
EDGE_COLUMNS = ("edge", "edge_label", "relation", "predicate")
WEIGHT_COLUMNS = ("weight", "postings", "count")


def kind_of(iri: str, base: str = DEFAULT_BASE) -> str:
    """A node kind read from its IRI: the data path's first segment or the vocabulary scheme.

    >>> kind_of("https://w3id.org/nhskg/data/post/x"), kind_of("https://w3id.org/nhskg/vocab/body/gmc")
    ('post', 'body')
    """
    for prefix in (base, VOCAB_BASE):
        if iri.startswith(prefix) and "/" in iri[len(prefix):]:
            return iri[len(prefix):].split("/", 1)[0]
    return "resource"


def local_name(iri: str) -> str:
    return iri.rstrip("/#").replace("#", "/").rsplit("/", 1)[-1]


#: How a page names the kinds read from IRIs (the data path's first segment, or a scheme).
KIND_WORDS = {"org": "organisation", "resource": "other resource", "literal": "value"}


def words(name: str) -> str:
    """A property, kind or code as words: ``reportsTo`` -> ``reports to``, ``role-type`` -> ``role type``.

    >>> words("professionallyAccountableTo"), words("role-type"), words("org")
    ('professionally accountable to', 'role type', 'organisation')
    """
    if name in KIND_WORDS:
        return KIND_WORDS[name]
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name).replace("-", " ").replace("_", " ")
    return spaced.lower().strip() or "item"


def _styles(node_kinds: set[str], edge_kinds: set[str], edge_labels: Mapping[str, str] | None = None) -> tuple[list[NodeStyle], list[EdgeStyle]]:
    edge_labels = edge_labels or {}
    nodes = [NodeStyle(k, words(k), PALETTE[i % len(PALETTE)], SHAPES[i % len(SHAPES)]) for i, k in enumerate(sorted(node_kinds))]
    edges = [EdgeStyle(k, edge_labels.get(k) or words(k), PALETTE[(i + 3) % len(PALETTE)], bool(i % 2)) for i, k in enumerate(sorted(edge_kinds))]
    return nodes, edges


def labels(source: SparqlSource) -> dict[str, str]:
    """Every labelled resource's label (a few hundred milliseconds on the 2020 corpus)."""
    return {str(r["term"]): str(r["label"]) for r in view_table(source, "labels").records() if r["label"] is not None}


def _name(iri: str, known: Mapping[str, str]) -> str:
    """A node's words: its label, else its last IRI segment as words (a code becomes a phrase)."""
    return known.get(iri) or words(local_name(iri))


def query_view(
    source: SparqlSource,
    name: str,
    params: Mapping[str, str] | None = None,
    *,
    base: str = DEFAULT_BASE,
    limit: int = DEFAULT_LIMIT,
) -> ViewModel:
    """Run library query ``name`` with ``params`` and draw its result."""
    query = load_query(name)
    result = run_query(source, query, dict(params or {}))
    title = query.title
    counts = view_table(source, "coverage").python()[0]
    description = (f"{query.question} Drawn from the graph of {counts['postings'] or 0} postings, "
                   f"{counts['modelled'] or 0} of them leadership postings modelled in full.")
    known = labels(source)
    filters = {key: known.get(value) or known.get(_concept_iri(query, key, value)) or value for key, value in (params or {}).items()}
    if isinstance(result, Table):
        model = model_from_table(result, name=name, title=title, description=description, base=base, filters=filters, known=known)
    elif isinstance(result, list):
        model = model_from_triples(result, name=name, title=title, description=description, base=base, filters=filters, known=known)
    else:
        raise QueryError(f"query '{name}' is an ASK query; only SELECT with node and edge columns or CONSTRUCT can be drawn")
    drawn = positions_if_large(limit_model(model, limit, filter_hint="Narrow the query with --param NAME=VALUE."))
    roles = tuple(str(value).rsplit("/", 1)[-1] for p, value in bind(query, dict(params or {})).items()
                  if query.parameter(p).scheme == "role-type")
    return with_coverage(drawn, source, roles)


def _concept_iri(query: object, key: str, value: str) -> str:
    """The IRI of a ``code:<scheme>`` parameter's concept, so that the page names it by its label."""
    try:
        scheme = query.parameter(key).scheme  # type: ignore[attr-defined]
    except Exception:  # an unknown parameter is reported by run_query itself
        return value
    return f"{VOCAB_BASE}{scheme}/{value}" if scheme else value


def _cell(row: dict[str, Node | None], name: str) -> str:
    value = row.get(name)
    return "" if value is None else str(value)


def model_from_table(
    table: Table, *, name: str, title: str, description: str, base: str = DEFAULT_BASE, filters: Mapping[str, str] | None = None,
    known: Mapping[str, str] | None = None,
) -> ViewModel:
    """Nodes and edges from a SELECT's ``source``/``target`` or ``subject``/``predicate``/``object`` columns."""
    columns = set(table.columns)
    if {"source", "target"} <= columns:
        s_col, t_col = "source", "target"
        e_col = next((c for c in EDGE_COLUMNS if c in columns), "")
    elif {"subject", "predicate", "object"} <= columns:
        s_col, t_col, e_col = "subject", "object", "predicate"
    else:
        raise QueryError(
            f"query '{name}' returns columns ({', '.join(table.columns)}); to draw it as a graph it needs "
            "'source' and 'target' columns (or 'subject', 'predicate', 'object'), or be a CONSTRUCT"
        )
    nodes: dict[str, ViewNode] = {}
    edges: list[ViewEdge] = []
    edge_labels: dict[str, str] = {}
    for row in table.records():
        ends = []
        for col in (s_col, t_col):
            value = _cell(row, col)
            if not value:
                break
            node_id = short_id(value, base)
            kind = _cell(row, f"{col}_kind") or ("literal" if isinstance(row[col], Literal) else kind_of(value, base))
            label = value if isinstance(row[col], Literal) else _cell(row, f"{col}_label") or _name(value, known or {})
            nodes.setdefault(
                node_id,
                ViewNode(node_id, label, kind, organisation=_cell(row, "organisation") if not _cell(row, "organisation").startswith(("http:", "https:")) else (known or {}).get(_cell(row, "organisation"), ""),
                         group=kind, group_label=words(kind)),
            )
            ends.append(node_id)
        if len(ends) < 2:
            continue
        edge_value = _cell(row, e_col) if e_col else ""
        edge_kind = local_name(edge_value) if edge_value else "line"
        if edge_value.startswith(("http:", "https:")) and (known or {}).get(edge_value):
            edge_labels[edge_kind] = (known or {})[edge_value]
        sentences = tuple(s for s in [_cell(row, "evidence") or _cell(row, "sentence")] if s)
        weight = next((cell for c in WEIGHT_COLUMNS if isinstance(cell := row.get(c), Literal)), None)
        number = weight.toPython() if weight is not None else None
        if isinstance(number, (int, float)) and not isinstance(number, bool):
            edges.append(ViewEdge(ends[0], ends[1], edge_kind, label=str(number), evidence=sentences,
                                  width=round(1 + min(10.0, float(number) ** 0.5), 1)))
        else:
            edges.append(ViewEdge(ends[0], ends[1], edge_kind, evidence=sentences))
    node_styles, edge_styles = _styles({n.kind for n in nodes.values()}, {e.kind for e in edges}, edge_labels)
    return build_model(name=f"query-{name}", title=title, description=description, nodes=nodes.values(), edges=edges,
                       node_styles=node_styles, edge_styles=edge_styles, filters=filters)


def model_from_triples(
    triples: list[Triple], *, name: str, title: str, description: str, base: str = DEFAULT_BASE, filters: Mapping[str, str] | None = None,
    known: Mapping[str, str] | None = None,
) -> ViewModel:
    """A CONSTRUCT's triples: resources are nodes, literals are details of their subject."""
    labels: dict[str, str] = {}
    details: dict[str, list[tuple[str, str]]] = defaultdict(list)
    links: list[tuple[str, str, str]] = []
    for s, p, o in triples:
        subject = str(s)
        if isinstance(o, Literal):
            if str(p) in LABELS:
                labels.setdefault(subject, str(o))
            else:
                details[subject].append(((known or {}).get(str(p)) or words(local_name(str(p))), str(o)))
        else:
            links.append((subject, str(p), str(o)))
    resources = {s for s, _, _ in links} | {o for _, _, o in links} | set(details) | set(labels)
    nodes = [
        ViewNode(
            short_id(iri, base),
            labels.get(iri) or _name(iri, known or {}),
            kind_of(iri, base),
            details=tuple(sorted(details.get(iri, [])))[:12],
            group=kind_of(iri, base),
            group_label=words(kind_of(iri, base)),
        )
        for iri in sorted(resources)
    ]
    edges = [ViewEdge(short_id(s, base), short_id(o, base), local_name(p)) for s, p, o in links]
    edge_labels = {local_name(p): (known or {}).get(p) or words(local_name(p)) for _, p, _ in links}
    node_styles, edge_styles = _styles({n.kind for n in nodes}, {e.kind for e in edges}, edge_labels)
    return build_model(name=f"query-{name}", title=title, description=description, nodes=nodes, edges=edges,
                       node_styles=node_styles, edge_styles=edge_styles, filters=filters)
