"""Full-corpus benchmark: floor, extract, build, queries (Oxigraph vs rdflib), analyses, views.

A script, not a test: it prints one table and writes the same figures as JSON to
``benchmarks/results/corpus-<timestamp>.json`` so two runs can be compared. Every ratio is
against a baseline measured in the same run, on the same machine, at the same load.

Usage (from the checkout, with the venv active)::

    python benchmarks/corpus.py                       # ../shared/corpus/nhs-jobs-2020.jsonl.gz
    python benchmarks/corpus.py --corpus FILE --runs 5 --rdflib-timeout 60

Why some steps run in child processes: the build's peak RSS must be the build's alone (read
with ``/usr/bin/time``-free ``resource.getrusage(RUSAGE_CHILDREN)`` after the child exits), and
each rdflib query gets a hard time limit, which only killing a process can enforce.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import multiprocessing as mp
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "nhs-jobs-2020.jsonl.gz"


def _timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, result)."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - wall, time.process_time() - cpu, result


# --- 1. the floor --------------------------------------------------------------------------


def floor(corpus: Path) -> int:
    """Read, decompress, JSON-parse, unescape and strip every record: the least any build does."""
    from selectolax.lexbor import LexborHTMLParser

    chars = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            markup = html.unescape(record.get("description") or "")
            chars += len(LexborHTMLParser(markup).text(separator="\n")) + len(record.get("title") or "")
    return chars


def read_all(corpus: Path) -> list[Any]:
    from nhskg.readers import read_documents

    return list(read_documents([corpus]))


# --- 2. extract and build ------------------------------------------------------------------


def extract_all(documents: list[Any]) -> tuple[Counter, int, int]:
    from nhskg.documents import Problem
    from nhskg.extract import extract_posting
    from nhskg.vocab import load_vocabulary

    vocab = load_vocabulary()
    roles: Counter = Counter()
    crashes = problems = 0
    for document in documents:
        if isinstance(document, Problem):
            problems += 1
            continue
        try:
            roles[extract_posting(document, vocab).role_type] += 1
        except Exception:  # noqa: BLE001 - counting crashes is the point
            crashes += 1
    return roles, crashes, problems


_BUILD_CHILD = """
import json, sys, time
sys.path.insert(0, {src!r})
from nhskg.build import build
started = time.perf_counter()
report = build([{corpus!r}], {store!r}, fresh=True, validate={validate!r}, workers={workers!r})
import resource
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{"seconds": time.perf_counter() - started, "triples": report.triples,
                  "peak_rss_mb": me.ru_maxrss / 1024, "worker_peak_rss_mb": kids.ru_maxrss / 1024,
                  "written": report.postings_written, "problems": len(report.problems),
                  "validation_s": report.validation.seconds if report.validation else None,
                  "conforms": report.validation.conforms if report.validation else None}}))
"""


def build_child(corpus: Path, store: Path, validate: bool, workers: int | None = None) -> dict[str, Any]:
    """Run a fresh build in a child process; its wall time, CPU time and peak RSS (its own and its workers')."""
    code = _BUILD_CHILD.format(src=str(ROOT / "src"), corpus=str(corpus), store=str(store), validate=validate,
                               workers=workers)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(
        wall_s=wall,
        # CPU of the build process and its extraction workers together
        cpu_s=(after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
    )
    return result


# --- 3. queries ----------------------------------------------------------------------------


def _size(result: Any) -> int:
    return len(result) if not isinstance(result, bool) else int(result)


def _digest(result: Any) -> str:
    """A fingerprint of the answer, so the two engines' answers can be compared, not just counted.

    Numbers are compared to six decimals: the engines compute an AVG to different precisions.
    """
    import hashlib
    from decimal import Decimal

    from rdflib.term import Literal

    if isinstance(result, bool):
        return str(result)

    def cell(value: Any) -> str:
        if isinstance(value, Literal):
            number = value.toPython()
            if isinstance(number, (int, float, Decimal)) and not isinstance(number, bool):
                return f"{float(number):.6f}"
        return "" if value is None else str(value)

    rows = sorted("\t".join(cell(v) for v in row) for row in result.rows)
    return hashlib.sha1("\n".join(rows).encode("utf-8")).hexdigest()[:12]


_DATASET: Any = None


def _run_in_child(name: str, engine: str, store: Path, runs: int, conn: Any) -> None:
    """Run one library query up to ``runs`` times, sending (seconds, rows) after each run."""
    from nhskg.queries import load_queries, run_query
    from nhskg.sparql import RdflibSource
    from nhskg.store import GraphStore

    query = load_queries()[name]
    source = GraphStore.open(store).source() if engine == "oxigraph" else RdflibSource(_DATASET)
    for _ in range(runs):
        started = time.perf_counter()
        result = run_query(source, query)
        conn.send((time.perf_counter() - started, _size(result), _digest(result)))


def time_queries(engine: str, store: Path, names: list[str], runs: int, timeout: float) -> dict[str, Any]:
    """Median seconds and row count of each query, each in a forked child killed after ``timeout``.

    A run that has not answered within ``timeout`` seconds is reported as None ("> timeout");
    further runs are not started once the runs so far add up to ``timeout``.
    """
    ctx = mp.get_context("fork")  # an rdflib child shares the loaded dataset copy-on-write
    out: dict[str, Any] = {}
    for name in names:
        parent, child = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_run_in_child, args=(name, engine, store, runs, child))
        proc.start()
        times, rows, digest = [], None, None
        while len(times) < runs and (not times or sum(times) < timeout) and parent.poll(timeout):
            seconds, rows, digest = parent.recv()
            times.append(seconds)
        proc.kill()
        proc.join()
        out[name] = {"s": statistics.median(times) if times else None, "rows": rows, "runs": len(times), "digest": digest}
    return out


def rdflib_load(store: Path) -> float:
    """Export N-Quads from the store and load them into rdflib's memory store (kept for the children)."""
    global _DATASET
    import rdflib

    from nhskg.store import GraphStore

    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "graph.nq"
        GraphStore.open(store).export(dump)
        started = time.perf_counter()
        _DATASET = rdflib.Dataset(default_union=True)
        _DATASET.parse(dump, format="nquads")
        return time.perf_counter() - started


# --- 4. analyses and views -----------------------------------------------------------------


def analyses_and_views(store: Path, out_dir: Path) -> dict[str, dict[str, Any]]:
    from nhskg.analyses.gaps import gaps
    from nhskg.analyses.network import network
    from nhskg.analyses.overlap import overlap
    from nhskg.store import GraphStore
    from nhskg.views import designations, html as views_html, reporting, roles

    source = GraphStore.open(store).source()
    out: dict[str, dict[str, Any]] = {}
    for name, fn in (
        ("analyse overlap chief-medical-officer chief-nurse", lambda: overlap(source, "chief-medical-officer", "chief-nurse")),
        ("analyse network", lambda: network(source)),
        ("analyse gaps", lambda: gaps(source)),
    ):
        wall, _cpu, _ = _timed(fn)
        out[name] = {"wall_s": wall}
    for name, fn in (
        ("render reporting", lambda: reporting.reporting_view(source, None)),
        ("render roles", lambda: roles.roles_view(source, "chief-medical-officer", "chief-nurse")),
        ("render designations", lambda: designations.designations_view(source, None)),
    ):
        started = time.perf_counter()
        drawn = fn()
        path = views_html.write_html(drawn, out_dir / f"{name.split()[-1]}.html")
        out[name] = {
            "wall_s": time.perf_counter() - started,
            "nodes": len(drawn.nodes),
            "edges": len(drawn.edges),
            "html_kb": round(path.stat().st_size / 1024),
            "note": drawn.note,
        }
    return out


# --- the run -------------------------------------------------------------------------------


def _fmt(seconds: float | None) -> str:
    return "n/a" if seconds is None else f"{seconds:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=5, help="runs per query (median reported)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per query run (either engine)")
    parser.add_argument("--skip-rdflib", action="store_true")
    parser.add_argument("--skip-serial", action="store_true", help="no second build in one process")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    if not args.corpus.is_file():
        print(f"no corpus at {args.corpus}; pass --corpus FILE", file=sys.stderr)
        return 2

    results: dict[str, Any] = {"corpus": str(args.corpus), "cpus": os.cpu_count(),
                               "load_average_at_start": os.getloadavg()}
    work = Path(tempfile.mkdtemp(prefix="nhskg-bench-"))

    floor_wall, floor_cpu, _ = _timed(lambda: floor(args.corpus))
    floor_wall2, floor_cpu2, _ = _timed(lambda: floor(args.corpus))  # warm
    results["floor"] = {"wall_s": min(floor_wall, floor_wall2), "cpu_s": min(floor_cpu, floor_cpu2)}
    read_wall, read_cpu, documents = _timed(lambda: read_all(args.corpus))
    results["read_documents"] = {"wall_s": read_wall, "cpu_s": read_cpu, "records": len(documents)}

    ext_wall, ext_cpu, (roles, crashes, problems) = _timed(lambda: extract_all(documents))
    results["extract"] = {"wall_s": ext_wall, "cpu_s": ext_cpu, "postings_per_s": len(documents) / ext_wall,
                          "crashes": crashes, "reader_problems": problems,
                          "role_types": dict(roles.most_common())}
    del documents

    store = work / "store"
    # The floor again, just before the build: on a shared machine the speed drifts within a
    # run, and the ratio should compare like with like.
    results["floor"]["at_build_wall_s"] = _timed(lambda: floor(args.corpus))[0]
    results["build"] = build_child(args.corpus, store, validate=True)
    results["build"]["postings_per_s"] = results["build"]["written"] / results["build"]["wall_s"]
    results["build"]["ratio_to_floor"] = results["build"]["wall_s"] / results["floor"]["at_build_wall_s"]
    if not args.skip_serial:
        serial = build_child(args.corpus, work / "serial-store", validate=True, workers=1)
        serial["ratio_to_floor"] = serial["wall_s"] / results["floor"]["at_build_wall_s"]
        results["build_one_process"] = serial

    from nhskg.queries import load_queries

    names = sorted(load_queries())
    queries = {n: {"oxigraph_s": r["s"], "rows": r["rows"], "oxigraph_runs": r["runs"], "oxigraph_digest": r["digest"]}
               for n, r in time_queries("oxigraph", store, names, args.runs, args.timeout).items()}
    if not args.skip_rdflib:
        results["rdflib_load_s"] = rdflib_load(store)
        for name, row in time_queries("rdflib", store, names, args.runs, args.timeout).items():
            queries[name].update(rdflib_s=row["s"], rdflib_rows=row["rows"], rdflib_runs=row["runs"],
                                 same_answer=None if row["digest"] is None else row["digest"] == queries[name]["oxigraph_digest"])
            if row["s"] is not None and queries[name]["oxigraph_s"]:
                queries[name]["ratio"] = row["s"] / max(queries[name]["oxigraph_s"], 1e-6)
        globals()["_DATASET"] = None
    results["queries"] = queries
    results["analyses_views"] = analyses_and_views(store, work / "views")

    b, f = results["build"], results["floor"]
    lines = [
        f"corpus {args.corpus.name}: {results['read_documents']['records']} records; "
        f"{os.cpu_count()} cpus; load average at start {results['load_average_at_start'][0]:.1f}",
        "",
        f"{'stage':44} {'wall s':>8} {'cpu s':>8}  notes",
        f"{'floor (gzip+json+unescape+strip)':44} {f['wall_s']:8.2f} {f['cpu_s']:8.2f}  "
        f"{f['at_build_wall_s']:.2f} s measured again just before the build (the build's ratios use it)",
        f"{'read_documents (project reader)':44} {read_wall:8.2f} {read_cpu:8.2f}  "
        f"x{read_wall / f['wall_s']:.1f} floor",
        f"{'extract (every record, 1 process)':44} {ext_wall:8.2f} {ext_cpu:8.2f}  "
        f"{results['extract']['postings_per_s']:.0f} postings/s, {crashes} crashes",
        f"{'build (fresh, validated, child process)':44} {b['wall_s']:8.2f} {b['cpu_s']:8.2f}  "
        f"{b['postings_per_s']:.0f} postings/s, {b['triples']} triples, peak RSS {b['peak_rss_mb']:.0f} MB, "
        f"x{b['ratio_to_floor']:.1f} floor, validation {_fmt(b['validation_s'])} s "
        f"({'conforms' if b['conforms'] else 'does not conform'}); workers' peak RSS {b['worker_peak_rss_mb']:.0f} MB",
        *([f"{'build (same, one process: no worker pool)':44} {results['build_one_process']['wall_s']:8.2f} "
           f"{results['build_one_process']['cpu_s']:8.2f}  x{results['build_one_process']['ratio_to_floor']:.1f} floor, "
           f"peak RSS {results['build_one_process']['peak_rss_mb']:.0f} MB"]
          if "build_one_process" in results else []),
        "",
        f"{'query (median of ' + str(args.runs) + ')':28} {'rows':>6} {'oxigraph s':>11} {'rdflib s':>10} {'ratio':>7}  answers",
    ]
    over = f"> {args.timeout:.0f}"
    for name, row in sorted(queries.items()):
        ox_s, rd = row["oxigraph_s"], row.get("rdflib_s")
        rd_text = "skipped" if args.skip_rdflib else (over if rd is None else f"{rd:.3f}")
        ratio = row.get("ratio")
        if ratio is None and ox_s is not None and rd is None and not args.skip_rdflib:
            ratio_text = f">x{args.timeout / max(ox_s, 1e-6):.0f}"
        else:
            ratio_text = f"x{ratio:.0f}" if ratio else ""
        rows = "?" if row["rows"] is None else row["rows"]
        same = {True: "same", False: f"DIFFER (rdflib {row.get('rdflib_rows')} rows)", None: ""}[row.get("same_answer")]
        lines.append(f"{name:28} {rows:>6} {over if ox_s is None else f'{ox_s:.4f}':>11} {rd_text:>10} {ratio_text:>7}  {same}")
    if "rdflib_load_s" in results:
        lines.append(f"(rdflib memory store load of the N-Quads export: {results['rdflib_load_s']:.1f} s)")
    lines += ["", f"{'analysis / view':52} {'wall s':>8}  drawn"]
    for name, row in results["analyses_views"].items():
        drawn = f"{row['nodes']} nodes, {row['edges']} edges, {row['html_kb']} KB" if "nodes" in row else ""
        lines.append(f"{name:52} {row['wall_s']:8.2f}  {drawn}")
    lines += ["", "records per role type (extract): " + ", ".join(f"{k} {v}" for k, v in roles.most_common())]
    print("\n".join(lines))

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"corpus-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2, sort_keys=True, default=str), encoding="utf-8")
    print(f"\nwrote {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
