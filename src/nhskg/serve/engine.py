"""What a query worker of ``nhskg serve`` does with a job, inside its own process: runs the query on
the store it holds, writes the answer within its size limit, and tells the client nothing the
engine said about a failure. The pool that starts, times and replaces these processes is
:mod:`.workers`; this half runs where a query may be killed, so nothing here may hold a lock or a
resource the server shares.
"""

from __future__ import annotations

import io
import itertools
import os
import resource
import threading
from typing import Any, Iterable, Iterator, Mapping, TypeVar

import pyoxigraph as ox

from ..errors import NhskgError
from ..sparql.querycheck import MAX_DEPTH, MAX_QUERY_BYTES, check
from .protocol import _RESULT_MEDIA, GRAPH_TYPES, _boolean, _Refused, row_chunks

#: What a client is told when the engine failed at run time: its own message may name hosts,
#: ports or files (a SERVICE to a closed port said which ports answered).
_ENGINE_FAILED = "the query failed while it ran; the engine's message is not shown. Simplify the query, or ask the operator"


def _size(limit: int) -> str:
    return f"{limit / 1_000_000:,g} MB" if limit >= 1_000_000 else f"{limit:,} bytes"


def _out_of_memory(limit: int) -> str:
    """What a client is told when its query needed more memory than a worker may use."""
    allowed = "the machine could give" if limit <= 0 else f"a query worker may use ({_size(limit)})"
    return (f"the query needed more memory than {allowed} and was stopped; narrow it (filters, a LIMIT, shorter values), "
            "or ask the operator for a larger --worker-memory-mb")


class _Answer(io.BytesIO):
    """An answer's bytes, written by the serialiser and refused (413) as soon as they pass
    ``limit`` (0: no limit), before the rest of it is made."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def write(self, data: Any) -> int:
        if self.limit and self.tell() + memoryview(data).nbytes > self.limit:
            raise _Refused(413, f"the answer is larger than {_size(self.limit)}, the most one answer may be; "
                                "add a LIMIT, or select fewer or shorter columns")
        return super().write(data)


_T = TypeVar("_T")


def _at_most(items: Iterable[_T], count: int, refusal: str) -> Iterator[_T]:
    """``items``, refused (413) at the one past ``count``."""
    for index, item in enumerate(items):
        if index >= count:
            raise _Refused(413, refusal)
        yield item


def _too_many(count: int, unit: str) -> str:
    """The refusal of a result past ``max_rows``: the same words whichever way it is sent."""
    return f"the result has more than {count} {unit}; add a LIMIT" + (" (or use the embedded store)" if unit == "rows" else "")


def _first_and_total(items: Iterator[_T], shown: int) -> tuple[list[_T], int]:
    """A page's first ``shown`` items and how many there are in all, counted here under the
    worker's limits rather than sent to the server."""
    first = list(itertools.islice(items, shown))
    return first, len(first) + sum(1 for _ in items)


def _execute(store: ox.Store, job: Mapping[str, Any]) -> tuple[int, str, bytes]:
    """Run one job in a worker: ``sparql`` (a protocol query) or ``view`` (a library query drawn as HTML)."""
    from ..sparql.sources import OxigraphSource

    max_rows = job["max_rows"]
    answer = _Answer(job.get("max_response_bytes", 0))
    if job["op"] == "view":
        from ..views import html as view_html, query as view_query

        model = view_query.query_view(OxigraphSource(store), job["name"], job["params"])
        answer.write(view_html.render_html(model).encode("utf-8"))
        return 200, "text/html; charset=utf-8", answer.getvalue()
    if job["op"] == "csv":
        return _library_csv(store, job, answer)
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
        rows = ([solution[c] for c in columns] for solution in _at_most(result, max_rows, _too_many(max_rows, "rows")))
        if job.get("shown") is not None:  # a page: its first rows, the rest only counted
            first, total = _first_and_total(rows, job["shown"])
            chunks = row_chunks(columns, first, job["fmt"], total=total)
        else:
            chunks = row_chunks(columns, rows, job["fmt"])
        for chunk in chunks:
            answer.write(chunk)
        return 200, _RESULT_MEDIA[job["fmt"]] + "; charset=utf-8", answer.getvalue()
    triples = _at_most(result, max_rows, _too_many(max_rows, "triples"))
    if job.get("shown") is not None:  # a page: its first triples as rows of JSON, the rest only counted
        first_triples, count = _first_and_total(triples, job["shown"])
        for chunk in row_chunks(list(_TRIPLE), [[t.subject, t.predicate, t.object] for t in first_triples], "json", total=count):
            answer.write(chunk)
        return 200, _RESULT_MEDIA["json"] + "; charset=utf-8", answer.getvalue()
    media = job.get("graph_media", "text/turtle")
    ox.serialize(triples, answer, format=GRAPH_TYPES[media])
    return 200, f"{media}; charset=utf-8", answer.getvalue()


#: The columns a CONSTRUCT's triples are shown and downloaded in.
_TRIPLE = ("subject", "predicate", "object")


def _library_csv(store: ox.Store, job: Mapping[str, Any], answer: _Answer) -> tuple[int, str, bytes]:
    """A library query's table as ``/run.csv`` gives it (its header's columns, its quartiles, codes
    not IRIs), made here: in the server's process a 61 MB answer took 5 s and 470 MB to convert."""
    from ..queries.results import to_csv
    from ..queries.running import _project, _summarise
    from ..sparql.sources import OxigraphSource, Table, to_rdflib

    query, max_rows = job["library"], job["max_rows"]
    bindings = {k: term for k, v in job.get("bindings", {}).items() if (term := to_rdflib(v)) is not None}
    if query.kind == "construct":  # one row a triple
        triples = OxigraphSource(store).construct(query.text, bindings)
        if len(triples) > max_rows:
            raise _Refused(413, _too_many(max_rows, "triples"))
        table = Table(_TRIPLE, tuple(triples))
    else:
        table = OxigraphSource(store).select(query.text, bindings)
        if len(table.rows) > max_rows:
            raise _Refused(413, _too_many(max_rows, "rows"))
        table = _summarise(query, table) if query.quantiles is not None else _project(query, table)
    answer.write(to_csv(table, readable=True).encode("utf-8"))
    return 200, "text/csv; charset=utf-8", answer.getvalue()


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
    except MemoryError:  # Python's side of the worker ran out (the engine's side aborts: see WorkerPool._run_on)
        return "error", 507, "", _out_of_memory(resource.getrlimit(resource.RLIMIT_DATA)[0]).encode()
    except Exception:
        return "error", 500, "", _ENGINE_FAILED.encode()


def _worker_main(store_dir: str, connection: Any, stack: int, memory: int, lifeline: Any) -> None:
    if memory:  # the data segment and every private mapping, thread stacks included; kept by this process only
        _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
        resource.setrlimit(resource.RLIMIT_DATA, (memory if hard == resource.RLIM_INFINITY else min(memory, hard), hard))
    # The whole worker runs on a thread with a large stack: the engine recurses without a guard.
    threading.stack_size(stack)
    thread = threading.Thread(target=_worker_loop, args=(store_dir, connection), name="nhskg-worker")
    thread.start()
    # The server stops a query at the time limit; a server ended by a signal stops none, and a query
    # without end went on for ever. Nothing is sent on the lifeline: it is readable once the server has gone.
    while thread.is_alive():
        if lifeline.poll(1.0):
            os._exit(1)


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
