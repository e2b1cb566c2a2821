#!/usr/bin/env python3
"""A bounded load test of ``nhskg serve``: N requests at once on loopback, every answer checked.

    python scripts/load-serve.py [--store DIR] [--requests 500] [--concurrency 500]

Builds ``seeds/`` into a temporary store unless ``--store`` is given, starts the server
in-process on a free loopback port, fires the requests from that many threads at once (a mix
of the query library's default-parameter queries through ``/sparql`` and the page at ``/``),
(the library queries that take under 0.1 s on the embedded store, with default parameters),
compares every SPARQL answer with the embedded store's, and prints the figures. Exit status 1
if any request failed or any answer was wrong. Nothing leaves the machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def as_table_text(binding: dict[str, str]) -> str:
    """A served value as the embedded Table prints it: rdflib normalises typed literals
    ("2022-07-01T00:00:00Z" becomes "2022-07-01T00:00:00+00:00"), so the served lexical form
    goes through the same conversion before the two are compared."""
    from rdflib import Literal, URIRef

    if binding["type"] == "literal" and "datatype" in binding:
        return str(Literal(binding["value"], datatype=URIRef(binding["datatype"])))
    return binding["value"]


def run(store: Path, requests: int, concurrency: int) -> dict[str, object]:
    from nhskg.queries import bind, load_queries
    from nhskg.remote import with_values
    from nhskg.serve import ServeConfig, serve_in_thread
    from nhskg.store import GraphStore

    library = [q for q in load_queries().values() if q.kind == "select"]
    source = GraphStore.open(store).source()
    jobs = []
    for query in library:
        text = with_values(query.text, bind(query, {}))
        began = time.perf_counter()
        table = source.select(text)
        if time.perf_counter() - began > 0.1:
            continue  # a flood of cheap questions; the slow ones are the time limit's business
        expected = sorted(json.dumps([None if v is None else str(v) for v in row]) for row in table.rows)
        jobs.append((query.name, text, table.columns, expected))
    server, _thread = serve_in_thread(ServeConfig(store, port=0, workers=2))
    root = server.url.rsplit("/", 1)[0]
    start = threading.Barrier(min(concurrency, requests))

    def one(i: int) -> tuple[str, float]:
        name, text, columns, expected = jobs[i % len(jobs)]
        try:
            start.wait(timeout=60)
        except threading.BrokenBarrierError:
            pass
        began = time.perf_counter()
        try:
            if i % 10 == 9:
                with urllib.request.urlopen(root + "/", timeout=120) as answer:
                    ok = answer.status == 200 and b"<form" in answer.read()
                return ("ok" if ok else "wrong"), time.perf_counter() - began
            body = urllib.parse.urlencode({"query": text}).encode()
            request = urllib.request.Request(root + "/sparql", data=body, headers={"Accept": "application/sparql-results+json"})
            with urllib.request.urlopen(request, timeout=120) as answer:
                data = json.loads(answer.read())
        except urllib.error.HTTPError as error:
            return f"http {error.code}", time.perf_counter() - began
        except OSError as error:
            return f"error {type(error).__name__}", time.perf_counter() - began
        got = sorted(
            json.dumps([as_table_text(b[c]) if c in b else None for c in columns]) for b in data["results"]["bindings"]
        )
        return ("ok" if got == expected else f"wrong {name}"), time.perf_counter() - began

    began = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as pool:
        results = list(pool.map(one, range(requests)))
    wall = time.perf_counter() - began
    alive = urllib.request.urlopen(root + "/sparql?query=ASK%7B%7D", timeout=30).status == 200
    server.shutdown()
    server.server_close()
    latencies = sorted(r[1] for r in results)
    outcomes: dict[str, int] = {}
    for outcome, _ in results:
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
    return {
        "requests": requests,
        "concurrency": concurrency,
        "outcomes": outcomes,
        "seconds": round(wall, 2),
        "requests_per_second": round(requests / wall, 1),
        "latency_p50_s": round(statistics.median(latencies), 3),
        "latency_p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "latency_max_s": round(latencies[-1], 3),
        "server_alive_after": alive,
        "workers_killed": server.pool.killed,
        "queries": [job[0] for job in jobs],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, default=None)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=500)
    args = parser.parse_args()
    store = args.store
    if store is None:
        from nhskg.build import build

        store = Path(tempfile.mkdtemp(prefix="nhskg-load-")) / "store"
        build([ROOT / "seeds"], store, validate=False)
    figures = run(store, args.requests, args.concurrency)
    print(json.dumps(figures))
    return 0 if figures["outcomes"] == {"ok": args.requests} and figures["server_alive_after"] else 1


if __name__ == "__main__":
    sys.exit(main())
