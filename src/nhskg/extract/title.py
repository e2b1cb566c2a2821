"""The post itself: its title, role type and scope, read from the title and never from a sentence
that names the post's boss or partner."""

from __future__ import annotations

import re

from ..vocabulary.matching import Matcher, Mention, fold
from .postings import Organisation
from ..vocabulary.vocab import Vocabulary
from .reading import CUE, ORG_TYPE, ROLE, SCOPE
from .wording import wording

def role_in_title(title: str, matcher: Matcher, vocab: Vocabulary) -> tuple[str, Mention | None]:
    """The role type a title names, judged in context ("PA to the Chief Executive" is not a CEO)."""
    words = wording(vocab)
    roles = [m for m in matcher.find(title, (ROLE,))]
    for mention in roles:
        before = title[: mention.start]
        if words.post_for_another.search(before):
            continue
        return as_titled(vocab, before, mention), mention
    return "other", None


def as_titled(vocab: Vocabulary, before: str, mention: Mention) -> str:
    """The role type of a role mention read as a title is read, given the words ``before`` it: a
    deputy or assistant word just in front makes it the deputy ("Deputy Group Director of
    Nursing" is a deputy chief nurse, not the chief nurse), whether in the post's own title or in
    a line naming its boss or partner.

    >>> from nhskg.vocabulary.vocab import load_vocabulary
    >>> as_titled(load_vocabulary(), "the Deputy ", Mention(ROLE, "chief-nurse", 11, 21, "Chief Nurse"))
    'deputy-chief-nurse'
    """
    words = wording(vocab)
    deputy = words.subordinate_before.search(before)
    code = mention.code
    if deputy and code != "other" and not fold(mention.written).startswith(words.deputy_words + words.assistant_words):
        code = _deputy_of(vocab, code, deputy.group(1).lower())
    return code


def _deputy_of(vocab: Vocabulary, code: str, word: str) -> str:
    """The deputy role type of a chief role ("Deputy Director of Nursing" -> deputy-chief-nurse);
    an assistant or associate of one is an associate director."""
    scheme = vocab.scheme(ROLE)
    if word in wording(vocab).assistant_words and "associate-director" in scheme:
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


def refined_in_text(vocab: Vocabulary, text: str, mentions: list[Mention], in_title: Mention) -> Mention | None:
    """A title judged in context: an advert titled "Director of Nursing" that says it is "seeking
    to appoint a Divisional Director of Nursing" is for the divisional post."""
    words = fold(in_title.written).split()
    seeking = wording(vocab).seeking
    for mention in mentions:
        if mention.start > 2500:
            break
        if mention.scheme != ROLE or mention.code == in_title.code:
            continue
        found = fold(mention.written).split()
        if len(found) > len(words) and _contains(found, words) and seeking.search(text[max(0, mention.start - 80) : mention.start]):
            return mention
    return None


def _contains(haystack: list[str], needle: list[str]) -> bool:
    return any(haystack[i : i + len(needle)] == needle for i in range(len(haystack) - len(needle) + 1))


def _names_the_post(vocab: Vocabulary, text: str, mention: Mention, cues: list[Mention]) -> bool:
    """False for a role named as the post's boss, partner or principal ("reporting to the Chief
    Executive", "PA to the Director"): a generic title is never read from those."""
    if wording(vocab).someone_else.search(text[max(0, mention.start - 30) : mention.start]):
        return False
    line_start = text.rfind("\n", 0, mention.start) + 1
    return not any(line_start <= cue.start and cue.end <= mention.start and mention.start - cue.end < 80 for cue in cues)


def title_from_text(vocab: Vocabulary, text: str, mentions: list[Mention], matcher: Matcher) -> tuple[str | None, int, int]:
    """Find the posting's own title in free text: a "Job Title:" line, a title-like line, or the
    role the employer says it is seeking; otherwise the role named most often near the top."""
    words = wording(vocab)
    match = words.title_field.search(text)
    if match and matcher.find(match.group("title"), (ROLE,)):
        title = match.group("title").strip()
        return title, match.start("title"), match.start("title") + len(title)
    cues = [m for m in mentions if m.scheme == CUE]
    roles = [m for m in mentions if m.scheme == ROLE and _names_the_post(vocab, text, m, cues)]
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
        if words.seeking.search(text[max(0, mention.start - 60) : mention.start]):
            return _with_prefix(vocab, text, mention)
    counts: dict[str, int] = {}
    for mention in roles:
        counts[mention.code] = counts.get(mention.code, 0) + 1
    early = [m for m in roles if m.start < 3000] or roles
    best = max(early, key=lambda m: (counts[m.code], -m.start))
    return _with_prefix(vocab, text, best)


def _with_prefix(vocab: Vocabulary, text: str, mention: Mention) -> tuple[str, int, int]:
    prefix = wording(vocab).title_prefix.search(text[max(0, mention.start - 60) : mention.start])
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
    words = wording(vocab)
    kind = vocab.scheme(ORG_TYPE).get(organisation.type) if organisation and organisation.type else None
    if kind is not None and kind.default_scope:
        # A national body's post is national unless it is in one of its regional teams, in the
        # region's own wording ("regional offices" alone does not say so).
        if kind.wider_scope and words.states_scope(kind.wider_scope, title, head):
            return kind.wider_scope
        return kind.default_scope
    concept = vocab.scheme(ROLE).get(role_code)
    if concept and concept.default_scope:
        return concept.default_scope
    if organisation and organisation.name:
        known = [m for m in matcher.find(organisation.name, ("organisation",))]
        for mention in known:
            body = vocab.scheme("organisation").get(mention.code) if "organisation" in vocab else None
            if body is not None and body.default_scope:
                return body.default_scope  # a body serving a whole nation (Public Health Wales)
    if kind is not None and kind.wider_scope and words.states_scope(kind.wider_scope, None, head):
        return kind.wider_scope  # a commissioner's executive serving its integrated care system
    if role_code == "other" and words.states_scope("division", None, text[:1500]):
        return "division"  # a post with no role type placed in a division or care group (a unit's lead, a matron)
    return "organisation"
