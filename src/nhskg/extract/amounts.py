"""Read money and dates the way postings write them: "£131,301 per year", "15/10/2025 23:59".

The wording that says a line is about pay, a closing date or some other sum ("per annum",
"closing date", "relocation") is the vocabulary's (``context.ttl``), handed in as ``words``.
"""

from __future__ import annotations

import re
from datetime import date

from .wording import Wording

__all__ = ["parse_date", "find_closing_date", "find_salary", "yearly"]

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = "|".join(sorted(_MONTHS, key=len, reverse=True))
_DATE = re.compile(
    rf"(?P<iso>\b(?P<y1>\d{{4}})-(?P<m1>\d{{1,2}})-(?P<d1>\d{{1,2}}))"
    rf"|(?P<num>\b(?P<d2>\d{{1,2}})[/.](?P<m2>\d{{1,2}})[/.](?P<y2>\d{{4}}|\d{{2}})\b)"
    rf"|(?P<dmy>\b(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m3>{_MONTH})\.?,?\s+(?P<y3>\d{{4}}))"
    rf"|(?P<mdy>\b(?P<m4>{_MONTH})\.?\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<y4>\d{{4}}))",
    re.IGNORECASE,
)
_MONEY = re.compile(
    r"£\s?(?P<a>\d{1,3}(?:,\d{3})+|\d{4,7})(?:\.\d{1,2})?(?P<k>k\b)?"
    r"(?:\s*(?:-|–|—|to)\s*£?\s?(?P<b>\d{1,3}(?:,\d{3})+|\d{4,7})(?:\.\d{1,2})?(?P<k2>k\b)?)?",
    re.IGNORECASE,
)


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as ISO 8601.

    >>> parse_date("Closing 15/10/2025 23:59"), parse_date("The closing date is 01 June 2025")
    ('2025-10-15', '2025-06-01')
    """
    for match in _DATE.finditer(text):
        groups = match.groupdict()
        try:
            if groups["iso"]:
                value = date(int(groups["y1"]), int(groups["m1"]), int(groups["d1"]))
            elif groups["num"]:
                year = int(groups["y2"])
                year = year + 2000 if year < 100 else year
                value = date(year, int(groups["m2"]), int(groups["d2"]))
            elif groups["dmy"]:
                value = date(int(groups["y3"]), _MONTHS[groups["m3"].lower()], int(groups["d3"]))
            else:
                value = date(int(groups["y4"]), _MONTHS[groups["m4"].lower()], int(groups["d4"]))
        except ValueError:
            continue
        return value.isoformat()
    return None


def find_closing_date(text: str, words: Wording) -> tuple[str, int, int] | None:
    """The closing date the text gives, with the span of the words that give it."""
    for match in words.closing_date_words.finditer(text):
        window = text[match.start() : match.end() + 80]
        found = parse_date(window)
        if found:
            return found, match.start(), match.start() + len(window)
    return None


def _amount(digits: str | None, thousands: str | None) -> float | None:
    if not digits:
        return None
    value = float(digits.replace(",", ""))
    return value * 1000 if thousands else value


def find_salary(sentence: str, words: Wording, *, about_pay: bool = False) -> tuple[float, float] | None:
    """A yearly salary (min, max) in one sentence, if the sentence is about pay (its own words say
    so, or ``about_pay``: a salary field, or the line after one that said it).

    >>> from nhskg.vocabulary.vocab import load_vocabulary
    >>> from nhskg.extract.wording import wording
    >>> find_salary("Salary: £131,301 per year (starting from £131,301) - ESM 2", wording(load_vocabulary()))
    (131301.0, 131301.0)
    """
    if not about_pay and not words.yearly_pay_words.search(sentence):
        return None
    for match in _MONEY.finditer(sentence):
        context = sentence[max(0, match.start() - 30) : match.end() + 30]
        if words.not_pay_words.search(context):
            continue
        low = _amount(match.group("a"), match.group("k"))
        high = _amount(match.group("b"), match.group("k2")) or low
        if low is None or low < 10000 or (high is not None and high < low):
            continue
        return low, high if high is not None else low
    return None


def yearly(amount: float | None, period: str | None) -> float | None:
    """Convert an amount to a yearly figure; hourly and daily rates are not comparable, so None."""
    if amount is None:
        return None
    period = (period or "year").lower()
    if period.startswith(("year", "annum", "annual")):
        return amount
    if period.startswith("month"):
        return amount * 12
    if period.startswith("week"):
        return amount * 52
    return None
