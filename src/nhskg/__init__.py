"""nhskg: a knowledge graph of who is accountable for what in senior NHS roles, from job postings.

The flow runs one way: source files -> documents (:mod:`nhskg.read`) -> postings
(:mod:`nhskg.extract`) -> RDF (:mod:`nhskg.graph`, composed by :mod:`nhskg.pipeline`) -> SPARQL
(:mod:`nhskg.queries`) and networkx (:mod:`nhskg.analyses`) -> tables, JSON and HTML views
(:mod:`nhskg.views`). Each stage is a package whose docstring says what it takes and gives.

The packages and their ranks. A module imports only from its own rank or a lower one, so the tree
reads in the order the data flows; ``tests/test_layout.py`` reads this list and checks every import
(function-local ones included) against it:

- 0: ``errors``, ``paths``, ``namespaces``, ``background``, ``_version`` -- what every stage may use
- 1: ``vocabulary`` -- ``ontology/vocab/*.ttl`` -> the vocabulary, labels, the matcher, ontology docs
- 2: ``read`` -- source files -> documents (cleaned text, structured fields, problems), sentences
- 3: ``extract`` -- a document -> a posting record; the record's types; scoring against the gold set
- 4: ``sparql`` -- the engine level: ``Table``, sources over Oxigraph and rdflib, the query gate
- 5: ``graph`` -- a posting -> RDF quads; the embedded store; SHACL validation
- 6: ``curation`` -- reviewers' decisions, applied to postings before they become quads
- 7: ``pipeline`` -- paths -> a store or an endpoint: read, extract, curate, write, validate
- 8: ``queries`` -- a store -> tables: the query library, result formats, coverage, time limits
- 9: ``analyses`` -- a store -> networkx graphs and plain data
- 10: ``views`` -- a store -> HTML views, CSV tables, GraphML
- 11: ``review`` -- a store and the decisions -> the review queue and the review page
- 12: ``serve`` -- a store -> a SPARQL 1.1 Protocol endpoint and query page
- 13: ``api``, ``cli``, ``__init__`` -- the notebook functions and the command line over all of it

``nhskg.build``, ``nhskg.query`` and ``nhskg.summary`` are the notebook functions of
:mod:`nhskg.api`, loaded on first use so that ``import nhskg`` stays light. No subpackage shares
their names (importing a submodule sets the package's attribute of that name, which would replace
the function), hence ``pipeline/build.py`` and ``queries/``.
"""

from __future__ import annotations

from typing import Any

from ._version import __version__

__all__ = ["build", "query", "summary", "__version__"]

_API = frozenset({"build", "query", "summary"})


def __getattr__(name: str) -> Any:
    """``nhskg.build``, ``nhskg.query`` and ``nhskg.summary``: :mod:`nhskg.api`, imported on first use (PEP 562)."""
    if name in _API:
        from . import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_API})
