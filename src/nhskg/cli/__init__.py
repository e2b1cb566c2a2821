"""The ``nhskg`` command line: a thin click layer over the library.

The library raises :class:`nhskg.errors.NhskgError`; only this layer turns errors into messages
and exit codes. Each stage's commands live in their own module and register on :data:`main`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click

from ..namespaces import DEFAULT_BASE
from ..paths import DEFAULT_STORE

__all__ = ["main", "Settings", "DEFAULT_STORE", "open_source"]



@dataclass
class Settings:
    """Options shared by every subcommand, handed down through click's context object."""

    store: Path = field(default=DEFAULT_STORE)
    base: str = DEFAULT_BASE
    endpoint: str | None = None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--store",
    type=click.Path(file_okay=False, path_type=Path),
    default=DEFAULT_STORE,
    show_default=True,
    envvar="NHSKG_STORE",
    help="Directory of the embedded graph store (env NHSKG_STORE).",
)
@click.option(
    "--base",
    default=DEFAULT_BASE,
    show_default=True,
    envvar="NHSKG_BASE",
    help="Base namespace for the IRIs of organisations, posts and postings (env NHSKG_BASE).",
)
@click.option(
    "--endpoint",
    default=None,
    envvar="NHSKG_ENDPOINT",
    help="A SPARQL 1.1 endpoint to use instead of the embedded store (env NHSKG_ENDPOINT). "
    "Credentials come from NHSKG_ENDPOINT_USER / NHSKG_ENDPOINT_PASSWORD or ~/.netrc, never from the command line.",
)
@click.version_option(package_name="nhskg")
@click.pass_context
def main(ctx: click.Context, store: Path, base: str, endpoint: str | None) -> None:
    """Build and interrogate a knowledge graph of who is accountable for what in senior NHS roles."""
    ctx.obj = Settings(store=store, base=base, endpoint=endpoint)


def open_source(settings: Settings):
    """The graph every reading command asks: the remote endpoint if one is set, else the store."""
    if settings.endpoint:
        from ..sparql.endpoint import EndpointSource

        return EndpointSource.from_settings(settings.endpoint)
    from ..graph.store import GraphStore

    return GraphStore.open(settings.store).source()


def _register() -> None:
    # Imported for their side effect of adding commands to ``main``.
    from . import extract_cmd  # noqa: F401
    from . import graph_cmd  # noqa: F401
    from . import query_cmd  # noqa: F401
    from . import analyse_cmd  # noqa: F401
    from . import render_cmd  # noqa: F401
    from . import serve_cmd  # noqa: F401
    from . import summary_cmd  # noqa: F401
    from . import review_cmd  # noqa: F401


_register()
