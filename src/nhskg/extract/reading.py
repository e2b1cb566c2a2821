"""What every field reader shares: the document's mentions and sentences, and which sentence speaks
of the post being advertised rather than of someone or something else.

The question behind every fact is whether the posting asserts it of the advertised post; the
helpers here answer the parts of it that all fields ask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import Iterator, Mapping

from ..read.documents import Document
from ..vocabulary.matching import Mention, fold as fold_words
from ..vocabulary.patterns import TextPattern, fold
from .postings import STATED_AS, Evidence, Item, Organisation
from ..read.sentences import Sentence
from ..vocabulary.vocab import Vocabulary
from .wording import wording

ROLE = "role-type"
SCOPE = "scope"
ORG_TYPE = "organisation-type"
DESIGNATION = "designation"
BODY = "body"
QUALIFICATION = "qualification"
COMPETENCY = "competency"
DUTY_AREA = "duty-area"
PAY_BAND = "pay-band"
CUE = "cue"
SECTION = "section"

#: Sections that describe the person wanted or the application, not the post's own facts:
#: "experience working as a Board Director" is a requirement, not a board seat.
NOT_ABOUT_THE_POST = ("person-specification", "application")

# "Accountable to: Group Chief Executive": a form field.
FIELD_LINE = re.compile(r"^[A-Z][\w /&'-]{1,40}:\s*\S.{0,200}$")
CLAUSE_BREAK = re.compile(r"[;]|\.\s")
MAX_CUE_GAP_WORDS = 14


_PATTERNS: dict[int, tuple[TextPattern, ...]] = {}

#: The group of a concept's ``nhskg:textPattern`` that holds the mention, when the match is wider.
MENTION_GROUP = "mention"
#: The group of the ``registered-with`` and ``registration-after`` wordings that holds the other
#: regulators named in the same list.
_OTHERS = "others"


def pattern_mentions(
    vocab: Vocabulary, text: str, schemes: tuple[str, ...], labelled: list[Mention], longest_wins: tuple[str, ...] = ()
) -> list[Mention]:
    """Mentions found by the concepts' ``nhskg:textPattern`` expressions, for wordings too varied
    to list as labels; a span a label of the same concept already covers is left to the label,
    except in the ``longest_wins`` schemes, whose reader keeps the longest of overlapping readings.
    A label of another concept does not block a pattern: "values" (culture) inside "a values-driven
    Executive Team" leaves the seat on the executive team to be found, and "educated to post
    graduate degree level" is read as a master's degree beside the "degree level" inside it."""
    compiled = _PATTERNS.get(id(vocab))
    if compiled is None:
        compiled = _PATTERNS[id(vocab)] = tuple(
            TextPattern.of(scheme.name, concept.code, pattern)
            for scheme in vocab.schemes
            for concept in scheme.concepts
            for pattern in concept.patterns
        )
    found = []
    folded = fold(text)
    for pattern in compiled:
        scheme, code = pattern.scheme, pattern.code
        if scheme not in schemes:
            continue
        for match in pattern.finditer(text, folded):
            # A pattern may name the words it finds (``(?P<mention>...)``) apart from the words
            # that must stand around them: in "a registered Nurse or Paramedic" the HCPC's
            # register is read from "Paramedic", and "registered Nurse" stays the NMC's.
            start, end = match.span(MENTION_GROUP) if MENTION_GROUP in match.re.groupindex else match.span()
            while start < end and text[start].isspace():
                start += 1
            if start == end or any(
                m.scheme == scheme and m.code == code and m.start < end and start < m.end
                and not (scheme in longest_wins and start <= m.start and m.end <= end and end - start > m.end - m.start)
                for m in labelled
            ):
                continue
            found.append(Mention(scheme, code, start, end, text[start:end]))
    return found


#: What may stand between a regulator's name and a register of its own that the name runs into
#: ("the GMC's Specialist Register", "GMC Specialist Register")
_RUNS_INTO = re.compile(r"(?:['\u2019]s)? ?")


def _runs_into(text: str, regulator: Mention, other: Mention) -> bool:
    """Whether the regulator's name is part of another qualification's ("General Medical Council's
    Specialist Register" read whole) or runs straight into it ("the GMC Specialist Register")."""
    if other.start <= regulator.start < regulator.end < other.end:
        return True
    return other.start >= regulator.end and _RUNS_INTO.fullmatch(text, regulator.end, other.start) is not None


@lru_cache(maxsize=8)
def registers_by_regulator(vocab: Vocabulary) -> Mapping[str, str]:
    """Each regulator's code with the code of the registration on its register (the qualification
    whose ``nhskg:registrationWith`` it is): the GMC's is GMC registration. Read once per vocabulary,
    as :func:`wording` is, since every posting's requirements ask for it."""
    return {c.registration_with: c.code for c in vocab.scheme(QUALIFICATION).concepts if c.registration_with}


def registration_mentions(vocab: Vocabulary, text: str, mentions: list[Mention]) -> list[Mention]:
    """A regulator named where the posting asks for registration with it ("registered with the
    Health and Care Professions Council (HCPC)", "Member of HCPC", "GPhC registration"), read as
    that registration (the qualification whose ``nhskg:registrationWith`` is the regulator),
    from the asking word to the name; the labels list only some of the many ways to say it."""
    registers = registers_by_regulator(vocab)
    registrations = set(registers.values())
    words = wording(vocab)
    found = []
    for mention in mentions:
        code = registers.get(mention.code) if mention.scheme == BODY else None
        if code is None:
            continue
        line_start = text.rfind("\n", 0, mention.start) + 1
        before = words.registered_with.search(text[max(line_start, mention.start - 80) : mention.start])
        # Where other regulators stand between ("registered with the NMC or HCPC", "NMC or HCPC
        # registration"), each is its own registration, read from its own name alone, so that
        # neither reading holds the other's.
        if before is not None:
            if any(_runs_into(text, mention, m) for m in mentions if m.scheme == QUALIFICATION and m.code not in registrations):
                continue  # "registered on the General Medical Council's Specialist Register": that register, asked on its own
            start = max(line_start, mention.start - 80) + before.start() if not before.group(_OTHERS) else mention.start
            end = mention.end + (text[mention.end : mention.end + 1] == ")" and "(" in before.group())  # "registration (HCPC)"
            found.append(Mention(QUALIFICATION, code, start, end, text[start:end]))
            continue
        after = words.registration_after.match(text[mention.end : mention.end + 40])
        if after is not None:
            end = mention.end + after.end() if not after.group(_OTHERS) else mention.end
            found.append(Mention(QUALIFICATION, code, mention.start, end, text[mention.start : end]))
            continue
        # "NMC/HCPC" or "NMC and mentorship qualification." as a line of its own: a list item asking for each
        line_end = text.find("\n", mention.end)
        if words.regulators_line.match(text[line_start : line_end if line_end >= 0 else len(text)]):
            found.append(Mention(QUALIFICATION, code, mention.start, mention.end, mention.written))
    return found


def without_bullet(text: str) -> str:
    """A sentence as its words open it, without the bullet of a list item ("• Lead the ...")."""
    return text.strip().lstrip("•-*·–— ").strip()


def is_own_title(reading: "Reading", text: str) -> bool:
    """Whether ``text`` is the advert's own title written as a line of the posting: it names this
    post, however many titles it joins ("Chief Nurse/Director of Infection Prevention and Control"),
    and states no duty. Folded, so bullets, stops and case do not count."""
    title = reading.document.structured.title
    # the matcher's fold (punctuation to spaces), not the case-fold the patterns use
    return bool(title) and fold_words(text).strip() == fold_words(title or "").strip()


def outside_matches(pattern: re.Pattern[str], text: str, start: int, end: int, mentions: list[Mention]) -> list[Mention]:
    """The mentions that lie outside every match of ``pattern`` in ``text[start:end]``: wording
    that makes what it contains something else (a mailbox, a route offered, a proof of identity)."""
    spans = [(found.start(), found.end()) for found in pattern.finditer(text, start, end)]
    if not spans:
        return mentions
    return [m for m in mentions if not any(a <= m.start and m.end <= b for a, b in spans)]


def has_any(text: str, needles: tuple[str, ...]) -> bool:
    lower = text.lower()
    return any(needle in lower for needle in needles)


@dataclass(frozen=True)
class Reading:
    """What the reader knows about one document while it works: shared by the field readers."""

    document: Document
    vocab: Vocabulary
    text: str
    mentions: tuple[Mention, ...]
    sentences: tuple[Sentence, ...]
    role: str
    role_mention: Mention | None
    by_sentence: tuple[tuple[Sentence, tuple[Mention, ...]], ...] = field(default=(), compare=False)
    #: (start, end) of the mentions found by a text pattern rather than a label
    patterned: frozenset[tuple[int, int]] = frozenset()
    #: the post's title as the posting will give it (read from the text when the field masks it)
    title: str | None = None
    #: the employer, whose kind says what an uncoded title in the text is (a "Director of
    #: Innovation Delivery" at NHS England is a national director)
    organisation: Organisation | None = None

    def with_role(self, role: str) -> "Reading":
        return replace(self, role=role)


def group_by_sentence(sentences: tuple[Sentence, ...], mentions: tuple[Mention, ...]) -> tuple[tuple[Sentence, tuple[Mention, ...]], ...]:
    """Each sentence with the mentions that lie wholly inside it, in one pass over both."""
    grouped = []
    index = 0
    for sentence in sentences:
        while index < len(mentions) and mentions[index].start < sentence.start:
            index += 1
        here = []
        j = index
        while j < len(mentions) and mentions[j].start < sentence.end:
            if mentions[j].end <= sentence.end:
                here.append(mentions[j])
            j += 1
        grouped.append((sentence, tuple(here)))
    return tuple(grouped)


def mentions_by_sentence(reading: Reading) -> Iterator[tuple[Sentence, list[Mention]]]:
    for sentence, mentions in reading.by_sentence:
        yield sentence, list(mentions)


def sentence_of(sentences: tuple[Sentence, ...], position: int) -> Sentence | None:
    lo, hi = 0, len(sentences) - 1
    while lo <= hi:
        mid = (lo + hi) // 2
        sentence = sentences[mid]
        if position < sentence.start:
            hi = mid - 1
        elif position >= sentence.end:
            lo = mid + 1
        else:
            return sentence
    return None


def evidence_of(sentence: Sentence) -> Evidence:
    return Evidence(sentence.text, sentence.start, sentence.end)


def employer_describes_itself(reading: Reading, sentence: Sentence, holder: bool) -> bool:
    """Whether the employer or one of its teams describes itself in the sentence ("We work closely
    with ...", "All are responsible for ... and work varyingly with ...", "Working with ...,
    our team's aim is ..."), unless it names the post holder or the post recruited to (``holder``):
    the bodies, partners and lines it names are the employer's, not the post's."""
    return not holder and wording(reading.vocab).employer_describes_itself.search(without_bullet(sentence.text)) is not None


def subject_is_other_role(reading: Reading, sentence: Sentence, mentions: list[Mention]) -> bool:
    """True when the sentence is about another post ("The Chief Nurse will be accountable to...")."""
    own, text = reading.role, reading.text
    if wording(reading.vocab).holder.search(sentence.text[:60]):
        return False
    first_cue = min((m.start for m in mentions if m.scheme == CUE), default=sentence.end)
    for mention in mentions:
        if mention.scheme != ROLE or mention.start >= first_cue:
            continue
        words_before = len(text[sentence.start : mention.start].split())
        if words_before <= 4 and mention.code != own:
            return True
    return False


def governing_cue(vocab: Vocabulary, sentence_mentions: list[Mention], target: Mention, text: str) -> Mention | None:
    """The cue phrase that governs ``target``: the nearest cue before it in the same clause, close
    enough, or further away when only the other roles of a list stand between them."""
    cues = [m for m in sentence_mentions if m.scheme == CUE and m.end <= target.start]
    if not cues:
        return None
    best = cues[-1]
    between = text[best.end : target.start]
    if CLAUSE_BREAK.search(between):
        return None
    words = wording(vocab)
    if words.holder.search(between):
        return None  # "Working with colleagues, you will assist the Medical Director": a new clause
    roles = [m for m in sentence_mentions if m.scheme in (ROLE, DESIGNATION) and best.end <= m.start and m.end <= target.start]
    if roles and words.helping_verb.search(text[roles[-1].end : target.start]):
        return None  # "report to the Deputy Director of Finance and provide support to the Director of Finance"
    if len(between.split()) <= MAX_CUE_GAP_WORDS:
        return best
    gap, position = [], best.end
    for role in roles:
        gap.append(text[position : role.start])
        position = max(position, role.end)
    gap.append(text[position : target.start])
    return best if all(words.list_filler.match(piece) for piece in gap) else None


def coordinated_cue(sentence_mentions: list[Mention], cue: Mention, text: str) -> Mention | None:
    """A cue joined to ``cue`` by "and" with nothing else between: "It reports to, and will work
    closely with, our incoming CEO" and "professionally and managerially accountable to" state
    both relations of the post named after them. A cue that merely follows another ("leading
    services alongside deputising for the Service Director") is no coordination."""
    earlier = [m for m in sentence_mentions if m.scheme == CUE and m.end <= cue.start]
    if not earlier:
        return None
    between = text[earlier[-1].end : cue.start]
    joined = re.fullmatch(r"[\s,]*(and|as well as)?[\s,]*(?:will|also|to)?[\s,]*(?:also|be)?[\s,]*", between, re.IGNORECASE)
    if joined and (joined.group(1) or re.search(r"\band$", earlier[-1].written, re.IGNORECASE)):
        return earlier[-1]
    return None


def add(bucket: dict[str, Item], item: Item) -> None:
    """Keep the first statement of a code, unless a later one is stated more strongly (a field
    before a sentence about the post, before a list, before a passing mention). By the form, not
    by the confidence: the confidences are measured from what this keeps, so choosing by them
    would make the measure move what it measures."""
    previous = bucket.get(item.code)
    if previous is None or _STRENGTH[item.stated] < _STRENGTH[previous.stated]:
        bucket[item.code] = item


_STRENGTH = {form: rank for rank, form in enumerate(STATED_AS)}
