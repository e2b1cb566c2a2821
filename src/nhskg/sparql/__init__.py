"""The SPARQL engine level every later stage asks through: one interface over any store.

Takes a query text and bindings; gives a :class:`~nhskg.sparql.sources.Table`. :mod:`.sources` is
the :class:`~nhskg.sparql.sources.SparqlSource` interface and its Oxigraph and rdflib sources;
:mod:`.querycheck` is the gate a query passes before the embedded engine sees it;
:mod:`.prologue` supplies the project's prefixes to hand-written queries and explains the
engine's refusals; :mod:`.endpoint` is the same interface over any SPARQL 1.1 Protocol endpoint,
with :mod:`.bindings` writing bound values as one term each. The store (:mod:`nhskg.graph.store`)
builds on it.
"""
