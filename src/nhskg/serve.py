"""``nhskg serve``: a read-only SPARQL 1.1 Protocol endpoint and a query page over the embedded store.

Why: analysts' own tools (YASGUI, SPARQLWrapper, Jupyter, Excel web queries) speak the SPARQL
Protocol; this serves the store to them without a separate triple store.

How it stays up, and what it promises:

* **Queries run in worker processes** (``workers``, default 2), each holding the store open
  read-only. A query that passes the time limit (``timeout``, default 30 s) is *stopped*: its
  worker process is killed and replaced, and the client gets 503 with a message saying so.
  pyoxigraph has no query timeout of its own and a thread cannot be stopped, hence processes.
* **Bounded everything.** At most ``max_rows`` (default 100,000) result rows or triples; a larger
  result is refused with 413 (add a LIMIT). At most ``queue`` requests (default 512) wait for a
  worker, each for at most ``wait`` seconds (default 60; the time limit starts when a worker takes
  the query); beyond that the server answers 503 instead of piling up threads. Request
  bodies over 1 MB are refused.
* **Read-only.** Updates are refused with 403 (an ``update`` parameter, an
  ``application/sparql-update`` body, or a query text that is an update), and the store is
  opened read-only in any case.
* **Loopback by default**; CORS only when ``cors`` names an origin (or ``*``).

The page at ``/`` lists the query library with a form per query and a SPARQL editor (a plain
textarea, the library queries as examples); ``/run`` shows a library result as a table with a CSV
download (``/run.csv``), ``/editor`` runs your own query, ``/view`` draws a result with
:mod:`nhskg.views`, ``/ontology`` shows the ontology docs. Tables show labels, and say what they
rest on ("based on N postings ..."). Everything on the pages is escaped and inline; nothing loads
from another site.

For tools that cannot set an Accept header (``pandas.read_csv(url)``, a spreadsheet's web import),
``?format=csv|tsv|json|xml`` (or ``turtle|ntriples|jsonld|rdfxml`` for a CONSTRUCT) chooses the
result format. The project's prefixes (``nhskg:``, ``org:``, ``role-type:``...) are declared for
every query that leaves them out, as on the command line.
"""

from __future__ import annotations

import html
import json
import multiprocessing
import queue
import re
import threading
import time
import urllib.parse
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Mapping

import pyoxigraph as ox

from .errors import NhskgError, StoreError

__all__ = ["ServeConfig", "SparqlServer", "make_server", "RESULT_TYPES", "GRAPH_TYPES"]

#: SELECT/ASK result media types, first = default.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
#: CONSTRUCT/DESCRIBE media types, first = default.
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_RESULT_MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                 "csv": "text/csv", "tsv": "text/tab-separated-values"}
_MAX_BODY = 1_000_000
_UPDATE = re.compile(r"^\s*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", re.IGNORECASE)
_PROLOGUE = re.compile(r"^\s*(?:(?:PREFIX\s+[^\s:]*:\s*<[^>]*>|BASE\s*<[^>]*>)\s*)*", re.IGNORECASE)


@dataclass(frozen=True)
class ServeConfig:
    """How the endpoint runs; the defaults are the documented limits."""

    store: Path
    host: str = "127.0.0.1"
    port: int = 7878
    cors: str | None = None
    timeout: float = 30.0
    max_rows: int = 100_000
    workers: int = 2
    queue: int = 512
    wait: float = 60.0
    #: the curation folder the review page (/review) writes decisions to; None: no review page
    curation: Path | None = None


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


# --------------------------------------------------------------------------- worker processes


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _csv_cell(term: Any) -> str:
    text = "" if term is None else term.value
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if re.search(r'[",\r\n]', text) else text


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{html.escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{html.escape(term.value)}</bnode>"
    attrs = f' xml:lang="{html.escape(term.language)}"' if term.language else (
        f' datatype="{html.escape(term.datatype.value)}"' if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string" else "")
    return f"<literal{attrs}>{html.escape(term.value)}</literal>"


def serialize_rows(columns: list[str], rows: list[list[Any]], fmt: str) -> bytes:
    """SELECT rows of pyoxigraph terms in a W3C result format (json, xml, csv, tsv)."""
    if fmt == "json":
        bindings = [{c: _json_term(t) for c, t in zip(columns, row) if t is not None} for row in rows]
        return json.dumps({"head": {"vars": columns}, "results": {"bindings": bindings}}, ensure_ascii=False).encode()
    if fmt == "csv":
        lines = [",".join(columns)] + [",".join(_csv_cell(t) for t in row) for row in rows]
        return ("\r\n".join(lines) + "\r\n").encode()
    if fmt == "tsv":
        lines = ["\t".join("?" + c for c in columns)] + ["\t".join("" if t is None else str(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode()
    head = "".join(f'<variable name="{html.escape(c)}"/>' for c in columns)
    body = "".join(
        "<result>" + "".join(f'<binding name="{html.escape(c)}">{_xml_term(t)}</binding>' for c, t in zip(columns, row) if t is not None) + "</result>"
        for row in rows
    )
    return (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{head}</head>'
            f"<results>{body}</results></sparql>").encode()


def _boolean(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt in ("csv", "tsv"):
        return b"true\n" if value else b"false\n"
    return (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
            f"<boolean>{'true' if value else 'false'}</boolean></sparql>").encode()


def _execute(store: ox.Store, job: Mapping[str, Any]) -> tuple[int, str, bytes]:
    """Run one job in a worker: ``sparql`` (a protocol query) or ``view`` (a library query drawn as HTML)."""
    from .sparql import OxigraphSource

    max_rows = job["max_rows"]
    if job["op"] == "view":
        from .views import html as view_html, query as view_query

        model = view_query.query_view(OxigraphSource(store), job["name"], job["params"])
        return 200, "text/html; charset=utf-8", view_html.render_html(model).encode("utf-8")
    substitutions = {ox.Variable(k): v for k, v in job.get("bindings", {}).items()}
    result = store.query(job["query"], use_default_graph_as_union=True, substitutions=substitutions,
                         prefixes=job.get("prefixes") or None)
    if isinstance(result, ox.QueryBoolean):
        return 200, _RESULT_MEDIA[job["fmt"]], _boolean(bool(result), job["fmt"])
    if isinstance(result, ox.QuerySolutions):
        columns = [v.value for v in result.variables]
        rows: list[list[Any]] = []
        for solution in result:
            if len(rows) >= max_rows:
                raise _Refused(413, f"the result has more than {max_rows} rows; add a LIMIT (or use the embedded store)")
            rows.append([solution[c] for c in columns])
        return 200, _RESULT_MEDIA[job["fmt"]] + "; charset=utf-8", serialize_rows(columns, rows, job["fmt"])
    triples = []
    for triple in result:
        if len(triples) >= max_rows:
            raise _Refused(413, f"the result has more than {max_rows} triples; add a LIMIT")
        triples.append(triple)
    media, rdf_format = job["graph_media"], GRAPH_TYPES[job["graph_media"]]
    return 200, f"{media}; charset=utf-8", ox.serialize(triples, format=rdf_format)


def _worker_main(store_dir: str, connection: Any) -> None:
    from .store import GraphStore

    store = GraphStore.open(store_dir).store
    connection.send(("ready", 0, "", b""))
    while True:
        try:
            job = connection.recv()
        except EOFError:
            return
        try:
            status, media, body = _execute(store, job)
            connection.send(("ok", status, media, body))
        except _Refused as refused:
            connection.send(("error", refused.status, "", refused.message.encode()))
        except (SyntaxError, ValueError, NhskgError) as error:
            connection.send(("error", 400, "", f"bad query: {error}".encode()))
        except Exception as error:  # the engine's own errors: report, keep the worker
            connection.send(("error", 500, "", f"query failed: {type(error).__name__}: {error}".encode()))


class _Worker:
    def __init__(self, context: Any, store: Path) -> None:
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(str(store), child), daemon=True)
        self.process.start()
        child.close()
        try:
            if not self.connection.poll(60):
                raise EOFError
            self.connection.recv()
        except (EOFError, OSError):
            self.kill()
            raise StoreError(f"a query worker could not open the store {store} within 60 s; is it readable?") from None

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


class WorkerPool:
    """Worker processes holding the store; a job that overruns the time limit costs its worker its life."""

    def __init__(self, store: Path, size: int, waiting: int) -> None:
        self.store = store
        self.context = multiprocessing.get_context("forkserver")
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.slots = threading.BoundedSemaphore(max(1, waiting) + size)
        self.lock = threading.Lock()
        self.workers = [_Worker(self.context, store) for _ in range(max(1, size))]
        for worker in self.workers:
            self.idle.put(worker)
        self.killed = 0

    def run(self, job: Mapping[str, Any], timeout: float, wait: float = 60.0) -> tuple[int, str, bytes]:
        """Run ``job`` on a free worker: wait up to ``wait`` s for one, then up to ``timeout`` s for the answer."""
        if not self.slots.acquire(blocking=False):
            raise _Refused(503, "the server is busy (too many queued queries); try again shortly")
        try:
            try:
                worker = self.idle.get(timeout=wait)
            except queue.Empty:
                raise _Refused(503, f"no query worker became free within {wait:g} s; try again shortly") from None
            worker.connection.send(dict(job))
            if worker.connection.poll(timeout):
                kind, status, media, body = worker.connection.recv()
                self.idle.put(worker)
                if kind == "error":
                    raise _Refused(status, body.decode("utf-8", "replace"))
                return status, media, body
            worker.kill()
            with self.lock:
                self.killed += 1
                self.workers.remove(worker)
            replacement = _Worker(self.context, self.store)
            with self.lock:
                self.workers.append(replacement)
            self.idle.put(replacement)
            raise _Refused(503, f"the query ran longer than the time limit of {timeout:g} s and was stopped; "
                                "narrow it (filters, LIMIT) or ask for a longer --timeout")
        finally:
            self.slots.release()

    def close(self) -> None:
        for worker in list(self.workers):
            worker.kill()


# --------------------------------------------------------------------------- HTTP


def _choose(accept: str, offered: Mapping[str, Any], default: str) -> str | None:
    """The offered media type the Accept header prefers (``None`` if it accepts none)."""
    if not accept.strip():
        return default
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, index, media))
    for negative_q, _index, media in sorted(ranked):
        if negative_q >= 0:
            continue
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            return default
    return None


def _kind(query: str) -> str:
    body = _PROLOGUE.sub("", re.sub(r"(?m)#[^\n<>\"]*$", "", query), count=1)
    if _UPDATE.match(body):
        return "update"
    match = re.search(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b", body, re.IGNORECASE)
    return match.group(1).lower() if match else "select"


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.pool = WorkerPool(config.store, config.workers, config.queue)
        self._docs: bytes | None = None
        super().__init__((config.host, config.port), _Handler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/sparql"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()

    def ontology_page(self) -> bytes:
        if self._docs is None:
            from .ontology_docs import ontology_html

            self._docs = ontology_html().encode("utf-8")
        return self._docs


def make_server(config: ServeConfig) -> SparqlServer:
    """A ready server (call ``serve_forever``); raises :class:`StoreError` if the store cannot be opened."""
    from .store import GraphStore

    GraphStore.open(config.store).close()  # fail here, with the store's own message, not in a worker
    try:
        return SparqlServer(config)
    except OSError as error:
        raise StoreError(f"cannot listen on {config.host}:{config.port}: {error.strerror}; choose another --port") from error


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "nhskg-serve"

    def log_message(self, format: str, *args: Any) -> None:  # the CLI decides what to print
        pass

    # -- plumbing
    def _send(self, status: int, media: str, body: bytes, extra: Mapping[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        if self.server.config.cors:
            self.send_header("Access-Control-Allow-Origin", self.server.config.cors)
            self.send_header("Vary", "Origin")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

    def do_OPTIONS(self) -> None:
        extra = {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                 "Access-Control-Allow-Headers": "Content-Type, Accept"} if self.server.config.cors else {}
        self._send(204, "text/plain", b"", extra)

    def do_GET(self) -> None:
        self._dispatch(None)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_BODY:
            self.close_connection = True
            return self._error(413, f"request body over {_MAX_BODY} bytes")
        self._dispatch(self.rfile.read(length))

    def do_PUT(self) -> None:
        self.close_connection = True
        self._error(403, "this endpoint is read-only: updates and Graph Store writes are refused")

    do_DELETE = do_PUT

    def _dispatch(self, body: bytes | None) -> None:
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        try:
            if url.path in ("/sparql", "/query"):
                return self._sparql(params, body)
            if url.path == "/review" or url.path.startswith("/review/"):  # writes decision files only (nhskg.curation.page)
                from .curation.page import review_route

                return self._send(*review_route(self.server, url.path, params, body, self.headers))
            if body is not None:
                raise _Refused(405, "POST is accepted on /sparql only")
            if url.path == "/":
                return self._send(200, "text/html; charset=utf-8", _index_page(self.server).encode("utf-8"))
            if url.path == "/run":
                return self._run(params)
            if url.path == "/run.csv":
                return self._run_csv(params)
            if url.path == "/editor":
                return self._editor(params)
            if url.path == "/view":
                return self._view(params)
            if url.path == "/ontology":
                return self._send(200, "text/html; charset=utf-8", self.server.ontology_page())
            raise _Refused(404, f"no page {url.path}; try / or /sparql")
        except _Refused as refused:
            self._error(refused.status, refused.message)
        except NhskgError as error:
            self._error(400, str(error))

    # -- the protocol
    def _sparql(self, params: dict[str, list[str]], body: bytes | None) -> None:
        media = (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        if "update" in params:
            raise _Refused(403, "this endpoint is read-only: SPARQL Update is refused")
        query = params.get("query", [None])[0]
        if body is not None:
            if media == "application/sparql-update":
                raise _Refused(403, "this endpoint is read-only: SPARQL Update is refused")
            if media == "application/sparql-query":
                query = body.decode("utf-8", "replace")
            elif media == "application/x-www-form-urlencoded":
                form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
                if "update" in form:
                    raise _Refused(403, "this endpoint is read-only: SPARQL Update is refused")
                query = form.get("query", [query])[0]
            else:
                raise _Refused(415, "POST a query as application/x-www-form-urlencoded (query=...) or application/sparql-query")
        if not query:
            raise _Refused(400, "no query: pass ?query=... (GET) or POST one")
        kind = _kind(query)
        if kind == "update":
            raise _Refused(403, "this endpoint is read-only: SPARQL Update is refused")
        accept = _format_accept(params, body, media) or self.headers.get("Accept") or ""
        job: dict[str, Any] = {"op": "sparql", "query": query, "max_rows": self.server.config.max_rows,
                               "prefixes": _query_prefixes(query)}
        if kind in ("construct", "describe"):
            chosen = _choose(accept, GRAPH_TYPES, "text/turtle")
            if chosen is None:
                raise _Refused(406, f"cannot answer a {kind.upper()} as {accept}; accept one of {', '.join(GRAPH_TYPES)}")
            job.update(graph_media=chosen, fmt="json")
        else:
            chosen = _choose(accept, RESULT_TYPES, "application/sparql-results+json")
            if chosen is None:
                raise _Refused(406, f"cannot answer a {kind.upper()} as {accept}; accept one of {', '.join(RESULT_TYPES)}")
            job["fmt"] = RESULT_TYPES[chosen]
        status, media_out, data = _run_plain(self.server, job)
        self._send(status, media_out, data)

    # -- the page
    def _library_params(self, params: dict[str, list[str]]) -> tuple[Any, dict[str, str]]:
        from .queries import load_queries

        library = load_queries()
        name = params.get("name", [""])[0]
        if name not in library:
            raise _Refused(404, f"no library query '{name}'; see the list at /")
        query = library[name]
        values = {p.name: params[p.name][0] for p in query.parameters if params.get(p.name, [""])[0] != ""}
        return query, values

    def _run(self, params: dict[str, list[str]]) -> None:
        from .queries import bind
        from .sparql import to_oxigraph

        query, values = self._library_params(params)
        bindings = {k: to_oxigraph(v) for k, v in bind(query, values).items()}
        job = {"op": "sparql", "query": query.text, "bindings": bindings, "fmt": "json",
               "graph_media": "application/n-triples", "max_rows": self.server.config.max_rows}
        _status, media, data = self.server.pool.run(job, self.server.config.timeout, self.server.config.wait)
        page = _result_page(query, values, media, data, self.server)
        self._send(200, "text/html; charset=utf-8", page.encode("utf-8"))

    def _view(self, params: dict[str, list[str]]) -> None:
        from .queries import bind

        query, values = self._library_params(params)
        bind(query, values)  # a bad value is a 400 here, not a worker error
        job = {"op": "view", "name": query.name, "params": values, "max_rows": self.server.config.max_rows}
        status, media, data = self.server.pool.run(job, self.server.config.timeout, self.server.config.wait)
        self._send(status, media, data)

    def _run_csv(self, params: dict[str, list[str]]) -> None:
        """A library query's result as CSV for a spreadsheet: the table the page shows, codes not IRIs."""
        from .queries import bind
        from .results import to_csv
        from .sparql import to_oxigraph

        query, values = self._library_params(params)
        bindings = {k: to_oxigraph(v) for k, v in bind(query, values).items()}
        job = {"op": "sparql", "query": query.text, "bindings": bindings, "fmt": "json",
               "graph_media": "application/n-triples", "max_rows": self.server.config.max_rows}
        _status, media, data = self.server.pool.run(job, self.server.config.timeout, self.server.config.wait)
        if media.startswith("application/n-triples"):
            raise _Refused(406, f"query '{query.name}' is a CONSTRUCT; ask /sparql for it with ?format=turtle")
        table = _library_table(query, data)
        if isinstance(table, bool):
            raise _Refused(406, f"query '{query.name}' is an ASK; its answer is on /run")
        self._send(200, "text/csv; charset=utf-8", to_csv(table, readable=True).encode("utf-8"),
                   {"Content-Disposition": f'attachment; filename="{query.name}.csv"'})

    def _editor(self, params: dict[str, list[str]]) -> None:
        """The SPARQL editor: a textarea (a library query's text as an example), and the result below."""
        from .queries import load_queries

        text = params.get("query", [""])[0]
        example = params.get("example", [""])[0]
        if not text and example:
            library = load_queries()
            if example not in library:
                raise _Refused(404, f"no library query '{example}'; see the list at /")
            text = library[example].text
        result = ""
        if text and not example:
            if _kind(text) == "update":
                raise _Refused(403, "this endpoint is read-only: SPARQL Update is refused")
            try:
                job = {"op": "sparql", "query": text, "fmt": "json", "graph_media": "application/n-triples",
                       "max_rows": self.server.config.max_rows, "prefixes": _query_prefixes(text)}
                _status, media, data = _run_plain(self.server, job)
                result = _editor_result(text, media, data, self.server)
            except _Refused as refused:
                result = f'<p class="error" id="error"><b>Not run:</b></p><pre>{html.escape(refused.message)}</pre>'
        self._send(200, "text/html; charset=utf-8", _editor_page(text, result).encode("utf-8"))


# --------------------------------------------------------------------------- HTML

_STYLE = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:75em}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top;font-size:90%}"
          "fieldset{margin:1em 0}label{display:block;margin:.2em 0}")


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_STYLE}</style></head><body>{body}</body></html>")


def _index_page(server: Any = None) -> str:
    from .queries import load_queries

    e = html.escape
    library = load_queries()
    based_on = _based_on(server) if server is not None else ""
    parts = ["<h1>nhskg: who is accountable for what</h1>",
             '<p>SPARQL endpoint: <code>/sparql</code> (GET or POST, read-only; <code>?format=csv</code>, '
             '<code>tsv</code>, <code>json</code> or <code>xml</code> picks the result format). '
             '<a href="/ontology">Ontology documentation</a>.</p>']
    if based_on:
        parts.append(f'<p id="based-on">The graph is {e(based_on)}. Postings are what was advertised, '
                     "not every post that exists; only postings modelled in full carry duties, lines and designations.</p>")
    options = "".join(f'<option value="{e(name)}">{e(query.title)}</option>' for name, query in library.items())
    parts.append(
        '<fieldset id="editor"><legend>Write your own query</legend>'
        "<p>Any SPARQL SELECT, ASK or CONSTRUCT; the prefixes nhskg:, org:, schema:, skos:, prov:, dcterms:, "
        "rdfs:, xsd:, data: and one per vocabulary (role-type:, designation:, body:, duty-area:...) need no "
        "PREFIX line.</p>"
        '<form action="/editor" method="get"><textarea name="query" rows="10" cols="100" spellcheck="false">'
        "SELECT ?role ?label (COUNT(DISTINCT ?posting) AS ?postings)\nWHERE {\n  ?posting nhskg:advertises ?post .\n"
        "  ?post org:role ?role .\n  ?role skos:prefLabel ?label .\n}\nGROUP BY ?role ?label\nORDER BY DESC(?postings)"
        '</textarea><br><button type="submit">Run</button></form>'
        f'<form action="/editor" method="get">Start from a library query: <select name="example">{options}</select> '
        '<button type="submit">Open in the editor</button></form></fieldset>'
    )
    parts.append(_label_lists())
    for name, query in library.items():
        fields = "".join(
            f'<label>{e(p.name)} <small>({e(p.type)})</small> '
            f'<input name="{e(p.name)}" value="{e(p.default or "")}"'
            + (f' list="labels-{e(p.scheme)}"' if p.scheme else "")
            + f'> <small>{e(p.description)}{" (code, label or acronym)" if p.scheme else ""}</small></label>'
            for p in query.parameters
        )
        parts.append(
            f'<fieldset><legend>{e(query.title)}</legend><p>{e(query.question)}</p>'
            f'<form action="/run" method="get"><input type="hidden" name="name" value="{e(name)}">{fields}'
            f'<button type="submit">Run</button> '
            f'<button type="submit" formaction="/run.csv">Download CSV</button> '
            f'<button type="submit" formaction="/view">Graph view</button></form></fieldset>'
        )
    return _page("nhskg queries", "".join(parts))


def _label_lists() -> str:
    """A ``<datalist>`` of preferred labels per concept scheme a parameter takes, so the form suggests them."""
    from .queries import load_queries
    from .vocab import load_vocabulary

    schemes = sorted({p.scheme for q in load_queries().values() for p in q.parameters if p.scheme})
    vocabulary = load_vocabulary()
    lists = []
    for name in schemes:
        try:
            concepts = vocabulary.scheme(name).concepts
        except NhskgError:
            continue
        options = "".join(f'<option value="{html.escape(c.pref_label)}">' for c in sorted(concepts, key=lambda c: c.pref_label))
        lists.append(f'<datalist id="labels-{html.escape(name)}">{options}</datalist>')
    return "".join(lists)


def _term_from_json(value: Mapping[str, str] | None) -> Any:
    """A SPARQL JSON term as an rdflib term (the worker answers the page in SPARQL JSON)."""
    from rdflib.term import BNode, Literal, URIRef

    if value is None:
        return None
    if value.get("type") == "uri":
        return URIRef(value["value"])
    if value.get("type") == "bnode":
        return BNode(value["value"])
    if value.get("xml:lang"):
        return Literal(value["value"], lang=value["xml:lang"])
    if value.get("datatype"):
        return Literal(value["value"], datatype=URIRef(value["datatype"]))
    return Literal(value["value"])


def _json_table(data: bytes) -> Any:
    """The worker's SPARQL JSON as a :class:`~nhskg.sparql.Table` (or a bool for ASK)."""
    from .sparql import Table

    result = json.loads(data)
    if "boolean" in result:
        return bool(result["boolean"])
    columns = tuple(result["head"]["vars"])
    rows = tuple(tuple(_term_from_json(b.get(c)) for c in columns) for b in result["results"]["bindings"])
    return Table(columns, rows)


def _library_table(query: Any, data: bytes) -> Any:
    """A library query's rows as the CLI shows them: its header's columns, and its quartiles computed."""
    from .queries import _project, _summarise

    table = _json_table(data)
    if isinstance(table, bool):
        return table
    return _summarise(query, table) if query.quantiles is not None else _project(query, table)


def _shown(term: Any) -> str:
    """A cell as a person reads it: a vocabulary concept by its label, a graph IRI by its short name."""
    from rdflib.term import URIRef

    from .labels import label_of
    from .namespaces import VOCAB_BASE
    from .results import short_name

    if term is None:
        return ""
    if isinstance(term, URIRef) and str(term).startswith(VOCAB_BASE):
        scheme, _, code = str(term)[len(VOCAB_BASE):].partition("/")
        return label_of(code, scheme)
    return short_name(term)


def _html_table(table: Any) -> str:
    e = html.escape
    head = "<tr>" + "".join(f"<th>{e(c)}</th>" for c in table.columns) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{e(_shown(t))}</td>" for t in row) + "</tr>" for row in table.rows)
    return f"<p>{len(table.rows)} row(s)</p><table>{head}{body}</table>"


def _cell(value: Mapping[str, str] | None) -> str:
    return html.escape(_shown(_term_from_json(value)))


def _result_page(query: Any, values: Mapping[str, str], media: str, data: bytes, server: Any = None) -> str:
    e = html.escape
    query_string = urllib.parse.urlencode({"name": query.name, **values})
    head = (f'<p><a href="/">All queries</a> · <a href="{e("/view?" + query_string)}">Graph view</a> · '
            f'<a id="csv" href="{e("/run.csv?" + query_string)}">Download CSV</a> · '
            f'<a href="{e("/editor?" + urllib.parse.urlencode({"example": query.name}))}">Open in the editor</a></p>'
            f"<h1>{e(query.title)}</h1><p>{e(query.question)}</p>")
    if media.startswith("application/n-triples"):
        return _page(query.title, head + f"<pre>{e(data.decode('utf-8'))}</pre>")
    table = _library_table(query, data)
    if isinstance(table, bool):
        return _page(query.title, head + f"<p>{'yes' if table else 'no'}</p>")
    roles = [str(v) for p, v in _bound(query, values).items() if query.parameter(p).scheme == "role-type"]
    based_on = _based_on(server, roles) if server is not None else ""
    foot = f'<p id="based-on">{e(based_on[:1].upper() + based_on[1:])}.</p>' if based_on else ""
    return _page(query.title, head + _html_table(table) + foot)


def _bound(query: Any, values: Mapping[str, str]) -> dict[str, Any]:
    from .queries import bind

    return bind(query, values)


def _format_accept(params: Mapping[str, list[str]], body: bytes | None, media: str) -> str | None:
    """The media type ``format=`` names (query string, or the form body of a POST), for clients
    that cannot set an Accept header; None when no format is asked for."""
    wanted = params.get("format", [""])[0]
    if not wanted and body is not None and media == "application/x-www-form-urlencoded":
        wanted = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("format", [""])[0]
    if not wanted:
        return None
    media_type = FORMAT_MEDIA.get(wanted.strip().lower())
    if media_type is None:
        raise _Refused(400, f"unknown format '{wanted}'; use one of {', '.join(FORMAT_MEDIA)}")
    return media_type


#: ``?format=`` values and the media types they stand for.
FORMAT_MEDIA = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "ntriples": "application/n-triples",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


def _query_prefixes(query: str) -> dict[str, str]:
    """The project's prefixes the query uses without declaring; an unknown one is refused in plain words."""
    from .prologue import default_prefixes, undeclared, unknown_prefix_message

    known = default_prefixes()
    needed, unknown = undeclared(query, known)
    if unknown:
        name, line, column = unknown[0]
        raise _Refused(400, "bad query: " + unknown_prefix_message(query, name, line, column, known))
    return needed


def _run_plain(server: Any, job: Mapping[str, Any]) -> tuple[int, str, bytes]:
    """Run a protocol job; the engine's syntax error comes back in plain words with line and column."""
    from .prologue import explain

    try:
        return server.pool.run(job, server.config.timeout, server.config.wait)
    except _Refused as refused:
        if refused.status == 400 and "error at " in refused.message:
            message = refused.message.removeprefix("bad query: ")
            raise _Refused(400, "bad query: " + explain(job["query"], message)) from None
        raise


def _based_on(server: Any, roles: list[str] | tuple[str, ...] = ()) -> str:
    """What the served graph rests on, from the coverage queries run by a worker (the totals are
    read once: the store is read-only while it is served)."""
    from rdflib.term import Literal

    from .coverage import Count, Coverage
    from .queries import load_query

    def rows(name: str, bindings: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        from .sparql import to_oxigraph

        job = {"op": "sparql", "query": load_query(f"analysis/{name}").text, "fmt": "json", "max_rows": 10_000,
               "bindings": {k: to_oxigraph(v) for k, v in (bindings or {}).items()}}
        _status, _media, data = server.pool.run(job, server.config.timeout, server.config.wait)
        return list(_json_table(data).rows)

    def number(term: Any) -> int:
        return int(term.toPython()) if isinstance(term, Literal) else 0

    try:
        totals = getattr(server, "_nhskg_coverage", None)
        if totals is None:
            found = rows("coverage")
            postings, full, dated, first, last = found[0] if found else (None,) * 5
            totals = Coverage(number(postings), number(full), number(dated),
                              None if first is None else str(first), None if last is None else str(last))
            server._nhskg_coverage = totals
        counts = []
        for role in roles:
            from rdflib.term import URIRef

            found = rows("coverage-by-role", {"role": URIRef(role)})
            code = role.rsplit("/", 1)[-1]
            if found:
                _role, label, postings, full = found[0]
                counts.append(Count(code, str(label or code), number(postings), number(full)))
            else:
                from .labels import label_of

                counts.append(Count(code, label_of(code, "role-type"), 0, 0))
        return totals.footer(counts)
    except (_Refused, NhskgError, KeyError, ValueError):
        return ""  # a page without its footer rather than no page


def _editor_result(text: str, media: str, data: bytes, server: Any) -> str:
    e = html.escape
    links = " · ".join(
        f'<a {"id=" + chr(34) + "csv" + chr(34) + " " if fmt == "csv" else ""}href="{e("/sparql?" + urllib.parse.urlencode({"query": text, "format": fmt}))}">'
        f'{"Download CSV" if fmt == "csv" else fmt.upper()}</a>'
        for fmt in ("csv", "tsv", "json", "xml")
    )
    if media.startswith("application/n-triples"):
        turtle = e("/sparql?" + urllib.parse.urlencode({"query": text, "format": "turtle"}))
        return f'<p><a href="{turtle}">Turtle</a></p><pre>{e(data.decode("utf-8"))}</pre>'
    table = _json_table(data)
    if isinstance(table, bool):
        return f"<p>{'yes' if table else 'no'}</p>"
    based_on = _based_on(server)
    foot = f'<p id="based-on">{e(based_on[:1].upper() + based_on[1:])}.</p>' if based_on else ""
    return f"<p>{links}</p>{_html_table(table)}{foot}"


def _editor_page(text: str, result: str) -> str:
    e = html.escape
    return _page("nhskg: your own query", (
        '<p><a href="/">All queries</a></p><h1>Your own query</h1>'
        "<p>The project's prefixes (nhskg:, org:, schema:, skos:, role-type:, designation:...) need no PREFIX line.</p>"
        f'<form action="/editor" method="get"><textarea name="query" rows="18" cols="110" spellcheck="false">{e(text)}'
        '</textarea><br><button type="submit">Run</button></form>' + result
    ))


def serve_in_thread(config: ServeConfig) -> tuple[SparqlServer, threading.Thread]:
    """Start a server on a background thread (for tests and notebooks); stop it with ``shutdown()``."""
    server = make_server(config)
    thread = threading.Thread(target=server.serve_forever, name="nhskg-serve", daemon=True)
    thread.start()
    return server, thread
