"""Stage 1 -> 2 data: a document is one posting's cleaned text plus any structured fields.

Readers produce documents; the extractor turns each into a posting record. Evidence offsets in
the posting refer to ``Document.text``, so that text is the one the user sees quoted.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Structured", "Document", "Problem"]


@dataclass(frozen=True)
class Structured:
    """Fields a source gave as data (schema.org JobPosting JSON-LD), not prose.

    The extractor prefers them to what it reads in the text, because a job board's fields are
    what the employer typed into a form.
    """

    title: str | None = None
    organisation: str | None = None
    location: str | None = None
    salary_min: float | None = None
    salary_max: float | None = None
    salary_text: str | None = None
    salary_period: str | None = None
    currency: str | None = None
    date_posted: str | None = None
    closing_date: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Document:
    """One posting's text, cleaned of markup and job-board boilerplate.

    ``id`` is stable across runs (a record id, or the file's stem) because graph IRIs derive
    from it. When the title is known from structured data it is the first line of ``text``, so
    that the title, like every other fact, has a sentence to point back to.
    """

    id: str
    source: str
    text: str
    structured: Structured = Structured()


@dataclass(frozen=True)
class Problem:
    """A file or record that could not be read; the build reports it and carries on."""

    source: str
    problem: str
    record: str | None = None

    def __str__(self) -> str:
        where = f"{self.source} (record {self.record})" if self.record is not None else self.source
        return f"{where}: {self.problem}"
