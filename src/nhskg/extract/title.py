"""The post itself: its title, role type and scope, read from the title and never from a sentence
that names the post's boss or partner."""

from __future__ import annotations

import re

from ..vocabulary.matching import Matcher, Mention, fold
from .postings import Organisation
from ..vocabulary.vocab import Vocabulary
from .reading import CUE, ROLE, SCOPE

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
# A role named as someone the post works for or with, not the post: "PA to the", "support the".
_SOMEONE_ELSE = re.compile(r"\b(?:to|support(?:ing|s)?|assist(?:ing|s)?|with|for|by|our|the\s+trust'?s)\s+(?:the\s+)?$", re.IGNORECASE)
_REGIONAL_POST = re.compile(
    r"\b(?:across the region|the region['\u2019]s|regional (?:executive )?team\b|"
    r"(?:North|South|East|West|London|Midlands|Yorkshire|England)[\w ]{0,20} Region\b)",
    re.IGNORECASE,
)
# NHS England's regions (and the regional teams of the other national bodies), named in a title:
# "Deputy Director of Performance Analysis (North West)".
_REGION_IN_TITLE = re.compile(
    r"\b(?:North\s+West|North\s+East(?:\s+and\s+Yorkshire)?|South\s+West|South\s+East|Midlands|London|"
    r"East\s+of\s+England|Yorkshire\s+and\s+(?:the\s+)?Humber)\b|\((?:East|West|North|South)\)",
    re.IGNORECASE,
)
_NATIONAL_BODIES = ("nhs-england", "nhs-england-region", "health-education-england", "public-health-england",
                    "arms-length-body", "special-health-authority", "special-health-board")
_SYSTEM_POST = re.compile(r"\b(?:ICS|STP|Integrated Care System|system)\s+(?:executive|leadership|board|team|wide|level)", re.IGNORECASE)


def role_in_title(title: str, matcher: Matcher, vocab: Vocabulary) -> tuple[str, Mention | None]:
    """The role type a title names, judged in context ("PA to the Chief Executive" is not a CEO)."""
    roles = [m for m in matcher.find(title, (ROLE,))]
    for mention in roles:
        before = title[: mention.start]
        if _NOT_THE_ROLE.search(before):
            continue
        deputy = _DEPUTY.search(before)
        code = mention.code
        if deputy and code != "other" and not fold(mention.written).startswith(("deputy", "assistant", "associate", "vice")):
            code = _deputy_of(vocab, code, deputy.group(1).lower())
        return code, mention
    return "other", None


def _deputy_of(vocab: Vocabulary, code: str, word: str) -> str:
    """The deputy role type of a chief role ("Deputy Director of Nursing" -> deputy-chief-nurse);
    an assistant or associate of one is an associate director."""
    scheme = vocab.scheme(ROLE)
    if word in ("assistant", "associate") and "associate-director" in scheme:
        return "associate-director"
    concept = scheme.get(code)
    chief = code
    while concept is not None and concept.broader:  # deputy of a narrower title is deputy of its chief
        chief = concept.broader[0]
        concept = scheme.get(chief)
    for candidate in scheme.concepts:
        if candidate.deputy_of == chief:
            return candidate.code
    return "deputy-director" if "deputy-director" in scheme else "other"


def refined_in_text(text: str, mentions: list[Mention], in_title: Mention) -> Mention | None:
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


def _names_the_post(text: str, mention: Mention, cues: list[Mention]) -> bool:
    """False for a role named as the post's boss, partner or principal ("reporting to the Chief
    Executive", "PA to the Director"): a generic title is never read from those."""
    if _SOMEONE_ELSE.search(text[max(0, mention.start - 30) : mention.start]):
        return False
    line_start = text.rfind("\n", 0, mention.start) + 1
    return not any(line_start <= cue.start and cue.end <= mention.start and mention.start - cue.end < 80 for cue in cues)


def title_from_text(text: str, mentions: list[Mention], matcher: Matcher) -> tuple[str | None, int, int]:
    """Find the posting's own title in free text: a "Job Title:" line, a title-like line, or the
    role the employer says it is seeking; otherwise the role named most often near the top."""
    match = _JOB_TITLE.search(text)
    if match and matcher.find(match.group("title"), (ROLE,)):
        title = match.group("title").strip()
        return title, match.start("title"), match.start("title") + len(title)
    cues = [m for m in mentions if m.scheme == CUE]
    roles = [m for m in mentions if m.scheme == ROLE and _names_the_post(text, m, cues)]
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
            offset = line_start + text[line_start:line_end].index(line)
            return line, offset, offset + len(line)
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


def scope_of(title: str | None, role_code: str, vocab: Vocabulary, matcher: Matcher,
             organisation: Organisation | None, text: str) -> str:
    """The span of the post: a scope word in front of (or inside) the role in its title ("Group
    Chief Medical Officer"), else the role type's default, else what the employer implies. A scope
    word after the role names a subject, not a span ("Medical Director, System Improvement")."""
    if title:
        roles = matcher.find(title, (ROLE,))
        # a scope word before the role, or opening the role's own label ("Group Chief Medical
        # Officer"); one inside or after it names a subject ("Director of System Support")
        limit = roles[0].start + 1 if roles else len(title)
        scopes = [m for m in matcher.find(title, (SCOPE,)) if m.start < limit]
        if scopes:
            return scopes[0].code
    head = text[:3000]
    if organisation and organisation.type in _NATIONAL_BODIES:
        # A post in one of a national body's regional teams; "regional offices" alone does not say so.
        if organisation.type == "nhs-england-region" or _REGIONAL_POST.search(head) or (title and _REGION_IN_TITLE.search(title)):
            return "region"
        return "national"
    concept = vocab.scheme(ROLE).get(role_code)
    if concept and concept.default_scope:
        return concept.default_scope
    if organisation and organisation.name:
        known = [m for m in matcher.find(organisation.name, ("organisation",))]
        for mention in known:
            body = vocab.scheme("organisation").get(mention.code) if "organisation" in vocab else None
            if body is not None and body.default_scope:
                return body.default_scope  # a body serving a whole nation (Public Health Wales)
    if organisation and organisation.type in ("ccg", "icb") and _SYSTEM_POST.search(head):
        return "system"  # a commissioner's executive serving its integrated care system
    return "organisation"
