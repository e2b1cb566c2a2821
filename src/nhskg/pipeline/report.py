"""What a build did: its report, and the report with what the reviewers' decisions did (for the Python API;
the CLI prints both)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..curation.apply import CurationReport
from ..errors import shown
from ..read.documents import Problem
from ..graph.validate import ValidationReport
from .identity import Replaced

__all__ = ["BuildReport", "BuildInterrupted", "CuratedBuildReport", "with_curation", "replaced_lines"]

#: Ids named on the line of several postings moved from one file to another.
_EXAMPLES = 3


def replaced_lines(replaced: Sequence[Replaced]) -> list[str]:
    """One line per old file and new file, in the order first met: a posting that moved alone as
    itself, several (a whole feed under a new name) counted, with a few of their ids.

    >>> from nhskg.pipeline.identity import Replaced
    >>> for line in replaced_lines([Replaced(f"n{i}", "A/feed.jsonl", "B/feed.jsonl") for i in range(5)]
    ...                            + [Replaced("cmo", "A/cmo.txt", "B/cmo.txt")]):
    ...     print(line)
    5 postings read from A/feed.jsonl are replaced by the ones in B/feed.jsonl (n0, n1, n2, ...)
    posting cmo read from A/cmo.txt is replaced by the one in B/cmo.txt
    """
    moves: dict[tuple[str, str], list[Replaced]] = {}
    for one in replaced:
        moves.setdefault((one.was, one.now), []).append(one)
    lines = []
    for (was, now), moved in moves.items():
        if len(moved) == 1:
            lines.append(str(moved[0]))
            continue
        ids = ", ".join(shown(one.id) for one in moved[:_EXAMPLES]) + (", ..." if len(moved) > _EXAMPLES else "")
        lines.append(f"{len(moved)} postings read from {shown(was)} are replaced by the ones in {shown(now)} ({ids})")
    return lines


@dataclass(frozen=True)
class BuildReport:
    """What a build did.

    ``postings_written`` postings went to the store, which held ``triples`` afterwards (``None``:
    not counted, the build was interrupted once live); ``postings_stored`` postings were counted
    there afterwards, each in its own graph holding its own id (``None``: not counted), those
    written and those it held already, made from the same input, which the build kept as they were
    without extracting them again (``postings_unchanged`` of them). ``merged`` counts records read
    twice with identical content (the same posting in two inputs), stored once. ``replaced`` are
    the postings the store held, read from another file, that the build replaced (not a problem:
    the later build has the last word, but nobody should learn it by accident). ``committed`` is
    False when the build stored no posting and met problems: it made nothing live, so that a
    ``--fresh`` build of files that are all unreadable does not replace the store with an empty one.
    """

    store: str
    postings_read: int
    postings_written: int
    problems: tuple[Problem, ...]
    triples: int | None
    seconds: float
    validation: ValidationReport | None
    postings_stored: int | None = None
    merged: int = 0
    #: Postings read whose graph the store held already, made from the same input: kept, not written.
    postings_unchanged: int = 0
    replaced: tuple[Replaced, ...] = ()
    #: False: no posting could be read (or stored), only problems, and the store is as it was.
    committed: bool = True

    @property
    def ok(self) -> bool:
        """Nothing skipped or left out, every posting written is stored (a kept one missing is a problem), and the graph conforms (or was not validated)."""
        stored = self.postings_stored is None or self.postings_stored == self.postings_written + self.postings_unchanged
        return not self.problems and stored and (self.validation is None or self.validation.conforms)

    def summary(self) -> str:
        stored = self.postings_written + self.postings_unchanged if self.postings_stored is None else self.postings_stored
        skipped = sum(1 for problem in self.problems if problem.kind == "skipped")
        triples = "triples not counted" if self.triples is None else f"{self.triples} triples"
        notes = [f"{self.merged} duplicate record{'s' if self.merged != 1 else ''} merged"] if self.merged else []
        if len(self.problems) > skipped:
            notes.append(f"{len(self.problems) - skipped} with a value left out")
        if self.replaced:
            notes.append(f"{len(self.replaced)} replaced from another file")
        if not self.committed:
            why = "no posting could be read" if not self.postings_read else "no posting read could be stored"
            lines = [
                f"{self.postings_read} posting(s) read, {skipped} skipped{''.join(', ' + note for note in notes)}; {why},"
                f" so nothing was replaced: the previous store in {self.store} is unchanged; fix or remove the files"
                f" named below and build again; {self.seconds:.1f} s"
            ]
        else:
            lines = [
                f"{self.postings_read} posting(s) read, {stored} stored ({self.postings_unchanged} unchanged), {skipped} skipped"
                f"{''.join(', ' + note for note in notes)}; {triples} in {self.store}; {self.seconds:.1f} s"
            ]
        lines += [f"  {problem.kind} {problem}" for problem in self.problems]
        lines += [f"  {line}" for line in replaced_lines(self.replaced)]
        if self.validation is not None:
            lines.append(self.validation.summary())
        return "\n".join(lines)


class BuildInterrupted(KeyboardInterrupt):
    """Ctrl-C once the build was committed (the store holds it) but before it was counted and
    validated: ``report`` is what it did, with ``triples`` and ``validation`` None. Still a
    KeyboardInterrupt, so whatever stops on Ctrl-C stops on it."""

    def __init__(self, report: BuildReport) -> None:
        super().__init__()
        self.report = report


@dataclass(frozen=True)
class CuratedBuildReport(BuildReport):
    """:class:`BuildReport` and the :class:`~nhskg.curation.apply.CurationReport` of the same build."""

    curation: CurationReport | None = None

    def summary(self) -> str:
        lines = super().summary()
        return lines if self.curation is None else f"{lines}\n{self.curation.summary()}"


def with_curation(report: BuildReport, curation: CurationReport) -> CuratedBuildReport:
    """``report`` with ``curation`` added (every other field as it was)."""
    fields = {name: getattr(report, name) for name in report.__dataclass_fields__}
    return CuratedBuildReport(**fields, curation=curation)


