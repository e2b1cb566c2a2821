"""``--endpoint``: the reading commands give the same answers from a SPARQL endpoint as from the store.

The endpoint is ``nhskg serve`` in-process on a loopback port over the query-library fixture graph,
so these tests need no server to be installed; the real Oxigraph server and Virtuoso are in
``tests/server`` (marker ``server``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from nhskg.cli import main
from nhskg.serve.server import ServeConfig, SparqlServer, serve_in_thread
from nhskg.graph.store import GraphStore

FIXTURE = Path(__file__).parent / "data" / "query-library.trig"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("endpoint-cli") / "store"
    with GraphStore.writer(directory) as writer:
        writer.store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    return directory


@pytest.fixture(scope="module")
def endpoint(store_dir: Path) -> Iterator[str]:
    server: SparqlServer
    server, _thread = serve_in_thread(ServeConfig(store_dir, port=0, timeout=30, workers=1))
    yield server.url
    server.shutdown()
    server.server_close()


def run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize(
    "command",
    [
        ("analyse", "overlap", "chief-medical-officer", "chief-nurse", "--format", "json"),
        ("analyse", "gaps", "--format", "json"),
    ],
    ids=["overlap", "gaps"],
)
def test_an_analysis_reads_the_same_through_the_endpoint(store_dir: Path, endpoint: str, command: tuple[str, ...]) -> None:
    local = json.loads(run("--store", str(store_dir), *command))
    remote = json.loads(run("--store", str(store_dir / "absent"), "--endpoint", endpoint, *command))
    assert remote == local
    assert summary(local) == EXPECTED[command[1]]


#: What the fixture graph's answers say (worked out in tests/test_query_library.py).
EXPECTED = {
    "overlap": (0.4, 0.375, [("chief-medical-officer", "chief-nurse", "posting/alpha-cmo-2020"),
                             ("chief-nurse", "chief-medical-officer", "posting/alpha-cn-2020")]),
    "gaps": [
        ("Alpha Hospitals NHS Trust", ["senior-information-risk-owner"],
         [("caldicott-guardian", ["post/alpha-cmo-2020", "post/alpha-cn-2020"])]),
        ("Beta Mental Health NHS Foundation Trust",
         ["caldicott-guardian", "director-of-infection-prevention-control", "senior-information-risk-owner"], []),
        ("NHS England North", ["caldicott-guardian", "senior-information-risk-owner"], []),
    ],
}


def summary(answer: dict) -> object:  # type: ignore[type-arg]
    """The parts of an analysis's JSON the fixture fixes: overlap's scores and joint duties, the gaps per organisation."""
    data = "https://w3id.org/nhskg/data/"
    if "jaccard" in answer:
        return (answer["jaccard"], answer["weighted_jaccard"],
                [(j["holder_role"], j["partner_role"], j["posting"].removeprefix(data)) for j in answer["joint_duties"]])
    return [(o["label"], [m["code"] for m in o["missing"]],
             [(c["code"], [h["post"].removeprefix(data) for h in c["holders"]]) for c in o["conflicts"]])
            for o in answer["organisations"]]


def test_a_library_query_reads_the_same_through_the_endpoint(store_dir: Path, endpoint: str) -> None:
    args = ("query", "designation-holders", "--format", "json")
    local = json.loads(run("--store", str(store_dir), *args))
    remote = json.loads(run("--store", str(store_dir / "absent"), "--endpoint", endpoint, *args))
    assert remote["results"]["bindings"] == local["results"]["bindings"] != []


def test_a_view_renders_from_the_endpoint(endpoint: str, tmp_path: Path) -> None:
    run("--store", str(tmp_path / "absent"), "--endpoint", endpoint, "render", "designations", "--out", str(tmp_path))
    page = (tmp_path / "designations.html").read_text(encoding="utf-8")
    assert "Caldicott Guardian" in page


def test_the_endpoint_comes_from_the_environment(store_dir: Path, endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NHSKG_ENDPOINT", endpoint)
    out = run("--store", str(store_dir / "absent"), "analyse", "gaps", "--format", "json")
    assert summary(json.loads(out)) == EXPECTED["gaps"]
