"""``nhskg extract`` and ``nhskg evaluate``: postings out of files, and how right they are."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from ..errors import echoed
from . import main
from .inputs import AGAINST, PATHS, Reading, posting_timeout_option
from .params import CURATION_WANTED, Choice, GivenPath


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _json(value: object, indent: int | None = None) -> str:
    """JSON text that any UTF-8 stream can take: a lone surrogate (from a file name that is not
    UTF-8, say) is written as its JSON escape, which reads back as the same string.

    >>> _json({"source": "caf\\udce9.txt"})
    '{"source": "caf\\\\udce9.txt"}'
    """
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text) if _LONE_SURROGATE.search(text) else text


@main.command()
@PATHS
@click.option("--format", "fmt", type=Choice(["jsonl", "json"]), default="jsonl", show_default=True,
              help="jsonl: one record per line; json: one indented array.")
@click.option("--full/--leadership-only", default=None,
              help="Read every posting in full, or (default) only leadership postings; others get title, role type, organisation, pay and dates.")
@posting_timeout_option("the others are printed")
def extract(paths: tuple[str, ...], fmt: str, full: bool | None, posting_timeout: float) -> None:
    """Print one JSON record per posting found in PATHS (files or directories).

    Files and postings that cannot be read, or whose extraction takes longer than
    --posting-timeout, are named on stderr, one line each, and the exit status is 1.
    """
    reading = Reading(paths, full=full, posting_timeout=posting_timeout)
    records = []
    for posting in reading:
        if fmt == "jsonl":
            click.echo(_json(posting.to_json()))
        else:
            records.append(posting.to_json())
    if fmt == "json":
        click.echo(_json(records, indent=2))
    if reading.skipped:
        sys.exit(1)


@main.command()
@click.argument("gold_dir", required=False,
                type=GivenPath("the gold set's folder (e.g. tests/data/gold)", exists=True, file_okay=False))
@AGAINST
@click.option("--predictions", type=GivenPath("a file of extracted records (JSON lines)", exists=True, dir_okay=False),
              help="Score these extracted records (JSON lines, as `nhskg extract --full` prints them) instead of extracting now: "
                   "how an older version of the extractor is compared with this one.")
@click.option("--split", "splits", multiple=True, help="Only these splits (dev, calibration, test); default every split.")
@click.option("--format", "fmt", type=Choice(["table", "json"]), default="table", show_default=True)
@click.option("--errors/--no-errors", "show_errors", default=False, help="List every disagreement after the tables.")
@click.option("--reviewed", is_flag=True,
              help="Score against the reviewers' decisions (accepted, rejected, corrected facts) instead of GOLD_DIR; "
                   "the postings are those the store names (or --against).")
@click.option("--decisions", "decisions_dir", type=GivenPath(CURATION_WANTED, file_okay=False), default=Path("curation"),
              show_default=True, help="With --reviewed: the curation folder.")
@posting_timeout_option("the others are scored (it is listed as not extracted)")
@click.pass_obj
def evaluate(settings, gold_dir: Path | None, against: tuple[str, ...], predictions: Path | None,  # type: ignore[no-untyped-def]
             splits: tuple[str, ...], fmt: str, show_errors: bool, reviewed: bool, decisions_dir: Path,
             posting_timeout: float) -> None:
    """Score extraction against the hand-annotated gold records in GOLD_DIR, each split on its own,
    or (--reviewed) against every decision reviewers have made.

    The test split was annotated before anyone looked at the extractor's output on it and is never
    tuned on: its table is the accuracy to expect on postings the rules have not seen.

    Files and postings that cannot be read, or whose extraction takes longer than
    --posting-timeout, are named on stderr, one line each, and the exit status is 1.
    """
    from ..extract.evaluate import evaluate_splits, load_gold_set, read_predictions

    if reviewed:
        from .review_cmd import evaluate_reviewed

        return evaluate_reviewed(settings, decisions_dir, against, predictions, fmt, show_errors, posting_timeout)
    if gold_dir is None:
        raise click.UsageError("give GOLD_DIR (the gold set, e.g. tests/data/gold), or --reviewed")
    gold = load_gold_set(gold_dir)
    reading = None
    if predictions is not None:
        predicted = read_predictions(predictions)
    else:
        if not against:
            missing = [str(p) for p in gold.sources() if not p.exists()]
            if missing:
                raise click.UsageError(f"gold sources not found: {', '.join(missing)}; run from the project folder or pass --against")
        # Every gold posting is read in full, so that each field is scored on its own rather than
        # lost whenever the role type is missed (the role_type row scores that); the leadership
        # flag is decided the same way in full and in the default reading.
        wanted = set(gold.postings) | set(gold.leadership)
        reading = Reading(against or gold.sources(), full=True, posting_timeout=posting_timeout)
        predicted = [p for p in reading if p.id in wanted]
    results = evaluate_splits(gold, predicted)
    unknown = set(splits) - set(results)
    if unknown:
        named = ", ".join(f"'{echoed(split)}'" for split in sorted(unknown))
        raise click.UsageError(f"no split named {named}; the gold set has {', '.join(results)}")
    chosen = {name: result for name, result in results.items() if not splits or name in splits}
    if fmt == "json":
        click.echo(json.dumps({name: result.to_json() for name, result in chosen.items()}, indent=2))
    else:
        for name, result in chosen.items():
            rests = dict(result.counts)
            click.echo(f"== {name} split: {result.postings} postings"
                       + (f", leadership flag on {rests['leadership']}" if rests.get("leadership") else "")
                       + (f", duty statements of {rests['duty_areas']}" if rests.get("duty_areas") else ""))
            click.echo(f"{'field':32} {'precision':>9} {'recall':>7} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
            for s in result.scores:
                click.echo(f"{s.field:32} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f} {s.true_positives:4d} {s.false_positives:4d} {s.false_negatives:4d}")
            if result.missing:
                click.echo(f"not extracted: {', '.join(result.missing)}")
            if show_errors:
                for posting_id, field, missed, spurious in result.errors:
                    click.echo(f"  {posting_id} {field}: missed {list(missed)} spurious {list(spurious)}")
            click.echo("")
    if reading is not None and reading.skipped:
        sys.exit(1)
