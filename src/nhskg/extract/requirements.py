"""What the person must bring: the qualifications, registrations and experience the posting asks
of the holder, each essential or not.

"current GMC registration" is a requirement, not a relationship with the GMC; what the employer
offers ("funded MSc", "access to a car") and what its students study for are asked of no one.
"""

from __future__ import annotations

import re
from typing import Mapping

from ..vocabulary.matching import Mention
from .postings import Requirement
from ..read.sentences import Sentence
from .confidence import requirement
from .reading import (
    BODY,
    COMPETENCY,
    QUALIFICATION,
    Reading,
    add,
    employer_describes_itself,
    evidence_of,
    mentions_by_sentence,
    outside_matches,
    registers_by_regulator,
    without_bullet,
)
from .wording import Wording, wording

# "or equivalent" goes on with its requirement: "Degree or equivalent level highly desirable".
_CLAUSE_END = re.compile(r"[,;]|\band\b|\bor\b(?!\s+equivalent\b)")
# "(or equivalent)" after a requirement: the same requirement, offering no alternative to the next.
# (not when a word follows: "or equivalent experience" offers something else in its place)
# ("MB ChB or equivalentFull GMC Registration": a line break lost between two items)
_OR_EQUIVALENT = re.compile(r"\(?\s*\bor\s+(?:an?\s+)?equivalent(?:\b|(?=[A-Z]))(?!\s+[a-z])\s*\)?")
# What names a requirement as the equivalent of the one before it: "or have an equivalent ...".
_EQUIVALENT_OF_THE_LAST = re.compile(r"\bor\s+(?:(?:have|hold|possess)\s+)?(?:an?\s+|the\s+)?equivalent\s+$")
# What joins a requirement to one that only qualifies it: "on the Specialist Register with a licence
# to practise", "Full and Specialist Register, with a current licence to practise".
_QUALIFIES = re.compile(r"\bwith\s+(?:an?\s+|the\s+)?(?:[\w-]+\s+){0,2}$")
# The comma between two items of a list of alternatives, with a word that may qualify the second
# ("a registered nurse, qualified social worker or ..."); not a verb ("registration with the GMC,
# possess the MRCPsych UK or have an equivalent", where the GMC is asked whatever the choice).
_LIST_COMMA = re.compile(r"\s*,(?:\s+(?:qualified|registered|trained|experienced|chartered|accredited))?\s*",
                         re.IGNORECASE)
# A list of alternatives whose "or" comes after its second item: "A, B or C", "A, B, C or D";
# not "A, B and C or D", where A and B are asked whatever the choice of C or D.
_LIST_OR = re.compile(r"(?:(?!\band\b)[^;.]){0,60}?\bor\b(?!\s+equivalent\b)")


def read_requirements(reading: Reading) -> dict[str, Requirement]:
    found: dict[str, Requirement] = {}
    # Requirements the posting offers with an alternative somewhere ("on the Specialist Register,
    # or within six months of CCT"): a restatement elsewhere ("must be on the Specialist Register to
    # take up a consultant post", "a new CCT-holder") does not withdraw the alternative.
    offered_anywhere: dict[str, Requirement] = {}
    words = wording(reading.vocab)
    listed_as_asked = _listed_under_asking_lead_in(reading, words)
    registers = registers_by_regulator(reading.vocab)
    registrations = set(registers.values())
    for sentence, mentions in mentions_by_sentence(reading):
        asked = [m for m in mentions if m.scheme in (QUALIFICATION, COMPETENCY)]
        if not asked:
            continue  # most sentences name no qualification: none of the wordings below need reading
        if words.person_with_letters.match(sentence.text.strip()):
            continue  # "Dr Irene Hubbard MBChB, FRCP": the contact's letters, not the candidate's
        # The longest reading wins, as for labels: "Board or senior management level" is board
        # experience, not also the senior management level inside it.
        asked = [m for m in asked if not any(o.start <= m.start and m.end <= o.end and (o.end - o.start) > (m.end - m.start) for o in asked)]
        # "the revalidation process in line with your professional registration": held, not asked
        asked = [m for m in asked if not words.taken_as_held.search(reading.text, sentence.start, m.start)]
        # "The successful candidate will gain experience as a consultant": given by the post, not asked
        asked = [m for m in asked if not words.experience_gained.search(reading.text, sentence.start, m.start)]
        # "You will work alongside a Registered Nurse": the support worker's colleague, not asked of them
        asked = [m for m in asked if not words.registered_colleague.search(reading.text, sentence.start, m.start)]
        # "Hold RMN registration with current NMC licence to practice": the nurse's licence, not a GMC registration
        asked = _without_another_regulators_licence(reading, words, sentence, mentions, asked, registers)
        # "We are seeking to recruit an experienced Consultant in Neurorehabilitation" in a
        # consultant's advert: the post being advertised, not consultant experience asked of it
        asked = [m for m in asked if not _names_the_post(reading, words, m)]
        # "supporting an experienced middle grade into this role through the CESR route": offered, not asked
        asked = outside_matches(words.route_offered, reading.text, sentence.start, sentence.end, asked)
        # "alongside studying towards a post graduate research degree", "opportunities to attend
        # leadership training", "Enhanced disclosure cost covered", "The cost of the DBS must be met by
        # the successful candidate": what the post gives or what a check costs, not what it asks
        asked = outside_matches(words.given_in_post, reading.text, sentence.start, sentence.end, asked)
        # "key documents such as Passports, Driving Licences": proof of identity, not a licence asked
        asked = outside_matches(words.identity_document, reading.text, sentence.start, sentence.end, asked)
        # "act as a supervisor for other registered nurses": the colleagues' registration, not the candidate's
        asked = [m for m in asked if not words.held_by_others.search(reading.text, sentence.start, m.end)]
        # "a minimum of Foundation Degree Level": a lower award; "undergraduate sonographer degree
        # students": what others are studying for
        asked = [m for m in asked if not _a_lower_award(words, reading.text, sentence, m)
                 and not words.studied_by_students.match(reading.text, m.end, sentence.end)]
        # "You may also be required to travel across sites at times": a chance, not a condition
        asked = [m for m in asked if (m.start, m.end) not in reading.patterned or not _by_chance(words, reading.text, sentence, m)]
        if not asked:
            continue
        if (sentence.section != "person-specification" and not words.asks_of_candidate.search(sentence.text)
                and sentence.start not in listed_as_asked):
            # Outside the person specification, a wording found by a pattern, one that names a
            # rank ("3 Substantive Consultant Posts", "scans at consultant level") or one that names
            # a course ("other Tavistock MA courses") is a requirement only where the sentence asks
            # something of the candidate: it names the post's own rank, or a course on offer.
            asked = [m for m in asked if (m.start, m.end) not in reading.patterned and not words.rank_named.search(m.written)
                     and not words.qualification_as_course.match(reading.text, m.end, sentence.end)]
            if not asked:
                continue
            if (employer_describes_itself(reading, sentence, bool(words.holder.search(sentence.text)))
                    and not words.stated_as_required.search(sentence.text)):
                continue  # "We have links with the Leeds University Doctorate in Clinical Psychology course": the employer's own
        if words.not_a_requirement.match(sentence.text) or words.conditional_check.search(sentence.text):
            continue
        if words.benefit_offered.search(without_bullet(sentence.text)):
            continue  # "you will receive ... access to a car salary sacrifice scheme": given, not asked
        # "possess the MRCPsych UK or have an equivalent post-graduate qualification": the
        # equivalent is the requirement before it, accepted in another form, not one of its own
        # (a qualification named by its letters is one of its own: "MBBS or equivalent MRCS or equivalent")
        equivalents = {m.start for m in asked
                       if not m.written.isupper() and _EQUIVALENT_OF_THE_LAST.search(reading.text, sentence.start, m.start)}
        with_uncoded_alternative = _offered_with_alternative(reading, sentence, asked, registrations)
        alternatives = _alternatives(reading.text, sentence, asked, equivalents) | with_uncoded_alternative
        asked = [m for m in asked if m.start not in equivalents]
        # One requirement named twice in a sentence is one requirement: "be on the Specialist
        # Register, or within six months of attaining your CCT" offers the register entry with an
        # alternative, whichever of its two names the alternative wording stands next to.
        offered = {m.code for m in asked if m.start in alternatives}
        alternatives |= {m.start for m in asked if m.code in offered}
        # only the requirement the alternative stands next to: in "registered with the GMC including
        # entry on the GMC Specialist Register or within six months of obtaining their CCT" the
        # register entry is offered with an alternative, the GMC registration is asked all the same
        nearest = max((m for m in asked if m.start in with_uncoded_alternative), key=lambda m: m.start, default=None)
        offered_here = {nearest.code} if nearest is not None else set()
        # "an ODP or Registered Nurse", "Registered Nurse or ODP": two regulators' registers offered
        # as alternatives leave each not essential, though another sentence names one of them alone
        # ("We are looking for an exceptional Theatre Nurse ... (RGN/ ODP)" beside "RGN" elsewhere)
        registers_offered = {m.code for m in asked if m.code in registrations and m.start in alternatives}
        if len(registers_offered) > 1:
            offered_here |= registers_offered
        stated = "field" if sentence.section == "person-specification" else "list" if len(asked) > 2 else "direct"
        # "Ideally, you will have ...": wording that opens the sentence governs all its clauses.
        opens_desirable = bool(words.desirable.match(without_bullet(sentence.text)))
        closing = words.preferred_at_the_end.search(reading.text, sentence.start, sentence.end)
        # One requirement named twice in a sentence is asked once, as its most tentative naming
        # says: "A clean driving license is desirable, as you may be required to travel between sites".
        tentative = {m.code for m in asked if words.desirable.search(_clause(reading.text, sentence, m))
                     or words.not_essential.search(_clause_after(reading.text, sentence, m))
                     or (closing is not None and _preferred_by_the_close(words, reading.text, sentence, m, closing.start()))}
        for mention in asked:
            essential = (
                sentence.essential
                and not opens_desirable
                and mention.code not in tentative
                and mention.start not in alternatives
            )
            if mention.code in offered_here:
                offered_anywhere.setdefault(mention.code, requirement(mention.code, mention.written, evidence_of(sentence), stated, False))
            previous = found.get(mention.code)
            if previous is not None and (previous.essential or not essential):
                continue
            found[mention.code] = requirement(mention.code, mention.written, evidence_of(sentence), stated, essential)
    found.update(offered_anywhere)
    return _narrowest(reading, found)


#: How far before a requirement's words (in characters) the word that makes it a lower award may stand.
_WORDS_BEFORE = 20


def _a_lower_award(words: Wording, text: str, sentence: Sentence, mention: Mention) -> bool:
    """Whether a degree's words name a foundation degree, a lower award no code stands for: the word
    before them ("a minimum of Foundation Degree Level") or a word inside them, before "degree"
    ("Nursing Associate Foundation Degree")."""
    if words.lower_award_before.search(text, max(sentence.start, mention.start - _WORDS_BEFORE), mention.start):
        return True
    inside = mention.written.lower().rfind("degree")
    return inside > 0 and words.lower_award_before.search(text, mention.start, mention.start + inside) is not None


def _by_chance(words: Wording, text: str, sentence: Sentence, mention: Mention) -> bool:
    """Whether a chance wording leads into the mention: "may be required to" before "travel between
    sites", "may" before "need to travel to different locations" (the pattern's words start at
    "need"), not "may" before "not be accessible by public transport"."""
    return any(
        chance.start() < mention.start <= chance.end() <= mention.start + 25
        for chance in words.chance_of_travel.finditer(text, max(sentence.start, mention.start - 60), mention.end)
    )


def _names_the_post(reading: Reading, words: Wording, mention: Mention) -> bool:
    """Whether a requirement's words call someone sought experienced in the rank the advert's own
    title names ("recruit an experienced Consultant" for a Consultant in Neurorehabilitation)."""
    rank = words.experienced_in_rank.search(reading.text, mention.start, mention.end)
    return rank is not None and re.search(rf"\b{re.escape(rank.group('rank'))}\b", reading.title or "", re.IGNORECASE) is not None


def _listed_under_asking_lead_in(reading: Reading, words: Wording) -> set[int]:
    """The starts of the bullets of a list whose lead-in asks of the candidate ("The post holder
    must:" then "• Have a diploma or degree in Occupational Therapy, and be a member of the Health
    and Care Professions Council"): each asks what it names, as a bullet of the person
    specification does, though by its own words it only names it. The list runs until a line
    that is not a bullet."""
    listed: set[int] = set()
    asking = False
    text = reading.text
    for sentence in reading.sentences:
        if sentence.bullet:
            if asking:
                listed.add(sentence.start)
            continue
        if text[text.rfind("\n", 0, sentence.start) + 1 : sentence.start].strip():
            continue  # the bullet's own next sentence, on its line
        line = sentence.text.strip()
        # a lead-in ends in a colon: most lines do not, and need no search
        asking = line.endswith(":") and words.asking_lead_in.search(line) is not None
    return listed


def _narrowest(reading: Reading, found: dict[str, Requirement]) -> dict[str, Requirement]:
    """Leaves out a requirement a narrower one found in the posting already says: "relevant
    professional registration" beside "registered with the HCPC" asks for the HCPC's register,
    not for a second registration (``skos:broader`` in ``qualification.ttl``)."""
    schemes = (reading.vocab.scheme(QUALIFICATION), reading.vocab.scheme(COMPETENCY))
    said = {
        broader
        for code in found
        for scheme in schemes
        if (concept := scheme.get(code)) is not None
        for broader in concept.broader
    }
    return {code: held for code, held in found.items() if code not in said}


def _alternatives(text: str, sentence: Sentence, asked: list[Mention], equivalents: set[int]) -> set[int]:
    """Starts of requirements offered as alternatives to one another ("a registered Dentist or GMC
    registered doctor"): neither alone is required, so each is recorded as not essential. The
    ``equivalents`` (starts of "or an equivalent ..." wordings) are no alternative to the requirement
    they follow, and no requirement links across them."""
    linked: set[int] = set()
    for first, second in zip(asked, asked[1:]):
        if first.code == second.code or second.start in equivalents or first.start in equivalents:
            continue
        # "MRCPCH/MRCP (or equivalent), CCT in Paediatrics": the equivalent goes with the first
        written = text[first.end : second.start]
        between = _OR_EQUIVALENT.sub(" ", written)
        if re.search(r"\bor\b|/", between) and not re.search(r"[;.]|\band\b", between) and len(written.split()) <= 8:
            linked.update((first.start, second.start))
        elif _LIST_COMMA.fullmatch(between) and _LIST_OR.match(text, second.end, sentence.end):
            # "a registered nurse, occupational therapist or physiotherapist", "a registered nurse,
            # qualified social worker or registered occupational therapist"
            linked.update((first.start, second.start))
    return linked


def _without_another_regulators_licence(reading: Reading, words: Wording, sentence: Sentence, mentions: list[Mention],
                                        asked: list[Mention], registers: Mapping[str, str]) -> list[Mention]:
    """``asked`` without the bare licences to practise (read as the GMC's, a doctor's) that the
    sentence makes another regulator's: it asks that registration on either side ("Hold RMN
    registration with current NMC licence to practice"), a register qualifies a registration word
    before it ("an RGN qualification and license to practice"), or a regulator follows it ("a
    licence to practice with the Health and Care Professions Council"). Not when the sentence names
    the licence's own regulator ("full GMC (including license to practice) and GDC registration"),
    nor for a register's bare letters, which may be a colleague's ("Working with the RN team")."""
    licences = [m for m in asked if words.licence_alone.match(m.written.strip())]
    if not licences:
        return asked  # most sentences: no bare licence to weigh
    registrations = set(registers.values())
    asked_registrations = {m.code for m in asked if m.code in registrations and m not in licences and len(m.written.strip()) > 3}
    named = asked_registrations | {registers[m.code] for m in mentions if m.scheme == BODY and m.code in registers}
    text = reading.text
    others = [m for m in licences if m.code not in named and (
        asked_registrations or words.another_regulators_licence.search(text, sentence.start, m.start)
        or words.another_regulator_after_licence.match(text, m.end, sentence.end))]
    return [m for m in asked if m not in others]


def _offered_with_alternative(reading: Reading, sentence: Sentence, asked: list[Mention], registrations: set[str]) -> set[int]:
    """Starts of requirements offered with an alternative that has no code of its own: "either a
    DCR or a BSc qualification", "on the Specialist Register / within 6 months of CCT".
    ``registrations``: the codes of the regulators' registers (:func:`registers_by_regulator`)."""
    words, text = wording(reading.vocab), reading.text
    offered = set()
    for mention in asked:
        before, after = text[sentence.start : mention.start], text[mention.end : sentence.end]
        either = words.either_before.search(before)
        # "either with dual accreditation CCT in both ... or Virology-only CCT": when every
        # alternative offered is the same requirement, that requirement is asked all the same.
        others = [m for m in asked if m is not mention and either and m.start >= sentence.start + either.start()]
        same = bool(others) and all(m.code == mention.code for m in others)
        if either and not same and (re.search(r"\bor\b", either.group()) or re.match(r"[^,;.:]{0,60}?\bor\b", after)):
            offered.add(mention.start)
        elif (alternative := words.alternative_after.match(after)) is not None:
            # "full GMC registration, be on the Specialist Register or be within six months of
            # gaining CCT": the alternative is to the requirement it follows, not to those before it
            # (a requirement "with" another, "on the Specialist Register with a licence to practise",
            # is one item of the list). After a regulator's register it is an alternative only where
            # it offers time to qualify ("or be within 12 months of completing qualification"):
            # "hold Full and Specialist registration with the GMC, or be eligible for registration
            # within six months of interview" offers time to reach the Specialist Register, and a
            # doctor is registered with the GMC all the same.
            if mention.code in registrations and not words.qualifying_soon.search(after, 0, alternative.end() + 60):
                continue
            if not any(m.code != mention.code and mention.end < m.start < mention.end + alternative.end()
                       and not _QUALIFIES.search(text, mention.end, m.start) for m in asked):
                offered.add(mention.start)
        elif words.soon_to_hold.search(before) or words.uncoded_alternative_before.search(before):
            offered.add(mention.start)
    return offered


def _preferred_by_the_close(words: Wording, text: str, sentence: Sentence, mention: Mention, close: int) -> bool:
    """Whether the words that close the sentence calling what it names a preference ("... travel
    across Scarborough, Ryedale and Whitby would be an advantage.") reach ``mention``: nothing asks
    it in its own part of the sentence, before it or between it and them, and no semicolon parts them
    ("You will hold current NMC registration and experience ... would be an advantage" asks the
    registration)."""
    semicolon = text.rfind(";", sentence.start, mention.start)
    before = text[semicolon + 1 if semicolon >= 0 else sentence.start : mention.start]
    between = text[mention.end : close]
    return not (";" in between or words.asks_of_candidate.search(before) or words.asked_firmly.search(before)
                or words.asked_firmly.search(between))


def _clause_end(text: str, sentence: Sentence, mention: Mention) -> int:
    """Where a mention's clause ends: at the next comma, semicolon, "and" or "or" (not "or equivalent")."""
    after = _CLAUSE_END.search(text, mention.end, sentence.end)
    return after.start() if after else sentence.end


def _clause_after(text: str, sentence: Sentence, mention: Mention) -> str:
    """The rest of a mention's clause after it: "is useful but not essential" says so of what it
    follows, not of a requirement named after it."""
    return text[mention.end : _clause_end(text, sentence, mention)]


def _clause(text: str, sentence: Sentence, mention: Mention) -> str:
    """The clause a mention stands in: "medically qualified ..., preferably in the NHS" asks for a
    medical qualification as essential; only the sector is a preference."""
    before = text[sentence.start : mention.start]
    cut = max(before.rfind(","), before.rfind(";"), before.rfind(":"))
    start = sentence.start + cut + 1 if cut >= 0 else sentence.start
    return text[start : _clause_end(text, sentence, mention)]
