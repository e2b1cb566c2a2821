"""Stage 3 check: the built graph against the SHACL shapes in ``ontology/shapes.ttl``.

pySHACL needs an rdflib graph, so the store's graphs (with what the shapes can reach of the
ontology and vocabulary graph, such as every concept's ``skos:inScheme``) are copied into one.
No inference is run: every target in the shapes is typed directly by :mod:`nhskg.graph.rdfgraph`,
and RDFS inference would multiply the time for nothing. The SPARQL constraints that run a
library query are the store's to answer (:mod:`.store_constraints`).

Why leadership postings only by default: copying the store's triples into rdflib and checking
them with pySHACL takes about 35 microseconds a triple, so the 14,842 postings of the 2020
corpus (230,000 triples) take 8 s, longer than the build itself. The few hundred leadership
postings carry every statement, duty, requirement and designation (so
every shape that can fail in interesting ways, and the designation warning); the minimal
postings are written by the same few lines of :mod:`nhskg.graph.rdfgraph` from a template.
``scope="all"`` (``nhskg validate --all``) checks everything.
"""

from __future__ import annotations

import concurrent.futures
import os
import re
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SH, SKOS

from ..errors import QueryError, ValidationFailed
from ..namespaces import ONTOLOGY_GRAPH
from ..paths import ontology_dir, queries_dir
from .rdfgraph import organisations_graph_iri
from .validation_data import as_rdflib, bases_of, from_oxigraph, leadership_from_oxigraph, leadership_graphs, parts, quads_of
from .store_constraints import StoreConstraint, run_store_constraints, split_store_constraints
from ..sparql.prologue import blank
from ..sparql.sources import OxigraphSource, RdflibSource

__all__ = ["ValidationResult", "ValidationReport", "validate", "data_graph", "shapes_graph", "constraint_text"]


@dataclass(frozen=True)
class ValidationResult:
    """One SHACL result, with the labels a person needs to find the problem."""

    severity: str  # "Violation", "Warning" or "Info"
    focus: str
    focus_label: str
    path: str | None
    value: str | None
    message: str
    shape: str | None

    def __str__(self) -> str:
        path = f" {self.path}" if self.path else ""
        return f"{self.severity}: {self.focus_label} <{self.focus}>{path}: {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """What ``validate`` found; ``conforms`` is false only when there is a violation."""

    results: tuple[ValidationResult, ...]
    triples: int
    seconds: float
    scope: str = "all"

    @property
    def violations(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Violation")

    @property
    def warnings(self) -> tuple[ValidationResult, ...]:
        return tuple(r for r in self.results if r.severity == "Warning")

    @property
    def conforms(self) -> bool:
        return not self.violations

    def summary(self) -> str:
        verdict = "conforms" if self.conforms else "does NOT conform"
        return (
            f"graph {verdict}: {len(self.violations)} violation(s), {len(self.warnings)} warning(s) "
            f"over {self.triples} triples ({self.scope} postings) in {self.seconds:.1f} s"
        )

    def raise_for_violations(self) -> None:
        if not self.conforms:
            first = "\n".join(str(r) for r in self.violations[:10])
            raise ValidationFailed(f"{self.summary()}\n{first}\nrun `nhskg validate` for the full list")


_SHAPE = rdflib.Namespace("https://w3id.org/nhskg/shapes#")


def shapes_graph(path: Path | None = None) -> rdflib.Graph:
    """The shapes, each SPARQL constraint that names a library query given that query as its sh:select.

    A rule the query library also answers (a designation conflict) is written once, as a
    ``queries/*.rq`` file; the shape names it (``shape:libraryQuery``) rather than repeating it.
    """
    path = path or ontology_dir() / "shapes.ttl"
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")
    for constraint, name in list(graph.subject_objects(_SHAPE.libraryQuery)):
        renames = {str(graph.value(constraint, _SHAPE.focusVariable) or ""): "$this",
                   str(graph.value(constraint, _SHAPE.valueVariable) or ""): "?value"}
        try:
            text = constraint_text(str(name), renames)
        except QueryError as error:
            raise QueryError(f"{path}: a SPARQL constraint runs library query '{name}' (shape:libraryQuery): {error}") from None
        graph.set((constraint, SH.select, rdflib.Literal(text)))
    return graph


#: What of the ontology graph the shapes can reach besides the IRIs they name: a node's types and
#: their superclasses (``sh:class``) and its labels (a result's focus label).
_ALWAYS_SEEN = frozenset(str(p) for p in (RDF.type, RDFS.subClassOf, RDFS.label, SKOS.prefLabel))


@dataclass(frozen=True)
class _Checks:
    """The shapes as one validation runs them: what pySHACL checks, the SPARQL constraints the
    store answers (see :mod:`.store_constraints`), and which predicates of the ontology graph
    pySHACL's shapes can reach (None: all of them)."""

    pyshacl: rdflib.Graph
    on_store: tuple[StoreConstraint, ...]
    ontology_predicates: frozenset[str] | None


def _checks(shapes: Path | None, on_store: bool) -> _Checks:
    """Why the ontology graph is cut down: it is mostly the vocabularies' synonyms, definitions and
    text patterns (6,700 triples, 2,800 of them alternative labels), which no shape reads, and
    copying it into rdflib was a fifth of each validation part's time. A shape reads only the
    predicates it names (its paths), types and superclasses and labels; a SPARQL constraint left
    to pySHACL may read anything, and then nothing is cut."""
    graph = shapes_graph(shapes)
    constraints: tuple[StoreConstraint, ...] = ()
    if on_store:
        graph, constraints = split_store_constraints(graph)
    if (None, SH.select, None) in graph or (None, SH.ask, None) in graph:
        return _Checks(graph, constraints, None)
    named = {str(term) for triple in graph for term in triple if isinstance(term, rdflib.URIRef)}
    return _Checks(graph, constraints, _ALWAYS_SEEN | frozenset(named))


def constraint_text(name: str, renames: dict[str, str]) -> str:
    """The text of library query ``name`` as a SHACL constraint's SELECT: each variable named in
    ``renames`` (without its ``?``) written as SHACL's (``$this``, ``?value``).

    Only variables are renamed, never a word in a comment, string or IRI:

    >>> text = constraint_text("designation-conflicts", {"post": "$this", "designation": "?value"})
    >>> ("$this nhskg:holdsDesignation ?value" in text, "SELECT DISTINCT $this ?post_label" in text)
    (True, True)
    >>> "with ?post as the focus node" in text  # a comment, left as written
    True
    """
    query_file = queries_dir() / f"{name}.rq"
    if not query_file.is_file():
        raise QueryError(f"no library query '{name}' ({query_file} is missing)")
    text = query_file.read_text(encoding="utf-8")
    names = "|".join(re.escape(n) for n in renames if n)
    if not names:
        return text
    found = re.finditer(rf"[?$]({names})(?![\w])", blank(text))
    out, last = [], 0
    for match in found:
        out += [text[last:match.start()], renames[match.group(1)]]
        last = match.end()
    return "".join(out) + text[last:]


def _validate_part(task: tuple[str, list[str], Path | None]) -> tuple[list["ValidationResult"], int, int]:
    """In a worker process: one part's pySHACL results (the store constraints are run once, by
    the caller), its data triples, and how many of them every part has (the ontology, and what
    it names of the organisations)."""
    generation, names, shapes = task
    store = ox.Store.read_only(generation)
    graphs = [ox.NamedNode(g) for g in names]
    checks = _checks(shapes, on_store=True)
    data = as_rdflib(quads_of(store, graphs, predicates=checks.ontology_predicates))
    common = {(q.subject, q.predicate, q.object) for q in quads_of(store, [], bases_of(graphs), checks.ontology_predicates)}
    return _shacl(data, checks.pyshacl), len(data), len(common)


def _store_results(store: ox.Store, checks: _Checks, graphs: list[ox.NamedNode] | None) -> list["ValidationResult"]:
    """The store constraints' results for the focus nodes of ``graphs`` (with the ontology and
    organisations graphs) or, with None, of every graph."""
    if graphs is not None:
        graphs = [ox.NamedNode(ONTOLOGY_GRAPH), *(ox.NamedNode(organisations_graph_iri(b)) for b in sorted(bases_of(graphs))), *graphs]
    return [ValidationResult(c.severity, focus, label, None, value, message, c.shape)
            for c, focus, value, message, label in run_store_constraints(store, checks.on_store, graphs)]


def data_graph(source: Any, scope: str = "all", graphs: Collection[str] | None = None) -> rdflib.Graph:
    """The graph to validate: of ``source`` (a GraphStore, pyoxigraph Store, SPARQL source or
    rdflib graph), everything (``scope="all"``) or, for a store, the ontology and the
    leadership postings' graphs (``scope="leadership"``), or only those among ``graphs`` (named
    graph IRIs: what a build changed) with the postings their constraints reach."""
    from .store import GraphStore  # store imports nothing from here; keep the import one-way at load time

    if scope not in ("all", "leadership"):
        raise ValueError(f"scope must be 'all' or 'leadership', not {scope!r}")
    store = source.store if isinstance(source, (GraphStore, OxigraphSource)) else source
    if graphs is not None and (scope != "leadership" or not isinstance(store, ox.Store)):
        raise ValueError("graphs= selects postings of a store's leadership scope")
    if isinstance(store, ox.Store):
        return from_oxigraph(store) if scope == "all" else leadership_from_oxigraph(store, graphs)
    if isinstance(source, RdflibSource):
        source = source.dataset
    if isinstance(source, rdflib.Dataset):
        graph = rdflib.Graph()
        for s, p, o, _ in source.quads((None, None, None, None)):
            graph.add((s, p, o))
        return graph
    if isinstance(source, rdflib.Graph):
        return source
    if hasattr(source, "construct"):
        graph = rdflib.Graph()
        for triple in source.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"):
            graph.add(triple)
        return graph
    raise TypeError(f"cannot validate a {type(source).__name__}")


def _label(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    for predicate in (RDFS.label, SKOS.prefLabel):
        value = graph.value(node, predicate)
        if value is not None:
            return str(value)
    return str(node).rsplit("/", 1)[-1]


def _path(node: rdflib.term.Node | None) -> str | None:
    if node is None:
        return None
    text = str(node)
    for prefix, namespace in (
        ("nhskg:", "https://w3id.org/nhskg/def#"),
        ("org:", "http://www.w3.org/ns/org#"),
        ("schema:", "https://schema.org/"),
        ("prov:", "http://www.w3.org/ns/prov#"),
        ("rdf:", str(RDF)),
        ("skos:", str(SKOS)),
    ):
        if text.startswith(namespace):
            return prefix + text[len(namespace):]
    return text


class _PreparingGraph(rdflib.Graph):
    """An rdflib graph over the same triples that parses each SPARQL text once.

    pySHACL runs a SPARQL-based constraint (``shape:DesignationClaimedTwice``) once per focus
    node, passing the same query text each time, and rdflib parses it anew on every call: on
    the 2020 corpus that parsing (pyparsing) was 70% of the validation time. A parsed and
    translated query is reusable with any ``initBindings`` (rdflib's ``prepareQuery``), so the
    same text gives the same answers. pySHACL validates this graph in place (no inference, no
    ontology graph, not advanced), so its queries come here; the cache lives as long as the
    graph, that is one validation. This replaced patching rdflib's ``SPARQLProcessor.query``
    for the whole process while pySHACL ran.
    """

    def __init__(self, data: rdflib.Graph) -> None:
        super().__init__(store=data.store, identifier=data.identifier, namespace_manager=data.namespace_manager)
        self._prepared: dict[tuple[str, str | None, tuple[tuple[str, str], ...]], Any] = {}

    def query(self, query_object: Any, processor: Any = "sparql", result: Any = "sparql", initNs: Any = None,
              initBindings: Any = None, use_store_provided: bool = True, **kwargs: Any) -> Any:
        if isinstance(query_object, str) and processor == "sparql":
            from rdflib.plugins.sparql.processor import prepareQuery

            namespaces = dict(initNs or self.namespaces())  # what Graph.query would use
            key = (query_object, kwargs.get("base"), tuple(sorted((k, str(v)) for k, v in namespaces.items())))
            prepared = self._prepared.get(key)
            if prepared is None:
                prepared = self._prepared[key] = prepareQuery(query_object, initNs=namespaces, base=kwargs.get("base"))
            query_object, initNs = prepared, namespaces
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


#: With a pool, validate in parts when at least this many leadership postings are to be checked.
#: Each part pays about 0.15 s for the shapes and what they reach of the ontology, and about
#: 6 ms a posting (reading it into rdflib, and pySHACL); in one process pySHACL's import adds a
#: tenth of a second that a build's workers have paid already. The 2020 corpus has 125
#: leadership postings: 0.8 s alone, about 0.45 s in two parts.
PARALLEL_OVER = 60


def validate(source: Any, *, scope: str = "leadership", shapes: Path | None = None,
             graphs: Collection[str] | None = None, pool: concurrent.futures.Executor | None = None) -> ValidationReport:
    """Validate ``source`` against the shapes; never raises on a bad graph.

    ``scope="leadership"`` checks the postings modelled in full (and the ontology) of a store,
    ``"all"`` every posting; an rdflib graph is always checked whole. ``graphs`` (named graph
    IRIs: what a build wrote) narrows the leadership scope to the postings among them, with the
    other leadership postings of their organisations (a designation claimed twice spans
    postings): a build that added a handful of postings checks those, not the whole store. Call
    :meth:`ValidationReport.raise_for_violations` to turn violations into an error.

    ``pool`` (worker processes, such as a large build's) validates the leadership postings of a
    :class:`~nhskg.graph.store.GraphStore` in parts, one organisation's postings in one part: pySHACL
    is pure Python, so on ten times the 2020 corpus one process took half a minute. Should a worker
    die meanwhile, this process validates them instead.
    """
    import time

    from .store import GraphStore

    started = time.perf_counter()
    label = "changed leadership" if graphs is not None else scope
    store = _oxigraph_store(source)
    if store is None:  # an rdflib graph or a remote store: pySHACL checks everything
        if graphs is not None:
            raise ValueError("graphs= selects postings of a store's leadership scope")
        data = data_graph(source, scope)
        return ValidationReport(tuple(_shacl(data, shapes_graph(shapes))), len(data), time.perf_counter() - started, label)
    if scope not in ("all", "leadership"):
        raise ValueError(f"scope must be 'all' or 'leadership', not {scope!r}")
    if graphs is not None and scope != "leadership":
        raise ValueError("graphs= selects postings of a store's leadership scope")
    checks = _checks(shapes, on_store=True)
    chosen = leadership_graphs(store, graphs) if scope == "leadership" else None
    if chosen is not None and graphs is not None and not chosen:  # no leadership posting changed
        return ValidationReport((), 0, time.perf_counter() - started, label)
    if pool is not None and isinstance(source, GraphStore) and chosen is not None and len(chosen) >= PARALLEL_OVER:
        tasks = [(str(source.generation), part, shapes) for part in parts(store, chosen, os.cpu_count() or 2)]
        waiting = [pool.submit(_validate_part, task) for task in tasks]
        on_store = _store_results(store, checks, chosen)  # while the parts run
        try:
            done = [part.result() for part in waiting]
        except BrokenProcessPool:  # a worker died (killed for want of memory?): validate here instead
            done = None
        if done is not None:
            # The ontology graph is in every part: count it once, and its results once (a
            # property shape is a blank node, named afresh in each process). Parts name
            # organisations of their own, so they share nothing else.
            triples = sum(size for _, size, _ in done) - sum(common for _, _, common in done[1:])
            results = [*(r for part_results, _, _ in done for r in part_results), *on_store]
            return ValidationReport(_once_each(results), triples, time.perf_counter() - started, label)
    if chosen is None:
        data = from_oxigraph(store, checks.ontology_predicates)
    else:
        data = as_rdflib(quads_of(store, chosen, predicates=checks.ontology_predicates))
    results = [*_shacl(data, checks.pyshacl), *_store_results(store, checks, chosen)]
    return ValidationReport(_once_each(results), len(data), time.perf_counter() - started, label)


def _once_each(results: list[ValidationResult]) -> tuple[ValidationResult, ...]:
    """``results`` in report order, a result that says the same of the same node once."""
    unique = {(r.severity, r.focus, r.path, r.value, r.message): r for r in results}
    return tuple(sorted(unique.values(), key=_result_order))


def _oxigraph_store(source: Any) -> ox.Store | None:
    from .store import GraphStore  # store imports nothing from here; keep the import one-way at load time

    store = source.store if isinstance(source, (GraphStore, OxigraphSource)) else source
    return store if isinstance(store, ox.Store) else None


def _result_order(result: ValidationResult) -> tuple[bool, str, str, str]:
    return (result.severity != "Violation", result.focus, result.path or "", result.message)


def _shacl(data: rdflib.Graph, shape_graph: rdflib.Graph) -> list[ValidationResult]:
    """pySHACL's results over ``data``, each with the labels a person needs, sorted."""
    import pyshacl

    _conforms, report_graph, _text = pyshacl.validate(
        _PreparingGraph(data),
        shacl_graph=shape_graph,
        inference="none",
        abort_on_first=False,
        allow_warnings=True,
        advanced=False,
    )
    results = []
    severities = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
    # Top-level results only: nested sh:detail results of sh:node repeat the same problem.
    top = [r for report in report_graph.subjects(RDF.type, SH.ValidationReport) for r in report_graph.objects(report, SH.result)]
    for result in top:
        focus = report_graph.value(result, SH.focusNode)
        value = report_graph.value(result, SH.value)
        messages = sorted(str(m) for m in report_graph.objects(result, SH.resultMessage))
        results.append(
            ValidationResult(
                severity=severities.get(report_graph.value(result, SH.resultSeverity), "Violation"),  # type: ignore[arg-type]
                focus=str(focus),
                focus_label=_label(data, focus) if focus is not None else "",
                path=_path(report_graph.value(result, SH.resultPath)),
                value=str(value) if value is not None else None,
                message=messages[0] if messages else "constraint not met",
                shape=str(report_graph.value(result, SH.sourceShape) or "") or None,
            )
        )
    results.sort(key=_result_order)
    return results
