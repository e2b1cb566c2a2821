"""Duty statements: what the post holder does, with the duty areas and joint-duty partners of each."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..vocabulary.matching import Mention, fold
from .duty_model import DutyModel, checked_duty_model, features
from .postings import Duty
from ..read.sentences import Sentence
from .reading import (BODY, DUTY_AREA, FIELD_LINE, ROLE, Reading, evidence_of, has_any, is_own_title, mentions_by_sentence,
                      subject_is_other_role, without_bullet)
from .wording import wording

#: A list's lead-in this short ("The post holder will:", "Key tasks include:") states nothing by
#: itself, however much its words sound like a duty; the gold's lead-ins that are statements say
#: what the list is about ("... will be responsible for the delivery of the following:").
_BARE_LEAD_IN_WORDS = 5

_TITLE_END = re.compile(r"\s+[-\u2013|(/]|[,(]")
_TITLE_OF = re.compile(r"\s+(?:of|for)\s+")


def _title_head(reading: Reading) -> str:
    """The post's own title without what an advert adds after it ("- Band 8D", "(Fixed Term)"),
    folded; empty when the posting gives no title field or it is too short to recognise."""
    title = reading.document.structured.title
    head = fold(_TITLE_END.split(title, 1)[0]).strip() if title else ""
    return head if len(head) > 3 else ""


def _names_the_post(text: str, reading: Reading, title_head: str) -> bool:
    """Whether the sentence opens with the advertised post's own title as its subject: an advert
    often says "The Head of Health and Safety will ..." where another says "The post holder will"."""
    opener = wording(reading.vocab).title_subject.match(text) if title_head else None
    if opener is None:
        return False
    rest = fold(text[opener.end():])
    if rest.startswith(title_head):
        return True
    # "Director of Charities" is "The Director" in its own advert's later sentences
    head = _TITLE_OF.split(title_head, 1)[0]
    return head != title_head and " " not in head and re.match(re.escape(head) + r"\b", rest) is not None


def _has_duty_verb(sentence: Sentence, mentions: list[Mention], duty_verb: re.Pattern[str]) -> bool:
    """A duty verb outside the titles a sentence names: "Director" in "Executive Director of
    Finance", alone on a line, directs nothing."""
    text = sentence.text
    for m in mentions:
        if m.scheme == ROLE:
            start, end = m.start - sentence.start, m.end - sentence.start
            text = text[:start] + " " * (end - start) + text[end:]
    return duty_verb.search(text) is not None


def _is_duty(sentence: Sentence, mentions: list[Mention], reading: Reading, title_head: str) -> bool:
    if sentence.heading or sentence.section in ("about-employer", "application", "person-specification"):
        return False
    words = wording(reading.vocab)
    count = len(sentence.text.split())
    # about_the_advert: plain substrings of the lower-cased sentence, as an alternation regex cost
    # 0.25 ms a sentence
    if count < 4 or count > 90 or FIELD_LINE.match(sentence.text) or has_any(sentence.text, words.about_the_advert):
        return False
    if sentence.text.rstrip().endswith(("?", ":")):
        return False  # a question to the reader, or the lead-in of a list ("The post holder will:")
    if subject_is_other_role(reading, sentence, mentions):
        return False
    plain = without_bullet(sentence.text)
    if (words.describes_candidate.search(plain) or words.person_sought_or_offer.search(plain)
            or words.employer_describes_itself.search(plain)):
        return False  # the person specification, or the employer describing itself
    if sentence.section == "duties":
        return True
    if not _has_duty_verb(sentence, mentions, words.duty_verb):
        return False
    if words.holder.search(sentence.text) or words.duty_opening.search(plain) or _names_the_post(plain, reading, title_head):
        return True
    return any(m.scheme == ROLE and m.code == reading.role for m in mentions) or sentence.bullet


def _names_a_colleague(reading: Reading, area: Mention, titles: list[tuple[int, int]]) -> bool:
    """Whether the area's word is one of working together and governs a colleague ("in partnership
    with the Chief Nurse") or a group of colleagues ("with the clinical Care Groups"): then it says
    who the duty is done with, not what it is about."""
    words = wording(reading.vocab)
    if words.colleague_group_after_area.match(reading.text[area.start:area.start + 160]) is not None:
        return True  # "in partnership with our multidisciplinary team": the post's own colleagues
    return any(
        0 <= start - area.end <= 40 and words.colleague_after_area.match(reading.text[area.start:start]) is not None
        for start, _ in titles
    )


@dataclass(frozen=True)
class DutySentence:
    """One sentence as the duty reader sees it, before anything is chosen: the rules' verdict, the
    duty areas the vocabulary names in it (as the rules keep them) and the partners the relation
    rules found in it. The duty model (:mod:`.duty_model`) decides from these and the words."""

    sentence: Sentence
    by_rules: bool
    areas: tuple[str, ...]
    with_: tuple[str, ...]


def _vocabulary_areas(reading: Reading, sentence: Sentence, mentions: list[Mention]) -> tuple[str, ...]:
    if not any(m.scheme == DUTY_AREA for m in mentions):
        return ()
    # "Midwifery" in "Director of Nursing and Midwifery" names a partner, not the duty's area
    titles = [(m.start, m.end) for m in mentions if m.scheme == ROLE]
    # likewise "Improvement" in "NHS England and Improvement" names a body; a body's whole
    # name may still be an area's label ("Care Quality Commission")
    bodies = [(m.start, m.end) for m in mentions if m.scheme == BODY]
    # "leadership to our medical workforce": the staff led, not the workforce as a duty area
    led = {sentence.start + m.end() for m in wording(reading.vocab).workforce_led.finditer(sentence.text)}
    return tuple(dict.fromkeys(
        m.code for m in mentions
        if m.scheme == DUTY_AREA and not any(a <= m.start and m.end <= b for a, b in titles)
        and not any(a <= m.start and m.end <= b and (a, b) != (m.start, m.end) for a, b in bodies)
        and not _names_a_colleague(reading, m, titles) and m.end not in led
    ))


def duty_sentences(reading: Reading, partners: dict[int, set[str]]) -> tuple[DutySentence, ...]:
    """Every sentence of the posting but headings, with what the rules say of it: what the duty
    model reads, and what ``scripts/train-duty-model.py`` labels from the gold duties."""
    found = []
    title_head = _title_head(reading)
    for sentence, mentions in mentions_by_sentence(reading):
        if sentence.heading or not sentence.text.strip():
            continue
        found.append(DutySentence(
                sentence,
                _is_duty(sentence, mentions, reading, title_head),
                _vocabulary_areas(reading, sentence, mentions),
                tuple(sorted(partners.get(sentence.start, ()))),
            ))
    return tuple(found)


def _never_a_duty(reading: Reading, text: str) -> bool:
    """Lines the model might take for duties by their words, which state none: a list's bare lead-in
    and the advert's title repeated as a line of its own."""
    text = text.rstrip()
    return (text.endswith(":") and len(text.split()) <= _BARE_LEAD_IN_WORDS) or is_own_title(reading, text)


def read_duties(reading: Reading, partners: dict[int, set[str]], model: DutyModel | None = None) -> tuple[Duty, ...]:
    """The duty statements the duty model (``model``, by default the one shipped, checked against
    the reading's vocabulary) chooses, each with the areas it gives and the partners the relation
    rules found in the sentence, and ``other`` when the model reads a partner the vocabulary has no
    role type for. A leadership-level title is read with the thresholds chosen on such adverts,
    any other with those chosen on the others (:meth:`DutyModel.for_title`)."""
    model = (model or checked_duty_model(reading.vocab)).for_title(
        bool(wording(reading.vocab).leadership_level_title.search(reading.title or "")))
    duties: list[Duty] = []
    seen: set[str] = set()
    for candidate in duty_sentences(reading, partners):
        if _never_a_duty(reading, candidate.sentence.text):
            continue
        names = features(candidate)
        weighed = model.weigh(candidate, names)
        if weighed is None:
            continue
        key = fold(candidate.sentence.text).strip()
        if key in seen:
            continue
        seen.add(key)
        chance, areas = weighed
        with_ = candidate.with_
        if model.uncoded_partner(candidate, chance, names) is not None:
            with_ = tuple(sorted((*with_, "other")))
        duties.append(Duty(candidate.sentence.text, tuple(code for code, _ in areas), with_, evidence_of(candidate.sentence),
                           confidence=round(chance, 2), area_confidence=tuple(round(c, 2) for _, c in areas)))
    return tuple(duties)
