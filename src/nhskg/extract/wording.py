"""The wording the reading rules look for, read from the vocabularies and compiled once.

Every NHS word, phrase and pattern the extractor checks lives in ``ontology/vocab/``: the wording
around a posting's facts in ``context.ttl`` (how a posting names the post holder, a contact, a post
serving another, the employer's news), the wording of a scope on the scope concepts, of a desirable
requirement on the section concept. This module only gathers it into one object per vocabulary,
so a field reader asks for ``wording(vocab).holder`` rather than holding a regex of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ..errors import VocabularyError
from ..vocabulary.vocab import Concept, Vocabulary

__all__ = ["CONTEXT", "Wording", "wording"]

#: The scheme of context cues (``ontology/vocab/context.ttl``).
CONTEXT = "context"


@dataclass(frozen=True, eq=False)
class Wording:
    """The compiled wording of one vocabulary; each field names the context concept it comes from."""

    #: post-holder: the ways a posting names the holder of the post ("you", "the post holder")
    holder: re.Pattern[str]
    #: contact-details: a line giving someone to contact
    contact: re.Pattern[str]
    #: role-list-filler: the only words between the roles of a list a cue governs
    list_filler: re.Pattern[str]
    #: deputy-word and assistant-word: the words that make a title subordinate, lower case
    deputy_words: tuple[str, ...]
    assistant_words: tuple[str, ...]
    #: any of those words as a whole word
    subordinate: re.Pattern[str]
    #: one of those words (group 1) and at most one more word ending the text before a role
    subordinate_before: re.Pattern[str]
    post_for_another: re.Pattern[str]
    title_field: re.Pattern[str]
    seeking: re.Pattern[str]
    title_prefix: re.Pattern[str]
    someone_else: re.Pattern[str]
    few_sessions: re.Pattern[str]
    director_of_function: re.Pattern[str]
    support_post: re.Pattern[str]
    site_clinical_services: re.Pattern[str]
    education_programme_director: re.Pattern[str]
    below_director_line: tuple[re.Pattern[str], ...]
    head_of_nursing: re.Pattern[str]
    name_type_words: re.Pattern[str]
    shared_name_words: re.Pattern[str]
    lesser_name_words: re.Pattern[str]
    place_part_words: re.Pattern[str]
    hospitals_trust_name: re.Pattern[str]
    other_kind_trust_name: re.Pattern[str]
    employment_transfer: re.Pattern[str]
    organisation_history: re.Pattern[str]
    team_make_up: re.Pattern[str]
    chance_of_travel: re.Pattern[str]
    employer_field: re.Pattern[str]
    owned_by_other: re.Pattern[str]
    helps_other: re.Pattern[str]
    uncoded_partner: re.Pattern[str]
    #: deputised-post-acronym: "Deputising for the OSM"
    deputised_post_acronym: re.Pattern[str]
    #: experience-of-working: the words before a joint-working cue asking it of the candidate
    experience_of_working: re.Pattern[str]
    #: wish-to-work-with: a question whether the candidate wants to work with someone
    wish_to_work_with: re.Pattern[str]
    #: taken-as-held: the words before a qualification the sentence takes as already held
    taken_as_held: re.Pattern[str]
    #: experience-gained: the words before an experience the post holder will gain in the post
    experience_gained: re.Pattern[str]
    #: registered-colleague: "under the supervision of a" before the registered nurse a support worker assists
    registered_colleague: re.Pattern[str]
    #: licence-alone: "licence to practise" naming no regulator, the whole of a requirement's wording
    licence_alone: re.Pattern[str]
    #: another-regulators-licence: "Hold RMN registration with current NMC" before such a licence
    another_regulators_licence: re.Pattern[str]
    #: another-regulator-after-licence: "with the Health and Care Professions Council" right after it
    another_regulator_after_licence: re.Pattern[str]
    #: of-a-named-body-after-title: " at Leeds City Council" right after an uncoded title
    of_a_named_body_after_title: re.Pattern[str]
    #: not-essential: "is useful but not essential" after a requirement, in its clause
    not_essential: re.Pattern[str]
    #: preferred-at-the-end: "... and be able to travel across Hull and East Riding would be an advantage."
    preferred_at_the_end: re.Pattern[str]
    #: asked-firmly: "is mandatory", "a prerequisite", "you'll have"
    asked_firmly: re.Pattern[str]
    #: acronym-asked: "Applicants must hold a CCT in General Adult Psychiatry"
    acronym_asked: re.Pattern[str]
    #: experienced-in-rank: a requirement's words calling someone sought experienced in a rank (group ``rank``)
    experienced_in_rank: re.Pattern[str]
    #: person-with-letters: a whole sentence that is a person's name and the letters after it
    person_with_letters: re.Pattern[str]
    #: route-offered: CESR as a route to the specialist register the post supports, with the words around it
    route_offered: re.Pattern[str]
    #: given-in-post: a course studied, a programme enrolled onto or training offered in post, or a
    #: check named for what it costs, with its words (only what they cover is not asked)
    given_in_post: re.Pattern[str]
    #: meets-standards: the words before an inspector's name in which the post meets its standards
    meets_standards: re.Pattern[str]
    #: inspection-rating: the words around an inspecting body's name that give the rating it awarded
    inspection_rating: re.Pattern[str]
    #: held-by-others: a qualification in the plural given to the post holder's colleagues
    held_by_others: re.Pattern[str]
    #: stated-as-required: wording that makes an employer's sentence about itself one about whom it wants
    stated_as_required: re.Pattern[str]
    #: web-address: an email or web address, in which a label names nothing
    web_address: re.Pattern[str]
    #: relation-after-title: a relative clause between a title and the cue that governs it
    relation_after_title: re.Pattern[str]
    list_joiner: re.Pattern[str]
    #: list-opener: "including", "such as" after a group a cue names: its members follow
    list_opener: re.Pattern[str]
    duty_opening: re.Pattern[str]
    #: post-title-subject: the words before the post's own title opening a sentence ("The ...")
    title_subject: re.Pattern[str]
    #: colleague-after-area: a duty area's word for working together, up to the role it governs
    colleague_after_area: re.Pattern[str]
    #: colleague-group-after-area: a duty area's word for working together, up to a group of colleagues
    colleague_group_after_area: re.Pattern[str]
    #: colleague-group: the words naming the colleagues a duty is done with, its partner's label
    colleague_group: re.Pattern[str]
    #: workforce-led: leadership given to a staff group, up to the word naming the group
    workforce_led: re.Pattern[str]
    closing_date_words: re.Pattern[str]
    yearly_pay_words: re.Pattern[str]
    not_pay_words: re.Pattern[str]
    pay_line: re.Pattern[str]
    knowledge_of: re.Pattern[str]
    #: registered-with / registration-after: a regulator's name read as the registration it keeps
    registered_with: re.Pattern[str]
    registration_after: re.Pattern[str]
    #: regulators-line: a whole line of regulators' initials, a list item asking for their registration
    regulators_line: re.Pattern[str]
    #: designation-names-a-service: "Freedom to speak up Guardian Service" is a service, not a designation held
    designation_names_a_service: re.Pattern[str]
    #: designation-words-used-locally: "the accountable officer for quality assurance of the content"
    designation_words_used_locally: re.Pattern[str]
    #: auxiliaries-only and verb-opens: a role followed by a cue as its verb is the cue's subject
    auxiliaries_only: re.Pattern[str]
    verb_opens: re.Pattern[str]
    #: helping-verb: a new predicate of helping someone, after a cue's own role
    helping_verb: re.Pattern[str]
    #: helping-after-cue: helping the same post between a cue and its title ("reporting to, and supporting the")
    helping_after_cue: re.Pattern[str]
    #: another-board: a board that is not the organisation's ("an FICM board member")
    another_board: re.Pattern[str]
    #: in-capacity: "as (an equal) member of": the designation after it is the post holder's
    in_capacity: re.Pattern[str]
    #: deputy-after-title: "the Chief Nurse and Deputy" names the title's deputy as well
    deputy_after_title: re.Pattern[str]
    past_or_wish: re.Pattern[str]
    held_in_plural: re.Pattern[str]
    relationship: tuple[str, ...]
    assessment: tuple[str, ...]
    about_employer: re.Pattern[str]
    about_candidate: re.Pattern[str]
    not_a_requirement: re.Pattern[str]
    conditional_check: re.Pattern[str]
    asks_of_candidate: re.Pattern[str]
    #: asking-lead-in: a line ending in a colon that introduces a list of what is asked ("The post holder must:")
    asking_lead_in: re.Pattern[str]
    #: benefit-offered: wording of a benefit the employer gives its staff
    benefit_offered: re.Pattern[str]
    #: either-before and alternative-after: wording that offers a requirement as one of alternatives
    either_before: re.Pattern[str]
    alternative_after: re.Pattern[str]
    #: uncoded-alternative-before: "DCR or" before a degree, a diploma with no code offered in its place
    uncoded_alternative_before: re.Pattern[str]
    #: qualifying-soon: in an alternative after a regulator's register, time to qualify for the profession itself
    qualifying_soon: re.Pattern[str]
    #: soon-to-hold: wording before a requirement asking only to be close to holding it
    soon_to_hold: re.Pattern[str]
    #: rank-named: the end of a requirement's words naming a rank ("consultant level"), not a holding
    rank_named: re.Pattern[str]
    #: qualification-as-course: the words right after a qualification that make it a course's name
    qualification_as_course: re.Pattern[str]
    #: identity-document: a driving licence named beside a passport as proof of identity
    identity_document: re.Pattern[str]
    #: lower-award-before: the word before a degree's words that makes it a lower award ("Foundation Degree")
    lower_award_before: re.Pattern[str]
    #: studied-by-students: the words after a qualification naming those studying for it ("degree students")
    studied_by_students: re.Pattern[str]
    duty_verb: re.Pattern[str]
    about_the_advert: tuple[str, ...]
    location_field: re.Pattern[str]
    #: sessional-pay: "5 Programmed Activities", "per session": no yearly salary at all
    sessional_pay: re.Pattern[str]
    #: hourly-pay: "p/h", "per hour": the record's yearly figures convert an hourly rate
    hourly_pay: re.Pattern[str]
    describes_candidate: re.Pattern[str]
    #: person-sought-or-offer: a person-specification item, or what the employer offers
    person_sought_or_offer: re.Pattern[str]
    employer_describes_itself: re.Pattern[str]
    #: describes-the-area: a sentence selling the place where the post is, whose bodies are its features
    describes_the_area: re.Pattern[str]
    #: employer-speaking: "we" in a sentence that names neither the post nor its holder
    employer_speaking: re.Pattern[str]
    #: recruiting: the verb of a sentence in which the employer says it is recruiting
    recruiting: re.Pattern[str]
    #: one-of-its-kind: the words before a kind of body that make it the employer's own kind
    one_of_its_kind: re.Pattern[str]
    #: body-as-subject: the words after a body opening its sentence that make it the subject
    body_as_subject: re.Pattern[str]
    #: dated-opening: "On 18 August 2020, " before a sentence's subject
    dated_opening: re.Pattern[str]
    #: body-instrument: the words after a body that make it the body's code, guidance or register
    body_instrument: re.Pattern[str]
    #: body-as-source: "in line with advice issued by Public Health England"
    body_as_source: re.Pattern[str]
    #: hospital-site: the end of a body's words naming one hospital, a site rather than a body
    hospital_site: re.Pattern[str]
    #: hospital-name-after: a body's words opening a hospital's name ("University College London Hospital")
    hospital_name_after: re.Pattern[str]
    #: course-at-body: a course the holder may take at a teaching body ("a PG Diploma at the University of")
    course_at_body: re.Pattern[str]
    opportunity_offered: re.Pattern[str]
    #: leadership-level-title: a title naming a chief, director, head, chair, non-executive or guardian
    leadership_level_title: re.Pattern[str]
    #: managing-post-title: a lead, manager, matron, consultant or deputy named in a title
    managing_post_title: re.Pattern[str]
    #: section desirable: wording in a sentence that makes a requirement desirable
    desirable: re.Pattern[str]
    #: scope code -> patterns stating that scope in running text, and in a title only
    scope_in_text: dict[str, tuple[re.Pattern[str], ...]]
    scope_in_title: dict[str, tuple[re.Pattern[str], ...]]
    #: pay-band code -> patterns of a title that is paid on that band ("Consultant Psychiatrist")
    band_in_title: dict[str, tuple[re.Pattern[str], ...]]

    def states_scope(self, scope: str, title: str | None, text: str) -> bool:
        """Whether ``text`` (or ``title``) says the post has ``scope``, in that scope's own wording."""
        return any(p.search(text) for p in self.scope_in_text.get(scope, ())) or bool(
            title and any(p.search(title) for p in self.scope_in_title.get(scope, ()))
        )


def _compile(patterns: tuple[str, ...]) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, re.IGNORECASE) for p in patterns)


@lru_cache(maxsize=8)
def wording(vocab: Vocabulary) -> Wording:
    """The wording of ``vocab``, compiled on first use and kept (a vocabulary compares by identity).

    >>> from nhskg.vocabulary.vocab import load_vocabulary
    >>> bool(wording(load_vocabulary()).holder.search("The post holder will lead"))
    True
    """
    scheme = vocab.scheme(CONTEXT)

    def concept(code: str) -> Concept:
        found = scheme.get(code)
        if found is None:
            raise VocabularyError(f"{scheme.file}: no context concept '{code}'; the extractor reads its wording, add it back")
        return found

    def many(code: str) -> tuple[re.Pattern[str], ...]:
        found = concept(code)
        if not found.patterns:
            raise VocabularyError(f"{scheme.file}: concept '{code}' needs an nhskg:textPattern")
        return _compile(found.patterns)

    def one(code: str) -> re.Pattern[str]:
        found = many(code)
        if len(found) != 1:
            raise VocabularyError(f"{scheme.file}: concept '{code}' needs exactly one nhskg:textPattern, has {len(found)}")
        return found[0]

    def fragments(code: str) -> tuple[str, ...]:
        found = concept(code).fragments
        if not found:
            raise VocabularyError(f"{scheme.file}: concept '{code}' needs at least one nhskg:textFragment")
        return found

    def words(code: str) -> tuple[str, ...]:
        return tuple(label.lower() for label in concept(code).labels)

    deputy, assistant = words("deputy-word"), words("assistant-word")
    either = "|".join(re.escape(w) for w in deputy + assistant)
    desirable = vocab.concept("section", "desirable").patterns
    if len(desirable) != 1:
        raise VocabularyError(f"{vocab.scheme('section').file}: concept 'desirable' needs exactly one nhskg:textPattern")
    scopes = vocab.scheme("scope").concepts
    return Wording(
        holder=one("post-holder"),
        contact=one("contact-details"),
        list_filler=one("role-list-filler"),
        deputy_words=deputy,
        assistant_words=assistant,
        subordinate=re.compile(rf"\b(?:{either})\b", re.IGNORECASE),
        subordinate_before=re.compile(rf"\b({either})\s+(?:\w+\s+){{0,1}}$", re.IGNORECASE),
        post_for_another=one("post-for-another"),
        title_field=one("title-field"),
        seeking=one("seeking"),
        title_prefix=one("title-prefix"),
        someone_else=one("someone-else"),
        few_sessions=one("few-sessions"),
        director_of_function=one("director-of-function"),
        support_post=one("support-post"),
        site_clinical_services=one("site-clinical-services"),
        education_programme_director=one("education-programme-director"),
        below_director_line=many("below-director-line"),
        head_of_nursing=one("head-of-nursing"),
        name_type_words=one("name-type-words"),
        shared_name_words=one("shared-name-words"),
        lesser_name_words=one("lesser-name-words"),
        place_part_words=one("place-part-words"),
        hospitals_trust_name=one("hospitals-trust-name"),
        other_kind_trust_name=one("other-kind-trust-name"),
        employment_transfer=one("employment-transfer"),
        organisation_history=one("organisation-history"),
        team_make_up=one("team-make-up"),
        chance_of_travel=one("chance-of-travel"),
        employer_field=one("employer-field"),
        owned_by_other=one("owned-by-other"),
        helps_other=one("helps-other"),
        uncoded_partner=one("uncoded-partner"),
        deputised_post_acronym=one("deputised-post-acronym"),
        experience_of_working=one("experience-of-working"),
        wish_to_work_with=one("wish-to-work-with"),
        taken_as_held=one("taken-as-held"),
        experience_gained=one("experience-gained"),
        registered_colleague=one("registered-colleague"),
        licence_alone=one("licence-alone"),
        another_regulators_licence=one("another-regulators-licence"),
        another_regulator_after_licence=one("another-regulator-after-licence"),
        of_a_named_body_after_title=one("of-a-named-body-after-title"),
        not_essential=one("not-essential"),
        preferred_at_the_end=one("preferred-at-the-end"),
        asked_firmly=one("asked-firmly"),
        acronym_asked=one("acronym-asked"),
        experienced_in_rank=one("experienced-in-rank"),
        person_with_letters=one("person-with-letters"),
        route_offered=one("route-offered"),
        given_in_post=one("given-in-post"),
        held_by_others=one("held-by-others"),
        web_address=one("web-address"),
        stated_as_required=one("stated-as-required"),
        meets_standards=one("meets-standards"),
        inspection_rating=one("inspection-rating"),
        relation_after_title=one("relation-after-title"),
        list_joiner=one("list-joiner"),
        list_opener=one("list-opener"),
        duty_opening=one("duty-opening"),
        title_subject=one("post-title-subject"),
        colleague_after_area=one("colleague-after-area"),
        workforce_led=one("workforce-led"),
        colleague_group_after_area=one("colleague-group-after-area"),
        colleague_group=one("colleague-group"),
        closing_date_words=one("closing-date-words"),
        yearly_pay_words=one("yearly-pay-words"),
        not_pay_words=one("not-pay-words"),
        pay_line=one("pay-line"),
        knowledge_of=one("knowledge-of"),
        registered_with=one("registered-with"),
        registration_after=one("registration-after"),
        regulators_line=one("regulators-line"),
        designation_names_a_service=one("designation-names-a-service"),
        designation_words_used_locally=one("designation-words-used-locally"),
        auxiliaries_only=one("auxiliaries-only"),
        verb_opens=one("verb-opens"),
        helping_verb=one("helping-verb"),
        helping_after_cue=one("helping-after-cue"),
        another_board=one("another-board"),
        in_capacity=one("in-capacity"),
        deputy_after_title=one("deputy-after-title"),
        past_or_wish=one("past-or-wish"),
        held_in_plural=one("held-in-plural"),
        relationship=fragments("relationship"),
        assessment=fragments("assessment"),
        about_employer=one("about-employer"),
        about_candidate=one("about-candidate"),
        not_a_requirement=one("not-a-requirement"),
        conditional_check=one("conditional-check"),
        asks_of_candidate=one("asks-of-candidate"),
        asking_lead_in=one("asking-lead-in"),
        benefit_offered=one("benefit-offered"),
        either_before=one("either-before"),
        uncoded_alternative_before=one("uncoded-alternative-before"),
        alternative_after=one("alternative-after"),
        qualifying_soon=one("qualifying-soon"),
        soon_to_hold=one("soon-to-hold"),
        rank_named=one("rank-named"),
        qualification_as_course=one("qualification-as-course"),
        identity_document=one("identity-document"),
        lower_award_before=one("lower-award-before"),
        studied_by_students=one("studied-by-students"),
        duty_verb=one("duty-verb"),
        about_the_advert=fragments("about-the-advert"),
        location_field=one("location-field"),
        sessional_pay=one("sessional-pay"),
        hourly_pay=one("hourly-pay"),
        describes_candidate=one("describes-candidate"),
        person_sought_or_offer=one("person-sought-or-offer"),
        employer_describes_itself=one("employer-describes-itself"),
        describes_the_area=one("describes-the-area"),
        employer_speaking=one("employer-speaking"),
        recruiting=one("recruiting"),
        one_of_its_kind=one("one-of-its-kind"),
        body_as_subject=one("body-as-subject"),
        dated_opening=one("dated-opening"),
        body_instrument=one("body-instrument"),
        body_as_source=one("body-as-source"),
        hospital_site=one("hospital-site"),
        hospital_name_after=one("hospital-name-after"),
        course_at_body=one("course-at-body"),
        opportunity_offered=one("opportunity-offered"),
        leadership_level_title=one("leadership-level-title"),
        managing_post_title=one("managing-post-title"),
        desirable=re.compile(desirable[0], re.IGNORECASE),
        scope_in_text={c.code: _compile(c.patterns) for c in scopes if c.patterns},
        scope_in_title={c.code: _compile(c.title_patterns) for c in scopes if c.title_patterns},
        band_in_title={c.code: _compile(c.title_patterns) for c in vocab.scheme("pay-band").concepts if c.title_patterns},
    )
