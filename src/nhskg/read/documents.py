"""Stage 1 -> 2 data: a document is one posting's cleaned text plus any structured fields.

Readers produce documents; the extractor turns each into a posting record. Evidence offsets in
the posting refer to ``Document.text``, so that text is the one the user sees quoted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import shown

__all__ = ["Structured", "Part", "Document", "Problem"]


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
class Part:
    """A stretch ``text[start:end]`` of a document read from one file (an advert, or the job
    description saved next to it), so evidence can say which file its sentence came from."""

    source: str
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """One posting's text, cleaned of markup and job-board boilerplate.

    ``id`` is stable across runs (a record id, or the file's stem) because graph IRIs derive
    from it. When the title is known from structured data it is the first line of ``text``, so
    that the title, like every other fact, has a sentence to point back to. ``parts`` is empty
    for a document read from one file; for an advert merged with its job description it maps
    each stretch of ``text`` to the file it came from.
    """

    id: str
    source: str
    text: str
    structured: Structured = Structured()
    parts: tuple[Part, ...] = ()
    #: Values the reader left out as unusable ("validThrough '2025-02-31' is not a calendar
    #: date"); the build reports them as one warning for the posting.
    notes: tuple[str, ...] = ()

    def source_at(self, offset: int) -> str | None:
        """The file the character at ``offset`` came from, when the document has parts.

        >>> d = Document("a", "a.txt", "ad\\njd", parts=(Part("a.txt", 0, 2), Part("a.pdf", 3, 5)))
        >>> d.source_at(0), d.source_at(3), Document("b", "b.txt", "x").source_at(0)
        ('a.txt', 'a.pdf', None)
        """
        for part in self.parts:
            if part.start <= offset < part.end:
                return part.source
        return None


@dataclass(frozen=True)
class Problem:
    """A file or record that could not be read; the build reports it and carries on.

    ``kind`` is ``"skipped"`` (nothing of it was read) or ``"warning"`` (the posting was read
    with a value left out, such as a closing date that is not a calendar date). Printed on one
    line whatever the file is called:

    >>> print(Problem("in/a\\nb.json", "not JSON", "line 2"))
    in/a\\nb.json (record line 2): not JSON
    """

    source: str
    problem: str
    record: str | None = None
    kind: str = "skipped"

    def __str__(self) -> str:
        where = f"{shown(self.source)} (record {shown(self.record)})" if self.record is not None else shown(self.source)
        return f"{where}: {shown(self.problem)}"

@dataclass(frozen=True)
class UnreadRecord:
    """One line of a JSON Lines feed, not parsed yet (:func:`nhskg.read.readers.read_record`).

    A large build's workers read these (the JSON, the fields, the description), so that the
    process reading the feed only decompresses it and splits it into lines: parsing in that one
    process held back the workers of a corpus build.
    """

    line: bytes
    source: str
    #: the id of a record that has none (the file's stem and the line number)
    fallback_id: str
    #: the file's stem
    stem: str
    #: where the record is, for a problem ("line 12")
    where: str


#: What a reader yields for each posting or failure.
Result = Document | Problem
#: Given a record's fields, whether its description is wanted (see :func:`nhskg.read.readers.read_documents`).
TextFilter = Callable[[Structured], bool]
