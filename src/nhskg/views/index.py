"""Write every view for a graph plus ``index.html``: links to each view and the graph's summary figures."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..namespaces import DEFAULT_BASE
from ..sparql import SparqlSource
from .common import table
from .designations import designations_view
from .html import _environment, write_html
from .model import DEFAULT_LIMIT, ViewModel
from .reporting import reporting_view
from .roles import roles_view

__all__ = ["Written", "summary", "write_all", "render_index"]


@dataclass(frozen=True)
class Written:
    """One page written: its file, title and how many nodes and lines it draws."""

    path: Path
    title: str
    description: str
    nodes: int
    edges: int
    note: str


def summary(source: SparqlSource) -> tuple[tuple[str, int], ...]:
    """The graph's headline figures, in a fixed order."""
    row = table(source, "summary").python()[0]
    names = (
        ("postings", "postings"),
        ("organisations", "organisations"),
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


def _write(model: ViewModel, path: Path) -> Written:
    write_html(model, path)
    return Written(path, model.title, model.description, len(model.nodes), len(model.edges), model.note)


def render_index(figures: tuple[tuple[str, int], ...], pages: list[Written], out: Path) -> str:
    """The index page: summary table and a link (relative) to every view."""
    links = [{"href": p.path.relative_to(out).as_posix(), "title": p.title, "description": p.description,
              "nodes": p.nodes, "edges": p.edges, "note": p.note} for p in pages]
    return _environment().get_template("index.html").render(figures=figures, pages=links)


def write_all(
    source: SparqlSource,
    out: Path,
    *,
    organisation: str | None = None,
    role_a: str = "chief-medical-officer",
    role_b: str = "chief-nurse",
    base: str = DEFAULT_BASE,
    limit: int = DEFAULT_LIMIT,
) -> list[Written]:
    """Write reporting, roles and designations views and ``index.html`` into ``out``; index last."""
    out.mkdir(parents=True, exist_ok=True)
    pages = [
        _write(reporting_view(source, organisation, base=base, limit=limit), out / "reporting.html"),
        _write(roles_view(source, role_a, role_b, base=base, limit=limit), out / "roles.html"),
        _write(designations_view(source, organisation, base=base, limit=limit), out / "designations.html"),
    ]
    index = out / "index.html"
    index.write_text(render_index(summary(source), pages, out), encoding="utf-8", newline="\n")
    return [*pages, Written(index, "Index", "every view and the graph's summary figures", 0, 0, "")]
