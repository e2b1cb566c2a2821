"""Find every vocabulary label in a text: the recogniser the extractor is built on.

All labels of all schemes go into one Aho-Corasick automaton, so a posting is scanned once
whatever the size of the vocabularies. Matching is case- and punctuation-tolerant and whole-word:
text and labels are folded the same way (lower case, every character that is not a letter or a
digit becomes a space, apostrophes dropped in labels and matched both ways), which keeps the
folded text the same length as the original so that offsets need no mapping. Three rules are
conventions analysts should know when they add a synonym:

* a label written entirely in capitals ("CMO", "ICB", "DIPC") is an acronym and matches only in
  capitals, so "coo" in running text does not become a Chief Operating Officer;
* a plural is accepted on the last word ("Integrated Care Boards", "Local Authorities") and on
  the word before the first "of" ("the Divisional Heads of Nursing", "Directors of Operations");
* a label written without a comma is not found across the comma between two items of a list
  ("provide leadership, training and support" holds no "leadership training"), though a comma
  inside a phrase ("on, or within six months of inclusion on, the Specialist Register") is
  read through; a label written with one matches with or without it.

Within one scheme the longest match wins ("Divisional Director of Nursing" beats "Director of
Nursing"); matches from different schemes may overlap, because the same words can name a role
and a designation ("Director of Infection Prevention and Control").
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

import ahocorasick

from .vocab import Vocabulary

__all__ = ["Mention", "Matcher", "fold", "build_matcher"]

# Every character up to the end of Unicode's general punctuation block (so curly quotes and
# dashes too) that is not a letter or digit folds to a space; "&" stays, so that "Deputy Chief
# Executive & Chief Nurse" does not read as "Executive Chief Nurse".
_FOLD = {i: (chr(i) if chr(i).isalnum() or chr(i) == "&" else " ") for i in range(0x2070)}


def fold(text: str, *, lower: bool = True) -> str:
    """Fold text for matching, keeping its length: ``fold("Non-Executive")`` is ``"non executive"``.

    >>> fold("Director of Nursing, Quality & Safety")
    'director of nursing  quality & safety'
    """
    folded = text.translate(_FOLD)
    if lower:
        lowered = folded.lower()
        if len(lowered) == len(folded):
            return lowered
        # A few characters change length when lower-cased (e.g. "İ"); fold them one by one.
        return "".join(c.lower() if len(c.lower()) == 1 else c for c in folded)
    return folded


@dataclass(frozen=True)
class Mention:
    """A label found in the text: ``text[start:end]`` is the label as written."""

    scheme: str
    code: str
    start: int
    end: int
    written: str


def _variants(label: str) -> set[str]:
    """The folded forms one label is matched in: as written, ``&`` for ``and``, plurals."""
    base = label.replace("\u2019", "'").replace("&", " & ")
    forms = {base.replace("'", ""), base}
    out: set[str] = set()
    for form in forms:
        words = fold(form, lower=not _is_acronym(label)).split()
        if not words:
            continue
        variants = [words]
        if _pluralises(words[-1]):
            variants.append([*words[:-1], _plural(words[-1])])
        # the word before the first "of" that has a word on either side: "Head" of "Head of Nursing"
        head = next((i - 1 for i in range(1, len(words) - 1) if words[i] == "of"), None)
        if head is not None and _pluralises(words[head]):
            variants.append([*words[:head], _plural(words[head]), *words[head + 1 :]])
        for variant in variants:
            joined = " ".join(variant)
            out.add(joined)
            # "Nursing & Quality" and "Nursing and Quality" are the same title.
            if " and " in f" {joined} ":
                out.add(f" {joined} ".replace(" and ", " & ").strip())
            if " & " in f" {joined} ":
                out.add(f" {joined} ".replace(" & ", " and ").strip())
    return out


def _pluralises(word: str) -> bool:
    return len(word) > 2 and not word.endswith("s") and not any(ch.isdigit() for ch in word)


def _plural(word: str) -> str:
    return word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"


def _is_acronym(label: str) -> bool:
    letters = [c for c in label if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters) and len(label) <= 12


class Matcher:
    """All labels of a vocabulary, ready to be found in any text (and the mentions of the last
    short texts asked about, remembered: see :meth:`find`)."""

    def __init__(self, entries: Iterable[tuple[str, str, str]]) -> None:
        self._lower = ahocorasick.Automaton()
        self._exact = ahocorasick.Automaton()
        seen_lower: dict[str, set[tuple[str, str]]] = {}
        seen_exact: dict[str, set[tuple[str, str]]] = {}
        punctuated: set[str] = set()
        for scheme, code, label in entries:
            acronym = _is_acronym(label)
            with_comma = "," in label or ";" in label
            for variant in _variants(label):
                key = f" {variant} "
                table = seen_exact if acronym else seen_lower
                table.setdefault(key, set()).add((scheme, code))
                if with_comma:
                    punctuated.add(key)
        for table, automaton in ((seen_lower, self._lower), (seen_exact, self._exact)):
            for key, targets in table.items():
                automaton.add_word(key, (len(key), tuple(sorted(targets)), key in punctuated))
            if table:
                automaton.make_automaton()
        self._has_exact = bool(seen_exact)
        self._has_lower = bool(seen_lower)
        self._remembered: dict[str, tuple[Mention, ...]] = {}

    def find(self, text: str, schemes: Iterable[str] | None = None) -> list[Mention]:
        """Every label of the given schemes in ``text``, longest match per scheme, in text order.

        A short text's mentions are remembered: titles, employers and salaries repeat across a
        corpus, and one posting's title is asked about several times (its role, its scope, whether
        it leads), which was most of the extraction of a posting that is no leadership post.
        """
        if len(text) > _REMEMBERED_CHARS:
            return self._find(text, schemes)
        every = self._remembered.get(text)
        if every is None:
            if len(self._remembered) >= _REMEMBERED_TEXTS:
                self._remembered.clear()  # a corpus's repeats come close together; start again
            every = self._remembered[text] = tuple(self._find(text, None))
        if schemes is None:
            return list(every)
        wanted = set(schemes)
        return [mention for mention in every if mention.scheme in wanted]

    def _find(self, text: str, schemes: Iterable[str] | None) -> list[Mention]:
        wanted = set(schemes) if schemes is not None else None
        raw: list[tuple[str, str, int, int]] = []
        for automaton, has, lower in (
            (self._lower, self._has_lower, True),
            (self._exact, self._has_exact, False),
        ):
            if not has:
                continue
            haystack, to_original = _squeeze(fold(text, lower=lower))
            for end_index, (length, targets, punctuated) in automaton.iter(haystack):
                # The key is " label ": in the padded, squeezed haystack the label runs from
                # end_index - length + 2 to end_index (exclusive); minus 1 for the padding.
                label_start = to_original(end_index - length + 1)
                label_end = to_original(end_index - 1)
                if not punctuated and _CLAUSE_MARK.search(text, label_start, label_end):
                    continue  # "a combined leadership, training and clinical role" is no "leadership training"
                for scheme, code in targets:
                    if wanted is None or scheme in wanted:
                        raw.append((scheme, code, label_start, label_end))
        return _longest_per_scheme(raw, text)


#: Texts up to this long (a title, an employer, a salary) have their mentions remembered, up to
#: this many texts at a time.
_REMEMBERED_CHARS = 200
_REMEMBERED_TEXTS = 20_000

_SPACES = re.compile(r" {2,}")
#: A comma or semicolon between two items of a list ("leadership, training"), not one inside a
#: phrase ("on, or within six months of inclusion on, the Specialist Register"): a label written
#: without one is not found across one
_CLAUSE_MARK = re.compile(r"[,;]\s*(?!(?:the|a|an|or|and|of|in|on|to|for|with|as)\b)\w", re.IGNORECASE)


def _squeeze(folded: str):
    """Pad the folded text with spaces and squeeze runs of spaces to one, so that "Research,
    Innovation" matches the label "Research, innovation"; returns the squeezed text and a function
    mapping a position in it back to the original text."""
    starts: list[int] = []
    shifts: list[int] = []
    removed = 0
    for run in _SPACES.finditer(folded):
        removed += run.end() - run.start() - 1
        starts.append(run.end() - removed)
        shifts.append(removed)
    squeezed = f" {_SPACES.sub(' ', folded)} "

    def to_original(position: int) -> int:
        index = bisect_right(starts, position) - 1
        return position + (shifts[index] if index >= 0 else 0)

    return squeezed, to_original


def _across_a_slash(text: str, previous_end: int, item: tuple[str, str, int, int]) -> bool:
    """Whether a label runs on across the slash that ends the label before it: in "the Chief
    Nurse/Director of Infection Prevention and Control" the slash joins two titles, and "Nurse
    Director" across it would take the Chief Nurse's place."""
    return item[2] < previous_end < item[3] and text[previous_end : previous_end + 1] == "/"


def _longest_per_scheme(raw: list[tuple[str, str, int, int]], text: str) -> list[Mention]:
    by_scheme: dict[str, list[tuple[str, str, int, int]]] = {}
    for item in raw:
        by_scheme.setdefault(item[0], []).append(item)
    kept: list[Mention] = []
    for scheme, items in by_scheme.items():
        items.sort(key=lambda m: (m[2], -(m[3] - m[2]), m[1]))
        taken_until = -1
        longest: list[tuple[str, str, int, int]] = []
        for item in items:
            if item[2] >= taken_until:
                longest.append(item)
                taken_until = item[3]
            elif longest and item[2] == longest[-1][2] and item[3] == longest[-1][3]:
                longest.append(item)  # the same words name two concepts: keep both
            elif (item[3] > taken_until and longest and item[3] - item[2] > longest[-1][3] - longest[-1][2]
                  and not _across_a_slash(text, longest[-1][3], item)):
                # A longer label starting inside the previous one: prefer the longer.
                longest[-1] = item
                taken_until = item[3]
        kept.extend(Mention(s, c, a, b, text[a:b]) for s, c, a, b in longest)
    kept.sort(key=lambda m: (m.start, m.end, m.scheme, m.code))
    return kept


@lru_cache(maxsize=8)
def build_matcher(vocab: Vocabulary) -> Matcher:
    """One matcher over every label of every scheme in ``vocab``."""
    return Matcher(
        (scheme.name, concept.code, label)
        for scheme in vocab.schemes
        for concept in scheme.concepts
        for label in concept.labels
    )


_WORD = re.compile(r"\w+")
