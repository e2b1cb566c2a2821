"""Would more annotated duties lift the duty model? Its learning curve on the dev split.

The same 5-fold cross-validation by posting as ``scripts/train-duty-model.py --cv``, but each
fold's model is trained on a quarter, half, three quarters or all of the fold's training postings
(two seeded draws below all), with the shipped thresholds (0.5/0.0/0.5), and the held-out
predictions scored by the evaluator. Dev only; needs scikit-learn (``pip install -e '.[train]'``).
Usage: ``python scripts/duty-model-learning-curve.py`` (about ten minutes on two cores).
"""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

from nhskg.extract.duty_model import DutyModel

FRACTIONS = (0.25, 0.5, 0.75, 1.0)
DRAWS = 2  # random draws of the training postings for each fraction below all


def _trainer():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("train_duty_model", Path(__file__).with_name("train-duty-model.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def main() -> None:
    trainer = _trainer()
    wanted, postings, examples = trainer.read_dev(trainer.GOLD)
    order = sorted(postings)
    random.Random(trainer.SEED).shuffle(order)
    fold_of = {posting: k % trainer.FOLDS for k, posting in enumerate(order)}
    for fraction in FRACTIONS:
        figures = []
        for draw in range(DRAWS if fraction < 1 else 1):
            scored = []
            for fold in range(trainer.FOLDS):
                training = sorted(p for p in postings if fold_of[p] != fold)
                random.Random(100 * draw + fold).shuffle(training)
                kept = set(training[: round(fraction * len(training))])
                duty, areas, _ = trainer.train([e for e in examples if e.posting in kept])
                model = DutyModel(duty, areas, 0.5, 0.5, 0.5)
                scored.extend(trainer.Scored(e, duty.probability(e.names), model.area_probabilities(e.candidate, e.names))
                              for e in examples if fold_of[e.posting] == fold)
            result = trainer.score(wanted, postings, trainer.predict(scored, "model", 0.5, 0.0, 0.5))
            figures.append((result["duty_areas"][2], result["duty_partners"][2], result["statements"][2]))
        mean = [sum(f[i] for f in figures) / len(figures) for i in range(3)]
        print(f"training fraction {fraction:.2f} (about {int(fraction * 0.8 * len(postings))} postings): "
              f"duty areas F1 {mean[0]:.3f}, partners F1 {mean[1]:.3f}, statements F1 {mean[2]:.3f}", flush=True)


if __name__ == "__main__":
    main()
