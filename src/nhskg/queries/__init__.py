"""Stage 4, asking: a store -> tables, from the query library in ``queries/*.rq`` or an analyst's own SPARQL.

Takes a :class:`~nhskg.sparql.sources.SparqlSource` and a query name or text with parameters (a
role or designation named as a person names it); gives a :class:`~nhskg.sparql.sources.Table`.
:mod:`.library` loads queries and their headers, :mod:`.binding` binds a person's values as
RDF terms, :mod:`.running` runs a query and shapes its table; :mod:`.results` writes a table as
text, CSV, TSV or JSON; :mod:`.coverage` says what a table rests on (postings, modelled in full, dates);
:mod:`.timeout` stops a query at a time limit. (Named ``queries`` so that ``nhskg.query`` stays the
notebook function.)
"""
