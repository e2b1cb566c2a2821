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

The page at ``/`` lists the query library with a form per query; ``/run`` shows a result as a
table, ``/view`` draws it with :mod:`nhskg.views`, ``/ontology`` shows the ontology docs.
Everything on the pages is escaped and inline; nothing loads from another site.
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
    result = store.query(job["query"], use_default_graph_as_union=True, substitutions=substitutions)
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
                return self._send(200, "text/html; charset=utf-8", _index_page().encode("utf-8"))
            if url.path == "/run":
                return self._run(params)
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
        accept = self.headers.get("Accept") or ""
        job: dict[str, Any] = {"op": "sparql", "query": query, "max_rows": self.server.config.max_rows}
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
        status, media_out, data = self.server.pool.run(job, self.server.config.timeout, self.server.config.wait)
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
        page = _result_page(query, values, media, data)
        self._send(200, "text/html; charset=utf-8", page.encode("utf-8"))

    def _view(self, params: dict[str, list[str]]) -> None:
        from .queries import bind

        query, values = self._library_params(params)
        bind(query, values)  # a bad value is a 400 here, not a worker error
        job = {"op": "view", "name": query.name, "params": values, "max_rows": self.server.config.max_rows}
        status, media, data = self.server.pool.run(job, self.server.config.timeout, self.server.config.wait)
        self._send(status, media, data)


# --------------------------------------------------------------------------- HTML

_STYLE = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:75em}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top;font-size:90%}"
          "fieldset{margin:1em 0}label{display:block;margin:.2em 0}")


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_STYLE}</style></head><body>{body}</body></html>")


def _index_page() -> str:
    from .queries import load_queries

    e = html.escape
    parts = ["<h1>nhskg: who is accountable for what</h1>",
             '<p>SPARQL endpoint: <code>/sparql</code> (GET or POST, read-only). '
             '<a href="/ontology">Ontology documentation</a>.</p>']
    for name, query in load_queries().items():
        fields = "".join(
            f'<label>{e(p.name)} <small>({e(p.type)})</small> '
            f'<input name="{e(p.name)}" value="{e(p.default or "")}"> <small>{e(p.description)}</small></label>'
            for p in query.parameters
        )
        parts.append(
            f'<fieldset><legend>{e(query.title)}</legend><p>{e(query.question)}</p>'
            f'<form action="/run" method="get"><input type="hidden" name="name" value="{e(name)}">{fields}'
            f'<button type="submit">Run</button> '
            f'<button type="submit" formaction="/view">Graph view</button></form></fieldset>'
        )
    return _page("nhskg queries", "".join(parts))


def _cell(value: Mapping[str, str] | None) -> str:
    if value is None:
        return ""
    return html.escape(value.get("value", ""))


def _result_page(query: Any, values: Mapping[str, str], media: str, data: bytes) -> str:
    e = html.escape
    link = "/view?" + urllib.parse.urlencode({"name": query.name, **values})
    head = (f'<p><a href="/">All queries</a> · <a href="{e(link)}">Graph view</a></p>'
            f"<h1>{e(query.title)}</h1><p>{e(query.question)}</p>")
    if media.startswith("application/n-triples"):
        return _page(query.title, head + f"<pre>{e(data.decode('utf-8'))}</pre>")
    result = json.loads(data)
    if "boolean" in result:
        return _page(query.title, head + f"<p>{'yes' if result['boolean'] else 'no'}</p>")
    columns = list(query.columns) or result["head"]["vars"]
    rows = result["results"]["bindings"]
    table = "<tr>" + "".join(f"<th>{e(c)}</th>" for c in columns) + "</tr>" + "".join(
        "<tr>" + "".join(f"<td>{_cell(row.get(c))}</td>" for c in columns) + "</tr>" for row in rows
    )
    return _page(query.title, head + f"<p>{len(rows)} row(s)</p><table>{table}</table>")


def serve_in_thread(config: ServeConfig) -> tuple[SparqlServer, threading.Thread]:
    """Start a server on a background thread (for tests and notebooks); stop it with ``shutdown()``."""
    server = make_server(config)
    thread = threading.Thread(target=server.serve_forever, name="nhskg-serve", daemon=True)
    thread.start()
    return server, thread
