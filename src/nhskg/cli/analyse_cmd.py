"""``nhskg analyse``: overlap, network, gaps, compare and drift, as aligned tables or JSON.

Tables are for people: role types, duty areas and designations appear by their labels (JSON keeps
the codes), and every table ends with the postings it rests on (:mod:`nhskg.queries.coverage`), which JSON
carries under ``"based_on"``.
"""

from __future__ import annotations

import json
from typing import Any, Sequence

import click

from ..errors import NhskgError
from . import Settings, main
from .params import FLOAT, INT, Choice, Concept, FloatRange

FORMAT = click.option(
    "--format",
    "fmt",
    type=Choice(["table", "json"]),
    default="table",
    show_default=True,
    help="Readable aligned tables, or JSON for scripts and the views.",
)


REVIEWED = click.option(
    "--reviewed-only",
    is_flag=True,
    help="Count only the lines, designations, bodies and requirements a reviewer accepted or corrected "
    "(decisions in curation/, applied by the last build); the embedded store only.",
)


CONFIDENT = click.option(
    "--min-confidence",
    type=FloatRange(0, 1),
    default=None,
    help="Leave out the facts the extractor gives less confidence than this (0 to 1, e.g. 0.7): lines, "
    "designations, bodies, requirements and duty areas no reviewer accepted or corrected, and duties "
    "(scripts/confidence-reliability.py: how often facts of each confidence were right); the embedded store only.",
)


def _source(settings: Settings, reviewed_only: bool = False, min_confidence: float | None = None):
    from . import open_source

    source = open_source(settings)
    if reviewed_only:
        from ..curation.reviewed import reviewed_only as narrowed

        source = narrowed(source)
    if min_confidence is not None:
        from ..curation.confident import confident_only

        source = confident_only(source, min_confidence)
    return source


def _table(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """An aligned plain-text table under a title; long cells are cut so columns stay readable."""

    def cell(value: Any) -> str:
        if isinstance(value, float):
            return f"{value:.3f}"
        text = ", ".join(value) if isinstance(value, (tuple, list)) else "" if value is None else str(value)
        text = " ".join(text.split())
        return text if len(text) <= 90 else text[:87] + "..."

    body = [[cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(headers)]
    lines = [title, "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in body]
    if not body:
        lines.append("(none)")
    return "\n".join(lines) + "\n"


def _short(iri: str | None) -> str:
    return "" if iri is None else iri.rstrip("/").rsplit("/", 1)[-1]


def _label(code: str | None, scheme: str | None = None) -> str:
    """A concept code as a person reads it: its preferred label."""
    from ..vocabulary.labels import label_of

    return "" if not code else label_of(code, scheme)


def _name(label: str | None) -> str:
    """An organisation's name; one a posting did not name shows as such rather than as its IRI."""
    text = label or ""
    if "://" in text:
        return f"(organisation not named: {_short(text)})"
    return text


def _holder(iri: str | None) -> str:
    """A post named by its role (``.../org/x/role/chief-executive``) as the role's label; else its slug."""
    if iri and "/role/" in iri:
        return _label(_short(iri), "role-type")
    return _short(iri)


def _emit(result: Any, fmt: str, render, source: Any = None, roles: Sequence[str] = ()) -> None:
    based_on = _based_on(source, roles)
    if fmt == "json":
        data = result.to_json()
        if based_on:
            data["based_on"] = based_on
        click.echo(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True))
    else:
        click.echo("\n".join(render(result)) + (f"\n{based_on}" if based_on else ""))


def _based_on(source: Any, roles: Sequence[str]) -> str:
    if source is None:
        return ""
    from ..analyses._sparql import role_iri
    from ..queries.coverage import footer

    try:
        return footer(source, [role_iri(code) for code in roles])
    except NhskgError:
        return ""


@main.group("analyse")
def analyse() -> None:
    """Accountability analyses over the graph: overlap, network, gaps, compare."""


@analyse.command("overlap")
@click.argument("role_a", type=Concept("role-type"))
@click.argument("role_b", type=Concept("role-type"))
@click.option("--threshold", type=FLOAT, default=None, help="Least TF-IDF cosine for similar duty sentences (default 0.35).")
@FORMAT
@REVIEWED
@CONFIDENT
@click.pass_obj
def overlap_cmd(settings: Settings, role_a: str, role_b: str, threshold: float | None, fmt: str, reviewed_only: bool, min_confidence: float | None) -> None:
    """What two role types share (codes, labels or acronyms: CMO "Chief Nurse")."""
    from ..analyses.overlap import overlap
    from ..analyses.similarity import DEFAULT_THRESHOLD

    source = _source(settings, reviewed_only, min_confidence)
    result = overlap(source, role_a, role_b, threshold=DEFAULT_THRESHOLD if threshold is None else threshold)

    def render(r):
        yield f"{r.label_a} ({r.postings_a} postings) vs {r.label_b} ({r.postings_b} postings)"
        yield f"Jaccard {r.jaccard:.3f}, weighted Jaccard {r.weighted_jaccard:.3f}\n"
        yield _table(
            "Duties held jointly",
            ["holder", "partner", "posting", "duty"],
            [(_label(j.holder_role, "role-type"), _label(j.partner_role, "role-type"), _short(j.posting), j.sentence or j.text)
             for j in r.joint_duties],
        )
        yield _table(
            "Duty areas (postings of each role type with a duty of their own in the area)",
            ["area", f"postings {r.label_a}", f"postings {r.label_b}", "share a", "share b"],
            [(a.label, a.postings_a, a.postings_b, a.share_a, a.share_b) for a in r.areas],
        )
        yield _table(
            "Similar duty statements",
            ["score", r.label_a, r.label_b],
            [(p.score, f"{p.sentence_a} [{_short(p.posting_a)}]", f"{p.sentence_b} [{_short(p.posting_b)}]") for p in r.similar_statements],
        )
        yield _table(
            "Designations both hold (in different organisations)",
            ["designation", f"organisations {r.label_a}", f"organisations {r.label_b}"],
            [(d.label, [_short(o) for o in d.organisations_a], [_short(o) for o in d.organisations_b]) for d in r.shared_designations],
        )

    _emit(result, fmt, render, source, (result.role_a, result.role_b))


@analyse.command("network")
@click.option("--seed", type=INT, default=0, show_default=True, help="Seed for community detection and sampled betweenness.")
@click.option("--top", type=INT, default=20, show_default=True, help="Rows of centrality to show in the table.")
@FORMAT
@REVIEWED
@CONFIDENT
@click.pass_obj
def network_cmd(settings: Settings, seed: int, top: int, fmt: str, reviewed_only: bool, min_confidence: float | None) -> None:
    """Centrality, reporting depth and spans, split lines, cycles and duty-area communities."""
    from ..analyses.network import network

    source = _source(settings, reviewed_only, min_confidence)
    result = network(source, seed=seed)

    def render(r):
        yield f"{r.nodes} nodes, {r.edges} edges\n"
        yield _table(
            "Centrality of role types and bodies",
            ["kind", "label", "degree", "betweenness"],
            [(c.kind, c.label, c.degree, c.betweenness) for c in r.centrality[:top]],
        )
        yield _table(
            "Reporting hierarchy per organisation",
            ["organisation", "depth", "max span", "widest"],
            [(_name(h.label), h.depth, h.max_span, h.spans[0].label if h.spans else "") for h in r.hierarchies],
        )
        yield _table(
            "Posts whose managerial and professional lines differ",
            ["post", "organisation", "reports to", "professionally to"],
            [(s.label, _short(s.organisation), [_holder(m) for m in s.managerial], [_holder(p) for p in s.professional]) for s in r.split_lines],
        )
        yield _table("Reporting cycles (data errors)", ["cycle"], [(" -> ".join(_short(p) for p in c),) for c in r.cycles])
        yield _table("Duty areas held together", ["community", "areas"],
                     [(i + 1, [_label(a, "duty-area") for a in c]) for i, c in enumerate(r.communities)])

    _emit(result, fmt, render, source)


@analyse.command("gaps")
@FORMAT
@REVIEWED
@CONFIDENT
@click.pass_obj
def gaps_cmd(settings: Settings, fmt: str, reviewed_only: bool, min_confidence: float | None) -> None:
    """Statutory designations no post holds or several claim; duty areas several roles claim."""
    from ..analyses.gaps import gaps

    source = _source(settings, reviewed_only, min_confidence)
    result = gaps(source)

    def render(r):
        yield _table(
            "Statutory designations per organisation",
            ["organisation", "held by nobody", "claimed by two posts at once"],
            [
                (_name(o.label), [d.label for d in o.missing],
                 [f"{c.label} ({' / '.join(h.label for h in c.holders)})" for c in o.conflicts])
                for o in r.organisations
            ],
        )
        yield _table(
            "Duty areas claimed by several roles at one organisation",
            ["organisation", "area", "roles (duties)"],
            [(_name(c.organisation_label), _label(c.area, "duty-area"), [f"{_label(x.role, 'role-type')} ({x.duties})" for x in c.claimants])
             for c in r.area_conflicts],
        )

    _emit(result, fmt, render, source)


@analyse.command("compare")
@click.argument("org_a")
@click.argument("org_b")
@click.option("--differences", is_flag=True, help="Show only rows where the two organisations differ.")
@FORMAT
@REVIEWED
@CONFIDENT
@click.pass_obj
def compare_cmd(settings: Settings, org_a: str, org_b: str, differences: bool, fmt: str, reviewed_only: bool, min_confidence: float | None) -> None:
    """Which role holds which duty areas and designations in two organisations (name, slug or IRI)."""
    from ..analyses.compare import compare

    source = _source(settings, reviewed_only, min_confidence)
    result = compare(source, org_a, org_b)

    def render(r):
        rows = [row for row in r.rows if row.differs or not differences]
        yield _table(
            f"{r.label_a} vs {r.label_b}",
            ["", "", r.label_a[:40], r.label_b[:40]],
            [(row.kind, row.label, [_label(x, "role-type") for x in row.roles_a] or "-",
              [_label(x, "role-type") for x in row.roles_b] or "-") for row in rows],
        )

    _emit(result, fmt, render, source)


@analyse.command("drift")
@click.argument("role", type=Concept("role-type"))
@click.option("--by", type=Choice(["year", "month"]), default="year", show_default=True,
              help="The period postings are grouped by (a posting is dated by its date posted, else its closing date).")
@FORMAT
@REVIEWED
@CONFIDENT
@click.pass_obj
def drift_cmd(settings: Settings, role: str, by: str, fmt: str, reviewed_only: bool, min_confidence: float | None) -> None:
    """How ROLE's duty areas change over time, and duties moving to or from other role types (ROLE: a code, label or acronym)."""
    from ..analyses.drift import drift
    from ..analyses.overlap import resolve_role

    source = _source(settings, reviewed_only, min_confidence)
    role = resolve_role(source, role)
    result = drift(source, role, by=by)

    def render(r):
        yield f"{_label(role, 'role-type')}: {r.postings} postings ({r.undated} undated); per {by}: " + (
            ", ".join(f"{p} {n}" for p, n in r.periods) or "none dated")
        yield ""
        yield _table(
            f"Share of postings claiming each duty area, by {by}",
            [by, "area", "claiming", "postings", "share"],
            [(s.period, s.label, s.claiming, s.postings, s.share) for s in r.shares],
        )
        yield _table(
            "Successive postings of the same post (same organisation, role type and scope, or across a change event)",
            ["organisation", "from", "to", "dropped", "gained", "via change"],
            [(_name(s.organisation_label), f"{s.earlier_date} {_short(s.earlier)}", f"{s.later_date} {_short(s.later)}",
              s.dropped or "-", s.gained or "-", _short(s.change)) for s in r.steps],
        )
        yield _table(
            "Duty areas that moved between role types within an organisation",
            ["organisation", "area", "from", "to", "dropped by", "claimed by"],
            [(_name(m.organisation_label), m.label, _label(m.from_role, "role-type"), _label(m.to_role, "role-type"),
              f"{m.dropped_date} {_short(m.dropped_in)}",
              f"{m.to_date} {_short(m.to_posting)}") for m in r.moves],
        )
        if r.warnings:
            yield _table(
                "Postings dated before their organisation was formed (check the date)",
                ["posting", "dated", "organisation", "formed"],
                [(_short(w.posting), w.as_of, _short(w.organisation), w.formed) for w in r.warnings],
            )

    _emit(result, fmt, render, source, (role,))
