"""Stage 2 -> 3: read one document into an evidenced posting record.

Takes a :class:`~nhskg.read.documents.Document` (cleaned text plus the fields a structured source
gave), gives a :class:`~nhskg.extract.postings.Posting`. Recognition is driven by the vocabularies in
``ontology/vocab`` (through :mod:`nhskg.vocabulary.matching`); this package holds only the reading rules,
one module per part of the record:

- :mod:`.title`: the post's title, role type and scope;
- :mod:`.leadership`: whether the post is a leadership post (modelled in full);
- :mod:`.employer`: the employer and its type;
- :mod:`.relations`: lines of accountability, joint working, deputising, designations;
- :mod:`.bodies`: the external bodies the post deals with;
- :mod:`.requirements`: what the person must bring;
- :mod:`.duties`: duty statements with their areas and partners;
- :mod:`.pay`: salary, band, dates and place;
- :mod:`.confidence`: how each fact was stated and how far that can be trusted.

and the record itself and its measure:

- :mod:`.postings`: the posting record's types (the public JSON contract of ``nhskg extract``);
- :mod:`.amounts`: money and dates as postings write them;
- :mod:`.evaluate`: precision, recall and F1 per field against the hand-annotated gold set.

Every fact keeps the sentence it was read from and how it was stated, so an analyst can always
see why the graph says what it says, and how sure it is. Postings that are not leadership posts
are read only for their title, role type, organisation, pay and dates unless ``full=True``: they
are most of any job board's output and their duties would swamp the leadership graph.
"""

from __future__ import annotations

import functools
import re

from dataclasses import replace
from typing import Callable

from .amounts import parse_date
from ..read.documents import Document, Structured
from ..vocabulary.matching import Matcher, Mention, build_matcher
from .postings import Duty, Evidence, Item, Organisation, Posting
from ..read.sentences import Sentence, split_sentences
from ..vocabulary.vocab import Vocabulary, load_vocabulary
from .confidence import for_kind_of_post, item, kind_of_post
from .duties import read_duties
from .employer import organisation_from_text, organisation_type, type_in_name, type_refined_in_text
from .bodies import read_bodies
from .requirements import read_requirements
from .leadership import is_leadership, national_director
from .pay import closing_date_of, location_of, pay_band_of, salary_of
from .reading import BODY, CUE, DESIGNATION, DUTY_AREA, ORG_TYPE, QUALIFICATION, ROLE, SECTION, Reading, add, group_by_sentence, outside_matches, pattern_mentions, registration_mentions, sentence_of, without_bullet
from .relations import read_designations, read_relations
from .wording import wording
from .title import as_titled, refined_in_text, role_in_title, scope_of, title_from_text

__all__ = ["extract_posting", "text_wanted", "with_duty_partners"]


def _employer(document: Document, matcher: Matcher, vocab: Vocabulary) -> Organisation | None:
    name = document.structured.organisation
    return Organisation(name, organisation_type(name, matcher, vocab)) if name else None


def _minimal(document: Document, vocab: Vocabulary, title: str | None, role: str, organisation: Organisation | None,
             scope: str | None, matcher: Matcher, title_evidence: Evidence | None, text: str = "",
             sentences: tuple[Sentence, ...] = (), mentions: list[Mention] | None = None) -> Posting:
    """The record of a posting not read in full: what the fields and title say (and, given the
    posting's text, its sentences and mentions, what the text says of pay, place and closing)."""
    structured = document.structured
    return Posting(
        id=document.id,
        source=document.source,
        title=title,
        role_type=role,
        scope=scope,
        organisation=organisation,
        location=location_of(vocab, document, text),
        salary=salary_of(vocab, document, sentences),
        pay_band=pay_band_of(vocab, document, title, matcher, mentions or [], organisation.type if organisation else None),
        closing_date=closing_date_of(vocab, document, text),
        date_posted=parse_date(structured.date_posted) if structured.date_posted else None,
        title_evidence=title_evidence,
        leadership=False,
        post_kind=kind_of_post(vocab, title),
    )


def extract_posting(document: Document, vocab: Vocabulary | None = None, *, full: bool | None = None,
                    duty_reader: Callable[[Reading, dict[int, set[str]]], tuple[Duty, ...]] = read_duties) -> Posting:
    """Read one document into a posting record.

    ``full=None`` reads leadership postings in full and others only for title, role type,
    organisation, pay and dates; ``True`` reads every posting in full; ``False`` none.
    ``duty_reader`` reads the duties of a posting read in full from what the other readers found
    (``scripts/train-duty-model.py`` passes one that keeps every sentence it is shown).

    >>> from nhskg.read.documents import Document
    >>> p = extract_posting(Document("x", "x.txt", "Job Title: Chief Nurse\\nAccountable to: Chief Executive"))
    >>> p.role_type, [i.code for i in p.accountable_to], p.accountable_to[0].stated
    ('chief-nurse', ['chief-executive'], 'field')
    """
    vocab = vocab or load_vocabulary()
    matcher = build_matcher(vocab)
    text = document.text
    structured = document.structured
    title = structured.title.strip() if structured.title else None

    if title and text.startswith(title) and not _may_lead(vocab, matcher, title, full):
        # Cheap path: the title alone shows the post is not a leadership post.
        role, _ = role_in_title(title, matcher, vocab)
        organisation = _employer(document, matcher, vocab)
        scope = scope_of(title, role, vocab, matcher, organisation, "")
        return _minimal(document, vocab, title, role, organisation, scope, matcher, Evidence(title, 0, len(title)))

    mentions = matcher.find(text)
    extra = pattern_mentions(vocab, text, (QUALIFICATION, DUTY_AREA, DESIGNATION, CUE, BODY), mentions, longest_wins=(QUALIFICATION,))
    extra += registration_mentions(vocab, text, mentions)
    if extra:
        mentions = sorted(mentions + extra, key=lambda m: (m.start, -m.end))
    mentions = _outside_web_addresses(vocab, text, mentions)
    sentences = tuple(split_sentences(text, [m for m in mentions if m.scheme == SECTION]))
    mentions = _acronyms_as_defined(vocab, text, mentions, sentences)
    mentions = _roles_as_titled(vocab, text, mentions)
    if title:
        title_start = text.find(title)
        title_span = (title_start, title_start + len(title)) if title_start >= 0 else (0, 0)
    else:
        title, start, end = title_from_text(vocab, text, mentions, matcher)
        title_span = (start, end)
    role, role_in = role_in_title(title, matcher, vocab) if title else ("other", None)
    if role_in is not None:
        refined = refined_in_text(vocab, text, mentions, role_in)
        if refined is not None:
            role = refined.code
    role_mention = None
    if role_in is not None and title_span[1] > title_span[0]:
        start, end = title_span[0] + role_in.start, title_span[0] + role_in.end
        # the title's role as the text's mentions read it, deputy word and all
        start = next((m.start for m in mentions if m.scheme == ROLE and m.start <= start and m.end == end), start)
        role_mention = Mention(ROLE, role, start, end, text[start:end] if text[start:end] else role_in.written)

    organisation = _employer(document, matcher, vocab)
    found, org_spans = organisation_from_text(text, mentions, matcher, vocab)
    if organisation is not None:
        organisation = type_refined_in_text(organisation, org_spans, text, matcher, vocab)
    named_in_text = None
    if organisation is not None and found is not None and type_in_name(organisation.name, matcher, vocab) is None:
        named_in_text = found
        # "Finance" or "Chief Nurse" as the employer: a department of the trust the text names
        named = vocab.scheme(ORG_TYPE).get(found.type or "other")
        if named is not None and named.advertises_as_team:
            organisation = Organisation(organisation.name, found.type)
    if organisation is None:
        organisation = found
        kind = vocab.scheme(ORG_TYPE).get(organisation.type) if organisation is not None and organisation.type else None
        if kind is not None and kind.employed_by:
            # "NHS England - London Region" is a regional team: NHS England employs the post.
            employer = vocab.concept(ORG_TYPE, kind.employed_by)
            organisation = Organisation(employer.pref_label, employer.code)
    role = national_director(role, title, organisation, vocab)

    reading = Reading(document, vocab, text, tuple(mentions), sentences, role, role_mention,
                      group_by_sentence(sentences, tuple(mentions)), frozenset((m.start, m.end) for m in extra), title,
                      organisation)
    relations = read_relations(reading)
    role = _medical_director_kind(vocab, role, title, relations.fields)
    if role != reading.role:
        reading = reading.with_role(role)
    title_sentence = sentence_of(sentences, title_span[0]) if title_span[1] > title_span[0] else None
    title_evidence = (
        Evidence(title_sentence.text, title_sentence.start, title_sentence.end)
        if title_sentence is not None
        else (Evidence(title, title_span[0], title_span[1]) if title else None)
    )
    scope = scope_of(title, role, vocab, matcher, organisation, text)
    leadership = is_leadership(vocab, matcher, role, role_in.written if role_in else None, title, scope, organisation, text)
    if full is None and not leadership:
        return _minimal(document, vocab, title, role, organisation, scope, matcher, title_evidence)

    designations = read_designations(reading, relations.designations)
    role_concept = vocab.scheme(ROLE).get(role)
    if role_concept is not None and title_evidence is not None:
        for code in role_concept.implies:
            add(designations, item("designations", code, title or role_concept.pref_label, title_evidence, "field"))
    fields = relations.fields
    duties = duty_reader(reading, relations.partners)
    read = replace(
        _minimal(document, vocab, title, role, organisation, scope, matcher, title_evidence, text, sentences, list(mentions)),
        leadership=leadership,
        accountable_to=tuple(fields["accountable_to"].values()),
        professionally_accountable_to=tuple(fields["professionally_accountable_to"].values()),
        works_with=with_duty_partners(fields["works_with"], duties, vocab),
        deputises_for=tuple(fields["deputises_for"].values()),
        leads=tuple(fields["leads"].values()),
        designations=tuple(designations.values()),
        bodies=tuple(read_bodies(reading, organisation, org_spans, matcher, named_in_text).values()),
        requirements=tuple(read_requirements(reading).values()),
        duties=duties,
    )
    # a front-line post's bodies are right far less often than a manager's (ontology/confidence.ttl)
    return for_kind_of_post(read, kind_of_post(vocab, title, leadership))


def with_duty_partners(works_with: dict[str, Item], duties: tuple[Duty, ...], vocab: Vocabulary) -> tuple[Item, ...]:
    """Joint working as the relation rules read it, and a partner with no role type that the duty
    model read in a duty statement (the first such statement its evidence, the colleagues it
    names its label, or the statement where it names none the vocabulary knows): the post works
    with whoever it does its duties with. The model's partner is ``inferred``, not stated: it is
    right about half as often as a partner the rules read, so it is calibrated apart and does not
    drag the confidence of the rules' joint working down with it."""
    if "other" not in works_with:
        found = next((d for d in duties if "other" in d.with_), None)
        if found is not None:
            group = wording(vocab).colleague_group.search(found.text)
            written = group.group("name") if group is not None else without_bullet(found.text)
            works_with = dict(works_with)
            add(works_with, item("works_with", "other", written, found.evidence, "inferred"))
    return tuple(works_with.values())


def _outside_web_addresses(vocab: Vocabulary, text: str, mentions: list[Mention]) -> list[Mention]:
    """The mentions that lie outside every email and web address: "Email NHSI.Policyteam@nhs.net"
    names a mailbox, not NHS Improvement as a body of the post."""
    return outside_matches(wording(vocab).web_address, text, 0, len(text), mentions)


#: an acronym spelt out where the posting first uses it: "Children's Continuing Care Team (CCT)"
_DEFINED_ACRONYM = re.compile(r"\(([A-Z][A-Z&]{1,7})\)")
#: a word of an expansion, apostrophe and all ("Children's")
_WORDS = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)?")
#: words an expansion's initials skip ("Certificate of Completion of Training")
_LINKING_WORDS = frozenset({"of", "and", "&", "for", "the", "in", "to", "with", "on"})


def _acronyms_as_defined(vocab: Vocabulary, text: str, mentions: list[Mention], sentences: tuple[Sentence, ...]) -> list[Mention]:
    """The mentions without the acronyms the posting spells out as something else: in a children's
    continuing care advert "Without CCT we as a family would not be able to lead a normal life" is
    its "Continuing Care Team (CCT)", not a Certificate of Completion of Training. An expansion that
    shares a word with one of the concept's labels ("Health & Care Professionals Council (HCPC)",
    misspelt) or that the vocabulary itself names leaves the acronym as it is, and so does a
    sentence that asks it ("Applicants must hold a CCT in General Adult Psychiatry", a line of the
    person specification, "within six months of CCT"), whatever else the posting calls a team."""
    acronyms = {m.written for m in mentions if m.written.isupper() and m.written.isalpha()}
    if not acronyms or "(" not in text:
        return mentions
    redefined: set[tuple[str, str]] = set()
    for match in _DEFINED_ACRONYM.finditer(text):
        letters = match.group(1)
        if letters not in acronyms:
            continue
        start = _expansion_start(text, match.start(), letters)
        if start is None:
            continue
        expansion = {w.lower() for w in _WORDS.findall(text[start : match.start()])} - _LINKING_WORDS
        named = {m.code for m in mentions if start <= m.start and m.end <= match.start()}
        for mention in mentions:
            if mention.written != letters or mention.code in named:
                continue
            if not expansion & _label_words(vocab, mention.scheme, mention.code):
                redefined.add((letters, mention.code))
    if not redefined:
        return mentions
    words = wording(vocab)

    def asked(mention: Mention) -> bool:
        sentence = sentence_of(sentences, mention.start)
        return sentence is not None and (
            sentence.section == "person-specification" or bool(words.acronym_asked.search(sentence.text)))

    return [m for m in mentions if (m.written, m.code) not in redefined or asked(m)]


@functools.lru_cache(maxsize=1024)
def _label_words(vocab: Vocabulary, scheme: str, code: str) -> frozenset[str]:
    """The words of a concept's labels but linking words: an expansion sharing one keeps its acronym."""
    concept = vocab.scheme(scheme).get(code)
    return frozenset(w.lower() for label in (concept.labels if concept else ()) for w in _WORDS.findall(label)) - _LINKING_WORDS


def _expansion_start(text: str, bracket: int, letters: str) -> int | None:
    """Where the words whose initials spell ``letters`` begin, reading back from the bracket
    ("Continuing Care Team (CCT)"), linking words skipped; None if the words before it do not."""
    words = list(_WORDS.finditer(text, max(0, bracket - 120), bracket))
    wanted = letters.replace("&", "").upper()
    index = len(wanted)
    for word in reversed(words):
        if word.group().lower() in _LINKING_WORDS:
            continue
        if index == 0 or word.group()[0].upper() != wanted[index - 1]:
            return None
        index -= 1
        if index == 0:
            return word.start()
    return None


def _roles_as_titled(vocab: Vocabulary, text: str, mentions: list[Mention]) -> list[Mention]:
    """Every role the text names, typed the way the post's own title is: "reporting to the Deputy
    Director of Nursing" names a deputy chief nurse, not the chief nurse."""
    out, moved = [], False
    for mention in mentions:
        if mention.scheme == ROLE:
            window = max(text.rfind("\n", 0, mention.start) + 1, mention.start - 40)
            code = as_titled(vocab, text[window : mention.start], mention)
            if code != mention.code:
                # the title as written runs from the deputy word ("Deputy Regional Chief Nurse")
                deputy = wording(vocab).subordinate_before.search(text[window : mention.start])
                start = window + deputy.start() if deputy else mention.start
                mention = Mention(ROLE, code, start, mention.end, text[start : mention.end])
                moved = True
        out.append(mention)
    return sorted(out, key=lambda m: (m.start, -m.end)) if moved else out


def _medical_director_kind(vocab: Vocabulary, role: str, title: str | None, fields: dict[str, dict[str, Item]]) -> str:
    """A medical director with a stated line to another medical director is not the
    organisation's executive medical director: a site's (its title says so in the wording of
    ``nhskg:textFragment`` on hospital-medical-director), or a system or programme one."""
    if role != "chief-medical-officer":
        return role
    boss = fields["accountable_to"].get("chief-medical-officer") or fields["professionally_accountable_to"].get("chief-medical-officer")
    if boss is None:
        return role
    if title and any(word in title.lower() for word in vocab.concept(ROLE, "hospital-medical-director").fragments):
        return "hospital-medical-director"
    return "programme-medical-director"


def _may_lead(vocab: Vocabulary, matcher: Matcher, title: str, full: bool | None) -> bool:
    """Whether a posting must be read in full to decide (or because) it is a leadership post."""
    if full is not None:
        return full
    role, mention = role_in_title(title, matcher, vocab)
    return is_leadership(vocab, matcher, role, mention.written if mention else None, title, None, None, None)


def text_wanted(vocab: Vocabulary | None = None, full: bool | None = None) -> Callable[[Structured], bool] | None:
    """For the readers: whether a record's description will be read, given its fields.

    A posting whose title shows it is no leadership post is read from its title and fields alone
    (unless ``full``), so its description need not be cleaned at all; ``None`` when every
    description is wanted.

    >>> wanted = text_wanted()
    >>> wanted(Structured(title="Staff Nurse")), wanted(Structured(title="Chief Nurse"))
    (False, True)
    """
    if full is True:
        return None
    vocab = vocab or load_vocabulary()
    matcher = build_matcher(vocab)

    # The reader asks this of every record in the build's own process, which a large build
    # waits on, and titles repeat ("Staff Nurse"): about three in ten records of the 2020 corpus
    # find their title among the last 4,096 decided.
    @functools.lru_cache(maxsize=4096)
    def may_lead(title: str) -> bool:
        return _may_lead(vocab, matcher, title, full)

    def wanted(structured: Structured) -> bool:
        return not structured.title or may_lead(structured.title.strip())

    return wanted

