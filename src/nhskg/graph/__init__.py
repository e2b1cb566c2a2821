"""Stage 3, the graph: posting records -> RDF quads in the embedded store, checked by SHACL.

Takes :class:`~nhskg.extract.postings.Posting` records; gives quads, one named graph per posting
(:mod:`.posting`, as ``docs/model.md`` says, with the IRIs and terms of :mod:`.rdfgraph`), the
persistent Oxigraph store every later stage reads (:mod:`.store`) and the SHACL report on what
was written (:mod:`.validate`, shapes in ``ontology/shapes.ttl``). The composer that chains read -> extract -> graph is
:mod:`nhskg.pipeline.build`.
"""
