"""The one family of exceptions the library raises; only the CLI turns them into exit codes."""

from __future__ import annotations

import re

__all__ = [
    "shown",
    "NhskgError",
    "InputError",
    "VocabularyError",
    "QueryError",
    "QueryRefused",
    "StoreError",
    "ValidationFailed",
]


#: Characters that would break a message's line or hide what it names: controls (a newline in a
#: file name split its error line in two), line separators and undecodable bytes (surrogates).
_UNSHOWABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte the file system name did not decode (surrogateescape)
        return f"\\x{code - 0xDC00:02x}"
    return repr(match.group())[1:-1]


def shown(text: str) -> str:
    """``text`` (a file name, a record id) fit for one line of a message: control characters and
    undecodable bytes escaped the way Python writes them, everything else as it is.

    >>> print(shown("cmo.txt"), shown("two\\nlines.txt"), shown("caf\\udce9.txt"), shown("求人.txt"))
    cmo.txt two\\nlines.txt caf\\xe9.txt 求人.txt
    """
    return _UNSHOWABLE.sub(_escape, text) if _UNSHOWABLE.search(text) else text


class NhskgError(Exception):
    """Base class: every message says what was wrong, where, and what to do next."""


class InputError(NhskgError):
    """A source file (or one record in it) could not be read as a posting.

    Carries the file and record so that a build can report it and go on with the rest.
    """

    def __init__(self, source: str, problem: str, record: str | None = None) -> None:
        self.source = source
        self.problem = problem
        self.record = record
        where = f"{shown(source)} (record {shown(record)})" if record is not None else shown(source)
        super().__init__(f"{where}: {shown(problem)}")


class VocabularyError(NhskgError):
    """A vocabulary file in ontology/ is malformed: names the file and the concept."""


class QueryError(NhskgError):
    """A library query is missing, malformed, or was given a parameter it does not take."""


class StoreError(NhskgError):
    """The store directory cannot be opened, written or swapped."""


class ValidationFailed(NhskgError):
    """The graph violates the SHACL shapes in ontology/shapes.ttl."""


class QueryRefused(QueryError):
    """A query text the engine must not be given: too large, nested too deep, or asking another endpoint."""
