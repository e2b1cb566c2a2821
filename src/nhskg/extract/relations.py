"""Lines of accountability, joint working, deputising and designations: what the posting asserts
of the advertised post, not of the other posts it names.

A role fills a relation when a cue phrase (``ontology/vocab/cue.ttl``) governs it in a sentence
about the post; a designation is the post's when the sentence gives it to the post holder, not to
the chief executive the post supports or the doctor the posting names as the trust's officer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..vocabulary.matching import Mention, build_matcher, fold
from .postings import Item
from ..read.sentences import Sentence
from .confidence import item
from .leadership import national_director
from .reading import (
    CLAUSE_BREAK,
    CUE,
    DESIGNATION,
    FIELD_LINE,
    NOT_ABOUT_THE_POST,
    ROLE,
    Reading,
    add,
    coordinated_cue,
    employer_describes_itself,
    evidence_of,
    governing_cue,
    is_own_title,
    mentions_by_sentence,
    subject_is_other_role,
)
from .wording import Wording, wording

RELATION_FIELDS = ("accountable_to", "professionally_accountable_to", "works_with", "deputises_for", "leads")

# A post of the advertised post's own type named as a colleague: "the other deputy chief nurses".
_PEER = re.compile(r"\b(?:other|fellow|colleague|peer|existing|current|another)s?\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
# "The Responsible Officer for the Trust is Dr X": the posting names the holder, another person.
_NAMED_PERSON = re.compile(r"^[^.;:]{0,40}?\b(?:is|are|will be)\s+(?:currently\s+)?(?:Dr|Mr|Mrs|Ms|Miss|Prof(?:essor)?)\b")


# "Clinical & Medical Directors", "the Executive Director and Deputy Director for Nursing": a run
# of capitalised words joined to the title after it, whose missing words that title supplies.
_SHORTENED = re.compile(r"(?-i:(?<![\w-])(?P<short>[A-Z][\w-]*(?:\s+[A-Z][\w-]*){0,3}))\s*(?:and|&)\s*\Z")
# The words that may finish a title after its label ("Deputy Director for Nursing, AHPs and Quality").
_TAIL = re.compile(r"(?:\s+(?:for|of|[A-Z][\w&-]*)){1,3}")


@dataclass(frozen=True)
class Relations:
    fields: dict[str, dict[str, Item]]
    #: duty sentence start -> roles the post works jointly with there (the duty's partners)
    partners: dict[int, set[str]]
    #: designations a relation implies (deputising for the chief executive)
    designations: dict[str, Item]


def _stated(words: Wording, sentence: Sentence, cue: Mention, listed: int, text: str) -> str:
    after = text[cue.end : cue.end + 3]
    if FIELD_LINE.match(sentence.text) and (cue.start - sentence.start <= 40 or after.lstrip().startswith(":")):
        return "field"
    if listed > 1:
        return "list"
    if words.holder.search(sentence.text) or sentence.section == "duties" or sentence.bullet:
        return "direct"
    return "passing"


def _subject_of_a_cue(words: Wording, mentions: list[Mention], mention: Mention, text: str) -> bool:
    """A role the next cue follows directly, as its verb, is that cue's subject ("... the Site
    Director of Estates is accountable to both Trusts"), never the object of an earlier cue; a cue
    that is no verb ("the Medical Directors along with operational managers") continues a list."""
    after = [m for m in mentions if m.scheme == CUE and m.start >= mention.end]
    if not after or words.auxiliaries_only.match(text[mention.end : after[0].start] + " ") is None:
        return False
    return words.verb_opens.match(text[mention.end : after[0].end]) is not None  # not "X along with Y"


def _asked_of_candidate(words: Wording, sentence: Sentence, cue: Mention, text: str) -> bool:
    """A cue after "experience of" ("experience of working with senior leads from partner
    organisations") asks for working experience, and "Wanting to work with the best nurses in the
    UK?" asks what the candidate wants: neither states a partner of the post."""
    return (words.experience_of_working.search(text[max(sentence.start, cue.start - 40) : cue.start]) is not None
            or words.wish_to_work_with.search(sentence.text) is not None)


def _cue_after_title(words: Wording, mentions: list[Mention], title: Mention, text: str) -> Mention | None:
    """The cue of a relative clause right after the title ("the Associate Director of Operations,
    who you will need to deputise for"): it, not the cue before the title, says how the post
    relates to that title's holder."""
    return next((m for m in mentions if m.scheme == CUE and m.start >= title.end
                 and words.relation_after_title.match(text, title.end, m.start)), None)


def _plural(mention: Mention) -> bool:
    """Whether the title is plural, by its head noun: "Board members", but not "accountable officer
    for controlled drugs" or "Guardian of Safe Working Hours"."""
    head = re.split(r"\s+(?:for|of)\s+", mention.written, maxsplit=1)[0].split()
    last = head[-1] if head else ""
    return last.lower().endswith("s") and not last.lower().endswith(("ss", "us"))


def _same_type_allowed(reading: Reading, mention: Mention, field: str) -> bool:
    """A post may name a post of its own role type: a line to another one named differently from
    its title (a hospital medical director to the group medical director), or peers of its type
    ("working with the other deputy chief nurses")."""
    if field in ("accountable_to", "professionally_accountable_to"):
        if reading.role_mention is None:
            return False
        return fold(mention.written).split() != fold(reading.role_mention.written).split()
    if field == "works_with":
        if _plural(mention) or _PEER.search(reading.text[max(0, mention.start - 40) : mention.start]):
            return True
        if mention.written.isupper():
            return False  # "the GCMO is responsible for ...": the post's own title, abbreviated
        # "The Deputy Divisional Director will work closely with the Divisional Director": another post
        return reading.role_mention is not None and fold(mention.written).split() != fold(reading.role_mention.written).split()
    return False


def _role_of(reading: Reading, phrase: str) -> str | None:
    """The role type a whole phrase names, "for" read as "of" ("Director for Nursing")."""
    matcher = build_matcher(reading.vocab)
    for candidate in dict.fromkeys((phrase, re.sub(r"\bfor\b", "of", phrase))):
        found = [m for m in matcher.find(candidate, (ROLE,)) if m.start == 0 and m.end == len(candidate)]
        if found:
            return found[0].code
    return None


def _longest_role(reading: Reading, words: list[str]) -> tuple[str, int] | None:
    """The role type of the longest opening run of ``words`` that names one, and its length."""
    for size in range(len(words), 0, -1):
        code = _role_of(reading, " ".join(words[:size]))
        if code is not None:
            return code, size
    return None


def _shortened_titles(reading: Reading, words: Wording, sentence: Sentence, mentions: list[Mention]) -> list[Mention]:
    """The mentions with the titles written short where two titles share words: "Clinical & Medical
    Directors" and "Executive and Non-Executive Directors" name two posts, "the Executive Director
    and Deputy Director for Nursing" the director and the deputy director of nursing, "the Chief
    Nurse and Deputy" the chief nurse and her deputy. A title completed by the words after its
    label ("Deputy Director for Nursing") is read as the longer title."""
    text = reading.text
    roles = [m for m in mentions if m.scheme == ROLE]
    result = [m for m in mentions if m.scheme != ROLE]
    for role in roles:
        tail = _TAIL.match(text, role.end, sentence.end)
        whole = (role.written + (tail.group() if tail else "")).split()
        longer = _longest_role(reading, whole)
        if longer is not None and longer[1] > len(role.written.split()):
            end = role.end + len(" ".join(whole[len(role.written.split()) : longer[1]])) + (len(tail.group()) - len(tail.group().lstrip()) if tail else 0)
            role = Mention(ROLE, longer[0], role.start, end, text[role.start : end])
            whole = whole[: longer[1]]
        result.append(role)
        before = _SHORTENED.search(text, max(sentence.start, role.start - 60), role.start)
        if before is not None and not any(r.start < before.end("short") and before.start("short") < r.end for r in roles):
            short = before.group("short").split()
            shared = [i for i, w in enumerate(whole) if i and w.lower().rstrip("s") == short[-1].lower().rstrip("s")]
            rest = whole[shared[0] + 1 :] if shared else whole[1:]
            for first in range(len(short)):
                found = _longest_role(reading, short[first:] + rest)
                if found is not None and found[1] > len(short) - first - (1 if shared else 0):
                    start = before.start("short") + len(" ".join(short[:first])) + (1 if first else 0)
                    result.append(Mention(ROLE, found[0], start, before.end("short"), text[start : before.end("short")]))
                    break
        deputy = words.deputy_after_title.match(text, role.end, sentence.end)
        if deputy is not None and not any(r.start == deputy.start("word") for r in roles):
            code = _role_of(reading, f"{deputy.group('word')} {role.written}")
            if code is not None and code != role.code:
                result.append(Mention(ROLE, code, deputy.start("word"), deputy.end("word"), deputy.group("word")))
    return sorted(result, key=lambda m: (m.start, -m.end))


def read_relations(reading: Reading) -> Relations:
    """Lines of accountability, joint working, deputising and leadership, per sentence."""
    vocab = reading.vocab
    words = wording(vocab)
    fields: dict[str, dict[str, Item]] = {name: {} for name in RELATION_FIELDS}
    partners: dict[int, set[str]] = {}
    designations: dict[str, Item] = {}
    cue_fields = {c.code: c.record_field for c in vocab.scheme(CUE).concepts}
    # deputising for the chief executive makes the post the deputy chief executive (nhskg:deputyOf)
    deputy_designations: dict[str, list[str]] = {}
    for designation in vocab.scheme(DESIGNATION).concepts:
        if designation.deputy_of:
            deputy_designations.setdefault(designation.deputy_of, []).append(designation.code)
    for sentence, mentions in mentions_by_sentence(reading):
        if sentence.section in NOT_ABOUT_THE_POST or not any(m.scheme == CUE for m in mentions):
            continue
        if words.contact.search(sentence.text) or subject_is_other_role(reading, sentence, mentions):
            continue
        holder = bool(words.holder.search(sentence.text) or words.recruiting.search(sentence.text))
        if employer_describes_itself(reading, sentence, holder):
            continue  # "Working with ... clinicians, our team's aim is ...": the team's partners, not the post's
        evidence = evidence_of(sentence)
        mentions = _shortened_titles(reading, words, sentence, mentions)
        governed: list[tuple[Mention, Mention]] = []
        for mention in mentions:
            if mention.scheme != ROLE:
                continue
            if reading.role_mention and mention.start == reading.role_mention.start:
                continue
            if _subject_of_a_cue(words, mentions, mention, reading.text):
                continue
            cue = _cue_after_title(words, mentions, mention, reading.text) or governing_cue(vocab, mentions, mention, reading.text)
            if cue is not None and not _asked_of_candidate(words, sentence, cue, reading.text):
                governed.append((mention, cue))
        per_cue: dict[int, int] = {}
        for _, cue in governed:
            per_cue[cue.start] = per_cue.get(cue.start, 0) + 1
        for mention, cue in governed:
            cues = [cue]
            joined = coordinated_cue(mentions, cue, reading.text)
            if joined is not None:
                cues.append(joined)
            for each in cues:
                field = cue_fields.get(each.code)
                if field not in fields:
                    continue
                if mention.code == reading.role != "other" and not _same_type_allowed(reading, mention, field):
                    continue
                stated = _stated(words, sentence, each, per_cue.get(cue.start, 1), reading.text)
                add(fields[field], item(field, mention.code, mention.written, evidence, stated))
                if field == "works_with":
                    partners.setdefault(sentence.start, set()).add(mention.code)
                if field == "deputises_for":
                    for code in deputy_designations.get(mention.code, ()):
                        written = reading.text[each.start : mention.end]
                        add(designations, item("designations", code, written, evidence, stated))
        for field in ("works_with", "deputises_for", "accountable_to", "professionally_accountable_to"):
            _uncoded_partners(reading, sentence, mentions, fields, field, partners, cue_fields)
    for code, partner in list(fields["works_with"].items()):
        led = fields["leads"].get(code)
        # "lead and support the Hospital Medical Directors, working with them ...": the post leads
        # them; a sentence of its own that works with them still states joint working
        if led is not None and led.evidence.start == partner.evidence.start:
            del fields["works_with"][code]
    return Relations(fields, partners, designations)


def _uncoded_partners(reading: Reading, sentence: Sentence, mentions: list[Mention], fields: dict[str, dict[str, Item]],
                      field: str, partners: dict[int, set[str]], cue_fields: dict[str, str | None]) -> None:
    """Partners and bosses the vocabulary has no role type for are recorded once as ``other``, so
    that joint working with them, or a line to them, is not lost: the first title-like phrase right
    after a cue of that relation that no role type matches."""
    bucket = fields[field]
    if field != "works_with" and "other" in bucket:
        return  # only joint working is read again: each duty sentence names its own partners
    text = reading.text
    words = wording(reading.vocab)
    roles = [(m.start, m.end) for m in mentions if m.scheme == ROLE]
    lines = field not in ("works_with", "deputises_for")
    for cue in mentions:
        if cue.scheme != CUE or cue_fields.get(cue.code) != field or _asked_of_candidate(words, sentence, cue, text):
            continue
        if lines and bucket and not _a_line_of_its_own(sentence, cue, bucket, roles):
            continue
        if _in_a_title(cue, sentence, text):
            continue
        # "line managed by and professionally accountable to the Lead EPRR Manager": a cue joined
        # to the next one governs what follows that one
        cue = next((later for later in mentions if later.scheme == CUE and coordinated_cue(mentions, later, text) is cue), cue)
        # right after the cue, and after each role of a list the cue governs ("with the Chief
        # Financial Officer and Director of Operational Finance")
        # ("reporting to, and supporting the Director of Laboratory Medicine": past the helping)
        stepped = words.helping_after_cue.match(text, cue.end, sentence.end)
        after = stepped.end() if stepped else cue.end
        starts = [after] + [b for a, b in roles if after <= a and b <= after + 90 and b <= sentence.end]
        # and the members listed of a group the cue names ("with senior internal staff, including
        # executive directors and ..."): each is a partner though the group names no role
        reach = text[cue.end : min(sentence.end, cue.end + 90)]
        clause_end = CLAUSE_BREAK.search(reach)
        reach = reach[: clause_end.start()] if clause_end else reach
        members = {cue.end + m.end() for m in words.list_opener.finditer(reach)}
        for at in sorted(set(starts) | members):
            window = text[at : min(sentence.end, at + 90)]
            if at != after and at not in members:
                joined = words.list_joiner.match(window)
                if not joined:
                    continue
                at, window = at + joined.end(), window[joined.end():]
            found = words.uncoded_partner.match(window)
            if not found and field == "deputises_for":
                found = words.deputised_post_acronym.match(window)
            if not found:
                continue
            start, end = at + found.start("name"), at + found.end("name")
            ends = _before_a_role(words, text, start, end, roles)
            if ends is None:
                continue
            name = text[start:ends]
            # a "Director of X" the post reports to is the employer's own, typed as its title would
            # be (NHS England's "Director of Innovation Delivery" is a national director), unless a
            # body or place follows it ("the Director of Public Health at Leeds City Council"); a
            # partner may be another body's ("work closely with the Director for Education and the RCOG")
            own = lines and not words.of_a_named_body_after_title.match(text, ends, sentence.end)
            code = national_director("other", name, reading.organisation, reading.vocab) if own else "other"
            add(bucket, item(field, code, name, evidence_of(sentence), _stated(words, sentence, cue, 1, text)))
            if field == "works_with":
                partners.setdefault(sentence.start, set()).add(code)
            return


#: How far after a cue (in characters: a space, an article, a possessive) a title still follows it.
_TITLE_RIGHT_AFTER = 12


def _a_line_of_its_own(sentence: Sentence, cue: Mention, bucket: dict[str, Item], roles: list[tuple[int, int]]) -> bool:
    """Whether a reporting cue states a second line beside the coded one already read: "under the
    line management of the Director of Community Healthcare, with a secondary reporting line to the
    Deputy Medical Director" states two. Only in the coded line's own sentence, and only where no
    coded title follows the cue: elsewhere a posting restating its one line ("Reports to: Chief
    Nurse", later "reporting to the Chief Nurse and the Board") gives no second boss. ``roles``: the
    spans of the roles the sentence names."""
    return any(held.evidence.start == sentence.start for held in bucket.values()) and not any(
        cue.end <= start <= cue.end + _TITLE_RIGHT_AFTER for start, _ in roles
    )


def _in_a_title(cue: Mention, sentence: Sentence, text: str) -> bool:
    """A cue written as part of a title inside the sentence ("supervision will be provided by the
    Professional Lead Occupational Therapist"): capitalised, not opening the sentence, and the title
    going on after it. What follows it is the rest of that title, not the post's partner."""
    return cue.start > sentence.start and cue.written[:1].isupper() and re.match(r" [A-Z]", text[cue.end : cue.end + 2]) is not None


def _before_a_role(words: Wording, text: str, start: int, end: int, roles: list[tuple[int, int]]) -> int | None:
    """Where an uncoded title ends that runs into a coded one ("the Director of Clinical Services
    and Hospital Director": the director of clinical services, then the hospital director), or
    None when what is left before the coded title is no title of its own."""
    cut = min((a for a, b in roles if a < end and start < b), default=None)
    if cut is None:
        return end
    if cut <= start:
        return None
    kept = re.sub(r"[\s,]*(?:\b(?:and|or)\b|&)?[\s,]*$", "", text[start:cut])
    # "the System Director and System Director of Nursing": the uncoded title ends at an "and"
    for end_at in [len(kept)] + [m.start() for m in reversed(list(re.finditer(r"\s+(?:and|&)\s+", kept)))]:
        shorter = kept[:end_at]
        again = words.uncoded_partner.match(shorter)
        if shorter and again is not None and again.end("name") == len(shorter):
            return start + len(shorter)
    return None


def _designation_stated(words: Wording, sentence: Sentence) -> str:
    if FIELD_LINE.match(sentence.text):
        return "field"
    if words.holder.search(sentence.text) or sentence.section == "duties" or sentence.bullet:
        return "direct"
    return "passing"


def read_designations(reading: Reading, implied: dict[str, Item]) -> dict[str, Item]:
    """Designations the posting gives the post holder."""
    found = dict(implied)
    words = wording(reading.vocab)
    for sentence, mentions in mentions_by_sentence(reading):
        if not any(m.scheme == DESIGNATION for m in mentions):
            continue
        if sentence.section in NOT_ABOUT_THE_POST or words.contact.search(sentence.text):
            continue
        if sentence.section == "about-employer" and not words.holder.search(sentence.text):
            continue
        if subject_is_other_role(reading, sentence, mentions) and not is_own_title(reading, sentence.text):
            continue
        for mention in mentions:
            if mention.scheme != DESIGNATION or not _held_by_the_post(reading, sentence, mentions, mention):
                continue
            add(found, item("designations", mention.code, mention.written, evidence_of(sentence), _designation_stated(words, sentence)))
    if "non-voting-board-member" in found:
        found.pop("board-member", None)  # the narrower statement says which kind of member
    return found


def _held_by_the_post(reading: Reading, sentence: Sentence, mentions: list[Mention], mention: Mention) -> bool:
    text = reading.text
    words = wording(reading.vocab)
    # the advert's own title names this post, whatever other titles it joins to its own
    own_title = is_own_title(reading, sentence.text)
    for role in mentions:  # "the Chief Pharmacist" is a post named here, not this post's designation
        if (not own_title and role.scheme == ROLE and role.code != reading.role
                and role.start <= mention.start and mention.end <= role.end):
            return False
    before = text[max(sentence.start, mention.start - 40) : mention.start]
    in_capacity = words.in_capacity.search(before) is not None
    if not in_capacity and governing_cue(reading.vocab, mentions, mention, text) is not None:
        return False  # "work with the Caldicott Guardian": someone else holds it
    # "a reference from the Medical Director and/or Responsible Officer": the helped post may be named
    # after a longer run than the other checks look at
    helped = text[max(sentence.start, mention.start - 60) : mention.start]
    if words.helps_other.search(helped) or words.owned_by_other.search(before) or words.past_or_wish.search(before):
        return False
    if words.subordinate_before.search(before):
        return False  # "Deputy Chief Pharmacist": the deputy of the designation's holder
    if words.knowledge_of.search(text[sentence.start : mention.start]):
        return False  # "knowledge of ... Caldicott and CDAO regulations": a requirement, not a designation
    if _NAMED_PERSON.match(text[mention.end : min(sentence.end, mention.end + 60)]):
        return False
    if words.another_board.search(text, max(sentence.start, mention.start - 12), mention.end):
        return False  # "we have an FICM board member", "sit on the Trust's ePMA board": another board
    if words.designation_names_a_service.match(text[mention.end : sentence.end]):
        return False  # "Freedom to speak up Guardian Service": a service the post may use
    if mention.written == mention.written.lower() and words.designation_words_used_locally.match(text[mention.end : sentence.end]):
        return False  # "the accountable officer for quality assurance of the online content": a local duty
    if _plural(mention) and not words.held_in_plural.search(mention.written.lower()):
        return False  # "communicate with Executive Board members": the board's members, not this post
    return True
