"""Duty statements: what the post holder does, with the duty areas and joint-duty partners of each."""

from __future__ import annotations

import re

from ..vocabulary.matching import Mention, fold
from .postings import Duty
from ..read.sentences import Sentence
from .reading import DUTY_AREA, FIELD_LINE, HOLDER, ROLE, Reading, evidence_of, has_any, mentions_by_sentence, subject_is_other_role

_DUTY_VERB = re.compile(
    r"\b(?:lead|leads|leading|ensur\w*|oversee\w*|oversight|responsib\w*|accountab\w*|deliver\w*|develop\w*|"
    r"provid\w*|advis\w*|manag\w*|support\w*|champion\w*|chair\w*|direct\w*|promot\w*|represent\w*|"
    r"work\w*|set\w*|shap\w*|driv\w*|build\w*|act\s+as|serve\w*|hold\w*|assur\w*|monitor\w*|maintain\w*|"
    r"implement\w*|improv\w*|co-?ordinat\w*|contribut\w*|play\w*|take|establish\w*|foster\w*|embed\w*)\b",
    re.IGNORECASE,
)
# Sentences about the advert itself, not the post: "Please see the attached job description".
# Plain substrings of the lower-cased sentence: an alternation regex cost 0.25 ms a sentence.
_NOT_A_DUTY = (
    "attached", "job description", "person specification", "subject to amendment", "subject to change",
    "please", "apply", "application", "interview", "closing date", "salary", "contact",
)


def _is_duty(sentence: Sentence, mentions: list[Mention], reading: Reading) -> bool:
    if sentence.heading or sentence.section in ("about-employer", "application", "person-specification"):
        return False
    words = len(sentence.text.split())
    if words < 4 or words > 90 or FIELD_LINE.match(sentence.text) or has_any(sentence.text, _NOT_A_DUTY):
        return False
    if subject_is_other_role(sentence, mentions, reading.role, reading.text):
        return False
    if sentence.section == "duties":
        return True
    if not _DUTY_VERB.search(sentence.text):
        return False
    if HOLDER.search(sentence.text):
        return True
    return any(m.scheme == ROLE and m.code == reading.role for m in mentions) or sentence.bullet


def read_duties(reading: Reading, partners: dict[int, set[str]]) -> tuple[Duty, ...]:
    duties: list[Duty] = []
    seen: set[str] = set()
    for sentence, mentions in mentions_by_sentence(reading):
        if not _is_duty(sentence, mentions, reading):
            continue
        key = fold(sentence.text).strip()
        if key in seen:
            continue
        seen.add(key)
        areas = tuple(dict.fromkeys(m.code for m in mentions if m.scheme == DUTY_AREA))
        with_ = tuple(sorted(partners.get(sentence.start, ())))
        duties.append(Duty(sentence.text, areas, with_, evidence_of(sentence)))
    return tuple(duties)
