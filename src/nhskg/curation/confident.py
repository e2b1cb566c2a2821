"""The graph narrowed to the facts the extractor is surer of: what ``nhskg analyse ... --min-confidence`` asks.

Every extracted fact carries a confidence (issue 13): a line, designation, body or requirement the
precision its kind and form had on the dev split, a duty the duty model's chance that its sentence
is a duty, and each of a duty's areas the model's chance that the duty is about it. A wrong fact
with an evidence sentence looks as verified as a right one, so an analyst or designer can ask
for an analysis or a view of only the surer facts. Below ``at_least``, these go, with their
statements: a reviewable fact (the edges :data:`nhskg.curation.provenance.FIELD_PREDICATES`
names) nobody accepted or corrected, a duty, and a duty's area nobody accepted or corrected. A
fact or duty area a reviewer accepted or corrected stays whatever its confidence (and so does its
duty); so does everything that carries none (postings, posts and
their role types, organisations, the vocabularies, the duties of hand-made records), but for a
post named only by its role ("the Chief Executive") that only the lines taken out named. Like
:func:`nhskg.curation.reviewed.reviewed_only`, the result is a copy of the store, so every
analysis and view runs unchanged on it.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..errors import NhskgError
from ..graph.rdfgraph import NS
from ..sparql.sources import OxigraphSource, SparqlSource
from .provenance import FIELD_PREDICATES
from .reviewed import line_and_statement, narrowed_copy

__all__ = ["confident_only"]

_PREFIXES = """
PREFIX nhskg: <https://w3id.org/nhskg/def#>
PREFIX rdf:   <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
"""

#: Reviewable facts below the threshold that no reviewer decided on, with their statements.
_WEAK_FACTS = _PREFIXES + """
SELECT ?statement ?subject ?predicate ?object WHERE {
  ?statement nhskg:confidence ?confidence .
  FILTER (?confidence < ?at_least)
  ?statement rdf:predicate ?predicate ;
             rdf:subject ?subject ;
             rdf:object ?object .
  FILTER NOT EXISTS { ?statement nhskg:reviewStatus ?status }
}
"""

#: Duties the duty model was not sure enough are duties at all, with every statement about them;
#: but not a duty one of whose areas a reviewer accepted or corrected (they judged it a duty).
_WEAK_DUTIES = _PREFIXES + """
SELECT ?duty ?statement WHERE {
  ?duty a nhskg:Duty ;
        nhskg:confidence ?confidence .
  FILTER (?confidence < ?at_least)
  FILTER NOT EXISTS { ?duty nhskg:areaReading ?reviewed . ?reviewed nhskg:reviewStatus ?status }
  OPTIONAL { ?statement rdf:object ?duty }
}
"""

#: A duty's areas read below the threshold that no reviewer accepted or corrected.
_WEAK_AREAS = _PREFIXES + """
SELECT ?duty ?reading ?area WHERE {
  ?reading nhskg:confidence ?confidence .
  FILTER (?confidence < ?at_least)
  FILTER NOT EXISTS { ?reading nhskg:reviewStatus ?status }
  ?reading nhskg:readingOfArea ?area .
  ?duty nhskg:areaReading ?reading .
}
"""


def confident_only(source: SparqlSource, at_least: float) -> OxigraphSource:
    """``source`` (the embedded store) without the facts whose confidence is below ``at_least``
    (0 to 1), as the module docstring says.

    >>> len(confident_only(OxigraphSource(ox.Store()), 0.8).store)
    0
    """
    if not 0 <= at_least <= 1:
        raise NhskgError(f"--min-confidence {at_least} is not a number from 0 to 1; give one such as 0.7")
    threshold = format(float(at_least), ".6f")  # a decimal literal: a float checked to lie in [0, 1]
    return narrowed_copy(source, "--min-confidence", "filter on nhskg:confidence in your own query (see queries/weak-facts.rq)",
                         lambda store, narrowed: _take_out_weak(store, narrowed, threshold))


def _take_out_weak(store: ox.Store, narrowed: ox.Store, threshold: str) -> set[ox.NamedNode | ox.BlankNode]:
    """Take the facts below ``threshold`` out of ``narrowed`` (read from ``store``, its original);
    what the lines taken out pointed at. The quads are gathered first and removed at the end: a
    duty's readings are found in ``narrowed`` itself."""
    reviewable = {ox.NamedNode(p) for p in FIELD_PREDICATES.values()}
    gone: list[ox.Quad] = []
    targets: set[ox.NamedNode | ox.BlankNode] = set()

    def drop(subject: ox.NamedNode | ox.BlankNode, predicate: ox.NamedNode | None = None, object_: object = None) -> None:
        gone.extend(narrowed.quads_for_pattern(subject, predicate, object_))  # type: ignore[arg-type]

    def rows(query: str):  # type: ignore[no-untyped-def]
        return store.query(query.replace("?at_least", threshold), use_default_graph_as_union=True)

    for row in rows(_WEAK_FACTS):
        if row["predicate"] in reviewable:
            gone.extend(line_and_statement(narrowed, row["statement"], row["subject"], row["predicate"], row["object"]))
            if not isinstance(row["object"], ox.Literal):
                targets.add(row["object"])
    for row in rows(_WEAK_DUTIES):
        duty = row["duty"]
        for quad in narrowed.quads_for_pattern(duty, NS.area_reading, None):
            drop(quad.object)  # type: ignore[arg-type]
        drop(duty)
        gone.extend(narrowed.quads_for_pattern(None, NS.has_duty, duty))
        if row["statement"] is not None:
            drop(row["statement"])
    for row in rows(_WEAK_AREAS):
        drop(row["reading"])
        drop(row["duty"], NS.area_reading, row["reading"])
        drop(row["duty"], NS.duty_area, row["area"])
    for quad in gone:
        narrowed.remove(quad)
    return targets
