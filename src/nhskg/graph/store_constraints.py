"""The shapes' SPARQL constraints that run a library query, answered by Oxigraph over the store.

A constraint such as ``shape:DesignationClaimedTwice`` names a ``queries/*.rq`` file
(``shape:libraryQuery``). pySHACL runs it once per focus node, through rdflib's SPARQL engine,
after parsing it with pyparsing: on the 2020 corpus's leadership postings that was a third of
the validation, in every part of a parallel one. The same query runs once here, on the store the
build has just written, over the same graphs pySHACL would see; each row whose focus node is a
target of the shape is one result, with the message pySHACL would give (``{?var}`` and
``{$var}`` replaced by the row's values, ``$this`` and ``?value`` by the focus and the value).

Only what this module can answer exactly is taken from pySHACL: a node shape (not a property
shape) whose only targets are ``sh:targetNode``, ``sh:targetSubjectsOf`` or ``sh:targetObjectsOf``
(a class target would need the subclass closure), a constraint with no ``sh:prefixes`` or
``sh:deactivated``. Any other constraint stays in the shapes pySHACL runs, so an edited shapes
file is never checked less.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Collection, Iterable

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDFS, SH, SKOS

from ..paths import queries_dir

__all__ = ["StoreConstraint", "split_store_constraints", "run_store_constraints"]

_SHAPE = rdflib.Namespace("https://w3id.org/nhskg/shapes#")
_TARGETS = {SH.targetNode: "node", SH.targetSubjectsOf: "subjects", SH.targetObjectsOf: "objects"}
_SEVERITIES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class StoreConstraint:
    """One SPARQL constraint of a node shape, as a library query and what its rows mean."""

    shape: str
    severity: str
    messages: tuple[str, ...]
    query: str
    focus: str  # the query's variable that is the focus node ($this), without "?"
    value: str  # the query's variable that is the result's value (?value)
    targets: tuple[tuple[str, str], ...]  # (kind, IRI): kind is node, subjects or objects


def split_store_constraints(shapes: rdflib.Graph) -> tuple[rdflib.Graph, tuple[StoreConstraint, ...]]:
    """The shapes with the constraints Oxigraph answers taken out (for pySHACL), and those constraints.

    ``shapes`` is :func:`nhskg.graph.validate.shapes_graph`'s graph: each library constraint
    already carries its query as ``sh:select``.
    """
    rest = rdflib.Graph()
    for triple in shapes:
        rest.add(triple)
    for prefix, namespace in shapes.namespaces():
        rest.bind(prefix, namespace, override=True)
    found: list[StoreConstraint] = []
    for shape, constraint in sorted(shapes.subject_objects(SH.sparql)):
        taken = _store_constraint(shapes, shape, constraint)
        if taken is not None:
            found.append(taken)
            rest.remove((shape, SH.sparql, constraint))
            rest.remove((constraint, None, None))
    return rest, tuple(found)


def _store_constraint(shapes: rdflib.Graph, shape: Any, constraint: Any) -> StoreConstraint | None:
    name = shapes.value(constraint, _SHAPE.libraryQuery)
    focus, value = shapes.value(constraint, _SHAPE.focusVariable), shapes.value(constraint, _SHAPE.valueVariable)
    if name is None or focus is None or shapes.value(constraint, SH.select) is None:
        return None
    if (shapes.value(shape, SH.path) is not None or shapes.value(constraint, SH.prefixes) is not None
            or str(shapes.value(constraint, SH.deactivated) or "").lower() == "true"
            or str(shapes.value(shape, SH.deactivated) or "").lower() == "true"):
        return None
    targets = tuple(sorted((kind, str(target)) for predicate, kind in _TARGETS.items() for target in shapes.objects(shape, predicate)))
    if not targets or any((shape, p, None) in shapes for p in (SH.target, SH.targetClass)):
        return None
    texts = [str(m) for m in shapes.objects(shape, SH.message)]
    texts += [str(m) for m in shapes.objects(constraint, SH.message) if str(m) not in texts]
    severity = _SEVERITIES.get(shapes.value(shape, SH.severity), "Violation")  # type: ignore[arg-type]
    # The query file as written (the shapes graph's sh:select names its variables as SHACL's):
    # its rows read as the query library's do.
    query = (queries_dir() / f"{name}.rq").read_text(encoding="utf-8")
    return StoreConstraint(str(shape), severity, tuple(texts), query, str(focus), str(value or ""), targets)


def run_store_constraints(store: ox.Store, constraints: Iterable[StoreConstraint],
                          graphs: Collection[ox.NamedNode] | None) -> list[tuple[StoreConstraint, str, str, str, str]]:
    """Each constraint's results for the focus nodes that ``graphs`` of ``store`` make targets
    (None: every graph): tuples of the constraint, the focus node, the value, the message and the
    focus node's label.

    The query reads the whole store, not only ``graphs``: Oxigraph answered the designation
    conflicts over the union of all graphs in a millisecond and over the 125 leadership graphs
    of the 2020 corpus, listed as the default graph, in a quarter of a second. The rows are the
    same where it matters: a validation's graphs are every posting modelled in full, or those a
    build changed with the others of their organisations, and only a posting modelled in full
    claims a designation."""
    out = []
    within = set(graphs) if graphs is not None else None
    for constraint in constraints:
        own = {constraint.focus, constraint.value}
        rows = store.query(constraint.query, use_default_graph_as_union=True)
        for row in rows:  # type: ignore[union-attr]
            focus = row[constraint.focus]
            if focus is None or not _is_target(store, within, constraint.targets, focus):
                continue
            # As pySHACL: a node shape's result with no ?value names the focus node as its value,
            # and the query's focus and value variables are $this and ?value to it, never their own names.
            value = (row[constraint.value] if constraint.value else None) or focus
            bound = {str(v)[1:]: row[v] for v in rows.variables  # type: ignore[union-attr]
                     if row[v] is not None and str(v)[1:] not in own}
            bound.update({"this": focus, "value": value})
            texts = sorted(_message(text, bound) for text in constraint.messages)
            out.append((constraint, focus.value, value.value, texts[0] if texts else "constraint not met", _label(store, focus)))
    return out


def _message(text: str, bound: dict[str, Any]) -> str:
    for name, term in bound.items():
        text = text.replace(f"{{?{name}}}", term.value).replace(f"{{${name}}}", term.value)
    return text


def _is_target(store: ox.Store, graphs: set[ox.NamedNode] | None, targets: tuple[tuple[str, str], ...], focus: Any) -> bool:
    def stated(s: Any, p: Any, o: Any) -> bool:
        return any(graphs is None or q.graph_name in graphs for q in store.quads_for_pattern(s, p, o, None))

    for kind, iri in targets:
        node = ox.NamedNode(iri)
        if (kind == "node" and focus == node) or (kind == "subjects" and stated(focus, node, None)) or (
                kind == "objects" and stated(None, node, focus)):
            return True
    return False


def _label(store: ox.Store, node: Any) -> str:
    for predicate in (RDFS.label, SKOS.prefLabel):
        for quad in store.quads_for_pattern(node, ox.NamedNode(str(predicate)), None, None):
            if isinstance(quad.object, ox.Literal):
                return quad.object.value
    return str(node.value).rsplit("/", 1)[-1]
