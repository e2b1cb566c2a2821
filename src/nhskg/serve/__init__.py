"""``nhskg serve``: a store -> a read-only SPARQL 1.1 Protocol endpoint, the query page and the review page.

Takes the embedded store; gives an HTTP server (:mod:`.server`: the config, the server and its
routes) whose queries run in worker processes that can be stopped (:mod:`.workers`), behind the
query gate (:mod:`nhskg.sparql.querycheck`). :mod:`.protocol` holds the result formats and content
negotiation, :mod:`.pages` the HTML pages, :mod:`.limits` the connection and request limits.

Why: analysts' own tools (YASGUI, SPARQLWrapper, Jupyter, Excel web queries) speak the SPARQL
Protocol; this serves the store to them without a separate triple store.

How it stays up, and what it promises (each promise has its test under ``tests/hardening``):

* **Queries run in worker processes** (``workers``, default 2, plus ``spare``, default 1, see
  below), each holding the live store generation open read-only, on a thread with a large stack
  (:func:`nhskg.sparql.querycheck.run_deep`). A query that passes the time limit (``timeout``, default
  30 s) is *stopped*: its worker is killed and replaced, and the client gets 503. A worker that
  dies under a query (the engine crashed) is replaced too, and that client gets 500; the
  replacement starts in the background, so nobody else waits for it. pyoxigraph has no query
  timeout and a thread cannot be stopped, hence processes. A worker ends within a second of its
  server, however the server ended (a signal, a crash), and its query with it.
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
  ``spare`` process takes the next query instead of it waiting behind two long ones. Every
  page's queries (the editor, the review page, the "based on" footers) count against the address
  that asked: each page runs them through its handler's ``_pool_run``, the only caller of
  :meth:`WorkerPool.run <nhskg.serve.workers.WorkerPool.run>`, whose ``client`` has no default.
* **Bounded everything.** At most ``max_rows`` (default 100,000) result rows or triples (413),
  and ``max_response_bytes`` (64 MB) in one answer (413), counted by the worker as it writes the
  answer and stopped there; the editor page shows at most ``max_editor_bytes`` (4 MB) of one, and the ``/run`` page the
  first ``max_page_rows`` (1,000) rows of a result, counted in full by the worker (its CSV has all).
  Each worker limits its own memory to ``worker_memory`` (2,000 MB, ``RLIMIT_DATA``); a query
  that needs more ends its worker, which is replaced, and its client gets 507.
  An answer waits in the server's memory until its client has read it (for at most
  ``body_timeout``): one address may leave ``max_unread_per_address`` (128 MB) of answers
  unread (one answer always), and a query that might take it past that is a 429 before it
  runs; all addresses may leave ``max_unread`` (512 MB), past which the answers whose clients
  have taken nothing for longest are dropped, their connections closed.
  At most ``queue`` requests (512) wait for a worker, each for at most ``wait`` seconds (60),
  then 503. Request bodies over 1 MB are refused (413), and headers over 64 KiB in all (431); a
  ``Content-Length`` that is not a whole number is a 400 and a chunked body a 411, and either
  closes the connection. A connection must
  deliver each request's line and headers within ``idle_timeout`` seconds (10) of opening or of
  its previous answer, and its body within ``body_timeout`` (30), or it is closed: idle sockets
  and slowloris clients cost nothing for long. At most ``max_connections`` are open (512, or
  half the open-file limit), ``max_per_address`` (64) from one address; a new one past either
  limit displaces the connection (of its address, or of all) that has waited longest without
  sending a whole request (line, headers and body), or is refused (503, or 429 past its
  address's limit) if every one is being answered.
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

from .protocol import FORMAT_MEDIA, GRAPH_TYPES, RESULT_TYPES, serialize_rows
from .server import ServeConfig, SparqlServer, make_server, serve_in_thread
from .workers import WorkerPool

__all__ = [
    "FORMAT_MEDIA",
    "GRAPH_TYPES",
    "RESULT_TYPES",
    "ServeConfig",
    "SparqlServer",
    "WorkerPool",
    "make_server",
    "serialize_rows",
    "serve_in_thread",
]
