"""Running a library query on a source: the table its header asks for.

Takes a :class:`~nhskg.sparql.sources.SparqlSource`, a query (name, path or
:class:`~nhskg.queries.library.LibraryQuery`) and parameter values; gives a Table for SELECT
(just the header's ``columns``, or the groups and quartiles a ``# quantiles:`` line asks for),
triples for CONSTRUCT, a bool for ASK, and engine errors said in plain words with the query's
name. Separate from loading and binding because this is what every view, analysis and the
command line call, the one step that touches an engine.
"""

from __future__ import annotations

import statistics
from decimal import Decimal, InvalidOperation
from operator import itemgetter
from pathlib import Path
from typing import Any, Mapping

from rdflib.namespace import XSD
from rdflib.term import Literal, Node

from ..errors import NhskgError, QueryError
from ..namespaces import DEFAULT_BASE
from ..sparql.sources import SparqlSource, Table, Triple
from .binding import bind
from .library import LibraryQuery, load_query


def _project(query: LibraryQuery, table: Table) -> Table:
    """Keep the header's columns, in the header's order (parameter variables drop out)."""
    if not query.columns:
        return table
    missing = [c for c in query.columns if c not in table.columns]
    if missing:
        raise QueryError(
            f"query '{query.name}' ({query.path}) declares column(s) {', '.join(missing)} "
            f"that its SELECT does not return (it returns {', '.join(table.columns)})"
        )
    if table.columns == query.columns:
        return table
    indexes = [table.columns.index(c) for c in query.columns]
    if len(indexes) == 1:
        return Table(query.columns, tuple((row[indexes[0]],) for row in table.rows))
    return Table(query.columns, tuple(map(itemgetter(*indexes), table.rows)))


def _decimal(term: Node | None) -> Decimal | None:
    if not isinstance(term, Literal):
        return None
    try:
        value = Decimal(str(term))
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _number(value: Decimal) -> Literal:
    """A statistic as an ``xsd:decimal`` to the penny, without trailing zeros for whole numbers."""
    rounded = value.quantize(Decimal("0.01"))
    if rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal(1))
    return Literal(rounded, datatype=XSD.decimal)


def quartiles(values: list[Decimal]) -> tuple[Decimal, Decimal, Decimal, Decimal, Decimal]:
    """(min, q1, median, q3, max) by the inclusive method (Excel's QUARTILE.INC, pandas' default).

    >>> [str(v) for v in quartiles([Decimal(1), Decimal(2), Decimal(3), Decimal(4)])]
    ['1', '1.75', '2.5', '3.25', '4']
    """
    ordered = sorted(values)
    if len(ordered) == 1:
        return (ordered[0],) * 5  # type: ignore[return-value]
    q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    return ordered[0], q1, median, q3, ordered[-1]


def _summarise(query: LibraryQuery, table: Table) -> Table:
    """One row per group of a ``# quantiles:`` query: count of units, n with a value, quartiles."""
    spec = query.quantiles
    assert spec is not None
    needed = [*spec.groups, spec.unit, spec.value]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise QueryError(
            f"query '{query.name}' ({query.path}): its '# quantiles:' line names column(s) {', '.join(missing)} "
            f"that its SELECT does not return (it returns {', '.join(table.columns)})"
        )
    group_at = [table.columns.index(c) for c in spec.groups]
    unit_at, value_at = table.columns.index(spec.unit), table.columns.index(spec.value)
    groups: dict[tuple[Node | None, ...], dict[Node | None, Decimal | None]] = {}
    for row in table.rows:  # first-seen order keeps the query's ORDER BY
        units = groups.setdefault(tuple(row[i] for i in group_at), {})
        value = _decimal(row[value_at])
        if units.get(row[unit_at]) is None:
            units[row[unit_at]] = value
    rows = []
    for key, units in groups.items():
        values = [v for v in units.values() if v is not None]
        stats: tuple[Node | None, ...] = (None,) * 5
        if values:
            stats = tuple(_number(v) for v in quartiles(values))
        rows.append((*key, Literal(len(units)), Literal(len(values)), *stats))
    return Table(spec.columns, tuple(rows))


def run_query(
    source: SparqlSource,
    name_or_path: str | Path | LibraryQuery,
    params: Mapping[str, str] | None = None,
    *,
    base: str = DEFAULT_BASE,
) -> Table | list[Triple] | bool:
    """Run a query on a source: a Table for SELECT, triples for CONSTRUCT, a bool for ASK.

    ``name_or_path`` is a library name, a ``.rq`` path or a :class:`LibraryQuery` (for text,
    :func:`query_from_text`). Prefixes the query uses without declaring are declared for it
    (``data:`` is ``base``); an unknown prefix or a syntax error is reported in plain words with
    its line and column.

    >>> import pyoxigraph
    >>> from nhskg.sparql.sources import OxigraphSource
    >>> run_query(OxigraphSource(pyoxigraph.Store()), "shared-duties").rows
    ()
    """
    from ..sparql.prologue import default_prefixes, explain, undeclared, unknown_prefix_message

    query = name_or_path if isinstance(name_or_path, LibraryQuery) else load_query(name_or_path)
    bindings = bind(query, params or {})
    known = default_prefixes(base)
    needed, unknown = undeclared(query.text, known)
    where = f"query '{query.name}'" + ("" if query.path.name.startswith("<") else f" ({query.path})")
    if unknown:
        name, line, column = unknown[0]
        raise QueryError(f"{where}: {unknown_prefix_message(query.text, name, line, column, known)}")
    extra: dict[str, Any] = {"prefixes": needed} if needed else {}
    try:
        if query.kind == "select":
            table = source.select(query.text, bindings, **extra)
            if query.quantiles is not None:
                return _summarise(query, table)
            return _project(query, table)
        if query.kind == "construct":
            return source.construct(query.text, bindings, **extra)
        return source.ask(query.text, bindings, **extra)
    except NhskgError:
        raise
    except SyntaxError as error:
        raise QueryError(f"{where}: {explain(query.text, str(error), known)}") from None
    except Exception as error:  # each engine has its own error types; name the query either way
        raise QueryError(f"{where} failed: {error}") from error
