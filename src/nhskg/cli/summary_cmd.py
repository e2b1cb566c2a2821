"""``nhskg summary``: what every answer rests on — postings read, modelled in full, by role type,
type of organisation and source, and the dates they span.

Exit codes as every command's (``nhskg --help``): 0 printed; 1 no store (or endpoint) to read.
"""

from __future__ import annotations

import json

import click

from . import Settings, main, open_source
from .params import Choice


def _rows(title: str, header: tuple[str, str, str], rows: list[tuple[str, int, int]]) -> list[str]:
    width = max([len(header[0])] + [len(r[0]) for r in rows])
    lines = [title, f"{header[0].ljust(width)}  {header[1]:>8}  {header[2]:>16}", f"{'-' * width}  {'-' * 8}  {'-' * 16}"]
    lines += [f"{label.ljust(width)}  {postings:>8,}  {full:>16,}" for label, postings, full in rows]
    return lines + [""]


@main.command("summary")
@click.option("--format", "fmt", type=Choice(["table", "json"]), default="table", show_default=True,
              help="Readable tables, or JSON (codes as well as labels).")
@click.pass_obj
def summary(settings: Settings, fmt: str) -> None:
    """Postings read and modelled in full, by role type, organisation type and source, with their dates."""
    from ..queries.coverage import summary as graph_summary

    result = graph_summary(open_source(settings))
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
        return
    c = result.coverage
    dates = f"{c.first} to {c.last}" + (f" ({c.postings - c.dated:,} undated)" if c.dated < c.postings else "") if c.first else "none dated"
    lines = [
        "What the graph rests on",
        f"postings read      {c.postings:>8,}",
        f"modelled in full   {c.full:>8,}  (duties, reporting lines, designations and requirements; the others",
        "                              carry title, organisation, role type, pay and dates only)",
        f"dated              {dates}  (date posted, else closing date)",
        "",
        "Postings are what was advertised, not every post that exists.",
        "",
    ]
    lines += _rows("Postings by role type", ("role type", "postings", "modelled in full"),
                   [(r.label, r.postings, r.full) for r in result.by_role])
    lines += _rows("Postings by type of hiring organisation", ("organisation type", "postings", "modelled in full"),
                   [(r.label, r.postings, r.full) for r in result.by_organisation_type])
    lines += _rows("Postings by source file", ("source", "postings", "modelled in full"),
                   [(r.label, r.postings, r.full) for r in result.by_source])
    click.echo("\n".join(lines).rstrip())
