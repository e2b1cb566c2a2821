"""The graph narrowed to reviewed facts: what ``nhskg analyse ... --reviewed-only`` asks.

A reviewable fact (a reporting or working line, a designation, a body, a requirement: the edges
:data:`nhskg.curation.apply.FIELD_PREDICATES` names) stays only if a reviewer accepted or
corrected it; the rest are taken out with their statements. Everything a reviewer cannot decide
on yet (postings, posts and their role types, organisations, duties, the vocabularies) stays (but
for a post named only by its role that only the lines taken out named), so every analysis runs
unchanged on the narrower graph: nothing in an analysis needs to know.

The copy of an embedded store is a RocksDB checkpoint in a temporary folder (hard links: a tenth of
a second for the 2020 corpus), removed when the copy is no longer used.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from pathlib import Path
from typing import Callable, Iterable

import pyoxigraph as ox

from ..errors import NhskgError
from ..sparql.sources import OxigraphSource, SparqlSource
from .provenance import FIELD_PREDICATES

__all__ = ["copy_of_store", "drop_unnamed_posts", "line_and_statement", "narrowed_copy", "reviewed_only"]

_UNREVIEWED = """
PREFIX nhskg: <https://w3id.org/nhskg/def#>
PREFIX rdf:   <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
SELECT ?statement ?subject ?predicate ?object WHERE {
  ?statement a nhskg:ExtractedStatement ;
             rdf:predicate ?predicate ;
             rdf:subject ?subject ;
             rdf:object ?object .
  FILTER NOT EXISTS { ?statement nhskg:reviewStatus ?status }
}
"""


def reviewed_only(source: SparqlSource) -> OxigraphSource:
    """``source`` (the embedded store) without the reviewable facts nobody accepted or corrected.

    >>> store = ox.Store()
    >>> reviewed_only(OxigraphSource(store)).store is not store
    True
    """
    return narrowed_copy(source, "--reviewed-only", "filter on nhskg:reviewStatus in your own query (see queries/review-status.rq)",
                         _take_out_unreviewed)


def _take_out_unreviewed(store: ox.Store, narrowed: ox.Store) -> set[ox.NamedNode | ox.BlankNode]:
    reviewable = {ox.NamedNode(p) for p in FIELD_PREDICATES.values()}
    targets: set[ox.NamedNode | ox.BlankNode] = set()
    for row in store.query(_UNREVIEWED, use_default_graph_as_union=True):  # type: ignore[union-attr]
        statement, subject, predicate, object_ = (row[k] for k in ("statement", "subject", "predicate", "object"))  # type: ignore[index]
        if predicate not in reviewable:
            continue
        for quad in line_and_statement(narrowed, statement, subject, predicate, object_):
            narrowed.remove(quad)
        if not isinstance(object_, ox.Literal):
            targets.add(object_)
    return targets


def narrowed_copy(source: SparqlSource, option: str, instead: str,
                  take_out: Callable[[ox.Store, ox.Store], Iterable[ox.NamedNode | ox.BlankNode]]) -> OxigraphSource:
    """A copy of the embedded store of ``source`` less what ``take_out(store, copy)`` removes from the
    copy, and less the posts only the lines it took out named (it returns what those lines pointed
    at). What ``--reviewed-only`` and ``--min-confidence`` share: each says only what goes. ``option``
    and ``instead`` (what to do on an endpoint) word the error for a source with no embedded store.
    The copy's temporary folder goes with the returned source (or at exit)."""
    store = getattr(source, "store", None)
    if not isinstance(store, ox.Store):
        raise NhskgError(f"{option} works on the embedded store (it narrows a copy of the graph); drop --endpoint, or {instead}")
    narrowed, folder = copy_of_store(store)
    drop_unnamed_posts(narrowed, set(take_out(store, narrowed)))
    answer = OxigraphSource(narrowed)
    if folder is not None:
        weakref.finalize(answer, shutil.rmtree, folder, ignore_errors=True)
    return answer


def line_and_statement(store: ox.Store, statement: ox.NamedNode | ox.BlankNode, subject: ox.NamedNode | ox.BlankNode,
                       predicate: ox.NamedNode, object_: ox.NamedNode | ox.BlankNode | ox.Literal) -> list[ox.Quad]:
    """The quads of one extracted statement and of the edge it states: what taking a fact out removes."""
    return [*store.quads_for_pattern(statement, None, None), *store.quads_for_pattern(subject, predicate, object_)]


def copy_of_store(store: ox.Store) -> tuple[ox.Store, Path | None]:
    """A writable copy of ``store`` and the temporary folder holding it: a RocksDB checkpoint (hard
    links, a tenth of a second for the 2020 corpus), or, for a store in memory, its quads in memory."""
    folder = Path(tempfile.mkdtemp(prefix="nhskg-reviewed-"))
    try:
        store.backup(str(folder / "store"))
    except (RuntimeError, OSError):
        shutil.rmtree(folder, ignore_errors=True)
        copy = ox.Store()
        copy.bulk_extend(store)
        return copy, None
    return ox.Store(str(folder / "store")), folder


_POST = ox.NamedNode("http://www.w3.org/ns/org#Post")
_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


def drop_unnamed_posts(store: ox.Store, named: set[ox.NamedNode | ox.BlankNode]) -> int:
    """Remove from ``store`` each of the posts ``named`` (the targets of the lines just taken out)
    that no posting advertises and nothing names any more, with every statement about it; how many.

    A post named only by its role ("the Chief Executive") is kept in the organisations graph for
    the postings that name it; once the narrowing has taken out every line to it, the views would
    draw it as a post "only named by other postings" with nothing naming it.
    """
    removed = 0
    for post in named:
        if not any(store.quads_for_pattern(post, _TYPE, _POST)):
            continue  # a duty, a requirement or a concept: never a shared post
        if next(store.quads_for_pattern(None, None, post), None) is not None:
            continue  # still named by a line, or advertised
        for quad in list(store.quads_for_pattern(post, None, None)):
            store.remove(quad)
        removed += 1
    return removed
