"""Small helpers every view shares: finding an organisation by name and reading query cells."""

from __future__ import annotations

import difflib
import re

from rdflib.term import Literal, Node

from ..errors import QueryError, echoed
from ..queries.running import run_query
from ..sparql.sources import SparqlSource, Table

__all__ = ["resolve_organisation", "text", "evidence", "slug", "table", "with_coverage"]

#: GROUP_CONCAT separator used by the view queries for evidence sentences (unit separator).
SEPARATOR = "\u001f"


def slug(name: str) -> str:
    """The graph model's slug: lower-case ASCII words joined by ``-``.

    >>> slug("Norfolk and Waveney University Hospitals Group")
    'norfolk-and-waveney-university-hospitals-group'
    """
    return "-".join(re.findall(r"[a-z0-9]+", name.lower()))


def text(value: Node | None, default: str = "") -> str:
    """A cell as text: a literal's lexical form, an IRI as written, ``default`` when unbound."""
    if value is None:
        return default
    return str(value)


def evidence(value: Node | None) -> tuple[str, ...]:
    """The evidence sentences of a GROUP_CONCAT cell, sorted so pages do not change between runs."""
    if value is None or not str(value):
        return ()
    return tuple(sorted({s.strip() for s in str(value).split(SEPARATOR) if s.strip()}))


def table(source: SparqlSource, name: str, params: dict[str, str] | None = None) -> Table:
    """Run a ``queries/views`` SELECT through the query library."""
    result = run_query(source, f"views/{name}", params or {})
    if not isinstance(result, Table):  # pragma: no cover - the view queries are all SELECTs
        raise QueryError(f"queries/views/{name}.rq must be a SELECT query")
    return result


def resolve_organisation(source: SparqlSource, name: str) -> tuple[str, str]:
    """The IRI and name of the organisation called ``name`` (case-insensitive, or by slug or IRI).

    Raises :class:`QueryError` naming the closest names when none matches.
    """
    rows = table(source, "organisations").records()
    wanted = name.strip().lower()
    for row in rows:
        iri, label = text(row["org"]), text(row["org_label"])
        if wanted in (iri.lower(), label.lower()) or slug(label) == slug(name) or iri.rstrip("/").endswith("/" + slug(name)):
            return iri, label or iri
    names = sorted(text(r["org_label"]) for r in rows if r["org_label"] is not None)
    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else "; run without --org to see every organisation"
    raise QueryError(f"no organisation named '{echoed(name)}' in the graph{hint}")


def is_true(value: Node | None) -> bool:
    return isinstance(value, Literal) and bool(value.toPython())


def with_coverage(model, source: SparqlSource, roles: tuple[str, ...] = ()):  # type: ignore[no-untyped-def]
    """``model`` saying what it rests on (``roles``: role-type codes the page is about)."""
    from dataclasses import replace

    from ..queries.coverage import footer
    from ..errors import NhskgError
    from ..namespaces import VOCAB_BASE

    try:
        line = footer(source, [f"{VOCAB_BASE}role-type/{code}" for code in roles])
    except NhskgError:
        return model
    return replace(model, based_on=line)
