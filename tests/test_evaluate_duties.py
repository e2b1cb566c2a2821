"""How the evaluator scores duties: which sentences are the post's duty statements, their areas and
their partners, each against the annotated statements they match (issue 13)."""

from __future__ import annotations

from nhskg.extract.evaluate import Gold, evaluate
from nhskg.extract.postings import Duty, Evidence, Posting

LEAD = "You will lead the nursing workforce strategy for the Trust."
SAFETY = "You will chair the patient safety group with the Medical Director."
PENSION = "We offer a generous pension scheme and flexible working."


def posting(*duties: Duty) -> Posting:
    return Posting("p", "p.txt", "Director of Nursing", "chief-nurse", None, None, None, None, None, None, duties=duties)


def duty(text: str, areas: tuple[str, ...] = (), with_: tuple[str, ...] = ()) -> Duty:
    return Duty(text, areas, with_, Evidence(text, 0, len(text)))


def scores(found: Posting) -> dict[str, tuple[int, int, int]]:
    wanted = posting(duty(LEAD, ("workforce",)), duty(SAFETY, ("patient-safety",), ("cmo",)))
    result = evaluate({"p": Gold(wanted, "dev", True)}, [found])
    return {name: (s.true_positives, s.false_positives, s.false_negatives) for name in ("duty_statements", "duty_areas", "duty_partners")
            if (s := result.score(name)) is not None}


def test_a_sentence_taken_wrongly_for_a_duty_costs_the_statements_even_with_no_area() -> None:
    found = posting(duty(LEAD, ("workforce",)), duty(SAFETY, ("patient-safety",), ("cmo",)), duty(PENSION))
    assert scores(found) == {"duty_statements": (2, 1, 0), "duty_areas": (2, 0, 0), "duty_partners": (1, 0, 0)}


def test_a_statement_missed_is_missed_with_its_areas_and_partners() -> None:
    found = posting(duty(LEAD, ("workforce", "finance")))
    assert scores(found) == {"duty_statements": (1, 0, 1), "duty_areas": (1, 1, 1), "duty_partners": (0, 0, 1)}


def test_a_statement_read_twice_is_found_once() -> None:
    # the extractor may cut a bullet or a long sentence differently from the reader: both pieces match
    found = posting(duty("You will lead the nursing workforce strategy", ("workforce",)),
                    duty("Lead the nursing workforce strategy for the Trust"), duty(SAFETY, ("patient-safety",), ("cmo",)))
    assert scores(found)["duty_statements"] == (2, 0, 0)
