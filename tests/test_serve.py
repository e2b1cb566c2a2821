"""``nhskg serve`` in-process on an ephemeral loopback port, over the query-library fixture graph."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from nhskg.cli import main
from nhskg.errors import StoreError
from nhskg.sparql.endpoint import EndpointSource
from nhskg.serve.server import ServeConfig, SparqlServer, serve_in_thread
from nhskg.graph.store import GraphStore

FIXTURE = Path(__file__).parent / "data" / "query-library.trig"
POSTINGS = "SELECT ?p WHERE { ?p a <https://schema.org/JobPosting> } ORDER BY ?p"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("serve") / "store"
    with GraphStore.writer(directory) as writer:
        writer.store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    return directory


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[SparqlServer]:
    running, _thread = serve_in_thread(ServeConfig(store_dir, port=0, timeout=20, max_rows=50, workers=2, queue=200))
    yield running
    running.shutdown()
    running.server_close()


@pytest.fixture()
def cors(server: SparqlServer) -> Iterator[None]:
    original = server.config
    server.config = replace(original, cors="https://yasgui.example")
    yield
    server.config = original


def call(server: SparqlServer, path: str, *, data: bytes | None = None, headers: dict[str, str] | None = None,
         method: str | None = None) -> tuple[int, dict[str, str], bytes]:
    root = server.url.rsplit("/", 1)[0]
    request = urllib.request.Request(root + path, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def q(text: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": text})


def test_binds_to_loopback_by_default() -> None:
    assert ServeConfig(Path("x")).host == "127.0.0.1"


def test_get_and_post_give_the_same_json(server: SparqlServer, store_dir: Path) -> None:
    expected = [str(row[0]) for row in GraphStore.open(store_dir).source().select(POSTINGS).rows]
    assert len(expected) == 6
    answers = [
        call(server, q(POSTINGS)),
        call(server, "/query", data=urllib.parse.urlencode({"query": POSTINGS}).encode(),
             headers={"Content-Type": "application/x-www-form-urlencoded"}),
        call(server, "/sparql", data=POSTINGS.encode(), headers={"Content-Type": "application/sparql-query"}),
    ]
    for status, headers, body in answers:
        assert status == 200 and headers["Content-Type"].startswith("application/sparql-results+json")
        assert [b["p"]["value"] for b in json.loads(body)["results"]["bindings"]] == expected


def test_result_formats_by_accept(server: SparqlServer) -> None:
    status, headers, body = call(server, q(POSTINGS), headers={"Accept": "text/csv"})
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body.decode())))
    assert rows[0] == ["p"] and len(rows) == 7
    status, _, body = call(server, q(POSTINGS), headers={"Accept": "text/tab-separated-values"})
    assert body.decode().splitlines()[0] == "?p" and body.decode().splitlines()[1].startswith("<https://")
    status, _, body = call(server, q(POSTINGS), headers={"Accept": "application/sparql-results+xml"})
    namespace = "{http://www.w3.org/2005/sparql-results#}"
    assert len(ET.fromstring(body).findall(f".//{namespace}result")) == 6
    status, _, body = call(server, q("ASK { ?s ?p ?o }"))
    assert json.loads(body)["boolean"] is True
    construct = "CONSTRUCT { ?p a <https://schema.org/JobPosting> } WHERE { ?p a <https://schema.org/JobPosting> }"
    status, headers, body = call(server, q(construct), headers={"Accept": "application/n-triples"})
    assert headers["Content-Type"].startswith("application/n-triples")
    assert len(list(ox.parse(body, ox.RdfFormat.N_TRIPLES))) == 6
    status, headers, body = call(server, q(construct))
    assert headers["Content-Type"].startswith("text/turtle") and len(list(ox.parse(body, ox.RdfFormat.TURTLE))) == 6
    status, _, body = call(server, q(POSTINGS), headers={"Accept": "image/png"})
    assert status == 406


def test_endpoint_source_reads_the_served_store(server: SparqlServer) -> None:
    source = EndpointSource.from_settings(server.url, environ={"NETRC": "/nonexistent"})
    assert len(source.select(POSTINGS)) == 6


@pytest.mark.parametrize("how", ["param", "form", "body", "text"])
def test_updates_are_refused(server: SparqlServer, how: str) -> None:
    update = "DROP ALL"
    if how == "param":
        answer = call(server, "/sparql?" + urllib.parse.urlencode({"update": update}))
    elif how == "form":
        answer = call(server, "/sparql", data=urllib.parse.urlencode({"update": update}).encode(),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    elif how == "body":
        answer = call(server, "/sparql", data=update.encode(), headers={"Content-Type": "application/sparql-update"})
    else:
        answer = call(server, q("PREFIX ex: <http://ex/#>\nINSERT DATA { ex:a ex:b ex:c }"))
    assert answer[0] == 403 and b"read-only" in answer[2]
    assert len(json.loads(call(server, q(POSTINGS))[2])["results"]["bindings"]) == 6


def test_cors_is_off_by_default_and_on_when_asked(server: SparqlServer, cors: None) -> None:
    assert call(server, q(POSTINGS))[1]["Access-Control-Allow-Origin"] == "https://yasgui.example"
    assert call(server, "/sparql", method="OPTIONS")[1]["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"


def test_no_cors_header_by_default(server: SparqlServer) -> None:
    assert "Access-Control-Allow-Origin" not in call(server, q(POSTINGS))[1]


def test_a_slow_query_is_stopped_and_the_server_goes_on(server: SparqlServer) -> None:
    killed, original = server.pool.killed, server.config
    server.config = replace(original, timeout=1.5)
    try:
        status, _, body = call(server, q(SLOW))
    finally:
        server.config = original
    assert status == 503 and b"time limit of 1.5 s and was stopped" in body
    assert server.pool.killed == killed + 1
    assert call(server, q(POSTINGS))[0] == 200


def test_the_row_cap(server: SparqlServer) -> None:
    status, _, body = call(server, q("SELECT * WHERE { ?s ?p ?o }"))
    assert status == 413 and b"more than 50 rows" in body
    assert call(server, q("SELECT * WHERE { ?s ?p ?o } LIMIT 50"))[0] == 200


def test_bad_queries_are_400(server: SparqlServer) -> None:
    assert call(server, q("SELECT WHERE nonsense"))[0] == 400
    assert call(server, "/sparql")[0] == 400


def test_the_page_lists_the_library_and_runs_a_query(server: SparqlServer) -> None:
    status, _, page = call(server, "/")
    text = page.decode()
    assert status == 200 and 'name="role"' in text and "duties-by-area" in text and 'href="/ontology"' in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org', "") and "https://" not in text
    status, _, result = call(server, "/run?" + urllib.parse.urlencode({"name": "bodies"}))
    assert status == 200 and b"<table>" in result and b"Graph view" in result
    status, _, result = call(server, "/run?" + urllib.parse.urlencode({"name": "duties-by-area", "role": "<script>"}))
    assert status == 400 and b"not a code" in result
    assert call(server, "/run?name=nope")[0] == 404


def test_the_graph_view_and_the_ontology_docs(server: SparqlServer) -> None:
    status, headers, body = call(server, "/view?" + urllib.parse.urlencode({"name": "role-network"}))
    assert status == 200 and headers["Content-Type"].startswith("text/html") and b"<html" in body
    status, _, body = call(server, "/ontology")
    assert status == 200 and b"nhskg" in body


def test_fifty_concurrent_requests_all_answer_right(server: SparqlServer) -> None:
    def one(i: int) -> list[str]:
        status, _, body = call(server, q(POSTINGS))
        assert status == 200
        return [b["p"]["value"] for b in json.loads(body)["results"]["bindings"]]

    with ThreadPoolExecutor(50) as pool:
        answers = list(pool.map(one, range(50)))
    assert len({tuple(a) for a in answers}) == 1 and len(answers[0]) == 6


def test_the_cli_reports_a_missing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "none"), "serve", "--port", "0"])
    assert result.exit_code == 1 and "nhskg build" in result.output


def test_the_cli_states_the_size_and_memory_limits(store_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    help_text = " ".join(CliRunner().invoke(main, ["serve", "--help"]).output.split())
    assert "--max-response-mb" in help_text and "[default: 64; x>=1]" in help_text
    assert "--worker-memory-mb" in help_text and "[default: 2000; x>=0]" in help_text
    seen: list[ServeConfig] = []

    def stop_here(config: ServeConfig) -> None:
        seen.append(config)
        raise StoreError("stopped before listening")

    import nhskg.serve.server

    monkeypatch.setattr(nhskg.serve.server, "make_server", stop_here)
    CliRunner().invoke(main, ["--store", str(store_dir), "serve", "--max-response-mb", "5", "--worker-memory-mb", "900"])
    assert (seen[0].max_response_bytes, seen[0].worker_memory) == (5_000_000, 900_000_000)


def test_a_worker_memory_too_small_to_start_is_refused(store_dir: Path) -> None:
    result = CliRunner().invoke(main, ["--store", str(store_dir), "serve", "--port", "0", "--worker-memory-mb", "100"])
    assert result.exit_code == 1 and "a query worker needs at least 537 MB" in result.output, result.output


def test_a_full_queue_is_answered_503_at_once(server: SparqlServer) -> None:
    limit = server.pool.limit
    server.pool.limit = 0  # every waiting place taken
    try:
        status, headers, body = call(server, q(POSTINGS))
        assert status == 503 and b"busy" in body and headers["Retry-After"] == "1"
    finally:
        server.pool.limit = limit
    assert call(server, q(POSTINGS))[0] == 200


# --- issue 15: every client gets what it can read -------------------------------------------


def csv_rows(body: bytes) -> list[dict[str, str]]:
    """Parse a CSV body the way pandas.read_csv does by default: first line the header, comma-separated."""
    return list(csv.DictReader(io.StringIO(body.decode("utf-8"), newline="")))


@pytest.mark.parametrize("fmt, media", [("csv", "text/csv"), ("tsv", "text/tab-separated-values"),
                                        ("json", "application/sparql-results+json"), ("xml", "application/sparql-results+xml")])
def test_format_parameter_chooses_the_result_format(server: SparqlServer, fmt: str, media: str) -> None:
    status, headers, body = call(server, "/sparql?" + urllib.parse.urlencode({"query": POSTINGS, "format": fmt}))
    assert status == 200 and headers["Content-Type"].startswith(media)
    if fmt == "csv":  # what pandas.read_csv(url) gets: six rows, one column, not 64 columns of JSON
        rows = csv_rows(body)
        assert len(rows) == 6 and list(rows[0]) == ["p"]
    # the same in a POSTed form
    status, headers, _ = call(server, "/sparql", data=urllib.parse.urlencode({"query": POSTINGS, "format": fmt}).encode(),
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert status == 200 and headers["Content-Type"].startswith(media)


def test_an_unknown_format_names_the_valid_ones(server: SparqlServer) -> None:
    status, _, body = call(server, "/sparql?" + urllib.parse.urlencode({"query": POSTINGS, "format": "xlsx"}))
    assert status == 400 and b"unknown format 'xlsx'; use one of csv, tsv, json, xml" in body


def test_the_endpoint_declares_the_project_prefixes(server: SparqlServer) -> None:
    query = "SELECT ?p WHERE { ?p a schema:JobPosting ; nhskg:advertises/org:role role-type:chief-nurse }"
    status, _, body = call(server, "/sparql?" + urllib.parse.urlencode({"query": query, "format": "csv"}))
    assert status == 200 and [r["p"] for r in csv_rows(body)] == ["https://w3id.org/nhskg/data/posting/alpha-cn-2020"]


def test_endpoint_errors_in_plain_words(server: SparqlServer) -> None:
    status, _, body = call(server, q("SELECT ?x WHERE {\n ?x foaf:name ?n }"))
    assert status == 400 and b"line 2, column 5: the prefix 'foaf:' is not declared" in body
    status, _, body = call(server, q("SELECT ?x WHERE { ?x ?p ?o"))
    assert status == 400 and b"line 1, column" in body and b"a closing brace '}'" in body


def test_the_page_has_an_editor_with_the_library_as_examples(server: SparqlServer) -> None:
    status, _, page = call(server, "/")
    text = page.decode()
    assert '<textarea name="query"' in text and '<option value="shared-duties">' in text
    assert 'id="based-on">The graph is based on 6 postings (5 modelled in full)' in text
    assert "<script" not in text  # no JavaScript at all, let alone from elsewhere
    status, _, page = call(server, "/editor?example=bodies")
    assert status == 200 and "nhskg:engagesWith ?body" in page.decode()


def test_the_editor_runs_a_query_and_links_its_csv(server: SparqlServer) -> None:
    query = "SELECT ?role (COUNT(*) AS ?posts) WHERE { ?post a org:Post ; org:role ?role } GROUP BY ?role ORDER BY ?role"
    status, _, page = call(server, "/editor?" + urllib.parse.urlencode({"query": query}))
    text = page.decode()
    assert status == 200 and "<td>Chief Medical Officer</td>" in text  # labels, not IRIs
    assert "https://w3id.org" not in text.split("</textarea>", 1)[1]
    assert "Based on 6 postings (5 modelled in full)" in text
    link = text.split('id="csv" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    status, headers, body = call(server, link)
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert {r["role"].rsplit("/", 1)[-1] for r in csv_rows(body)} >= {"chief-medical-officer", "chief-nurse"}
    status, _, page = call(server, "/editor?" + urllib.parse.urlencode({"query": "SELECT ?x WHERE { ?x foo:y ?z }"}))
    assert status == 400 and "the prefix &#x27;foo:&#x27; is not declared" in page.decode()  # the refusal's status



@pytest.mark.parametrize(("knob", "status"), [("limit", 503), ("per_client_queue", 429)])
def test_the_editor_shows_a_refusal_with_its_own_status(server: SparqlServer, knob: str, status: int) -> None:
    # it was sent as 200, so a script (or a proxy's cache) took "busy, try again" for an answer
    original = getattr(server.pool, knob)
    setattr(server.pool, knob, 0)
    try:
        answer, headers, page = call(server, "/editor?" + urllib.parse.urlencode({"query": POSTINGS}))
    finally:
        setattr(server.pool, knob, original)
    assert answer == status and headers["Retry-After"] == "1"
    assert 'id="error"' in page.decode() and '<textarea name="query"' in page.decode()

def test_a_library_result_downloads_as_csv_with_codes(server: SparqlServer) -> None:
    status, _, page = call(server, "/run?" + urllib.parse.urlencode({"name": "bodies", "role": "CMO"}))
    text = page.decode()
    assert status == 200 and 'id="csv" href="/run.csv?name=bodies&amp;role=CMO"' in text
    assert "<td>General Medical Council</td>" in text and "Chief Medical Officer: 2 postings (2 in full)" in text
    status, headers, body = call(server, "/run.csv?" + urllib.parse.urlencode({"name": "bodies", "role": "CMO"}))
    assert status == 200 and headers["Content-Disposition"] == 'attachment; filename="bodies.csv"'
    rows = csv_rows(body)
    assert [(r["role"], r["body"], r["postings"]) for r in rows] == [
        ("chief-medical-officer", "gmc", "2"), ("chief-medical-officer", "cqc", "1")]
