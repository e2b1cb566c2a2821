"""External bodies the post deals with: the bodies it answers to, represents the organisation to
or works with.

Only sentences about the post count: "We were rated Good by the CQC" describes the employer, and
"current GMC registration" is a requirement, not a relationship with the GMC.
"""

from __future__ import annotations

from ..vocabulary.matching import Matcher, Mention
from .postings import Item, Organisation
from ..read.sentences import Sentence
from .confidence import item
from .employer import employer_spans
from .reading import (
    BODY,
    COMPETENCY,
    CUE,
    FIELD_LINE,
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
    reading: Reading, organisation: Organisation | None, org_spans: list[tuple[int, int, str]], matcher: Matcher
) -> dict[str, Item]:
    """External bodies the post holder answers to, represents the organisation to or works with."""
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
    for sentence, mentions in mentions_by_sentence(reading):
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
        if not holder and _opens_with(reading.text, sentence, own):
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
            body = known_bodies.get(mention.code)
            if (organisation and organisation.type == mention.code) or mention.code in own_bodies:
                continue  # the employer itself
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
            if stated == "passing" and employer_speaking:
                continue  # "Through working with ... commissioners and universities, we match ...": the employer's partners
            add(found, item("bodies", mention.code, mention.written, evidence_of(sentence), stated))
    return found


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


def _opens_with(text: str, sentence: Sentence, spans: list[tuple[int, int]]) -> bool:
    """Whether the sentence opens with one of ``spans`` (the employer's name) as its subject, the
    name's first word among the sentence's first three: "NHS Professionals (NHSP), owned by ...,
    works in partnership with hospital trusts" is about the employer, as "We work with" is."""
    return any(
        sentence.start <= a < sentence.end and len(text[sentence.start : a].split()) < 3 and "," not in text[sentence.start : a]
        for a, _ in spans
    )


def _is_subject(text: str, sentence: Sentence, mention: Mention, words: Wording) -> bool:
    """Whether a body opens its sentence as its subject ("The CQC is the independent regulator",
    "On 18 August 2020, the Secretary of State announced"): within the first four words after any
    date, and followed by the verb the sentence says of it."""
    before = text[sentence.start : mention.start]
    dated = words.dated_opening.match(before)
    if dated:
        before = before[dated.end() :]
    return len(before.split()) < 4 and "," not in before and bool(words.body_as_subject.match(text[mention.end : sentence.end]))
