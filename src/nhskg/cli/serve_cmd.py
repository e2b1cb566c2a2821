"""``nhskg serve``: the store as a read-only SPARQL endpoint with a query page, on loopback by default.

Exit codes as every command's (``nhskg --help``): 0 stopped with Ctrl-C; 1 no store, or the port
cannot be bound; 2 a usage mistake.
"""

from __future__ import annotations

from pathlib import Path

import click

from . import Settings, main
from .graph_cmd import _renamed
from .params import CURATION_WANTED, FloatRange, GivenPath, IntRange, StoreDir


@main.command("serve")
@click.option("--store", "store", type=StoreDir(), default=None,
              help="Store directory to serve (overrides the global --store).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback exposes the graph to the network.")
@click.option("--port", default=7878, show_default=True, type=IntRange(0, 65535), help="Port (0: any free port).")
@click.option("--cors", default=None, metavar="ORIGIN", help="Send Access-Control-Allow-Origin: ORIGIN (e.g. * or https://yasgui.org); off by default.")
@click.option("--timeout", default=30.0, show_default=True, type=FloatRange(min=0.1),
              help="Seconds a query may run before it is stopped (its worker process is killed).")
@click.option("--max-rows", default=100_000, show_default=True, type=IntRange(min=1), help="Most rows or triples in one answer.")
@click.option("--max-response-mb", default=64, show_default=True, type=IntRange(min=1),
              help="Most megabytes in one answer, counted as the worker writes it: a larger one is refused (413; "
                   "add a LIMIT or select fewer columns). The editor page shows at most 4 MB of an answer.")
@click.option("--worker-memory-mb", default=2000, show_default=True, type=IntRange(min=0),
              help="Megabytes of memory each query worker may use (its 256 MB engine stack included): a query that "
                   "needs more is stopped (507) and its worker replaced. 0: no limit.")
@click.option("--workers", default=2, show_default=True, type=IntRange(min=1), help="Query worker processes.")
@click.option("--review/--no-review", default=None,
              help="Serve the review page (/review), which writes reviewers' decisions to the curation folder "
                   "(never the store). Default: on when listening on loopback only.")
@click.option("--decisions", "curation", type=GivenPath(CURATION_WANTED, file_okay=False), default=Path("curation"),
              show_default=True, help="The curation folder the review page writes decisions to.")
@click.option("--curation", "old_curation", type=GivenPath(CURATION_WANTED, file_okay=False), default=None, hidden=True,
              callback=_renamed("--decisions"), help="The old name of --decisions.")
@click.option("--allow-service", "allow_services", multiple=True, metavar="URL",
              help="An endpoint a query's SERVICE may ask (exactly this IRI; repeat for several). Without it, "
                   "SERVICE is refused: the engine would fetch any URL from this machine.")
@click.pass_obj
def serve(settings: Settings, store: Path | None, host: str, port: int, cors: str | None, timeout: float,
          max_rows: int, max_response_mb: int, worker_memory_mb: int, workers: int, review: bool | None, curation: Path,
          old_curation: Path | None, allow_services: tuple[str, ...]) -> None:
    """Serve the graph store as a read-only SPARQL 1.1 endpoint (/sparql) with a query page (/)
    and a review page (/review)."""
    from ..serve.server import ServeConfig, make_server

    curation = old_curation or curation
    loopback = host in ("127.0.0.1", "localhost", "::1")
    config = ServeConfig(store=store or settings.store, host=host, port=port, cors=cors, timeout=timeout,
                         max_rows=max_rows, max_response_bytes=max_response_mb * 1_000_000,
                         worker_memory=worker_memory_mb * 1_000_000, workers=workers,
                         curation=curation if (loopback if review is None else review) else None, allow_services=allow_services)
    server = make_server(config)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: anyone who can reach it can read the whole graph", err=True)
    click.echo(f"serving {config.store} at {server.url} (page: {server.url.rsplit('/', 1)[0]}/); Ctrl-C stops", err=True)
    if config.curation is not None:
        click.echo(f"review page: {server.url.rsplit('/', 1)[0]}/review (decisions go to {config.curation}/)", err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
