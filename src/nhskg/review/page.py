"""The review page of ``nhskg serve`` (``/review``): facts weakest first, decided by keyboard, written to curation/.

What it promises:

* **Keyboard first.** ``j`` or ``n`` moves to the next fact, ``k`` or ``p`` to the previous, ``a``
  accepts, ``r`` rejects, ``c`` opens the correction (field, then value: a label or a code, with
  the vocabulary's labels offered), ``Esc`` leaves a text box. Tab and Enter work throughout; the
  page also works without script (each button posts a form).
* **Writes only decision files, only in the curation folder.** A decision is one line in
  ``<curation>/<reviewer>.csv`` (:func:`nhskg.curation.folder.record_decision`), for a fact
  the graph holds with the sentence the reviewer saw; the file's name comes from the reviewer's
  name by its letters and digits, and a name that looks like a path is refused. The SPARQL
  endpoint stays read-only: the store is never written, and the next ``nhskg build`` applies
  the decision.
* **Only from this page.** A decision must carry the page's token (made when the server
  starts), come from the server's own origin and name the server in its Host header, so another
  site open in the same browser cannot post one, nor reach the server through a rebinding name.
* Everything a posting or a reviewer wrote is escaped; the page loads nothing from elsewhere
  (its Content-Security-Policy allows its own inline script by nonce, and requests to itself).
"""

from __future__ import annotations

import hmac
import html
import json
import secrets
import threading
import urllib.parse
import weakref
from dataclasses import dataclass, replace
from pathlib import Path
from email.message import Message
from typing import Any, Callable, Mapping, Union

from rdflib.term import BNode, Literal, Node, URIRef

from ..errors import NhskgError, echoed
from ..sparql.sources import Table, Triple
from ..curation.decisions import (
    DUTY_AREAS,
    FIELD_SCHEMES,
    CurationError,
    Decision,
    field_label,
    now,
    resolve_code,
    resolve_field,
)
from ..curation.folder import load_decisions, record_decision
from .queue import STATUSES, Fact, review_queue

#: How the page runs a query: the server's request handler runs the job on its workers for the
#: client that asked (``nhskg.serve``'s ``RunJob``; this module ranks below it and cannot import it).
RunJob = Callable[[Mapping[str, Any]], tuple[int, str, bytes]]
#: A request's headers: the server's (an ``http.server`` message, names in any case) or a plain mapping in tests.
Headers = Union[Mapping[str, str], "Message[str, str]"]

__all__ = ["review_route", "PER_PAGE"]

#: Facts shown on one page.
PER_PAGE = 50
Response = tuple[int, str, bytes, dict[str, str]]


class _Bad(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class _State:
    token: str
    lock: threading.Lock


_STATES: "weakref.WeakKeyDictionary[Any, _State]" = weakref.WeakKeyDictionary()
_STATES_LOCK = threading.Lock()


def _state(server: Any) -> _State:
    with _STATES_LOCK:
        state = _STATES.get(server)
        if state is None:
            state = _STATES[server] = _State(secrets.token_urlsafe(24), threading.Lock())
        return state


# --------------------------------------------------------------------------- the graph, through the server's workers


def _term(value: Mapping[str, str]) -> Node:
    kind, text = value.get("type"), value.get("value", "")
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    if value.get("xml:lang"):
        return Literal(text, lang=value["xml:lang"])
    return Literal(text, datatype=URIRef(value["datatype"])) if value.get("datatype") else Literal(text)


class PoolSource:
    """A :class:`~nhskg.sparql.sources.SparqlSource` over the server's query workers, so the page's
    queries run under the same time and row limits as any other, and count against the client
    that asked (SELECT and ASK only). ``run`` is the request handler's."""

    def __init__(self, run: RunJob, max_rows: int) -> None:
        self.run = run
        self.max_rows = max_rows

    def _run(self, query: str, bindings: Mapping[str, Node] | None, prefixes: Mapping[str, str] | None) -> dict[str, Any]:
        from ..sparql.sources import to_oxigraph

        if prefixes:  # the workers take query text only: declare them in it
            query = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in prefixes.items()) + query
        job = {"op": "sparql", "query": query, "fmt": "json", "graph_media": "application/n-triples",
               "bindings": {k: to_oxigraph(v) for k, v in (bindings or {}).items()}, "max_rows": self.max_rows}
        _status, _media, data = self.run(job)
        return json.loads(data)

    def select(self, query: str, bindings: Mapping[str, Node] | None = None, *,
               prefixes: Mapping[str, str] | None = None) -> Table:
        result = self._run(query, bindings, prefixes)
        columns = tuple(result["head"]["vars"])
        rows = tuple(tuple(_term(b[c]) if c in b else None for c in columns) for b in result["results"]["bindings"])
        return Table(columns, rows)

    def ask(self, query: str, bindings: Mapping[str, Node] | None = None, *,
            prefixes: Mapping[str, str] | None = None) -> bool:
        return bool(self._run(query, bindings, prefixes)["boolean"])

    def construct(self, query: str, bindings: Mapping[str, Node] | None = None, *,
                  prefixes: Mapping[str, str] | None = None) -> list[Triple]:
        raise NhskgError("the review page runs SELECT and ASK queries only")


# --------------------------------------------------------------------------- routing


def review_route(server: Any, run: RunJob, path: str, params: Mapping[str, list[str]], body: bytes | None,
                 headers: "Headers") -> Response:
    """Answer ``/review`` (the page, GET) and ``/review/decide`` (a decision, POST) as
    (status, media type, body, extra headers). ``server`` is the :class:`nhskg.serve.server.SparqlServer`,
    ``run`` how its handler runs a query for the client that asked."""
    source = PoolSource(run, server.config.max_rows)
    folder: Path | None = getattr(server.config, "curation", None)
    try:
        if folder is None:
            raise _Bad(404, "the review page is off; start the server with --review (and --decisions DIR)")
        if path == "/review" and body is None:
            return _page(server, source, folder, params)
        if path == "/review/decide":
            if body is None:
                raise _Bad(405, "decisions are POSTed from the review page")
            return _decide(server, source, folder, body, headers)
        raise _Bad(404, f"no page {echoed(path)}; try /review")
    except _Bad as bad:
        return bad.status, "text/plain; charset=utf-8", (str(bad) + "\n").encode("utf-8"), {"X-Content-Type-Options": "nosniff"}


def _one(params: Mapping[str, list[str]], name: str, default: str = "") -> str:
    return (params.get(name) or [default])[0]


def _view_params(params: Mapping[str, list[str]]) -> dict[str, str]:
    """The page's own parameters, checked: what a link or a redirect may carry back."""
    status = _one(params, "status", "unreviewed")
    if status not in STATUSES:
        raise _Bad(400, f"status must be one of {', '.join(STATUSES)}")
    field = _one(params, "field")
    if field:
        try:
            field = resolve_field(field)
        except CurationError as error:
            raise _Bad(400, str(error)) from None
    page = _one(params, "page", "1")
    # ASCII digits only ('²' is a digit to str.isdigit, not to int), and few enough for int()
    if not (page.isascii() and page.isdigit()) or len(page) > 9 or int(page) < 1:
        raise _Bad(400, "page is a whole number from 1 (of at most 9 digits)")
    reviewer = " ".join(_one(params, "reviewer").split())[:100]
    return {k: v for k, v in (("reviewer", reviewer), ("status", status), ("field", field), ("page", page)) if v}


def _security_headers(nonce: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": (f"default-src 'none'; script-src 'nonce-{nonce}'; style-src 'unsafe-inline'; "
                                    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-store",
    }


# --------------------------------------------------------------------------- the page

_STYLE = """
body{font-family:system-ui,sans-serif;margin:1.5em auto;max-width:70em;padding:0 1em;color:#222}
header form{display:inline}nav a{margin-right:1em}
.fact{border:1px solid #ccc;border-radius:6px;padding:.6em 1em;margin:.8em 0}
.fact:focus,.fact.current{outline:3px solid #1f6feb;outline-offset:2px}
.fact.decided{background:#f3f8f3}.fact h2{font-size:1em;margin:.2em 0;color:#555}
.claim{font-size:1.15em;margin:.3em 0}blockquote{margin:.4em 0;padding:.3em .8em;border-left:4px solid #bbb;background:#fafafa}
.why{color:#8a4b00}.status{color:#555}.keys{color:#555;font-size:.9em}
form.decide,form.correct{display:inline-block;margin:.2em 1em .2em 0}
kbd{border:1px solid #bbb;border-radius:3px;padding:0 .3em;font-size:.9em;background:#f4f4f4}
"""

_SCRIPT = r"""
(function () {
  const facts = Array.from(document.querySelectorAll('article.fact'));
  let at = 0;
  function show(i) {
    if (!facts.length) return;
    at = Math.max(0, Math.min(facts.length - 1, i));
    facts.forEach((f, k) => f.classList.toggle('current', k === at));
    facts[at].focus();
    facts[at].scrollIntoView({block: 'nearest'});
  }
  function say(fact, text) { fact.querySelector('.status').textContent = text; }
  async function send(form, decision) {
    const fact = form.closest('article.fact');
    const data = new URLSearchParams(new FormData(form));
    data.set('decision', decision);
    let answer;
    try {
      const response = await fetch(form.action, {method: 'POST', body: data,
        headers: {'Accept': 'application/json'}, credentials: 'same-origin'});
      answer = (response.headers.get('Content-Type') || '').startsWith('application/json')
        ? await response.json() : {ok: false, error: await response.text()};
    } catch (error) { answer = {ok: false, error: String(error)}; }
    if (answer.ok) {
      fact.classList.add('decided');
      say(fact, answer.status);
      show(facts.indexOf(fact) + 1);
    } else {
      say(fact, 'not written: ' + answer.error);
    }
  }
  document.querySelectorAll('form.decide, form.correct').forEach((form) => {
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const decision = form.classList.contains('correct') ? 'correct'
        : (event.submitter && event.submitter.value) || 'accept';
      send(form, decision);
    });
  });
  document.querySelectorAll('select[name=to_field]').forEach((select) => {
    const pick = () => select.form.querySelector('input[name=to_code]').setAttribute('list', 'values-' + select.selectedOptions[0].dataset.scheme);
    select.addEventListener('change', pick);
    pick();
  });
  facts.forEach((f, k) => f.addEventListener('focus', () => { at = k; facts.forEach((g, j) => g.classList.toggle('current', j === k)); }));
  document.addEventListener('keydown', (event) => {
    const typing = event.target.closest('input, select, textarea');
    if (event.key === 'Escape') {
      if (typing) { event.preventDefault(); show(at); }
      return;
    }
    if (typing || event.altKey || event.ctrlKey || event.metaKey || !facts.length) return;
    const fact = facts[at];
    const key = event.key;
    if (key === 'j' || key === 'n' || key === 'ArrowDown') { event.preventDefault(); show(at + 1); }
    else if (key === 'k' || key === 'p' || key === 'ArrowUp') { event.preventDefault(); show(at - 1); }
    else if (key === 'a') { event.preventDefault(); send(fact.querySelector('form.decide'), 'accept'); }
    else if (key === 'r') { event.preventDefault(); send(fact.querySelector('form.decide'), 'reject'); }
    else if (key === 'c') {
      event.preventDefault();
      const details = fact.querySelector('details');
      details.open = true;
      details.querySelector('select').focus();
    }
  });
  const who = document.getElementById('reviewer');
  if (who && who.value) { show(0); } else if (who) { who.focus(); }
})();
"""


def _options(vocab: Any) -> tuple[str, str]:
    """The correction's field choices, and one datalist of labels per concept scheme."""
    e = html.escape
    fields = "".join(f'<option value="{e(name)}" data-scheme="{e(schemes[0])}">{e(field_label(name))}</option>'
                     for name, schemes in FIELD_SCHEMES.items())
    lists = []
    for name in sorted({s for schemes in FIELD_SCHEMES.values() for s in schemes}):
        try:
            scheme = vocab.scheme(name)
        except NhskgError:
            continue
        options = "".join(f'<option value="{e(c.pref_label)}">{e(c.code)}</option>'
                          for c in sorted(scheme.concepts, key=lambda c: c.pref_label.lower()))
        lists.append(f'<datalist id="values-{e(name)}">{options}</datalist>')
    return fields, "".join(lists)


def _fact_html(fact: Fact, view: Mapping[str, str], token: str, field_options: str) -> str:
    e = html.escape
    confidence = "" if fact.confidence is None else f"confidence {fact.confidence:.2f}"
    stated = f", stated {e(fact.stated)}" if fact.stated else ""
    hidden = "".join(f'<input type="hidden" name="{k}" value="{e(v)}">' for k, v in (
        ("token", token), ("posting", fact.posting_id), ("field", fact.field), ("code", fact.code),
        ("evidence", fact.evidence), ("reviewer", view.get("reviewer", "")), ("back", urllib.parse.urlencode(view))))
    why = f'<p class="why">{e("; ".join(fact.flags))}</p>' if fact.flags else ""
    # a duty area is corrected to another duty area only, and nothing else to one (decisions.py)
    offered = "".join(o + "</option>" for o in field_options.split("</option>")
                      if o and (f'value="{DUTY_AREAS}"' in o) == (fact.field == DUTY_AREAS))
    selected = offered.replace(f'value="{e(fact.field)}"', f'value="{e(fact.field)}" selected', 1)
    decided = " decided" if fact.decided is not None or fact.status != "unreviewed" else ""
    return (
        f'<article class="fact{decided}" id="fact-{e(fact.id)}" tabindex="-1" data-fact="{e(fact.id)}">'
        f'<h2>{e(fact.post_label or fact.posting_id)} &middot; {e(fact.organisation or "no organisation named")} '
        f'<small>(posting {e(fact.posting_id)}, fact {e(fact.id)})</small></h2>'
        + (f'<p class="claim">A duty of the post is about <strong>{e(fact.value_label or fact.code)}</strong>'
           f' <small>(duty area; {confidence})</small></p>' if fact.field == DUTY_AREAS else
           f'<p class="claim">The post <strong>{e(fact.field_label)}</strong> {e(fact.value_label or fact.code)}'
           f' <small>(&ldquo;{e(fact.label_as_written)}&rdquo;; {confidence}{stated})</small></p>')
        + f"<blockquote>{e(fact.sentence)}</blockquote>{why}"
        f'<p class="status" aria-live="polite">{e(fact.shown_status)}</p>'
        f'<form class="decide" method="post" action="/review/decide">{hidden}'
        f'<label>Note <input name="note" maxlength="2000" size="30"></label> '
        f'<button name="decision" value="accept">Accept <kbd>a</kbd></button> '
        f'<button name="decision" value="reject">Reject <kbd>r</kbd></button></form>'
        f'<details><summary>Correct <kbd>c</kbd></summary>'
        f'<form class="correct" method="post" action="/review/decide">{hidden}'
        f'<input type="hidden" name="decision" value="correct">'
        f'<label>the post <select name="to_field">{selected}</select></label> '
        f'<label>value <input name="to_code" size="32" placeholder="a label or a code"></label> '
        f'<label>Note <input name="note" maxlength="2000" size="24"></label> '
        f"<button>Correct</button></form></details></article>"
    )


def _page(server: Any, source: PoolSource, folder: Path, params: Mapping[str, list[str]]) -> Response:
    from ..vocabulary.vocab import load_vocabulary

    e = html.escape
    view = _view_params(params)
    state = _state(server)
    try:
        decisions = load_decisions(folder)
    except CurationError as error:
        raise _Bad(500, f"cannot read the decisions: {error}") from None
    facts = review_queue(source, decisions, status=view["status"],
                         fields=(view["field"],) if "field" in view else ())
    page = int(view["page"])
    shown = facts[(page - 1) * PER_PAGE: page * PER_PAGE]
    field_options, datalists = _options(load_vocabulary())
    nonce = secrets.token_urlsafe(16)
    keep = "".join(f'<input type="hidden" name="{k}" value="{e(v)}">' for k, v in view.items() if k in ("status", "field"))
    filters = " ".join(
        f'<a href="/review?{e(urllib.parse.urlencode({**view, "status": s, "page": "1"}))}"'
        + (' aria-current="page"' if s == view["status"] else "") + f">{e(s)}</a>"
        for s in STATUSES
    )
    more = (f'<p><a href="/review?{e(urllib.parse.urlencode({**view, "page": str(page + 1)}))}">next page</a></p>'
            if len(facts) > page * PER_PAGE else "")
    who = view.get("reviewer", "")
    body = (
        f"<header><h1>Review extracted facts</h1>"
        f'<form method="get" action="/review">{keep}<label>Your name '
        f'<input id="reviewer" name="reviewer" value="{e(who)}" maxlength="100" required></label> '
        f"<button>{'Change' if who else 'Start reviewing'}</button></form>"
        f'<p class="keys">Keys: <kbd>j</kbd>/<kbd>n</kbd> next, <kbd>k</kbd>/<kbd>p</kbd> previous, <kbd>a</kbd> accept, '
        f"<kbd>r</kbd> reject, <kbd>c</kbd> correct, <kbd>Esc</kbd> back to the fact. Decisions go to "
        f"<code>{e(str(folder))}/&lt;your name&gt;.csv</code>; the next <code>nhskg build</code> applies them.</p>"
        f"<nav>Show: {filters}</nav></header>"
        f"<p>{len(facts)} fact(s), weakest first{f'; {len(shown)} on this page' if len(facts) > len(shown) else ''}.</p>"
        + ("" if who else "<p><strong>Give your name to start.</strong></p>")
        + "".join(_fact_html(f, view, state.token, field_options) for f in shown)
        + more + datalists
        + f'<script nonce="{nonce}">{_SCRIPT}</script>'
    )
    page_html = (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Review extracted facts</title>'
                 f"<style>{_STYLE}</style></head><body>{body}</body></html>")
    return 200, "text/html; charset=utf-8", page_html.encode("utf-8"), _security_headers(nonce)


# --------------------------------------------------------------------------- a decision


_LOOPBACK = ("127.0.0.1", "localhost", "::1")


def _same_server(server: Any, headers: "Headers") -> None:
    """Refuse a request another site made the browser send, or that reached us by another name.

    On loopback the Host header must name the loopback address (a rebinding name pointed at
    127.0.0.1 would otherwise make another site this page's origin). A server listening beyond
    loopback (``--review`` given) is reached by whatever name the network gives it; there the
    origin of the request must still be the host it was sent to.
    """
    port = server.server_address[1]
    host = (headers.get("Host") or "").strip().lower()
    if server.config.host in _LOOPBACK:
        names = {f"{server.config.host}:{port}", f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}"}
        if host not in names:
            raise _Bad(403, "decisions are accepted only from the review page of this server (Host header)")
    else:
        names = {host}
    origin = headers.get("Origin")
    if origin is not None and origin.strip().lower() not in {f"http://{n}" for n in names}:
        raise _Bad(403, "decisions are accepted only from the review page of this server (Origin header)")


def _decide(server: Any, source: PoolSource, folder: Path, body: bytes, headers: "Headers") -> Response:
    from ..vocabulary.vocab import load_vocabulary

    _same_server(server, headers)
    media = (headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
    if media != "application/x-www-form-urlencoded":
        raise _Bad(415, "post the review page's form (application/x-www-form-urlencoded)")
    form = urllib.parse.parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    state = _state(server)
    if not hmac.compare_digest(_one(form, "token").encode(), state.token.encode()):
        raise _Bad(403, "the page is out of date or not this server's: reload /review")
    wants_json = "application/json" in (headers.get("Accept") or "")
    try:
        verdict = _one(form, "decision")
        if verdict not in ("accept", "reject", "correct"):
            raise CurationError("decision must be accept, reject or correct")
        posting, field, code, evidence = (_one(form, k) for k in ("posting", "field", "code", "evidence"))
        matches = [f for f in review_queue(source, status="all", posting_id=posting)
                   if (f.field, f.code, f.evidence) == (field, code, evidence)]
        if not matches:
            raise _Bad(409, "the graph has no such fact (the posting may have been rebuilt): reload /review")
        to_field = to_code = ""
        if verdict == "correct":
            to_field = resolve_field(_one(form, "to_field") or field)
            typed = _one(form, "to_code").strip()
            to_code = resolve_code(load_vocabulary(), to_field, typed) if typed else code
            if (to_field, to_code) == (field, code):
                raise CurationError("that correction is the fact as read: accept it instead")
        note = " ".join(_one(form, "note").split())[:2000]
        decision = Decision(posting, field, code, evidence, verdict, to_field, to_code, _one(form, "reviewer"), now(), note)
        with state.lock:
            path = record_decision(folder, decision)
    except CurationError as error:
        raise _Bad(400, str(error)) from None
    shown = replace(matches[0], decided=decision).shown_status
    if wants_json:
        answer = {"ok": True, "status": shown, "file": path.name}
        return 200, "application/json; charset=utf-8", json.dumps(answer).encode("utf-8"), {"Cache-Control": "no-store"}
    back = urllib.parse.parse_qs(_one(form, "back"))
    try:
        location = "/review?" + urllib.parse.urlencode(_view_params(back))
    except _Bad:
        location = "/review"
    return 303, "text/plain; charset=utf-8", f"written: {shown}\n".encode("utf-8"), {"Location": location}
