"""``nhskg render``: write interactive, self-contained HTML views of the graph."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import NhskgError
from . import Settings, main

VIEWS = ("reporting", "roles", "designations", "query", "drift", "all")
DEFAULT_OUT = Path("out") / "views"


def _params(pairs: tuple[str, ...]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        if "=" not in pair:
            raise click.BadParameter(f"'{pair}' is not NAME=VALUE", param_hint="--param")
        key, value = pair.split("=", 1)
        params[key.strip()] = value.strip()
    return params


@main.command("render")
@click.argument("view", type=click.Choice(VIEWS))
@click.option("--out", "out", type=click.Path(file_okay=False, path_type=Path), default=DEFAULT_OUT, show_default=True,
              help="Folder the HTML files are written to.")
@click.option("--org", "organisation", default=None, help="Only this organisation (its name as in the postings).")
@click.option("--role-a", default="chief-medical-officer", show_default=True, help="First role type: code, label or acronym (roles view).")
@click.option("--role-b", default="chief-nurse", show_default=True, help="Second role type: code, label or acronym (roles view).")
@click.option("--role", default="chief-medical-officer", show_default=True, help="Role type: code, label or acronym (drift view).")
@click.option("--query", "query_name", default=None, help="Library query to draw (query view), e.g. one listed by `nhskg queries`.")
@click.option("--param", "param_pairs", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@click.option("--limit", type=click.IntRange(min=1), default=None,
              help="Most nodes drawn before a view aggregates or asks for a filter (default 1500).")
@click.pass_obj
def render(settings: Settings, view: str, out: Path, organisation: str | None, role_a: str, role_b: str, role: str,
           query_name: str | None, param_pairs: tuple[str, ...], limit: int | None) -> None:
    """Write VIEW (reporting, roles, designations, query, drift or all) as HTML files and print their paths.

    `all` writes reporting, roles and designations plus index.html linking them with the graph's
    summary figures. Each file carries its JavaScript and CSS inline and needs no network.
    """
    from ..views import designations, drift, html, index, model, query, reporting, roles
    from . import open_source

    size = limit or model.DEFAULT_LIMIT
    if view == "query" and not query_name:
        raise click.UsageError("the query view needs --query NAME")
    try:
        source = open_source(settings)
        if view == "all":
            for page in index.write_all(source, out, organisation=organisation, role_a=role_a, role_b=role_b,
                                        base=settings.base, limit=size):
                click.echo(f"{page.path}" + (f"  ({page.nodes} nodes, {page.edges} lines)" if page.path.name != "index.html" else ""))
                if page.note:
                    click.echo(f"  note: {page.note}", err=True)
            return
        if view == "reporting":
            drawn = reporting.reporting_view(source, organisation, base=settings.base, limit=size)
        elif view == "roles":
            drawn = roles.roles_view(source, role_a, role_b, base=settings.base, limit=size)
        elif view == "designations":
            drawn = designations.designations_view(source, organisation, base=settings.base, limit=size)
        elif view == "drift":
            drawn = drift.drift_view(source, role, base=settings.base, limit=size)
        else:
            drawn = query.query_view(source, query_name or "", _params(param_pairs), base=settings.base, limit=size)
        name = f"query-{query_name}.html" if view == "query" else f"{view}.html"
        path = html.write_html(drawn, out / name)
    except NhskgError as error:
        raise click.ClickException(str(error)) from error
    except OSError as error:  # a read-only or full --out folder
        raise click.ClickException(
            f"{error.filename or out}: cannot write ({error.strerror or error}); choose a writable --out folder or free some space"
        ) from error
    click.echo(f"{path}  ({len(drawn.nodes)} nodes, {len(drawn.edges)} lines)")
    if drawn.note:
        click.echo(f"note: {drawn.note}", err=True)
