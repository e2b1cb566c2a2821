"""The HTML pages of ``nhskg serve``: the query library's forms, result tables, the SPARQL editor.

Takes the server (for its worker pool and config), a library query and its values, and a
worker's SPARQL JSON; gives whole HTML pages, escaped and inline, that show labels and say what
they rest on ("based on N postings ..."). Separate from the routes (:mod:`.server`) so that what
a person reads is in one place, apart from how requests are answered.
"""

from __future__ import annotations

import html
import json
import urllib.parse
from typing import Any, Mapping

from ..errors import NhskgError
from .protocol import RunJob, _Refused


_STYLE = ("body{font-family:system-ui,sans-serif;margin:2em;max-width:75em}table{border-collapse:collapse}"
          "td,th{border:1px solid #ccc;padding:.2em .5em;vertical-align:top;font-size:90%}"
          "fieldset{margin:1em 0}label{display:block;margin:.2em 0}")


def _page(title: str, body: str) -> str:
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_STYLE}</style></head><body>{body}</body></html>")


def _index_page(server: Any = None, run: RunJob | None = None) -> str:
    from ..queries.library import load_queries

    e = html.escape
    library = load_queries()
    based_on = _based_on(server, run) if server is not None and run is not None else ""
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


def _json_table(data: bytes | Mapping[str, Any]) -> Any:
    """The worker's SPARQL JSON (or it read already) as a :class:`~nhskg.sparql.sources.Table` (or a bool for ASK)."""
    from ..sparql.sources import Table

    result = json.loads(data) if isinstance(data, bytes) else data
    if "boolean" in result:
        return bool(result["boolean"])
    columns = tuple(result["head"]["vars"])
    rows = tuple(tuple(_term_from_json(b.get(c)) for c in columns) for b in result["results"]["bindings"])
    return Table(columns, rows)


def _library_table(query: Any, data: bytes | Mapping[str, Any]) -> Any:
    """A library query's rows as the CLI shows them: its header's columns, and its quartiles computed."""
    from ..queries.running import _project, _summarise

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


def _html_table(table: Any, count: str = "") -> str:
    e = html.escape
    head = "<tr>" + "".join(f"<th>{e(c)}</th>" for c in table.columns) + "</tr>"
    body = "".join("<tr>" + "".join(f"<td>{e(_shown(t))}</td>" for t in row) + "</tr>" for row in table.rows)
    return f"{count or f'<p>{len(table.rows)} row(s)</p>'}<table>{head}{body}</table>"


def _cell(value: Mapping[str, str] | None) -> str:
    return html.escape(_shown(_term_from_json(value)))


def _result_page(query: Any, values: Mapping[str, str], media: str, data: bytes, server: Any = None,
                 run: RunJob | None = None) -> str:
    e = html.escape
    query_string = urllib.parse.urlencode({"name": query.name, **values})
    head = (f'<p><a href="/">All queries</a> · <a href="{e("/view?" + query_string)}">Graph view</a> · '
            f'<a id="csv" href="{e("/run.csv?" + query_string)}">Download CSV</a> · '
            f'<a href="{e("/editor?" + urllib.parse.urlencode({"example": query.name}))}">Open in the editor</a></p>'
            f"<h1>{e(query.title)}</h1><p>{e(query.question)}</p>")
    answer = json.loads(data)  # a CONSTRUCT's too: its first triples as rows (the worker's ``shown``)
    table = _json_table(answer) if query.kind == "construct" else _library_table(query, answer)
    if isinstance(table, bool):
        return _page(query.title, head + f"<p>{'yes' if table else 'no'}</p>")
    total = answer.get("total", len(table.rows))  # the worker sent the first rows only (``shown``), and counted all
    unit = "triples" if query.kind == "construct" else "rows"
    count = (f'<p id="shown">Showing the first {len(table.rows):,} of {total:,} {unit}; '
             f'<a href="{e("/run.csv?" + query_string)}">download the CSV</a> for all of them.</p>'
             if total > len(table.rows) else "")
    roles = [str(v) for p, v in _bound(query, values).items() if query.parameter(p).scheme == "role-type"]
    based_on = _based_on(server, run, roles) if server is not None and run is not None else ""
    foot = f'<p id="based-on">{e(based_on[:1].upper() + based_on[1:])}.</p>' if based_on else ""
    return _page(query.title, head + _html_table(table, count) + foot)


def _bound(query: Any, values: Mapping[str, str]) -> dict[str, Any]:
    from ..queries.binding import bind

    return bind(query, values)


def _based_on(server: Any, run: RunJob, roles: list[str] | tuple[str, ...] = ()) -> str:
    """What the served graph rests on, from the coverage queries ``run`` runs for the page's client
    (the totals are read once, kept on ``server``: the store is read-only while it is served)."""
    from rdflib.term import Literal

    from ..queries.coverage import Count, Coverage
    from ..queries.library import load_query

    def rows(name: str, bindings: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        from ..sparql.sources import to_oxigraph

        job = {"op": "sparql", "query": load_query(f"analysis/{name}").text, "fmt": "json", "max_rows": 10_000,
               "bindings": {k: to_oxigraph(v) for k, v in (bindings or {}).items()}}
        _status, _media, data = run(job)
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


def _download_links(text: str) -> str:
    """Links to the query's whole answer from /sparql, as CSV, TSV, JSON and XML."""
    e = html.escape
    links = " · ".join(
        f'<a {"id=" + chr(34) + "csv" + chr(34) + " " if fmt == "csv" else ""}href="{e("/sparql?" + urllib.parse.urlencode({"query": text, "format": fmt}))}">'
        f'{"Download CSV" if fmt == "csv" else fmt.upper()}</a>'
        for fmt in ("csv", "tsv", "json", "xml")
    )
    return f"<p>{links}</p>"


def _editor_result(text: str, media: str, data: bytes, server: Any, run: RunJob) -> str:
    e = html.escape
    if media.startswith("application/n-triples"):
        turtle = e("/sparql?" + urllib.parse.urlencode({"query": text, "format": "turtle"}))
        return f'<p><a href="{turtle}">Turtle</a></p><pre>{e(data.decode("utf-8"))}</pre>'
    table = _json_table(data)
    if isinstance(table, bool):
        return f"<p>{'yes' if table else 'no'}</p>"
    based_on = _based_on(server, run)
    foot = f'<p id="based-on">{e(based_on[:1].upper() + based_on[1:])}.</p>' if based_on else ""
    return f"{_download_links(text)}{_html_table(table)}{foot}"


def _editor_page(text: str, result: str) -> str:
    e = html.escape
    return _page("nhskg: your own query", (
        '<p><a href="/">All queries</a></p><h1>Your own query</h1>'
        "<p>The project's prefixes (nhskg:, org:, schema:, skos:, role-type:, designation:...) need no PREFIX line.</p>"
        f'<form action="/editor" method="get"><textarea name="query" rows="18" cols="110" spellcheck="false">{e(text)}'
        '</textarea><br><button type="submit">Run</button></form>' + result
    ))
