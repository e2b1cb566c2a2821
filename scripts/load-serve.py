#!/usr/bin/env python3
"""A bounded load test of ``nhskg serve`` on loopback: many clients, some heavy queries, every answer checked.

    python scripts/load-serve.py [--store DIR] [--requests 2000] [--clients 50] [--heavy 0.1]
                                 [--hog-threads N] [--workers 2] [--src DIR]

Builds ``seeds/`` into a temporary store unless ``--store`` is given and starts ``nhskg serve``
in a child process on a free port of 127.0.0.1 (``--src`` runs another checkout's ``src/``, to
compare before and after a change). Each client is a thread with its own source address
(127.0.x.y: loopback answers on all of 127.0.0.0/8, and the server tells clients apart by
address) sending its share of the requests one after another, each on a new connection. A
request is heavy with probability ``--heavy`` (a join of all triples with all triples, about
1.6 s on the seeds store), otherwise one of the library queries that take under 0.1 s, or (one
in ten of those) the page at ``/``. Every SPARQL answer is compared with the embedded store's.
``--hog-threads N`` adds one more client (127.0.9.9) sending heavy queries from N threads at
once, back to back, until the others are done: what one greedy client does to everyone else.

Prints one JSON line: outcomes, wall time, requests per second, latency p50/p95/p99/max overall
and for light and heavy requests apart, and whether the server still answers afterwards. Exit
status 1 if any request failed or got a wrong answer, or the server is gone. Nothing leaves the
machine: the server listens on 127.0.0.1 only, the clients speak only to it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

#: The heavy query: every pair of triples sharing a predicate and an object (1.6 million on seeds).
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?b ?c }"


def as_table_text(binding: dict[str, str]) -> str:
    """A served value as the embedded Table prints it: rdflib normalises typed literals
    ("2022-07-01T00:00:00Z" becomes "2022-07-01T00:00:00+00:00"), so the served lexical form
    goes through the same conversion before the two are compared."""
    from rdflib import Literal, URIRef

    if binding["type"] == "literal" and "datatype" in binding:
        return str(Literal(binding["value"], datatype=URIRef(binding["datatype"])))
    return binding["value"]


def expected_answers(store: Path) -> tuple[list[tuple[str, str, tuple[str, ...], list[str]]], tuple[str, str, tuple[str, ...], list[str]]]:
    """The cheap library queries (name, text, columns, sorted rows) and the heavy one, as the embedded store answers them."""
    from nhskg.queries.binding import bind
    from nhskg.queries.library import load_queries
    from nhskg.sparql.bindings import with_values
    from nhskg.graph.store import GraphStore

    source = GraphStore.open(store).source()

    def answer(name: str, text: str) -> tuple[str, str, tuple[str, ...], list[str]]:
        table = source.select(text)
        rows = sorted(json.dumps([None if v is None else str(v) for v in row]) for row in table.rows)
        return name, text, table.columns, rows

    light = []
    for query in (q for q in load_queries().values() if q.kind == "select"):
        text = with_values(query.text, bind(query, {}))
        began = time.perf_counter()
        job = answer(query.name, text)
        if time.perf_counter() - began <= 0.1:  # a flood of cheap questions; slow ones are the heavy share
            light.append(job)
    return light, answer("heavy", HEAVY)


def start_server(store: Path, src: Path, workers: int) -> tuple[subprocess.Popen[str], str]:
    """``nhskg serve`` from ``src`` on a free loopback port; the child and its base URL."""
    code = f"import sys; sys.path.insert(0, {str(src)!r}); from nhskg.cli import main; main()"
    env = {**os.environ, "PYTHONPATH": str(src)}
    child = subprocess.Popen([sys.executable, "-c", code, "--store", str(store), "serve", "--host", "127.0.0.1",
                              "--port", "0", "--workers", str(workers)], stderr=subprocess.PIPE, text=True, env=env)
    line = child.stderr.readline()  # type: ignore[union-attr]
    match = re.search(r"(http://127\.0\.0\.1:\d+)/sparql", line)
    if not match:
        child.kill()
        raise SystemExit(f"the server did not start: {line}{child.stderr.read()}")  # type: ignore[union-attr]
    threading.Thread(target=child.stderr.read, daemon=True).start()  # type: ignore[union-attr]
    return child, match.group(1)


def client_address(index: int) -> str:
    return f"127.0.{1 + index // 250}.{2 + index % 250}"


def run(store: Path, requests: int, clients: int, heavy_share: float, src: Path, workers: int, hog_threads: int = 0,
        seed: int = 19) -> dict[str, object]:
    light, heavy = expected_answers(store)
    child, root = start_server(store, src, workers)
    host, port = urllib.parse.urlsplit(root).netloc.split(":")
    rng = random.Random(seed)
    plan = [[("heavy" if rng.random() < heavy_share else "light", rng.randrange(len(light) * 10))
             for _ in range(requests // clients + (1 if c < requests % clients else 0))] for c in range(clients)]
    results: list[tuple[str, str, float]] = []  # kind, outcome, seconds
    lock = threading.Lock()

    def one(source: str, kind: str, pick: int) -> tuple[str, str, float]:
        began = time.perf_counter()
        connection = http.client.HTTPConnection(host, int(port), timeout=300, source_address=(source, 0))
        try:
            if kind == "light" and pick % 10 == 9:
                connection.request("GET", "/")
                answer = connection.getresponse()
                ok = answer.status == 200 and b"<form" in answer.read()
                return "page", ("ok" if ok else f"http {answer.status}"), time.perf_counter() - began
            name, text, columns, expected = heavy if kind == "heavy" else light[pick % len(light)]
            connection.request("POST", "/sparql", body=urllib.parse.urlencode({"query": text}),
                               headers={"Content-Type": "application/x-www-form-urlencoded",
                                        "Accept": "application/sparql-results+json"})
            answer = connection.getresponse()
            body = answer.read()
            if answer.status != 200:
                return kind, f"http {answer.status}", time.perf_counter() - began
            got = sorted(json.dumps([as_table_text(b[c]) if c in b else None for c in columns])
                         for b in json.loads(body)["results"]["bindings"])
            return kind, ("ok" if got == expected else f"wrong {name}"), time.perf_counter() - began
        except (OSError, http.client.HTTPException) as error:
            return kind, f"error {type(error).__name__}", time.perf_counter() - began
        finally:
            connection.close()

    def client(index: int) -> None:
        for kind, pick in plan[index]:
            outcome = one(client_address(index), kind, pick)
            with lock:
                results.append(outcome)

    hogged: list[tuple[str, str, float]] = []
    done = threading.Event()

    def hog() -> None:
        while not done.is_set():
            outcome = one("127.0.9.9", "heavy", 0)
            with lock:
                hogged.append(outcome)
            if outcome[1] != "ok":
                time.sleep(0.5)  # refused (429): a polite hog backs off a little

    load_before = os.getloadavg()[0]
    hogs = [threading.Thread(target=hog, daemon=True) for _ in range(hog_threads)]
    for thread in hogs:
        thread.start()
    began = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(client, range(clients)))
    wall = time.perf_counter() - began
    done.set()
    for thread in hogs:
        thread.join(300)
    load_after = os.getloadavg()[0]
    check = one("127.0.0.1", "light", 0)
    alive = child.poll() is None and check[1] == "ok"
    child.send_signal(signal.SIGINT)
    try:
        child.wait(30)
    except subprocess.TimeoutExpired:
        child.kill()

    def percentiles(seconds: list[float]) -> dict[str, float]:
        if not seconds:
            return {}
        seconds = sorted(seconds)
        at = lambda p: round(seconds[min(len(seconds) - 1, int(p * len(seconds)))], 3)  # noqa: E731
        return {"p50": round(statistics.median(seconds), 3), "p95": at(0.95), "p99": at(0.99), "max": round(seconds[-1], 3)}

    outcomes: dict[str, int] = {}
    for _kind, outcome, _s in results:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return {
        "requests": len(results),
        "clients": clients,
        "heavy": sum(1 for k, _o, _s in results if k == "heavy"),
        "workers": workers,
        "server_src": str(src),
        "outcomes": outcomes,
        "errors": len(results) - outcomes.get("ok", 0),
        "seconds": round(wall, 1),
        "requests_per_second": round(len(results) / wall, 1),
        "latency_s": percentiles([s for _k, _o, s in results]),
        "light_latency_s": percentiles([s for k, _o, s in results if k != "heavy"]),
        "heavy_latency_s": percentiles([s for k, _o, s in results if k == "heavy"]),
        "hog": {"threads": hog_threads, "requests": len(hogged),
                "outcomes": {o: sum(1 for _k, x, _s in hogged if x == o) for o in sorted({x for _k, x, _s in hogged})},
                "latency_s": percentiles([s for _k, _o, s in hogged])} if hog_threads else None,
        "server_alive_after": alive,
        "load_average_before_after": [round(load_before, 1), round(load_after, 1)],  # the machine is shared
        "light_queries": [job[0] for job in light],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None, help="store to serve (default: seeds/ built afresh)")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", "--concurrency", type=int, default=50, help="clients, each with its own address")
    parser.add_argument("--heavy", type=float, default=0.1, help="share of heavy queries")
    parser.add_argument("--hog-threads", type=int, default=0, help="threads of one greedy client sending heavy queries")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--src", type=Path, default=ROOT / "src", help="the src/ folder whose nhskg serves")
    args = parser.parse_args()
    if not 1 <= args.clients <= 25_000 or args.requests < args.clients:
        parser.error("need 1 to 25,000 clients and at least one request each")
    store = args.store
    if store is None:
        from nhskg.pipeline.build import build

        store = Path(tempfile.mkdtemp(prefix="nhskg-load-")) / "store"
        build([ROOT / "seeds"], store, validate=False)
    figures = run(store, args.requests, args.clients, args.heavy, args.src.resolve(), args.workers, args.hog_threads)
    print(json.dumps(figures))
    return 0 if figures["errors"] == 0 and figures["server_alive_after"] else 1


if __name__ == "__main__":
    sys.exit(main())
