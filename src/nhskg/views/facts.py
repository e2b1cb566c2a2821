"""What the table and chart views read: the leadership part of the graph, loaded once into plain data.

Seven small queries (``queries/views/``: organisations, postings, posts, lines, holdings, duties,
concepts) give every organisation, every leadership posting, the posts they advertise or name by
role, the lines between posts, the designations and duties of each post with the sentence and
posting each was read from, and the labels of the vocabulary concepts. The organisation chart,
designations matrix, role profile and comparison are all derived from one :class:`Facts`.

Keys: organisations, posts and postings by their IRI with the data base cut off
(``org/nhs-england``); vocabulary concepts by code (``chief-medical-officer``). Keys are for the
page's own look-ups and never shown: every text a page shows is a label.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Iterable

from rdflib.term import Literal, Node

from ..namespaces import DEFAULT_BASE, NHSKG, VOCAB_BASE
from ..sparql.sources import SparqlSource
from .common import resolve_organisation, table, text
from .model import short_id

__all__ = [
    "UNNAMED",
    "WEAK_BELOW",
    "weakest",
    "Evidence",
    "Organisation",
    "Posting",
    "Post",
    "Line",
    "Holding",
    "Duty",
    "Concept",
    "Facts",
    "load_facts",
    "organisation_key",
    "LINE_KINDS",
]

#: What a page calls an organisation the posting did not name.
UNNAMED = "employer not named"

ORG = "http://www.w3.org/ns/org#"
#: Line predicates and the kind the views give them.
LINE_KINDS = {
    ORG + "reportsTo": "managerial",
    str(NHSKG.professionallyAccountableTo): "professional",
    str(NHSKG.worksWith): "joint",
    str(NHSKG.leads): "leads",
    str(NHSKG.deputisesFor): "deputy",
    str(NHSKG.engagesWith): "body",
}


#: A fact whose confidence is below this is drawn as one the extractor is less sure of (faded,
#: its sentences marked), unless a reviewer checked it: a line, designation or body below 0.8 is
#: of a kind that was wrong more than one time in five on the dev split (0.72 to 0.78 there), a
#: duty area one the duty model gives less than that chance; a wrong fact with an evidence
#: sentence otherwise looks as verified as a right one.
WEAK_BELOW = 0.8


@dataclass(frozen=True, order=True)
class Evidence:
    """A sentence a fact was read from, the posting (key) it is in ("" when not recorded), and, for
    an extracted statement, its confidence and how the posting stated it (a label)."""

    sentence: str
    posting: str = ""
    confidence: float | None = None
    stated: str = ""
    #: what a reviewer decided about the fact ("accepted", "corrected"; "" when nobody has)
    reviewed: str = ""

    @property
    def weak(self) -> bool:
        """Below WEAK_BELOW and not checked by a reviewer (who accepted or corrected it)."""
        return self.confidence is not None and self.confidence < WEAK_BELOW and not self.reviewed

    @property
    def how_sure(self) -> str:
        """How sure the extractor is, as a reader reads it ("" when the fact carries nothing)."""
        if self.confidence is None:
            return ""
        said = f"{self.stated}; " if self.stated else ""
        checked = f"; {self.reviewed} by a reviewer" if self.reviewed else ""
        return f"{said}confidence {self.confidence:.2f}" + (" (less sure)" if self.weak else "") + checked

    def as_json(self) -> list[str]:
        """``[sentence, posting key]``, with how sure the extractor is as a third item where the fact
        carries a confidence: the item every page's evidence list reads."""
        return [self.sentence, self.posting, self.how_sure] if self.how_sure else [self.sentence, self.posting]


def weakest(evidence: Iterable[Evidence]) -> bool:
    """Whether a fact read from these sentences is one the extractor is less sure of: at least one
    sentence carries a confidence, and every one that does is weak (below WEAK_BELOW, and not
    checked by a reviewer)."""
    figured = [e for e in evidence if e.confidence is not None]
    return bool(figured) and all(e.weak for e in figured)


@dataclass(frozen=True)
class Organisation:
    key: str
    name: str
    type: str  # organisation-type code, "" when unknown
    postings: int
    leadership_postings: int
    named: bool = True


@dataclass(frozen=True)
class Posting:
    """A leadership posting (modelled in full)."""

    key: str
    identifier: str
    title: str
    organisation: str
    post: str
    date_posted: str = ""
    valid_through: str = ""
    salary_min: float | None = None
    salary_max: float | None = None
    url: str = ""


@dataclass(frozen=True)
class Post:
    """A post advertised by a leadership posting, or named only by its role by one."""

    key: str
    label: str
    role: str  # role-type code, "" when unknown
    organisation: str
    scope: str = ""  # scope code
    advertised: bool = True


@dataclass(frozen=True)
class Line:
    """``source`` (a post) stands in a line of ``kind`` to ``target`` (a post, or a body code)."""

    source: str
    target: str
    kind: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Holding:
    post: str
    designation: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Duty:
    post: str
    key: str
    text: str
    areas: tuple[str, ...]
    evidence: Evidence | None = None
    #: area code -> the duty model's chance that the duty is about it (none for a hand-made record)
    area_confidence: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Concept:
    """A vocabulary concept as the views use it."""

    code: str
    scheme: str
    label: str
    broader: tuple[str, ...] = ()
    tier: int | None = None
    default_scope: str = ""
    single: bool = False
    required_in: tuple[str, ...] = ()


@dataclass(frozen=True)
class Facts:
    organisations: dict[str, Organisation]
    postings: dict[str, Posting]
    posts: dict[str, Post]
    lines: tuple[Line, ...]
    holdings: tuple[Holding, ...]
    duties: tuple[Duty, ...]
    concepts: dict[tuple[str, str], Concept]
    summary: dict[str, int] = field(default_factory=dict)

    def label(self, scheme: str, code: str, default: str = "") -> str:
        """A concept's label; ``default`` (never the code) when the vocabulary has none."""
        concept = self.concepts.get((scheme, code))
        return concept.label if concept and concept.label else default

    def scheme(self, name: str) -> list[Concept]:
        return sorted((c for (s, _), c in self.concepts.items() if s == name), key=lambda c: (c.label, c.code))

    def organisation_name(self, key: str) -> str:
        organisation = self.organisations.get(key)
        return organisation.name if organisation else UNNAMED

    def role_label(self, code: str) -> str:
        return self.label("role-type", code, "role type not recognised")

    def posting_name(self, key: str) -> str:
        """A posting as a reader knows it: its title, employer and date (never its key)."""
        posting = self.postings.get(key)
        if posting is None:
            return "a posting"
        when = posting.date_posted or posting.valid_through
        bits = [self.organisation_name(posting.organisation)] + ([when] if when else [])
        return f"{posting.title or 'untitled posting'} ({', '.join(bits)})"

    def posts_of(self, organisation: str) -> list[Post]:
        return [p for p in self.posts.values() if p.organisation == organisation]

    def postings_of_post(self) -> dict[str, list[str]]:
        """Post key -> keys of the leadership postings that advertise it."""
        by_post: dict[str, list[str]] = defaultdict(list)
        for posting in self.postings.values():
            if posting.post:
                by_post[posting.post].append(posting.key)
        return {k: sorted(v) for k, v in by_post.items()}

    def tier(self, role: str, scope: str = "") -> int:
        """The chart row a post of ``role`` starts in (see ``nhskg:chartTier`` in the ontology)."""
        if scope == "division":
            return 4
        seen: set[str] = set()
        code, steps = role, 0
        while code and code not in seen:
            seen.add(code)
            concept = self.concepts.get(("role-type", code))
            if concept is None:
                break
            if concept.tier is not None:
                return min(4, concept.tier + steps)
            if concept.default_scope == "division":
                return 4
            if not concept.broader:
                return min(4, 2 + steps)
            code, steps = concept.broader[0], steps + 1
        return 2


def _code(value: Node | None) -> str:
    raw = text(value)
    return raw.rsplit("/", 1)[-1] if raw.startswith(VOCAB_BASE) else ""


def _scheme(value: Node | None) -> str:
    return text(value).rsplit("/", 1)[-1]


def _number(value: Node | None) -> float | None:
    if isinstance(value, Literal):
        python = value.toPython()
        if isinstance(python, (int, float, Decimal)) and not isinstance(python, bool):
            return float(python)
    return None


def _date(value: Node | None) -> str:
    return text(value)[:10]


def _evidence(rows: Iterable[tuple[str, str, float | None, str, str]]) -> tuple[Evidence, ...]:
    return tuple(sorted({Evidence(s.strip(), p, c, stated, reviewed) for s, p, c, stated, reviewed in rows if s and s.strip()}))


def _decision(status: Node | None) -> str:
    """A review status (nhskg:review-accepted, nhskg:review-corrected) as its label ("accepted",
    "corrected", the same word as its notation and the end of its IRI)."""
    return text(status).rsplit("review-", 1)[-1] if status is not None else ""


def organisation_key(source: SparqlSource, name: str, *, base: str = DEFAULT_BASE) -> str:
    """The :class:`Facts` key of the organisation a reader named (``--org``: a name, slug or IRI).

    Every page that takes ``--org`` looks it up this way, so a name one page accepts no other refuses;
    raises :class:`~nhskg.errors.QueryError` naming the closest names when none matches.
    """
    iri, _ = resolve_organisation(source, name)
    return short_id(iri, base)


def load_facts(source: SparqlSource, *, base: str = DEFAULT_BASE) -> Facts:
    """Read the leadership part of the graph (a second or two on the 2020 corpus)."""
    key = lambda value: short_id(text(value), base) if value is not None else ""  # noqa: E731
    concepts: dict[tuple[str, str], Concept] = {}
    for row in table(source, "concepts").records():
        code, scheme = _code(row["concept"]), _scheme(row["scheme"])
        tier = row["tier"].toPython() if isinstance(row["tier"], Literal) else None
        concepts[(scheme, code)] = Concept(
            code=code,
            scheme=scheme,
            label=text(row["label"]),
            broader=tuple(sorted(b.rsplit("/", 1)[-1] for b in text(row["broader"]).split())),
            tier=int(tier) if isinstance(tier, (int, Decimal)) else None,
            default_scope=_code(row["default_scope"]),
            single=isinstance(row["single"], Literal) and row["single"].toPython() is True,
            required_in=tuple(sorted(r.rsplit("/", 1)[-1] for r in text(row["required_in"]).split())),
        )
    organisations: dict[str, Organisation] = {}
    for row in table(source, "organisations").records():
        name = text(row["org_label"]).strip()
        organisations[key(row["org"])] = Organisation(
            key=key(row["org"]),
            name=name or UNNAMED,
            type=_code(row["org_type"]),
            postings=int(_number(row["postings"]) or 0),
            leadership_postings=int(_number(row["leadership_postings"]) or 0),
            named=bool(name),
        )
    postings = {
        key(row["posting"]): Posting(
            key=key(row["posting"]),
            identifier=text(row["identifier"]),
            title=text(row["title"]).strip(),
            organisation=key(row["org"]),
            post=key(row["post"]),
            date_posted=_date(row["date_posted"]),
            valid_through=_date(row["valid_through"]),
            salary_min=_number(row["salary_min"]),
            salary_max=_number(row["salary_max"]),
            url=text(row["url"]) if text(row["url"]).lower().startswith(("https:", "http:")) else "",
        )
        for row in table(source, "postings").records()
    }
    titles: dict[str, list[str]] = defaultdict(list)
    for posting in postings.values():
        titles[posting.organisation].append(posting.title)
    for org_key, organisation in list(organisations.items()):
        if not organisation.named and titles.get(org_key):
            # several postings name no employer: say which advert each unnamed one comes from
            organisations[org_key] = replace(organisation, name=f"{UNNAMED} (advert: {min(titles[org_key])})")
    posts = {
        key(row["post"]): Post(
            key=key(row["post"]),
            label=text(row["post_label"]).strip(),
            role=_code(row["role"]),
            organisation=key(row["org"]),
            scope=_code(row["scope"]),
            advertised=isinstance(row["advertised"], Literal) and row["advertised"].toPython() is True,
        )
        for row in table(source, "posts").records()
    }
    grouped: dict[tuple[str, str, str], list[tuple[str, str, float | None, str, str]]] = defaultdict(list)
    for row in table(source, "lines").records():
        kind = LINE_KINDS[text(row["line"])]
        target = _code(row["target"]) if kind == "body" else key(row["target"])
        grouped[(key(row["post"]), target, kind)].append(
            (text(row["sentence"]), key(row["posting"]), _number(row["confidence"]), text(row["stated"]),
             _decision(row["reviewed"])))
    lines = tuple(Line(s, t, k, _evidence(ev)) for (s, t, k), ev in sorted(grouped.items()))
    held: dict[tuple[str, str], list[tuple[str, str, float | None, str, str]]] = defaultdict(list)
    for row in table(source, "holdings").records():
        held[(key(row["post"]), _code(row["designation"]))].append(
            (text(row["sentence"]), key(row["posting"]), _number(row["confidence"]), text(row["stated"]),
             _decision(row["reviewed"])))
    holdings = tuple(Holding(p, d, _evidence(ev)) for (p, d), ev in sorted(held.items()))
    duty_rows: dict[str, dict[str, object]] = {}
    for row in table(source, "duties").records():
        duty = key(row["duty"])
        entry = duty_rows.setdefault(duty, {"post": key(row["post"]), "text": text(row["text"]), "areas": set(),
                                            "chances": {}, "sentence": text(row["sentence"]), "posting": key(row["posting"])})
        if row["area"] is not None:
            entry["areas"].add(_code(row["area"]))  # type: ignore[attr-defined]
            chance = _number(row["area_confidence"])
            if chance is not None:
                entry["chances"][_code(row["area"])] = chance  # type: ignore[index]
    duties = tuple(
        Duty(
            post=str(d["post"]),
            key=k,
            text=str(d["text"]).strip(),
            areas=tuple(sorted(d["areas"])),  # type: ignore[call-overload]
            evidence=Evidence(str(d["sentence"]).strip(), str(d["posting"])) if d["sentence"] else None,
            area_confidence=tuple(sorted(d["chances"].items())),  # type: ignore[attr-defined]
        )
        for k, d in sorted(duty_rows.items(), key=lambda kv: _duty_order(kv[0]))
    )
    return Facts(organisations, postings, posts, lines, holdings, duties, concepts)


def _duty_order(key: str) -> tuple[str, int, str]:
    """Duties in the order of the record (``.../duty/10`` after ``.../duty/9``)."""
    head, _, tail = key.rpartition("/")
    return (head, int(tail), "") if tail.isdigit() else (head, 0, tail)
