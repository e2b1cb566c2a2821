"""Any SPARQL 1.1 store as the graph: read through the SPARQL Protocol, write through SPARQL Update.

Why this module exists: a team shares one graph on a real triple store (the Oxigraph server,
Virtuoso, Fuseki, GraphDB) instead of one embedded store per laptop. :class:`EndpointSource`
answers the same :class:`~nhskg.sparql.sources.SparqlSource` calls as the embedded store, so queries,
analyses and views run unchanged; :class:`EndpointWriter` and :func:`build_to_endpoint` put the
same quads the embedded build writes into the server, one named graph per posting, so building
again replaces a posting's statements instead of duplicating them.

Choices, and why:

* **Only the standard library speaks HTTP** (``urllib``): it sends Basic *and* Digest auth
  (Virtuoso's authenticated endpoints answer Basic with 401), and adds no dependency.
* **Bindings become a ``VALUES`` block** at the start of the query's top-level ``WHERE`` group.
  A remote server has no substitutions API, and pasting a user's string into query text lets the
  string change the query. Each value is serialised as one RDF term (IRIs validated, literals
  escaped N-Triples style, language tags and datatypes checked), so whatever it holds, it stays
  one term. Joined first in the group, the values reach the group's filters and optionals, which
  is what pyoxigraph's substitutions and rdflib's ``initBindings`` do for the library's queries.
* **The default graph is the union of the named graphs**, as in the embedded store. The Oxigraph
  server needs the ``union-default-graph`` query parameter for that; Virtuoso and GraphDB do it
  already; Fuseki needs ``tdb2:unionDefaultGraph true`` in its dataset configuration.
* **Writes are checked, not trusted.** ``DROP SILENT GRAPH`` + ``INSERT DATA`` in requests of at
  most 500 triples (Virtuoso fails above about 1,000), or a Graph Store Protocol PUT; after each
  batch the triples of every graph written are counted, and a short graph is written again, then
  reported as a :class:`~nhskg.errors.StoreError` (a Virtuoso GSP PUT once reported success with
  85% of the triples stored).
* **Credentials never travel on the command line** and never reach a log or an error: they come
  from ``NHSKG_ENDPOINT_USER`` / ``NHSKG_ENDPOINT_PASSWORD`` or ``~/.netrc``; a URL that carries
  ``user:password@`` is refused, and messages show URLs without user info and with the password
  replaced wherever a server echoes it.
"""

from __future__ import annotations

import json
import netrc
import os
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Mapping, Sequence

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

from ..errors import NhskgError, QueryError, StoreError
from ..namespaces import DEFAULT_BASE, ONTOLOGY_GRAPH
from ..graph.rdfgraph import organisations_graph_iri, posting_graph_iri, posting_graphs_prefix
from ..sparql.sources import Table, Triple, to_rdflib
from ..sparql.prologue import blank, skip_string, with_prologue

__all__ = [
    "EndpointConfig",
    "EndpointSource",
    "EndpointWriter",
    "build_to_endpoint",
    "validate_endpoint",
    "serialize_term",
    "with_values",
    "scrub",
    "FLAVOURS",
    "CHUNK_TRIPLES",
]

#: Server kinds whose default URLs and quirks we know; ``generic`` assumes nothing.
FLAVOURS = ("oxigraph", "virtuoso", "fuseki", "graphdb", "generic")
#: Most triples sent in one ``INSERT DATA`` request (Virtuoso fails above about 1,000).
CHUNK_TRIPLES = 500
#: Seconds to wait for one HTTP answer unless ``NHSKG_ENDPOINT_TIMEOUT`` says otherwise.
DEFAULT_TIMEOUT = 300.0

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_IRI = re.compile(r'^[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>"{}|^`\\]*$')
_LANG = re.compile(r"^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$")
_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ECHAR = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_SELECT_JSON = "application/sparql-results+json"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, text/plain;q=0.5"


# --------------------------------------------------------------------------- terms and bindings


def _escape(text: str) -> str:
    """A string's body in SPARQL/N-Triples quotes: escapes for quote, backslash and controls.

    SPARQL 1.1 lets a processor expand ``\\uXXXX`` before parsing, so a backslash the value
    itself holds is written ``\\\\`` and a ``u``/``U`` after it as ``\\u0075``/``\\u0055``:
    no value can smuggle an escaped quote past the lexer on either kind of processor.
    """
    out: list[str] = []
    after_backslash = False
    for char in text:
        if after_backslash and char in "uU":
            out.append("\\u0075" if char == "u" else "\\u0055")
        elif char in _ECHAR:
            out.append(_ECHAR[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
        after_backslash = char == "\\"
    return "".join(out)


def _iri(value: str, what: str = "IRI") -> str:
    if not _IRI.match(value):
        raise QueryError(
            f"{what} '{value[:80]}' is not an absolute IRI without spaces, quotes, braces, "
            "angle brackets or backslashes; fix the value"
        )
    return f"<{value}>"


def serialize_term(term: Node | ox.NamedNode | ox.Literal | ox.BlankNode | ox.Triple) -> str:
    """One RDF term in N-Triples (and SPARQL) syntax, or a :class:`QueryError` if it cannot be one term.

    >>> serialize_term(Literal('say "hi"\\n} ; DROP ALL #'))
    '"say \\\\"hi\\\\"\\\\n} ; DROP ALL #"'
    """
    if isinstance(term, (ox.NamedNode, ox.Literal, ox.BlankNode)):
        term = to_rdflib(term)  # type: ignore[assignment]
    if isinstance(term, URIRef):
        return _iri(str(term))
    if isinstance(term, Literal):
        body = f'"{_escape(str(term))}"'
        if term.language:
            if not _LANG.match(term.language):
                raise QueryError(f"language tag '{term.language[:40]}' is not a BCP 47 tag")
            return f"{body}@{term.language}"
        if term.datatype is not None and str(term.datatype) != _XSD_STRING:
            return f"{body}^^{_iri(str(term.datatype), 'datatype')}"
        return body
    if isinstance(term, BNode):
        raise QueryError("a blank node cannot be bound on a remote endpoint: blank node labels are local to one store")
    raise QueryError(f"cannot bind {type(term).__name__} values; bind an IRI or a literal")


def _skip_comment(text: str, i: int) -> int:
    while i < len(text) and text[i] != "\n":
        i += 1
    return i


def _braces(text: str) -> Iterable[tuple[int, str, str]]:
    """``(index, char, preceding keyword)`` of each ``{`` and ``}`` outside comments, IRIs and strings."""
    i, n = 0, len(text)
    word = ""
    while i < n:
        char = text[i]
        if char == "#":
            i = _skip_comment(text, i)
            continue
        if char in "\"'":
            i = skip_string(text, i)
            word = ""
            continue
        if char == "<":
            end = text.find(">", i)
            if end != -1 and not re.search(r"\s", text[i + 1 : end]):
                i = end + 1
                continue
        if char in "{}":
            yield i, char, word
            word = ""
        elif char.isalpha():
            start = i
            while i < n and (text[i].isalnum() or text[i] in "_:-"):
                i += 1
            word = text[start:i].upper()
            continue
        i += 1


def _where_brace(query: str) -> int:
    """Index of the ``{`` opening the top-level WHERE group (after a CONSTRUCT template, if any)."""
    form = re.search(r"\b(SELECT|CONSTRUCT|ASK|DESCRIBE)\b", blank(query), re.IGNORECASE)
    if not form:
        raise QueryError("no SELECT, CONSTRUCT, ASK or DESCRIBE in the query; is it a SPARQL query?")
    depth = 0
    template = form.group(1).upper() == "CONSTRUCT"
    for index, char, word in _braces(query):
        if index < form.start():
            continue
        if char == "{":
            if depth == 0:
                if template and word != "WHERE":
                    template = False  # CONSTRUCT { template } WHERE { ... }: skip the template
                    depth += 1
                    continue
                return index
            depth += 1
        else:
            depth -= 1
    raise QueryError("the query has no WHERE group to bind parameters in")


def with_values(query: str, bindings: Mapping[str, Node] | None) -> str:
    """``query`` with ``bindings`` as a one-row ``VALUES`` block opening each SELECT's WHERE group.

    The block goes into the top-level WHERE group and into the WHERE group of every sub-select,
    so a sub-select that groups by a parameter sees it bound before it aggregates, as with
    pyoxigraph's substitutions (a join at the top alone would aggregate over every value first).

    >>> with_values("SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal('x" } ; DROP ALL #')})
    'SELECT ?s WHERE { VALUES (?o) { ("x\\\\" } ; DROP ALL #") }\\n ?s ?p ?o }'
    """
    if not bindings:
        return query
    names = list(bindings)
    for name in names:
        if not _VARIABLE.match(name):
            raise QueryError(f"'{name[:40]}' is not a SPARQL variable name")
    terms = " ".join(serialize_term(bindings[name]) for name in names)
    block = f" VALUES ({' '.join('?' + n for n in names)}) {{ ({terms}) }}\n"
    code = blank(query)
    positions = {_where_brace(query)}
    for select in re.finditer(r"\bSELECT\b", code, re.IGNORECASE):
        brace = code.find("{", select.end())
        if brace != -1:
            positions.add(brace)
    for at in sorted(positions, reverse=True):
        query = query[: at + 1] + block + query[at + 1 :]
    return query


# --------------------------------------------------------------------------- configuration


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` without user info in URLs and without any of ``secrets``."""
    text = re.sub(r"(?i)\b([a-z][a-z0-9+.\-]*://)[^/@\s]*@", r"\1", text)
    for secret in secrets:
        if secret:
            text = text.replace(secret, "***")
            quoted = urllib.parse.quote(secret, safe="")
            if quoted != secret:
                text = text.replace(quoted, "***")
    return text


def _flavour(url: str) -> str:
    path = urllib.parse.urlsplit(url).path.rstrip("/")
    if path == "/query":
        return "oxigraph"
    if path.endswith("/sparql"):
        return "virtuoso"
    if re.search(r"/repositories/[^/]+$", path):
        return "graphdb"
    if re.search(r"/[^/]+/(query|sparql)$", path):
        return "fuseki"
    return "generic"


def _sibling(url: str, path: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def _defaults(url: str, flavour: str, authenticated: bool) -> tuple[str, str | None]:
    """The default update and Graph Store Protocol URLs for a query URL on a server of ``flavour``."""
    path = urllib.parse.urlsplit(url).path.rstrip("/")
    if flavour == "oxigraph":
        return _sibling(url, "/update"), _sibling(url, "/store")
    if flavour == "virtuoso":
        if authenticated:
            return _sibling(url, "/sparql-auth"), _sibling(url, "/sparql-graph-crud-auth")
        return _sibling(url, "/sparql"), _sibling(url, "/sparql-graph-crud")
    if flavour == "fuseki":
        dataset = path.rsplit("/", 1)[0]
        return _sibling(url, f"{dataset}/update"), _sibling(url, f"{dataset}/data")
    if flavour == "graphdb":
        return _sibling(url, f"{path}/statements"), _sibling(url, f"{path}/rdf-graphs/service")
    return url, None


@dataclass(frozen=True)
class EndpointConfig:
    """Where and how to reach one SPARQL server; the password is never shown by ``repr``."""

    query_url: str
    update_url: str
    gsp_url: str | None
    flavour: str = "generic"
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = DEFAULT_TIMEOUT

    @classmethod
    def from_url(cls, url: str, environ: Mapping[str, str] | None = None, netrc_file: str | Path | None = None) -> "EndpointConfig":
        """Read the rest from the environment (``NHSKG_UPDATE_ENDPOINT``, ``NHSKG_GSP_ENDPOINT``,
        ``NHSKG_ENDPOINT_FLAVOUR``, ``NHSKG_ENDPOINT_USER``/``_PASSWORD``, ``NHSKG_ENDPOINT_TIMEOUT``)
        and, for credentials not in the environment, from ``~/.netrc`` (or ``NETRC``).
        """
        env = os.environ if environ is None else environ
        parts = urllib.parse.urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise QueryError(f"endpoint '{scrub(url)}' is not an http(s) URL; give e.g. http://127.0.0.1:7878/query")
        if "@" in parts.netloc:
            raise QueryError(
                f"endpoint {scrub(url)}: do not put credentials in the URL; set NHSKG_ENDPOINT_USER and "
                "NHSKG_ENDPOINT_PASSWORD or add the host to ~/.netrc"
            )
        flavour = env.get("NHSKG_ENDPOINT_FLAVOUR") or _flavour(url)
        if flavour not in FLAVOURS:
            raise QueryError(f"NHSKG_ENDPOINT_FLAVOUR '{flavour}' is not one of {', '.join(FLAVOURS)}")
        user, password = env.get("NHSKG_ENDPOINT_USER"), env.get("NHSKG_ENDPOINT_PASSWORD")
        if not user:
            user, password = _from_netrc(parts.hostname, netrc_file or env.get("NETRC"))
        update, gsp = _defaults(url, flavour, bool(user))
        try:
            timeout = float(env.get("NHSKG_ENDPOINT_TIMEOUT") or DEFAULT_TIMEOUT)
        except ValueError:
            raise QueryError("NHSKG_ENDPOINT_TIMEOUT must be a number of seconds") from None
        return cls(
            query_url=url,
            update_url=env.get("NHSKG_UPDATE_ENDPOINT") or update,
            gsp_url=env.get("NHSKG_GSP_ENDPOINT") or gsp,
            flavour=flavour,
            user=user or None,
            password=password,
            timeout=timeout,
        )


def _from_netrc(host: str, path: str | Path | None) -> tuple[str | None, str | None]:
    try:
        entry = netrc.netrc(str(path) if path else None).authenticators(host)
    except FileNotFoundError:
        return None, None
    except (netrc.NetrcParseError, OSError) as error:
        # The parse error quotes the offending line, which may hold a password: name the file only.
        raise QueryError(f"cannot read the netrc file {getattr(error, 'filename', None) or path or '~/.netrc'}; fix its syntax") from None
    if entry is None:
        return None, None
    login, _account, password = entry
    return login or None, password or None


# --------------------------------------------------------------------------- HTTP


@dataclass(frozen=True)
class _Response:
    status: int
    content_type: str
    body: bytes


class _Http:
    """urllib with Basic and Digest auth for one server; errors scrubbed of credentials."""

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        handlers: list[urllib.request.BaseHandler] = []
        if config.user:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            for url in (config.query_url, config.update_url, config.gsp_url):
                if url:
                    manager.add_password(None, url, config.user, config.password or "")
            handlers += [urllib.request.HTTPDigestAuthHandler(manager), urllib.request.HTTPBasicAuthHandler(manager)]
        self.opener = urllib.request.build_opener(*handlers)

    def secrets(self) -> tuple[str | None, ...]:
        return (self.config.password,)

    def request(self, method: str, url: str, *, body: bytes | None = None, headers: Mapping[str, str] | None = None,
                error: type[NhskgError] = QueryError, what: str = "request") -> _Response:
        request = urllib.request.Request(url, data=body, method=method, headers=dict(headers or {}))
        shown = scrub(url.split("?", 1)[0], self.secrets())
        try:
            with self.opener.open(request, timeout=self.config.timeout) as answer:
                return _Response(answer.status, answer.headers.get("Content-Type", ""), answer.read())
        except urllib.error.HTTPError as failure:
            detail = failure.read()[:600].decode("utf-8", "replace").strip()
            hint = ""
            if failure.code in (401, 403):
                hint = (" (check NHSKG_ENDPOINT_USER / NHSKG_ENDPOINT_PASSWORD or ~/.netrc, and that this user may "
                        "write; Virtuoso's anonymous /sparql endpoint cannot update)")
            raise error(scrub(f"{what} to {shown} failed: HTTP {failure.code} {failure.reason}{hint}: {detail}",
                              self.secrets())) from None
        except (urllib.error.URLError, OSError) as failure:
            reason = getattr(failure, "reason", failure)
            raise error(scrub(f"{what} to {shown} failed: {reason}; is the server running and the URL right?",
                              self.secrets())) from None


# --------------------------------------------------------------------------- reading


def _json_term(value: Mapping[str, str]) -> Node:
    kind = value.get("type")
    text = value.get("value", "")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if kind in ("literal", "typed-literal"):
        language = value.get("xml:lang") or value.get("lang")
        if language:
            return Literal(text, lang=language)
        datatype = value.get("datatype")
        if datatype and datatype not in (_XSD_STRING, _RDF_LANG_STRING):
            return Literal(text, datatype=URIRef(datatype))
        return Literal(text)
    raise QueryError(f"the endpoint returned a term of unknown type '{kind}'")


class EndpointSource:
    """A :class:`~nhskg.sparql.sources.SparqlSource` over a SPARQL 1.1 Protocol endpoint."""

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self.http = _Http(config)

    @classmethod
    def from_settings(cls, url: str, environ: Mapping[str, str] | None = None) -> "EndpointSource":
        """The source the CLI's ``--endpoint URL`` (or ``NHSKG_ENDPOINT``) names."""
        return cls(EndpointConfig.from_url(url, environ))

    def __repr__(self) -> str:
        return f"EndpointSource({scrub(self.config.query_url)!r}, flavour={self.config.flavour!r})"

    def _query_url(self) -> str:
        if self.config.flavour == "oxigraph":
            joiner = "&" if "?" in self.config.query_url else "?"
            return f"{self.config.query_url}{joiner}union-default-graph"
        return self.config.query_url

    def _post(self, query: str, accept: str) -> _Response:
        body = urllib.parse.urlencode({"query": query}).encode("utf-8")
        return self.http.request(
            "POST", self._query_url(), body=body, what="query",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Accept": accept},
        )

    def _results(self, query: str, bindings: Mapping[str, Node] | None) -> dict:
        answer = self._post(with_values(query, bindings), f"{_SELECT_JSON}, application/json;q=0.9")
        try:
            return json.loads(answer.body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise QueryError(
                f"{scrub(self.config.query_url)} did not answer with SPARQL JSON results "
                f"(Content-Type {answer.content_type or 'none'}): {answer.body[:200]!r}"
            ) from None

    def select(self, query: str, bindings: Mapping[str, Node] | None = None, *,
               prefixes: Mapping[str, str] | None = None) -> Table:
        data = self._results(with_prologue(query, prefixes or {}), bindings)
        columns = tuple(data.get("head", {}).get("vars", ()))
        rows = tuple(
            tuple(_json_term(b[c]) if c in b else None for c in columns)
            for b in data.get("results", {}).get("bindings", ())
        )
        return Table(columns, rows)

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None, *,
            prefixes: Mapping[str, str] | None = None) -> bool:
        data = self._results(with_prologue(query, prefixes or {}), bindings)
        if "boolean" not in data:
            raise QueryError(f"{scrub(self.config.query_url)} answered an ASK query without a boolean")
        return bool(data["boolean"])

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None, *,
                  prefixes: Mapping[str, str] | None = None) -> list[Triple]:
        # A remote store knows none of the project's prefixes: they go in front of the text.
        answer = self._post(with_values(with_prologue(query, prefixes or {}), bindings), _GRAPH_ACCEPT)
        media = answer.content_type.split(";", 1)[0].strip().lower()
        if media in ("application/sparql-results+json", "application/json"):
            data = json.loads(answer.body.decode("utf-8"))
            return [
                (_json_term(b["s"]), _json_term(b["p"]), _json_term(b["o"]))  # type: ignore[misc]
                for b in data.get("results", {}).get("bindings", ())
            ]
        fmt = ox.RdfFormat.N_TRIPLES if media == "application/n-triples" else ox.RdfFormat.TURTLE
        try:
            return [
                (to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object))  # type: ignore[misc]
                for t in ox.parse(answer.body, fmt)
            ]
        except SyntaxError as error:
            raise QueryError(f"{scrub(self.config.query_url)} answered a CONSTRUCT with unreadable {media}: {error}") from None

    def update(self, update: str) -> None:
        """Run one SPARQL Update request on the update endpoint."""
        body = urllib.parse.urlencode({"update": update}).encode("utf-8")
        self.http.request(
            "POST", self.config.update_url, body=body, error=StoreError, what="update",
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )

    def graph_counts(self, graphs: Sequence[str]) -> dict[str, int]:
        """Distinct triples in each of ``graphs`` (absent graphs count 0)."""
        counts = {g: 0 for g in graphs}
        for start in range(0, len(graphs), 200):
            part = graphs[start : start + 200]
            values = " ".join(_iri(g, "graph") for g in part)
            table = self.select(
                f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?g ?s ?p ?o WHERE {{ "
                f"VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} }} GROUP BY ?g"
            )
            for graph, number in table.rows:
                counts[str(graph)] = int(str(number))
        return counts

    def our_graphs_filter(self, base: str = DEFAULT_BASE) -> str:
        """A FILTER keeping ``?g`` to the posting, organisations and ontology graphs under ``base``.

        Virtuoso's union default graph also holds its own system graphs; counts and validation
        read only ours.
        """
        prefix = serialize_term(Literal(posting_graphs_prefix(base)))
        return (f"FILTER (STRSTARTS(STR(?g), {prefix}) || ?g = {_iri(ONTOLOGY_GRAPH)}"
                f" || ?g = {_iri(organisations_graph_iri(base))})")

    def triple_count(self, base: str = DEFAULT_BASE) -> int:
        """Distinct triples in our graphs (the embedded ``triple_count``)."""
        table = self.select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f"{self.our_graphs_filter(base)} }} }}"
        )
        return int(str(table.rows[0][0])) if table.rows else 0

    def our_triples(self, base: str = DEFAULT_BASE) -> list[Triple]:
        """Every triple of our graphs (postings, organisations, ontology), for validation and export."""
        return self.construct(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {self.our_graphs_filter(base)} }}"
        )


# --------------------------------------------------------------------------- writing


def _nt_lines(quads: Iterable[ox.Quad]) -> list[str]:
    """Distinct ``s p o`` lines (no final dot) of the quads, in a stable order."""
    return sorted({f"{serialize_term(q.subject)} {serialize_term(q.predicate)} {serialize_term(q.object)}" for q in quads})


class EndpointWriter:
    """Replace named graphs on a server: drop, insert in chunks, count, and write again if short.

    Graphs are buffered and sent in batches, so a build of many small postings makes a few
    requests per 500 triples rather than three per posting.
    """

    def __init__(self, source: EndpointSource, *, method: str = "update", chunk: int = CHUNK_TRIPLES,
                 retries: int = 2) -> None:
        if method not in ("update", "gsp"):
            raise StoreError(f"write method '{method}' is not one of update, gsp")
        if method == "gsp" and not source.config.gsp_url:
            raise StoreError("no Graph Store Protocol URL for this endpoint; set NHSKG_GSP_ENDPOINT or use method='update'")
        self.source = source
        self.method = method
        self.chunk = max(1, min(chunk, CHUNK_TRIPLES))
        self.retries = retries
        self._pending: dict[str, list[str]] = {}
        self._pending_size = 0
        self._shared: dict[str, set[str]] = {}  # base -> lines for its organisations graph
        self.written: dict[str, int] = {}

    def replace_graph(self, graph: str, quads: Iterable[ox.Quad]) -> None:
        """Queue ``graph`` to hold exactly the triples of ``quads`` (their graph names are ignored)."""
        _iri(graph, "graph")
        lines = _nt_lines(quads)
        self._pending_size += len(lines) - len(self._pending.get(graph, ()))
        self._pending[graph] = lines
        if self._pending_size >= 10 * self.chunk:
            self.flush()

    def replace_posting(self, posting_id: str, quads: Iterable[ox.Quad], base: str = DEFAULT_BASE) -> None:
        """Queue the posting's graph; what it states of its organisation joins the organisations
        graph when :meth:`finish_organisations` runs (as in the embedded store, it is added to
        what other postings said, not replaced)."""
        shared = ox.NamedNode(organisations_graph_iri(base))
        quads = list(quads)
        self._shared.setdefault(base, set()).update(_nt_lines(q for q in quads if q.graph_name == shared))
        self.replace_graph(posting_graph_iri(posting_id, base), (q for q in quads if q.graph_name != shared))

    def finish_organisations(self, base: str = DEFAULT_BASE) -> int:
        """Write the organisations graph: what the server held, plus what the postings written
        said, less every organisation or role post no posting graph names any more (how many).

        Runs after the posting graphs are flushed, because "named by no posting" is read from
        the server.
        """
        self.flush()
        graph = organisations_graph_iri(base)
        held = self.source.construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH {_iri(graph)} {{ ?s ?p ?o }} }}")
        lines = {" ".join(serialize_term(term) for term in triple) for triple in held}
        lines |= self._shared.pop(base, set())
        postings = serialize_term(Literal(posting_graphs_prefix(base)))
        nodes = serialize_term(Literal(f"{base}org/"))
        named = self.source.select(
            f"SELECT DISTINCT ?node WHERE {{ GRAPH ?g {{ ?s ?p ?node }} FILTER (isIRI(?node)"
            f" && STRSTARTS(STR(?g), {postings}) && STRSTARTS(STR(?node), {nodes})) }}"
        )
        kept = {serialize_term(row[0]) for row in named.rows if row[0] is not None}
        subjects = {line.split(" ", 1)[0] for line in lines}
        orphans = subjects - kept
        self._pending[graph] = sorted(line for line in lines if line.split(" ", 1)[0] in kept)
        self.flush()
        return len(orphans)

    def load_ontology(self, base: str = DEFAULT_BASE) -> None:
        """(Re)write the ontology graph from ``ontology/nhskg.ttl``, ``ontology/vocab/*.ttl`` and
        ``ontology/org-changes.ttl`` (its relative IRIs resolved against ``base``)."""
        from ..paths import ontology_dir, vocabulary_dir

        store = ox.Store()
        graph = ox.NamedNode(ONTOLOGY_GRAPH)
        for file in [ontology_dir() / "nhskg.ttl", *sorted(vocabulary_dir().glob("*.ttl")), ontology_dir() / "org-changes.ttl"]:
            try:
                store.load(path=str(file), format=ox.RdfFormat.TURTLE, to_graph=graph, base_iri=base)
            except (OSError, SyntaxError, ValueError) as error:
                raise StoreError(f"{file}: cannot load ({error}); fix the file and build again") from error
        self.replace_graph(ONTOLOGY_GRAPH, store.quads_for_pattern(None, None, None, graph))

    def flush(self) -> None:
        """Send everything queued and check every graph's count; :class:`StoreError` if one stays short."""
        pending, self._pending, self._pending_size = self._pending, {}, 0
        todo = dict(pending)
        for attempt in range(self.retries + 1):
            if not todo:
                break
            self._send(todo)
            counts = self.source.graph_counts(list(todo))
            short = {g: lines for g, lines in todo.items() if counts.get(g, 0) != len(lines)}
            for graph in todo:
                if graph not in short:
                    self.written[graph] = len(todo[graph])
            if short and attempt == self.retries:
                graph = next(iter(short))
                raise StoreError(
                    f"{scrub(self.source.config.update_url)}: graph <{graph}> holds {counts.get(graph, 0)} triples after "
                    f"{self.retries + 1} writes, not {len(short[graph])}; the server lost triples, check its log and build again"
                )
            todo = short

    def _send(self, graphs: Mapping[str, list[str]]) -> None:
        if self.method == "gsp":
            for graph, lines in graphs.items():
                self._put(graph, lines)
            return
        names = list(graphs)
        for start in range(0, len(names), 100):
            self.source.update(";\n".join(f"DROP SILENT GRAPH {_iri(g)}" for g in names[start : start + 100]))
        batch: list[str] = []
        size = 0
        for graph, lines in graphs.items():
            for begin in range(0, len(lines), self.chunk):
                part = lines[begin : begin + self.chunk]
                if size + len(part) > self.chunk and batch:
                    self.source.update(f"INSERT DATA {{ {' '.join(batch)} }}")
                    batch, size = [], 0
                batch.append(f"GRAPH {_iri(graph)} {{\n" + " .\n".join(part) + " .\n}")
                size += len(part)
        if batch:
            self.source.update(f"INSERT DATA {{ {' '.join(batch)} }}")

    def _put(self, graph: str, lines: list[str]) -> None:
        url = self.source.config.gsp_url or ""
        joiner = "&" if "?" in url else "?"
        target = f"{url}{joiner}{urllib.parse.urlencode({'graph': graph})}"
        body = "".join(f"{line} .\n" for line in lines).encode("utf-8")
        self.source.http.request("PUT", target, body=body, error=StoreError, what="graph store PUT",
                                 headers={"Content-Type": "application/n-triples; charset=utf-8"})


def build_to_endpoint(
    paths: Sequence[Path | str],
    endpoint: EndpointSource | str,
    *,
    base: str = DEFAULT_BASE,
    full: bool | None = None,
    strict: bool = False,
    validate: bool = False,
    method: str = "update",
    progress: Callable[[int, int | None], None] | None = None,
):  # -> nhskg.pipeline.build.BuildReport
    """Read ``paths``, extract every posting, and write each into its named graph on ``endpoint``.

    The same stages as :func:`nhskg.pipeline.build.build`, and the same :class:`~nhskg.pipeline.build.BuildReport`.
    Unlike the embedded store there is no generation to fall back on: ``strict`` stops before
    anything is written if a file or record cannot be read, but a server failure half-way leaves
    the postings written so far in place (each complete and counted); build again to finish.
    """
    from .build import BuildReport, PostingKeys, _extract, _problem
    from ..paths import vocabulary_dir
    from ..curation.apply import posting_graph  # rdfgraph.posting_graph after the reviewers' decisions
    from ..graph.rdfgraph import check_base
    from ..read.readers import read_documents
    from ..vocabulary.vocab import load_vocabulary

    started = time.perf_counter()
    source = endpoint if isinstance(endpoint, EndpointSource) else EndpointSource.from_settings(endpoint)
    from ..extract import text_wanted

    vocab = load_vocabulary(vocabulary_dir())
    check_base(base)
    documents = list(read_documents([Path(p) for p in paths], needs_text=text_wanted(vocab, full)))
    problems = []
    postings: dict[str, list[ox.Quad]] = {}
    keys = PostingKeys()  # the graph IRI's key, as the embedded build checks it
    read = 0
    from ..read.documents import Problem
    from ..errors import InputError

    for done, item in enumerate(_extract(documents, vocab, full), start=1):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            read += 1
            try:
                graph = posting_graph(item, vocab, base, full=full)
                if keys.admit(graph):
                    postings[graph.id] = list(ox.parse(graph.nquads, format=ox.RdfFormat.N_QUADS))
            except Exception as error:
                problems.append(_problem(item, error))
        if strict and problems:
            raise InputError(problems[0].source, f"{problems[0].problem} (--strict: nothing was written)", problems[0].record)
        if progress is not None:
            progress(done, max(len(documents), done))
    writer = EndpointWriter(source, method=method)
    for posting_id, quads in postings.items():
        writer.replace_posting(posting_id, quads, base)
    writer.load_ontology(base)
    writer.finish_organisations(base)
    report = validate_endpoint(source, base=base) if validate else None
    return BuildReport(scrub(source.config.query_url), read, len(postings), tuple(problems),
                       source.triple_count(base), time.perf_counter() - started, report, merged=keys.merged)


def validate_endpoint(source: EndpointSource, *, base: str = DEFAULT_BASE, shapes: Path | None = None):
    """SHACL-validate the posting and ontology graphs on the server (a :class:`~nhskg.graph.validate.ValidationReport`)."""
    import rdflib

    from ..graph.validate import validate

    graph = rdflib.Graph()
    for triple in source.our_triples(base):
        graph.add(triple)
    return validate(graph, shapes=shapes)
