"""``nhskg render``: write interactive, self-contained HTML views of the graph."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import echoed
from . import Settings, main
from .analyse_cmd import CONFIDENT
from .params import NAME_VALUE, Choice, Concept, GivenPath, IntRange

VIEWS = ("reporting", "designations", "profile", "compare", "roles", "drift", "query", "all")
DEFAULT_OUT = Path("out") / "views"
#: Views drawn across every organisation, with no organisation filter: --org is refused for them.
NO_ORG = {
    "roles": "the roles view compares two role types across every organisation; to see one organisation's "
             "postings of a role type against the rest use `render profile --role ROLE --org NAME`",
    "drift": "the drift view follows a role type across every organisation; to see one organisation use "
             "`render profile --role ROLE --org NAME` or `render reporting --org NAME`",
}
#: Views that draw tables and charts, not node-link graphs: --limit is refused for them.
NO_LIMIT = {"profile", "compare", "drift"}


@main.command("render")
@click.argument("view", type=Choice(VIEWS))
@click.option("--out", "out", type=GivenPath(f"a folder for the HTML files (default {DEFAULT_OUT.as_posix()})", file_okay=False),
              default=DEFAULT_OUT, show_default=True,
              help="Folder the HTML files are written to.")
@click.option("--org", "organisations", multiple=True, metavar="NAME",
              help="Only this organisation (its name as in the postings); give it twice for `compare`.")
@click.option("--role-a", type=Concept("role-type"), default="chief-medical-officer", show_default=True,
              help="First role type: a code, label or acronym (roles view).")
@click.option("--role-b", type=Concept("role-type"), default="chief-nurse", show_default=True,
              help="Second role type: a code, label or acronym (roles view).")
@click.option("--role", type=Concept("role-type"), default="chief-medical-officer", show_default=True,
              help="Role type: a code, label or acronym (profile and drift views).")
@click.option("--query", "query_name", default=None, help="Library query to draw (query view), e.g. one listed by `nhskg queries`.")
@click.option("--param", "-p", "param_pairs", multiple=True, type=NAME_VALUE,
              help="A query parameter (repeatable), as for `nhskg query`.")
@click.option("--limit", type=IntRange(min=1), default=None,
              help="Most nodes a graph view draws (default 1500); the chart's most posts, the designations' most rows.")
@CONFIDENT
@click.pass_obj
def render(settings: Settings, view: str, out: Path, organisations: tuple[str, ...], role_a: str, role_b: str, role: str,
           query_name: str | None, param_pairs: tuple[tuple[str, str], ...], limit: int | None,
           min_confidence: float | None) -> None:
    """Write VIEW as an HTML file and print its path.

    reporting: organisation charts; designations: the designations matrix; profile: what postings of
    a role type state; compare: two organisations side by side; roles: two role types' duty areas;
    drift: a role type over time; query: a library query as a graph; all: every view plus index.html.
    Each file carries its JavaScript and CSS inline and needs no network.
    """
    from ..views import common, compare, drift, html, index, matrix, model, orgchart, page, profile, query, roles
    from . import open_source

    size = limit or model.DEFAULT_LIMIT
    if view == "query" and not query_name:
        raise click.UsageError("the query view needs --query NAME")
    if view in NO_ORG and organisations:
        raise click.UsageError(f"--org does not apply: {NO_ORG[view]}")
    if view == "compare" and len(organisations) not in (0, 2):
        raise click.UsageError("the compare view takes two organisations: --org A --org B")
    if view not in ("compare", "all") and len(organisations) > 1:
        raise click.UsageError(f"the {view} view takes one --org; `render compare --org A --org B` sets two side by side")
    if view == "all" and len(organisations) > 2:
        raise click.UsageError("give at most two --org (two open the comparison)")
    if view in NO_LIMIT and limit is not None:
        raise click.UsageError(f"--limit does not apply to the {view} view: it draws tables and charts of every posting, not a graph")
    one = organisations[0] if organisations else None
    source = open_source(settings)
    if min_confidence is not None:  # the views drawn from the surer facts only
        from ..curation.confident import confident_only

        source = confident_only(source, min_confidence)
    if view == "all":
        for written in index.write_all(source, out, organisations=organisations, role=role, role_a=role_a, role_b=role_b,
                                       base=settings.base, limit=size):
            click.echo(f"{written.path}" + (f"  ({written.size})" if written.size else ""))
            if written.note:
                click.echo(f"  note: {written.note}", err=True)
        return
    drawn: model.ViewModel | page.Page
    if view == "reporting":
        drawn = orgchart.reporting_page(source, one, base=settings.base, limit=size)
    elif view == "designations":
        drawn = matrix.designations_page(source, one, base=settings.base, limit=size)
    elif view == "profile":
        drawn = profile.profile_page(source, role, one, base=settings.base)
    elif view == "compare":
        drawn = compare.compare_page(source, organisations, base=settings.base)
    elif view == "roles":
        drawn = roles.roles_view(source, role_a, role_b, base=settings.base, limit=size)
    elif view == "drift":
        drawn = drift.drift_page(source, role, base=settings.base)
    else:
        params = dict(param_pairs)
        if one:
            params = _org_param(source, query_name or "", params, one)
        drawn = query.query_view(source, query_name or "", params, base=settings.base, limit=size)
    name = f"query-{query_name}.html" if view == "query" else f"{view}.html"
    drawn = common.with_coverage(drawn, source)
    if isinstance(drawn, page.Page):
        path = page.write_page(drawn, out / name)
        size_text = drawn.summary
    else:
        path = html.write_html(drawn, out / name)
        size_text = f"{len(drawn.nodes)} nodes, {len(drawn.edges)} lines"
    click.echo(f"{path}  ({size_text})")
    if drawn.note:
        click.echo(f"note: {drawn.note}", err=True)


def _org_param(source, query_name: str, params: dict[str, str], organisation: str) -> dict[str, str]:
    """--org for the query view: the query's ``org`` or ``organisation`` parameter, or a clear refusal."""
    from ..queries.library import load_query
    from ..views.common import resolve_organisation

    query = load_query(query_name)
    names = [p.name for p in query.parameters if p.name in ("org", "organisation")]
    if not names:
        raise click.UsageError(
            f"--org does not apply: query '{echoed(query_name)}' has no organisation parameter "
            f"(its parameters: {', '.join(p.name for p in query.parameters) or 'none'})"
        )
    iri, _ = resolve_organisation(source, organisation)
    return {**params, names[0]: iri}
