"""What a vocabulary's text pattern cannot match without: a quick test before the regex runs.

The concepts' ``nhskg:textPattern`` expressions (about sixty of them, for duty areas,
qualifications, designations and cues) run over the whole text of every posting modelled in
full, and most of them never match it: "HCPC" is in few adverts, "board" in more. Python's
regex engine tries such a pattern at every position of the text, which on the 2020 corpus's
leadership postings cost 6 ms a posting. Nearly every pattern names words that any match
contains (one of "build", "develop", ... then "team"); when none of them is in the text, the
pattern cannot match it and is not run, which skips half of them.

The words are read from the pattern's own parse tree, so an edited pattern needs no second
list kept beside it; a pattern whose words cannot be told (an empty alternative, a pattern the
parser rejects) is always run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

try:  # the parser behind ``re``; named sre_parse before Python 3.11
    from re import _constants as _sre, _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

__all__ = ["TextPattern", "required_words", "fold"]


def fold(text: str) -> str:
    """``text`` case-folded as a case-insensitive regex compares it, a character at a time:
    ``str.casefold``, but the dotted capital I (U+0130) as "i" (casefold makes it "i" and a
    combining dot, so "DİRECTOR" held no "director") and the dotless i (U+0131) as "i" (casefold
    keeps it); ``re.IGNORECASE`` matches both with "i"."""
    return text.replace("\u0130", "i").casefold().replace("\u0131", "i")


@dataclass(frozen=True)
class TextPattern:
    """A concept's text pattern, compiled case-insensitively, with the words a match needs."""

    scheme: str
    code: str
    regex: re.Pattern[str]
    needs: frozenset[str] | None  # one of these (case-folded) is in every match; None: not known

    @classmethod
    def of(cls, scheme: str, code: str, pattern: str) -> "TextPattern":
        return cls(scheme, code, re.compile(pattern, re.IGNORECASE), required_words(pattern))

    def finditer(self, text: str, folded: str) -> Iterator[re.Match[str]]:
        """The pattern's matches in ``text``; ``folded`` is :func:`fold` of ``text``, made once for all patterns."""
        if self.needs is not None and not any(word in folded for word in self.needs):
            return iter(())
        return self.regex.finditer(text)


def required_words(pattern: str) -> frozenset[str] | None:
    """Case-folded words one of which is in every match of ``pattern`` (matched ignoring case),
    or None when that cannot be told.

    >>> sorted(required_words(r"\\b(?:build|develop)\\w*\\s+(?:a|the)\\s+team"))
    ['build', 'develop']
    >>> sorted(required_words(r"(?<!high )\\bquality\\b|standards"))
    ['quality', 'standards']
    >>> required_words(r"(?:board|)\\s+member") == frozenset({"member"})
    True
    >>> required_words(r"\\w+(?:s|)") is None
    True
    """
    try:
        tree = _sre_parse.parse(pattern, re.IGNORECASE)
    except (re.error, RecursionError, ValueError):
        return None
    words = _of_sequence(list(tree))
    return frozenset(words) if words else None


def _of_sequence(items: list[tuple[Any, Any]]) -> set[str] | None:
    """The most telling requirement of a sequence: each literal run, required group, required
    repeat or alternation whose every branch has one is a candidate; the one whose shortest
    word is longest wins (it is the rarest). Lookarounds are passed over: a negative one
    requires nothing, and a text without the rest cannot match anyway."""
    candidates: list[set[str]] = []
    run = ""
    for op, value in items:
        if op is _sre.LITERAL:
            run += chr(value)
            continue
        if run:
            candidates.append({fold(run)})
            run = ""
        found: set[str] | None = None
        if op is _sre.SUBPATTERN:
            found = _of_sequence(list(value[-1]))
        elif op is _sre.BRANCH:
            branches = [_of_sequence(list(branch)) for branch in value[1]]
            found = set().union(*branches) if branches and all(branches) else None  # type: ignore[arg-type]
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and value[0] >= 1:
            found = _of_sequence(list(value[2]))
        if found:
            candidates.append(found)
    if run:
        candidates.append({fold(run)})
    if not candidates:
        return None
    return max(candidates, key=lambda words: (min(len(w) for w in words), -len(words)))
