"""Issue 15: every table, analysis and view says how many postings it rests on, and ``nhskg summary``
(and ``nhskg.summary()``, which the index page uses) breaks them down; people read labels."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

import nhskg
from nhskg.cli import main
from nhskg.queries.coverage import coverage

FOOTER = "based on 91 postings (85 modelled in full), dated 2015-08-14 to 2025-10-15 (2 undated)"


@pytest.fixture(autouse=True)
def _real_vocabulary(real_home):  # type: ignore[no-untyped-def]
    yield


def run(store: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["--store", str(store), *args])


def test_the_seeds_coverage(seeds_source) -> None:  # type: ignore[no-untyped-def]
    assert coverage(seeds_source).footer() == FOOTER


def test_summary_in_labels(seeds_store: Path) -> None:
    result = run(seeds_store, "summary")
    assert result.exit_code == 0, result.output
    text = result.output
    assert "postings read            91" in text and "modelled in full         85" in text
    assert "dated              2015-08-14 to 2025-10-15 (2 undated)" in text
    assert "Director of Nursing" in text and "NHS Foundation Trust" in text
    # a person reads labels, not codes or IRIs (the source files are file names)
    assert "director-of-nursing" not in text and "nhs-foundation-trust" not in text and "https://" not in text


def test_summary_json_and_the_api_agree(seeds_store: Path) -> None:
    data = json.loads(run(seeds_store, "summary", "--format", "json").output)
    assert data == json.loads(json.dumps(nhskg.summary(seeds_store).to_json()))
    roles = {r["code"]: r for r in data["by_role"]}
    assert roles["director-of-nursing"] == {"code": "director-of-nursing", "label": "Director of Nursing", "postings": 2, "full": 2}
    # leadership is decided per posting: four of the five uncoded titles lead a function at director
    # level ("Director of Charities"); the Deputy Service Director - Band 8b is recorded, not modelled
    assert roles["other"] == {"code": "other", "label": "Other role", "postings": 5, "full": 4}
    assert sum(r["postings"] for r in data["by_organisation_type"]) == 91
    assert sum(r["postings"] for r in data["by_source"]) == 91


def test_query_tables_end_with_the_footer(seeds_store: Path) -> None:
    lines = run(seeds_store, "query", "duties-by-area", "-p", "role=Director of Nursing").output.splitlines()
    assert lines[-1] == FOOTER + "; Director of Nursing: 2 postings (2 in full)"
    # a table about the Chief Nurse rests on the Directors of Nursing' postings too (a kind of Chief Nurse)
    lines = run(seeds_store, "query", "duties-by-area", "-p", "role=Chief Nurse").output.splitlines()
    assert lines[-1] == FOOTER + "; Chief Nurse: 2 postings (2 in full)"


@pytest.mark.parametrize("command", [["gaps"], ["network"], ["drift", "CMO"], ["compare", "BARDOC", "Betsi Cadwaladr University Local Health Board"]])
def test_analyses_end_with_the_footer(seeds_store: Path, command: list[str]) -> None:
    result = run(seeds_store, "analyse", *command)
    assert result.exit_code == 0, result.output
    assert result.output.rstrip().splitlines()[-1].startswith(FOOTER)
    assert "https://" not in result.output


def test_views_and_the_index_say_what_they_rest_on(seeds_store: Path, tmp_path: Path) -> None:
    result = run(seeds_store, "render", "all", "--out", str(tmp_path))
    assert result.exit_code == 0, result.output
    for name in ("reporting.html", "roles.html", "designations.html"):
        assert f"This page is {FOOTER}" in (tmp_path / name).read_text(encoding="utf-8")
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<th>postings modelled in full (leadership postings)</th><td class=\"n\">85</td>" in index
    assert "<th>postings dated</th>" in index
    assert "<td>Director of Nursing</td><td class=\"n\">2</td>" in index
