"""Stage 2 -> 3 data: the extracted posting record, the public JSON contract of ``nhskg extract``.

Codes are the ``skos:notation`` values of the concept schemes in ``ontology/``; every item
carries the sentence it was read from, with character offsets into the document's cleaned text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

__all__ = [
    "Evidence",
    "Item",
    "Requirement",
    "Duty",
    "Organisation",
    "Salary",
    "Posting",
    "ITEM_FIELDS",
    "STATED_AS",
    "with_sources",
]

#: The list fields whose items are role types, designations, bodies or requirements.
ITEM_FIELDS = (
    "accountable_to",
    "professionally_accountable_to",
    "works_with",
    "deputises_for",
    "leads",
    "designations",
    "bodies",
    "requirements",
)


@dataclass(frozen=True)
class Evidence:
    """The sentence a fact was read from; ``text[start:end] == sentence``.

    ``source`` names the file the sentence came from when the document merged several (an
    advert and its job description); ``None`` means the posting's own ``source``.
    """

    sentence: str
    start: int
    end: int
    source: str | None = None


#: How a fact was stated, strongest first: in a form field or header ("Accountable to: ..."), in a
#: sentence about the post holder, in a list of several, in passing, or not written as a fact at all
#: but inferred by the duty model from a duty statement's wording (a team the post holder works in).
STATED_AS = ("field", "direct", "list", "passing", "inferred")


@dataclass(frozen=True)
class Item:
    """A coded fact: ``code`` is a concept notation, ``label`` the words as written.

    ``stated`` is one of :data:`STATED_AS`; ``confidence`` (0 to 1) is how often facts of the field
    stated that way were right on the calibration split of the gold set (``ontology/confidence.ttl``),
    so weak facts can be left out or flagged downstream rather than looking as verified as the rest.
    """

    code: str
    label: str
    evidence: Evidence
    stated: str = field(default="direct", kw_only=True)
    confidence: float = field(default=1.0, kw_only=True)


@dataclass(frozen=True)
class Requirement(Item):
    """A qualification, registration, experience or competency the person must (or may) bring."""

    essential: bool = True


@dataclass(frozen=True)
class Duty:
    """A duty statement: its areas (duty-area codes) and the partner roles named in it.

    ``confidence`` is the duty model's chance that the sentence is a duty statement at all, and
    ``area_confidence`` (one figure per area, in the same order) its chance that the statement is
    about each area: an area is read from the work a sentence describes, not from a field or a
    name, so it is the fact the extractor is least sure of, and the overlap analyses rest on it.
    Gold records and older records carry neither (None and no figures: a graph states none).
    """

    text: str
    areas: tuple[str, ...]
    with_: tuple[str, ...]
    evidence: Evidence
    confidence: float | None = field(default=None, kw_only=True)
    area_confidence: tuple[float, ...] = field(default=(), kw_only=True)

    def __post_init__(self) -> None:
        if self.area_confidence and len(self.area_confidence) != len(self.areas):
            raise ValueError(f"a duty has {len(self.areas)} area(s) but {len(self.area_confidence)} area confidence figure(s)")

    def chance_of(self, area: str) -> float:
        """The confidence of one of the duty's areas (1.0 where the record gives none)."""
        if self.area_confidence and area in self.areas:
            return self.area_confidence[self.areas.index(area)]
        return 1.0


@dataclass(frozen=True)
class Organisation:
    name: str
    type: str | None


@dataclass(frozen=True)
class Salary:
    """Money in GBP per year; ``min == max`` for a spot salary."""

    min: float | None
    max: float | None
    currency: str = "GBP"
    period: str = "year"


@dataclass(frozen=True)
class Posting:
    """One job posting as structured, evidenced facts."""

    id: str
    source: str
    title: str | None
    role_type: str
    scope: str | None
    organisation: Organisation | None
    location: str | None
    salary: Salary | None
    pay_band: str | None
    closing_date: str | None
    date_posted: str | None = None
    title_evidence: Evidence | None = None
    leadership: bool = True
    #: the kind of post its facts' confidences were weighed as (``kind_of_post``): "leadership-level",
    #: "below-leadership" or "front-line"; a front-line post's facts take the figures such posts earned
    post_kind: str | None = None
    accountable_to: tuple[Item, ...] = ()
    professionally_accountable_to: tuple[Item, ...] = ()
    works_with: tuple[Item, ...] = ()
    deputises_for: tuple[Item, ...] = ()
    leads: tuple[Item, ...] = ()
    designations: tuple[Item, ...] = ()
    bodies: tuple[Item, ...] = ()
    requirements: tuple[Requirement, ...] = ()
    duties: tuple[Duty, ...] = field(default=())

    def to_json(self) -> dict[str, Any]:
        """The record as the JSON object ``nhskg extract`` prints (``with_`` becomes ``with``)."""
        record = asdict(self)
        for duty in record["duties"]:
            duty["with"] = duty.pop("with_")
            if duty["confidence"] is None:  # a hand-made record's duty: no chances to print
                del duty["confidence"]
            if not duty["area_confidence"]:
                del duty["area_confidence"]
        _drop_empty_sources(record)
        return record

    @classmethod
    def from_json(cls, record: dict[str, Any]) -> "Posting":
        """Read a record back; tolerant of missing optional keys, as gold files omit evidence."""

        def evidence(value: Any) -> Evidence:
            value = value or {}
            return Evidence(
                value.get("sentence", ""), value.get("start", 0), value.get("end", 0), value.get("source")
            )

        def items(key: str) -> tuple[Item, ...]:
            return tuple(
                Item(
                    i["code"],
                    i.get("label", i["code"]),
                    evidence(i.get("evidence")),
                    stated=i.get("stated", "direct"),
                    confidence=float(i.get("confidence", 1.0)),
                )
                for i in record.get(key) or ()
            )

        organisation = record.get("organisation")
        salary = record.get("salary")
        return cls(
            id=str(record["id"]),
            source=record.get("source", ""),
            title=record.get("title"),
            role_type=record.get("role_type") or "other",
            scope=record.get("scope"),
            organisation=Organisation(organisation["name"], organisation.get("type"))
            if organisation
            else None,
            location=record.get("location"),
            salary=Salary(
                salary.get("min"),
                salary.get("max"),
                salary.get("currency", "GBP"),
                salary.get("period", "year"),
            )
            if salary
            else None,
            pay_band=record.get("pay_band"),
            closing_date=record.get("closing_date"),
            date_posted=record.get("date_posted"),
            title_evidence=evidence(record["title_evidence"])
            if record.get("title_evidence")
            else None,
            leadership=record.get("leadership", True),
            post_kind=record.get("post_kind"),
            accountable_to=items("accountable_to"),
            professionally_accountable_to=items("professionally_accountable_to"),
            works_with=items("works_with"),
            deputises_for=items("deputises_for"),
            leads=items("leads"),
            designations=items("designations"),
            bodies=items("bodies"),
            requirements=tuple(
                Requirement(
                    r["code"],
                    r.get("label", r["code"]),
                    evidence(r.get("evidence")),
                    bool(r.get("essential", True)),
                    stated=r.get("stated", "direct"),
                    confidence=float(r.get("confidence", 1.0)),
                )
                for r in record.get("requirements") or ()
            ),
            duties=tuple(
                Duty(
                    d.get("text") or d.get("sentence") or "",
                    tuple(d.get("areas") or ()),
                    tuple(d.get("with") or ()),
                    evidence(d.get("evidence")),
                    confidence=None if d.get("confidence") is None else float(d["confidence"]),
                    area_confidence=tuple(float(c) for c in d.get("area_confidence") or ()),
                )
                for d in record.get("duties") or ()
            ),
        )


def _drop_empty_sources(value: Any) -> None:
    """Remove ``"source": None`` from every evidence object, so records read from one file
    print exactly as before evidence could name its file."""
    if isinstance(value, dict):
        if "sentence" in value and "start" in value and value.get("source", 0) is None:
            del value["source"]
        for child in value.values():
            _drop_empty_sources(child)
    elif isinstance(value, (list, tuple)):  # asdict keeps tuples
        for child in value:
            _drop_empty_sources(child)


def with_sources(posting: Posting, parts: Sequence[Any]) -> Posting:
    """``posting`` with each evidence's ``source`` set from the document ``parts`` it falls in.

    ``parts`` are :class:`nhskg.read.documents.Part` (``source``, ``start``, ``end``); with none the
    posting is returned unchanged.
    """
    if not parts:
        return posting

    def mark(evidence: Evidence | None) -> Evidence | None:
        if evidence is None:
            return None
        for part in parts:
            if part.start <= evidence.start < part.end:
                return replace(evidence, source=part.source)
        return evidence

    changes: dict[str, Any] = {"title_evidence": mark(posting.title_evidence)}
    for name in ITEM_FIELDS:
        changes[name] = tuple(replace(item, evidence=mark(item.evidence)) for item in getattr(posting, name))
    changes["duties"] = tuple(replace(duty, evidence=mark(duty.evidence) or duty.evidence) for duty in posting.duties)
    return replace(posting, **changes)
