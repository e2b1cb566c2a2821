"""Issue 16: one composer, one error policy, whichever writer the build writes into.

A fault injected into the extractor (or into the step that turns a posting into RDF) for one
document is one problem on the report, naming the file and record; the build goes on with the
other postings, and what the writer held before stays. The same for the embedded store and for a
SPARQL 1.1 server (the in-process fake of ``tests/test_remote.py``).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Callable, Iterator

import pyoxigraph as ox
import pytest

import nhskg.extract
import nhskg.pipeline.build
import nhskg.pipeline.making
from nhskg.graph.endpoint import EndpointWriter
from nhskg.graph.rdfgraph import posting_graph_iri
from nhskg.graph.store import GraphStore
from nhskg.graph.writer import StoreWriter, Writer
from nhskg.pipeline.build import build

from test_remote import FakeServer, _source


def _record(posting_id: str, title: str, organisation: str = "Norfolk Hospitals NHS Trust") -> dict[str, object]:
    return {"@type": "JobPosting", "id": posting_id, "title": title, "hiringOrganization": {"name": organisation},
            "description": f"<p>{title}</p><p>You will report to the Chief Executive.</p>"}


def _feed(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture()
def server() -> Iterator[FakeServer]:
    fake = FakeServer()
    threading.Thread(target=fake.serve_forever, daemon=True).start()
    yield fake
    fake.shutdown()
    fake.server_close()


def _store_writer(tmp_path: Path, server: FakeServer) -> tuple[Writer, Callable[[], set[str]]]:
    store = tmp_path / "store"

    def graphs() -> set[str]:
        opened = GraphStore.open(store)
        try:
            return {g.value for g in opened.store.named_graphs() if isinstance(g, ox.NamedNode)}
        finally:
            opened.close()

    return StoreWriter(store), graphs


def _endpoint_writer(tmp_path: Path, server: FakeServer) -> tuple[Writer, Callable[[], set[str]]]:
    return EndpointWriter(_source(server)), lambda: {g.value for g in server.store.named_graphs() if isinstance(g, ox.NamedNode)}


def _failing_extractor(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    extract = nhskg.extract.extract_posting

    def failing(document, *args, **kwargs):  # type: ignore[no-untyped-def]
        if document.id == bad:
            raise RuntimeError("injected fault")
        return extract(document, *args, **kwargs)

    monkeypatch.setattr(nhskg.extract, "extract_posting", failing)


def _failing_rdf(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    make = nhskg.pipeline.build.posting_graph

    def failing(posting, *args, **kwargs):  # type: ignore[no-untyped-def]
        if posting.id == bad:
            raise ZeroDivisionError("injected fault")
        return make(posting, *args, **kwargs)

    monkeypatch.setattr(nhskg.pipeline.build, "posting_graph", failing)  # a record turned into RDF by the composer
    monkeypatch.setattr(nhskg.pipeline.making, "posting_graph", failing)  # a document, by the step a worker also runs


@pytest.mark.parametrize("fault", [_failing_extractor, _failing_rdf], ids=["extracting", "making-rdf"])
@pytest.mark.parametrize("make_writer", [_store_writer, _endpoint_writer], ids=["store", "endpoint"])
def test_a_fault_on_one_posting_is_one_problem_and_the_build_goes_on(
        tmp_path: Path, server: FakeServer, monkeypatch: pytest.MonkeyPatch, make_writer, fault) -> None:  # type: ignore[no-untyped-def]
    writer, graphs = make_writer(tmp_path, server)
    first = build([_feed(tmp_path / "first.jsonl", [_record("p-1", "Chief Nurse"), _record("p-2", "Medical Director")])],
                  writer=writer, validate=False)
    assert first.ok and first.postings_written == 2, first.summary()
    before = graphs()

    # p-2 changed, so it is extracted again, and fails; p-3 is new
    feed = _feed(tmp_path / "second.jsonl", [_record("p-1", "Chief Nurse"), _record("p-2", "Director of Nursing"),
                                             _record("p-3", "Chief Operating Officer")])
    fault(monkeypatch, "p-2")
    writer, graphs = make_writer(tmp_path, server)
    report = build([feed], writer=writer, validate=False)

    [problem] = report.problems
    assert (problem.source, problem.record) == (str(feed), "p-2")
    assert "injected fault" in problem.problem and "please report it" in problem.problem
    assert report.postings_written == 2 and not report.ok  # p-1 and p-3
    assert "1 skipped" in report.summary()
    assert posting_graph_iri("p-3") in graphs()
    assert before <= graphs()  # p-2's graph from the first build is still there, and p-1's
