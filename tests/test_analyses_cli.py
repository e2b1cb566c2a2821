"""``nhskg analyse`` in-process with CliRunner over a store written by GraphStore.writer; plus the seeds."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from nhskg.cli import main
from nhskg.graph.store import GraphStore

HERE = Path(__file__).parent
SEEDS = HERE.parent / "seeds"


def _overlap_trig() -> str:
    import importlib.util

    spec = importlib.util.spec_from_file_location("overlap_fixture", HERE / "test_analyses_overlap.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    trig = module.PREFIXES + module.VOCAB
    trig += module.posting("p1", "x", "chief-medical-officer", [(module.SAFETY_A, ["patient-safety"], ["chief-nurse"])], ["responsible-officer"])
    trig += module.posting("p3", "y", "chief-nurse", [(module.SAFETY_B, ["patient-safety"], [])], ["responsible-officer"])
    return trig


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("store") / "store"
    with GraphStore.writer(directory, fresh=True) as writer:
        writer.store.load(_overlap_trig().encode(), format=ox.RdfFormat.TRIG)
    return directory


def run(store_dir: Path, *args: str):
    return CliRunner().invoke(main, ["--store", str(store_dir), "analyse", *args])


def test_overlap_table_and_json(store_dir):
    table = run(store_dir, "overlap", "chief-medical-officer", "chief-nurse")
    assert table.exit_code == 0, table.output
    # people read labels; the footer says what the table rests on
    assert "Duties held jointly" in table.output and "Patient safety" in table.output
    assert "patient-safety" not in table.output and "https://" not in table.output
    assert table.output.rstrip().splitlines()[-1].startswith("based on 2 postings (2 modelled in full)")
    data = json.loads(run(store_dir, "overlap", "chief-medical-officer", "chief-nurse", "--format", "json").output)
    assert data["jaccard"] == 1.0
    assert data["joint_duties"][0]["partner_role"] == "chief-nurse"
    assert data["shared_designations"][0]["designation"] == "responsible-officer"
    assert data["based_on"].endswith("Chief Nurse: 1 posting (1 in full)")
    by_label = json.loads(run(store_dir, "overlap", "Chief Medical Officer", "Chief Nurse", "--format", "json").output)
    assert by_label == data


def test_unknown_role_is_one_line_and_exit_2(store_dir):
    result = run(store_dir, "overlap", "chief-medical-officer", "chief-nurze")
    assert result.exit_code == 2
    assert "'chief-nurze' is not a role type" in result.output and "chief-nurse" in result.output


@pytest.mark.parametrize("command, key, expected", [
    # two posts, one duty area: the two role types, each linked once
    (["network"], lambda d: (d["nodes"], d["edges"], [c["code"] for c in d["centrality"]], d["communities"]),
     (8, 8, ["chief-medical-officer", "chief-nurse"], [["patient-safety"]])),
    # the fixture's designations say nothing of who must hold them: no gap, no conflict
    (["gaps"], lambda d: [(o["label"], o["missing"], o["conflicts"]) for o in d["organisations"]],
     [("X Trust", [], []), ("Y Trust", [], [])]),
    (["compare", "x", "y"], lambda d: [(r["kind"], r["code"], r["roles_a"], r["roles_b"]) for r in d["rows"]],
     [("area", "patient-safety", ["chief-medical-officer"], ["chief-nurse"]),
      ("designation", "responsible-officer", ["chief-medical-officer"], ["chief-nurse"])]),
], ids=["network", "gaps", "compare"])
def test_other_analyses_run_as_table_and_json(store_dir, command, key, expected):
    table = run(store_dir, *command)
    assert table.exit_code == 0, table.output
    data = json.loads(run(store_dir, *command, "--format", "json").output)
    assert key(data) == expected


def test_compare_unknown_organisation_exit_2(store_dir):
    result = run(store_dir, "compare", "X Trus", "y")
    assert result.exit_code == 2 and "X Trust" in result.output


@pytest.fixture(scope="session")
def seeds_source(tmp_path_factory):
    from nhskg.pipeline.build import build

    directory = tmp_path_factory.mktemp("seeds") / "store"
    build([SEEDS], directory, validate=False)
    return GraphStore.open(directory).source()


def test_seeds_cmo_and_chief_nurse_work_jointly_on_safe_care(seeds_source):
    from nhskg.analyses.overlap import overlap

    result = overlap(seeds_source, "chief-medical-officer", "chief-nurse")
    joint = [j for j in result.joint_duties if j.holder_role == "chief-medical-officer" and j.partner_role == "chief-nurse"]
    sentences = " ".join((j.sentence or j.text) for j in joint)
    assert "safe and compassionate care" in sentences
    assert "Patient Safety" in sentences
    # No seed posting is titled Chief Nurse: the nursing board posts are two Directors of Nursing,
    # a kind of Chief Nurse (skos:broader), so they are the Chief Nurse postings the analysis counts.
    assert (result.postings_a, result.postings_b) == (8, 2)
    assert overlap(seeds_source, "chief-medical-officer", "director-of-nursing").postings_b == 2
