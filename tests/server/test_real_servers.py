"""The seeds built into real SPARQL servers on loopback: the Oxigraph server and Virtuoso open source.

Marked ``server`` (not in the default run; ``python -m pytest -m server tests/server -s`` prints the
timings). Each server is started by its script in ``scripts/`` and killed at the end. For each:
build ``seeds/`` with :func:`nhskg.pipeline.build.build` and an :class:`~nhskg.graph.endpoint.EndpointWriter`, check the triple counts against
the embedded store built from the same files, run every library query on both and compare the
rows, run the overlap analysis, draw a view, and time the build and the query suite. Then the
load test of ``nhskg serve`` (500 concurrent requests, ``scripts/load-serve.py``).
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

import pytest
from rdflib.term import Literal

from nhskg.analyses.overlap import overlap
from nhskg.pipeline.build import build
from nhskg.queries.library import load_queries
from nhskg.queries.running import run_query
from nhskg.graph.endpoint import EndpointWriter, our_graphs_filter, triple_count
from nhskg.pipeline.build import build
from nhskg.sparql.endpoint import EndpointSource
from nhskg.sparql.sources import Table
from nhskg.graph.store import GraphStore

pytestmark = pytest.mark.server

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
SCRIPTS = ROOT / "scripts"
TIMINGS: dict[str, dict[str, float]] = {}
#: Library queries a server does not finish within the client's time limit: Virtuoso 7.2 keeps
#: evaluating shared-duties' grouped four-way union for minutes (the query takes 0.1 s on the
#: Oxigraph server and the embedded store). Listed, not hidden: docs/deployment.md tells Virtuoso users.
TOO_SLOW: dict[str, dict[str, str]] = {"virtuoso": {"shared-duties": "not finished in the client's time limit"}}


def _start(script: str, directory: Path) -> dict[str, str]:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run([str(SCRIPTS / script), str(directory)], capture_output=True, text=True, timeout=600, env=env)
    if done.returncode != 0:
        pytest.fail(f"{script} failed: {done.stderr[-2000:]}")
    return dict(line.split("=", 1) for line in done.stdout.splitlines() if "=" in line)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GraphStore]:
    directory = tmp_path_factory.mktemp("embedded") / "store"
    began = time.perf_counter()
    build([SEEDS], directory, validate=False, fresh=True)
    TIMINGS.setdefault("embedded", {})["build_s"] = time.perf_counter() - began
    store = GraphStore.open(directory)
    yield store
    store.close()


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, EndpointSource]]:
    name = request.param
    if name == "virtuoso" and shutil.which("virtuoso-t") is None and os.geteuid() != 0:
        pytest.skip("virtuoso-t is not installed and apt-get needs root: apt-get install virtuoso-opensource")
    directory = tmp_path_factory.mktemp(name)
    started = _start("start-oxigraph-server.sh" if name == "oxigraph" else "start-virtuoso.sh", directory)
    try:
        environ = {"NETRC": started.get("NETRC", str(directory / "no-netrc"))}
        yield name, EndpointSource.from_settings(started["URL"], environ=environ)
    finally:
        os.kill(int(started["PID"]), signal.SIGTERM)
        time.sleep(0.5)
        try:
            os.kill(int(started["PID"]), signal.SIGKILL)
        except ProcessLookupError:
            pass


def _value(term: Any) -> Any:
    """A term compared across engines: numbers by value (Virtuoso stores 145000.0 as 145000), else text."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
            return round(float(value), 6)
        return str(term)
    return str(term)


def _rows(result: Table | list | bool) -> Any:
    if isinstance(result, Table):
        return sorted((tuple(_value(v) for v in row) for row in result.rows), key=repr)
    if isinstance(result, list):
        return sorted((tuple(_value(v) for v in triple) for triple in result), key=repr)
    return result


def test_seeds_build_queries_analysis_and_view(server: tuple[str, EndpointSource], embedded: GraphStore) -> None:
    name, source = server
    timing = TIMINGS.setdefault(name, {})

    began = time.perf_counter()
    report = build([SEEDS], writer=EndpointWriter(source), validate=False)
    timing["build_s"] = time.perf_counter() - began
    assert report.problems == () and report.postings_written == len(embedded.posting_ids())

    # Every graph holds what the embedded store's does (the writer counted after each load too).
    local_graphs = {g.value: 0 for g in embedded.store.named_graphs()}
    for quad in embedded.store:
        local_graphs[quad.graph_name.value] += 1  # type: ignore[union-attr]
    assert source.graph_counts(sorted(local_graphs)) == local_graphs
    assert report.triples == embedded.triple_count()

    # Building again replaces rather than duplicates: the same graphs, each counted after its load.
    graphs = f"SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {our_graphs_filter()} }}"
    assert int(source.select(graphs).rows[0][0]) == len(local_graphs)
    again = build([SEEDS], writer=EndpointWriter(source), validate=False)
    assert int(source.select(graphs).rows[0][0]) == len(local_graphs)
    assert again.triples == triple_count(source)

    local = embedded.source()
    timing["queries_s"] = 0.0
    timing["queries_embedded_s"] = 0.0
    for query_name, query in load_queries().items():
        if query_name in TOO_SLOW.get(name, {}):
            continue  # a known limit of that server, documented in docs/deployment.md
        began = time.perf_counter()
        expected = run_query(local, query)
        timing["queries_embedded_s"] += time.perf_counter() - began
        began = time.perf_counter()
        got = run_query(source, query)
        timing["queries_s"] += time.perf_counter() - began
        assert _rows(got) == _rows(expected), f"{query_name} differs on {name}"

    mine, theirs = overlap(source, "chief-medical-officer", "chief-nurse"), overlap(local, "chief-medical-officer", "chief-nurse")
    assert (mine.postings_a, mine.postings_b) == (theirs.postings_a, theirs.postings_b) and mine.postings_a > 0
    assert sorted(map(repr, mine.joint_duties)) == sorted(map(repr, theirs.joint_duties))
    assert [(a.area, a.postings_a, a.postings_b) for a in mine.areas] == [(a.area, a.postings_a, a.postings_b) for a in theirs.areas]
    assert mine.jaccard == pytest.approx(theirs.jaccard)

    from nhskg.views import html, query as query_view

    drawn, reference = query_view.query_view(source, "role-network"), query_view.query_view(local, "role-network")
    assert len(drawn.nodes) == len(reference.nodes) > 0 and len(drawn.edges) == len(reference.edges)
    assert "<html" in html.render_html(drawn)
    print(f"\n{name}: seeds build {timing['build_s']:.1f} s (embedded {TIMINGS['embedded']['build_s']:.1f} s); "
          f"{len(load_queries())} library queries {timing['queries_s']:.2f} s (embedded {timing['queries_embedded_s']:.2f} s)")


def test_serve_takes_500_concurrent_requests(embedded: GraphStore) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPTS / "load-serve.py"), "--store", str(embedded.directory), "--requests", "500", "--concurrency", "500", "--heavy", "0"],
        capture_output=True, text=True, timeout=600,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"\nload: {figures}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert figures["outcomes"] == {"ok": 500} and figures["server_alive_after"]
