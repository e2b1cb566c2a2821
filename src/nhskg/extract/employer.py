"""The employer: its name as the posting gives it, and its type from the name.

A type comes first from the known UK NHS bodies in ``ontology/vocab/organisation.ttl`` (Scotland's
boards, Wales's health boards, trusts and authorities, Northern Ireland's HSC trusts, national
bodies and trusts known by a short name), then from the type words in the name ("... NHS
Foundation Trust", "... Integrated Care Board"). A name that gives no type at all is often a
trust's department or staff bank posting under its own name ("Finance", "Internal Bank (Reed)"):
the extractor then takes the type of the body the text names, when bodies of that type advertise
so (``nhskg:advertisesAsTeam``).
"""

from __future__ import annotations

import re
from typing import Iterable

from ..vocabulary.matching import Matcher, Mention, fold
from .postings import Organisation
from ..vocabulary.vocab import Vocabulary, load_vocabulary
from .reading import ORG_TYPE
from .wording import wording

ORGANISATION = "organisation"

_BRACKETS = re.compile(r"\([^)]*\)?")
_ACRONYM = re.compile(r"([A-Z]{2,8})\)")
#: the lower-case words a name may hold between its capitalised ones ("Stoke on Trent", "Newcastle upon Tyne")
_JOINING_WORDS = frozenset({"and", "of", "the", "on", "in", "upon", "&"})
_NAME_WORD = re.compile(rf"(?:[A-Z][\w'\u2019.&-]*|{'|'.join(map(re.escape, sorted(_JOINING_WORDS)))}|St\.?)$")


def organisation_type(name: str, matcher: Matcher, vocab: Vocabulary | None = None) -> str:
    """The type of the organisation ``name`` names: a known body's type, else the last type word
    outside brackets, so that "Bedfordshire Hospitals NHS Foundation Trust (formerly ... NHS Trust)"
    is a foundation trust; ``other`` when the name gives none."""
    return type_in_name(name, matcher, vocab) or "other"


def type_in_name(name: str, matcher: Matcher, vocab: Vocabulary | None = None) -> str | None:
    """What :func:`organisation_type` reads from ``name``, or None when the name is neither a known
    body nor holds a type word (a department posting under its own name, "Finance")."""
    plain = _BRACKETS.sub(" ", name)
    if vocab is not None and ORGANISATION in vocab:
        known = matcher.find(plain, (ORGANISATION,))
        if known:
            best = max(known, key=lambda m: m.end - m.start)
            concept = vocab.scheme(ORGANISATION).get(best.code)
            if concept is not None and concept.organisation_type:
                return concept.organisation_type
    types = matcher.find(plain, (ORG_TYPE,)) or matcher.find(name, (ORG_TYPE,))  # "Anglian Community Enterprise (CIC)"
    if not types:
        return None
    return max(types, key=lambda m: (m.end, m.end - m.start)).code


def _name_around(text: str, mention: Mention) -> tuple[str, int, int] | None:
    """Extend an organisation-type mention leftwards over the capitalised words of its name; a type
    word written in lower case ("and the deanery") is a kind of body, not the end of a name, and a
    body's initials after a joining word ("Lead on CQC compliance") are that body, not the end of
    a longer name ("Stoke on Trent CCG" joins two capitalised words)."""
    if mention.written[:1].islower():
        return None
    line_start = text.rfind("\n", 0, mention.start) + 1
    words = list(re.finditer(r"\S+", text[line_start : mention.start]))
    start = mention.start
    if words and words[-1].group() in _JOINING_WORDS and re.fullmatch(r"[A-Z&/]{2,}s?", mention.written):
        if mention.code != "nhs-england":
            return None
        words = []  # "the NHSE/I regional team": the joint national body's initials are its name
    for word in reversed(words):
        token = word.group().strip(",;:()")
        if token != word.group() and token not in ("&",):
            break
        if not _NAME_WORD.match(token):
            break
        start = line_start + word.start()
    name = text[start : mention.end]
    name = re.sub(r"^(?:(?:and|of|the|in|on|upon|&|The|In|At|With|As|For|From|To|Our|Join|Go|back|Whilst|While|Although|Since|When|Currently|Today|Here|Now)\s+)+", "", name).strip(" ,;:-")
    if not name:
        return None
    if name == mention.written and len(name.split()) <= 4 and mention.code != "nhs-england":
        return None  # "an NHS Foundation Trust": a kind of body, not a name
    # the name as written just before the type word, not an earlier mention of it on the same line
    found = text.rfind(name, line_start, mention.end)
    return name, found if found >= 0 else start, mention.end


def _kinds_listed(name: str, matcher: Matcher) -> bool:
    """Whether a capitalised run is a list of kinds of body ("Local Authority and CCG", "CCG and
    PCN localities"), not one organisation's name: nothing is left of it once its type words and
    the connectives between them are taken away."""
    kinds = matcher.find(name, (ORG_TYPE,))
    if len(kinds) < 2:
        return False
    rest, position = [], 0
    for kind in sorted(kinds, key=lambda m: m.start):
        rest.append(name[position : kind.start])
        position = max(position, kind.end)
    rest.append(name[position:])
    return all(re.fullmatch(r"[\s,/&]*(?:and|or)?[\s,/&]*", piece) for piece in rest)


def organisation_from_text(
    text: str, mentions: list[Mention], matcher: Matcher, vocab: Vocabulary | None = None
) -> tuple[Organisation | None, list[tuple[int, int, str]]]:
    """The employer named in free text, and the spans of every organisation name seen."""
    candidates: dict[str, list[int]] = {}
    spans: list[tuple[int, int, str]] = []
    for mention in mentions:
        if mention.scheme == ORGANISATION:
            concept = vocab.scheme(ORGANISATION).get(mention.code) if vocab is not None else None
            kind = concept.organisation_type if concept is not None and concept.organisation_type else "other"
            spans.append((mention.start, mention.end, kind))
            name = concept.pref_label if concept is not None else mention.written
            candidates.setdefault(name, []).append(mention.start)
            continue
        if mention.scheme != ORG_TYPE:
            continue
        found = _name_around(text, mention)
        if not found or _kinds_listed(found[0], matcher):
            continue
        name, start, end = found
        spans.append((start, end, mention.code))
        candidates.setdefault(name, []).append(start)
    known = vocab or load_vocabulary()
    types = known.scheme(ORG_TYPE)
    employer = wording(known).employer_field.search(text[:6000])
    if employer:
        name = employer.group("name").strip(" -")
        if matcher.find(name, (ORG_TYPE, ORGANISATION)) or name in candidates:
            candidates.setdefault(name, []).extend([-1, -1, -1])
    if not candidates:
        return None, spans

    def score(name: str) -> tuple[float, int]:
        count: float = len(candidates[name])
        after = text.find(name + " (")
        acronym = _ACRONYM.match(text, after + len(name) + 2) if after >= 0 else None
        if acronym:
            count += text.count(acronym.group(1)) - 1
        kind = types.get(organisation_type(name, matcher, vocab))
        if kind is not None and kind.named_as_partner and len(candidates) > 1:
            count -= 0.5  # systems are named as partners far more often than as employers
        return count, -min(candidates[name])

    best = max(candidates, key=score)
    return Organisation(best, organisation_type(best, matcher, vocab)), spans


def type_refined_in_text(organisation: Organisation, spans: list[tuple[int, int, str]], text: str, matcher: Matcher,
                    vocab: Vocabulary) -> Organisation:
    """The employer with the type its text gives it more exactly than its name does: "Lancashire
    Teaching Hospitals NHS Trust" in the job board's employer field, "Lancashire Teaching Hospitals
    NHS Foundation Trust" in the text (``nhskg:refinedInTextTo``). ``spans``: the organisation names
    the text holds, as :func:`organisation_from_text` gives them."""
    kind = vocab.scheme(ORG_TYPE).get(organisation.type or "")
    if kind is None or kind.refined_in_text_to is None:
        return organisation
    stem = _stem(organisation.name, matcher)
    for start, end, code in spans:
        if code != kind.refined_in_text_to or len(matcher.find(text[start:end], (ORG_TYPE,))) > 1:
            continue  # "a joint post with Buckinghamshire Healthcare NHS Trust and Oxford ... NHS Foundation Trust": two names
        if _stem(text[start:end], matcher) == stem:
            return Organisation(organisation.name, code)
    return organisation


def _stem(name: str, matcher: Matcher) -> str:
    """A body's name without its type words, folded: what two spellings of one body share."""
    types = matcher.find(name, (ORG_TYPE,))
    cut = min((m.start for m in types), default=len(name))
    return " ".join(fold(name[:cut]).split())


def same_body(name: str, other: str, vocab: Vocabulary) -> bool:
    """Whether two names are one NHS body's, spelt two ways: the words that tell it from others
    the same, or those of one all in the other when it has two at least ("Havering & Redbridge
    University Hospitals NHS Trust" for Barking, Havering and Redbridge University Hospitals NHS
    Trust), or its place alone where the other adds only a word short names leave out ("Frimley
    NHS Foundation Trust" for Frimley Health NHS Foundation Trust), or one's initials ("North East
    London NHS Foundation Trust" for NELFT NHS Foundation Trust). A word written short is its long
    form ("West Herts" for West Hertfordshire), and a final s is dropped ("Epsom and St Heliers").

    >>> vocab = load_vocabulary()
    >>> same_body("Milton Keynes Hospital Foundation Trust", "Milton Keynes University Hospital NHS Foundation Trust", vocab)
    True
    >>> same_body("North Bristol NHS Trust", "University Hospitals Bristol and Weston NHS Foundation Trust", vocab)
    False
    >>> same_body("Oxford Health NHS Foundation Trust", "Oxford University Hospitals NHS Foundation Trust", vocab)
    False
    """
    words_of = wording(vocab)

    def words(text: str) -> list[str]:
        out = []
        for word in fold(text).replace(".", " ").split():  # fold leaves "Hospital's" as "hospital s"
            word = word.strip("'(),-")
            word = word[:-1] if len(word) > 4 and word.endswith("s") else word
            if len(word) > 1 and not words_of.shared_name_words.match(word) and not words_of.shared_name_words.match(word + "s"):
                out.append(word)
        return out

    def same(a: str, b: str) -> bool:
        return a == b or (min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a) or (len(a) > 4 and len(b) > 4 and a[:4] == b[:4])))

    mine, theirs = words(name), words(other)
    if not mine or not theirs:
        return False
    initials = {i.lower() for text in (name, other) for i in _initials(text, words_of.name_type_words.sub("", text))}
    if any(w in initials for w in (*mine, *theirs) if len(w) >= 3) and (len(mine) == 1 or len(theirs) == 1):
        return True
    if {w for w in mine if words_of.place_part_words.match(w)} != {w for w in theirs if words_of.place_part_words.match(w)}:
        return False  # "East London" is not "North East London", nor "Mid Cheshire" "Mid and East Cheshire"
    kinds = [bool(words_of.hospitals_trust_name.search(text)) for text in (name, other)]
    others = [bool(words_of.other_kind_trust_name.search(text)) for text in (name, other)]
    if (kinds[0] and others[1]) or (kinds[1] and others[0]):
        return False  # "Oxford Health" is not "Oxford University Hospitals", nor "Coventry and Warwickshire Partnership"
    short, long = sorted((mine, theirs), key=len)
    if len(short) < len(long) and len(short) < 2:
        return same(short[0], long[0]) and all(words_of.lesser_name_words.match(w) for w in long[1:])
    return all(any(same(a, b) for b in long) for a in short)


def _written_as(name: str) -> re.Pattern[str]:
    """The ways a text writes ``name``: "and" or "&" between its words, its acronym in brackets
    inside it ("University Hospitals Coventry & Warwickshire (UHCW) NHS Trust" for University
    Hospitals Coventry and Warwickshire NHS Trust), and "of" before a place ("University Hospitals
    of Birmingham" for University Hospitals Birmingham)."""
    words = [r"(?:and|&)" if re.fullmatch(r"and|&", w) else re.escape(w) for w in name.split()]
    return re.compile(r"\s+(?:of\s+)?(?:\([^()\s]{2,12}\)\s+)?".join(words))


def _initials(name: str, short: str) -> set[str]:
    """The employer's initials as adverts write them for its name ("LPFT" for Lincolnshire
    Partnership NHS Foundation Trust, "CUH" for Cambridge University Hospitals NHS Foundation
    Trust): of its capitalised words, of those but the initials in it ("NHS"), and of its name
    without the kind of body; three letters at least, so that two initials are never read as the
    employer.

    >>> sorted(_initials("Lincolnshire Partnership NHS Foundation Trust", "Lincolnshire Partnership"))
    ['LPFT', 'LPNFT']
    >>> sorted(_initials("Cambridge University Hospitals NHS Foundation Trust", "Cambridge University Hospitals"))
    ['CUH', 'CUHFT', 'CUHNFT']
    """
    def of(words: list[str], acronyms: bool = True) -> str:
        words = [w.strip(",;:") for w in words]  # "Barking, Havering and Redbridge": BHR
        return "".join(w[0] for w in words if w and w[0].isupper() and w.isalpha() and (acronyms or not w.isupper()))

    found = {of(name.split()), of(name.split(), acronyms=False), of(short.split())}
    return {initials for initials in found if len(initials) >= 3}


def employer_spans(text: str, organisation: Organisation | None, matcher: Matcher,
                   mentions: Iterable[Mention] = (), vocab: Vocabulary | None = None) -> list[tuple[int, int]]:
    """Where the text names the employer itself: its full name, its initials ("LPFT has ..."), and
    its short names when it is a known body ("Betsi Cadwaladr" for Betsi Cadwaladr University Local
    Health Board), found among the text's ``mentions`` already matched (the text is not matched
    again)."""
    if organisation is None or not organisation.name:
        return []
    spans = []
    plain = _BRACKETS.sub(" ", organisation.name).strip()
    short = wording(vocab or load_vocabulary()).name_type_words.sub("", plain).strip(" ,-")  # "Hull University Teaching Hospitals"
    # "NHS Professionals - Non-Clinical": NHS Jobs adds the division after a dash; the text names
    # the organisation without it.
    stem = re.split(r"\s+[-\u2013]\s+", plain)[0].strip()
    for name in {organisation.name, plain, short if len(short.split()) >= 2 else plain, stem if len(stem.split()) >= 2 else plain}:
        if name.split():
            spans += [m.span() for m in _written_as(name).finditer(text)]
    for initials in _initials(plain, short):
        spans += [m.span() for m in re.finditer(rf"\b{initials}\b", text)]
    own = {m.code for m in matcher.find(organisation.name, (ORGANISATION,))}
    if own:
        spans += [(m.start, m.end) for m in mentions if m.scheme == ORGANISATION and m.code in own]
    return spans
