"""Measure how often facts of each kind and statement form are right, and write the figures to
``ontology/confidence.ttl`` as the confidence every such fact carries.

Measured on the calibration split of the gold set (``tests/data/gold/calibration/``): postings
annotated blind and never tuned on, so that a confidence promises what postings the rules have not
seen give. It was measured on the development split once, where the rules were tuned, and promised
0.88 where the test split gave 0.75. Every fact the extractor reads from a calibration posting is
right when the gold record has the same code in the same field. The figure is the Laplace-smoothed
precision, (right + 1) / (facts + 2), so that a form seen a few times is not taken as certain; a
(field, form) pair seen fewer than ``--min`` times falls back to the lower of the field's figure
over its sentence forms and the form's figure over every field, and a form seen fewer than that on
the split to its figure on the dev split. Front-line posts get figures of their own: measured on
the calibration split's front-line posts (the front-line stratum's held-back 40, left out of every
post's figures) where they are seen often enough, else where dev's front-line posts give a lower
one (``nhskg:postKind``; see ``nhskg.extract.confidence``). Usage:
``python scripts/calibrate-confidence.py``; ``--check`` writes nothing and exits 1 when the file
no longer says what the split measures (``tests/test_confidence_calibration.py``
runs it, so a change to the extractor, the vocabularies or the gold records that moves a figure
fails the tests until the file is written again). Like the test split, the calibration split is
read in aggregate only: a rule tuned on one of its postings would make its figures promise too much.
"""

from __future__ import annotations

import argparse
import collections
import math
import sys
from datetime import date
from pathlib import Path

from nhskg.extract.confidence import every_posts_figure, kind_of_post, load_calibration
from nhskg.extract.evaluate import load_gold_set, scored_facts
from nhskg.extract.postings import Posting
from nhskg.pipeline.build import read_postings
from nhskg.vocabulary.vocab import load_vocabulary
OUT = Path(__file__).resolve().parents[1] / "ontology" / "confidence.ttl"
SPLIT = "calibration"


#: The forms read from the posting's own words, whose figure over a field stands for a rare one of
#: them: the duty model's inferred partners are right far less often, so they keep their own.
SENTENCE_FORMS = ("field", "direct", "list", "passing")
#: The kinds of post whose facts may carry a lower figure of their own (``kind_of_post``), each
#: with the kinds it is compared with.
OTHER_KINDS = {"front-line": ("below-leadership", "leadership-level")}
KINDS = tuple(OTHER_KINDS)
#: The kinds of post the calibration split holds posts of (the front-line stratum's held-back 40):
#: weighed there on their own, blind, so that their figures may be higher or lower than every
#: post's, and left out of every post's figures, which stay those of posts below leadership level.
CALIBRATED_KINDS = ("front-line",)

Figure = tuple[str, str, str, int, int, str]  # kind ("" for every post), field, form, right, facts, split


def counted(splits: tuple[str, ...]) -> dict[str, dict[tuple[str, str, str], list[int]]]:
    """Per split, (kind of post, field, form) -> [right, facts]: kind "" for every post, field "*"
    for a form over every field, form "*" for a field over its sentence forms; the gold set's
    postings read once for every split asked about."""
    gold = load_gold_set(Path("tests/data/gold"))
    for split in splits:
        if not any(g.split == split for g in gold.postings.values()):
            raise SystemExit(f"tests/data/gold has no {split!r} split; run from the project folder or give --split")
    predicted = list(read_postings(gold.sources(), full=True))
    vocab = load_vocabulary()
    by_kind: dict[str, list[Posting]] = collections.defaultdict(list)
    for posting in predicted:
        if isinstance(posting, Posting):  # a posting that could not be read has no facts to count
            by_kind[kind_of_post(vocab, posting.title, posting.leadership)].append(posting)
    counts: dict[str, dict[tuple[str, str, str], list[int]]] = {}
    for split in splits:
        tally = counts[split] = collections.defaultdict(lambda: [0, 0])
        for kind, of_kind in by_kind.items():
            for field, fact, right in scored_facts(gold, split, of_kind):
                keys = [(kind, field, fact.stated)]
                if split == "dev" or kind not in CALIBRATED_KINDS:
                    keys += [("", field, fact.stated), ("", "*", fact.stated)]
                    if fact.stated in SENTENCE_FORMS:
                        keys.append(("", field, "*"))
                for key in keys:
                    tally[key][0] += right
                    tally[key][1] += 1
    return counts


def _value(right: int, total: int) -> float:
    return (right + 1) / (total + 2)


def measured(minimum: int, split: str = SPLIT) -> list[Figure]:
    """Every figure the file gives. For every post, on ``split``: a (field, form) pair seen at least
    ``minimum`` times, a field over its sentence forms, and a form over every field; a form seen
    fewer than ``minimum`` times there at all (a header such as "Accountable to:" is rare below
    leadership level) takes its figure on the dev split, which promises more than unseen postings
    give but is better than a guess. For a kind of post the split holds posts of
    (:data:`CALIBRATED_KINDS`), a (field, form) pair seen at least ``minimum`` times on them, higher
    or lower than every post's (whose figures leave those posts out). For a kind of post
    (:data:`KINDS`) and a pair without such a figure, one seen at least ``minimum`` times on dev's
    posts of that kind, where the kind is worse than the other kinds on dev (the upper end of its 95%
    interval below their share right) and its figure lower than the one for every post: tuned on, dev
    can only promise more than unseen posts of the kind give, so a lower figure there is a warning
    worth passing on, and a higher one is not."""
    counts = counted((split, "dev") if split != "dev" else (split,))
    figures: list[Figure] = [("", field, form, right, total, split) for (kind, field, form), (right, total)
                             in sorted(counts[split].items()) if kind == "" and total >= minimum]
    measured_forms = {form for _, field, form, *_ in figures if field == "*"}
    if split != "dev":
        figures += [("", "*", form, right, total, "dev") for (kind, field, form), (right, total) in sorted(counts["dev"].items())
                    if kind == "" and field == "*" and form not in measured_forms]
        # a kind the split holds posts of is weighed there, blind: its figure stands, higher or lower
        figures += [(kind, field, form, right, total, split) for (kind, field, form), (right, total)
                    in sorted(counts[split].items()) if kind in CALIBRATED_KINDS and total >= minimum]
    every = {("", field, form): _value(right, total) for kind, field, form, right, total, _ in figures if kind == ""}
    weighed_blind = {(kind, field, form) for kind, field, form, *_ in figures if kind}
    dev = counts["dev"]
    for (kind, field, form), (right, total) in sorted(dev.items()):
        if kind not in KINDS or total < minimum or (kind, field, form) in weighed_blind:
            continue
        # the other kinds' posts on the same split: a kind is worse only if it is so like for like,
        # beyond what its own count leaves to chance
        others = [dev[(k, field, form)] for k in OTHER_KINDS[kind] if (k, field, form) in dev]
        other_right, other_total = sum(r for r, _ in others), sum(t for _, t in others)
        if not other_total or _upper_bound(right, total) >= other_right / other_total:
            continue
        general = every_posts_figure(every, field, form)
        if general is None or round(_value(right, total), 2) < round(general, 2):
            figures.append((kind, field, form, right, total, "dev"))
    return sorted(figures, key=lambda f: (f[0], f[1] != "*", f[1], f[2]))


def _upper_bound(right: int, total: int, z: float = 1.96) -> float:
    """The upper end of the Wilson 95% interval of a precision of ``right`` in ``total``."""
    share = right / total
    centre = share + z * z / (2 * total)
    spread = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total))
    return (centre + spread) / (1 + z * z / total)


def turtle_lines(figures: list[Figure]) -> list[str]:
    """The statements of the file, one per figure (without its header)."""
    lines = []
    for kind, field, form, right, total, split in figures:
        post = f'nhskg:postKind "{kind}" ; ' if kind else ""
        record = f'nhskg:recordField "{field}" ; ' if field != "*" else ""
        stated = f"nhskg:statedAs nhskg:stated-{form} ; " if form != "*" else ""
        lines.append(f"[] {post}{record}{stated}"
                     f'nhskg:confidence "{_value(right, total):.2f}"^^xsd:decimal ; nhskg:basedOn {total} ; nhskg:measuredOn "{split}" .')
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--min", type=int, default=5, help="facts a (field, form) pair, or a form, needs for a figure of its own")
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if the file is out of date")
    parser.add_argument("--split", default=SPLIT, help=f"the gold split measured (default: {SPLIT}, never tuned on)")
    args = parser.parse_args()
    figures = measured(args.min, args.split)
    statements = turtle_lines(figures)
    if args.check:
        written = [line for line in OUT.read_text(encoding="utf-8").splitlines() if line.startswith("[]")]
        if written != statements:
            stale = sorted(set(written) ^ set(statements))
            print(f"{OUT} is out of date with the {args.split} split ({len(stale)} lines differ, e.g. {stale[0]}); "
                  "run python scripts/calibrate-confidence.py and commit it")
            sys.exit(1)
        print(f"{OUT} is current ({len(statements)} figures)")
        return
    lines = [
        "# How far extracted facts can be trusted, by record field and statement form: the",
        "# Laplace-smoothed precision, (right + 1) / (facts + 2), of such facts on the",
        f"# {args.split} split of the gold set (postings annotated blind and never tuned on), written by",
        f"# scripts/calibrate-confidence.py on {date.today().isoformat()}. Do not edit by hand: re-run the script",
        "# after changing the extractor, the vocabularies or the gold records.",
        "",
        "@prefix nhskg: <https://w3id.org/nhskg/def#> .",
        "@prefix xsd:   <http://www.w3.org/2001/XMLSchema#> .",
        "",
    ]
    print(f"{'kind of post':12} {'field':30} {'form':8} {'right':>5} {'facts':>5} confidence split")
    for kind, field, form, right, total, split in figures:
        print(f"{kind or 'every':12} {field:30} {form:8} {right:5d} {total:5d} {_value(right, total):10.2f} {split}")
    OUT.write_text("\n".join(lines + statements) + "\n", encoding="utf-8")
    load_calibration.cache_clear()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
