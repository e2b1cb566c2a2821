"""The one family of exceptions the library raises; only the CLI turns them into exit codes."""

from __future__ import annotations

__all__ = [
    "NhskgError",
    "InputError",
    "VocabularyError",
    "QueryError",
    "QueryRefused",
    "StoreError",
    "ValidationFailed",
]


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
        where = f"{source} (record {record})" if record is not None else source
        super().__init__(f"{where}: {problem}")


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
