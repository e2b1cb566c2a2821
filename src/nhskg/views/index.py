"""Write every view for a graph plus ``index.html``: a link to each view and what the graph covers."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import QueryError
from ..namespaces import DEFAULT_BASE
from ..sparql.sources import SparqlSource
from .common import table
from .compare import compare_page
from .drift import drift_page
from .facts import load_facts
from .html import _environment, write_html
from .matrix import designations_page
from .model import DEFAULT_LIMIT, ViewModel
from .orgchart import reporting_page
from .common import with_coverage
from .page import Page, write_page
from .profile import profile_page
from .query import query_view
from .roles import roles_view

__all__ = ["Written", "summary", "coverage", "write_all", "render_index", "QUERY_EXAMPLE"]

#: The library query the index links as an example of the query view.
QUERY_EXAMPLE = "role-network"


@dataclass(frozen=True)
class Written:
    """One page written: its file, title, description, what it draws and any note."""

    path: Path
    title: str
    description: str
    size: str
    note: str
    question: str = ""


def summary(source: SparqlSource) -> tuple[tuple[str, int], ...]:
    """The graph's headline figures, in a fixed order."""
    row = table(source, "summary").python()[0]
    names = (
        ("postings", "postings read"),
        ("modelled", "postings modelled in full (leadership postings)"),
        ("organisations", "organisations"),
        ("leading_organisations", "organisations with a leadership posting"),
        ("posts", "posts"),
        ("role_types", "role types"),
        ("duties", "duties"),
        ("designations_held", "designations held"),
        ("quads", "triples (all named graphs)"),
    )
    figures = tuple((label, int(row[key] or 0)) for key, label in names)  # type: ignore[call-overload]
    reviewed = table(source, "review-summary").python()[0]  # decisions in curation/, applied by the build
    return figures + (
        ("facts a reviewer can decide on (lines, designations, bodies, requirements)", int(reviewed["reviewable"] or 0)),  # type: ignore[call-overload]
        ("of which reviewed: accepted or corrected", int(reviewed["accepted"] or 0) + int(reviewed["corrected"] or 0)),  # type: ignore[call-overload]
    )


def coverage(figures: tuple[tuple[str, int], ...]) -> str:
    """One sentence on what the views are based on."""
    values = dict(figures)
    read, full = values["postings read"], values["postings modelled in full (leadership postings)"]
    return (f"The views are based on {read} postings read, {full} of them leadership postings modelled in full "
            f"(the other {read - full} are recorded by title, employer and pay only), from "
            f"{values['organisations']} organisations ({values['organisations with a leadership posting']} with a "
            "leadership posting).")


def _write_page(page: Page, path: Path) -> Written:
    write_page(page, path)
    return Written(path, page.title, page.description, page.summary, page.note, page.question)


def _write_model(model: ViewModel, path: Path, question: str) -> Written:
    write_html(model, path)
    return Written(path, model.title, model.description, f"{len(model.nodes)} nodes, {len(model.edges)} lines", model.note, question)


def render_index(figures: tuple[tuple[str, int], ...], pages: list[Written], out: Path, notes: tuple[str, ...] = (),
                 dated: str = "", roles: tuple[tuple[str, int, int], ...] = ()) -> str:
    """The index page: coverage, a link (relative) to every view, the summary figures and the
    postings of each role type (``nhskg summary`` gives the same figures)."""
    links = [{"href": p.path.relative_to(out).as_posix(), "title": p.title, "description": p.description,
              "size": p.size, "note": p.note, "question": p.question} for p in pages]
    return _environment().get_template("index.html").render(figures=figures, coverage=coverage(figures), pages=links,
                                                            notes=notes, dated=dated, roles=roles)


def _rests_on(source: SparqlSource) -> tuple[str, tuple[tuple[str, int, int], ...]]:
    """The postings' date range and their counts per role type (label, postings, modelled in full)."""
    from ..queries.coverage import coverage as what_it_rests_on, role_counts

    span = what_it_rests_on(source)
    dated = f"{span.first} to {span.last}" if span.first else ""
    roles = tuple(sorted(((c.label, c.postings, c.full) for c in role_counts(source)), key=lambda r: (-r[1], r[0])))
    return dated, roles


def write_all(
    source: SparqlSource,
    out: Path,
    *,
    organisations: tuple[str, ...] = (),
    role: str = "chief-medical-officer",
    role_a: str = "chief-medical-officer",
    role_b: str = "chief-nurse",
    base: str = DEFAULT_BASE,
    limit: int = DEFAULT_LIMIT,
) -> list[Written]:
    """Write every view and ``index.html`` into ``out`` (index last).

    One ``organisations`` name applies to the chart, the designations and the profile (when the
    organisation has a posting of ``role``); two open the comparison. The roles, drift and query
    views are drawn across every organisation, and the index says so.
    """
    out.mkdir(parents=True, exist_ok=True)
    facts = load_facts(source, base=base)
    one = organisations[0] if len(organisations) == 1 else None
    notes = []
    if organisations:
        notes.append(
            f"Drawn for {' and '.join(organisations)}: "
            + ("the chart, the designations and the role profile are filtered to it; " if one else "the comparison opens on them; ")
            + "the role comparison, the drift and the query view cover every organisation (they have no organisation filter)."
        )
    try:
        profile = profile_page(source, role, one, base=base, facts=facts)
    except QueryError as error:
        if not one:
            raise
        notes.append(str(error) + "; the role profile is drawn for every organisation.")
        profile = profile_page(source, role, None, base=base, facts=facts)
    def _page(page: Page, path: Path) -> Written:  # every page says what it rests on
        return _write_page(with_coverage(page, source), path)

    def _model(model: ViewModel, path: Path, question: str) -> Written:
        return _write_model(with_coverage(model, source), path, question)

    pages = [
        _page(reporting_page(source, one, base=base, limit=limit, facts=facts), out / "reporting.html"),
        _page(designations_page(source, one, base=base, limit=limit, facts=facts), out / "designations.html"),
        _page(profile, out / "profile.html"),
        _page(compare_page(source, organisations if len(organisations) == 2 else (), base=base, limit=limit, facts=facts),
              out / "compare.html"),
        _model(roles_view(source, role_a, role_b, base=base, limit=limit, facts=facts), out / "roles.html",
               "Which duty areas do two role types each claim, which do they share, and where do they work jointly?"),
        _page(drift_page(source, role, base=base, facts=facts), out / "drift.html"),
        _model(query_view(source, QUERY_EXAMPLE, base=base, limit=limit), out / f"query-{QUERY_EXAMPLE}.html",
               "Any library query drawn as a graph; this one: how are role types linked by their lines?"),
    ]
    index = out / "index.html"
    dated, roles = _rests_on(source)
    index.write_text(render_index(summary(source), pages, out, tuple(notes), dated, roles), encoding="utf-8", newline="\n")
    return [*pages, Written(index, "Index", "every view and what the graph covers", "", "")]
