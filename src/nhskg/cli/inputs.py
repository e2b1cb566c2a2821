"""The posting files and folders a command reads (``build``, ``extract``, ``evaluate --against``).

Taken alike by every such command, and checked at the edge only for whether ANY of them can be
read: the reader names each one it cannot read in its own line and goes on with the rest (exit
1), so one mistyped path never costs the others. When none can be read, each is named and it is a
usage error (exit 2) before anything is read or a store opened.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from ..extract.postings import Posting

__all__ = ["PATHS", "AGAINST", "Reading"]


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


class Reading:
    """The postings in ``paths`` (files or folders), extracted as ``nhskg extract`` prints them;
    each file or record that cannot be read is named on stderr, one line, and counted in
    :attr:`skipped` (the command then exits 1)."""

    def __init__(self, paths: Sequence[str | Path], *, full: bool | None) -> None:
        self.paths = paths
        self.full = full
        self.skipped = 0

    def __iter__(self) -> Iterator[Posting]:
        from ..pipeline.build import read_postings
        from ..read.documents import Problem

        for item in read_postings(self.paths, full=self.full):
            if isinstance(item, Problem):
                self.skipped += 1
                click.echo(f"{item.kind} {item}", err=True)
            else:
                yield item
