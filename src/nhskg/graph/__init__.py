"""Stage 3, the graph: posting records -> RDF quads in the embedded store, checked by SHACL.

Takes :class:`~nhskg.extract.postings.Posting` records; gives quads, one named graph per posting
(:mod:`.posting`, as ``docs/model.md`` says, with the IRIs and terms of :mod:`.rdfgraph`), the
persistent Oxigraph store every later stage reads (:mod:`.store`, its generations in
:mod:`.generations`, a new one written by :mod:`.loading`, the ontology graph by
:mod:`.ontology_graph`) and the SHACL report on what was
written (:mod:`.validate`, shapes in ``ontology/shapes.ttl``). Where a build writes is a
:class:`~nhskg.graph.writer.Writer` (:mod:`.writer`: the embedded store; :mod:`.endpoint`: a
SPARQL 1.1 server). The composer that chains read -> extract -> graph is :mod:`nhskg.pipeline.build`.
"""
