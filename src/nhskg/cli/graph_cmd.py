"""``nhskg build``, ``validate``, ``export`` and ``docs``: the graph stage on the command line.

Exit codes as every command's (``nhskg --help``): 1 when something was skipped, the graph violates
the shapes, or the store, a vocabulary or an input (``--strict``) is at fault; 2 a usage mistake.
"""

from __future__ import annotations

import contextlib
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from ..errors import NhskgError
from . import Settings, main
from .inputs import PATHS, posting_timeout_option
from .params import INT, ExportFile, GivenPath, StoreDir

#: What to give instead of an empty ``build --decisions``.
_DECISIONS_WANTED = "the curation folder, or leave --decisions out for curation/ of the working folder"

#: Show a progress bar only when a build has more documents than this.
_PROGRESS_OVER = 5


def _renamed(new: str) -> "Callable[[click.Context, click.Parameter, Any], Any]":
    """A hidden option's callback: a one-line notice that it is now called ``new``."""

    def notice(ctx: click.Context, param: click.Parameter, value: Any) -> Any:
        if ctx.get_parameter_source(param.name or "") == click.core.ParameterSource.COMMANDLINE:
            click.echo(f"note: {param.opts[0]} is now {new}; the old name will go", err=True)
        return value

    return notice


def _store(settings: Settings, store: Path | None) -> Path:
    return store if store is not None else settings.store


def _print_validation(report, limit: int) -> None:  # type: ignore[no-untyped-def]
    click.echo(report.summary(), err=True)
    shown = (report.violations + report.warnings)[:limit]
    for result in shown:
        value = f" (value {result.value})" if result.value else ""
        click.echo(f"  {result.severity}: {result.focus_label} <{result.focus}>"
                   f"{' ' + result.path if result.path else ''}: {result.message}{value}", err=True)
    hidden = len(report.violations) + len(report.warnings) - len(shown)
    if hidden > 0:
        click.echo(f"  ... and {hidden} more (use --limit N to see them)", err=True)


@main.command()
@PATHS
@click.option("--store", "store", type=StoreDir(), default=None,
              help="Store directory to build into (overrides the global --store).")
@click.option("--base", "base", default=None, help="Base namespace for instance IRIs (overrides the global --base).")
@click.option("--export", "export_to", type=ExportFile(), default=None,
              help="Also export the built graph to FILE (.ttl, .nt, .nq, .trig or .jsonld; checked before the build).")
@click.option("--full/--leadership-only", "full", default=False, show_default=True,
              help="Model duties, requirements and reporting lines of every posting, or of leadership postings only.")
@click.option("--all-postings-full", "old_full", is_flag=True, hidden=True, callback=_renamed("--full"),
              help="The old name of --full.")
@click.option("--strict", is_flag=True, help="Fail (and keep the previous store) if any file or record cannot be read.")
@click.option("--no-validate", is_flag=True, help="Skip the SHACL validation after building.")
@click.option("--fresh", is_flag=True, help="Start from an empty store instead of updating the current one.")
@click.option("--decisions", "decisions_dir", type=GivenPath(_DECISIONS_WANTED, exists=True, file_okay=False), default=None,
              help="Apply the reviewers' decisions in this folder (default: curation/ in the working folder, if there is one).")
@click.option("--no-decisions", is_flag=True, help="Build from the extractor's output alone, applying no decisions.")
@posting_timeout_option("the rest is built")
@click.pass_obj
def build(settings: Settings, paths: tuple[str, ...], store: Path | None, base: str | None,
          export_to: Path | None, full: bool, old_full: bool, strict: bool, no_validate: bool, fresh: bool,
          decisions_dir: Path | None, no_decisions: bool, posting_timeout: float) -> None:
    """Read posting files (PATH...: files or folders), extract them and build the graph store."""
    from ..pipeline.build import BuildInterrupted, build as run_build
    from ..pipeline.report import replaced_lines
    from ..curation.apply import applying
    from ..curation.folder import open_decisions
    from ..graph.store import GraphStore
    from ..graph.writer import StoreWriter, Writer

    store_dir = _store(settings, store)
    decisions = None if no_decisions else open_decisions(decisions_dir)
    in_force = contextlib.ExitStack()
    session = in_force.enter_context(applying(decisions))
    bar = None

    def progress(done: int, total: int | None) -> None:
        # A large build writes as it reads: until the reader has reached the end of the input the
        # total is an estimate, or None (count and rate only) for the moment it takes to make one.
        nonlocal bar
        if bar is None:
            if (done if total is None else total) <= _PROGRESS_OVER:
                return
            from tqdm import tqdm

            bar = tqdm(total=total, unit="posting", file=sys.stderr, leave=False)
        if total is not None and bar.total != total:
            bar.total = total
        bar.update(done - bar.n)

    interrupted = False  # by Ctrl-C once the build was live, before it was counted and validated
    writer: Writer
    try:
        if settings.endpoint:
            from ..graph.endpoint import EndpointWriter
            from ..sparql.endpoint import EndpointSource

            if export_to is not None or fresh:
                raise click.UsageError("--export and --fresh work on the embedded store, not with --endpoint")
            writer = EndpointWriter(EndpointSource.from_settings(settings.endpoint), base=base or settings.base)
        else:
            writer = StoreWriter(store_dir, base=base or settings.base, fresh=fresh)
        report = run_build(list(paths), writer=writer, full=True if full or old_full else None, strict=strict,
                           validate=not no_validate, progress=progress, posting_timeout=posting_timeout)
    except BuildInterrupted as stop:
        report, interrupted = stop.report, True  # said after the report, below
    except KeyboardInterrupt:
        # One line, not a traceback: the library has already put everything back as it was.
        if bar is not None:
            bar.close()
            bar = None
        if settings.endpoint:
            where = "the postings already sent to the endpoint stay there; build again to finish"
        else:
            where = f"the previous store in {store_dir} is unchanged"
        click.echo(f"interrupted: the build stopped; {where}", err=True)
        sys.exit(130)
    finally:
        if bar is not None:
            bar.close()
        in_force.close()
    # The build is committed: what goes wrong from here on is the export's alone, said after the report.
    export_interrupted, export_failed = False, ""
    if export_to is not None and not interrupted and report.committed:
        try:
            GraphStore.open(store_dir).export(export_to, base=base or settings.base)
        except KeyboardInterrupt:
            export_interrupted = True
        except NhskgError as error:
            export_failed = str(error)
    click.echo(report.summary().splitlines()[0], err=True)
    for problem in report.problems:
        click.echo(f"  {problem.kind} {problem}", err=True)
    for line in replaced_lines(report.replaced):
        click.echo(f"  {line}", err=True)
    if session is not None and (len(session.decisions) or decisions_dir is not None):
        click.echo(session.report().summary(), err=True)
    if report.validation is not None:
        _print_validation(report.validation, 20)
    where = f"--endpoint {report.store}" if settings.endpoint else f"--store {shlex.quote(str(store_dir))}"
    export_again = f"`nhskg {where} export {shlex.quote(str(export_to))}`"
    if interrupted:
        unfinished = "its validation" if not no_validate else "counting its triples"
        export = f"; the export was not written: run {export_again}" if export_to else ""
        check = f"; check it with `nhskg {where} validate`" if not no_validate else ""
        click.echo(f"interrupted: the build was committed ({report.store} holds it), but {unfinished} did not finish"
                   f"{check}{export}", err=True)
        sys.exit(130)
    if export_interrupted:
        click.echo(f"interrupted: the build was committed ({report.store} holds it), but the export to {export_to}"
                   f" was not written; run {export_again}", err=True)
        sys.exit(130)
    if export_failed:
        click.echo(f"error: the build was committed ({report.store} holds it); only the export to {export_to} failed:"
                   f" {export_failed}; then run {export_again}", err=True)
        sys.exit(1)
    if export_to is not None and not report.committed:
        click.echo(f"the export to {export_to} was not written: the build replaced nothing", err=True)
    elif export_to is not None:
        click.echo(f"exported to {export_to}", err=True)
    sys.exit(0 if report.ok else 1)


@main.command()
@click.option("--store", "store", type=StoreDir(), default=None,
              help="Store directory to validate (overrides the global --store).")
@click.option("--limit", type=INT, default=50, show_default=True, help="Show at most this many results.")
@click.option("--all", "all_postings", is_flag=True,
              help="Check every posting, not only the leadership postings (about a minute on the 2020 corpus).")
@click.pass_obj
def validate(settings: Settings, store: Path | None, limit: int, all_postings: bool) -> None:
    """Check the graph against ontology/shapes.ttl; exit 1 on violations (warnings alone exit 0).

    By default the ontology and the postings modelled in full are checked; --all checks every posting.
    """
    from ..graph.store import GraphStore
    from ..graph.validate import validate as run_validate

    if settings.endpoint:
        from ..graph.endpoint import validate_endpoint
        from ..sparql.endpoint import EndpointSource

        report = validate_endpoint(EndpointSource.from_settings(settings.endpoint), base=settings.base)
    else:
        report = run_validate(GraphStore.open(_store(settings, store)), scope="all" if all_postings else "leadership")
    _print_validation(report, limit)
    sys.exit(0 if report.conforms else 1)


@main.command()
@click.argument("file", type=GivenPath("a file to export to (e.g. graph.ttl)", dir_okay=False), required=False)
@click.option("--store", "store", type=StoreDir(), default=None,
              help="Store directory to export (overrides the global --store).")
@click.option("--tables", "tables", type=GivenPath("a folder for the CSV tables", file_okay=False), default=None,
              help="Also write one CSV per main table (posts, lines, designations, duties, requirements) "
                   "and a README.txt into this folder, for spreadsheets.")
@click.option("--iris", is_flag=True, help="Full IRIs in the --tables CSVs instead of codes and data: paths.")
@click.pass_obj
def export(settings: Settings, file: Path | None, store: Path | None, tables: Path | None, iris: bool) -> None:
    """Write the graph to FILE; the extension picks the format (.ttl, .nt, .nq, .trig, .jsonld, or
    .graphml: the accountability network for Gephi). --tables DIR writes spreadsheet tables."""
    from ..graph.store import GraphStore

    if file is None and tables is None:
        raise click.UsageError("give a FILE to write (.ttl, .nt, .nq, .trig, .jsonld, .graphml), --tables DIR, or both")
    graph = GraphStore.open(_store(settings, store))
    if file is not None and file.suffix.lower() == ".graphml":
        from ..views.tables import write_graphml

        write_graphml(graph.source(), file)
    elif file is not None:
        graph.export(file, base=settings.base)
    if tables is not None:
        from ..views.tables import write_tables

        written = write_tables(graph.source(), tables, iris=iris, base=settings.base)
    if file is not None:
        click.echo(f"exported to {file}", err=True)
    if tables is not None:
        click.echo(f"wrote {', '.join(p.name for p in written)} in {tables}", err=True)


@main.command()
@click.option("--out", "out", type=GivenPath("a folder for the documentation (default docs/ontology)", file_okay=False),
              default=Path("docs/ontology"),
              show_default=True, help="Folder to write index.html into.")
@click.pass_obj
def docs(settings: Settings, out: Path) -> None:
    """Generate HTML documentation of the ontology and every concept scheme."""
    from ..vocabulary.ontology_docs import write_docs

    path = write_docs(out)
    click.echo(f"wrote {path}", err=True)
