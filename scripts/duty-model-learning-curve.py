"""Would more annotated duties lift the duty model? Its learning curve on the dev split.

The same 5-fold cross-validation by posting as ``scripts/train-duty-model.py --cv``, but each
fold's model is trained on a quarter, half, three quarters or all of the fold's training postings
(two seeded draws below all), with the shipped thresholds (0.5/0.0/0.5), and the held-out
predictions scored by the evaluator. Dev only; needs scikit-learn (``pip install -e '.[train]'``).
Usage: ``python scripts/duty-model-learning-curve.py`` (about ten minutes on two cores).
"""
import importlib.util, random, sys
from pathlib import Path
spec = importlib.util.spec_from_file_location("train_duty_model", "scripts/train-duty-model.py")
T = importlib.util.module_from_spec(spec); sys.modules[spec.name] = T; spec.loader.exec_module(T)
from nhskg.extract.duty_model import DutyModel
wanted, postings, examples = T.read_dev(T.GOLD)
order = sorted(postings); random.Random(T.SEED).shuffle(order)
fold_of = {p: k % T.FOLDS for k, p in enumerate(order)}
for frac in (0.25, 0.5, 0.75, 1.0):
    res = []
    for rep in range(2 if frac < 1 else 1):
        scored = []
        for fold in range(T.FOLDS):
            train_posts = sorted(p for p in postings if fold_of[p] != fold)
            random.Random(100 * rep + fold).shuffle(train_posts)
            keep = set(train_posts[: int(round(frac * len(train_posts)))])
            duty, areas, _ = T.train([e for e in examples if e.posting in keep])
            model = DutyModel(duty, areas, 0.5, 0.5, 0.5)
            held = [e for e in examples if fold_of[e.posting] == fold]
            scored.extend(T.Scored(e, duty.probability(e.names), model.area_probabilities(e.candidate, e.names)) for e in held)
        f = T.score(wanted, postings, T.predict(scored, "model", 0.5, 0.0, 0.5))
        res.append((f["duty_areas"][2], f["duty_partners"][2], f["statements"][2]))
    n = len(res)
    print(f"train fraction {frac:.2f} (~{int(frac*0.8*len(postings))} postings): areas F1 {sum(r[0] for r in res)/n:.3f}  partners F1 {sum(r[1] for r in res)/n:.3f}  statements F1 {sum(r[2] for r in res)/n:.3f}", flush=True)
