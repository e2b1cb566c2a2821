"""How a fact was stated, and how far facts stated that way can be trusted.

A wrong fact with an evidence sentence looks as verified as a right one, so every fact carries
its statement form (a form field, a sentence about the post holder, a list, a passing mention, or
a team the duty model inferred from a duty statement) and a confidence: the precision facts of
that field and form had on the calibration split of the gold set (annotated blind, never tuned
on, so it measures what unseen postings give), as ``scripts/calibrate-confidence.py`` measured it
into ``ontology/confidence.ttl``.
Forms never measured fall back to the form's own figure there, and to :data:`FALLBACK` without it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pyoxigraph as ox

from ..errors import VocabularyError
from ..paths import ontology_dir
from .postings import Evidence, Item, Requirement

__all__ = ["confidence", "item", "requirement", "FALLBACK", "load_calibration"]

NHSKG = "https://w3id.org/nhskg/def#"
#: Used only when ontology/confidence.ttl gives no figure for a form at all.
FALLBACK = {"field": 0.95, "direct": 0.85, "list": 0.75, "passing": 0.6, "inferred": 0.5}


@cache
def load_calibration(path: Path | None = None) -> dict[tuple[str, str], float]:
    """(field, form) -> confidence, and ("*", form) -> the form's figure over every field."""
    path = path or ontology_dir() / "confidence.ttl"
    if not path.exists():
        return {}
    nodes: dict[str, dict[str, str]] = {}
    try:
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            nodes.setdefault(str(triple.subject), {})[triple.predicate.value] = triple.object.value
    except (SyntaxError, ValueError, OSError) as error:
        raise VocabularyError(f"{path}: not valid Turtle ({error}); re-run scripts/calibrate-confidence.py") from error
    table: dict[tuple[str, str], float] = {}
    for node in nodes.values():
        form = node.get(NHSKG + "statedAs", "").removeprefix(NHSKG + "stated-")
        value = node.get(NHSKG + "confidence")
        if form and value is not None:
            table[(node.get(NHSKG + "recordField", "*"), form)] = float(value)
    return table


def confidence(field: str, stated: str) -> float:
    table = load_calibration()
    value = table.get((field, stated), table.get(("*", stated), FALLBACK.get(stated, 0.5)))
    return round(min(1.0, max(0.0, value)), 3)


def item(field: str, code: str, written: str, evidence: Evidence, stated: str) -> Item:
    return Item(code, written, evidence, stated=stated, confidence=confidence(field, stated))


def requirement(code: str, written: str, evidence: Evidence, stated: str, essential: bool) -> Requirement:
    return Requirement(code, written, evidence, essential, stated=stated, confidence=confidence("requirements", stated))
