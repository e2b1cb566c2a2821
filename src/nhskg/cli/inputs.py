"""The posting files and folders a command reads (``build``, ``extract``, ``evaluate --against``),
and how long it gives each posting's extraction (``--posting-timeout``).

Taken alike by every such command, and checked at the edge only for whether ANY of them can be
read: the reader names each one it cannot read in its own line and goes on with the rest (exit
1), so one mistyped path never costs the others. When none can be read, each is named and it is a
usage error (exit 2) before anything is read or a store opened.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import click

from .params import Seconds

if TYPE_CHECKING:
    from ..extract.postings import Posting

__all__ = ["PATHS", "AGAINST", "POSTING_TIMEOUT", "posting_timeout_option", "Reading"]

_Command = TypeVar("_Command", bound=Callable[..., object])


def _something_readable(ctx: click.Context, param: click.Parameter, paths: tuple[str, ...]) -> tuple[str, ...]:
    from ..read.files import path_problem

    problems = [problem for problem in map(path_problem, paths) if problem is not None]
    if paths and len(problems) == len(paths):
        for problem in problems:
            click.echo(f"{problem.kind} {problem}", err=True)
        raise click.BadParameter(
            "nothing to read: no path given can be read (each is named above); give files or folders of postings", ctx, param)
    return paths


#: No existence check of click's own (``exists=True`` stopped the whole command at one bad path,
#: and called a loop of links "does not exist"), nor ``path_type=Path``: ``Path("")`` is the
#: working folder, where the reader names an empty path.
_TYPE = click.Path(readable=False)

#: ``PATH...``, the postings a command reads.
PATHS = click.argument("paths", nargs=-1, required=True, type=_TYPE, callback=_something_readable)

#: ``--against PATH``, the postings ``evaluate`` extracts and scores.
AGAINST = click.option("--against", "against", multiple=True, type=_TYPE, callback=_something_readable,
                       help="Postings to extract and score (default: the sources named in the gold records).")


#: ``--posting-timeout``'s default: :data:`nhskg.pipeline.build.POSTING_TIMEOUT` (a test checks
#: they agree; that module is imported only when postings are read, not for ``--help``).
POSTING_TIMEOUT = 60.0


def posting_timeout_option(rest: str) -> Callable[[_Command], _Command]:
    """``--posting-timeout SECONDS`` (env NHSKG_POSTING_TIMEOUT), the same for every command that
    extracts postings; ``rest`` says what the command does with the others ("the rest is built")."""
    return click.option(
        "--posting-timeout", type=Seconds(min=0.1, max=86_400), default=POSTING_TIMEOUT, show_default=True,
        envvar="NHSKG_POSTING_TIMEOUT", metavar="SECONDS",
        help=f"Stop a posting whose extraction takes longer than this, leave it out and name it; {rest}"
             " (env NHSKG_POSTING_TIMEOUT).")


class Reading:
    """The postings in ``paths`` (files or folders), extracted as ``nhskg extract`` prints them;
    each file or record that cannot be read, or whose extraction is stopped after
    ``posting_timeout`` seconds, is named on stderr, one line, and counted in :attr:`skipped` (the
    command then exits 1)."""

    def __init__(self, paths: Sequence[str | Path], *, full: bool | None, posting_timeout: float | None) -> None:
        self.paths = paths
        self.full = full
        self.posting_timeout = posting_timeout
        self.skipped = 0

    def __iter__(self) -> Iterator[Posting]:
        from ..pipeline.build import read_postings
        from ..read.documents import Problem

        for item in read_postings(self.paths, full=self.full, posting_timeout=self.posting_timeout):
            if isinstance(item, Problem):
                self.skipped += 1
                click.echo(f"{item.kind} {item}", err=True)
            else:
                yield item
