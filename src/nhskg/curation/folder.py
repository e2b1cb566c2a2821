"""The curation folder: reviewers' decision files read, checked and written.

Takes a folder of ``<reviewer>.csv`` files (``curation/`` by default); gives the
:class:`~nhskg.curation.decisions.Decisions` in force, each checked and, with a vocabulary, its
corrections checked against their schemes, naming the file and line of any mistake; and writes
one reviewer's decision into that reviewer's file, locked and atomically, so that the served
review page and the command line can both write. Separate from what a decision is
(:mod:`.decisions`) because this is the only part that touches the disk.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import os
import tempfile
from dataclasses import replace
from pathlib import Path
from typing import Iterable, Iterator

from ..errors import echoed
from ..paths import given_path
from .decisions import COLUMNS, FIELD_SCHEMES, CurationError, Decision, Decisions, _check, reviewer_file


def _sort_key(decision: Decision) -> tuple[str, ...]:
    return decision.key


def _read_file(path: Path) -> list[Decision]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise CurationError(f"{path}: cannot read the decision file ({error})") from error
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise CurationError(f"{path}: the first line must be the header {','.join(COLUMNS)}")
    decisions: dict[tuple[str, ...], Decision] = {}
    for number, row in enumerate(reader, start=2):
        if None in row:
            raise CurationError(f"{path}:{number}: more cells than the {len(COLUMNS)} columns")
        decision = _check(row, f"{path}:{number}")
        key = (*decision.key, decision.reviewer)
        previous = decisions.get(key)
        if previous is None or previous.date <= decision.date:  # a hand-merged file: the latest stands
            decisions[key] = decision
    return list(decisions.values())


def decision_files(directory: Path) -> list[Path]:
    """The ``*.csv`` files directly in ``directory``, sorted (a README or notes beside them are ignored)."""
    return sorted(p for p in Path(directory).glob("*.csv") if p.is_file())


def load_decisions(directory: Path | str, vocab: object | None = None) -> Decisions:
    """Every decision in the ``*.csv`` files of ``directory`` (none if it does not exist).

    With ``vocab`` (a :class:`~nhskg.vocabulary.vocab.Vocabulary`), a correction's ``to_code`` is checked
    against the scheme of its ``to_field``, so a typo fails here, naming the file and line, and not
    half-way through a build.
    An empty or blank str is :class:`~nhskg.errors.EmptyPathError`: ``Path("")`` would read the
    working folder's ``*.csv`` as decisions.
    """
    directory = given_path(directory, "directory=", "the curation folder")
    if not directory.is_dir():
        return Decisions({}, directory)
    decisions = [d for path in decision_files(directory) for d in _read_file(path)]
    if vocab is not None:
        for decision in decisions:
            if decision.decision == "correct" and not _in_schemes(vocab, decision.to_field, decision.to_code):
                raise CurationError(
                    f"{decision.where}: to_code '{echoed(decision.to_code)}' is not a code of "
                    f"{' or '.join(FIELD_SCHEMES[decision.to_field])} (ontology/vocab)"
                )
    return Decisions.of(decisions, directory)


def _in_schemes(vocab: object, field: str, code: str) -> bool:
    schemes = getattr(vocab, "schemes", ())
    return any(s.name in FIELD_SCHEMES[field] and code in s for s in schemes)


def _write_rows(handle: io.TextIOBase, decisions: Iterable[Decision]) -> None:
    writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for decision in sorted(decisions, key=_sort_key):
        writer.writerow(decision.row())


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """One writer of a curation folder at a time (the served page and the command line may both write)."""
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def record_decision(directory: Path | str, decision: Decision) -> Path:
    """Write ``decision`` into its reviewer's file in ``directory``; returns the file.

    The reviewer's earlier line about the same fact, if any, is replaced; lines stay sorted by
    posting, field and code. The file is written beside itself and renamed over the old one, so
    it is complete or unchanged. Only a plain file directly inside ``directory`` is ever written:
    the name comes from :func:`reviewer_file`, and a file that is a link is refused. An empty or
    blank str is :class:`~nhskg.errors.EmptyPathError`, not the working folder.
    """
    directory = given_path(directory, "directory=", "the curation folder")
    checked = _check(decision.row(), "the decision")
    try:
        directory.mkdir(exist_ok=True)
    except OSError as error:
        raise CurationError(f"{directory}: cannot create the curation folder ({error})") from error
    path = reviewer_file(directory, checked.reviewer)
    if path.parent.resolve() != directory.resolve() or path.is_symlink() or (path.exists() and not path.is_file()):
        raise CurationError(f"{path}: not a plain file in {directory}; refusing to write there")
    with _locked(directory):
        kept = [d for d in (_read_file(path) if path.exists() else []) if d.key != checked.key]
        descriptor, temporary = tempfile.mkstemp(prefix=".decisions-", suffix=".tmp", dir=directory)
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as handle:
                _write_rows(handle, [*kept, replace(checked, where="")])
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
            raise
    return path


def decisions_text(decisions: Iterable[Decision]) -> str:
    """Decisions as the CSV text of a decision file (header first, sorted)."""
    buffer = io.StringIO()
    _write_rows(buffer, decisions)
    return buffer.getvalue()


#: The curation folder a build reads when it is not told another: ``curation/`` in the working folder.
DEFAULT_DIRECTORY = Path("curation")


def open_decisions(directory: Path | None = None) -> Decisions | None:
    """The decisions a build applies: those in ``directory``, else in ``curation/`` of the working
    folder; None when no folder was named and there is none. Checked against the vocabulary."""
    from ..vocabulary.vocab import load_vocabulary

    if directory is None:
        if not DEFAULT_DIRECTORY.is_dir():
            return None
        directory = DEFAULT_DIRECTORY
    return load_decisions(directory, load_vocabulary())
