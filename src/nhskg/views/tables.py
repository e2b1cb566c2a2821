"""Stage 4 output for other tools: the graph as spreadsheet tables (CSV) and as GraphML for Gephi.

``write_tables`` writes one CSV per main table, each the answer of a query in ``queries/export/``
(posts, lines, designations, duties, requirements), with codes and ``data:`` paths rather than
full IRIs unless asked, and a ``README.txt`` saying what the tables rest on and what each column
is. ``write_graphml`` writes the accountability network of :mod:`nhskg.analyses.network` (posts,
role types, bodies, designations, duty areas; their lines) with each node's ``label`` and
``kind``, which Gephi shows and colours by.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import NhskgError, StoreError
from ..namespaces import DEFAULT_BASE
from ..paths import given_path
from ..queries.library import load_query
from ..queries.running import run_query
from ..queries.results import to_csv
from ..sparql.sources import SparqlSource, Table

__all__ = ["TABLES", "write_tables", "write_graphml"]

#: The tables ``nhskg export --tables`` writes, in this order (``queries/export/NAME.rq``).
TABLES = ("posts", "lines", "designations", "duties", "requirements")


def _atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Whole or not at all, readable by others: the store's own atomic write (temp file, fsync, rename)."""
    from ..graph.store import _atomic_write

    _atomic_write(path, write)


def write_tables(source: SparqlSource, directory: Path | str, *, iris: bool = False,
                 base: str = DEFAULT_BASE) -> list[Path]:
    """Write ``posts.csv``, ``lines.csv``, ``designations.csv``, ``duties.csv``, ``requirements.csv``
    and ``README.txt`` into ``directory``; return their paths. An empty or blank str is
    :class:`~nhskg.errors.EmptyPathError`, not the working folder."""
    from ..queries.coverage import coverage

    directory = given_path(directory, "directory=", "a folder for the CSV tables")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(f"{directory}: cannot create the folder ({error.strerror}); choose another") from error
    written: list[Path] = []
    notes = [
        "nhskg export --tables: the knowledge graph as spreadsheet tables (UTF-8 CSV, RFC 4180).",
        "",
        f"The tables are {coverage(source).footer()}.",
        "Postings are what was advertised, not every post that exists. Only postings modelled in full",
        "(posts.csv: modelled_in_full = true) carry lines, designations, duties and requirements.",
        "Concepts appear by their code (the skos:notation, e.g. chief-nurse) next to their label;",
        f"the graph's own IRIs as data:PATH, short for {base}PATH"
        + (" (full IRIs: this export was asked for them)." if iris else "."),
        "Every row names its posting (posting_id): `nhskg query evidence -p posting_id=ID` lists the",
        "sentences each fact was read from.",
        "confidence (0 to 1) is how far the extractor trusts a fact and stated_as how the posting stated it;",
        "a duty's duty_confidence and area_confidence are the duty model's chances. Filter the low ones out,",
        "or check them first: a wrong fact comes with a sentence too.",
        "",
    ]
    for name in TABLES:
        query = load_query(f"export/{name}")
        table = run_query(source, query, base=base)
        if not isinstance(table, Table):  # pragma: no cover - the export queries are SELECTs
            raise NhskgError(f"queries/export/{name}.rq must be a SELECT query")
        path = directory / f"{name}.csv"
        text = to_csv(table, readable=not iris, base=base)

        def write(tmp: Path, text: str = text) -> None:
            tmp.write_text(text, encoding="utf-8", newline="")

        _atomic(path, write)
        written.append(path)
        notes += [f"{name}.csv ({len(table):,} rows): {query.question}", f"  columns: {', '.join(table.columns)}", ""]
    readme = directory / "README.txt"
    _atomic(readme, lambda tmp: tmp.write_text("\n".join(notes), encoding="utf-8"))
    return [*written, readme]


def write_graphml(source: SparqlSource, path: Path | str) -> Path:
    """Write the accountability network as GraphML (node ``label``, ``kind``, ``organisation``;
    edge ``kind``, ``weight``, ``evidence``), for Gephi, yEd or Cytoscape.

    >>> import pyoxigraph as ox, tempfile
    >>> from nhskg.sparql.sources import OxigraphSource
    >>> store = ox.Store()
    >>> store.load(b'''@prefix org: <http://www.w3.org/ns/org#> .
    ... <http://x/a> a org:Post ; org:reportsTo <http://x/b> .
    ... <http://x/b> a org:Post .''', format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("http://g"))
    >>> out = write_graphml(OxigraphSource(store), Path(tempfile.mkdtemp()) / "g.graphml")
    >>> "<edge" in out.read_text()
    True
    """
    import networkx as nx

    from ..analyses.network import accountability_graph

    path = given_path(path, "path=", "a file to write (e.g. network.graphml)")
    from ..queries.coverage import coverage

    graph = accountability_graph(source)
    plain = nx.MultiDiGraph()
    try:
        plain.graph["based_on"] = coverage(source).footer()
    except NhskgError:
        pass
    for node, data in graph.nodes(data=True):
        plain.add_node(node, **{k: ("" if v is None else v) for k, v in data.items()})
    for u, v, key, data in graph.edges(keys=True, data=True):
        plain.add_edge(u, v, key=key, **{k: ("" if value is None else value) for k, value in data.items()})
    _atomic(path, lambda tmp: nx.write_graphml(plain, tmp))
    return path
