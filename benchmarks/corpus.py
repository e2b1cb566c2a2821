"""Full-corpus benchmark: floor, extract, build, rebuild, add, queries (Oxigraph vs rdflib),
analyses, views, and the same at ten times the corpus.

A script, not a test: it prints one table and writes the same figures as JSON to
``benchmarks/results/corpus-<timestamp>.json`` so two runs can be compared. Every ratio is
against a baseline measured in the same run, on the same machine, at the same load.

Usage (from the checkout, with the venv active)::

    python benchmarks/corpus.py                       # ../shared/corpus/nhs-jobs-2020.jsonl.gz
    python benchmarks/corpus.py --corpus FILE --runs 5 --timeout 60
    python benchmarks/corpus.py --x10                 # also ten times the corpus (several minutes more)

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


def floor_child(corpus: Path) -> tuple[float, float]:
    """(wall, CPU) seconds of :func:`floor`, timed in a fresh interpreter, as the build is.

    Timed in this process after it had read and extracted the corpus, the floor took 3.6 s
    instead of 1.9 (and ten times the corpus 25 s instead of 20): the heap that reading left
    behind slows every JSON parse, and the build, in a child process of its own, pays nothing of it.
    """
    code = ("import sys, time; sys.path.insert(0, {here!r}); from corpus import floor; from pathlib import Path; "
            "w, c = time.perf_counter(), time.process_time(); floor(Path({corpus!r})); "
            "print(time.perf_counter() - w, time.process_time() - c)").format(here=str(Path(__file__).parent), corpus=str(corpus))
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    wall, cpu = (float(v) for v in done.stdout.split())
    return wall, cpu


def read_all(corpus: Path) -> list[Any]:
    from nhskg.read.readers import read_documents

    return list(read_documents([corpus]))


# --- 2. extract and build ------------------------------------------------------------------


def extract_all(documents: list[Any]) -> tuple[Counter, int, int]:
    from nhskg.read.documents import Problem
    from nhskg.extract import extract_posting
    from nhskg.vocabulary.vocab import load_vocabulary

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
from nhskg.pipeline.build import build
started = time.perf_counter()
report = build([{corpus!r}], {store!r}, fresh={fresh!r}, validate={validate!r}, workers={workers!r})
import resource
me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({{"seconds": time.perf_counter() - started, "triples": report.triples,
                  "peak_rss_mb": me.ru_maxrss / 1024, "worker_peak_rss_mb": kids.ru_maxrss / 1024,
                  "written": report.postings_written, "unchanged": report.postings_unchanged,
                  "problems": len(report.problems),
                  "validation_s": report.validation.seconds if report.validation else None,
                  "validated_triples": report.validation.triples if report.validation else None,
                  "conforms": report.validation.conforms if report.validation else None}}))
"""


def build_child(corpus: Path, store: Path, validate: bool, workers: int | None = None, *, fresh: bool = True,
                env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run a build in a child process (fresh, or into what ``store`` holds); its wall time, CPU
    time and peak RSS (its own and its workers')."""
    code = _BUILD_CHILD.format(src=str(ROOT / "src"), corpus=str(corpus), store=str(store), validate=validate,
                               workers=workers, fresh=fresh)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env={**os.environ, **(env or {})})
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(
        wall_s=wall,
        load_average=load,
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
    from nhskg.queries.library import load_queries
    from nhskg.queries.running import run_query
    from nhskg.sparql.sources import RdflibSource
    from nhskg.graph.store import GraphStore

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

    from nhskg.graph.store import GraphStore

    with tempfile.TemporaryDirectory() as tmp:
        dump = Path(tmp) / "graph.nq"
        GraphStore.open(store).export(dump)
        started = time.perf_counter()
        _DATASET = rdflib.Dataset(default_union=True)
        _DATASET.parse(dump, format="nquads")
        return time.perf_counter() - started


# --- 4. analyses and views -----------------------------------------------------------------


def analyses_and_views(store: Path, out_dir: Path) -> dict[str, dict[str, Any]]:
    """Each analysis, and each view as ``nhskg render VIEW`` draws it (organisation charts, the
    designations matrix, two role types' duty areas), timed from the open store to the file."""
    from nhskg.analyses.gaps import gaps
    from nhskg.analyses.network import network
    from nhskg.analyses.overlap import overlap
    from nhskg.graph.store import GraphStore
    from nhskg.views import html as views_html, matrix, orgchart, page, roles

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
        ("render reporting", lambda: orgchart.reporting_page(source, None)),
        ("render roles", lambda: roles.roles_view(source, "chief-medical-officer", "chief-nurse")),
        ("render designations", lambda: matrix.designations_page(source, None)),
    ):
        started = time.perf_counter()
        drawn = fn()
        target = out_dir / f"{name.split()[-1]}.html"
        if isinstance(drawn, page.Page):
            path, drawn_text = page.write_page(drawn, target), drawn.summary
        else:
            path, drawn_text = views_html.write_html(drawn, target), f"{len(drawn.nodes)} nodes, {len(drawn.edges)} edges"
        out[name] = {
            "wall_s": time.perf_counter() - started,
            "drawn": drawn_text,
            "html_kb": round(path.stat().st_size / 1024),
            "note": drawn.note,
        }
    return out


# --- 5. keeping the store current: rebuild and add ----------------------------------------


def changed_vocabulary(home: Path) -> Path:
    """A copy of the project's ontology and queries (``NHSKG_HOME``) with one synonym added, as
    a curator would: every posting's graph is then out of date."""
    import shutil

    from nhskg.paths import ontology_dir, queries_dir

    shutil.copytree(ontology_dir(), home / "ontology")
    shutil.copytree(queries_dir(), home / "queries")
    role_types = home / "ontology" / "vocab" / "role-type.ttl"
    with open(role_types, "a", encoding="utf-8") as handle:
        handle.write('\n<https://w3id.org/nhskg/vocab/role-type/chief-nurse>'
                     ' <http://www.w3.org/2004/02/skos/core#hiddenLabel> "CNOX"@en .\n')
    return home


def new_adverts(corpus: Path, out: Path, count: int = 20) -> Path:
    """``count`` records spread through the corpus, with new ids and URLs: postings the store lacks."""
    with gzip.open(corpus, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    step = max(1, len(records) // count)
    with open(out, "w", encoding="utf-8") as handle:
        for record in records[::step][:count]:
            record = {**record, "id": f"added-{record.get('id')}", "url": f"{record.get('url') or ''}?added"}
            handle.write(json.dumps(record) + "\n")
    return out


def cli_child(*args: str) -> float:
    """Wall seconds of ``nhskg ARGS`` in a fresh process, start-up included (the console script's code)."""
    code = f"import sys; sys.path.insert(0, {str(ROOT / 'src')!r}); from nhskg.cli import main; sys.argv[0] = 'nhskg'; main()"
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code, *args], capture_output=True, check=True)
    return time.perf_counter() - started


def keep_current(corpus: Path, store: Path, work: Path, fresh_wall: float, do_rebuild: bool, do_add: bool) -> dict[str, Any]:
    """Rebuild the corpus into (a copy of) its own store, unchanged and after a vocabulary
    change, and add 20 new postings to it, each in a child process.

    The rebuilds' baseline is a fresh build made again just before them, as the floor is
    measured again before the build: on a shared machine the speed drifts within a run.
    """
    import shutil

    out: dict[str, Any] = {}
    if do_rebuild:
        copy = work / "rebuild-store"
        shutil.copytree(store, copy)
        home = changed_vocabulary(work / "changed-home")
        again = build_child(corpus, work / "fresh-again", validate=True)
        unchanged = build_child(corpus, copy, validate=True, fresh=False)
        vocabulary = build_child(corpus, copy, validate=True, fresh=False, env={"NHSKG_HOME": str(home)})
        for rebuild in (unchanged, vocabulary):
            rebuild["ratio_to_fresh"] = rebuild["wall_s"] / again["wall_s"]
            rebuild["cpu_ratio_to_fresh"] = rebuild["cpu_s"] / again["cpu_s"]
        out["fresh_again"], out["rebuild_unchanged"], out["rebuild_vocabulary_changed"] = again, unchanged, vocabulary
    if do_add:
        copy = work / "add-store"
        shutil.copytree(store, copy)
        adverts = new_adverts(corpus, work / "new-adverts.jsonl")
        startup = min(cli_child("--help") for _ in range(2))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        load = os.getloadavg()[0]
        wall = cli_child("--store", str(copy), "build", str(adverts))
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        out["add_20"] = {"wall_s": wall, "cpu_s": (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
                         "cli_startup_s": startup, "ratio_to_fresh": wall / fresh_wall, "load_average": load}
    return out


# --- 6. ten times the corpus ---------------------------------------------------------------


def repeat_corpus(corpus: Path, out: Path, times: int = 10) -> int:
    """The corpus ``times`` over, each copy after the first with new ids and URLs (so new
    postings, the same organisations), gzip-compressed like the original; how many records."""
    with gzip.open(corpus, "rb") as handle:
        lines = [line for line in handle.read().splitlines() if line.strip()]
    count = 0
    with gzip.open(out, "wb", compresslevel=1) as handle:
        for copy in range(times):
            for line in lines:
                if copy:
                    record = json.loads(line)
                    record["id"] = f"{record.get('id')}-copy{copy}"
                    if isinstance(record.get("url"), str):
                        record["url"] = f"{record['url']}?copy={copy}"
                    line = json.dumps(record, ensure_ascii=False).encode("utf-8")
                handle.write(line + b"\n")
                count += 1
    return count


def ten_times(corpus: Path, work: Path, runs: int, timeout: float, one_x: dict[str, Any]) -> dict[str, Any]:
    """Build the corpus ten times over (fresh, validated) and run every query and analysis on it."""
    from nhskg.queries.library import load_queries

    big = work / "x10" / "corpus-x10.jsonl.gz"
    big.parent.mkdir(parents=True)
    made, _, records = _timed(lambda: repeat_corpus(corpus, big))
    store = work / "x10" / "store"
    floor_wall = floor_child(big)[0]
    build = build_child(big, store, validate=True)
    build["postings_per_s"] = build["written"] / build["wall_s"]
    build["ratio_to_floor"] = build["wall_s"] / floor_wall
    build["rate_vs_1x"] = build["postings_per_s"] / one_x["postings_per_s"]
    queries = time_queries("oxigraph", store, sorted(load_queries()), runs, timeout)
    analyses = analyses_and_views(store, work / "x10" / "views")
    size = sum(p.stat().st_size for p in store.rglob("*") if p.is_file())
    return {"records": records, "generate_s": made, "floor_wall_s": floor_wall, "build": build,
            "store_mb": size / 1e6, "queries": queries, "analyses_views": analyses}


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
    parser.add_argument("--skip-rebuild", action="store_true", help="no rebuilds into the built store")
    parser.add_argument("--skip-add", action="store_true", help="no addition of 20 postings to the built store")
    parser.add_argument("--x10", action="store_true", help="also build ten times the corpus and query it")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    if not args.corpus.is_file():
        print(f"no corpus at {args.corpus}; pass --corpus FILE", file=sys.stderr)
        return 2

    results: dict[str, Any] = {"corpus": str(args.corpus), "cpus": os.cpu_count(),
                               "load_average_at_start": os.getloadavg()}
    work = Path(tempfile.mkdtemp(prefix="nhskg-bench-"))

    floor_wall, floor_cpu = floor_child(args.corpus)
    floor_wall2, floor_cpu2 = floor_child(args.corpus)  # warm
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
    results["floor"]["at_build_wall_s"] = floor_child(args.corpus)[0]
    results["build"] = build_child(args.corpus, store, validate=True)
    results["build"]["postings_per_s"] = results["build"]["written"] / results["build"]["wall_s"]
    results["build"]["ratio_to_floor"] = results["build"]["wall_s"] / results["floor"]["at_build_wall_s"]
    if not args.skip_serial:
        serial = build_child(args.corpus, work / "serial-store", validate=True, workers=1)
        serial["ratio_to_floor"] = serial["wall_s"] / results["floor"]["at_build_wall_s"]
        results["build_one_process"] = serial

    from nhskg.queries.library import load_queries

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
    results.update(keep_current(args.corpus, store, work, results["build"]["wall_s"], not args.skip_rebuild, not args.skip_add))
    if args.x10:
        results["x10"] = ten_times(args.corpus, work, args.runs, args.timeout, results["build"])

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
        f"({'conforms' if b['conforms'] else 'does not conform'}); workers' peak RSS {b['worker_peak_rss_mb']:.0f} MB; "
        f"load average {b['load_average']:.1f}",
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
        drawn = f"{row['drawn']}, {row['html_kb']} KB" if "drawn" in row else ""
        lines.append(f"{name:52} {row['wall_s']:8.2f}  {drawn}")
    lines += _keep_current_lines(results) + _x10_lines(results, args.timeout) + _target_lines(results)
    lines += ["", "records per role type (extract): " + ", ".join(f"{k} {v}" for k, v in roles.most_common())]
    print("\n".join(lines))

    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / f"corpus-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(results, indent=2, sort_keys=True, default=str), encoding="utf-8")
    print(f"\nwrote {path}")
    return 0



def _keep_current_lines(results: dict[str, Any]) -> list[str]:
    lines = []
    if "fresh_again" in results:
        r = results["fresh_again"]
        lines.append(f"{'fresh build again (the rebuilds baseline)':44} {r['wall_s']:8.2f} {r['cpu_s']:8.2f}  "
                     f"load average {r['load_average']:.1f}")
    for key, name in (("rebuild_unchanged", "rebuild, unchanged corpus, own store"),
                      ("rebuild_vocabulary_changed", "rebuild after a vocabulary change")):
        if key in results:
            r = results[key]
            lines.append(f"{name:44} {r['wall_s']:8.2f} {r['cpu_s']:8.2f}  x{r['ratio_to_fresh']:.2f} the fresh build "
                         f"(CPU x{r['cpu_ratio_to_fresh']:.2f}); {r['written']} written, {r['unchanged']} unchanged; "
                         f"validated {r['validated_triples']} triples in {_fmt(r['validation_s'])} s; peak RSS {r['peak_rss_mb']:.0f} MB; "
                         f"load average {r['load_average']:.1f}")
    if "add_20" in results:
        r = results["add_20"]
        lines.append(f"{'nhskg build 20 new adverts (full store)':44} {r['wall_s']:8.2f} {r['cpu_s']:8.2f}  "
                     f"start-up included (`nhskg --help` takes {r['cli_startup_s']:.2f} s); x{r['ratio_to_fresh']:.2f} the fresh build; "
                     f"load average {r['load_average']:.1f}")
    return ["", f"{'keeping the store current':44} {'wall s':>8} {'cpu s':>8}  notes", *lines] if lines else []


def _x10_lines(results: dict[str, Any], timeout: float) -> list[str]:
    if "x10" not in results:
        return []
    x, b = results["x10"], results["x10"]["build"]
    one = results["build"]
    lines = [
        "",
        f"ten times the corpus: {x['records']} records (generated in {x['generate_s']:.1f} s, not counted)",
        f"{'floor (gzip+json+unescape+strip)':44} {x['floor_wall_s']:8.2f}",
        f"{'build (fresh, validated, child process)':44} {b['wall_s']:8.2f} {b['cpu_s']:8.2f}  "
        f"x{b['ratio_to_floor']:.2f} floor; {b['postings_per_s']:.0f} postings/s (1x: {one['postings_per_s']:.0f}, "
        f"x{b['rate_vs_1x']:.2f}); peak RSS {b['peak_rss_mb']:.0f} MB (workers {b['worker_peak_rss_mb']:.0f} MB); "
        f"{b['triples']} triples; validation {_fmt(b['validation_s'])} s; store {x['store_mb']:.0f} MB; "
        f"load average {b['load_average']:.1f} (1x build: {one['load_average']:.1f})",
        "",
        f"{'query at 10x (median)':28} {'rows':>6} {'oxigraph s':>11}   1x s",
    ]
    for name, row in sorted(x["queries"].items()):
        one_x = results["queries"].get(name, {}).get("oxigraph_s")
        seconds = f"> {timeout:.0f}" if row["s"] is None else f"{row['s']:.4f}"
        lines.append(f"{name:28} {'?' if row['rows'] is None else row['rows']:>6} {seconds:>11} {_fmt(one_x):>6}")
    lines += ["", f"{'analysis / view at 10x':52} {'wall s':>8}   1x s  drawn"]
    for name, row in x["analyses_views"].items():
        drawn = f"{row['drawn']}, {row['html_kb']} KB" if "drawn" in row else ""
        lines.append(f"{name:52} {row['wall_s']:8.2f} {results['analyses_views'][name]['wall_s']:6.2f}  {drawn}")
    return lines


def _target_lines(results: dict[str, Any]) -> list[str]:
    """Issue 17's targets, each with the figure of this run."""
    checks: list[tuple[str, float | None, float, str]] = [
        ("fresh build <= 3x its floor", results["build"]["ratio_to_floor"], 3.0, "x"),
    ]
    if "rebuild_unchanged" in results:
        checks.append(("rebuild, unchanged <= 0.5x fresh", results["rebuild_unchanged"]["ratio_to_fresh"], 0.5, "x"))
        checks.append(("rebuild, vocabulary changed <= 1.1x fresh", results["rebuild_vocabulary_changed"]["ratio_to_fresh"], 1.1, "x"))
    if "add_20" in results:
        checks.append(("add 20 postings <= 2 s", results["add_20"]["wall_s"], 2.0, "s"))
    if "x10" in results:
        x = results["x10"]
        slowest_query = max((r["s"] if r["s"] is not None else float("inf")) for r in x["queries"].values())
        slowest_analysis = max(r["wall_s"] for name, r in x["analyses_views"].items() if name.startswith("analyse"))
        checks += [
            ("10x build <= 3x its floor", x["build"]["ratio_to_floor"], 3.0, "x"),
            ("10x postings/s >= 0.8x the 1x build's", -x["build"]["rate_vs_1x"], -0.8, "x"),
            ("10x peak RSS <= 2,048 MB", x["build"]["peak_rss_mb"], 2048.0, "MB"),
            ("10x slowest query <= 0.5 s", slowest_query, 0.5, "s"),
            ("10x slowest analysis <= 5 s", slowest_analysis, 5.0, "s"),
        ]
    lines = ["", f"{'target':44} {'figure':>10}  met"]
    for name, figure, limit, unit in checks:
        shown = "n/a" if figure is None else f"{abs(figure):.2f} {unit}"
        lines.append(f"{name:44} {shown:>10}  {'yes' if figure is not None and figure <= limit else 'NO'}")
    return lines


if __name__ == "__main__":
    raise SystemExit(main())
