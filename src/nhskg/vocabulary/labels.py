"""Stage 4 input: a concept named the way a person names it (code, label, synonym or acronym) resolved to its code.

Analysts write "CMO", "Director of Nursing" or "Caldicott Guardian", not
``chief-medical-officer``. Every parameter that takes a role type, designation, body or duty area
goes through :func:`resolve`, which accepts a concept's code, its IRI, its ``skos:prefLabel``, any
``skos:altLabel`` or ``skos:hiddenLabel`` (acronyms live there), ignoring case, punctuation and
spacing. The labels come from the vocabulary files (``ontology/vocab``) or, for the analyses, from
the store's own vocabulary: the same rule either way.

Matching is exact after normalising: a value that names no concept, or names two, raises
:class:`UnknownValue` listing the nearest labels (difflib), never a guess.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from ..errors import UnknownValue

__all__ = ["Named", "UnknownValue", "normalise", "resolve", "named_concepts", "label_of"]


@dataclass(frozen=True)
class Named:
    """Something a parameter can name: its code, its IRI, its preferred label and other labels."""

    code: str
    iri: str
    label: str
    other_labels: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """Every form that names it: code, code with spaces, labels."""
        return (self.code, self.code.replace("-", " "), self.label, *self.other_labels)

    def shown(self) -> str:
        return f"{self.label} ({self.code})" if self.label and self.label != self.code else self.code


def normalise(text: str) -> str:
    """Case, punctuation and spacing folded away: what two spellings of one name share.

    >>> normalise("  Director of Infection Prevention & Control ")
    'director of infection prevention control'
    >>> normalise("chief-medical-officer") == normalise("Chief Medical Officer")
    True
    """
    return " ".join(re.findall(r"[^\W_]+", text.casefold()))


def resolve(value: str, candidates: Iterable[Named], what: str = "value", *, closest: int = 5) -> Named:
    """The one candidate that ``value`` names by code, IRI or any label.

    >>> cmo = Named("chief-medical-officer", "https://w3id.org/nhskg/vocab/role-type/chief-medical-officer",
    ...             "Chief Medical Officer", ("Medical Director", "CMO"))
    >>> nurse = Named("chief-nurse", "https://w3id.org/nhskg/vocab/role-type/chief-nurse", "Chief Nurse", ("CNO",))
    >>> resolve("cmo", [cmo, nurse]).code
    'chief-medical-officer'
    >>> resolve("Chief nurse", [cmo, nurse]).code
    'chief-nurse'
    >>> resolve("Chief Nurses", [cmo, nurse], "role type")
    Traceback (most recent call last):
    ...
    nhskg.errors.UnknownValue: 'Chief Nurses' is not a role type; nearest: Chief Nurse (chief-nurse)
    """
    pool = list(candidates)
    text = value.strip()
    for candidate in pool:  # the exact code or IRI always wins
        if text in (candidate.code, candidate.iri) or text == f"<{candidate.iri}>":
            return candidate
    wanted = normalise(text)
    hits = [c for c in pool if wanted and any(normalise(name) == wanted for name in c.names)]
    if len(hits) == 1:
        return hits[0]
    if hits:
        ordered: list[Named] = sorted(hits, key=lambda c: c.code)
        raise UnknownValue(what, value, ordered, ambiguous=True)
    raise UnknownValue(what, value, nearest(wanted, pool, closest), ambiguous=False)


def nearest(wanted: str, pool: Sequence[Named], n: int = 5) -> list[Named]:
    """Up to ``n`` candidates whose names are closest to ``wanted`` (normalised), best first: those
    within a little of the best similarity, then those whose name holds it as whole words (or the
    other way round).

    A value more than twice as long as the longest name is near none: difflib's time grows with
    the product of the lengths, and a 60,000-character role type took 137 s to be told so.

    >>> nurse = Named("chief-nurse", "https://w3id.org/nhskg/vocab/role-type/chief-nurse", "Chief Nurse")
    >>> [c.code for c in nearest("chief nurses", [nurse])], nearest("chief nurse " * 3, [nurse])
    (['chief-nurse'], [])
    """
    by_name: dict[str, Named] = {}
    for candidate in pool:
        for name in candidate.names:
            by_name.setdefault(normalise(name), candidate)
    if len(wanted) > 2 * max(map(len, by_name), default=0):
        return []
    scored = []
    for name, candidate in by_name.items():
        matcher = difflib.SequenceMatcher(None, wanted, name)
        # the quick ratios are upper bounds of the ratio: skip the costly one where they fall short
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6 and (ratio := matcher.ratio()) >= 0.6:
            scored.append((ratio, name, candidate))
    scored.sort(key=lambda item: (-item[0], item[1]))
    chosen: list[Named] = []
    best = scored[0][0] if scored else 0.0
    for ratio, _name, candidate in scored:
        if ratio >= best - 0.08 and candidate not in chosen:
            chosen.append(candidate)

    def holds(longer: str, shorter: str) -> bool:
        return len(shorter) > 3 and re.search(rf"\b{re.escape(shorter)}\b", longer) is not None

    if wanted:
        for name, candidate in sorted(by_name.items()):
            if (holds(name, wanted) or holds(wanted, name)) and candidate not in chosen:
                chosen.append(candidate)
    return chosen[:n]


def named_concepts(concepts: Iterable[object], labels: Mapping[str, str] | None = None) -> list[Named]:
    """:class:`~nhskg.vocabulary.vocab.Concept` objects as :class:`Named` candidates.

    ``labels`` (code -> label) overrides the preferred label, for a store whose vocabulary differs.
    """
    out = []
    for concept in concepts:
        code = concept.code  # type: ignore[attr-defined]
        label = (labels or {}).get(code) or concept.pref_label  # type: ignore[attr-defined]
        others = tuple(concept.alt_labels) + tuple(concept.hidden_labels)  # type: ignore[attr-defined]
        out.append(Named(code, concept.iri, label, others))  # type: ignore[attr-defined]
    return out


def label_of(code: str, scheme: str | None = None) -> str:
    """The preferred label of a concept code (of ``scheme``, else of the first scheme holding it),
    from ``ontology/vocab``; the code itself when no scheme has it.

    >>> label_of("chief-medical-officer"), label_of("caldicott-guardian", "designation"), label_of("no-such")
    ('Chief Medical Officer', 'Caldicott Guardian', 'no-such')
    """
    return _labels().get((scheme, code)) or _labels().get((None, code)) or code


def _labels() -> dict[tuple[str | None, str], str]:
    from ..errors import NhskgError
    from .vocab import load_vocabulary

    try:
        vocabulary = load_vocabulary()
    except NhskgError:
        return {}
    cached = _LABELS.get(id(vocabulary))
    if cached is None:
        cached = {}
        for scheme in vocabulary.schemes:
            for concept in scheme.concepts:
                cached[(scheme.name, concept.code)] = concept.pref_label
                cached.setdefault((None, concept.code), concept.pref_label)
        _LABELS.clear()
        _LABELS[id(vocabulary)] = cached
    return cached


_LABELS: dict[int, dict[tuple[str | None, str], str]] = {}
