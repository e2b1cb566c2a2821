"""Role profiles: what the postings of one role type typically say, and who departs from it.

For every role type with a leadership posting: the share of its postings stating each reporting
line (by the role type of the post at the other end), each designation, each duty area and each
external body; the pay each states; and, per organisation, the common items its postings lack
and the rare ones they have. An item is *common* when at least half the postings (and two or
more) state it, *rare* when at most a quarter do.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from statistics import median
from typing import Any

from ..errors import QueryError, echoed
from ..namespaces import DEFAULT_BASE
from ..sparql.sources import SparqlSource
from .facts import Evidence, Facts, load_facts, organisation_key
from .page import Page, evidence_json, postings_json

__all__ = ["Item", "Section", "Departure", "Profile", "profile", "profiles", "profile_page", "SECTIONS"]

#: Sections in page order: key, heading, whether departures are looked for in it.
SECTIONS = (
    ("managerial", "Reports to", True),
    ("professional", "Professionally accountable to", True),
    ("deputy", "Deputises for", True),
    ("leads", "Leads", True),
    ("joint", "Works jointly with", False),
    ("designation", "Designations held", True),
    ("area", "Duty areas", False),
    ("body", "External bodies it engages with", False),
)
NO_LINE = "no reporting line stated"
COMMON, RARE = 0.5, 0.25


@dataclass(frozen=True)
class Item:
    label: str
    postings: tuple[str, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Departure:
    organisation: str
    name: str
    postings: tuple[str, ...]
    lacks: tuple[tuple[str, tuple[str, ...]], ...]  # (section heading, common items none of its postings states)
    unusual: tuple[tuple[str, tuple[str, ...]], ...]  # (section heading, rare items its postings state)
    pay: str = ""
    no_duties: bool = False  # its postings state no duty at all


@dataclass(frozen=True)
class Profile:
    role: str
    label: str
    postings: tuple[str, ...]
    organisations: int
    sections: tuple[Section, ...]
    pay: tuple[tuple[str, float, float], ...]  # posting, min, max
    departures: tuple[Departure, ...]

    def section(self, key: str) -> Section:
        return next(s for s in self.sections if s.key == key)

    def share(self, section: str, label: str) -> tuple[int, int]:
        """(postings stating it, all postings) for one item of a section."""
        item = next((i for i in self.section(section).items if i.label == label), None)
        return (len(item.postings) if item else 0, len(self.postings))


def _quartiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    half = len(ordered) // 2
    return median(ordered[:half] or ordered), median(ordered[-half:] or ordered)


def profile(facts: Facts, role: str) -> Profile:
    """The profile of role type ``role`` (a code) over every leadership posting of it."""
    postings = sorted(p.key for p in facts.postings.values() if p.post in facts.posts and facts.posts[p.post].role == role)
    post_of = {k: facts.postings[k].post for k in postings}
    found: dict[tuple[str, str], dict[str, list[Evidence]]] = defaultdict(lambda: defaultdict(list))
    by_post: dict[str, list[str]] = defaultdict(list)
    for key, post in post_of.items():
        by_post[post].append(key)

    def note(section: str, label: str, post: str, evidence: tuple[Evidence, ...] | list[Evidence]) -> None:
        for posting in by_post.get(post, ()):
            found[(section, label)][posting].extend(e for e in evidence if not e.posting or e.posting == posting)

    def target_name(key: str) -> str:
        target = facts.posts.get(key)
        if target is None:
            return "a post"
        return facts.role_label(target.role) if target.role and target.role != "other" else target.label or "a post"

    for line in facts.lines:
        if line.source in by_post:
            if line.kind == "body":
                note("body", facts.label("body", line.target, "external body"), line.source, line.evidence)
            else:
                note(line.kind, target_name(line.target), line.source, line.evidence)
        elif line.kind == "leads" and line.target in by_post:  # led by someone: that is whom it reports to
            note("managerial", target_name(line.source), line.target, line.evidence)
    for holding in facts.holdings:
        note("designation", facts.label("designation", holding.designation, "designation"), holding.post, holding.evidence)
    for duty in facts.duties:
        chances = dict(duty.area_confidence)  # the duty model's, for the sentence to say how sure it is
        for area in duty.areas:
            said = [replace(duty.evidence, confidence=chances.get(area))] if duty.evidence else []
            note("area", facts.label("duty-area", area, "other duties"), duty.post, said)
    stated = {p for (section, _), per in found.items() if section == "managerial" for p in per}
    for posting in postings:
        if posting not in stated:
            found[("managerial", NO_LINE)][posting] = []
    sections = []
    for key, heading, _ in SECTIONS:
        items = [
            Item(label, tuple(sorted(per)), tuple(sorted({e for ev in per.values() for e in ev})))
            for (section, label), per in found.items() if section == key
        ]
        items.sort(key=lambda i: (i.label == NO_LINE, -len(i.postings), i.label))
        sections.append(Section(key, heading, tuple(items)))
    pay = tuple(
        (k, float(p.salary_min if p.salary_min is not None else p.salary_max),  # type: ignore[arg-type]
         float(p.salary_max if p.salary_max is not None else p.salary_min))  # type: ignore[arg-type]
        for k in postings for p in [facts.postings[k]] if p.salary_min is not None or p.salary_max is not None
    )
    departures = _departures(facts, postings, sections, pay)
    organisations = {facts.postings[k].organisation for k in postings}
    return Profile(role, facts.role_label(role), tuple(postings), len(organisations), tuple(sections), pay, departures)


def _departures(facts: Facts, postings: list[str], sections: list[Section], pay: tuple[tuple[str, float, float], ...]) -> tuple[Departure, ...]:
    total = len(postings)
    if total < 2:
        return ()
    by_org: dict[str, list[str]] = defaultdict(list)
    for key in postings:
        by_org[facts.postings[key].organisation].append(key)
    looked = {key for key, _, flagged in SECTIONS if flagged} | {"area"}
    headings = {key: heading for key, heading, _ in SECTIONS}
    mids = {k: (low + high) / 2 for k, low, high in pay}
    out = []
    for organisation, keys in sorted(by_org.items()):
        lacks, unusual = [], []
        no_duties = not any(k in item.postings for s in sections if s.key == "area" for item in s.items for k in keys)
        for section in sections:
            if section.key not in looked:
                continue
            missing, rare = [], []
            for item in section.items:
                has = any(k in item.postings for k in keys)
                share = len(item.postings) / total
                if item.label != NO_LINE and share >= COMMON and len(item.postings) >= 2 and not has:
                    missing.append(item.label)
                elif has and share <= RARE and section.key != "area" and item.label != NO_LINE:
                    rare.append(item.label)
            if missing and not (section.key == "area" and no_duties):
                lacks.append((headings[section.key], tuple(missing)))
            if rare:
                unusual.append((headings[section.key], tuple(rare)))
        pay_note = ""
        others = [m for k, m in mids.items() if k not in keys]
        own = [mids[k] for k in keys if k in mids]
        if own and len(others) >= 3:
            low, high = _quartiles(others)
            spread = high - low
            if max(own) > high + 1.5 * spread or min(own) < low - 1.5 * spread:
                pay_note = "pay outside the range of the other postings"
        if lacks or unusual or pay_note or no_duties:
            out.append(Departure(organisation, facts.organisation_name(organisation), tuple(keys), tuple(lacks), tuple(unusual),
                                 pay_note, no_duties))
    weight = lambda d: sum(len(i) for _, i in d.lacks) + sum(len(i) for _, i in d.unusual) + bool(d.pay) + d.no_duties  # noqa: E731
    return tuple(sorted(out, key=lambda d: (-weight(d), d.name, d.organisation)))


def profiles(facts: Facts) -> list[Profile]:
    """A profile for every role type with a leadership posting, most postings first."""
    roles = {facts.posts[p.post].role for p in facts.postings.values() if p.post in facts.posts and facts.posts[p.post].role}
    made = [profile(facts, r) for r in roles if r != "other"]
    return sorted(made, key=lambda p: (-len(p.postings), p.label, p.role))


def _json(facts: Facts, made: list[Profile]) -> dict[str, Any]:
    cited = {k for p in made for k in p.postings}
    roles = []
    for p in made:
        roles.append({
            "key": p.role,
            "label": p.label,
            "postings": list(p.postings),
            "organisations": p.organisations,
            "sections": [{"key": s.key, "heading": s.heading,
                          "items": [{"label": i.label, "postings": list(i.postings), "evidence": evidence_json(i.evidence)}
                                    for i in s.items]}
                         for s in p.sections],
            "pay": [[k, low, high] for k, low, high in p.pay],
            "departures": [{"org": d.organisation, "name": d.name, "postings": list(d.postings),
                            "lacks": [[h, list(i)] for h, i in d.lacks], "unusual": [[h, list(i)] for h, i in d.unusual],
                            "pay": d.pay, "noDuties": d.no_duties} for d in p.departures],
        })
    return {"roles": roles, "postings": postings_json(facts, cited)}


def profile_page(
    source: SparqlSource,
    role: str = "chief-medical-officer",
    organisation: str | None = None,
    *,
    base: str = DEFAULT_BASE,
    facts: Facts | None = None,
) -> Page:
    """Profiles of every role type, opened at ``role``; ``organisation`` is set against its pattern."""
    facts = facts or load_facts(source, base=base)
    made = profiles(facts)
    if ("role-type", role) not in facts.concepts:
        known = ", ".join(sorted(c.code for c in facts.scheme("role-type")))
        raise QueryError(f"no role type '{echoed(role)}' in the vocabulary; known role types: {known}")
    if not any(p.role == role for p in made):
        made.append(profile(facts, role))
    filters = {"role": facts.role_label(role)}
    data = _json(facts, made)
    data["start"] = role
    data["org"] = ""
    if organisation:
        key = organisation_key(source, organisation, base=base)
        chosen = next(p for p in made if p.role == role)
        if not any(facts.postings[k].organisation == key for k in chosen.postings):
            raise QueryError(
                f"{facts.organisation_name(key)} has no leadership posting of {facts.role_label(role)}; "
                "choose another --role (its chart lists the posts it has) or leave out --org"
            )
        data["org"] = key
        filters["organisation"] = facts.organisation_name(key)
    this = next(p for p in made if p.role == role)
    return Page(
        name="profile",
        template="profile.html",
        title=f"Role profile: {facts.role_label(role)}",
        description=(
            "What postings of a role type typically state: the share stating each reporting line, designation, duty "
            "area and external body, the pay they offer, and the organisations whose postings depart from the common "
            "pattern. Click a share for the postings and sentences behind it; pick another role type or an "
            "organisation to set against the pattern."
        ),
        data=data,
        filters=filters,
        question="What does a Chief Medical Officer (or any role type) typically hold, and how does this organisation differ?",
        summary=(f"{len(made)} role types; {facts.role_label(role)} based on {len(this.postings)} leadership postings "
                 f"in {this.organisations} organisations"),
    )
