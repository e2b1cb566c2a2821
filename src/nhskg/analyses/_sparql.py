"""Runs the analyses' own queries (``queries/analysis/*.rq``) through the query library.

``nhskg.queries.run_query`` is the one way queries are loaded and bound; until it is importable this
module falls back to a minimal reader of the same header format, so the analyses never paste values
into SPARQL text either way.
"""

from __future__ import annotations

import re
from typing import Mapping

from rdflib.term import Literal, Node, URIRef

from ..errors import QueryError
from ..namespaces import VOCAB_BASE
from ..paths import queries_dir
from ..sparql import SparqlSource, Table

__all__ = ["select", "code_of", "role_iri"]

_PARAM = re.compile(r"^#\s*param:\s*(\S+)\s+(\S+)")


def role_iri(code: str) -> URIRef:
    """The role-type concept IRI for a code."""
    return URIRef(f"{VOCAB_BASE}role-type/{code}")


def code_of(iri: object) -> str:
    """The code of a vocabulary concept IRI (its last path segment), or the IRI itself otherwise."""
    text = str(iri)
    if text.startswith(VOCAB_BASE):
        return text.rsplit("/", 1)[-1]
    return text


def _fallback(source: SparqlSource, name: str, params: Mapping[str, str]) -> Table:
    path = queries_dir() / "analysis" / f"{name}.rq"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise QueryError(f"{path}: cannot read the analysis query ({error}); restore it from git") from error
    types = {}
    for line in text.splitlines():
        match = _PARAM.match(line)
        if match:
            types[match.group(1)] = match.group(2)
    bindings: dict[str, Node] = {}
    for key, value in params.items():
        kind = types.get(key)
        if kind is None:
            raise QueryError(f"{path}: takes no parameter '{key}' (it takes: {', '.join(types) or 'none'})")
        if kind.startswith("code:"):
            bindings[key] = URIRef(f"{VOCAB_BASE}{kind.removeprefix('code:')}/{value}")
        elif kind == "iri":
            bindings[key] = URIRef(value)
        else:
            bindings[key] = Literal(value)
    return source.select(text, bindings)


def select(source: SparqlSource, name: str, **params: str) -> Table:
    """Run ``queries/analysis/NAME.rq`` with parameters given as strings (codes, IRIs or literals)."""
    try:
        from ..queries import run_query  # type: ignore[attr-defined]
    except ImportError:
        return _fallback(source, name, params)
    result = run_query(source, f"analysis/{name}", params)
    if not isinstance(result, Table):
        raise QueryError(f"queries/analysis/{name}.rq should be a SELECT query")
    return result
