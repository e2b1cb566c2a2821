"""Stage 4 output: what every table, analysis and view rests on — postings read, modelled in full, dates.

A graph built from the 2020 corpus holds about 14,800 postings but models a hundred of them in full
(the leadership postings: duties, lines, designations); its postings are live vacancies of
October and November 2020, not a series. A table that does not say so invites the wrong
reading, so every human-readable output ends with :meth:`Coverage.footer`:

    based on 91 postings (91 modelled in full), dated 2019-01-15 to 2025-05-30

and ``nhskg summary`` (:func:`summary`) breaks the same figures down by role type, type of
organisation and source file. All counts come from ``queries/analysis/coverage*.rq``: one
definition of "a posting of a role type" (its advertised post's ``org:role`` is that concept) for
every tool.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Iterable

from rdflib.term import Literal, Node

from .running import run_query
from ..sparql.sources import SparqlSource, Table

__all__ = ["Count", "Coverage", "Summary", "coverage", "summary", "footer"]


@dataclass(frozen=True)
class Count:
    """Postings of one role type, organisation type or source file: how many, how many modelled in full."""

    code: str
    label: str
    postings: int
    full: int


@dataclass(frozen=True)
class Coverage:
    """The postings a result rests on: all of them, those modelled in full, and their date range."""

    postings: int
    full: int
    dated: int
    first: str | None
    last: str | None

    def footer(self, roles: Iterable[Count] = ()) -> str:
        """One line for the foot of a table.

        >>> Coverage(14847, 98, 14847, "2020-10-01", "2020-11-30").footer([Count("chief-nurse", "Chief Nurse", 2, 2)])
        'based on 14,847 postings (98 modelled in full), dated 2020-10-01 to 2020-11-30; Chief Nurse: 2 postings (2 in full)'
        """
        text = f"based on {self.postings:,} posting{'' if self.postings == 1 else 's'} ({self.full:,} modelled in full)"
        if self.first:
            text += f", dated {self.first} to {self.last}"
            if self.dated < self.postings:
                text += f" ({self.postings - self.dated:,} undated)"
        for role in roles:
            text += f"; {role.label}: {role.postings:,} posting{'' if role.postings == 1 else 's'} ({role.full:,} in full)"
        return text


@dataclass(frozen=True)
class Summary:
    """``nhskg summary``: the coverage and its breakdowns, labels first (codes for reuse)."""

    coverage: Coverage
    by_role: tuple[Count, ...]
    by_organisation_type: tuple[Count, ...]
    by_source: tuple[Count, ...]

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _int(value: Node | None) -> int:
    return int(value.toPython()) if isinstance(value, Literal) else 0


def _text(value: Node | None) -> str | None:
    return None if value is None else str(value)


def _code(value: Node | str | None) -> str:
    text = "" if value is None else str(value)
    return text.rsplit("/", 1)[-1] if text.startswith("https://w3id.org/nhskg/vocab/") else text


def _table(source: SparqlSource, name: str, **params: str) -> Table:
    result = run_query(source, f"analysis/{name}", params)
    assert isinstance(result, Table)
    return result


def coverage(source: SparqlSource) -> Coverage:
    """How many postings the graph holds, how many in full, and their date range."""
    rows = _table(source, "coverage").rows
    postings, full, dated, first, last = rows[0] if rows else (None,) * 5
    return Coverage(_int(postings), _int(full), _int(dated), _text(first), _text(last))


def role_counts(source: SparqlSource, roles: Iterable[str] = ()) -> tuple[Count, ...]:
    """Postings per role type (every one, or those whose concept IRIs are given)."""
    tables = [_table(source, "coverage-by-role", role=iri) for iri in roles] or [_table(source, "coverage-by-role")]
    counts = []
    for table in tables:
        for role, label, postings, full in table.rows:
            code = _code(role)
            counts.append(Count(code, str(label or code), _int(postings), _int(full)))
    return tuple(counts)


def footer(source: SparqlSource, roles: Iterable[str] = ()) -> str:
    """The footer line for a result over ``source``; ``roles`` are role-type IRIs the result is about.

    A role type with no posting in the graph is still named, with 0.
    """
    wanted = list(dict.fromkeys(roles))
    counts = {c.code: c for c in role_counts(source, wanted)} if wanted else {}
    named = []
    for iri in wanted:
        code = _code(iri)
        named.append(counts.get(code) or Count(code, _label(code), 0, 0))
    return coverage(source).footer(named)


def _label(code: str) -> str:
    from ..vocabulary.vocab import load_vocabulary

    try:
        concept = load_vocabulary().scheme("role-type").get(code)
    except Exception:  # noqa: BLE001 - a label is a courtesy; the code will do
        concept = None
    return concept.pref_label if concept is not None else code


def summary(source: SparqlSource) -> Summary:
    """Postings read, modelled in full, by role type, type of organisation and source, with dates."""
    by_type = tuple(
        Count(_code(kind), str(label or _code(kind) or "unknown type"), _int(postings), _int(full))
        for kind, label, postings, full in _table(source, "coverage-by-organisation-type").rows
    )
    by_source = tuple(
        Count(str(name), str(name), _int(postings), _int(full))
        for name, postings, full in _table(source, "coverage-sources").rows
    )
    return Summary(coverage(source), role_counts(source), by_type, by_source)
