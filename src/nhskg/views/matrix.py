"""The designations matrix: organisations by statutory designations, who holds each, gaps and conflicts.

A cell is *held* when a post of the organisation holds the designation, a *conflict* or a *gap*
when the library queries say so (``queries/designation-conflicts.rq``: two different posts claim a
single-holder designation while both postings are open; ``queries/designation-gaps.rq``: no post
holds it though the organisation's type must name a holder), read through
:func:`nhskg.analyses.gaps.designation_findings` so that this page, ``nhskg analyse gaps``,
``nhskg query`` and ``nhskg validate`` agree. Otherwise an empty cell is *not required* when the
organisation has leadership postings, and *not read* when none of its postings is a leadership
posting, so nothing could name it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ..analyses.gaps import DesignationFindings, designation_findings
from ..namespaces import DEFAULT_BASE, VOCAB_BASE
from ..sparql.sources import SparqlSource
from .facts import Evidence, Facts, load_facts, organisation_key
from .model import DEFAULT_LIMIT, short_id
from .page import Page, evidence_json, plural, postings_json

__all__ = ["Holder", "Cell", "Row", "Column", "Matrix", "matrix", "designations_page", "STATES"]

#: Cell states and how the page names them.
STATES = {
    "held": "named",
    "conflict": "claimed by two different posts at the same time",
    "gap": "not named, though organisations of this type must name one",
    "none": "not named (not required of this type of organisation)",
    "unread": "no leadership posting read",
}


@dataclass(frozen=True)
class Holder:
    """A post holding a designation; ``in_conflict`` when another post claims it at the same time."""

    post: str
    label: str
    role: str
    evidence: tuple[Evidence, ...]
    in_conflict: bool = False


@dataclass(frozen=True)
class Cell:
    state: str
    holders: tuple[Holder, ...] = ()


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    single: bool
    required_of: tuple[str, ...]  # organisation-type labels


@dataclass(frozen=True)
class Row:
    organisation: str
    name: str
    type: str  # organisation-type label ("" when not known)
    postings: int
    leadership_postings: int
    cells: tuple[Cell, ...]  # in column order

    @property
    def gaps(self) -> int:
        return sum(c.state == "gap" for c in self.cells)

    @property
    def conflicts(self) -> int:
        return sum(c.state == "conflict" for c in self.cells)


@dataclass(frozen=True)
class Matrix:
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]

    def cell(self, organisation: str, designation: str) -> Cell:
        index = [c.code for c in self.columns].index(designation)
        return next(r for r in self.rows if r.organisation == organisation).cells[index]


def matrix(
    facts: Facts, findings: DesignationFindings, organisations: list[str] | None = None, *, base: str = DEFAULT_BASE
) -> Matrix:
    """The matrix over ``organisations`` (keys; default every organisation with a posting).

    ``findings`` (:func:`~nhskg.analyses.gaps.designation_findings` of the same graph) decide which
    cells are conflicts and gaps; ``facts`` give the holders, their evidence and the labels.
    """
    in_conflict: dict[tuple[str, str], frozenset[str]] = {
        (short_id(org, base), _code(designation)): frozenset(short_id(p, base) for p in posts)
        for (org, designation), posts in findings.conflicts.items()
    }
    gaps = {(short_id(org, base), _code(designation)) for org, designation in findings.gaps}
    held: dict[tuple[str, str], list[Holder]] = defaultdict(list)
    for holding in facts.holdings:
        post = facts.posts.get(holding.post)
        if post is None:
            continue
        role = facts.role_label(post.role) if post.role else ""
        claimed = post.key in in_conflict.get((post.organisation, holding.designation), ())
        held[(post.organisation, holding.designation)].append(Holder(post.key, post.label or role, role, holding.evidence, claimed))
    type_labels = {c.code: c.label for c in facts.scheme("organisation-type")}
    concepts = {c.code: c for c in facts.scheme("designation")}
    used = {d for _, d in held} | {d for _, d in gaps} | {c.code for c in concepts.values() if c.required_in}
    columns = tuple(
        Column(code, concepts[code].label if code in concepts else "designation", concepts[code].single if code in concepts else False,
               tuple(sorted(type_labels.get(t, "") for t in concepts[code].required_in if t in type_labels)) if code in concepts else ())
        for code in sorted(used, key=lambda d: (-len(concepts[d].required_in) if d in concepts else 0,
                                               concepts[d].label if d in concepts else d, d))
    )
    keys = organisations if organisations is not None else [o.key for o in facts.organisations.values() if o.postings]
    rows = []
    for key in keys:
        organisation = facts.organisations[key]
        cells = []
        for column in columns:
            holders = tuple(sorted(held.get((key, column.code), ()), key=lambda h: (h.role, h.label, h.post)))
            if (key, column.code) in in_conflict:
                cells.append(Cell("conflict", holders))
            elif holders:
                cells.append(Cell("held", holders))
            elif (key, column.code) in gaps:
                cells.append(Cell("gap"))
            elif not organisation.leadership_postings:
                cells.append(Cell("unread"))
            else:
                cells.append(Cell("none"))
        rows.append(Row(key, organisation.name, type_labels.get(organisation.type, "") if organisation.type != "other" else "",
                        organisation.postings, organisation.leadership_postings, tuple(cells)))
    rows.sort(key=lambda r: (r.type == "", r.type, r.name.lower(), r.organisation))
    return Matrix(columns, tuple(rows))


def _code(iri: str) -> str:
    """A vocabulary concept's code, as :class:`Facts` keys concepts (its IRI when not in the vocabulary)."""
    return iri.rsplit("/", 1)[-1] if iri.startswith(VOCAB_BASE) else iri


def _json(facts: Facts, table: Matrix) -> dict[str, Any]:
    cited: set[str] = set()
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            holders = [[h.label, h.role, evidence_json(h.evidence), h.in_conflict] for h in cell.holders]
            cited.update(p for h in cell.holders for e in h.evidence for p in [e.posting])
            cells.append([cell.state, holders] if holders else [cell.state])
        rows.append({"key": row.organisation, "name": row.name, "type": row.type or "type not recognised",
                     "postings": row.postings, "leadership": row.leadership_postings, "cells": cells})
    shown = {r.organisation for r in table.rows}
    read: dict[str, list[str]] = defaultdict(list)
    for posting in sorted(facts.postings.values(), key=lambda p: p.key):
        if posting.organisation in shown:
            read[posting.organisation].append(posting.key)
    cited.update(k for keys in read.values() for k in keys)
    return {
        "columns": [{"key": c.code, "label": c.label, "single": c.single, "requiredOf": list(c.required_of)} for c in table.columns],
        "rows": rows,
        "states": STATES,
        "read": dict(sorted(read.items())),
        "postings": postings_json(facts, cited),
    }


def designations_page(
    source: SparqlSource,
    organisation: str | None = None,
    *,
    base: str = DEFAULT_BASE,
    limit: int = DEFAULT_LIMIT,
    facts: Facts | None = None,
) -> Page:
    """The matrix page for every organisation with a posting, or for one (``--org``)."""
    facts = facts or load_facts(source, base=base)
    filters: dict[str, str] = {}
    note = ""
    if organisation:
        key = organisation_key(source, organisation, base=base)
        keys = [key]
        filters["organisation"] = facts.organisation_name(key)
    else:
        everyone = sorted((o for o in facts.organisations.values() if o.postings),
                          key=lambda o: (-o.leadership_postings, -o.postings, o.name.lower(), o.key))
        keys = [o.key for o in everyone[:limit]]
        if len(everyone) > limit:
            note = (f"{len(everyone)} organisations have postings, more than the limit of {limit} rows: the {limit} with the "
                    "most leadership postings are listed; use --org NAME for another, or raise --limit.")
    table = matrix(facts, designation_findings(source), keys, base=base)
    data = _json(facts, table)
    leading = sum(1 for r in table.rows if r.leadership_postings)
    postings = sum(r.leadership_postings for r in table.rows)
    gaps = sum(r.gaps for r in table.rows)
    conflicts = sum(r.conflicts for r in table.rows)
    return Page(
        name="designations",
        template="designations.html",
        title=f"Statutory designations in {filters['organisation']}" if filters else "Statutory designations by organisation",
        description=(
            "Which post holds each statutory designation in each organisation. A gap is a designation nobody holds "
            "that organisations of its type must name; a conflict is a designation one person should hold claimed by "
            "two different posts whose postings were open at the same time (a re-advertised post is the same post). "
            "Click a cell for the sentence it was read from."
        ),
        data=data,
        note=note,
        filters=filters,
        question="Which organisations have no Caldicott Guardian (or any other statutory designation) named, and who holds each?",
        summary=(f"{plural(leading, 'organisation')} with leadership postings ({len(table.rows) - leading} more with other "
                 f"postings only), {plural(gaps, 'gap')} and {plural(conflicts, 'conflict')}, "
                 f"based on {plural(postings, 'leadership posting')}"),
    )
