"""Split a posting's cleaned text into sentences with offsets, each knowing the section it is in.

Evidence is a sentence, so this decides what a user sees quoted. A bullet or a short line is a
sentence of its own; running prose is split after ``.``, ``!`` or ``?`` followed by a capital.
Section headings come from the ``section`` vocabulary (``ontology/vocab/section.ttl``): a short
line that begins with a section label opens that section ("Person specification", "Essential",
"Main duties of the job", "About us"...). A field's name alone on a line ("Reports to:") and its
value on the next ("Director of Education and Innovation") are one sentence, as "Reports to:
Director of Education and Innovation" on one line is: the name says what the value is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from ..vocabulary.matching import Mention

__all__ = ["Sentence", "split_sentences"]

_LINE = re.compile(r"[^\n]+")
_BREAK = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]*\s+(?=[A-Z0-9\"'\u201c\u2018(\[])")
_BULLET = re.compile(r"^\s*(?:[-*\u2022\u00b7\u25aa\u25cf\u2013\u2014>]|o\s|\d{1,2}[.)])\s*")
_HEADING_WORDS = 9
#: A field's name on a line of its own, and the longest value on the next line read as its value.
_FIELD_NAME_WORDS = 4
_FIELD_VALUE_WORDS = 12
_PERSON_SPEC_PARTS = {"person-specification", "essential", "desirable"}


@dataclass(frozen=True)
class Sentence:
    """``text`` is the sentence as written; ``start``/``end`` are offsets in the cleaned text."""

    text: str
    start: int
    end: int
    section: str | None
    essential: bool
    bullet: bool
    heading: bool
    whole_line: bool


def _heading(line: str, start: int, section_mentions: Sequence[Mention]) -> str | None:
    """The section a line opens, if it is a heading."""
    body = line.strip().rstrip(":").strip()
    if not body or len(body.split()) > _HEADING_WORDS or body.endswith((".", ",", ";")):
        return None
    lead = len(line) - len(line.lstrip())
    for mention in section_mentions:
        if mention.start == start + lead and mention.end - mention.start >= len(body) * 0.5:
            return mention.code
    return None


def split_sentences(text: str, section_mentions: Sequence[Mention] = ()) -> list[Sentence]:
    """Sentences of ``text`` in order.

    >>> [s.text for s in split_sentences("Job purpose\\nLead it. Then more.\\n- a bullet")]
    ['Job purpose', 'Lead it.', 'Then more.', 'a bullet']
    """
    by_start = sorted(section_mentions, key=lambda m: m.start)
    sentences: list[Sentence] = []
    section: str | None = None
    essential = True
    index = 0
    for line_match in _LINE.finditer(text):
        line = line_match.group()
        if not line.strip():
            continue
        line_start = line_match.start()
        line_end = line_match.end()
        while index < len(by_start) and by_start[index].start < line_start:
            index += 1
        here = []
        j = index
        while j < len(by_start) and by_start[j].start < line_end:
            here.append(by_start[j])
            j += 1
        opened = _heading(line, line_start, here) if here else None
        if opened is not None:
            if opened == "essential":
                essential = True
                section = section if section in _PERSON_SPEC_PARTS else "person-specification"
            elif opened == "desirable":
                essential = False
                section = section if section in _PERSON_SPEC_PARTS else "person-specification"
            else:
                section = opened
                essential = True
            stripped = line.strip()
            offset = line_start + line.index(stripped)
            sentences.append(
                Sentence(stripped, offset, offset + len(stripped), section, essential, False, True, True)
            )
            continue
        bullet_match = _BULLET.match(line)
        bullet = bool(bullet_match) and not line.lstrip().startswith(("-1", "--"))
        body_start = bullet_match.end() if bullet_match else len(line) - len(line.lstrip())
        pieces = [0] + [m.end() for m in _BREAK.finditer(line, body_start)] + [len(line)]
        first = True
        for a, b in zip(pieces, pieces[1:]):
            a = max(a, body_start) if first else a
            chunk = line[a:b]
            stripped = chunk.strip()
            if not stripped:
                continue
            offset = line_start + a + (len(chunk) - len(chunk.lstrip()))
            sentences.append(
                Sentence(
                    stripped,
                    offset,
                    offset + len(stripped),
                    section,
                    essential,
                    bullet,
                    False,
                    len(pieces) == 2,
                )
            )
            first = False
    return _fields_joined(text, sentences)


def _fields_joined(text: str, sentences: list[Sentence]) -> list[Sentence]:
    """Each field whose name ends a line of its own joined to its value on the next line.

    >>> [s.text for s in split_sentences("Reports to:\\n\\nHead of Service\\nSalary: 1")]
    ['Reports to:\\n\\nHead of Service', 'Salary: 1']
    """
    joined: list[Sentence] = []
    for sentence in sentences:
        name = joined[-1] if joined else None
        if (name is not None and name.whole_line and not name.heading and not name.bullet and name.text.endswith(":")
                and len(name.text.split()) <= _FIELD_NAME_WORDS and sentence.whole_line and not sentence.heading
                and not sentence.text.endswith(":") and len(sentence.text.split()) <= _FIELD_VALUE_WORDS
                and not text[name.end : sentence.start].strip()):
            joined[-1] = Sentence(text[name.start : sentence.end], name.start, sentence.end, name.section,
                                  name.essential, False, False, True)
            continue
        joined.append(sentence)
    return joined
