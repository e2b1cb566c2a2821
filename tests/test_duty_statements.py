"""Which sentences are duty statements of the post, and what each is about (issue 13).

A duty statement says what the post holder does; the advert around it also describes the person
sought, what the employer offers, the contract and the interview. Each case is a wording of the
2020 corpus or the gold set's dev postings: the boilerplate must not become a duty (its areas
would be counted as the post's), and the duty must not be lost.
"""

from __future__ import annotations

import pytest

from nhskg.read.documents import Document, Structured
from nhskg.extract import extract_posting
from nhskg.extract.duties import DutySentence, duty_sentences
from nhskg.extract.postings import Duty


def duties(text: str, title: str = "Director of Nursing", organisation: str = "Exeter NHS Trust") -> list[Duty]:
    structured = Structured(title=title, organisation=organisation)
    return list(extract_posting(Document("p", "p.txt", f"{title}\n{text}", structured), full=True).duties)


def duty(text: str, sentence: str, **kwargs: str) -> Duty | None:
    return next((d for d in duties(text, **kwargs) if sentence in d.text), None)


@pytest.mark.parametrize("sentence", [
    "Ability to communicate complex information to staff at every level.",
    "Experience of complex budget management and of working within financial limits.",
    "Proven track record of leading significant organisational change.",
    "Thriving in a complex environment you will bring proven experience of delivering transformation.",
    "They will possess excellent people skills and the credibility to influence at every level.",
    "In return we offer flexible working and a generous pension scheme.",
    "This is a full time role working 37.5 hours per week.",
    "The role requires distinctive leadership skills and a unique strategic perspective.",
    "Do you have recent experience of leading a nursing workforce?",
    "The post holder will:",
    "Your main duties will include:",
])
def test_the_person_sought_the_offer_and_the_advert_are_no_duties(sentence: str) -> None:
    text = f"Key responsibilities\nYou will lead the nursing workforce strategy for the Trust.\n{sentence}\n"
    assert duty(text, "lead the nursing workforce strategy") is not None  # the real duty is kept
    assert duty(text, sentence.rstrip(".?:")) is None


@pytest.mark.parametrize("sentence", [
    "You will have overall responsibility for the safeguarding service.",
    "They will have accountability for strategic oversight of the financial plan.",
    "The successful applicant will have the direct responsibility for the Infection Prevention and Control team.",
    "You will have a key role in contributing to a culture of compassionate leadership.",
])
def test_what_the_holder_will_have_responsibility_for_is_a_duty(sentence: str) -> None:
    assert duty(sentence, sentence[:40]) is not None


def test_a_sentence_opening_with_the_posts_own_title_is_a_duty() -> None:
    sentence = "The Head of Health and Safety will provide professional guidance and advice to the Executive Team."
    assert duty(sentence, "will provide professional guidance", title="Head of Health and Safety") is not None


def test_a_title_on_its_own_line_directs_nothing() -> None:
    text = "Executive Director of Finance\nYou will lead the financial strategy of the Trust.\n"
    found = duties(text, title="Executive Director of Finance")
    assert [d.text for d in found] == ["You will lead the financial strategy of the Trust."]


@pytest.mark.parametrize("item, area", [
    ("Responsible for patient safety and ensuring the delivery of high quality care.", "patient-safety"),
    ("Supports the management of patients with complex health and social needs on the caseload.", None),
    ("The successful applicant would be expected to participate in the on call rota.", None),
])
def test_job_description_items_and_expectations_are_duties(item: str, area: str | None) -> None:
    found = duty(f"Main duties\n{item}\n", item[:30])
    assert found is not None
    assert area is None or area in found.areas


def test_a_new_post_working_closely_with_a_colleague_is_a_joint_duty() -> None:
    sentence = ("This is a brand new post within the organisation, working closely with the Chief Nurse, "
                "who is the executive lead for Quality improvement.")
    found = duty(sentence, "brand new post", title="Head of Quality Improvement")
    assert found is not None and "chief-nurse" in found.with_


def test_partnership_with_a_colleague_names_a_partner_not_system_working() -> None:
    found = duty("In partnership with the Chief Nurse you will lead the clinical governance agenda.", "clinical governance",
                 title="Medical Director")
    assert found is not None
    assert "system-partnership" not in found.areas and "governance-quality" in found.areas
    kept = duty("You will lead patient safety jointly with the Chief Nurse.", "patient safety", title="Medical Director")
    assert kept is not None and "patient-safety" in kept.areas  # the area's own word is not a word of working together
    system = duty("You will lead the Trust's partnerships with local authorities and the voluntary sector.", "partnerships",
                  title="Director of Strategy")
    assert system is not None and "system-partnership" in system.areas


@pytest.mark.parametrize("sentence, title", [
    ("The Director is responsible for the IT operations and the business analytics of the service.", "Director of IT"),
    ("This Director of Charites will be integral to this agenda, driving the charity's growth.", "Director of Charities"),
])
def test_a_sentence_opening_with_the_posts_shortened_title_is_a_duty(sentence: str, title: str) -> None:
    assert duty(sentence, sentence[:25], title=title) is not None


def _candidates(text: str, title: str) -> list[DutySentence]:
    """Every sentence as the duty reader sees it, before the duty model weighs it."""
    seen: list[DutySentence] = []

    def keep(reading, partners):  # type: ignore[no-untyped-def]
        seen.extend(duty_sentences(reading, partners))
        return ()

    structured = Structured(title=title, organisation="Exeter NHS Trust")
    extract_posting(Document("p", "p.txt", f"{title}\n{text}", structured), full=True, duty_reader=keep)
    return seen


def test_a_shortened_title_of_a_longer_title_is_not_the_post() -> None:
    # "Chief Operating Officer" gives no one-word head to shorten to: "The Officer" is nobody in
    # particular, while the whole title is the post holder. The rules' verdict is one of the duty
    # model's features and weighs toward a duty; the sentences' other words are the model's to weigh
    # (retrained on 2,049 postings it gives both about 0.4), so only the verdict's pull is asserted.
    from nhskg.extract.duty_model import features, load_duty_model

    shortened = "The Officer is responsible for the IT operations of the service."
    whole = "The Chief Operating Officer is responsible for the IT operations of the service."
    seen = {c.sentence.text: c for c in _candidates(f"{shortened}\n{whole}\n", "Chief Operating Officer")}
    assert seen[shortened].by_rules is False and seen[whole].by_rules is True
    model = load_duty_model()
    named = features(seen[whole])
    assert "rules" in named and model.duty.probability(named) > model.duty.probability(named - {"rules"})


def test_words_inside_a_bodys_name_are_not_the_duty_area() -> None:
    found = duty("You will work closely with NHS England and Improvement on the regional recovery plan.",
                 "NHS England", title="Director of Finance")
    assert found is not None and "transformation" not in found.areas
    sentence = "You will lead the workforce plans of the Sustainability and Transformation Partnership."
    stp = duty(sentence, "workforce plans", title="Director of Workforce")
    assert stp is not None and "transformation" not in stp.areas
    # the vocabulary reads the partnership (how far to trust it is the duty model's call), not its words
    named = {c.sentence.text: c.areas for c in _candidates(sentence, "Director of Workforce")}[sentence]
    assert "system-partnership" in named and "transformation" not in named


@pytest.mark.parametrize("sentence, taken", [
    ("As part of the executive group, they will develop the culture of the service.", True),
    ("Furthermore they will play a role in representing the Trust in contract negotiations.", True),
    ("The aim is to deploy consultants where they will be most effective in the service.", False),
])
def test_they_will_after_a_lead_in_is_the_post_holder(sentence: str, taken: bool) -> None:
    assert (duty(sentence, sentence[:25], title="Director of Strategy") is not None) is taken


def test_clinical_strategy_in_its_varied_wordings() -> None:
    for sentence in ("You will work with senior colleagues on the Trust's clinical strategic objectives.",
                     "You will lead the development of a new model of care for preventative healthcare.",
                     "You will influence service design across the organisation."):
        areas = {c.sentence.text: c.areas for c in _candidates(sentence, "Medical Director")}
        assert "clinical-strategy" in areas[sentence], sentence
    # the model keeps the area where the sentence's work is the strategy; "work with senior colleagues
    # on ... objectives" it gives 0.18 since the 722-posting retrain, under the 0.2 it keeps an area at
    for sentence in ("You will lead the development of a new model of care for preventative healthcare.",
                     "You will influence service design across the organisation."):
        found = duty(sentence, sentence[:25], title="Medical Director")
        assert found is not None and "clinical-strategy" in found.areas, sentence


def test_the_workforce_given_leadership_is_led_not_a_workforce_duty() -> None:
    led = duty("You will provide senior leadership to our medical and dental workforce across the Trust.",
               "senior leadership", title="Medical Director")
    assert led is not None and "workforce" not in led.areas
    kept = duty("You will lead the clinical workforce strategy, including recruitment and retention.",
                "workforce strategy", title="Medical Director")
    assert kept is not None and "workforce" in kept.areas


@pytest.mark.parametrize("sentence, seat", [
    ("You will join a high-performing, values-driven Executive Team and lead the finance function.", True),
    ("As part of the executive group, they will develop the culture of the service.", True),
    ("You will work closely with the Executive Team across many key areas of the Trust.", False),
])
def test_a_seat_on_the_executive_team_is_board_leadership(sentence: str, seat: bool) -> None:
    found = duty(sentence, sentence[:25], title="Director of Strategy")
    assert found is not None and ("board-leadership" in found.areas) is seat


@pytest.mark.parametrize("sentence, taken", [
    # the dev gold takes such advert openers as duties
    ("An exciting opportunity has arisen to join our Board of Directors here at Exeter NHS Trust.", True),
    ("This is an excellent opportunity to join our Trust Board and be part of an exciting new chapter.", True),
    ("This is an exciting opportunity to join us as the Chief Finance Officer.", False),
])
def test_an_opportunity_to_join_the_board_is_the_posts_board_seat(sentence: str, taken: bool) -> None:
    found = duty(sentence, sentence[:25], title="Director of Strategy")
    assert (found is not None and "board-leadership" in found.areas) is taken


@pytest.mark.parametrize("sentence, system", [
    ("You will work in partnership with our multidisciplinary team to develop the glaucoma service.", False),
    ("You will lead the clinical strategy in partnership with the clinical Care Groups.", False),
    ("You will work in partnership with local authorities and community providers on discharge.", True),
])
def test_partnership_with_the_posts_own_colleagues_is_not_system_working(sentence: str, system: bool) -> None:
    found = duty(sentence, sentence[:25], title="Head of Nursing")
    assert found is not None and ("system-partnership" in found.areas) is system


def test_developing_a_service_is_service_change() -> None:
    found = duty("The appointee will work closely with allied team members to develop the vascular access services.",
                 "vascular access", title="Consultant Nurse")
    assert found is not None and "transformation" in found.areas


@pytest.mark.parametrize("sentence", [
    "You will ensure the quality and safety of all patients within the division.",
    "Working with the Chief Nurse you will ensure the Group provides safe and compassionate care.",
    "You will ensure that care across all three hospitals is safe and continuously improving.",
])
def test_safe_care_and_quality_and_safety_name_patient_safety(sentence: str) -> None:
    found = duty(sentence, sentence[:25], title="Medical Director")
    assert found is not None and "patient-safety" in found.areas


@pytest.mark.parametrize("title", ["Workforce Transformation Lead", "Head of Nursing - Surgery"])
def test_the_posts_title_on_a_line_of_its_own_is_no_duty(title: str) -> None:
    """An advert repeats its title as its first line; with the duty threshold at 0.4 the model gave
    "Workforce Transformation Lead" 0.48, a duty about nothing."""
    found = duties("The post holder will work closely with the Postgraduate Deans on workforce plans.\n", title=title)
    assert [d.text for d in found] == ["The post holder will work closely with the Postgraduate Deans on workforce plans."]


def test_the_title_line_is_recognised_through_its_punctuation() -> None:
    # corpus 916258981: the title repeated with a stop and its comma is still the title
    title = "Lead Nurse, Faculty of Nurse Education"
    assert [d.text for d in duties("Lead Nurse, Faculty of Nurse Education. Medical Division\n"
                                   "You will lead nurse education across the division.\n", title=title)
            if d.text.startswith(title)] == []
