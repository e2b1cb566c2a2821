"""EndpointSource and EndpointWriter (and a build through it) against an in-process SPARQL server backed by a pyoxigraph store.

The fake server speaks the SPARQL 1.1 Protocol (form-encoded query and update, JSON results,
N-Triples graphs) over a real socket, so the HTTP, binding, chunking, counting and credential
code runs as it does against the Oxigraph server or Virtuoso (those are in tests/server/).
"""

from __future__ import annotations

import base64
import json
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import pytest
from hypothesis import given, settings, strategies as st
from rdflib.term import Literal, URIRef

from nhskg.errors import QueryError, StoreError
from nhskg.queries.library import load_queries
from nhskg.queries.running import run_query
from nhskg.graph.endpoint import CHUNK_TRIPLES, EndpointWriter
from nhskg.sparql.bindings import serialize_term, with_values
from nhskg.sparql.endpoint import EndpointConfig, EndpointSource, scrub
from nhskg.serve import serialize_rows
from nhskg.sparql.sources import OxigraphSource, Table

FIXTURE = Path(__file__).parent / "data" / "query-library.trig"
PASSWORD = "s3cret-Pa55"


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _FakeHandler)
        self.store = ox.Store()
        self.updates: list[str] = []
        self.lose_next = 0  # drop this many INSERT DATA requests silently (the server lies)
        self.user: str | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/query"


class _FakeHandler(BaseHTTPRequestHandler):
    server: FakeServer

    def log_message(self, *args: object) -> None:
        pass

    def _reply(self, status: int, media: str, body: bytes, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.server.user is not None:
            expected = "Basic " + base64.b64encode(f"{self.server.user}:{PASSWORD}".encode()).decode()
            if self.headers.get("Authorization") != expected:
                return self._reply(401, "text/plain", b"who are you", {"WWW-Authenticate": 'Basic realm="t"'})
        form = urllib.parse.parse_qs(body.decode("utf-8"))
        try:
            if "update" in form:
                text = form["update"][0]
                self.server.updates.append(text)
                if text.startswith("INSERT DATA") and self.server.lose_next:
                    self.server.lose_next -= 1
                else:
                    self.server.store.update(text)
                return self._reply(204, "text/plain", b"")
            union = "union-default-graph" in urllib.parse.urlsplit(self.path).query
            result = self.server.store.query(form["query"][0], use_default_graph_as_union=union)
        except SyntaxError as error:
            return self._reply(400, "text/plain", f"parse error: {error} password was {PASSWORD}".encode())
        if isinstance(result, ox.QueryBoolean):
            return self._reply(200, "application/sparql-results+json", json.dumps({"boolean": bool(result)}).encode())
        if isinstance(result, ox.QuerySolutions):
            columns = [v.value for v in result.variables]
            rows = [[s[c] for c in columns] for s in result]
            return self._reply(200, "application/sparql-results+json", serialize_rows(columns, rows, "json"))
        return self._reply(200, "application/n-triples", ox.serialize(list(result), format=ox.RdfFormat.N_TRIPLES))


@pytest.fixture()
def server() -> Iterator[FakeServer]:
    fake = FakeServer()
    thread = threading.Thread(target=fake.serve_forever, daemon=True)
    thread.start()
    yield fake
    fake.shutdown()
    fake.server_close()


def _source(server: FakeServer, **env: str) -> EndpointSource:
    return EndpointSource.from_settings(server.url, environ={"NETRC": "/nonexistent", **env})


# --------------------------------------------------------------------------- bindings


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_any_string_binds_as_exactly_one_literal(text: str) -> None:
    store = ox.Store()
    query = with_values("SELECT ?x ?n WHERE { BIND (1 AS ?n) }", {"x": Literal(text)})
    rows = OxigraphSource(store).select(query).rows
    assert rows == ((Literal(text), Literal("1", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer"))),)


def test_an_injection_attempt_stays_one_term(server: FakeServer) -> None:
    server.store.add(ox.Quad(ox.NamedNode("http://ex/a"), ox.NamedNode("http://ex/p"), ox.Literal("x"), ox.NamedNode("http://ex/g")))
    source = _source(server)
    attack = 'x" } } ; DROP ALL ; SELECT * WHERE { ?s ?p "'
    table = source.select("SELECT ?s ?o WHERE { ?s ?p ?o }", {"o": Literal(attack)})
    assert table.rows == ()
    assert "DROP" not in "".join(server.updates)
    assert len(server.store) == 1
    escaped = 'x\\u0022 } ; DROP ALL #'  # a \u escape is expanded before parsing by some processors
    assert source.select("SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal(escaped)}).rows == ()
    assert source.select("SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal("x")}).rows == ((URIRef("http://ex/a"),),)


@pytest.mark.parametrize("bad", ["http://ex/a> } DROP ALL <http://x", "not an iri", "http://ex/a b", "http://ex/\\u003e"])
def test_iris_that_would_break_out_are_refused(bad: str) -> None:
    with pytest.raises(QueryError, match="not an absolute IRI"):
        serialize_term(URIRef(bad))


def test_blank_nodes_cannot_be_bound() -> None:
    from rdflib.term import BNode

    with pytest.raises(QueryError, match="blank node"):
        serialize_term(BNode("b0"))


def test_values_open_the_where_group_of_a_construct() -> None:
    query = "PREFIX ex: <http://ex/#> CONSTRUCT { ?s ex:p ?o } WHERE { ?s ex:p ?o }"
    bound = with_values(query, {"o": Literal("v")})
    assert bound.startswith("PREFIX ex: <http://ex/#> CONSTRUCT { ?s ex:p ?o } WHERE { VALUES (?o)")
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://ex/s"), ox.NamedNode("http://ex/#p"), ox.Literal("v")))
    store.add(ox.Quad(ox.NamedNode("http://ex/t"), ox.NamedNode("http://ex/#p"), ox.Literal("w")))
    assert len(list(store.query(bound))) == 1


# --------------------------------------------------------------------------- reading


def test_every_library_query_gives_the_embedded_answer(server: FakeServer) -> None:
    server.store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    remote, local = _source(server), OxigraphSource(server.store)
    assert remote.config.flavour == "oxigraph"
    for name, query in load_queries().items():
        expected, got = run_query(local, query), run_query(remote, query)
        if isinstance(expected, Table):
            assert got.columns == expected.columns, name  # type: ignore[union-attr]
            assert sorted(map(repr, got.rows)) == sorted(map(repr, expected.rows)), name  # type: ignore[union-attr]
        else:
            assert got == expected, name


def test_ask_and_construct(server: FakeServer) -> None:
    server.store.add(ox.Quad(ox.NamedNode("http://ex/a"), ox.NamedNode("http://ex/p"), ox.Literal("é\n\"", language="fr"), ox.NamedNode("http://ex/g")))
    source = _source(server)
    assert source.ask("ASK { ?s ?p ?o }") is True
    assert source.ask("ASK { ?s ?p ?o }", {"s": URIRef("http://ex/b")}) is False
    assert source.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }") == [
        (URIRef("http://ex/a"), URIRef("http://ex/p"), Literal("é\n\"", lang="fr"))
    ]


# --------------------------------------------------------------------------- writing


def _quads(graph: str, n: int) -> list[ox.Quad]:
    return [ox.Quad(ox.NamedNode(f"http://ex/s{i}"), ox.NamedNode("http://ex/p"), ox.Literal(f"v {i} \"q\""), ox.NamedNode(graph)) for i in range(n)]


def test_writer_chunks_counts_and_replaces(server: FakeServer) -> None:
    source = _source(server)
    writer = EndpointWriter(source)
    writer.replace_graph("http://ex/g1", _quads("http://ex/g1", 1234))
    writer.replace_graph("http://ex/g2", _quads("http://ex/g2", 7))
    writer.flush()
    inserts = [u for u in server.updates if u.startswith("INSERT DATA")]
    assert all(u.count(" .\n") <= CHUNK_TRIPLES for u in inserts)
    assert len(inserts) == 3
    assert source.graph_counts(["http://ex/g1", "http://ex/g2"]) == {"http://ex/g1": 1234, "http://ex/g2": 7}
    again = EndpointWriter(source)  # a rebuild replaces rather than duplicates
    again.replace_graph("http://ex/g1", _quads("http://ex/g1", 10))
    again.flush()
    assert source.graph_counts(["http://ex/g1", "http://ex/g2"]) == {"http://ex/g1": 10, "http://ex/g2": 7}


def test_a_server_that_loses_triples_is_written_again_then_reported(server: FakeServer) -> None:
    source = _source(server)
    server.lose_next = 1
    writer = EndpointWriter(source)
    writer.replace_graph("http://ex/g", _quads("http://ex/g", 20))
    writer.flush()
    assert source.graph_counts(["http://ex/g"]) == {"http://ex/g": 20}
    server.lose_next = 99
    writer.replace_graph("http://ex/h", _quads("http://ex/h", 5))
    with pytest.raises(StoreError, match=r"holds 0 triples after 3 writes, not 5"):
        writer.flush()


def test_gsp_is_refused_without_a_store_url(server: FakeServer) -> None:
    source = EndpointSource(EndpointConfig(server.url, server.url, None))
    with pytest.raises(StoreError, match="NHSKG_GSP_ENDPOINT"):
        EndpointWriter(source, method="gsp")


# --------------------------------------------------------------------------- credentials


def test_credentials_in_the_url_are_refused_and_not_repeated() -> None:
    with pytest.raises(QueryError) as caught:
        EndpointConfig.from_url(f"http://alice:{PASSWORD}@127.0.0.1:1/query", environ={})
    assert PASSWORD not in str(caught.value) and "NHSKG_ENDPOINT_USER" in str(caught.value)


def test_basic_auth_from_the_environment_and_scrubbed_errors(server: FakeServer) -> None:
    server.user = "alice"
    with pytest.raises(QueryError, match="HTTP 401.*NHSKG_ENDPOINT_USER"):
        _source(server).ask("ASK {}")  # no credentials, and the server wants them
    source = _source(server, NHSKG_ENDPOINT_USER="alice", NHSKG_ENDPOINT_PASSWORD=PASSWORD)
    assert PASSWORD not in repr(source) and PASSWORD not in repr(source.config)
    assert source.ask("ASK { }") is True
    with pytest.raises(QueryError) as caught:
        source.select("SELECT nonsense")
    assert "parse error" in str(caught.value) and PASSWORD not in str(caught.value)


def test_credentials_from_a_netrc_file(server: FakeServer, tmp_path: Path) -> None:
    server.user = "bob"
    netrc_file = tmp_path / "netrc"
    netrc_file.write_text(f"machine 127.0.0.1 login bob password {PASSWORD}\n")
    netrc_file.chmod(0o600)
    source = EndpointSource.from_settings(server.url, environ={"NETRC": str(netrc_file)})
    assert source.config.user == "bob"
    assert source.ask("ASK {}") is True


def test_scrub_removes_user_info_and_secrets() -> None:
    assert scrub(f"GET http://u:{PASSWORD}@h/x said {PASSWORD}", [PASSWORD]) == "GET http://h/x said ***"


def test_default_urls_per_server() -> None:
    virtuoso = EndpointConfig.from_url("http://h:8890/sparql", environ={"NHSKG_ENDPOINT_USER": "dba", "NHSKG_ENDPOINT_PASSWORD": "x"})
    assert (virtuoso.flavour, virtuoso.update_url, virtuoso.gsp_url) == ("virtuoso", "http://h:8890/sparql-auth", "http://h:8890/sparql-graph-crud-auth")
    fuseki = EndpointConfig.from_url("http://h:3030/ds/query", environ={"NETRC": "/nonexistent"})
    assert (fuseki.flavour, fuseki.update_url, fuseki.gsp_url) == ("fuseki", "http://h:3030/ds/update", "http://h:3030/ds/data")
    graphdb = EndpointConfig.from_url("http://h:7200/repositories/nhs", environ={"NHSKG_UPDATE_ENDPOINT": "http://h:7200/u", "NETRC": "/nonexistent"})
    assert (graphdb.flavour, graphdb.update_url) == ("graphdb", "http://h:7200/u")


def _record(posting_id: str, organisation: str) -> str:
    return json.dumps({
        "@type": "JobPosting", "id": posting_id, "title": "Chief Nurse",
        "hiringOrganization": {"name": organisation},
        "description": "<p>Chief Nurse</p><p>You will report to the Chief Executive and be the Director of"
                       " Infection Prevention and Control.</p>",
    }) + "\n"


def test_a_remote_build_writes_what_the_embedded_build_writes(server: FakeServer, tmp_path: Path) -> None:
    """The same quads on the server as in the embedded store, build after build: posting graphs,
    the organisations graph (each organisation once) and an organisation dropped when no posting
    names it any more."""
    from nhskg.pipeline.build import build
    from nhskg.graph.store import GraphStore

    source, store = _source(server), tmp_path / "store"
    records = tmp_path / "postings.jsonl"
    for contents in ([("cn-1", "Norfolk Hospitals NHS Trust"), ("cn-2", "Suffolk Hospitals NHS Trust")],
                     [("cn-2", "Norfolk Hospitals NHS Trust")]):  # cn-2 moves: Suffolk is named by nobody
        records.write_text("".join(_record(*c) for c in contents), encoding="utf-8")
        remote = build([records], writer=EndpointWriter(source), validate=False)
        local = build([records], store, validate=False)
        assert remote.postings_written == local.postings_written == len(contents)
        opened = GraphStore.open(store)
        assert set(server.store) == set(opened.store)
        opened.close()
    organisations = ox.NamedNode("https://w3id.org/nhskg/data/graph/organisations")
    names = {str(q.object) for q in server.store.quads_for_pattern(None, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"), None, organisations)}
    assert '"Norfolk Hospitals NHS Trust"' in names and not any("Suffolk" in n for n in names), names
