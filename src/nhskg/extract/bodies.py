"""External bodies the post deals with: the bodies it answers to, represents the organisation to
or works with.

Only sentences about the post count: "We were rated Good by the CQC" describes the employer, and
"current GMC registration" is a requirement, not a relationship with the GMC.
"""

from __future__ import annotations

import re
from functools import lru_cache

from ..vocabulary.matching import Matcher, Mention
from .postings import Item, Organisation
from ..read.sentences import Sentence
from .confidence import item
from .employer import ORGANISATION, employer_spans, same_body
from .reading import (
    BODY,
    COMPETENCY,
    CUE,
    FIELD_LINE,
    ORG_TYPE,
    QUALIFICATION,
    ROLE,
    Reading,
    add,
    employer_describes_itself,
    evidence_of,
    has_any,
    mentions_by_sentence,
    subject_is_other_role,
    without_bullet,
)
from .wording import Wording, wording

def read_bodies(
    reading: Reading, organisation: Organisation | None, org_spans: list[tuple[int, int, str]], matcher: Matcher,
    named_in_text: Organisation | None = None,
) -> dict[str, Item]:
    """External bodies the post holder answers to, represents the organisation to or works with.
    ``named_in_text``: the employer as the text names it, when the job board gives only a team's
    name ("Consultants", "Nursing Cohort")."""
    found: dict[str, Item] = {}
    words = wording(reading.vocab)
    own = employer_spans(reading.text, organisation, matcher, reading.mentions, reading.vocab)
    # The bodies the employer's own name names (Health Education England is the body HEE): the
    # employer is never an external body of its own posts, however the text abbreviates it.
    # The body must be most of the name: "University" in "X University Hospitals" is not the employer.
    own_bodies = {
        m.code for m in matcher.find(organisation.name, (BODY,)) if (m.end - m.start) >= 0.6 * len(organisation.name.strip())
    } if organisation and organisation.name else set()
    known_bodies = reading.vocab.scheme(BODY)
    employer_type = reading.vocab.scheme(ORG_TYPE).get(organisation.type) if organisation and organisation.type else None
    own_services = _own_services(employer_type.own_service_patterns) if employer_type else ()
    employers = [o.name for o in (organisation, named_in_text) if o is not None and o.name]
    named_bodies = _other_organisations_as_bodies(reading, org_spans, own, employers, matcher)
    named_starts = {m.start for m in named_bodies}
    for sentence, mentions in mentions_by_sentence(reading):
        mentions += [m for m in named_bodies if sentence.start <= m.start < sentence.end]
        if not any(m.scheme == BODY for m in mentions):
            continue
        recruiting = words.recruiting.search(sentence.text)
        if recruiting:
            # "NHS Clinical Commissioners, the membership body of CCGs, is looking for someone to
            # lead ... with the CCGs": before the verb the employer describes itself, after it
            # the sentence is about the post, though it opens with "We".
            cut = sentence.start + recruiting.end()
            mentions = [m for m in mentions if m.scheme != BODY or m.start >= cut]
            if not any(m.scheme == BODY for m in mentions):
                continue
        holder = bool(recruiting) or bool(words.holder.search(sentence.text))
        if employer_describes_itself(reading, sentence, holder):
            continue  # the employer describing itself and the bodies it deals with
        if words.describes_the_area.search(sentence.text):
            continue  # "the heart of a friendly and vibrant city" with its medical school: a feature of the place
        if not holder and _opens_with(reading.text, sentence, own, words):
            continue  # "Practice Plus Group is working with NHS England": the employer, by its name
        joint = any(m.scheme == CUE for m in mentions)
        if sentence.section in ("application", "person-specification"):
            continue
        if sentence.section == "about-employer" and not (holder or joint):
            continue  # a section about the employer, unless the sentence turns to the post
        relationship = has_any(sentence.text, words.relationship)
        if (words.about_employer.match(sentence.text) and not recruiting) or (
            words.about_candidate.search(sentence.text) and not relationship
        ):
            continue
        if words.describes_candidate.search(without_bullet(sentence.text)):
            continue  # the person sought: "You will have ... relationships across ... local government"
        if words.employment_transfer.search(sentence.text):
            continue  # the contract moving to another employer (TUPE), not a body the post deals with
        if words.benefit_offered.search(without_bullet(sentence.text)):
            continue  # what the employer offers: "First choice of placements at over 50 NHS Trusts"
        about_post = (
            sentence.section == "duties"
            or sentence.bullet
            or holder
            or relationship
            or joint
            or any(m.scheme == ROLE and m.code == reading.role for m in mentions)
        )
        if has_any(sentence.text, words.assessment):
            continue
        if not about_post or subject_is_other_role(reading, sentence, mentions):
            continue
        requirement_spans = [(m.start, m.end) for m in mentions if m.scheme in (QUALIFICATION, COMPETENCY)]
        bodies = [m for m in mentions if m.scheme == BODY]
        if not holder and any(_is_subject(reading.text, sentence, m, words) for m in bodies):
            continue  # "ICSs are a way of ... building partnerships with local government": that body's dealings
        employer_speaking = not sentence.bullet and words.employer_speaking.search(sentence.text) is not None
        academic_offer = words.opportunity_offered.search(sentence.text) is not None
        for mention in bodies:
            if mention.start in named_starts and not _dealt_with_by_name(reading, words, sentence, mention, holder, joint,
                                                                         employer_speaking):
                continue
            body = known_bodies.get(mention.code)
            if (organisation and organisation.type == mention.code) or mention.code in own_bodies:
                continue  # the employer itself
            if any(service.search(mention.written) for service in own_services):
                continue  # "liaise with social services" at an HSC trust: the employer's own service
            if words.one_of_its_kind.search(reading.text[max(sentence.start, mention.start - 60) : mention.start]):
                continue  # "one of the UK's leading NHS Trusts": the employer's own kind
            if words.hospital_site.search(mention.written):
                continue  # "based at the University Hospital site": one hospital is a site, not a body
            if words.hospital_name_after.match(reading.text, mention.end, sentence.end):
                continue  # "University College London Hospital": a hospital, not the body
            # A teaching body where the holder studies ("a PG Diploma at the University of East Anglia")
            # or in an opportunity the post offers ("you will have opportunities for medical student
            # teaching"): the holder's study or an academic link offered, not a body the post works with.
            if body is not None and body.teaches and (academic_offer or words.course_at_body.search(
                    reading.text, max(sentence.start, mention.start - 60), mention.start)):
                continue
            if body is not None and body.inspects_services and _rating_given(reading, words, sentence, mention):
                continue  # "a Trust that recently had good in their CQC report": the employer's rating
            # "You will ensure CQC standards are met": the inspector the post answers to, not an instrument
            standards_met = body is not None and body.inspects_services and bool(
                words.meets_standards.search(reading.text, sentence.start, mention.start))
            if words.body_instrument.match(reading.text[mention.end : sentence.end]) and not standards_met:
                continue  # "in line with the NMC Code", "with NMC or HCPC registration": its code or register
            if words.body_as_source.search(reading.text[max(sentence.start, mention.start - 60) : mention.start]):
                continue  # "in line with advice issued by Public Health England": its advice, not the body
            if body is not None and body.named_for_standards and not _dealt_with(reading, words, sentence, mention):
                continue  # "a valid NMC number", "HCPC approved Doctorate": its register or approval
            if _is_subject(reading.text, sentence, mention, words):
                continue  # "The three acute providers in Birmingham are working together ...": the body's doing
            # "University" inside "X University Hospitals NHS Trust" is not a university, but
            # "Integrated Care System" inside "Frimley Integrated Care System" is that system.
            named = [(a, b) for a, b, kind in org_spans if kind != mention.code]
            spans = named + requirement_spans + own
            if any(a <= mention.start and mention.end <= b and (b - a) > (mention.end - mention.start) for a, b in spans):
                continue
            if any(a < mention.end and mention.start < b and a < mention.start for a, b in requirement_spans):
                continue  # "a member of the Royal College of Psychiatrists": the membership asked, running into the body's name
            if any(a <= mention.start and mention.end <= b for a, b in own):
                continue
            stated = "field" if FIELD_LINE.match(sentence.text) else "list" if len(bodies) > 2 else "direct" if holder or sentence.section == "duties" else "passing"
            if stated == "passing" and (employer_speaking or mention.start in named_starts):
                continue  # "Through working with ... commissioners and universities, we match ...": the employer's partners
            add(found, item("bodies", mention.code, mention.written, evidence_of(sentence), stated))
    return found


# A body joined to what comes before it: "You and the CCG".
_JOINED_BEFORE = re.compile(r"\s(?:and|&)\s+(?:the\s+)?$", re.IGNORECASE)
# The end of an opening clause, where a sentence's subject may begin: "In line with ..., ".
_AFTER_OPENING_CLAUSE = re.compile(r",\s*(?:[Tt]he\s+)?$")
# The article before a kind of body, not a name: "an Outstanding NHS Trust", "a large Acute and
# Community NHS Trust" (not "2 days a week at Kings College Hospital NHS Foundation Trust").
_A_KIND = re.compile(r"\b(?:an?|An?)\s+(?:(?!(?:at|in|on|with|for|of|from|by|to|and|or)\s)[a-z]+\s+){0,2}$")
# Where a name may have run back over words before it: after "and", "&", a comma or "in".
_JOINS = re.compile(r"\s(?:and|&|in)\s|,\s")
# A name running on over "for": "Great Ormond Street Hospital for Children NHS Trust".
_NAME_FOR = re.compile(r"(?:\b[A-Z][\w'\u2019&-]*\s+)+for\s+$")


def _other_organisations_as_bodies(
    reading: Reading, org_spans: list[tuple[int, int, str]], own: list[tuple[int, int]], employers: list[str],
    matcher: Matcher,
) -> list[Mention]:
    """Another organisation named in full, as the body its type counts as (``nhskg:partnerBody``):
    "duties at Barnsley NHS Foundation Trust" names an NHS provider organisation. Singular "NHS
    Trust" is no label of that body, since every posting names its own trust; a named trust other
    than the employer is one. Whether the sentence says the post deals with it is decided as for
    any other body's mention."""
    types = reading.vocab.scheme(ORG_TYPE)
    known = reading.vocab.scheme(ORGANISATION)
    if any(concept.staffs_other_bodies for name in employers for m in matcher.find(name, (ORGANISATION,))
           if (concept := known.get(m.code)) is not None):
        return []  # a staff bank's posts work in the trusts it names
    found = []
    for start, end, kind in org_spans:
        concept = types.get(kind)
        if concept is None or concept.partner_body is None:
            continue
        if _A_KIND.search(reading.text, max(0, start - 30), start):
            continue  # "an Outstanding NHS Trust", "a large Acute and Community NHS Trust": a kind of body
        # "Community Eating Disorder Team. North East London NHS Foundation Trust": two lines run together
        run_together = reading.text.rfind(". ", start, end)
        if run_together >= 0:
            start = run_together + 2
        extended = _NAME_FOR.search(reading.text, max(0, start - 80), start)
        if extended:
            start = extended.start()  # "Great Ormond Street Hospital for Children NHS Trust"
        if any(a < end and start < b for a, b in own):
            continue  # the employer, by its name or initials
        # the employer spelt another way ("Milton Keynes Hospital Foundation Trust"), or named after
        # words the name ran back over ("Adult Social Care and Stockport NHS Foundation Trust")
        tails = [start] + [start + j.end() for j in _JOINS.finditer(reading.text[start:end])]
        if any(same_body(reading.text[tail:end], name, reading.vocab) for tail in tails for name in employers):
            continue
        found.append(Mention(BODY, concept.partner_body, start, end, reading.text[start:end]))
    return found


def _dealt_with_by_name(reading: Reading, words: Wording, sentence: Sentence, mention: Mention, holder: bool,
                        joint: bool, employer_speaking: bool) -> bool:
    """Whether a sentence says the post deals with another trust it names in full. Not a trust named
    in a duty or a bullet the post does not do with it, nor as where a team's members come from
    ("visiting Consultants from ..."), nor in a list of the alliance the employer belongs to ("Devon
    Partnership NHS Trust": the word in its name is no relationship), nor as the employer's partners
    ("With our partners, ... we form ...") or in its history ("Following the merger of ...")."""
    text = reading.text
    if words.team_make_up.search(text, sentence.start, mention.start):
        return False
    rest = text[sentence.start : mention.start] + " " + text[mention.end : sentence.end]
    if not (words.holder.search(sentence.text) or has_any(rest, words.relationship) or joint):
        return False
    return not (employer_speaking and not holder) and not words.organisation_history.search(sentence.text)


def _rating_given(reading: Reading, words: Wording, sentence: Sentence, mention: Mention) -> bool:
    """Whether the words around an inspecting body's name give the rating it awarded ("rated Good
    by CQC", "a CQC Outstanding organisation"): the sentence up to the name and the few words after
    it, joined by a newline, as the context concept inspection-rating reads them."""
    before = reading.text[sentence.start : mention.start].replace("\n", " ")
    after = reading.text[mention.end : min(sentence.end, mention.end + 40)].replace("\n", " ")
    return words.inspection_rating.search(f"{before}\n{after}") is not None


def _dealt_with(reading: Reading, words: Wording, sentence: Sentence, mention: Mention) -> bool:
    """Whether the post works with, answers to or engages the body ``mention`` names: a joint-working
    or reporting cue, or a word of a relationship, before it in its sentence, or in the lines of a
    sentence wrapped over several that the reader took apart ("... in collaboration with the" /
    "NHSE, the GMC and relevant Higher Education Institutions")."""
    text = reading.text
    start = sentence.start
    for _ in range(3):
        if start == 0 or text[start - 1] != "\n":
            break
        previous = text.rfind("\n", 0, start - 1) + 1
        line = text[previous : start - 1].rstrip()
        if not line or line[-1] in ".!?:;":
            break
        start = previous
    before = text[start : mention.start]
    if has_any(before, words.relationship):
        return True
    return any(m.scheme == CUE and start <= m.start and m.end <= mention.start for m in reading.mentions)


def _opens_with(text: str, sentence: Sentence, spans: list[tuple[int, int]], words: Wording) -> bool:
    """Whether one of ``spans`` (the employer's name) is the sentence's subject: the name's first
    word among the sentence's first three ("NHS Professionals (NHSP), owned by ..., works in
    partnership with hospital trusts" is about the employer, as "We work with" is), or the name
    right after an opening clause and followed by its verb ("In line with national initiatives
    ..., East Lancashire Hospitals NHS Trust is currently working collaboratively with 3 other
    local Trusts": the employer's own collaboration, whichever of its posts the advert is for)."""
    for a, b in spans:
        if not sentence.start <= a < sentence.end:
            continue
        before = text[sentence.start : a]
        if len(before.split()) < 3 and "," not in before:
            return True
        if _AFTER_OPENING_CLAUSE.search(before) and words.body_as_subject.match(text[b : sentence.end]):
            return True
    return False


def _is_subject(text: str, sentence: Sentence, mention: Mention, words: Wording) -> bool:
    """Whether a body opens its sentence as its subject ("The CQC is the independent regulator",
    "On 18 August 2020, the Secretary of State announced"): within the first four words after any
    date, and followed by the verb the sentence says of it."""
    before = text[sentence.start : mention.start]
    dated = words.dated_opening.match(before)
    if dated:
        before = before[dated.end() :]
    if _JOINED_BEFORE.search(before):
        return False  # "You and the CCG work closely with GP practices": the holder shares the subject
    return len(before.split()) < 4 and "," not in before and bool(words.body_as_subject.match(text[mention.end : sentence.end]))


@lru_cache(maxsize=64)
def _own_services(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    """An employer type's own services (``nhskg:ownServicePattern``), compiled once per type
    rather than for every posting."""
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)
