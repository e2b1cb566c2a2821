"""The words a text pattern needs: the quick test before a pattern runs never loses a match."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nhskg.paths import vocabulary_dir
from nhskg.vocabulary.patterns import TextPattern, fold, required_words
from nhskg.vocabulary.vocab import load_vocabulary

GOLD = Path(__file__).parent / "data" / "gold"


@pytest.mark.parametrize("pattern, words", [
    (r"\bHCPC\b(?=\s*/)|(?:(?<=/)|(?<=\bor ))HCPC\b", {"hcpc"}),
    (r"(?<!high )(?<!good )\bquality\b", {"quality"}),
    (r"\b(?:join(?:s|ing)?|sit(?:s|ting)? on) (?:the )?board\b", {"board"}),
    (r"(?:clinical )?governance", {"governance"}),
    (r"salary|per\s+annum|\bp\.?a\b", None),  # "p" then "a": one letter each, still words
    (r"(?:board|)\s+member", {"member"}),
    (r"(?:chief|)\s*", None),
    (r"[A-Z]{3,}", None),
    (r"(", None),  # not a pattern at all: always run (the vocabulary reports it elsewhere)
])
def test_the_words_every_match_needs(pattern: str, words: set[str] | None) -> None:
    found = required_words(pattern)
    if pattern.startswith("salary"):
        assert found == {"salary", "annum", "p"}  # the rarest of each branch: "p" from "p.a"
    else:
        assert found == (None if words is None else frozenset(words))


def test_a_pattern_finds_the_same_with_or_without_the_quick_test() -> None:
    """Every shipped pattern, over every gold posting's text (and its upper- and title-cased
    copies, since patterns ignore case), finds exactly what the plain regex finds."""
    vocab = load_vocabulary(vocabulary_dir())
    patterns = [TextPattern.of(s.name, c.code, p) for s in vocab.schemes for c in s.concepts for p in c.patterns]
    assert len(patterns) > 50 and sum(p.needs is not None for p in patterns) > 0.9 * len(patterns)
    texts = []
    for path in sorted((GOLD / "dev").glob("*.json"))[:60]:
        record = json.loads(path.read_text(encoding="utf-8"))
        texts.append(" ".join(str(d.get("text", "")) for d in record.get("duties") or []) + " " + str(record.get("title")))
    texts += [t.upper() for t in texts[:10]] + [t.title() for t in texts[:10]]
    matched = skipped = 0
    for text in texts:
        folded = fold(text)
        for pattern in patterns:
            plain = [m.span() for m in pattern.regex.finditer(text)]
            assert [m.span() for m in pattern.finditer(text, folded)] == plain, (pattern.code, pattern.regex.pattern)
            matched += bool(plain)
            skipped += pattern.needs is not None and not any(w in folded for w in pattern.needs)
    assert matched > 40 and skipped > 1000  # the test did both: patterns that matched, and skips


@pytest.mark.parametrize("text", ["MEDıCAL DıRECTOR", "MEDİCAL DİRECTOR"])
def test_a_dotless_or_dotted_i_is_matched_as_the_regex_matches_it(text: str) -> None:
    """re.IGNORECASE matches "i" with the dotless "ı" (U+0131), which casefold keeps as it is,
    and with the dotted "İ" (U+0130), which casefold makes two characters: the quick test must
    not skip a text the regex matches."""
    director = TextPattern.of("s", "c", r"\bmedical director\b")
    assert [m.span() for m in director.regex.finditer(text)] == [(0, 16)]
    assert [m.span() for m in director.finditer(text, fold(text))] == [(0, 16)]
    turkish = TextPattern.of("s", "c", "kalıte")
    assert [m.span() for m in turkish.finditer("KALITE", fold("KALITE"))] == [(0, 6)]


def test_fold_agrees_with_the_regex_on_every_letter() -> None:
    """For every letter of the Basic Multilingual Plane and every character a case-insensitive
    regex matches it with, the two fold alike: fold works a character at a time, so a word read
    from a pattern is then in the folded text wherever the pattern matches."""
    import re
    from collections import defaultdict

    by_case: dict[str, set[str]] = defaultdict(set)
    chars = [chr(i) for i in range(0x10000) if not 0xD800 <= i < 0xE000]
    for c in chars:
        for k in {c.lower(), c.upper(), c.casefold()}:
            by_case[k].add(c)
    wrong = []
    for p in (c for c in chars if c.isalpha()):
        same = set().union(*(by_case[k] for k in {p.lower(), p.upper(), p.casefold()}))
        regex = re.compile(re.escape(p), re.IGNORECASE)
        wrong += [(p, c) for c in same if c != p and regex.fullmatch(c) and fold(p) != fold(c)]
    assert not wrong
