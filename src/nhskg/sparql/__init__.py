"""The SPARQL engine level every later stage asks through: one interface over any store.

Takes a query text and bindings; gives a :class:`~nhskg.sparql.sources.Table`. :mod:`.sources` is
the :class:`~nhskg.sparql.sources.SparqlSource` interface and its Oxigraph and rdflib sources;
:mod:`.querycheck` is the gate a query passes before the embedded engine sees it;
:mod:`.prologue` supplies the project's prefixes to hand-written queries and explains the
engine's refusals. The store (:mod:`nhskg.graph.store`) and the endpoint source
(:mod:`nhskg.pipeline.remote`) build on it.
"""
