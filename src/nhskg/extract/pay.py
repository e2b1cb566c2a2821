"""Pay, dates and place: read from the posting's fields first, then from its text."""

from __future__ import annotations

import re

from .amounts import find_closing_date, find_salary, parse_date, yearly
from ..read.documents import Document
from ..vocabulary.matching import Matcher, Mention
from .postings import Salary
from ..read.sentences import Sentence
from ..vocabulary.vocab import Vocabulary
from .reading import ORG_TYPE, PAY_BAND
from .wording import wording

#: The widest yearly range read as a salary: the top of a scale at most this many times its foot
#: (a consultant's is 1.4 times, the bank rates of Agenda for Change's bands 2 to 9 about 2.1).
_WIDEST = 2.5
#: A sum of money in a salary field: with a pound sign, pence or thousands ("£24, 907" as typed), and a
#: thousands suffix if it has one.
_SUM = re.compile(r"(?P<pound>\u00a3\s?)?(?P<number>\d{1,3}(?:,\s?\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<thousands>\s?[kK]\b)?")
_THOUSANDS_MARK = re.compile(r",\s?")
#: "£43.213": a thousands mark typed as a point
_THOUSANDS_AS_POINT = re.compile(r"\d+\.\d{3}")


def _an_hourly_rate(salary_text: str) -> bool:
    """Whether a salary field gives a rate no yearly salary could be and no yearly salary beside it
    ("£17.09", "Band 3 £10.81 plus HCA", "£23.4 - £37.44", "Up to £16.71 - Location allowance of
    £4,000"): a sum in pounds or pence under £100 and none of £10,000 or in thousands; a band's number
    ("Band 7") is no sum."""
    sums = []
    for match in _SUM.finditer(salary_text):
        if match.group("thousands"):
            return False
        number = _THOUSANDS_MARK.sub("", match.group("number"))
        if _THOUSANDS_AS_POINT.fullmatch(number):
            number = number.replace(".", "")
        if match.group("pound") or "." in match.group("number") or "," in match.group("number"):
            sums.append(float(number))
    return bool(sums) and min(sums) < 100 and max(sums) < 10000


def salary_of(vocab: Vocabulary, document: Document, sentences: tuple[Sentence, ...]) -> Salary | None:
    s = document.structured
    words = wording(vocab)
    sessional = words.sessional_pay
    # the field's text as an amount of money: "45,000 - 50,000" is read as pounds
    field_text = s.salary_text or ""
    field_text = field_text if "£" in field_text else f"£{field_text}"
    if s.salary_text and sessional.search(s.salary_text):
        return None  # a sum for sessions is no yearly salary, whatever unit the record states
    if s.salary_text and (words.hourly_pay.search(s.salary_text) or _an_hourly_rate(s.salary_text)):
        # "£37,137 (£18.55 p/h)", "£17.09": the record's yearly figures convert an hourly rate, so the
        # salary is the yearly figure the field gives beside it, or there is none
        found = find_salary(field_text, words, about_pay=True)
        return Salary(*found) if found else None
    if s.salary_min is not None or s.salary_max is not None:
        low = yearly(s.salary_min, s.salary_period)
        high = yearly(s.salary_max, s.salary_period)
        if low is not None or high is not None:
            low = low if low is not None else high
            high = high if high is not None else low
            if low and high and high > _WIDEST * low:
                # "£40,000.00 PLUS £3,000 Welcome Bonus" recorded as 3,000 to 40,000, "£82,096 -
                # £110,86" as 11,086 to 82,096: no NHS pay scale is this wide, so the record's
                # figures are a bonus or a typing error, and no salary is better than a wrong one.
                return None
            if low and low >= 1000:
                return Salary(low, high)
    if s.salary_text:
        found = find_salary(field_text, words, about_pay=True)
        if found:
            return Salary(*found)
    previous = ""
    for sentence in sentences:
        if sessional.search(sentence.text) or words.hourly_pay.search(sentence.text):
            previous = sentence.text
            continue
        found = find_salary(sentence.text, words, about_pay=bool(words.pay_line.search(previous)))
        if found:
            return Salary(*found)
        previous = sentence.text
    return None


def pay_band_of(vocab: Vocabulary, document: Document, read_title: str | None, matcher: Matcher,
                mentions: list[Mention], organisation_type: str | None = None) -> str | None:
    """The pay band the title, the salary field or the text names; else the band a title is paid
    on at the NHS's own bodies ("Consultant Psychiatrist": the consultant contract), when the
    employer is one (``organisation_type``, ``nhskg:paysOnNationalTerms``) or is not known."""
    for text in (read_title, document.structured.salary_text):
        if text:
            bands = matcher.find(text, (PAY_BAND,))
            if bands:
                return bands[0].code
    bands = [m for m in mentions if m.scheme == PAY_BAND]
    if bands:
        return bands[0].code
    # a title that is the band's own ("Consultant Psychiatrist" is paid on the consultant contract)
    kind = vocab.scheme(ORG_TYPE).get(organisation_type) if organisation_type else None
    words = wording(vocab)
    # not a post that supports the one its title names: a "PA to Consultant Psychiatrist" is no consultant
    if read_title and (kind is None or kind.pays_on_national_terms) and not words.support_post.search(read_title):
        for code, patterns in words.band_in_title.items():
            if any(p.search(read_title) for p in patterns):
                return code
    return None


def closing_date_of(vocab: Vocabulary, document: Document, text: str) -> str | None:
    if document.structured.closing_date:
        return parse_date(document.structured.closing_date) or document.structured.closing_date
    found = find_closing_date(text, wording(vocab))
    return found[0] if found else None


def location_of(vocab: Vocabulary, document: Document, text: str) -> str | None:
    if document.structured.location:
        return document.structured.location
    match = wording(vocab).location_field.search(text[:6000])
    return match.group("place").strip(" -") if match else None
