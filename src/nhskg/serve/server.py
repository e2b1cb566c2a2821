"""``nhskg serve``: a read-only SPARQL 1.1 Protocol endpoint and a query page over the embedded store.

Why: analysts' own tools (YASGUI, SPARQLWrapper, Jupyter, Excel web queries) speak the SPARQL
Protocol; this serves the store to them without a separate triple store.

How it stays up, and what it promises (each promise has its test under ``tests/hardening``):

* **Queries run in worker processes** (``workers``, default 2, plus ``spare``, default 1, see
  below), each holding the live store generation open read-only, on a thread with a large stack
  (:func:`nhskg.sparql.querycheck.run_deep`). A query that passes the time limit (``timeout``, default
  30 s) is *stopped*: its worker is killed and replaced, and the client gets 503. A worker that
  dies under a query (the engine crashed) is replaced too, and that client gets 500; the
  replacement starts in the background, so nobody else waits for it. pyoxigraph has no query
  timeout and a thread cannot be stopped, hence processes.
* **The text is checked before the engine sees it** (:func:`nhskg.sparql.querycheck.check`): over
  ``max_query_bytes`` (64 KiB) or nested deeper than ``max_depth`` (128 levels) is a 400, and so
  is any ``SERVICE`` (Oxigraph would fetch the URL itself) unless ``allow_services`` lists its
  endpoint. The query form comes from the same scan, so a comment cannot disguise it.
* **The live generation.** Before each query a worker reads ``CURRENT`` (a few microseconds)
  and reopens the store when a build has made another generation live: every answer after a
  build comes from the new one, whichever worker gives it.
* **Fair to every client** (clients are told apart by address). A client has at most
  ``per_client`` queries running (default 1) and ``per_client_queue`` in flight (default 64;
  more is a 429); waiting queries are served in arrival order, skipping clients at their cap.
  A query running longer than ``heavy_after`` (1 s) stops counting against ``workers``, so the
  ``spare`` process takes the next query instead of it waiting behind two long ones.
* **Bounded everything.** At most ``max_rows`` (default 100,000) result rows or triples (413).
  At most ``queue`` requests (512) wait for a worker, each for at most ``wait`` seconds (60),
  then 503. Request bodies over 1 MB are refused (413); a ``Content-Length`` that is not a whole
  number is a 400 and a chunked body a 411, and either closes the connection. A connection must
  deliver each request's line and headers within ``idle_timeout`` seconds (10) of opening or of
  its previous answer, and its body within ``body_timeout`` (30), or it is closed: idle sockets
  and slowloris clients cost nothing for long. At most ``max_connections`` are open (512, or
  half the open-file limit); when they are all taken, a new one displaces the connection that
  has waited longest without sending a whole request, or is refused with 503 if every one is
  busy.
* **Errors say what the client can act on**, never the engine's own message for a failure at
  run time (it may name hosts, ports or files): syntax errors and refusals are explained, the
  rest is "the query failed".
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
every query that leaves them out, as on the command line. ``HEAD`` is answered on every page as
``GET`` would be, without the body.
"""

from __future__ import annotations

import html
import io
import itertools
import json
import multiprocessing
import re
import resource
import socket
import threading
import time
import urllib.parse
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Mapping, cast

import pyoxigraph as ox

from ..errors import NhskgError, QueryRefused, StoreError
from ..sparql.querycheck import ENGINE_STACK, MAX_DEPTH, MAX_QUERY_BYTES, check, scan

__all__ = ["ServeConfig", "SparqlServer", "WorkerPool", "make_server", "serve_in_thread", "RESULT_TYPES", "GRAPH_TYPES"]

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
#: What a client is told when the engine failed at run time: its own message may name hosts,
#: ports or files (a SERVICE to a closed port said which ports answered).
_ENGINE_FAILED = "the query failed while it ran; the engine's message is not shown. Simplify the query, or ask the operator"


def _default_max_connections() -> int:
    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    return 512 if soft == resource.RLIM_INFINITY else max(16, min(512, (soft - 64) // 2))


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


class _Refused(Exception):
    def __init__(self, status: int, message: str, retry: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry = retry


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
    from ..sparql.sources import OxigraphSource

    max_rows = job["max_rows"]
    if job["op"] == "view":
        from ..views import html as view_html, query as view_query

        model = view_query.query_view(OxigraphSource(store), job["name"], job["params"])
        return 200, "text/html; charset=utf-8", view_html.render_html(model).encode("utf-8")
    # Checked again where the engine runs: every route to a worker passes the same gate.
    check(job["query"], max_bytes=job.get("max_bytes", MAX_QUERY_BYTES), max_depth=job.get("max_depth", MAX_DEPTH),
          allow_services=job.get("allow_services", ()))
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
    triples: list[Any] = []
    for triple in result:
        if len(triples) >= max_rows:
            raise _Refused(413, f"the result has more than {max_rows} triples; add a LIMIT")
        triples.append(triple)
    media = job.get("graph_media", "text/turtle")
    return 200, f"{media}; charset=utf-8", ox.serialize(triples, format=GRAPH_TYPES[media]) or b""


def _answer(store: ox.Store, job: Mapping[str, Any]) -> tuple[str, int, str, bytes]:
    """A job's reply: what a client may be told, and nothing the engine said about a failure."""
    try:
        return ("ok", *_execute(store, job))
    except _Refused as refused:
        return "error", refused.status, "", refused.message.encode()
    except SyntaxError as error:  # the parser's message: where in the client's own text, and what it expected
        return "error", 400, "", f"bad query: {error}".encode()
    except NhskgError as error:  # ours, written for users
        return "error", 400, "", str(error).encode()
    except Exception:
        return "error", 500, "", _ENGINE_FAILED.encode()


def _worker_main(store_dir: str, connection: Any, stack: int) -> None:
    # The whole worker runs on a thread with a large stack: the engine recurses without a guard.
    threading.stack_size(stack)
    thread = threading.Thread(target=_worker_loop, args=(store_dir, connection), name="nhskg-worker")
    thread.start()
    thread.join()


def _worker_loop(store_dir: str, connection: Any) -> None:
    from ..graph.store import GraphStore

    opened = GraphStore.open(store_dir)
    connection.send(("ready", 0, "", b""))
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if not opened.is_current():  # a build made another generation live: read that one from now on
            try:
                fresh = GraphStore.open(store_dir)
            except NhskgError:
                pass  # keep answering from the generation held (its lease keeps it whole)
            else:
                opened.close()
                opened = fresh
        connection.send(_answer(opened.store, job))


class _Worker:
    """One worker process and the pipe to it; ``started`` when it took its current job."""

    def __init__(self, context: Any, store: Path, stack: int) -> None:
        self.store = store
        self.connection, child = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(str(store), child, stack), daemon=True)
        self.process.start()
        child.close()
        self.started = 0.0

    def wait_ready(self, seconds: float = 60.0) -> "_Worker":
        try:
            if not self.connection.poll(seconds):
                raise EOFError
            self.connection.recv()
        except (EOFError, OSError):
            self.kill()
            raise StoreError(f"a query worker could not open the store {self.store} within {seconds:g} s;"
                             " is it readable?") from None
        return self

    def kill(self) -> None:
        self.process.kill()
        self.process.join(5)
        self.connection.close()


@dataclass(eq=False)
class _Ticket:
    """A request waiting for a worker; ``ready`` is set when ``worker`` is its."""

    client: str
    order: int
    ready: threading.Event = field(default_factory=threading.Event)
    worker: _Worker | None = None


class WorkerPool:
    """Worker processes holding the store, handed out fairly among clients.

    Waiting requests are served in arrival order, skipping clients that have ``per_client``
    queries running already, so one client's queries never hold more than that many workers.
    At most ``size`` queries younger than ``heavy_after`` seconds run at once; a query running
    longer stops counting, so the ``spare`` processes take the next queries instead of them
    waiting behind long ones.

    Two orders tried before this one did worse under ``scripts/load-serve.py`` (50 clients, one
    query in ten heavy): serving first the client that had used the workers least starved
    clients that had just run a heavy query (71 of 2,000 requests waited 60 s for a 503); and
    keeping the spare for texts that had run quickly before made quick queries quicker (p50
    0.3 s) but the heavy ones wait for each other (p99 40 s against 10 s in arrival order).

    A job that overruns the time limit costs its worker its life; so does one under which the
    worker dies. Either way a replacement starts in the background.
    """

    def __init__(self, store: Path, size: int, waiting: int = 512, *, spare: int = 1, per_client: int = 1,
                 per_client_queue: int = 64, heavy_after: float = 1.0, stack: int = ENGINE_STACK) -> None:
        self.store = store
        self.size = max(1, size)
        self.limit = max(0, waiting)
        self.per_client = max(1, per_client)
        self.per_client_queue = max(1, per_client_queue)
        self.heavy_after = heavy_after
        self.stack = stack
        self.context = multiprocessing.get_context("forkserver")
        self.lock = threading.Lock()
        self.idle: list[_Worker] = []
        self.busy: dict[_Worker, _Ticket] = {}  # worker -> the job it runs
        self.queue: dict[str, deque[_Ticket]] = {}
        self.waiting = 0
        self.running: dict[str, int] = {}
        self.inflight: dict[str, int] = {}
        self.starting = 0
        self.killed = 0  # stopped at the time limit
        self.crashed = 0  # died under a query
        self._order = itertools.count()
        self._closed = False
        started = [_Worker(self.context, store, stack) for _ in range(self.size + max(0, spare))]
        try:
            self.idle = [worker.wait_ready() for worker in started]
        except StoreError:
            for worker in started:
                worker.kill()
            raise
        self._pacer = threading.Thread(target=self._pace, name="nhskg-pool", daemon=True)
        self._pacer.start()

    @property
    def processes(self) -> int:
        """Worker processes alive or starting."""
        with self.lock:
            return len(self.idle) + len(self.busy) + self.starting

    def run(self, job: Mapping[str, Any], timeout: float, wait: float = 60.0, client: str = "-") -> tuple[int, str, bytes]:
        """Run ``job`` for ``client``: wait up to ``wait`` s for a worker, then up to ``timeout`` s for the answer."""
        ticket = self._enqueue(client)
        try:
            if not ticket.ready.wait(wait):
                with self.lock:
                    if ticket.worker is None:
                        self._withdraw(ticket)
                        raise _Refused(503, f"no query worker became free within {wait:g} s; try again shortly", retry=5)
            assert ticket.worker is not None
            return self._run_on(ticket.worker, job, timeout)
        finally:
            self._finish(ticket)

    def _enqueue(self, client: str) -> _Ticket:
        with self.lock:
            if self._closed:
                raise _Refused(503, "the server is stopping")
            if self.inflight.get(client, 0) >= self.per_client_queue:
                raise _Refused(429, f"too many queries from your address at once ({self.per_client_queue});"
                                    " wait for the answers before sending more", retry=1)
            if self.waiting >= self.limit:
                raise _Refused(503, "the server is busy (too many queued queries); try again shortly", retry=1)
            ticket = _Ticket(client, next(self._order))
            self.queue.setdefault(client, deque()).append(ticket)
            self.waiting += 1
            self.inflight[client] = self.inflight.get(client, 0) + 1
            self._dispatch()
            return ticket

    def _withdraw(self, ticket: _Ticket) -> None:
        tickets = self.queue.get(ticket.client)
        if tickets is not None and ticket in tickets:
            tickets.remove(ticket)
            self.waiting -= 1
            if not tickets:
                del self.queue[ticket.client]

    def _run_on(self, worker: _Worker, job: Mapping[str, Any], timeout: float) -> tuple[int, str, bytes]:
        try:
            worker.connection.send(dict(job))
            if not worker.connection.poll(timeout):
                self._lose(worker, timed_out=True)
                raise _Refused(503, f"the query ran longer than the time limit of {timeout:g} s and was stopped; "
                                    "narrow it (filters, LIMIT) or ask for a longer --timeout")
            kind, status, media, body = worker.connection.recv()
        except (EOFError, OSError):
            self._lose(worker, timed_out=False)
            raise _Refused(500, "the query engine stopped while running this query (its worker process ended); "
                                "the server goes on, but this query cannot be answered: simplify it") from None
        if kind == "error":
            raise _Refused(status, body.decode("utf-8", "replace"))
        return status, media, body

    def _lose(self, worker: _Worker, *, timed_out: bool) -> None:
        """Kill ``worker`` (it overran, or died) and start another in the background."""
        worker.kill()
        with self.lock:
            self.busy.pop(worker, None)
            if timed_out:
                self.killed += 1
            else:
                self.crashed += 1
            self._replace()

    def _replace(self) -> None:
        """Start one worker in the background (call holding the lock)."""
        if self._closed:
            return
        self.starting += 1
        threading.Thread(target=self._spawn, name="nhskg-spawn", daemon=True).start()

    def _spawn(self) -> None:
        delay = 0.5
        while not self._closed:
            try:
                worker = _Worker(self.context, self.store, self.stack).wait_ready()
            except StoreError:  # the store is being replaced, or unreadable for now: try again
                time.sleep(delay)
                delay = min(2 * delay, 10.0)
                continue
            with self.lock:
                self.starting -= 1
                if self._closed:
                    worker.kill()
                    return
                self.idle.append(worker)
                self._dispatch()
            return
        with self.lock:
            self.starting -= 1

    def _finish(self, ticket: _Ticket) -> None:
        with self.lock:
            client, worker = ticket.client, ticket.worker
            if worker is not None:
                if self.busy.pop(worker, None) is not None:  # not lost: back to work
                    self.idle.append(worker)
                self.running[client] -= 1
                if not self.running[client]:
                    del self.running[client]
            self.inflight[client] -= 1
            if not self.inflight[client]:
                del self.inflight[client]
            self._dispatch()

    def _dispatch(self) -> None:
        """Hand idle workers to waiting tickets, oldest first (call holding the lock): at most
        ``size`` queries younger than ``heavy_after`` running; a client at its cap waits."""
        now = time.monotonic()
        fresh = sum(1 for worker in self.busy if now - worker.started < self.heavy_after)
        while self.idle and self.queue and fresh < self.size:
            eligible = [tickets[0] for c, tickets in self.queue.items() if self.running.get(c, 0) < self.per_client]
            if not eligible:
                return
            ticket = min(eligible, key=lambda t: t.order)
            worker = self.idle.pop()
            if not worker.process.is_alive():  # died while idle: replace it, try the next
                worker.kill()
                self._replace()
                continue
            self._withdraw(ticket)
            worker.started = now
            self.busy[worker] = ticket
            self.running[ticket.client] = self.running.get(ticket.client, 0) + 1
            ticket.worker = worker
            ticket.ready.set()
            fresh += 1

    def _pace(self) -> None:
        """Dispatch again as running queries cross ``heavy_after`` (nothing else would wake the queue)."""
        while not self._closed:
            time.sleep(0.1)
            with self.lock:
                if self.queue:  # a query crossing heavy_after frees a place
                    self._dispatch()

    def close(self) -> None:
        with self.lock:
            self._closed = True
            workers = self.idle + list(self.busy)
            self.idle, self.busy = [], {}
        for worker in workers:
            worker.kill()


# --------------------------------------------------------------------------- HTTP


_CONTENT_LENGTH = re.compile(r"[0-9]{1,12}")


class _DeadlineReader(io.RawIOBase):
    """The socket's input, with one deadline for a whole read however slowly the bytes come:
    a timeout per ``recv`` lets a slowloris client hold a thread forever, a byte at a time."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.deadline: float | None = None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self.deadline is not None:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("the request did not arrive in time")
            self.sock.settimeout(left)
        return self.sock.recv_into(buffer)


@dataclass
class _Connection:
    state: str  # idle (no whole request head yet) or busy
    since: float
    evicted: bool = False


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


class SparqlServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 1024

    def __init__(self, config: ServeConfig) -> None:
        self.config = config
        self.pool = WorkerPool(config.store, config.workers, config.queue, spare=config.spare,
                               per_client=config.per_client, per_client_queue=config.per_client_queue,
                               heavy_after=config.heavy_after, stack=_stack_for(config.max_query_bytes))
        self.max_connections = config.max_connections or _default_max_connections()
        self.connections: dict[socket.socket, _Connection] = {}
        self.connections_lock = threading.Lock()
        self.evicted = 0
        self.refused = 0
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

    # -- connections: bounded, the longest-idle displaced first
    def process_request(self, request: Any, client_address: Any) -> None:
        if self._admit(request):
            super().process_request(request, client_address)
            return
        self.refused += 1
        try:
            request.setblocking(False)
            message = b"the server has too many connections open; try again shortly\n"
            request.send(b"HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                         b"Retry-After: 1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n%s" % (len(message), message))
        except OSError:
            pass
        self.shutdown_request(request)

    def _admit(self, request: socket.socket) -> bool:
        now = time.monotonic()
        with self.connections_lock:
            open_now = [c for c in self.connections.values() if not c.evicted]
            if len(open_now) >= self.max_connections:
                waiting = [(c.since, sock) for sock, c in self.connections.items() if not c.evicted and c.state == "idle"]
                if not waiting:
                    return False
                _since, victim = min(waiting, key=lambda w: w[0])
                self.connections[victim].evicted = True
                self.evicted += 1
                try:
                    victim.shutdown(socket.SHUT_RDWR)  # its thread sees the end of input and lets go
                except OSError:
                    pass
            self.connections[request] = _Connection("idle", now)
        return True

    def mark(self, request: socket.socket, state: str) -> None:
        with self.connections_lock:
            connection = self.connections.get(request)
            if connection is not None:
                connection.state, connection.since = state, time.monotonic()

    def shutdown_request(self, request: Any) -> None:
        with self.connections_lock:
            self.connections.pop(request, None)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        import sys

        if isinstance(sys.exc_info()[1], OSError):
            return  # the client went away, or its socket was displaced: nothing to report
        super().handle_error(request, client_address)

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


def make_server(config: ServeConfig) -> SparqlServer:
    """A ready server (call ``serve_forever``); raises :class:`StoreError` if the store cannot be opened."""
    from ..graph.store import GraphStore

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
    def setup(self) -> None:
        super().setup()
        self.rfile.close()
        self._input = _DeadlineReader(self.connection)
        self.rfile = io.BufferedReader(self._input, 65536)

    def handle_one_request(self) -> None:
        # From here the request's line and headers have idle_timeout seconds to arrive.
        self.server.mark(self.connection, "idle")
        self._input.deadline = time.monotonic() + self.server.config.idle_timeout
        super().handle_one_request()

    def parse_request(self) -> bool:
        if not super().parse_request():
            return False
        self.server.mark(self.connection, "busy")
        self._input.deadline = time.monotonic() + self.server.config.body_timeout
        if self.command in ("GET", "HEAD", "OPTIONS") and ("Transfer-Encoding" in self.headers or self.headers.get("Content-Length", "0").strip() != "0"):
            self.close_connection = True  # a body nobody reads would be taken for the next request
        return True

    def _send(self, status: int, media: str, body: bytes, extra: Mapping[str, str] | None = None) -> None:
        self.connection.settimeout(self.server.config.body_timeout)  # a client that does not read is let go
        self.send_response(status)
        self.send_header("Content-Type", media)
        self.send_header("Content-Length", str(len(body)))
        if self.server.config.cors:
            self.send_header("Access-Control-Allow-Origin", self.server.config.cors)
            self.send_header("Vary", "Origin")
        if self.close_connection:
            self.send_header("Connection", "close")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str, retry: int | None = None) -> None:
        extra = {"Retry-After": str(retry)} if retry is not None else None
        self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"), extra)

    def _refuse_body(self, status: int, message: str) -> None:
        self.close_connection = True  # the body (if any) is not read: the connection cannot go on
        self._error(status, message)

    def do_OPTIONS(self) -> None:
        extra = {"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                 "Access-Control-Allow-Headers": "Content-Type, Accept"} if self.server.config.cors else {}
        self._send(204, "text/plain", b"", extra)

    def do_GET(self) -> None:
        self._dispatch(None)

    do_HEAD = do_GET

    def do_POST(self) -> None:
        if "Transfer-Encoding" in self.headers:
            return self._refuse_body(411, "send the body with a Content-Length; chunked bodies are not read")
        lengths = {value.strip() for value in self.headers.get_all("Content-Length", [])}
        if len(lengths) > 1 or not all(_CONTENT_LENGTH.fullmatch(v) for v in lengths):
            return self._refuse_body(400, "Content-Length must be one whole number of bytes")
        length = int(lengths.pop()) if lengths else 0
        if length > _MAX_BODY:
            return self._refuse_body(413, f"request body over {_MAX_BODY} bytes")
        try:
            body = self.rfile.read(length)
        except TimeoutError:
            return self._refuse_body(408, f"the request body did not arrive within {self.server.config.body_timeout:g} s")
        if len(body) < length:  # the client closed its side early
            self.close_connection = True
            return
        self._dispatch(body)

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
            self._error(refused.status, refused.message, refused.retry)
        except NhskgError as error:
            self._error(400, str(error))

    def _pool_run(self, job: Mapping[str, Any]) -> tuple[int, str, bytes]:
        config = self.server.config
        return self.server.pool.run(job, config.timeout, config.wait, client=self.client_address[0])

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
                raise _Refused(406, f"cannot answer a {kind.upper()} as {accept}; accept one of {', '.join(GRAPH_TYPES)}")
            job.update(graph_media=chosen, fmt="json")
        else:
            chosen = _choose(accept, RESULT_TYPES, "application/sparql-results+json")
            if chosen is None:
                raise _Refused(406, f"cannot answer a {kind.upper()} as {accept}; accept one of {', '.join(RESULT_TYPES)}")
            job["fmt"] = RESULT_TYPES[chosen]
        status, media_out, data = _run_plain(self.server, job, self.client_address[0])
        self._send(status, media_out, data)

    # -- the page
    def _library_params(self, params: dict[str, list[str]]) -> tuple[Any, dict[str, str]]:
        from ..queries.library import load_queries

        library = load_queries()
        name = params.get("name", [""])[0]
        if name not in library:
            raise _Refused(404, f"no library query '{name}'; see the list at /")
        query = library[name]
        values = {p.name: params[p.name][0] for p in query.parameters if params.get(p.name, [""])[0] != ""}
        return query, values

    def _run(self, params: dict[str, list[str]]) -> None:
        from ..queries.library import bind
        from ..sparql.sources import to_oxigraph

        query, values = self._library_params(params)
        bindings = {k: to_oxigraph(v) for k, v in bind(query, values).items()}
        job = {"op": "sparql", "query": query.text, "bindings": bindings, "fmt": "json",
               "graph_media": "application/n-triples", "max_rows": self.server.config.max_rows}
        _status, media, data = self._pool_run(job)
        page = _result_page(query, values, media, data, self.server)
        self._send(200, "text/html; charset=utf-8", page.encode("utf-8"))

    def _view(self, params: dict[str, list[str]]) -> None:
        from ..queries.library import bind

        query, values = self._library_params(params)
        bind(query, values)  # a bad value is a 400 here, not a worker error
        job = {"op": "view", "name": query.name, "params": values, "max_rows": self.server.config.max_rows}
        status, media, data = self._pool_run(job)
        self._send(status, media, data)

    def _run_csv(self, params: dict[str, list[str]]) -> None:
        """A library query's result as CSV for a spreadsheet: the table the page shows, codes not IRIs."""
        from ..queries.library import bind
        from ..queries.results import to_csv
        from ..sparql.sources import to_oxigraph

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
        from ..queries.library import load_queries

        text = params.get("query", [""])[0]
        example = params.get("example", [""])[0]
        if not text and example:
            library = load_queries()
            if example not in library:
                raise _Refused(404, f"no library query '{example}'; see the list at /")
            text = library[example].text
        result = ""
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
                       "max_bytes": config.max_query_bytes, "max_depth": config.max_depth}
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
    from ..queries.library import load_queries

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
    from ..queries.library import load_queries
    from ..vocabulary.vocab import load_vocabulary

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
    """The worker's SPARQL JSON as a :class:`~nhskg.sparql.sources.Table` (or a bool for ASK)."""
    from ..sparql.sources import Table

    result = json.loads(data)
    if "boolean" in result:
        return bool(result["boolean"])
    columns = tuple(result["head"]["vars"])
    rows = tuple(tuple(_term_from_json(b.get(c)) for c in columns) for b in result["results"]["bindings"])
    return Table(columns, rows)


def _library_table(query: Any, data: bytes) -> Any:
    """A library query's rows as the CLI shows them: its header's columns, and its quartiles computed."""
    from ..queries.library import _project, _summarise

    table = _json_table(data)
    if isinstance(table, bool):
        return table
    return _summarise(query, table) if query.quantiles is not None else _project(query, table)


def _shown(term: Any) -> str:
    """A cell as a person reads it: a vocabulary concept by its label, a graph IRI by its short name."""
    from rdflib.term import URIRef

    from ..vocabulary.labels import label_of
    from ..namespaces import VOCAB_BASE
    from ..queries.results import short_name

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
    from ..queries.library import bind

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
    from ..sparql.prologue import default_prefixes, undeclared, unknown_prefix_message

    known = default_prefixes()
    needed, unknown = undeclared(query, known)
    if unknown:
        name, line, column = unknown[0]
        raise _Refused(400, "bad query: " + unknown_prefix_message(query, name, line, column, known))
    return needed


def _run_plain(server: Any, job: Mapping[str, Any], client: str = "-") -> tuple[int, str, bytes]:
    """Run a protocol job; the engine's syntax error comes back in plain words with line and column."""
    from ..sparql.prologue import explain

    try:
        return server.pool.run(job, server.config.timeout, server.config.wait, client=client)
    except _Refused as refused:
        if refused.status == 400 and "error at " in refused.message:
            message = refused.message.removeprefix("bad query: ")
            raise _Refused(400, "bad query: " + explain(job["query"], message)) from None
        raise


def _based_on(server: Any, roles: list[str] | tuple[str, ...] = ()) -> str:
    """What the served graph rests on, from the coverage queries run by a worker (the totals are
    read once: the store is read-only while it is served)."""
    from rdflib.term import Literal

    from ..queries.coverage import Count, Coverage
    from ..queries.library import load_query

    def rows(name: str, bindings: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        from ..sparql.sources import to_oxigraph

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
                from ..vocabulary.labels import label_of

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
