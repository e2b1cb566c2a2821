"""Issue 15: the graph for spreadsheets (``nhskg export --tables DIR``) and for Gephi (``.graphml``)."""

from __future__ import annotations

import csv
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner

from nhskg.cli import main
from nhskg.extract.duty_model import load_duty_model
from nhskg.views.tables import TABLES


@pytest.fixture(autouse=True)
def _real_vocabulary(real_home):  # type: ignore[no-untyped-def]
    yield


def read(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_tables_for_spreadsheets(seeds_store: Path, tmp_path: Path) -> None:
    out = tmp_path / "tables"
    result = CliRunner().invoke(main, ["--store", str(seeds_store), "export", "--tables", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{t}.csv" for t in TABLES] + ["README.txt"])
    posts = read(out / "posts.csv")
    assert len(posts) == 91 and sum(p["modelled_in_full"] == "true" for p in posts) == 85
    seed = next(p for p in posts if p["posting_id"] == "001_409df43c28ff9e57")
    assert (seed["role"], seed["role_label"], seed["scope"], seed["organisation_label"]) == (
        "chief-medical-officer", "Chief Medical Officer", "region", "NHS England")
    lines = read(out / "lines.csv")
    assert {(r["posting_id"], r["line"], r["other_role"]) for r in lines} >= {
        ("001_409df43c28ff9e57", "reports to", "regional-director"),
        ("001_409df43c28ff9e57", "professionally accountable to", "national-medical-director"),
        ("916255246", "deputises for", "chief-nurse"),
    }
    designations = read(out / "designations.csv")
    assert ("000_ceef7d63af8bb6ec", "caldicott-guardian", "Caldicott Guardian") in {
        (r["posting_id"], r["designation"], r["designation_label"]) for r in designations}
    duties = read(out / "duties.csv")
    assert any(r["area"] == "patient-safety" and r["jointly_with"] == "chief-nurse" for r in duties)
    requirements = read(out / "requirements.csv")
    assert any(r["role"] == "chief-medical-officer" and r["requirement"] == "gmc-registration" and r["essential"] == "true"
               for r in requirements)
    for name in TABLES:  # codes and data: paths, not IRIs
        assert "https://" not in (out / f"{name}.csv").read_text(encoding="utf-8")
    readme = (out / "README.txt").read_text(encoding="utf-8")
    assert "The tables are based on 91 postings (85 modelled in full)" in readme


def test_every_fact_in_the_tables_says_how_sure_the_extractor_is(seeds_store: Path, tmp_path: Path) -> None:
    """Issue 13, point 6: an analyst filtering a spreadsheet can leave out the weak facts."""
    out = tmp_path / "tables"
    result = CliRunner().invoke(main, ["--store", str(seeds_store), "export", "--tables", str(out)])
    assert result.exit_code == 0, result.output
    figures: set[str] = set()
    for name in ("lines", "designations", "requirements"):
        rows = read(out / f"{name}.csv")
        assert rows and all(0 <= float(r["confidence"]) <= 1 and r["stated_as"] for r in rows), name
        figures |= {r["confidence"] for r in rows}
        if name != "designations":  # dev measures designations stated directly and in passing alike (0.96)
            assert len({r["confidence"] for r in rows}) > 1, name
    assert len(figures) > 2  # not one figure for everything
    duties = read(out / "duties.csv")
    # each advert is read with the thresholds of its kind (leadership-level title or not)
    kinds = [m for m in (load_duty_model(), load_duty_model().below) if m is not None]
    lowest_duty, lowest_keep = min(m.duty_threshold for m in kinds), min(m.keep_threshold for m in kinds)
    assert duties and all(lowest_duty <= float(r["duty_confidence"]) <= 1 for r in duties)
    assert all((r["area"] == "") == (r["area_confidence"] == "") for r in duties)
    chances = [float(r["area_confidence"]) for r in duties if r["area_confidence"]]
    # from areas the vocabulary names that the model doubts (kept from the keep threshold) to sure ones
    assert lowest_keep <= min(chances) < 0.5 < 0.9 < max(chances)


def test_tables_with_full_iris(seeds_store: Path, tmp_path: Path) -> None:
    CliRunner().invoke(main, ["--store", str(seeds_store), "export", "--tables", str(tmp_path), "--iris"])
    assert read(tmp_path / "posts.csv")[0]["role"].startswith("https://w3id.org/nhskg/vocab/role-type/")


def test_graphml_for_gephi(seeds_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "graph.graphml"
    result = CliRunner().invoke(main, ["--store", str(seeds_store), "export", str(path)])
    assert result.exit_code == 0, result.output
    graph = nx.read_graphml(path)
    kinds = {data["kind"] for _node, data in graph.nodes(data=True)}
    assert {"post", "role-type", "designation", "duty-area"} <= kinds
    labels = {data["label"] for _node, data in graph.nodes(data=True)}
    assert "Chief Medical Officer" in labels and "Caldicott Guardian" in labels
    assert graph.graph["based_on"].startswith("based on 91 postings")


def test_export_needs_a_target(seeds_store: Path) -> None:
    result = CliRunner().invoke(main, ["--store", str(seeds_store), "export"])
    assert result.exit_code == 2 and "--tables DIR" in result.output
