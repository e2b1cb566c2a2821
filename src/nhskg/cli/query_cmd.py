"""``nhskg queries`` and ``nhskg query``: list the SPARQL library and run one of its questions.

Exit codes: 0 the query ran; 2 an unknown query, a bad parameter, or no store to query.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import NhskgError
from . import Settings, main, open_source

_FORMATS = ("table", "csv", "tsv", "json")


def _fail(error: Exception) -> "click.exceptions.Exit":
    click.echo(f"error: {error}", err=True)
    return click.exceptions.Exit(2)


def _param(value: str) -> tuple[str, str]:
    name, sep, text = value.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(f"'{value}' is not NAME=VALUE", param_hint="--param")
    return name.strip(), text


@main.command("queries")
def list_queries() -> None:
    """List the library's queries: name, title, parameters (type = default) and view."""
    from ..queries import load_queries

    try:
        library = load_queries()
    except NhskgError as error:
        raise _fail(error)
    for query in library.values():
        click.echo(f"{query.name}  [{query.view}]  {query.title}")
        for parameter in query.parameters:
            default = f" = {parameter.default}" if parameter.default is not None else " (optional)"
            click.echo(f"    --param {parameter.name}=…  {parameter.type}{default}  {parameter.description}")


@main.command("query")
@click.argument("name")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter value; repeat for several (see `nhskg queries`).")
@click.option("--format", "-f", "fmt", type=click.Choice(_FORMATS), default="table", show_default=True,
              help="table for people; csv, tsv and json are the W3C SPARQL 1.1 result formats.")
@click.pass_obj
def query(settings: Settings, name: str, params: tuple[str, ...], fmt: str) -> None:
    """Run library query NAME (or a .rq FILE) on the store and print its result."""
    from ..queries import bind, load_query, run_query
    from ..results import format_result

    try:
        values = dict(_param(p) for p in params)
    except click.BadParameter as error:
        raise _fail(error.format_message())
    try:
        library_query = load_query(Path(name) if name.endswith(".rq") else name)
        bind(library_query, values)  # a bad value fails here, before the store is opened
        result = run_query(open_source(settings), library_query, values)
        text = format_result(result, fmt, base=settings.base)
    except NhskgError as error:
        raise _fail(error)
    click.echo(text, nl=False)
