"""The SPARQL 1.1 Protocol's side of ``nhskg serve``: result formats, content negotiation, refusals.

Takes pyoxigraph terms and rows, an Accept header or ``?format=``, a query text; gives the bytes of
a W3C result format, the media type to answer in, the project's prefixes a query leaves out, and
:class:`_Refused` -- a request refused with a status and a message the client can act on. Separate
from the HTTP handling (:mod:`.server`) and the workers (:mod:`.workers`) because both speak it:
a worker serialises the answer, the handler negotiates it, and either may refuse.
"""

from __future__ import annotations

import html
import json
import re
import urllib.parse
from typing import Any, Callable, Iterable, Iterator, Mapping

import pyoxigraph as ox

from ..errors import NhskgError, echoed


#: SELECT/ASK result media types, first = default.
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
#: CONSTRUCT/DESCRIBE media types, first = default.
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}
_RESULT_MEDIA = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
                 "csv": "text/csv", "tsv": "text/tab-separated-values"}


#: How a page runs a job on the query workers: the request handler's ``_pool_run``, which runs it
#: for the address that sent the request, under the server's time limit.
RunJob = Callable[[Mapping[str, Any]], tuple[int, str, bytes]]


class _Refused(NhskgError):
    """A request refused with an HTTP status. An :class:`~nhskg.errors.NhskgError`, so that library code
    run for a page (the review page's queries go through ``run_query``) lets it through unchanged
    instead of rewording it as a query error, and the client gets its status (503, 429), not a 400."""

    def __init__(self, status: int, message: str, retry: int | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.retry = retry


def _json_term(term: Any) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def _csv_cell(term: Any) -> str:
    text = "" if term is None else term.value
    return f'"{text.replace(chr(34), chr(34) * 2)}"' if re.search(r'[",\r\n]', text) else text


def _xml_term(term: Any) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{html.escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{html.escape(term.value)}</bnode>"
    attrs = f' xml:lang="{html.escape(term.language)}"' if term.language else (
        f' datatype="{html.escape(term.datatype.value)}"' if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string" else "")
    return f"<literal{attrs}>{html.escape(term.value)}</literal>"


def serialize_rows(columns: list[str], rows: Iterable[list[Any]], fmt: str) -> bytes:
    """SELECT rows of pyoxigraph terms in a W3C result format (json, xml, csv, tsv)."""
    return b"".join(row_chunks(columns, rows, fmt))


def row_chunks(columns: list[str], rows: Iterable[list[Any]], fmt: str, *, total: int | None = None) -> Iterator[bytes]:
    """:func:`serialize_rows` piece by piece (the head, then each row as it comes, then the tail),
    so that a worker can stop an answer that grows past its size limit before it is whole.
    ``total``: the rows of the whole result when ``rows`` are its first (a page's JSON says so)."""
    if fmt == "json":
        yield json.dumps({"head": {"vars": columns}})[:-1].encode() + b', "results": {"bindings": ['
        for index, row in enumerate(rows):
            binding = {c: _json_term(t) for c, t in zip(columns, row) if t is not None}
            yield (b", " if index else b"") + json.dumps(binding, ensure_ascii=False).encode()
        yield b"]}}" if total is None else f"]}}, \"total\": {total}}}".encode()
    elif fmt == "csv":
        yield (",".join(columns) + "\r\n").encode()
        for row in rows:
            yield (",".join(_csv_cell(t) for t in row) + "\r\n").encode()
    elif fmt == "tsv":
        yield ("\t".join("?" + c for c in columns) + "\n").encode()
        for row in rows:
            yield ("\t".join("" if t is None else str(t) for t in row) + "\n").encode()
    else:
        head = "".join(f'<variable name="{html.escape(c)}"/>' for c in columns)
        yield (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>{head}</head>'
               "<results>").encode()
        for row in rows:
            yield ("<result>" + "".join(f'<binding name="{html.escape(c)}">{_xml_term(t)}</binding>'
                                        for c, t in zip(columns, row) if t is not None) + "</result>").encode()
        yield b"</results></sparql>"


def _boolean(value: bool, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt in ("csv", "tsv"):
        return b"true\n" if value else b"false\n"
    return (f'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
            f"<boolean>{'true' if value else 'false'}</boolean></sparql>").encode()


def _choose(accept: str, offered: Mapping[str, Any], default: str) -> str | None:
    """The offered media type the Accept header prefers (``None`` if it accepts none)."""
    if not accept.strip():
        return default
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media, q = fields[0].lower(), 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        ranked.append((-q, index, media))
    for negative_q, _index, media in sorted(ranked):
        if negative_q >= 0:
            continue
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            return default
    return None


def _format_accept(params: Mapping[str, list[str]], body: bytes | None, media: str) -> str | None:
    """The media type ``format=`` names (query string, or the form body of a POST), for clients
    that cannot set an Accept header; None when no format is asked for."""
    wanted = params.get("format", [""])[0]
    if not wanted and body is not None and media == "application/x-www-form-urlencoded":
        wanted = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("format", [""])[0]
    if not wanted:
        return None
    media_type = FORMAT_MEDIA.get(wanted.strip().lower())
    if media_type is None:
        raise _Refused(400, f"unknown format '{echoed(wanted)}'; use one of {', '.join(FORMAT_MEDIA)}")
    return media_type


#: ``?format=`` values and the media types they stand for.
FORMAT_MEDIA = {
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "ntriples": "application/n-triples",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}


def _query_prefixes(query: str) -> dict[str, str]:
    """The project's prefixes the query uses without declaring; an unknown one is refused in plain words."""
    from ..sparql.prologue import default_prefixes, undeclared, unknown_prefix_message

    known = default_prefixes()
    needed, unknown = undeclared(query, known)
    if unknown:
        name, line, column = unknown[0]
        raise _Refused(400, "bad query: " + unknown_prefix_message(query, name, line, column, known))
    return needed


def _run_plain(run: RunJob, job: Mapping[str, Any]) -> tuple[int, str, bytes]:
    """Run a protocol job; the engine's syntax error comes back in plain words with line and column."""
    from ..sparql.prologue import explain

    try:
        return run(job)
    except _Refused as refused:
        if refused.status == 400 and "error at " in refused.message:
            message = refused.message.removeprefix("bad query: ")
            raise _Refused(400, "bad query: " + explain(job["query"], message)) from None
        raise
