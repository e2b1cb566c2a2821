"""``nhskg queries`` and ``nhskg query``: list the SPARQL library and run one of its questions, or your own.

Exit codes as every command's (``nhskg --help``): 0 the query ran; 1 no store or endpoint to ask;
2 an unknown query, a bad parameter or query text; 3 the query ran past ``--timeout`` and was stopped.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import NhskgError
from . import Settings, main
from .params import NAME_VALUE, Choice, FloatRange

_FORMATS = ("table", "csv", "tsv", "json")


def timed_source(settings: Settings, timeout: float):  # type: ignore[no-untyped-def]
    """The graph to ask, each query stopped after ``timeout`` seconds (a child process for the
    embedded store, the HTTP time limit for an endpoint)."""
    if settings.endpoint:
        from dataclasses import replace

        from ..sparql.endpoint import EndpointSource

        remote = EndpointSource.from_settings(settings.endpoint)
        return EndpointSource(replace(remote.config, timeout=timeout))
    from ..queries.timeout import TimedSource

    return TimedSource(settings.store, timeout)


@main.command("queries")
def list_queries() -> None:
    """List the library's queries: name, title, parameters (type = default) and view."""
    from ..queries.library import load_queries

    library = load_queries()
    for query in library.values():
        click.echo(f"{query.name}  [{query.view}]  {query.title}")
        for parameter in query.parameters:
            default = f" = {parameter.default}" if parameter.default is not None else " (optional)"
            click.echo(f"    --param {parameter.name}=…  {parameter.type}{default}  {parameter.description}")


@main.command("query")
@click.argument("name", required=False)
@click.option("--text", "-t", "text", default=None, metavar="SPARQL",
              help="Run this SPARQL text (- reads it from standard input) instead of NAME or FILE.")
@click.option("--param", "-p", "params", multiple=True, type=NAME_VALUE,
              help="A parameter value; repeat for several (see `nhskg queries`). Role types, designations, "
                   "bodies and duty areas take a code, a label or an acronym (role=CMO).")
@click.option("--format", "-f", "fmt", type=Choice(_FORMATS), default="table", show_default=True,
              help="table for people; csv and tsv for spreadsheets; json is the W3C SPARQL 1.1 JSON results.")
@click.option("--iris", is_flag=True,
              help="Full IRIs instead of codes and data: paths (csv and tsv then follow the W3C result formats).")
@click.option("--timeout", type=FloatRange(min=0.1), default=60.0, show_default=True,
              help="Seconds the query may run before it is stopped.")
@click.pass_obj
def query(settings: Settings, name: str | None, text: str | None, params: tuple[tuple[str, str], ...], fmt: str,
          iris: bool, timeout: float) -> None:
    """Run library query NAME, your own .rq FILE, or --text SPARQL on the store and print the result.

    Your own queries need no header and may leave out the PREFIX lines of the project's prefixes
    (nhskg, org, schema, skos, prov, dcterms, rdf, rdfs, xsd, owl, data, and one per concept
    scheme such as role-type: or designation:). A table ends with the postings it rests on.
    """
    from ..queries.binding import bind
    from ..queries.library import load_query, query_from_text
    from ..queries.running import run_query
    from ..queries.results import format_result

    values = dict(params)
    if text is not None and name is None:
        library_query = query_from_text(sys.stdin.read() if text == "-" else text)
    elif name is not None and text is None:
        library_query = load_query(Path(name) if name.endswith(".rq") else name)
    else:
        raise click.UsageError("give a query NAME or FILE, or --text 'SPARQL' (not both)")
    bindings = bind(library_query, values)  # a bad value fails here, before the store is opened
    source = timed_source(settings, timeout)
    result = run_query(source, library_query, values, base=settings.base)
    footer = _footer(source, library_query, bindings) if fmt == "table" else ""
    output = format_result(result, fmt, base=settings.base, iris=iris, footer=footer)
    click.echo(output, nl=False)


def _footer(source, query, bindings) -> str:  # type: ignore[no-untyped-def]
    """The coverage line: the graph's postings, and those of any role type the query was asked about."""
    from ..queries.coverage import footer

    roles = [str(bindings[p.name]) for p in query.parameters if p.scheme == "role-type" and p.name in bindings]
    try:
        return footer(source, roles)
    except NhskgError:
        return ""  # a store without the coverage facts (a hand-made graph): no footer rather than no answer
