"""Accountability analyses: SPARQL results over any store, turned into networkx graphs and plain data.

Every analysis takes a :class:`nhskg.sparql.sources.SparqlSource` (the embedded Oxigraph store, rdflib, or a
remote SPARQL 1.1 endpoint) and reads the graph only through the queries in ``queries/analysis/``,
so it gives the same answer on any store. Results are small frozen dataclasses with ``to_json()``.

Conventions, stated once for every module here:

- Role types, duty areas, designations and bodies are named by their *code* (the concept's
  ``skos:notation``, e.g. ``chief-medical-officer``); posts, postings and organisations by IRI.
- A *posting of a role type* is a ``schema:JobPosting`` whose advertised post has ``org:role`` that
  role type. Counts of "postings" count these, not posts named only by their role.
- In :func:`nhskg.analyses.network.accountability_graph` every node has a ``kind`` in
  ``{"post", "role-type", "organisation", "body", "designation", "duty-area"}``, a ``label`` and
  (posts only, else ``None``) the ``organisation`` IRI it sits in. Edges carry a ``kind`` in
  ``{"reports-to", "professionally-accountable-to", "works-with", "leads", "holds",
  "engages-with", "claims-area", "post-in", "has-role"}`` and, when read from a posting, the
  ``evidence`` sentence.
- ``weight`` on a ``claims-area`` edge (post -> duty area) is the number of duty statements of
  that post falling in the area; on the duty-area co-occurrence graph it is the number of posts
  claiming both areas. Weighted Jaccard uses per-role-type *shares*: the fraction of that role
  type's postings that claim the area.
- Anything random (community detection) takes ``seed=`` and is deterministic for a given seed.
"""

from __future__ import annotations

# Each analysis is its own module with a function of the same name (``overlap.overlap``,
# ``network.network``...); import them from there. Nothing is re-exported here, so the module and
# the function never shadow each other and ``nhskg --help`` does not import networkx.
__all__ = ["overlap", "network", "gaps", "compare", "similarity", "drift"]
