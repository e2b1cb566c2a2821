"""Any SPARQL 1.1 store as the graph's source: the SPARQL Protocol client (its settings, HTTP, reading).

Why this module exists: a team shares one graph on a real triple store (the Oxigraph server,
Virtuoso, Fuseki, GraphDB) instead of one embedded store per laptop. :class:`EndpointSource`
answers the same :class:`~nhskg.sparql.sources.SparqlSource` calls as the embedded store, so queries,
analyses and views run unchanged; :class:`nhskg.graph.endpoint.EndpointWriter` writes a build
into the server through it.

Choices, and why:

* **Only the standard library speaks HTTP** (``urllib``): it sends Basic *and* Digest auth
  (Virtuoso's authenticated endpoints answer Basic with 401), and adds no dependency.
* **Bindings become a ``VALUES`` block** (:mod:`nhskg.sparql.bindings`): one value, one term.
* **The default graph is the union of the named graphs**, as in the embedded store. The Oxigraph
  server needs the ``union-default-graph`` query parameter for that; Virtuoso and GraphDB do it
  already; Fuseki needs ``tdb2:unionDefaultGraph true`` in its dataset configuration.
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
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import pyoxigraph as ox
from rdflib.term import BNode, Literal, Node, URIRef

from ..errors import NhskgError, QueryError, StoreError
from .bindings import iri, with_values
from .prologue import with_prologue
from .sources import Table, Triple, to_rdflib

__all__ = ["EndpointConfig", "EndpointSource", "scrub", "FLAVOURS"]

#: Server kinds whose default URLs and quirks we know; ``generic`` assumes nothing.
FLAVOURS = ("oxigraph", "virtuoso", "fuseki", "graphdb", "generic")
#: Seconds to wait for one HTTP answer unless ``NHSKG_ENDPOINT_TIMEOUT`` says otherwise.
DEFAULT_TIMEOUT = 300.0

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_SELECT_JSON = "application/sparql-results+json"
_GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, text/plain;q=0.5"


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
            values = " ".join(iri(g, "graph") for g in part)
            table = self.select(
                f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?g ?s ?p ?o WHERE {{ "
                f"VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} }} GROUP BY ?g"
            )
            for graph, number in table.rows:
                counts[str(graph)] = int(str(number))
        return counts
