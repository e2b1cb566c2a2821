"""nhskg: a knowledge graph of who is accountable for what in senior NHS roles, from job postings.

The flow runs one way: source files -> documents (:mod:`nhskg.readers`) -> postings
(:mod:`nhskg.extract`) -> RDF (:mod:`nhskg.rdfgraph`, :mod:`nhskg.store`) -> SPARQL
(:mod:`nhskg.queries`) and networkx (:mod:`nhskg.analyses`) -> tables, JSON and HTML views
(:mod:`nhskg.views`).
"""

from __future__ import annotations

__version__ = "0.1.0"
