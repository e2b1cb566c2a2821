"""Which sentences are duty statements and what they are about: a small logistic model, trained on
the gold set's dev duties by ``scripts/train-duty-model.py``, scored here in plain Python.

Rules for duty statements and their areas stopped carrying to postings they were not tuned on
(issue 13): a rule fitted to one advert's wording misses the next advert's. The model reads the
same evidence the rules do (the words, the section, a bullet, the rules' own verdict, the areas the
vocabulary names) and learns from every annotated statement at once how far to trust each. The
vocabulary stays the source of the areas' names and matches; the weights are data
(``duty-model.json`` beside this module), so nothing is downloaded and nothing beyond the standard
library runs to use them.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Mapping

from ..errors import NhskgError
from ..vocabulary.matching import fold

if TYPE_CHECKING:
    from ..vocabulary.vocab import Vocabulary
    from .duties import DutySentence

__all__ = ["DutyModel", "Logistic", "MODEL_PATH", "NEVER", "checked_duty_model", "features", "gold_digest", "gold_files",
           "load_duty_model", "own_features", "partner_features", "OWN_AREA", "RULES_OTHER"]

#: The shipped model, written by ``python scripts/train-duty-model.py --write``.
MODEL_PATH = Path(__file__).with_name("duty-model.json")

#: The feature an area's own classifier sees when the vocabulary names that area in the sentence:
#: one weight per area saying how far that area's labels are to be trusted.
OWN_AREA = "own-area"

#: The feature the uncoded-partner classifier sees when the relation rules already found a partner
#: with no role type in the sentence.
RULES_OTHER = "rules-other"

#: A threshold no chance reaches: what it decides is never done.
NEVER = 1.01

_WORD = re.compile(r"[a-z]+")
_BULLET = "•-*·–— "


def _length_band(count: int) -> str:
    for limit in (3, 6, 12, 25, 45, 90):
        if count <= limit:
            return f"len:{limit}"
    return "len:more"


def features(candidate: DutySentence) -> frozenset[str]:
    """The names of the features a sentence has: its words and word pairs (lower-cased), its
    section, whether it is a bullet or a whole line, its length band, the rules' verdict, the
    vocabulary's areas and whether the relation rules found a partner in it.

    >>> from nhskg.read.sentences import Sentence
    >>> from nhskg.extract.duties import DutySentence
    >>> s = Sentence("• Lead the annual budget", 0, 24, "duties", True, True, False, True)
    >>> sorted(features(DutySentence(s, True, ("finance",), ())))
    ['bullet', 'len:6', 'p:annual budget', 'p:lead the', 'p:the annual', 'rules', 's:duties', 'v:finance', 'v:some', 'w:annual', 'w:budget', 'w:lead', 'w:the', 'whole-line']
    """
    sentence = candidate.sentence
    words = _WORD.findall(fold(sentence.text.strip().lstrip(_BULLET)))
    names = {f"w:{w}" for w in words}
    names.update(f"p:{a} {b}" for a, b in zip(words, words[1:]))
    names.add(f"s:{sentence.section or 'none'}")
    names.add(_length_band(len(words)))
    if sentence.bullet:
        names.add("bullet")
    if sentence.whole_line:
        names.add("whole-line")
    if candidate.by_rules:
        names.add("rules")
    names.update(f"v:{code}" for code in candidate.areas)
    names.add("v:some" if candidate.areas else "v:none")
    if candidate.with_:
        names.add("partner")
    return frozenset(names)


def own_features(candidate: DutySentence, code: str) -> frozenset[str]:
    """The features only the classifier of the area ``code`` sees: whether the vocabulary names
    that area in the sentence."""
    return frozenset((OWN_AREA,)) if code in candidate.areas else frozenset()


def partner_features(candidate: DutySentence, names: frozenset[str]) -> frozenset[str]:
    """The features the uncoded-partner classifier is trained on: the sentence's, and whether the
    relation rules already found a partner with no role type in it (those sentences teach it the
    words of such partners; it is asked only of sentences the rules found no partner in, whose
    features are the sentence's alone)."""
    return names | {RULES_OTHER} if "other" in candidate.with_ else names


def _logistic(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)  # no overflow for a large negative z
    return e / (1.0 + e)


@dataclass(frozen=True)
class Logistic:
    """One yes/no question as a logistic regression: a bias and a weight per feature name."""

    bias: float
    weights: Mapping[str, float]

    def probability(self, names: Iterable[str]) -> float:
        """The logistic of the bias plus the weights of the features named; unknown names weigh nothing.

        >>> round(Logistic(-1.0, {"w:budget": 3.0}).probability({"w:budget", "w:the"}), 3)
        0.881
        """
        # fsum: exact, so the same in any order (a frozenset's order changes with the hash seed)
        return _logistic(math.fsum((self.bias, *(self.weights.get(name, 0.0) for name in names))))

    @classmethod
    def from_json(cls, data: Mapping) -> "Logistic":
        return cls(float(data["bias"]), {str(k): float(v) for k, v in data["weights"].items()})


@dataclass(frozen=True)
class DutyModel:
    """Whether a sentence is a duty statement (``duty``) and, for each duty area, whether a duty
    statement is about it (``areas``), with the thresholds cross-validation chose. A sentence is a
    duty when ``duty`` gives it at least ``duty_threshold``. An area's chance is the chance that the
    sentence is a duty times the chance its classifier gives: an area the vocabulary names in the
    sentence is kept at ``keep_threshold`` or more, and one it does not name is added at
    ``area_threshold`` or more (above 1: never).

    ``partner`` says whether a duty statement names a partner the vocabulary has no role type for
    ("join a team of six consultant radiologists", "work closely with colleagues in social care"):
    the rules find an uncoded partner only right after a cue of joint working, and readers name
    one in about one statement in five. A duty gets the partner ``other`` when the duty's chance
    times this one is ``partner_threshold`` or more (a model without it: never).

    ``below`` is the same classifiers with the thresholds chosen on the adverts whose title names
    no chief, director, head, chair, non-executive or guardian (context ``leadership-level-title``):
    their readers give a statement fewer areas and name a team the post holder joins as a partner,
    and one set of thresholds chosen on both kinds suits neither. :meth:`for_title` picks."""

    duty: Logistic
    areas: Mapping[str, Logistic]
    duty_threshold: float
    keep_threshold: float
    area_threshold: float
    partner: Logistic | None = None
    partner_threshold: float = NEVER
    below: "DutyModel | None" = None
    #: feature name -> (area, weight) for every area that weighs it: a sentence's few dozen
    #: features are looked up once for all the areas, not once per area
    _by_feature: Mapping[str, tuple[tuple[str, float], ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, list[tuple[str, float]]] = {}
        for code, model in sorted(self.areas.items()):
            for name, weight in model.weights.items():
                index.setdefault(name, []).append((code, weight))
        object.__setattr__(self, "_by_feature", {name: tuple(pairs) for name, pairs in index.items()})

    def for_title(self, leadership_level: bool) -> "DutyModel":
        """The model whose thresholds suit the advert: its own for a leadership-level title (and
        for any title when it has no ``below``), else ``below``."""
        return self if leadership_level or self.below is None else self.below

    def area_probabilities(self, candidate: DutySentence, names: frozenset[str] | None = None) -> dict[str, float]:
        """Each area's chance that a duty statement is about it (as each area's own
        :meth:`Logistic.probability` over the features and :func:`own_features` gives it)."""
        names = features(candidate) if names is None else names
        terms = {code: [model.bias] for code, model in self.areas.items()}
        for name in names:
            for code, weight in self._by_feature.get(name, ()):
                terms[code].append(weight)
        for code in candidate.areas:
            if code in terms:
                terms[code].append(self.areas[code].weights.get(OWN_AREA, 0.0))
        # summed exactly, as Logistic.probability does: the same chances whatever the names' order
        return {code: _logistic(math.fsum(z)) for code, z in sorted(terms.items())}

    def read(self, candidate: DutySentence) -> tuple[str, ...] | None:
        """The areas of the sentence if it is a duty statement, else None."""
        weighed = self.weigh(candidate)
        return None if weighed is None else tuple(code for code, _ in weighed[1])

    def weigh(self, candidate: DutySentence, names: frozenset[str] | None = None) -> tuple[float, tuple[tuple[str, float], ...]] | None:
        """If the sentence is a duty statement: the chance that it is one, and each area it is
        about with the chance that it is (the duty's chance times the area's, the figure the
        thresholds are compared with); else None. The chances are what a duty and its areas carry
        as their confidence, so that a reader can leave out the areas the model was least sure of."""
        names = features(candidate) if names is None else names
        duty = self.duty.probability(names)
        if duty < self.duty_threshold:
            return None
        chances = self.area_probabilities(candidate, names)
        kept = [(code, chance) for code in candidate.areas if (chance := duty * chances.get(code, 1.0)) >= self.keep_threshold]
        added = [(code, duty * p) for code, p in chances.items() if code not in candidate.areas and duty * p >= self.area_threshold]
        return duty, tuple(kept + added)

    def uncoded_partner(self, candidate: DutySentence, duty: float, names: frozenset[str] | None = None) -> float | None:
        """The chance that a duty statement (``duty``: the chance that it is one) names a partner
        with no role type, as the threshold sees it (the duty's chance times the partner
        classifier's), when it reaches ``partner_threshold`` and the relation rules found no
        partner in it; else None."""
        if self.partner is None or candidate.with_:
            return None  # the rules named the sentence's partners: "with the Clinical & Medical Directors"
        names = features(candidate) if names is None else names
        chance = duty * self.partner.probability(names)  # no partner found: partner_features adds nothing
        return chance if chance >= self.partner_threshold else None

    @classmethod
    def from_json(cls, data: Mapping) -> "DutyModel":
        partner = data.get("partner")
        duty = Logistic.from_json(data["duty"])
        areas = {code: Logistic.from_json(model) for code, model in data["areas"].items()}
        partner_model = Logistic.from_json(partner) if partner is not None else None

        def with_thresholds(thresholds: Mapping, below: DutyModel | None = None) -> DutyModel:
            return cls(duty, areas, float(thresholds["duty"]), float(thresholds["keep"]), float(thresholds["area"]),
                       partner_model, float(thresholds.get("partner", NEVER)), below)

        below = data.get("thresholds_below")
        return with_thresholds(data["thresholds"], with_thresholds(below) if below is not None else None)


@cache
def load_duty_model(path: Path | None = None) -> DutyModel:
    """The duty model in ``path`` (default the shipped ``duty-model.json``), read once."""
    path = path or MODEL_PATH
    try:
        return DutyModel.from_json(json.loads(path.read_text(encoding="utf-8")))
    except OSError as error:
        raise NhskgError(f"{path}: the duty model cannot be read ({error.strerror}); "
                         "run python scripts/train-duty-model.py --write to make it") from error
    except (ValueError, KeyError, TypeError, AttributeError) as error:
        raise NhskgError(f"{path}: not a duty model ({error!r}); "
                         "run python scripts/train-duty-model.py --write to make it again") from error


def checked_duty_model(vocab: Vocabulary) -> DutyModel:
    """The shipped duty model, checked against ``vocab``: every area it can add must be a duty area
    of the vocabulary. A model trained on an older vocabulary would otherwise give a code the graph
    refuses, and the graph's error says to add the code to the vocabulary where the fix is to
    retrain. A build calls this before reading any posting, so that a missing, broken or stale
    model ends the build with one error (not a problem for every posting read in full) and forked
    workers start with the model read. Checked once for each vocabulary: every posting read in full
    asks for it."""
    from .reading import DUTY_AREA

    model = load_duty_model()
    if _CHECKED.get(id(vocab)) is model:
        return model
    unknown = sorted(set(model.areas) - set(vocab.scheme(DUTY_AREA).codes))
    if unknown:
        raise NhskgError(f"{MODEL_PATH}: the duty model gives duty areas the vocabulary does not have "
                         f"({', '.join(unknown)}); run python scripts/train-duty-model.py --write to train it "
                         "on today's vocabulary")
    _CHECKED[id(vocab)] = model
    return model


#: id of a vocabulary -> the model checked against it (as reading.py keys its compiled patterns)
_CHECKED: dict[int, DutyModel] = {}


def gold_files(dev: Path, root: Path) -> list[Path]:
    """What a model trained on the gold records in ``dev`` learnt from: the records with annotated
    duties and the source files holding their postings' texts (named from ``root``, the repository's
    root). A record without duties teaches the model nothing, so adding one does not make it stale.
    A source file may hold other postings too (test ones among them): a change to those marks the
    model stale as well, which retraining settles."""
    records = []
    sources = set()
    for path in sorted(dev.glob("*.json")):
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
            if record["duties"] is None:
                continue
            sources.add(record["source"])
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise NhskgError(f"{path}: not a gold record with a source and duties ({error!r}); see tests/data/gold/README.md") from error
        records.append(path)
    return records + [root / source for source in sorted(sources)]


def gold_digest(paths: Iterable[Path]) -> str:
    """A SHA-256 of the gold files a model was trained on (:func:`gold_files`; names and bytes, in
    name order): the model records it so that a test notices when the gold has changed and the
    model has not."""
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        digest.update(path.name.encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()
