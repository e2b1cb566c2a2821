"""Runs the analyses' own queries (``queries/analysis/*.rq``) through the query library.

Role types are bound as concept IRIs (parameters of type ``iri``) rather than ``code:role-type``:
the analyses check codes against the vocabulary *in the store*, so they also work on a remote
endpoint or a hand-built graph whose vocabulary differs from the files in ``ontology/``.
"""

from __future__ import annotations

from rdflib.term import URIRef

from ..errors import QueryError
from ..namespaces import VOCAB_BASE
from ..queries.running import run_query
from ..sparql.sources import SparqlSource, Table

__all__ = ["select", "code_of", "role_iri"]


def role_iri(code: str) -> str:
    """The role-type concept IRI for a code."""
    return f"{VOCAB_BASE}role-type/{code}"


def code_of(iri: object) -> str:
    """The code of a vocabulary concept IRI (its last path segment), or the IRI itself otherwise."""
    text = str(iri)
    if text.startswith(VOCAB_BASE):
        return text.rsplit("/", 1)[-1]
    return text


def select(source: SparqlSource, name: str, **params: str | URIRef) -> Table:
    """Run ``queries/analysis/NAME.rq`` with parameters given as strings (IRIs or literals)."""
    result = run_query(source, f"analysis/{name}", {k: str(v) for k, v in params.items()})
    if not isinstance(result, Table):
        raise QueryError(f"queries/analysis/{name}.rq should be a SELECT query")
    return result
