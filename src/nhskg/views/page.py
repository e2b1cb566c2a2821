"""Table and chart pages: a Jinja template, the shared CSS and JavaScript inline, the view's data as JSON.

The page draws itself in the browser from the JSON (``<script type="application/json">``, with
``< > &`` escaped so that nothing in a posting can end the block), and builds every element with
``textContent``, never ``innerHTML``: text from postings stays text. Nothing is fetched: the CSS
and the scripts (``templates/common.js``, ``templates/chart.js``) are written into the page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable, Mapping

from markupsafe import Markup

from .facts import Evidence, Facts

__all__ = ["Page", "render_page", "write_page", "evidence_json", "postings_json", "plural", "FILTER_LABELS"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: How a page names the CLI filters it was drawn with.
FILTER_LABELS = {
    "organisation": "organisation",
    "organisations": "organisations",
    "role": "role type",
    "role_a": "first role type",
    "role_b": "second role type",
    "by": "periods",
}


@dataclass(frozen=True)
class Page:
    """One page: its file stem, template, heading, data and what it is based on."""

    name: str
    template: str
    title: str
    description: str
    data: Mapping[str, Any]
    note: str = ""
    filters: Mapping[str, str] = field(default_factory=dict)
    summary: str = ""
    question: str = ""  # the designer's question the page answers, as the index lists it
    based_on: str = ""  # what the page rests on: "based on 91 postings (82 modelled in full), dated ..."


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 chart``, ``2 charts``, ``3 organisations whose``...

    >>> plural(1, "chart"), plural(2, "chart"), plural(2, "body", "bodies")
    ('1 chart', '2 charts', '2 bodies')
    """
    return f"{count} {one if count == 1 else many or one + 's'}"


def evidence_json(evidence: Iterable[Evidence]) -> list[list[str]]:
    """Evidence as ``[sentence, posting key]`` pairs, sorted and without repeats, with a third item
    saying how sure the extractor is where the fact carries a confidence ("stated in passing;
    confidence 0.72 (less sure)"), for the page to show beside the sentence."""
    return [e.as_json() for e in sorted(set(evidence))]


def _money(value: float | None) -> str:
    return f"\u00a3{value:,.0f}" if value is not None else ""


def postings_json(facts: Facts, keys: Iterable[str]) -> dict[str, dict[str, Any]]:
    """What the details panel says about each posting it cites."""
    out = {}
    for key in sorted(set(keys)):
        posting = facts.postings.get(key)
        if posting is None:
            continue
        if posting.salary_min is not None and posting.salary_max is not None and posting.salary_min != posting.salary_max:
            salary = f"{_money(posting.salary_min)} to {_money(posting.salary_max)}"
        else:
            salary = _money(posting.salary_min if posting.salary_min is not None else posting.salary_max)
        out[key] = {
            "title": posting.title or "untitled posting",
            "organisation": facts.organisation_name(posting.organisation),
            "org": posting.organisation,
            "posted": posting.date_posted,
            "closing": posting.valid_through,
            "salary": salary,
            "ref": posting.identifier,
            "url": posting.url,
        }
    return out


@lru_cache(maxsize=None)
def asset(name: str) -> str:
    """A shared script or style sheet from ``templates/``."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


def render_page(page: Page) -> str:
    """The whole page as a string: the same page gives the same bytes."""
    from . import facts
    from .html import _environment, script_json

    filters = [(FILTER_LABELS.get(k, k.replace("_", " ")), v) for k, v in sorted(page.filters.items())]
    return _environment().get_template(page.template).render(
        name=page.name,
        title=page.title,
        description=page.description,
        note=page.note,
        filters=filters,
        summary=page.summary,
        based_on=page.based_on,
        data_json=Markup(script_json(page.data)),
        common_css=Markup(asset("common.css")),
        common_js=Markup(asset("common.js")),
        chart_js=Markup(asset("chart.js")),
        weak_below=facts.WEAK_BELOW,  # below it a fact is drawn as less sure; the legend says so
    )


def write_page(page: Page, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_page(page), encoding="utf-8", newline="\n")
    return path
