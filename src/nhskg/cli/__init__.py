"""The ``nhskg`` command line: a thin click layer over the library.

The library raises :class:`nhskg.errors.NhskgError`; only this layer turns errors into messages
and exit codes, in one place (:class:`_Commands`), so the same mistake exits the same way from
every command. Each stage's commands live in their own module and register on :data:`main`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click

from ..errors import NhskgError, shown
from ..namespaces import DEFAULT_BASE
from ..paths import DEFAULT_STORE
from .params import StoreDir

__all__ = ["main", "Settings", "DEFAULT_STORE", "open_source", "EXIT_CODES"]

#: What ``nhskg`` exits with; the README and ``nhskg --help`` print this table.
EXIT_CODES = (
    (0, "done"),
    (1, "a problem in the data, the store or the endpoint (a file skipped, the shapes violated, "
        "no store built, an output that cannot be written)"),
    (2, "a usage mistake (an unknown option, query, parameter, role type, organisation or fact; "
        "a parameter not NAME=VALUE; query text that does not parse; an empty folder or file)"),
    (3, "a query ran past --timeout and was stopped"),
)

_EPILOG = "Exit codes: " + "; ".join(f"{code} {meaning}" for code, meaning in EXIT_CODES) + "."


def _fail(message: str, code: int) -> click.exceptions.Exit:
    """One line on stderr, and the exit that carries ``code`` out of click's main."""
    click.echo(f"error: {message}", err=True)
    return click.exceptions.Exit(code)


class _Commands(click.Group):
    """The ``nhskg`` group: the one place errors become messages and exit codes.

    An :class:`~nhskg.errors.NhskgError` prints ``error: <message>`` (the message names the file
    and the problem) and exits with its ``exit_code``; a click usage error, one line and 2; an
    operating-system error naming a file (a read-only or full output folder), one line and 1.
    """

    def make_context(self, info_name: str | None, args: list[str], parent: click.Context | None = None,
                     **extra: Any) -> click.Context:
        # The group's own options (``--store``, ``--base``) are parsed here, before :meth:`invoke`:
        # a mistake in them is one line and 2 as well, not click's usage block.
        try:
            return super().make_context(info_name, args, parent, **extra)
        except click.exceptions.NoArgsIsHelpError:  # ``nhskg`` alone prints the help
            raise
        except click.UsageError as error:
            where = error.ctx.command_path if error.ctx is not None else info_name or self.name
            raise _fail(f"{error.format_message()} (see `{where} --help`)", 2) from error

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NhskgError as error:
            raise _fail(str(error), error.exit_code) from error
        except click.UsageError as error:
            where = error.ctx.command_path if error.ctx is not None else ctx.command_path
            raise _fail(f"{error.format_message()} (see `{where} --help`)", 2) from error
        except OSError as error:
            if error.filename is None:
                raise
            what = error.strerror or str(error)
            raise _fail(f"{shown(str(error.filename))}: {what}; choose another place or free some space", 1) from error


@dataclass
class Settings:
    """Options shared by every subcommand, handed down through click's context object."""

    store: Path = field(default=DEFAULT_STORE)
    base: str = DEFAULT_BASE
    endpoint: str | None = None


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]}, epilog=_EPILOG)
@click.option(
    "--store",
    type=StoreDir(),
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
