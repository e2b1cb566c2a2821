"""The routes of ``nhskg serve``: the server, the request handler, and how each page is answered.

Takes a :class:`ServeConfig`; gives a :class:`SparqlServer` whose handler routes ``/sparql`` to the
protocol (:mod:`.protocol`), the library and editor pages to the HTML (:mod:`.pages`), every query
to the worker pool (:mod:`.workers`), and holds every connection to the limits of :mod:`.limits`.
What the server promises is in the package docstring (:mod:`nhskg.serve`).
"""

from __future__ import annotations

import html
import math
import socket
import threading
import urllib.parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping, cast

from ..errors import NhskgError, QueryRefused, StoreError, echoed
from ..sparql.querycheck import ENGINE_STACK, MAX_DEPTH, MAX_QUERY_BYTES, check, scan
from .limits import BoundedServer, GuardedHandler, _Connection, _default_max_connections
from .pages import _download_links, _editor_page, _editor_result, _index_page, _result_page
from .protocol import GRAPH_TYPES, RESULT_TYPES, _choose, _format_accept, _query_prefixes, _Refused, _run_plain
from .engine import _size
from .workers import WorkerPool

__all__ = ["ServeConfig", "SparqlServer", "make_server", "serve_in_thread"]


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
    #: Standby processes for quick queries while the workers are busy with long ones.
    spare: int = 1
    #: Seconds after which a running query no longer counts against ``workers``.
    heavy_after: float = 1.0
    #: Queries one client (address) may have running at once, and in flight (running or waiting).
    per_client: int = 1
    per_client_queue: int = 64
    max_query_bytes: int = MAX_QUERY_BYTES
    max_depth: int = MAX_DEPTH
    #: Endpoints a SERVICE may name (exactly); none by default.
    allow_services: tuple[str, ...] = ()
    #: Seconds a connection has to send a request's line and headers (from opening, or from the
    #: previous answer), and then its body.
    idle_timeout: float = 10.0
    body_timeout: float = 30.0
    #: Connections open at once; 0 = 512, or half the open-file limit if that is lower.
    max_connections: int = 0
    #: Connections open at once from one address (as many as it may have queries in flight).
    max_per_address: int = 64
    #: Bytes one answer may have, counted as the worker writes it (413 past it); 64 MB.
    max_response_bytes: int = 64_000_000
    #: Bytes of answers their clients have not read yet that one address may leave (a query past
    #: it is a 429; an address holding none may always have one answer), and all addresses (past
    #: it, the answers longest untouched by their clients are dropped).
    max_unread_per_address: int = 128_000_000
    max_unread: int = 512_000_000
    #: Bytes of an answer the editor page shows (past it, the page says so and links the download).
    max_editor_bytes: int = 4_000_000
    #: Rows the /run page shows of a result (past them, it says how many there are; the CSV has all).
    max_page_rows: int = 1_000
    #: Memory each query worker may use (RLIMIT_DATA, its engine stack included); 0: no limit.
    worker_memory: int = 2_000_000_000


class SparqlServer(BoundedServer):
    daemon_threads = True
    request_queue_size = 1024

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.pool = WorkerPool(config.store, config.workers, config.queue, spare=config.spare,
                               per_client=config.per_client, per_client_queue=config.per_client_queue,
                               heavy_after=config.heavy_after, stack=_stack_for(config.max_query_bytes),
                               memory=config.worker_memory)
        self.max_connections = config.max_connections or _default_max_connections()
        self.max_per_address = max(1, config.max_per_address)
        self.connections: dict[socket.socket, _Connection] = {}
        self.connections_lock = threading.Lock()
        self.evicted = 0
        self.refused = 0
        self.max_unread_per_address = config.max_unread_per_address
        self.max_unread = config.max_unread
        self.unread = []
        self.dropped = 0
        self._docs: bytes | None = None
        try:
            super().__init__((config.host, config.port), _Handler)
        except BaseException:
            self.pool.close()
            raise

    @property
    def url(self) -> str:
        host, port = cast("tuple[str, int]", self.server_address[:2])  # TCP; typeshed allows any socket's address
        return f"http://{host}:{port}/sparql"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()

    def ontology_page(self) -> bytes:
        if self._docs is None:
            from ..vocabulary.ontology_docs import ontology_html

            self._docs = ontology_html().encode("utf-8")
        return self._docs


def _stack_for(max_query_bytes: int) -> int:
    """The engine's stack for queries up to ``max_query_bytes``: the measured 2 KB a byte, doubled."""
    return max(ENGINE_STACK, 4096 * max_query_bytes)


def _least_memory(config: ServeConfig) -> int:
    """The memory a worker needs: its engine stack, and 256 MB for the interpreter, the engine and
    the store (over the 2020 corpus: 100 MB once started, 200 MB while it opens the store)."""
    return _stack_for(config.max_query_bytes) + 256 * 2**20


def make_server(config: ServeConfig) -> SparqlServer:
    """A ready server (call ``serve_forever``); raises :class:`StoreError` if the store cannot be opened."""
    from ..graph.store import GraphStore

    least = math.ceil(_least_memory(config) / 1_000_000)
    if 0 < config.worker_memory < least * 1_000_000:
        raise NhskgError(f"a query worker needs at least {least:,} MB of memory to start (its engine stack alone is "
                         f"{_stack_for(config.max_query_bytes) // 1_000_000:,} MB); give --worker-memory-mb {least} or more, "
                         "or 0 for no limit")
    GraphStore.open(config.store).close()  # fail here, with the store's own message, not in a worker
    try:
        return SparqlServer(config)
    except OSError as error:
        raise StoreError(f"cannot listen on {config.host}:{config.port}: {error.strerror}; choose another --port") from error


class _Handler(GuardedHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = "nhskg-serve"

    def log_message(self, format: str, *args: Any) -> None:  # the CLI decides what to print
        pass

    def do_OPTIONS(self) -> None:
        extra = {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                 "Access-Control-Allow-Headers": "Content-Type, Accept"} if self.server.config.cors else {}
        self._send(204, "text/plain", b"", extra)

    def do_GET(self) -> None:
        self._dispatch(None)

    do_HEAD = do_GET

    def do_PUT(self) -> None:
        self._refuse_body(403, "this endpoint is read-only: updates and Graph Store writes are refused")

    do_DELETE = do_PUT

    def _dispatch(self, body: bytes | None) -> None:
        url = urllib.parse.urlsplit(self.path)
        params = urllib.parse.parse_qs(url.query, keep_blank_values=True)
        try:
            if url.path in ("/sparql", "/query"):
                return self._sparql(params, body)
            if url.path == "/review" or url.path.startswith("/review/"):  # writes decision files only (nhskg.review.page)
                from ..review.page import review_route

                return self._send(*review_route(self.server, self._pool_run, url.path, params, body, self.headers))
            if body is not None:
                raise _Refused(405, "POST is accepted on /sparql only")
            if url.path == "/":
                return self._send(200, "text/html; charset=utf-8", _index_page(self.server, self._pool_run).encode("utf-8"))
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
            raise _Refused(404, f"no page {echoed(url.path)}; try / or /sparql")
        except _Refused as refused:
            self._error(refused.status, refused.message, refused.retry)
        except NhskgError as error:
            cause = error.__cause__  # a page's query the workers refused (429, 503...): say so, not 400
            if isinstance(cause, _Refused) and cause.status != 400:
                self._error(cause.status, cause.message, cause.retry)
            else:
                self._error(400, str(error))

    def _pool_run(self, job: Mapping[str, Any]) -> tuple[int, str, bytes]:
        """Run ``job`` on the workers for the address that sent this request: the one way every page
        runs a query (handed to the pages as their ``run``), so none runs one as nobody in particular;
        none gets an answer larger than ``max_response_bytes`` (unless the job asks for less), and none
        runs for a client that has left as many answers unread as it may (429)."""
        config, address = self.server.config, self.client_address[0]

        def unread_within_share() -> None:  # its earlier answers still unread: run nothing
            refusal = self.server.unread_refusal(address, config.max_response_bytes)
            if refusal is not None:
                raise _Refused(429, refusal, retry=1)

        unread_within_share()  # now, and again once a worker is free (answers sent meanwhile may be unread)
        job = {"max_response_bytes": config.max_response_bytes, **job}
        return self.server.pool.run(job, config.timeout, config.wait, client=address, before=unread_within_share)

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
        config = self.server.config
        try:
            shape = check(query, max_bytes=config.max_query_bytes, max_depth=config.max_depth,
                          allow_services=config.allow_services)
        except QueryRefused as refused:
            raise _Refused(400, str(refused)) from None
        if shape.form == "update":
            raise _Refused(403, "this endpoint is read-only: SPARQL Update is refused")
        kind = shape.form if shape.form in ("select", "ask", "construct", "describe") else "select"
        accept = _format_accept(params, body, media) or self.headers.get("Accept") or ""
        job: dict[str, Any] = {"op": "sparql", "query": query, "max_rows": config.max_rows,
                               "prefixes": _query_prefixes(query), "allow_services": list(config.allow_services),
                               "max_bytes": config.max_query_bytes, "max_depth": config.max_depth}
        if kind in ("construct", "describe"):
            chosen = _choose(accept, GRAPH_TYPES, "text/turtle")
            if chosen is None:
                raise _Refused(406, f"cannot answer a {kind.upper()} as {echoed(accept)}; accept one of {', '.join(GRAPH_TYPES)}")
            job.update(graph_media=chosen, fmt="json")
        else:
            chosen = _choose(accept, RESULT_TYPES, "application/sparql-results+json")
            if chosen is None:
                raise _Refused(406, f"cannot answer a {kind.upper()} as {echoed(accept)}; accept one of {', '.join(RESULT_TYPES)}")
            job["fmt"] = RESULT_TYPES[chosen]
        status, media_out, data = _run_plain(self._pool_run, job)
        self._send(status, media_out, data)

    # -- the page
    def _library_params(self, params: dict[str, list[str]]) -> tuple[Any, dict[str, str]]:
        from ..queries.library import load_queries

        library = load_queries()
        name = params.get("name", [""])[0]
        if name not in library:
            raise _Refused(404, f"no library query '{echoed(name)}'; see the list at /")
        query = library[name]
        values = {p.name: params[p.name][0] for p in query.parameters if params.get(p.name, [""])[0] != ""}
        return query, values

    def _library_job(self, params: dict[str, list[str]]) -> tuple[Any, dict[str, str], dict[str, Any]]:
        """The library query ``params`` names, its values, and the worker job that runs it with them bound
        (JSON results), for the result page and its CSV download alike."""
        from ..queries.binding import bind
        from ..sparql.sources import to_oxigraph

        query, values = self._library_params(params)
        bindings = {k: to_oxigraph(v) for k, v in bind(query, values).items()}
        job = {"op": "sparql", "query": query.text, "bindings": bindings, "fmt": "json",
               "graph_media": "application/n-triples", "max_rows": self.server.config.max_rows}
        return query, values, job

    def _run(self, params: dict[str, list[str]]) -> None:
        query, values, job = self._library_job(params)
        if query.quantiles is None:  # the page's first rows, and the count of all (quartiles need every row)
            job["shown"] = self.server.config.max_page_rows
        _status, media, data = self._pool_run(job)
        page = _result_page(query, values, media, data, self.server, self._pool_run)
        self._send(200, "text/html; charset=utf-8", page.encode("utf-8"))

    def _view(self, params: dict[str, list[str]]) -> None:
        from ..queries.binding import bind

        query, values = self._library_params(params)
        bind(query, values)  # a bad value is a 400 here, not a worker error
        job = {"op": "view", "name": query.name, "params": values, "max_rows": self.server.config.max_rows}
        status, media, data = self._pool_run(job)
        self._send(status, media, data)

    def _run_csv(self, params: dict[str, list[str]]) -> None:
        """A library query's result as CSV for a spreadsheet: the table the page shows (a CONSTRUCT's
        triples as rows), codes not IRIs, made by the worker (the server passes its bytes on)."""
        query, _values, job = self._library_job(params)
        if query.kind == "ask":
            raise _Refused(406, f"query '{query.name}' is an ASK; its answer is on /run")
        _status, media, data = self._pool_run({**job, "op": "csv", "library": query})
        self._send(200, media, data, {"Content-Disposition": f'attachment; filename="{query.name}.csv"'})

    def _editor(self, params: dict[str, list[str]]) -> None:
        """The SPARQL editor: a textarea (a library query's text as an example), and the result below."""
        from ..queries.library import load_queries

        text = params.get("query", [""])[0]
        example = params.get("example", [""])[0]
        if not text and example:
            library = load_queries()
            if example not in library:
                raise _Refused(404, f"no library query '{echoed(example)}'; see the list at /")
            text = library[example].text
        result, status, extra = "", 200, {}
        if text and not example:
            if scan(text).form == "update":
                raise _Refused(403, "this endpoint is read-only: SPARQL Update is refused")
            try:
                config = self.server.config
                try:  # the same gate as /sparql: size, nesting and SERVICE, before any engine sees it
                    check(text, max_bytes=config.max_query_bytes, max_depth=config.max_depth, allow_services=config.allow_services)
                except QueryRefused as refused:
                    raise _Refused(400, str(refused)) from None
                job = {"op": "sparql", "query": text, "fmt": "json", "graph_media": "application/n-triples",
                       "max_rows": config.max_rows, "prefixes": _query_prefixes(text), "allow_services": list(config.allow_services),
                       "max_bytes": config.max_query_bytes, "max_depth": config.max_depth,
                       "max_response_bytes": min(config.max_editor_bytes, config.max_response_bytes)}
                _status, media, data = _run_plain(self._pool_run, job)
                result = _editor_result(text, media, data, self.server, self._pool_run)
            except _Refused as refused:  # shown on the page, under the refusal's own status
                result = f'<p class="error" id="error"><b>Not run:</b></p><pre>{html.escape(refused.message)}</pre>'
                status = refused.status
                extra = {"Retry-After": str(refused.retry)} if refused.retry is not None else {}
                if refused.status == 413:  # too large for this page: the links ask /sparql, whose limits are larger
                    result = (f'<p class="error" id="error"><b>Not shown:</b></p><pre>{html.escape(refused.message)}</pre>'
                              f"<p>The links below ask /sparql, which answers with up to {_size(config.max_response_bytes)} "
                              f"and {config.max_rows:,} rows.</p>{_download_links(text)}")
        self._send(status, "text/html; charset=utf-8", _editor_page(text, result).encode("utf-8"), extra)


# --------------------------------------------------------------------------- HTML


def serve_in_thread(config: ServeConfig) -> tuple[SparqlServer, threading.Thread]:
    """Start a server on a background thread (for tests and notebooks); stop it with ``shutdown()``."""
    server = make_server(config)
    thread = threading.Thread(target=server.serve_forever, name="nhskg-serve", daemon=True)
    thread.start()
    return server, thread
