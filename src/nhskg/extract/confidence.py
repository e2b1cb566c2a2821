"""How a fact was stated, and how far facts stated that way can be trusted.

A wrong fact with an evidence sentence looks as verified as a right one, so every fact carries
its statement form (a form field, a sentence about the post holder, a list, a passing mention, or
a team the duty model inferred from a duty statement) and a confidence: the precision facts of
that field and form had on the calibration split of the gold set (annotated blind, never tuned
on, so it measures what unseen postings give), as ``scripts/calibrate-confidence.py`` measured it
into ``ontology/confidence.ttl``.
A form too rare there for a figure of its own in a field takes the lower of the field's figure over
its sentence forms and the form's figure over every field, and :data:`FALLBACK` without either: a
body mentioned in passing was right half as often as a partner mentioned in passing, so the
form's figure alone promised too much.

Every post's figures are those of the calibration split's posts just below leadership level. Front-line
posts (a title naming no chief, director, head, chair, non-executive, guardian, lead, manager,
matron, consultant or deputy) differ: the duty model's inferred teams are nearly always right on
them, their bodies seldom. A fact of such a post takes the figure its field and form had on the
calibration split's front-line posts (``nhskg:postKind "front-line"``, measured on "calibration"),
higher or lower; where those are too few, the lower figure dev's front-line posts give, which the
rules were tuned on and so promise at most what unseen front-line posts give.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import TypeVar

import pyoxigraph as ox

from ..errors import VocabularyError
from ..paths import ontology_dir
from ..vocabulary.vocab import Vocabulary
from .postings import Evidence, Item, Posting, Requirement
from .wording import wording

__all__ = ["confidence", "item", "requirement", "FALLBACK", "load_calibration", "kind_of_post", "for_kind_of_post",
           "every_posts_figure"]

NHSKG = "https://w3id.org/nhskg/def#"
#: Used only when ontology/confidence.ttl gives no figure for a form at all.
FALLBACK = {"field": 0.95, "direct": 0.85, "list": 0.75, "passing": 0.6, "inferred": 0.5}
F = TypeVar("F", bound=Item)


@cache
def load_calibration(path: Path | None = None) -> dict[tuple[str, str, str], float]:
    """(kind of post, field, form) -> confidence: kind "" for every post, field "*" for a form
    over every field, form "*" for a field over its sentence forms."""
    path = path or ontology_dir() / "confidence.ttl"
    if not path.exists():
        return {}
    nodes: dict[str, dict[str, str]] = {}
    try:
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            nodes.setdefault(str(triple.subject), {})[triple.predicate.value] = triple.object.value
    except (SyntaxError, ValueError, OSError) as error:
        raise VocabularyError(f"{path}: not valid Turtle ({error}); re-run scripts/calibrate-confidence.py") from error
    table: dict[tuple[str, str, str], float] = {}
    for node in nodes.values():
        form = node.get(NHSKG + "statedAs", "").removeprefix(NHSKG + "stated-") or "*"
        field = node.get(NHSKG + "recordField", "*")
        value = node.get(NHSKG + "confidence")
        if value is not None and (field, form) != ("*", "*"):
            table[(node.get(NHSKG + "postKind", ""), field, form)] = float(value)
    return table


def every_posts_figure(table: Mapping[tuple[str, str, str], float], field: str, stated: str) -> float | None:
    """The figure ``table`` (as :func:`load_calibration` reads it) gives a fact of ``field`` stated as
    ``stated`` on any kind of post: its own, or, too rare for one, the lower of what its field and
    its form promise; None when the table has neither. ``scripts/calibrate-confidence.py`` compares a
    kind's figures with it."""
    value = table.get(("", field, stated))
    if value is None:
        value = min((v for v in (table.get(("", field, "*")), table.get(("", "*", stated))) if v is not None), default=None)
    return value


def confidence(field: str, stated: str) -> float:
    """The confidence of a fact of ``field`` stated as ``stated``, for any kind of post."""
    value = every_posts_figure(load_calibration(), field, stated)
    return round(min(1.0, max(0.0, FALLBACK.get(stated, 0.5) if value is None else value)), 3)


def kind_of_post(vocab: Vocabulary, title: str | None, leadership: bool = False) -> str:
    """"leadership-level", "below-leadership" (a lead, manager, matron, consultant or deputy) or
    "front-line", by the words of the title, as the gold set's strata were drawn (so a "Team
    Leader" or a "Sister" is front-line, a "Deputy Sister" below leadership level, and a posting
    with no title front-line); a posting the extractor reads as a leadership post is
    leadership-level whatever its title ("Governing Body Lay Member")."""
    words = wording(vocab)
    if leadership or words.leadership_level_title.search(title or ""):
        return "leadership-level"
    return "below-leadership" if words.managing_post_title.search(title or "") else "front-line"


def for_kind_of_post(posting: Posting, kind: str) -> Posting:
    """The posting, saying it was weighed as a post of ``kind`` (``kind_of_post``), with each fact's
    confidence the figure facts of its field and form had on posts of that kind, where
    ``ontology/confidence.ttl`` gives one: a record shows why its bodies are trusted less, and its
    inferred teams more."""
    table = load_calibration()
    if not any(k == kind for k, _, _ in table):
        return replace(posting, post_kind=kind)

    def weighed(name: str, facts: tuple[F, ...]) -> tuple[F, ...]:
        # the file holds a kind's figure only where it is to stand: measured blind, or lower
        return tuple(fact if (own := table.get((kind, name, fact.stated))) is None else replace(fact, confidence=round(own, 3))
                     for fact in facts)

    return replace(
        posting,
        post_kind=kind,
        accountable_to=weighed("accountable_to", posting.accountable_to),
        professionally_accountable_to=weighed("professionally_accountable_to", posting.professionally_accountable_to),
        works_with=weighed("works_with", posting.works_with),
        deputises_for=weighed("deputises_for", posting.deputises_for),
        designations=weighed("designations", posting.designations),
        bodies=weighed("bodies", posting.bodies),
        requirements=weighed("requirements", posting.requirements),
    )


def item(field: str, code: str, written: str, evidence: Evidence, stated: str) -> Item:
    return Item(code, written, evidence, stated=stated, confidence=confidence(field, stated))


def requirement(code: str, written: str, evidence: Evidence, stated: str, essential: bool) -> Requirement:
    return Requirement(code, written, evidence, essential, stated=stated, confidence=confidence("requirements", stated))
