"""Stage 2 -> 3: read one document into an evidenced posting record.

Recognition is driven by the vocabularies in ``ontology/vocab`` (through :mod:`nhskg.matching`);
this module holds only the reading rules: which mention is the post itself, which roles a cue
phrase governs, which sentence talks about the post holder. Every fact keeps the sentence it was
read from, so an analyst can always see why the graph says what it says.

Non-leadership postings (a role type whose concept is not ``nhskg:leadershipRole true``) are read
only for their title, role type, organisation, pay and dates unless ``full=True``: they are most of
any job board's output and their duties would swamp the leadership graph.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

from .amounts import find_closing_date, find_salary, parse_date, yearly
from .documents import Document, Problem, Structured
from .matching import Matcher, Mention, build_matcher, fold
from .postings import Duty, Evidence, Item, Organisation, Posting, Requirement, Salary
from .sentences import Sentence, split_sentences
from .vocab import Vocabulary, load_vocabulary

__all__ = ["extract_posting", "extract_postings", "text_wanted"]

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

# Words that, just before a role in a title, say the post is not that role itself.
_NOT_THE_ROLE = re.compile(
    r"(?:\b(?:pa|assistant|secretary|administrator|manager|officer|coordinator|support)\s+)?"
    r"\b(?:to|for|of)\s+(?:the\s+)?$",
    re.IGNORECASE,
)
_DEPUTY = re.compile(r"\b(deputy|assistant|associate|vice)\s+(?:\w+\s+){0,1}$", re.IGNORECASE)
_JOB_TITLE = re.compile(
    r"^\s*(?:job\s+title|post\s+title|role\s+title|title\s+of\s+post|position|post|job)\s*[:\u2013\u2014-]\s*(?P<title>\S.{2,120})$",
    re.IGNORECASE | re.MULTILINE,
)
_SEEKING = re.compile(
    r"(?:seek(?:ing|s)?|looking\s+for|recruit(?:ing)?|appoint(?:ing)?|opportunity\s+(?:for|to\s+join\s+as)|vacancy\s+for|"
    r"applications?\s+for|join\s+(?:us|our\s+\w+(?:\s+\w+)?)\s+as)\s+(?:an?|the|our|its|their)?\s*(?:[\w-]+\s+){0,4}$",
    re.IGNORECASE,
)
_TITLE_PREFIX = re.compile(
    r"(?:\b(?:Interim|Acting|Executive|Group|Regional|Hospital|Divisional|National|System|Joint|Substantive|Associate|Deputy|Site|Trust|ICS|ICB)\s+)+$"
)
_HOLDER = re.compile(
    r"\b(?:you|your|post\s?holder|post-holder|jobholder|job\s+holder|successful\s+candidate|this\s+(?:role|post|position)|the\s+role|the\s+post)\b",
    re.IGNORECASE,
)
_DUTY_VERB = re.compile(
    r"\b(?:lead|leads|leading|ensur\w*|oversee\w*|oversight|responsib\w*|accountab\w*|deliver\w*|develop\w*|"
    r"provid\w*|advis\w*|manag\w*|support\w*|champion\w*|chair\w*|direct\w*|promot\w*|represent\w*|"
    r"work\w*|set\w*|shap\w*|driv\w*|build\w*|act\s+as|serve\w*|hold\w*|assur\w*|monitor\w*|maintain\w*|"
    r"implement\w*|improv\w*|co-?ordinat\w*|contribut\w*|play\w*|take|establish\w*|foster\w*|embed\w*)\b",
    re.IGNORECASE,
)
_DESIRABLE = re.compile(r"\bdesirabl\w*|\bpreferab\w*|\bideally\b|\badvantage\w*|\bwould be (?:an? )?(?:plus|benefit)", re.IGNORECASE)
_LOCATION = re.compile(r"(?:^|\n)\s*-?\s*(?:Town|Location|Base|Site|Based at)\s*(?::|\n\s*-?)\s*(?P<place>[^\n]{2,80})", re.IGNORECASE)
_EMPLOYER = re.compile(r"(?:^|\n)\s*-?\s*(?:Employer|Organisation|Organization|Trust)\s*(?::|\n\s*-?)\s*(?P<name>[^\n]{3,120})", re.IGNORECASE)
# Lines about pay or conditional checks are not requirements: "Salary: VSM or Consultant grade",
# "If the advertised post requires a DBS check ...".
_NOT_A_REQUIREMENT = re.compile(r"^(?:salary|pay|band|grade|if|where|should)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[,;]|\band\b|\bor\b")
_REGIONAL_POST = re.compile(
    r"\b(?:across the region|the region['\u2019]s|regional (?:executive )?team\b|"
    r"(?:North|South|East|West|London|Midlands|Yorkshire|England)[\w ]{0,20} Region\b)",
    re.IGNORECASE,
)
_SYSTEM_POST = re.compile(r"\b(?:ICS|STP|Integrated Care System|system)\s+(?:executive|leadership|board|team|wide|level)", re.IGNORECASE)
_BRACKETS = re.compile(r"\([^)]*\)?")
_ACRONYM = re.compile(r"([A-Z]{2,8})\)")
_CLAUSE_BREAK = re.compile(r"[;]|\.\s")
_NAME_WORD = re.compile(r"(?:[A-Z][\w'\u2019.&-]*|and|of|&|the|upon|on|in|St\.?)$")
_MAX_CUE_GAP_WORDS = 14
# "Accountable to: Group Chief Executive": a form field, not a duty.
_FIELD_LINE = re.compile(r"^[A-Z][\w /&-]{1,30}:\s+\S.{0,80}$")
# Sentences about the advert itself, not the post: "Please see the attached job description".
# Plain substrings of the lower-cased sentence: an alternation regex cost 0.25 ms a sentence.
_NOT_A_DUTY = (
    "attached", "job description", "person specification", "subject to amendment", "subject to change",
    "please", "apply", "application", "interview", "closing date", "salary", "contact",
)
# "please contact Lynne Carter, Deputy Chief Executive": a person to call, not this post's line.
_CONTACT = ("contact", "email", "e-mail", "@", " tel", "phone", "informal chat", "informal discussion", "informal visit")


def _has_any(text: str, needles: tuple[str, ...]) -> bool:
    lower = text.lower()
    return any(needle in lower for needle in needles)
# Words that make a sentence about the post's external relationships even with no "you" in it.
_RELATIONSHIP = ("relationship", "stakeholder", "partners", "liaise", "liaison", "engage", "engaging",
                 "represent", "collaborat", "work closely", "working closely")
# A regulator's rating of the employer is not the post's relationship with the regulator.
_ASSESSMENT = (" rated", " rating", " awarded", " inspection", " inspected")
# Sentences about the employer or the candidate rather than the post.
_ABOUT_EMPLOYER = re.compile(
    r"^(?:we\b|we're\b|our\b|the (?:trust|group|organisation|organization|department|hospital|board|ics|system)\b|this trust\b|they\b)",
    re.IGNORECASE,
)
_ABOUT_CANDIDATE = re.compile(
    r"\b(?:successful|ideal) candidate\b|\bexperience (?:of|in|at|as|working)\b|\bregistered\b|\bregistration\b|\bqualifi",
    re.IGNORECASE,
)
#: Sections that describe the person wanted or the application, not the post's own lines:
#: "experience working as a Board Director" is a requirement, not a board seat.
_NOT_ABOUT_THE_POST = ("person-specification", "application")


@dataclass(frozen=True)
class _Read:
    """What the reader knows about one document while it works: shared by the field readers."""

    document: Document
    vocab: Vocabulary
    text: str
    mentions: tuple[Mention, ...]
    sentences: tuple[Sentence, ...]
    role: str
    role_mention: Mention | None


def _concept_leadership(vocab: Vocabulary, code: str) -> bool:
    concept = vocab.scheme(ROLE).get(code)
    return bool(concept and concept.leadership)


def _evidence(text: str, start: int, end: int) -> Evidence:
    return Evidence(text[start:end], start, end)


def _sentence_of(sentences: tuple[Sentence, ...], position: int) -> Sentence | None:
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


# --- the post itself: title, role type, scope -----------------------------------------------------


def _role_in_title(title: str, matcher: Matcher, vocab: Vocabulary) -> tuple[str, Mention | None]:
    """The role type a title names, judged in context ("PA to the Chief Executive" is not a CEO)."""
    roles = [m for m in matcher.find(title, (ROLE,))]
    for mention in roles:
        before = title[: mention.start]
        if _NOT_THE_ROLE.search(before):
            continue
        deputy = _DEPUTY.search(before)
        code = mention.code
        if deputy and code != "other" and not fold(mention.written).startswith(("deputy", "assistant", "associate", "vice")):
            code = _deputy_of(vocab, code)
        return code, mention
    return "other", None


def _deputy_of(vocab: Vocabulary, code: str) -> str:
    """The deputy role type of a chief role ("Deputy Director of Nursing" -> deputy-chief-nurse)."""
    scheme = vocab.scheme(ROLE)
    for concept in scheme.concepts:
        if code in concept.broader and concept.code.startswith("deputy"):
            return concept.code
    return "deputy-director" if "deputy-director" in scheme else "other"


def _refined_in_text(text: str, mentions: list[Mention], in_title: Mention) -> Mention | None:
    """A title judged in context: an advert titled "Director of Nursing" that says it is "seeking
    to appoint a Divisional Director of Nursing" is for the divisional post."""
    words = fold(in_title.written).split()
    for mention in mentions:
        if mention.start > 2500:
            break
        if mention.scheme != ROLE or mention.code == in_title.code:
            continue
        found = fold(mention.written).split()
        if len(found) > len(words) and _contains(found, words) and _SEEKING.search(text[max(0, mention.start - 80) : mention.start]):
            return mention
    return None


def _contains(haystack: list[str], needle: list[str]) -> bool:
    return any(haystack[i : i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1))


def _title_from_text(text: str, mentions: list[Mention], matcher: Matcher) -> tuple[str | None, int, int]:
    """Find the posting's own title in free text: a "Job Title:" line, a title-like line, or the
    role the employer says it is seeking; otherwise the role named most often near the top."""
    match = _JOB_TITLE.search(text)
    if match and matcher.find(match.group("title"), (ROLE,)):
        title = match.group("title").strip()
        return title, match.start("title"), match.start("title") + len(title)
    roles = [m for m in mentions if m.scheme == ROLE]
    if not roles:
        return None, 0, 0
    head = text[:4000]
    for mention in roles:
        if mention.start > len(head):
            break
        line_start = text.rfind("\n", 0, mention.start) + 1
        line_end = text.find("\n", mention.end)
        line_end = len(text) if line_end == -1 else line_end
        line = text[line_start:line_end].strip(" -\t")
        core = re.sub(r"\([^)]*\)", "", line).strip(" -,|")
        if core and len(core.split()) <= 8 and (mention.end - mention.start) >= 0.45 * len(core):
            return line, line_start + text[line_start:line_end].index(line), line_start + text[line_start:line_end].index(line) + len(line)
    for mention in roles:
        if _SEEKING.search(text[max(0, mention.start - 60) : mention.start]):
            return _with_prefix(text, mention)
    counts: dict[str, int] = {}
    for mention in roles:
        counts[mention.code] = counts.get(mention.code, 0) + 1
    early = [m for m in roles if m.start < 3000] or roles
    best = max(early, key=lambda m: (counts[m.code], -m.start))
    return _with_prefix(text, best)


def _with_prefix(text: str, mention: Mention) -> tuple[str, int, int]:
    prefix = _TITLE_PREFIX.search(text[max(0, mention.start - 60) : mention.start])
    start = mention.start - (len(prefix.group()) if prefix else 0)
    return text[start : mention.end], start, mention.end


def _scope(title: str | None, role_code: str, vocab: Vocabulary, matcher: Matcher,
           organisation: Organisation | None, text: str) -> str:
    """The span of the post: a scope word in front of (or inside) the role in its title ("Group
    Chief Medical Officer"), else the role type's default, else what the employer implies. A scope
    word after the role names a subject, not a span ("Medical Director, System Improvement")."""
    if title:
        roles = matcher.find(title, (ROLE,))
        limit = roles[0].end if roles else len(title)
        scopes = [m for m in matcher.find(title, (SCOPE,)) if m.start < limit]
        if scopes:
            return scopes[0].code
    concept = vocab.scheme(ROLE).get(role_code)
    if concept and concept.default_scope:
        return concept.default_scope
    head = text[:3000]
    if organisation and organisation.type in ("nhs-england", "nhs-england-region"):
        # A post in one of NHS England's regional teams; "regional offices" alone does not say so.
        if organisation.type == "nhs-england-region" or _REGIONAL_POST.search(head):
            return "region"
        return "national"
    if organisation and organisation.type in ("ccg", "icb") and _SYSTEM_POST.search(head):
        return "system"  # a commissioner's executive serving its integrated care system
    return "organisation"


# --- the employer ---------------------------------------------------------------------------------


def _organisation_type(name: str, matcher: Matcher) -> str:
    """The type its name gives an organisation: the last type word outside brackets, so that
    "Bedfordshire Hospitals NHS Foundation Trust (formerly ... NHS Trust)" is a foundation trust."""
    types = matcher.find(_BRACKETS.sub(" ", name), (ORG_TYPE,))
    if not types:
        return "other"
    return max(types, key=lambda m: (m.end, m.end - m.start)).code


def _name_around(text: str, mention: Mention) -> tuple[str, int, int] | None:
    """Extend an organisation-type mention leftwards over the capitalised words of its name."""
    line_start = text.rfind("\n", 0, mention.start) + 1
    words = list(re.finditer(r"\S+", text[line_start : mention.start]))
    start = mention.start
    for word in reversed(words):
        token = word.group().strip(",;:()")
        if token != word.group() and token not in ("&",):
            break
        if not _NAME_WORD.match(token):
            break
        start = line_start + word.start()
    name = text[start : mention.end]
    name = re.sub(r"^(?:(?:and|of|the|&|The|In|At|With|As|For|From|To|Our|Join|Go|back)\s+)+", "", name).strip(" ,;:-")
    if not name:
        return None
    if name == mention.written and len(name.split()) <= 4 and mention.code != "nhs-england":
        return None  # "an NHS Foundation Trust": a kind of body, not a name
    return name, text.index(name, line_start) if name in text[line_start:] else start, mention.end


def _organisation_from_text(
    text: str, mentions: list[Mention], matcher: Matcher
) -> tuple[Organisation | None, list[tuple[int, int, str]]]:
    """The employer named in free text, and the spans of every organisation name seen."""
    candidates: dict[str, list[int]] = {}
    spans: list[tuple[int, int, str]] = []
    for mention in mentions:
        if mention.scheme != ORG_TYPE:
            continue
        found = _name_around(text, mention)
        if not found:
            continue
        name, start, end = found
        spans.append((start, end, mention.code))
        candidates.setdefault(name, []).append(start)
    employer = _EMPLOYER.search(text[:6000])
    if employer:
        name = employer.group("name").strip(" -")
        if matcher.find(name, (ORG_TYPE,)) or name in candidates:
            candidates.setdefault(name, []).extend([-1, -1, -1])
    if not candidates:
        return None, spans

    def score(name: str) -> tuple[float, int]:
        count = len(candidates[name])
        after = text.find(name + " (")
        acronym = _ACRONYM.match(text, after + len(name) + 2) if after >= 0 else None
        if acronym:
            count += text.count(acronym.group(1)) - 1
        kind = _organisation_type(name, matcher)
        if kind in ("ics", "icb", "ccg") and len(candidates) > 1:
            count -= 0.5  # systems are named as partners far more often than as employers
        return count, -min(candidates[name])

    best = max(candidates, key=score)
    return Organisation(best, _organisation_type(best, matcher)), spans


# --- relations, designations, bodies, requirements, duties ----------------------------------------


def _subject_is_other_role(sentence: Sentence, mentions: list[Mention], own: str, text: str) -> bool:
    """True when the sentence is about another post ("The Chief Nurse will be accountable to...")."""
    if _HOLDER.search(sentence.text[:60]):
        return False
    first_cue = min((m.start for m in mentions if m.scheme == CUE), default=sentence.end)
    for mention in mentions:
        if mention.scheme != ROLE or mention.start >= first_cue:
            continue
        words_before = len(text[sentence.start : mention.start].split())
        if words_before <= 4 and mention.code != own:
            return True
    return False


def _governing_cue(sentence_mentions: list[Mention], target: Mention, text: str) -> Mention | None:
    """The nearest cue phrase before ``target`` in the same clause, if close enough."""
    best = None
    for mention in sentence_mentions:
        if mention.scheme == CUE and mention.end <= target.start:
            best = mention
    if best is None:
        return None
    between = text[best.end : target.start]
    if _CLAUSE_BREAK.search(between) or len(between.split()) > _MAX_CUE_GAP_WORDS:
        return None
    return best


def _add(bucket: dict[str, Item], code: str, written: str, evidence: Evidence) -> None:
    if code not in bucket:
        bucket[code] = Item(code, written, evidence)


def _read_relations(read: _Read) -> tuple[dict[str, dict[str, Item]], dict[int, set[str]], dict[str, Item]]:
    """Lines of accountability and joint working, per sentence; and the designations they imply."""
    vocab = read.vocab
    fields: dict[str, dict[str, Item]] = {
        "accountable_to": {},
        "professionally_accountable_to": {},
        "works_with": {},
        "leads": {},
    }
    partners: dict[int, set[str]] = {}
    designations: dict[str, Item] = {}
    cue_fields = {c.code: c.record_field for c in vocab.scheme(CUE).concepts}
    for sentence, mentions in _mentions_by_sentence(read):
        if sentence.section in _NOT_ABOUT_THE_POST or not any(m.scheme == CUE for m in mentions):
            continue
        if _has_any(sentence.text, _CONTACT):
            continue
        if _subject_is_other_role(sentence, mentions, read.role, read.text):
            continue
        evidence = Evidence(sentence.text, sentence.start, sentence.end)
        for mention in mentions:
            if mention.scheme != ROLE or mention.code == "other":
                continue
            if read.role_mention and mention.start == read.role_mention.start:
                continue
            cue = _governing_cue(mentions, mention, read.text)
            if cue is None:
                continue
            field = cue_fields.get(cue.code)
            if field not in fields:
                continue
            if mention.code == read.role and not _another_post_of_own_type(read, mention, field):
                continue
            _add(fields[field], mention.code, mention.written, evidence)
            if field == "works_with":
                partners.setdefault(sentence.start, set()).add(mention.code)
            if cue.code == "deputises-for" and mention.code == "chief-executive" and "deputy-chief-executive" in vocab.scheme(DESIGNATION):
                _add(designations, "deputy-chief-executive", read.text[cue.start : mention.end], evidence)
    for field in ("works_with", "leads"):
        for code in list(fields[field]):
            if code in fields["accountable_to"] or code in fields["professionally_accountable_to"]:
                del fields[field][code]
    for code in list(fields["works_with"]):
        if code in fields["leads"]:
            del fields["works_with"][code]
    return fields, partners, designations


def _another_post_of_own_type(read: _Read, mention: Mention, field: str) -> bool:
    """A post may report to another post of its own role type (a hospital medical director to the
    group medical director), but only on a stated line and when named differently from its title."""
    if field not in ("accountable_to", "professionally_accountable_to") or read.role_mention is None:
        return False
    return fold(mention.written).split() != fold(read.role_mention.written).split()


def _mentions_by_sentence(read: _Read) -> Iterator[tuple[Sentence, list[Mention]]]:
    mentions = read.mentions
    index = 0
    for sentence in read.sentences:
        while index < len(mentions) and mentions[index].start < sentence.start:
            index += 1
        here = []
        j = index
        while j < len(mentions) and mentions[j].start < sentence.end:
            if mentions[j].end <= sentence.end:
                here.append(mentions[j])
            j += 1
        yield sentence, here


def _read_designations(read: _Read, implied: dict[str, Item]) -> dict[str, Item]:
    found = dict(implied)
    for sentence, mentions in _mentions_by_sentence(read):
        if not any(m.scheme == DESIGNATION for m in mentions):
            continue
        if sentence.section in _NOT_ABOUT_THE_POST or _has_any(sentence.text, _CONTACT):
            continue
        if sentence.section == "about-employer" and not _HOLDER.search(sentence.text):
            continue
        if _subject_is_other_role(sentence, mentions, read.role, read.text):
            continue
        for mention in mentions:
            if mention.scheme != DESIGNATION:
                continue
            cue = _governing_cue(mentions, mention, read.text)
            if cue is not None:
                continue  # "work with the Caldicott Guardian": someone else holds it
            before = read.text[max(sentence.start, mention.start - 40) : mention.start]
            if re.search(r"\b(?:support|advise|inform|assist|to)\s+(?:the|our)\s+$", before, re.IGNORECASE):
                continue
            _add(found, mention.code, mention.written, Evidence(sentence.text, sentence.start, sentence.end))
    return found


def _read_bodies(
    read: _Read, organisation: Organisation | None, org_spans: list[tuple[int, int, str]]
) -> dict[str, Item]:
    """External bodies the post holder answers to, represents the organisation to or works with.

    Only sentences about the post count: "We were rated Good by the CQC" describes the employer,
    and "current GMC registration" is a requirement, not a relationship with the GMC.
    """
    found: dict[str, Item] = {}
    for sentence, mentions in _mentions_by_sentence(read):
        if not any(m.scheme == BODY for m in mentions):
            continue
        if sentence.section in ("about-employer", "application", "person-specification"):
            continue
        if _ABOUT_EMPLOYER.match(sentence.text) or _ABOUT_CANDIDATE.search(sentence.text):
            continue
        about_post = (
            sentence.section == "duties"
            or sentence.bullet
            or _HOLDER.search(sentence.text)
            or _has_any(sentence.text, _RELATIONSHIP)
            or any(m.scheme == ROLE and m.code == read.role for m in mentions)
        )
        if _has_any(sentence.text, _ASSESSMENT):
            continue
        if not about_post or _subject_is_other_role(sentence, mentions, read.role, read.text):
            continue
        requirement_spans = [(m.start, m.end) for m in mentions if m.scheme in (QUALIFICATION, COMPETENCY)]
        for mention in mentions:
            if mention.scheme != BODY:
                continue
            if organisation and organisation.type == mention.code:
                continue  # the employer itself
            # "University" inside "X University Hospitals NHS Trust" is not a university, but
            # "Integrated Care System" inside "Frimley Integrated Care System" is that system.
            named = [(a, b) for a, b, kind in org_spans if kind != mention.code]
            spans = named + requirement_spans + _employer_spans(read.text, organisation)
            if any(a <= mention.start and mention.end <= b and (b - a) > (mention.end - mention.start) for a, b in spans):
                continue
            _add(found, mention.code, mention.written, Evidence(sentence.text, sentence.start, sentence.end))
    return found


def _employer_spans(text: str, organisation: Organisation | None) -> list[tuple[int, int]]:
    if organisation is None or not organisation.name:
        return []
    name = organisation.name
    spans, start = [], text.find(name)
    while start >= 0:
        spans.append((start, start + len(name)))
        start = text.find(name, start + len(name))
    return spans


def _read_requirements(read: _Read) -> dict[str, Requirement]:
    found: dict[str, Requirement] = {}
    for sentence, mentions in _mentions_by_sentence(read):
        if not any(m.scheme in (QUALIFICATION, COMPETENCY) for m in mentions):
            continue
        if _NOT_A_REQUIREMENT.match(sentence.text):
            continue
        for mention in mentions:
            if mention.scheme not in (QUALIFICATION, COMPETENCY):
                continue
            essential = sentence.essential and not _DESIRABLE.search(_clause(read.text, sentence, mention))
            previous = found.get(mention.code)
            if previous is not None and (previous.essential or not essential):
                continue
            found[mention.code] = Requirement(
                mention.code, mention.written, Evidence(sentence.text, sentence.start, sentence.end), essential
            )
    return found


def _clause(text: str, sentence: Sentence, mention: Mention) -> str:
    """The clause a mention stands in: "medically qualified ..., preferably in the NHS" asks for a
    medical qualification as essential; only the sector is a preference."""
    before = text[sentence.start : mention.start]
    cut = max(before.rfind(","), before.rfind(";"), before.rfind(":"))
    start = sentence.start + cut + 1 if cut >= 0 else sentence.start
    after = _CLAUSE_END.search(text, mention.end, sentence.end)
    end = after.start() if after else sentence.end
    return text[start:end]


def _is_duty(sentence: Sentence, mentions: list[Mention], read: _Read) -> bool:
    if sentence.heading or sentence.section in ("about-employer", "application", "person-specification"):
        return False
    words = len(sentence.text.split())
    if words < 4 or words > 90 or _FIELD_LINE.match(sentence.text) or _has_any(sentence.text, _NOT_A_DUTY):
        return False
    if _subject_is_other_role(sentence, mentions, read.role, read.text):
        return False
    if sentence.section == "duties":
        return True
    if not _DUTY_VERB.search(sentence.text):
        return False
    if _HOLDER.search(sentence.text):
        return True
    return any(m.scheme == ROLE and m.code == read.role for m in mentions) or sentence.bullet


def _read_duties(read: _Read, partners: dict[int, set[str]]) -> tuple[Duty, ...]:
    duties: list[Duty] = []
    seen: set[str] = set()
    for sentence, mentions in _mentions_by_sentence(read):
        if not _is_duty(sentence, mentions, read):
            continue
        key = fold(sentence.text).strip()
        if key in seen:
            continue
        seen.add(key)
        areas = tuple(dict.fromkeys(m.code for m in mentions if m.scheme == DUTY_AREA))
        with_ = tuple(sorted(partners.get(sentence.start, ())))
        duties.append(Duty(sentence.text, areas, with_, Evidence(sentence.text, sentence.start, sentence.end)))
    return tuple(duties)


# --- pay, dates, place ----------------------------------------------------------------------------


def _salary(document: Document, sentences: tuple[Sentence, ...]) -> Salary | None:
    s = document.structured
    if s.salary_min is not None or s.salary_max is not None:
        low = yearly(s.salary_min, s.salary_period)
        high = yearly(s.salary_max, s.salary_period)
        if low is not None or high is not None:
            low = low if low is not None else high
            high = high if high is not None else low
            if low and low >= 1000:
                return Salary(low, high)
    if s.salary_text:
        found = find_salary(s.salary_text if "£" in s.salary_text else f"salary £{s.salary_text}")
        if found:
            return Salary(*found)
    previous = ""
    for sentence in sentences:
        found = find_salary(sentence.text if "salary" not in previous.lower() else f"salary {sentence.text}")
        if found:
            return Salary(*found)
        previous = sentence.text
    return None


def _pay_band(document: Document, read_title: str | None, matcher: Matcher, mentions: list[Mention]) -> str | None:
    for text in (read_title, document.structured.salary_text):
        if text:
            bands = matcher.find(text, (PAY_BAND,))
            if bands:
                return bands[0].code
    bands = [m for m in mentions if m.scheme == PAY_BAND]
    return bands[0].code if bands else None


def _closing_date(document: Document, text: str) -> str | None:
    if document.structured.closing_date:
        return parse_date(document.structured.closing_date) or document.structured.closing_date
    found = find_closing_date(text)
    return found[0] if found else None


def _location(document: Document, text: str) -> str | None:
    if document.structured.location:
        return document.structured.location
    match = _LOCATION.search(text[:6000])
    return match.group("place").strip(" -") if match else None


# --- the composer ---------------------------------------------------------------------------------


def extract_posting(document: Document, vocab: Vocabulary | None = None, *, full: bool | None = None) -> Posting:
    """Read one document into a posting record.

    ``full=None`` reads leadership postings in full and others only for title, role type,
    organisation, pay and dates; ``True`` reads every posting in full; ``False`` none.

    >>> from nhskg.documents import Document
    >>> p = extract_posting(Document("x", "x.txt", "Job Title: Chief Nurse\\nAccountable to: Chief Executive"))
    >>> p.role_type, [i.code for i in p.accountable_to]
    ('chief-nurse', ['chief-executive'])
    """
    vocab = vocab or load_vocabulary()
    matcher = build_matcher(vocab)
    text = document.text
    structured = document.structured
    title = structured.title.strip() if structured.title else None

    if title and text.startswith(title) and not _needs_full(vocab, matcher, title, full):
        # Cheap path: the title decides the role and the posting is not read in full.
        role, role_mention = _role_in_title(title, matcher, vocab)
        organisation = (
            Organisation(structured.organisation, _organisation_type(structured.organisation, matcher))
            if structured.organisation
            else None
        )
        return Posting(
            id=document.id,
            source=document.source,
            title=title,
            role_type=role,
            scope=_scope(title, role, vocab, matcher, organisation, ""),
            organisation=organisation,
            location=structured.location,
            salary=_salary(document, ()),
            pay_band=_pay_band(document, title, matcher, []),
            closing_date=_closing_date(document, ""),
            date_posted=parse_date(structured.date_posted) if structured.date_posted else None,
            title_evidence=Evidence(title, 0, len(title)),
            leadership=False,
        )

    mentions = matcher.find(text)
    section_mentions = [m for m in mentions if m.scheme == SECTION]
    sentences = tuple(split_sentences(text, section_mentions))
    if title:
        title_start = text.find(title)
        title_span = (title_start, title_start + len(title)) if title_start >= 0 else (0, 0)
    else:
        title, *title_span_list = _title_from_text(text, mentions, matcher)
        title_span = (title_span_list[0], title_span_list[1])
    role, role_in_title = _role_in_title(title, matcher, vocab) if title else ("other", None)
    if role_in_title is not None:
        refined = _refined_in_text(text, mentions, role_in_title)
        if refined is not None:
            role = refined.code
    role_mention = None
    if role_in_title is not None and title_span[1] > title_span[0]:
        role_mention = Mention(ROLE, role, title_span[0] + role_in_title.start, title_span[0] + role_in_title.end, role_in_title.written)

    if structured.organisation:
        organisation: Organisation | None = Organisation(
            structured.organisation, _organisation_type(structured.organisation, matcher)
        )
        _, org_spans = _organisation_from_text(text, mentions, matcher)
    else:
        organisation, org_spans = _organisation_from_text(text, mentions, matcher)
        if organisation is not None and organisation.type == "nhs-england-region":
            # "NHS England - London Region" is a regional team: NHS England employs the post.
            organisation = Organisation("NHS England", "nhs-england")

    read = _Read(document, vocab, text, tuple(mentions), sentences, role, role_mention)
    relations, partners, implied = _read_relations(read)
    designations = _read_designations(read, implied)
    title_sentence = _sentence_of(sentences, title_span[0]) if title_span[1] > title_span[0] else None
    title_evidence = (
        Evidence(title_sentence.text, title_sentence.start, title_sentence.end)
        if title_sentence is not None
        else (Evidence(title, title_span[0], title_span[1]) if title else None)
    )
    role_concept = vocab.scheme(ROLE).get(role)
    if role_concept is not None and title_evidence is not None:
        for code in role_concept.implies:
            _add(designations, code, title or role_concept.pref_label, title_evidence)
    return Posting(
        id=document.id,
        source=document.source,
        title=title,
        role_type=role,
        scope=_scope(title, role, vocab, matcher, organisation, text),
        organisation=organisation,
        location=_location(document, text),
        salary=_salary(document, sentences),
        pay_band=_pay_band(document, title, matcher, mentions),
        closing_date=_closing_date(document, text),
        date_posted=parse_date(structured.date_posted) if structured.date_posted else None,
        title_evidence=title_evidence,
        leadership=_concept_leadership(vocab, role),
        accountable_to=tuple(relations["accountable_to"].values()),
        professionally_accountable_to=tuple(relations["professionally_accountable_to"].values()),
        works_with=tuple(relations["works_with"].values()),
        leads=tuple(relations["leads"].values()),
        designations=tuple(designations.values()),
        bodies=tuple(_read_bodies(read, organisation, org_spans).values()),
        requirements=tuple(_read_requirements(read).values()),
        duties=_read_duties(read, partners),
    )


def text_wanted(vocab: Vocabulary | None = None, full: bool | None = None) -> Callable[[Structured], bool] | None:
    """For the readers: whether a record's description will be read, given its fields.

    A non-leadership posting is read from its title and fields alone (unless ``full``), so its
    description need not be cleaned at all; ``None`` when every description is wanted.

    >>> wanted = text_wanted()
    >>> wanted(Structured(title="Staff Nurse")), wanted(Structured(title="Chief Nurse"))
    (False, True)
    """
    if full is True:
        return None
    vocab = vocab or load_vocabulary()
    matcher = build_matcher(vocab)

    def wanted(structured: Structured) -> bool:
        return not structured.title or _needs_full(vocab, matcher, structured.title.strip(), full)

    return wanted


def _needs_full(vocab: Vocabulary, matcher: Matcher, title: str, full: bool | None) -> bool:
    if full is not None:
        return full
    role, _ = _role_in_title(title, matcher, vocab)
    return _concept_leadership(vocab, role)


def extract_postings(
    items: Iterable[Document | Problem], vocab: Vocabulary | None = None, *, full: bool | None = None
) -> Iterator[Posting | Problem]:
    """Extract every document; problems from the readers pass through, and a document the
    extractor cannot read becomes a problem of its own rather than stopping the run."""
    vocab = vocab or load_vocabulary()
    for item in items:
        if isinstance(item, Problem):
            yield item
            continue
        try:
            yield extract_posting(item, vocab, full=full)
        except Exception as error:  # a bug on one odd posting must not cost the rest of a build
            yield Problem(item.source, f"could not extract ({type(error).__name__}: {error}); please report it", item.id)
