"""``nhskg review``: the facts worth a reviewer's look, weakest first, and ``review decide`` to record a decision.

Exit codes as every command's (``nhskg --help``): 0 done; 1 no store, or a decision file that cannot
be read or written; 2 a bad argument (an unknown fact id, field or code, a name that cannot name a file).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path

import click

from ..errors import UnknownName, echoed
from . import Settings, main, open_source
from .params import CURATION_WANTED, Choice, GivenPath, IntRange

_DECISIONS = click.option(
    "--decisions", "decisions_dir", type=GivenPath(CURATION_WANTED, file_okay=False), default=Path("curation"),
    show_default=True, help="The curation folder: one decision file per reviewer (<name>.csv).")


def _table(facts) -> str:  # type: ignore[no-untyped-def]
    """Labels, not codes: what a person reads to decide."""
    headers = ("id", "posting", "fact", "conf.", "status", "why look", "evidence")
    rows = []
    for f in facts:
        confidence = "" if f.confidence is None else f"{f.confidence:.2f}"
        posting = f"{f.post_label or f.posting_id} ({f.organisation or 'no organisation named'})"
        rows.append((f.id, posting, f.value, confidence, f.shown_status, "; ".join(f.flags), f.sentence))

    def cut(text: str, width: int) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 3] + "..."

    widths = (8, 36, 40, 5, 20, 36, 90)
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(cut(v, w).ljust(w) for v, w in zip(row, widths)).rstrip() for row in rows]
    return "\n".join(lines) + "\n" if rows else "no facts to review\n"


#: CSV columns: labels first (for a spreadsheet), then the codes a decision file uses.
_CSV = ("fact", "posting_id", "posting", "organisation", "relation", "value", "label_as_written", "sentence",
        "confidence", "stated", "status", "why_look", "field", "code", "evidence")


def _csv(facts) -> str:  # type: ignore[no-untyped-def]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_CSV)
    for f in facts:
        writer.writerow((f.id, f.posting_id, f.post_label, f.organisation, f.field_label, f.value_label or f.code,
                         f.label_as_written, f.sentence, "" if f.confidence is None else f"{f.confidence:.2f}", f.stated,
                         f.shown_status, "; ".join(f.flags), f.field, f.code, f.evidence))
    return buffer.getvalue()


@main.group("review", invoke_without_command=True)
@click.option("--status", type=Choice(["unreviewed", "decided", "accepted", "corrected", "all"]), default="unreviewed",
              show_default=True, help="unreviewed: nothing decided yet; decided: written in the curation folder, "
              "not yet built; accepted / corrected: as the graph says; all.")
@click.option("--field", "fields", multiple=True,
              help="Only facts of this field (e.g. designations, 'works with', 'duty area'); repeatable.")
@click.option("--posting", "posting_id", default=None, help="Only the facts of this posting id.")
@click.option("--limit", type=IntRange(min=0), default=50, show_default=True, help="Show at most this many (0: all).")
@click.option("--format", "fmt", type=Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--shacl/--no-shacl", default=True, show_default=True,
              help="Validate the graph first, so facts that break a SHACL rule come early (a few seconds).")
@_DECISIONS
@click.pass_context
def review(ctx: click.Context, status: str, fields: tuple[str, ...], posting_id: str | None, limit: int, fmt: str,
           shacl: bool, decisions_dir: Path) -> None:
    """List extracted facts for review, weakest first, with the sentence each was read from.

    Record a decision with `nhskg review decide FACT accept|reject|correct`, or on the page of
    `nhskg serve` (/review). The next `nhskg build` applies every decision in the curation folder.
    """
    if ctx.invoked_subcommand is not None:
        return
    from ..curation.decisions import resolve_field
    from ..curation.folder import load_decisions
    from ..review.queue import review_queue

    settings: Settings = ctx.obj
    wanted = tuple(resolve_field(f) for f in fields)
    source = open_source(settings)
    validation = None
    if shacl and not settings.endpoint:
        from ..graph.store import GraphStore
        from ..graph.validate import validate

        validation = validate(GraphStore.open(settings.store))
    facts = review_queue(source, load_decisions(decisions_dir), status=status, fields=wanted,
                         posting_id=posting_id, validation=validation)
    shown = facts[:limit] if limit else facts
    if fmt == "json":
        click.echo(json.dumps([f.to_json() for f in shown], indent=2, ensure_ascii=False))
    elif fmt == "csv":
        click.echo(_csv(shown), nl=False)
    else:
        click.echo(_table(shown), nl=False)
        if len(shown) < len(facts):
            click.echo(f"... {len(facts) - len(shown)} more (--limit 0 shows all)", err=True)


@review.command("decide")
@click.argument("fact")
@click.argument("decision", type=Choice(["accept", "reject", "correct"]))
@click.option("--field", "to_field", default=None,
              help="correct: the right field (name or label: 'accountable to', works_with...); default the fact's own.")
@click.option("--code", "to_code", default=None,
              help="correct: the right code or label (chief-executive, 'Chief Executive', 'Workforce'); default the fact's own.")
@click.option("--reviewer", envvar="NHSKG_REVIEWER", required=True, help="Who decides (env NHSKG_REVIEWER).")
@click.option("--note", default="", help="Why, for the next reader.")
@_DECISIONS
@click.pass_obj
def decide(settings: Settings, fact: str, decision: str, to_field: str | None, to_code: str | None, reviewer: str,
           note: str, decisions_dir: Path) -> None:
    """Record DECISION about FACT (its id from `nhskg review`) in the reviewer's file in the curation folder."""
    from ..curation.decisions import Decision, now, resolve_code, resolve_field
    from ..curation.folder import record_decision
    from ..review.queue import review_queue
    from ..vocabulary.vocab import load_vocabulary

    if decision != "correct" and (to_field or to_code):
        raise click.UsageError("--field and --code go with correct")
    if decision == "correct" and not (to_field or to_code):
        raise click.UsageError("correct needs --field, --code or both: what the fact should be")
    matches = [f for f in review_queue(open_source(settings), status="all") if f.id.startswith(fact.strip().lower())]
    if len(matches) != 1:
        raise UnknownName(f"no fact with the id '{echoed(fact)}' in the graph (see `nhskg review`)" if not matches
                          else f"'{echoed(fact)}' names {len(matches)} facts; give more of the id")
    found = matches[0]
    field = resolve_field(to_field) if to_field else found.field
    if (found.field == "duty_areas") != (field == "duty_areas"):
        raise click.UsageError("a duty area can only be corrected to another duty area (give --code, a duty area), "
                               "and a line, designation, body or requirement not to one")
    code = resolve_code(load_vocabulary(), field, to_code) if to_code else found.code
    if decision == "correct" and (field, code) == (found.field, found.code):
        raise click.UsageError("that correction is the fact as read: use accept")
    made = Decision(found.posting_id, found.field, found.code, found.evidence, decision,
                    field if decision == "correct" else "", code if decision == "correct" else "",
                    reviewer, now(), " ".join(note.split()))
    path = record_decision(decisions_dir, made)
    click.echo(f"{made.describe()}: written to {path}; the next `nhskg build` applies it", err=True)


def evaluate_reviewed(settings: Settings, decisions_dir: Path, against: tuple[str, ...], predictions: Path | None,
                      fmt: str, show_errors: bool, posting_timeout: float | None) -> None:
    """``nhskg evaluate --reviewed``: the extractor against the decisions in ``decisions_dir``."""
    from ..curation.folder import load_decisions
    from ..curation.score import evaluate_reviewed as score
    from ..extract.evaluate import read_predictions
    from .inputs import Reading

    decisions = load_decisions(decisions_dir)
    if not len(decisions):
        raise click.UsageError(f"no decisions in {decisions_dir}: review facts first (`nhskg review`, or /review of `nhskg serve`)")
    reading = None
    if predictions is not None:
        predicted = read_predictions(predictions)
    else:
        paths = list(against) or _decided_sources(settings, set(decisions.by_posting))
        if not against:
            missing = [str(p) for p in paths if not Path(p).exists()]
            if missing:
                raise click.UsageError(f"posting files not found: {', '.join(missing)}; run from the project folder or pass --against")
        # read in full, as the gold set is: a fact is scored whatever the leadership filter says
        reading = Reading(paths, full=True, posting_timeout=posting_timeout)
        predicted = [p for p in reading if p.id in decisions.by_posting]
    result = score(decisions, predicted)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        evaluation = result.evaluation
        click.echo(f"== reviewed facts: {result.decisions} decision(s) from {decisions_dir}, {evaluation.postings} posting(s) scored, "
                   f"{len(result.stale)} stale decision(s) not scored")
        click.echo(f"{'field':32} {'precision':>9} {'recall':>7} {'F1':>6} {'tp':>4} {'fp':>4} {'fn':>4}")
        for s in evaluation.scores:
            click.echo(f"{s.field:32} {s.precision:9.3f} {s.recall:7.3f} {s.f1:6.3f} {s.true_positives:4d} "
                       f"{s.false_positives:4d} {s.false_negatives:4d}")
        if evaluation.missing:
            click.echo(f"not extracted: {', '.join(evaluation.missing)}")
        for stale in result.stale:
            click.echo(f"stale: {stale}", err=True)
        if show_errors:
            for posting_id, field, missed, spurious in evaluation.errors:
                click.echo(f"  {posting_id} {field}: missed {list(missed)} spurious {list(spurious)}")
    if reading is not None and reading.skipped:
        sys.exit(1)


def _decided_sources(settings: Settings, ids: set[str]) -> list[Path]:
    """The files the store says the decided postings were read from."""
    query = ("SELECT DISTINCT ?id ?file WHERE { ?posting <https://schema.org/identifier> ?id ; "
             "<https://w3id.org/nhskg/def#sourceFile> ?file }")
    rows = open_source(settings).select(query).rows
    return [Path(f) for f in sorted({str(file) for posting_id, file in rows if str(posting_id) in ids})]
