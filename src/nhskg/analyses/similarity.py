"""Which duty statements of two role types say the same thing in different words: TF-IDF cosine.

The measure, documented once here because analysts must be able to say what "similar" meant:

1. Tokens are lower-case runs of letters; stop words (function words plus words every NHS duty
   statement uses, such as "ensure", "trust", "group") are dropped; each token is lightly stemmed
   by removing one common English suffix ("-ing", "-ed", "-es", "-s", "-ly", "-ment", "-ation" ->
   "-ate") when at least four letters remain, so "assuring" and "assure" meet.
2. Terms are the stemmed unigrams plus the bigrams of neighbouring kept tokens ("patient safeti").
3. Each statement is a vector of ``tf * idf`` with ``idf = ln((1 + n) / (1 + df)) + 1`` over all
   the statements of both role types, normalised to unit length (smooth IDF as in scikit-learn,
   which this project does not depend on).
4. The score of a pair is the cosine of their vectors; only pairs *across* the two role types are
   scored, through an inverted index, so the cost follows shared terms rather than ``n_a * n_b``.
5. Pairs scoring at least :data:`DEFAULT_THRESHOLD` are kept, the same pair of sentences is kept
   once (repeated postings repeat their sentences), and the best :data:`DEFAULT_TOP` are returned.

0.35 was chosen by reading real pairs: above it pairs share a concrete subject ("quality and
patient safety assurance to the board"); below it they mostly share only generic leadership words.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Sequence

__all__ = ["DEFAULT_THRESHOLD", "DEFAULT_TOP", "Match", "terms", "similar_pairs"]

DEFAULT_THRESHOLD = 0.35
DEFAULT_TOP = 25

_WORD = re.compile(r"[a-z]+")

# An algorithm parameter, not a vocabulary: English function words and the words nearly every
# senior NHS duty statement contains, which would otherwise make any two duties look alike.
_STOP_WORDS = frozenset(
    """a about above across after all also an and any are as at be been being both but by can
    could do does for from has have having he her his how i if in into is it its may more most
    must not of on or other our out over own she should so such than that the their them then
    there these they this those through to under up upon us via was we were what when where
    which while who whom will with within would you your
    ensure ensuring responsible responsibility responsibilities role post holder postholder
    trust trusts group organisation organisations work working lead leading including across
    provide providing support supporting appropriate effective effectively""".split()
)

_SUFFIXES = (("ation", "ate"), ("ment", ""), ("ing", ""), ("ies", "y"), ("es", ""), ("ed", ""), ("ly", ""), ("s", ""))


def _stem(word: str) -> str:
    for suffix, replacement in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + replacement
    return word


def terms(text: str) -> list[str]:
    """The unigram and bigram terms of a statement.

    >>> terms("Ensuring the safety of patients")
    ['safety', 'patient', 'safety patient']
    """
    tokens = [_stem(w) for w in _WORD.findall(text.lower()) if w not in _STOP_WORDS and len(w) > 1]
    return tokens + [f"{a} {b}" for a, b in zip(tokens, tokens[1:])]


@dataclass(frozen=True)
class Match:
    """Statement ``a`` (an index into the first list) is like statement ``b`` with cosine ``score``."""

    score: float
    a: int
    b: int


def _vectors(documents: Sequence[Sequence[str]], idf: dict[str, float]) -> list[dict[str, float]]:
    vectors = []
    for doc in documents:
        weights = {term: count * idf[term] for term, count in Counter(doc).items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        vectors.append({term: w / norm for term, w in weights.items()})
    return vectors


def similar_pairs(
    texts_a: Sequence[str],
    texts_b: Sequence[str],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    top: int = DEFAULT_TOP,
) -> list[Match]:
    """Pairs across the two lists whose TF-IDF cosine is at least ``threshold``, best first.

    Identical text pairs are reported once (the first occurrence of each); ties are broken by
    position so the result is deterministic.

    >>> a = ["Assure the board on quality and patient safety", "Lead medical education"]
    >>> b = ["Provide assurance to the board on patient safety and quality", "Manage the estate"]
    >>> [(m.a, m.b) for m in similar_pairs(a, b)]
    [(0, 0)]
    """
    docs_a = [terms(t) for t in texts_a]
    docs_b = [terms(t) for t in texts_b]
    everything = docs_a + docs_b
    n = len(everything)
    df = Counter(term for doc in everything for term in set(doc))
    idf = {term: math.log((1 + n) / (1 + count)) + 1 for term, count in df.items()}
    vectors_a = _vectors(docs_a, idf)
    vectors_b = _vectors(docs_b, idf)
    index: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for j, vector in enumerate(vectors_b):
        for term, weight in vector.items():
            index[term].append((j, weight))
    best: dict[tuple[str, str], Match] = {}
    for i, vector in enumerate(vectors_a):
        scores: dict[int, float] = defaultdict(float)
        for term, weight in vector.items():
            for j, other in index.get(term, ()):
                scores[j] += weight * other
        for j, score in scores.items():
            if score + 1e-12 < threshold:
                continue
            key = (texts_a[i], texts_b[j])
            if key not in best:
                best[key] = Match(round(min(score, 1.0), 4), i, j)
    ranked = sorted(best.values(), key=lambda m: (-m.score, m.a, m.b))
    return ranked[:top]
