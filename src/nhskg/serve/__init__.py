"""``nhskg serve``: a store -> a read-only SPARQL 1.1 Protocol endpoint, the query page and the review page.

Takes the embedded store; gives an HTTP server (:mod:`.server`) whose queries run in worker
processes that can be stopped, behind the query gate (:mod:`nhskg.sparql.querycheck`).
"""
