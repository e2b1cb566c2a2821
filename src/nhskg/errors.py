"""The one family of exceptions the library raises; only the CLI turns them into exit codes.

Every exception a caller can meet is here, under :class:`NhskgError`, each saying when it is
raised and what the person does next. ``exit_code`` is what ``nhskg`` exits with when one
reaches it: 1 for a problem in the data, the store or the endpoint; 2 when what the person
typed names nothing or cannot be used (a usage mistake, as click's own are); 3 for a query
stopped at its time limit.
"""

from __future__ import annotations

import re
from typing import Protocol, Sequence

__all__ = [
    "shown",
    "echoed",
    "NhskgError",
    "UnknownName",
    "InputError",
    "OfficeError",
    "NoTextLayer",
    "MarkupTooLarge",
    "VocabularyError",
    "QueryError",
    "QueryRefused",
    "QueryTimeout",
    "UnknownValue",
    "EmptyPathError",
    "StoreError",
    "StorePathError",
    "ValidationFailed",
    "CurationError",
    "DecisionRefused",
    "UnknownRoleType",
    "OrganisationNotFound",
    "UnknownPeriod",
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


#: The most characters of a value a person gave that a message repeats back to them.
ECHO_LIMIT = 80


def echoed(value: str, limit: int = ECHO_LIMIT) -> str:
    """``value``, which a person gave, as a message repeats it back: its first ``limit``
    characters, then '…' if it had more, fit for one line (:func:`shown`). A message names the
    value so that its author can find it, and the first characters do that: the whole of a
    60,000-character role type made its 400 answer 61 KB.

    >>> print(echoed("Chief Nurse"), echoed("x" * 100, 5), echoed("two\\nlines"))
    Chief Nurse xxxxx… two\\nlines
    """
    return shown(value[:limit]) + ("…" if len(value) > limit else "")


class NhskgError(Exception):
    """Base class: every message says what was wrong, where, and what to do next.

    Raised as such only by code that has no more specific class to say; catch it to handle
    anything the library raises on purpose.
    """

    #: The exit code of ``nhskg`` when this error ends a command: a problem in the data, the
    #: store or the endpoint (fix the file, build the store, reach the endpoint, and run again).
    exit_code = 1


class UnknownName(NhskgError):
    """Something a person named (a query, a role type, an organisation, a period, a concept, a
    fact id) names nothing, or more than one thing.

    Raised by the lookups at the edge of the library; the message lists the nearest names.
    Use one of them (or the code, to pick one of several) and run again.
    """

    exit_code = 2


class InputError(NhskgError):
    """A source file (or one record in it) could not be read as a posting.

    Raised by the readers and the build; a build reports it as a problem and goes on with the
    rest (``--strict`` stops instead). Fix or remove the file named and build again.
    """

    def __init__(self, source: str, problem: str, record: str | None = None) -> None:
        self.source = source
        self.problem = problem
        self.record = record
        where = f"{shown(source)} (record {shown(record)})" if record is not None else shown(source)
        super().__init__(f"{where}: {shown(problem)}")


class OfficeError(NhskgError):
    """A PDF or Word job description that cannot be read (too large, damaged, not that format).

    Raised by :func:`nhskg.read.office.office_text`; the readers report it against the file. The
    message says why and what to do (save the document again, split it, install the reader).
    """


class NoTextLayer(OfficeError):
    """A PDF whose pages carry no text (a scan): run OCR on it (e.g. ``ocrmypdf``) and read the result."""


class MarkupTooLarge(NhskgError):
    """HTML refused before it is parsed: nested too deep or too many elements (the message says).

    Raised by :func:`nhskg.read.markup.html_to_text`; the readers report the record and go on.
    Save the posting's text without the markup, or trim the page, and read it again.
    """


class VocabularyError(NhskgError):
    """A vocabulary file in ontology/ is malformed, or a record names a code it lacks.

    The message names the file and the concept; fix the ``.ttl`` (or the record) and run again.
    """


class QueryError(NhskgError):
    """A query a person asked for is missing, malformed, or was given a parameter it does not take.

    Raised by :mod:`nhskg.queries.library` and the query gate; the message says where in the
    text, or which names and parameters there are. Fix the query or the ``--param`` and run again.
    """

    exit_code = 2


class QueryRefused(QueryError):
    """A query text the engine must not be given: too large, nested too deep, or asking another
    endpoint (``SERVICE``). Shorten it, or allow the endpoint (``nhskg serve --allow-service``)."""


class QueryTimeout(QueryError):
    """A query ran past its time limit and was stopped.

    The message suggests how to narrow it (bind a parameter, LIMIT, MINUS for NOT EXISTS) or
    to allow more time (``--timeout``).
    """

    exit_code = 3

    def __init__(self, timeout: float, query: str, option: str = "--timeout N") -> None:
        self.timeout = timeout
        hint = ""
        if re.search(r"\bNOT\s+EXISTS\b", query, re.IGNORECASE):
            hint = (" Oxigraph tests FILTER NOT EXISTS once per row: the same question written with MINUS "
                    "is often hundreds of times faster (see docs/cookbook.md).")
        super().__init__(
            f"the query ran longer than the time limit of {timeout:g} s and was stopped; narrow it "
            f"(bind a parameter, add a LIMIT, avoid joining patterns that share no variable) or allow "
            f"more time with {option}.{hint}"
        )


class _Candidate(Protocol):
    """What :class:`UnknownValue` lists: a concept it can show as ``Label (code)``."""

    def shown(self) -> str: ...


class UnknownValue(QueryError, UnknownName):
    """A value that names no concept of a scheme (or several): lists the nearest ones.

    Raised by :func:`nhskg.vocabulary.labels.resolve`, hence by every parameter that takes a
    role type, designation, body or duty area. Use a label or code it lists.
    """

    def __init__(self, what: str, value: str, candidates: Sequence[_Candidate], ambiguous: bool) -> None:
        self.what = what
        self.value = value
        self.candidates = tuple(candidates)
        self.ambiguous = ambiguous
        shown, given = "; ".join(c.shown() for c in candidates), echoed(value)
        if ambiguous:
            message = f"'{given}' names more than one {what}: {shown}; give the code of one"
        elif candidates:
            message = f"'{given}' is not a {what}; nearest: {shown}"
        else:
            message = f"'{given}' is not a {what}, and nothing is close"
        super().__init__(message)


class EmptyPathError(NhskgError, ValueError):
    """A folder or file path that names none: empty, or only white space.

    ``Path("")`` is the working folder, so an empty output folder (``docs --out ""``, ``export
    --tables ""``) wrote among the person's own files, and an empty curation folder read them as
    decisions. Raised by :func:`nhskg.paths.given_path` before anything is read or written; a
    ``ValueError`` too, as a notebook expects of a bad argument. The message names the option or
    argument and says what to give.
    """

    exit_code = 2


class StoreError(NhskgError):
    """The store directory cannot be opened, written or swapped.

    The message names the directory and what to do: build it (``nhskg build PATH``), free space,
    or fix its permissions.
    """


class StorePathError(StoreError, EmptyPathError):
    """A store path that names no folder: empty, or only white space (:class:`EmptyPathError`).

    ``Path("")`` is the working folder, so an empty store would put the store's files among the
    person's own (and read that folder as the store). Raised by :func:`nhskg.paths.store_dir`,
    hence by ``nhskg.build``, ``query`` and ``summary``, before anything is read or written; a
    ``ValueError`` too, as a notebook expects of a bad argument. Give the store's folder, or leave
    it out for the default.
    """

    exit_code = 2


class ValidationFailed(NhskgError):
    """The graph violates the SHACL shapes in ontology/shapes.ttl.

    Raised by :meth:`nhskg.graph.validate.ValidationReport.raise_for_violations`; the message
    lists the first violations. Run ``nhskg validate`` for all of them and fix the records.
    """


class CurationError(NhskgError):
    """A reviewers' decision file cannot be read, written or applied; the message names the file
    and line. Fix the line (or the folder's permissions) and run again."""


class DecisionRefused(CurationError, UnknownName):
    """A decision as given cannot be recorded: a field or code that names nothing (or several),
    or a reviewer's name that could name a file. Use a field or code the message lists, or a
    plain name."""


class UnknownRoleType(UnknownName):
    """A role type named by no code or label of the store's role-type vocabulary (or by several).

    Raised by the analyses; use a role type the message lists (or build the store first).
    """

    def __init__(self, code: str, valid: tuple[str, ...], nearest: str = "") -> None:
        self.code = code
        self.valid = valid
        given = echoed(code)
        if not valid:
            message = f"unknown role type '{given}': the store holds no role-type vocabulary; run `nhskg build` first"
        elif nearest:
            message = f"unknown role type '{given}'; {nearest}"
        else:
            message = f"unknown role type '{given}'; use one of: {', '.join(valid)}"
        super().__init__(message)


class OrganisationNotFound(UnknownName):
    """An organisation given by name, slug or IRI matched none, or more than one, in the store.

    Use a name the message lists, or the IRI of one of several.
    """

    def __init__(self, given: str, matches: tuple[str, ...], ambiguous: bool) -> None:
        self.given = given
        self.matches = matches
        name = echoed(given)
        if ambiguous:
            message = f"'{name}' names more than one organisation; give the IRI of one of: {', '.join(matches)}"
        elif matches:
            message = f"no organisation '{name}'; close matches: {', '.join(matches)}"
        else:
            message = f"no organisation '{name}' in the store; list them with `nhskg query organisations` or check --store"
        super().__init__(message)


class UnknownPeriod(UnknownName):
    """A ``by`` value that is not a period drift knows: use ``year`` or ``month``."""
