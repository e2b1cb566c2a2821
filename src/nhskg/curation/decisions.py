"""Reviewers' decisions as data: one CSV file per reviewer in the curation folder.

The files are read and written by :mod:`.folder`; this module says what a decision is.

Why one file per reviewer, one line per fact, sorted: two reviewers working on branches of the
same project each change only their own file, so version control merges their work without a
conflict; a reviewer who changes their mind about a fact changes that fact's line in place (the
latest word stands), so a file never holds two answers from one person. Codes, not labels, are
written: labels change when a vocabulary is edited, codes are the public contract.

The columns (``COLUMNS``)::

    posting,field,code,evidence,decision,to_field,to_code,reviewer,date,note
    003_ee31a5acbe06f6bc,works_with,chief-medical-officer,37b008168d7b,correct,works_with,hospital-medical-director,Ann Smith,2026-12-04T16:23:09Z,the sentence names the hospital medical directors

``evidence`` is :func:`evidence_hash` of the sentence the fact was read from, so a decision about
a posting whose text has since changed is noticed rather than applied to something else.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from ..errors import CurationError, DecisionRefused, echoed
from ..extract.postings import ITEM_FIELDS

__all__ = [
    "COLUMNS",
    "DECISIONS",
    "FIELD_SCHEMES",
    "DUTY_AREAS",
    "Decision",
    "Decisions",
    "CurationError",
    "evidence_hash",
    "fact_id",
    "fact_key",
    "field_label",
    "reviewer_file",
    "check_reviewer",
    "now",
]

COLUMNS = ("posting", "field", "code", "evidence", "decision", "to_field", "to_code", "reviewer", "date", "note")
#: What a reviewer can say of a fact.
DECISIONS = ("accept", "reject", "correct")
#: The record fields a reviewer can decide on, and the concept scheme(s) each field's codes are in.
FIELD_SCHEMES: dict[str, tuple[str, ...]] = {
    **{name: ("role-type",) for name in ("accountable_to", "professionally_accountable_to", "works_with", "deputises_for", "leads")},
    "designations": ("designation",),
    "bodies": ("body",),
    "requirements": ("qualification", "competency"),
    # A duty's areas: not an item list of the record but an area of one of Posting.duties. One
    # posting has many duties sharing area codes, so a duty-area fact is also named by its
    # evidence (the duty's sentence): see fact_key.
    "duty_areas": ("duty-area",),
}
#: The field naming a duty's area (``Duty.areas``); a correction keeps a duty area a duty area.
DUTY_AREAS = "duty_areas"
assert tuple(FIELD_SCHEMES) == (*ITEM_FIELDS, DUTY_AREAS), "a reviewable field is missing from FIELD_SCHEMES"

_CODE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_HASH = re.compile(r"^[0-9a-f]{12}$")
#: What a reviewer's name may not hold, as it also names a file: a path's look ("..", a leading "/"
#: or "~", a backslash) and control characters. Markup is text like any other.
_BAD_NAME = re.compile(r"\.\.|^\s*[/~]|[\\\x00-\x1f\x7f]")
MAX_NAME = 100
MAX_NOTE = 2000


def evidence_hash(sentence: str) -> str:
    """The first 12 hex digits of the SHA-256 of the sentence with its white space collapsed.

    >>> evidence_hash("You will be the  Caldicott Guardian.") == evidence_hash("You will be the Caldicott Guardian.")
    True
    >>> evidence_hash("You will be the Caldicott Guardian.")
    '63670393bb9b'
    """
    return hashlib.sha256(" ".join(sentence.split()).encode("utf-8")).hexdigest()[:12]


def fact_key(posting: str, field: str, code: str, evidence: str = "") -> tuple[str, ...]:
    """What names one fact: (posting, field, code), and for a duty area also its evidence.

    A posting reads each line, designation, body or requirement once, but many of its duties
    share an area ("Patient safety" in five duty sentences), and each is a fact of its own.

    >>> fact_key("p1", "designations", "siro", "63670393bb9b")
    ('p1', 'designations', 'siro')
    >>> fact_key("p1", "duty_areas", "patient-safety", "63670393bb9b")
    ('p1', 'duty_areas', 'patient-safety', '63670393bb9b')
    """
    return (posting, field, code, evidence) if field == DUTY_AREAS else (posting, field, code)


def fact_id(posting: str, field: str, code: str, evidence: str = "") -> str:
    """A short id for a fact, for people to type (``nhskg review decide ID ...``); the evidence
    counts for a duty area only (:func:`fact_key`), so the ids of the other facts never change.

    >>> fact_id("916238399", "designations", "board-member")
    '5c5d84a6'
    >>> fact_id("916238399", "designations", "board-member", "63670393bb9b")
    '5c5d84a6'
    >>> fact_id("p1", "duty_areas", "workforce", "63670393bb9b") != fact_id("p1", "duty_areas", "workforce", "000000000000")
    True
    """
    return hashlib.sha256("\x1f".join(fact_key(posting, field, code, evidence)).encode("utf-8")).hexdigest()[:8]


#: How a page or table names the fields whose name is not already a phrase about the post.
_PHRASES = {"designations": "holds designation", "bodies": "engages with", "requirements": "requires",
            "duty_areas": "duty area"}


def field_label(field: str) -> str:
    """The record field as people read it, as a phrase about the post.

    >>> field_label("works_with"), field_label("designations")
    ('works with', 'holds designation')
    """
    return _PHRASES.get(field, field.replace("_", " "))


def now() -> str:
    """The current time in UTC as the decision files write it."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def normal_date(value: str) -> str | None:
    """``YYYY-MM-DD`` or an ISO 8601 time, as UTC ``YYYY-MM-DDTHH:MM:SSZ``; None if neither."""
    text = value.strip()
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def check_reviewer(name: str) -> str:
    """The reviewer's name with its white space tidied; :class:`CurationError` when it cannot name a file.

    A name is written into the file as given (markup and all: the file is data, and every page
    escapes it), but it also names the reviewer's file (by its letters and digits only), so a name
    that looks like a path is refused rather than quietly tidied, and it must have a letter or digit.

    >>> check_reviewer("  Ann   Smith ")
    'Ann Smith'
    >>> check_reviewer("../../etc/passwd")
    Traceback (most recent call last):
    ...
    nhskg.errors.DecisionRefused: a reviewer's name may not look like a path (.., a leading / or ~, a backslash) or hold control characters: '../../etc/passwd'
    """
    if _BAD_NAME.search(name):
        raise DecisionRefused(f"a reviewer's name may not look like a path (.., a leading / or ~, a backslash) "
                            f"or hold control characters: '{echoed(name)}'")
    tidy = " ".join(name.split())
    if not tidy:
        raise DecisionRefused("give the reviewer's name (who decided)")
    if len(tidy) > MAX_NAME:
        raise DecisionRefused(f"a reviewer's name has at most {MAX_NAME} characters")
    if not _slug(tidy) or tidy in (".", ".."):
        raise DecisionRefused(f"a reviewer's name needs a letter or a digit ('{echoed(name)}')")
    return tidy


def _slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.lower()))


def reviewer_file(directory: Path, reviewer: str) -> Path:
    """``directory/<slug of the name>.csv``: the reviewer's file, always directly in ``directory``.

    >>> reviewer_file(Path("curation"), "Ann Smith").as_posix()
    'curation/ann-smith.csv'
    """
    return Path(directory) / f"{_slug(check_reviewer(reviewer))}.csv"


@dataclass(frozen=True)
class Decision:
    """One line of a decision file: what ``reviewer`` decided about one fact of one posting.

    The fact is (``posting``, ``field``, ``code``); ``evidence`` is the hash of the sentence it was
    read from when the reviewer saw it. ``to_field`` and ``to_code`` are the corrected fact
    (``decision == "correct"`` only). ``where`` is the file and line, for messages.
    """

    posting: str
    field: str
    code: str
    evidence: str
    decision: str
    to_field: str
    to_code: str
    reviewer: str
    date: str
    note: str = ""
    where: str = ""

    @property
    def key(self) -> tuple[str, ...]:
        """The fact decided on (:func:`fact_key`): a reviewer has one line per key."""
        return fact_key(self.posting, self.field, self.code, self.evidence)

    @property
    def id(self) -> str:
        return fact_id(self.posting, self.field, self.code, self.evidence)

    def row(self) -> dict[str, str]:
        return {column: getattr(self, column) for column in COLUMNS}

    def describe(self) -> str:
        """One line for people: ``posting 916238399: designations board-member rejected by Ann Smith``."""
        verdict = {"accept": "accepted", "reject": "rejected", "correct": "corrected"}[self.decision]
        target = f" to {field_label(self.to_field)} {self.to_code}" if self.decision == "correct" else ""
        return f"posting {self.posting}: {field_label(self.field)} {self.code} {verdict}{target} by {self.reviewer} on {self.date[:10]}"


def _check(row: Mapping[str, str | None], where: str) -> Decision:
    values = {column: " ".join((row.get(column) or "").split()) for column in COLUMNS}

    def bad(problem: str) -> CurationError:
        return CurationError(f"{where}: {problem}")

    for column in ("posting", "field", "code", "evidence", "decision", "reviewer", "date"):
        if not values[column]:
            raise bad(f"the {column} column is empty")
    if values["field"] not in FIELD_SCHEMES:
        raise bad(f"field '{echoed(values['field'])}' is not one of {', '.join(FIELD_SCHEMES)}")
    if values["decision"] not in DECISIONS:
        raise bad(f"decision '{echoed(values['decision'])}' is not one of {', '.join(DECISIONS)}")
    if not _HASH.match(values["evidence"]):
        raise bad(f"evidence '{echoed(values['evidence'])}' is not the 12 hex digits of the sentence's hash")
    date = normal_date(values["date"])
    if date is None:
        raise bad(f"date '{echoed(values['date'])}' is not YYYY-MM-DD or an ISO 8601 time")
    values["date"] = date
    try:
        values["reviewer"] = check_reviewer(values["reviewer"])
    except CurationError as error:
        raise bad(str(error)) from None
    if values["decision"] == "correct":
        if (values["field"] == DUTY_AREAS) != (values["to_field"] == DUTY_AREAS):
            raise bad(f"a duty area can only be corrected to another duty area, and only a duty area to one: "
                      f"{values['field']} -> {echoed(values['to_field']) or '(no to_field)'}; write to_field {values['field']}, "
                      f"or reject the fact")
        if values["to_field"] not in FIELD_SCHEMES:
            raise bad(f"a correction needs to_field, one of {', '.join(FIELD_SCHEMES)}")
        if not _CODE.match(values["to_code"]):
            raise bad("a correction needs to_code, a code such as chief-executive")
        if (values["to_field"], values["to_code"]) == (values["field"], values["code"]):
            raise bad("a correction to the same field and code is an accept")
    elif values["to_field"] or values["to_code"]:
        raise bad(f"only a correction has to_field and to_code ({values['decision']} has them)")
    return Decision(**values, where=where)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Decisions:
    """Every decision read from a curation folder, by posting id (each reviewer's latest per fact).

    ``directory`` is where they were read from (None for decisions made in code).
    """

    by_posting: Mapping[str, tuple[Decision, ...]]
    directory: Path | None = None

    @classmethod
    def of(cls, decisions: Iterable[Decision], directory: Path | None = None) -> "Decisions":
        grouped: dict[str, list[Decision]] = {}
        for decision in decisions:
            grouped.setdefault(decision.posting, []).append(decision)
        return cls({k: tuple(sorted(v, key=_order)) for k, v in sorted(grouped.items())}, directory)

    def __len__(self) -> int:
        return sum(len(v) for v in self.by_posting.values())

    def __iter__(self) -> Iterator[Decision]:
        for decisions in self.by_posting.values():
            yield from decisions

    def for_posting(self, posting_id: str) -> tuple[Decision, ...]:
        return self.by_posting.get(posting_id, ())

    def fingerprint(self, posting_id: str) -> str:
        """A stable hash of the decisions about one posting ("" when there are none).

        For an incremental build: a posting whose decisions changed must be rebuilt even if its
        text did not, so this belongs in whatever decides that a posting is unchanged. It hashes
        the decision lines themselves (not the file they came from, nor their order).

        >>> d = Decision("p1", "designations", "siro", "63670393bb9b", "reject", "", "", "Ann", "2026-01-02T00:00:00Z")
        >>> Decisions.of([d]).fingerprint("p1") == Decisions.of([d]).fingerprint("p1") != ""
        True
        >>> Decisions.of([d]).fingerprint("p2")
        ''
        """
        decisions = self.for_posting(posting_id)
        if not decisions:
            return ""
        lines = sorted("\x1f".join(d.row()[c] for c in COLUMNS) for d in decisions)
        return hashlib.sha256("\x1e".join(lines).encode("utf-8")).hexdigest()[:16]


def _order(decision: Decision) -> tuple[str, ...]:
    return (decision.posting, decision.field, decision.code, decision.date, decision.reviewer)


# --------------------------------------------------------------------------- what people type


def _folded(text: str) -> str:
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def resolve_field(text: str) -> str:
    """A record field from its name or its label, as a person types it.

    >>> resolve_field("Accountable to")
    'accountable_to'
    >>> resolve_field("works_with")
    'works_with'
    """
    wanted = _folded(text)
    for name in FIELD_SCHEMES:
        if wanted in (_folded(name), _folded(field_label(name))):
            return name
    raise DecisionRefused(f"'{echoed(text)}' is not a field one can decide on; use one of: {', '.join(map(field_label, FIELD_SCHEMES))}")


def resolve_code(vocab: object, field: str, text: str) -> str:
    """The code a person means for ``field``: a code, or any label of a concept of the field's
    scheme(s) (preferred, alternative or hidden), ignoring case and punctuation."""
    schemes = [s for s in getattr(vocab, "schemes", ()) if s.name in FIELD_SCHEMES[field]]
    for scheme in schemes:
        if text.strip() in scheme:
            return text.strip()
    wanted = _folded(text)
    matches = sorted({c.code for s in schemes for c in s.concepts if wanted in {_folded(label) for label in c.labels}})
    if len(matches) == 1:
        return matches[0]
    names = " or ".join(FIELD_SCHEMES[field])
    if matches:
        raise DecisionRefused(f"'{echoed(text)}' names several {names} concepts ({', '.join(matches)}); give the code")
    raise DecisionRefused(f"'{echoed(text)}' is neither a code nor a label of the {names} scheme (see docs/ontology or `nhskg docs`)")
