"""Stage 4: queries that can be stopped, each run in a child process that is killed at the time limit.

pyoxigraph 0.5 has no query timeout and a Python thread cannot be stopped, so a query written in a
shape Oxigraph plans badly (a cross join, a ``FILTER NOT EXISTS`` probed once per row: 59 s on the
2020 corpus where ``MINUS`` takes 0.2 s) would hold a notebook or a terminal for as long as it
likes. :class:`TimedSource` answers like any :class:`~nhskg.sparql.sources.SparqlSource`, but runs each
query in a forked child that opens the store read-only; when the limit passes the child is killed
and :class:`QueryTimeout` says so, with what to try next.

The child is forked (tens of milliseconds) rather than spawned (half a second): it inherits the
loaded modules and, for an in-memory store, the store itself. Where ``fork`` is unavailable
(Windows, macOS) the query runs in-process without a limit.
"""

from __future__ import annotations

import multiprocessing
import sys
from pathlib import Path
from typing import Any, Mapping

import pyoxigraph as ox
from rdflib.term import Node

from ..errors import NhskgError, QueryError, QueryTimeout, StoreError
from ..sparql.sources import OxigraphSource, Table, Triple

__all__ = ["DEFAULT_TIMEOUT", "QueryTimeout", "TimedSource", "can_stop_queries"]

#: Seconds a query may run from the CLI or the API unless told otherwise.
DEFAULT_TIMEOUT = 60.0


def can_stop_queries() -> bool:
    """Whether queries run in a child process that can be killed (Linux: fork)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _child(connection: Any, directory: str | None, store: ox.Store | None, method: str, query: str,
           bindings: Mapping[str, Node] | None, prefixes: Mapping[str, str] | None) -> None:
    try:
        if directory is not None:
            from ..graph.store import GraphStore

            store = GraphStore.open(directory).store
        source = OxigraphSource(store)  # type: ignore[arg-type]
        result = getattr(source, method)(query, bindings, prefixes=prefixes)
        connection.send(("ok", result))
    except SyntaxError as error:
        connection.send(("syntax", str(error)))
    except NhskgError as error:
        connection.send(("nhskg", f"{error}"))
    except BaseException as error:  # the engine's own errors: carried back as text
        connection.send(("error", f"{type(error).__name__}: {error}"))
    finally:
        connection.close()


class TimedSource:
    """A SPARQL source over the embedded store whose every query stops after ``timeout`` seconds.

    Give the store's directory (the child opens it read-only), or an in-memory ``store``.

    >>> store = ox.Store()
    >>> store.add(ox.Quad(ox.NamedNode("http://ex/a"), ox.NamedNode("http://ex/p"), ox.Literal("x"), ox.NamedNode("http://ex/g")))
    >>> TimedSource(store=store, timeout=10).select("SELECT ?o WHERE { ?s ?p ?o }").python()
    [{'o': 'x'}]
    """

    def __init__(self, directory: Path | str | None = None, timeout: float = DEFAULT_TIMEOUT, *,
                 store: ox.Store | None = None, option: str = "--timeout N") -> None:
        if (directory is None) == (store is None):
            raise ValueError("give the store's directory or an in-memory store, not both")
        if directory is not None:
            from ..graph.store import GraphStore

            GraphStore.open(directory).close()  # a missing store fails here, with the store's own message
        self.directory = None if directory is None else str(directory)
        self.store = store
        self.timeout = timeout
        self.option = option

    def _run(self, method: str, query: str, bindings: Mapping[str, Node] | None,
             prefixes: Mapping[str, str] | None) -> Any:
        if not can_stop_queries():
            store = self.store
            if store is None:
                from ..graph.store import GraphStore

                store = GraphStore.open(self.directory).store  # type: ignore[arg-type]
            return getattr(OxigraphSource(store), method)(query, bindings, prefixes=prefixes)
        context = multiprocessing.get_context("fork")
        receiver, sender = context.Pipe(duplex=False)
        process = context.Process(
            target=_child, args=(sender, self.directory, self.store, method, query, bindings, prefixes),
            name="nhskg-query", daemon=True,
        )
        process.start()
        sender.close()
        try:
            if not receiver.poll(self.timeout):
                raise QueryTimeout(self.timeout, query, self.option)
            try:
                answer = receiver.recv()
            except EOFError:
                process.join(5)
                raise QueryError(
                    f"the query process ended without an answer (exit code {process.exitcode}); the query may be "
                    "too large or too deeply nested for the engine"
                ) from None
        finally:
            if process.is_alive():
                process.kill()
            process.join(5)
            receiver.close()
        kind, payload = answer
        if kind == "ok":
            return payload
        if kind == "syntax":
            raise SyntaxError(payload)
        if kind == "nhskg" and "graph store" in payload:
            raise StoreError(payload)
        raise QueryError(payload)

    def select(self, query: str, bindings: Mapping[str, Node] | None = None, *,
               prefixes: Mapping[str, str] | None = None) -> Table:
        return self._run("select", query, bindings, prefixes)

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None, *,
                  prefixes: Mapping[str, str] | None = None) -> list[Triple]:
        return self._run("construct", query, bindings, prefixes)

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None, *,
            prefixes: Mapping[str, str] | None = None) -> bool:
        return self._run("ask", query, bindings, prefixes)
