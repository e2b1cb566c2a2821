"""Hostile text through the whole flow, hostile query parameters, and the endpoint's limits.

Postings carry script, event-handler, ``javascript:`` URL and CSS break-out payloads in their
titles, organisation names and duty sentences. They are read, extracted and built by
``nhskg build``, drawn by ``nhskg render``, and served by ``nhskg serve``: every HTML page carries
the text (so the test is not vacuous) and none carries it as markup. Query parameters with
quotes, braces, ``} UNION {`` and IRIs with spaces never change a query's shape, embedded or
as the VALUES text sent to a remote endpoint. ``tests/browser`` opens pages built the same way.
"""

from __future__ import annotations

import html
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

import pytest
from selectolax.lexbor import LexborHTMLParser

import nhskg
from nhskg.errors import QueryError
from nhskg.queries.binding import bind
from nhskg.queries.library import load_query
from nhskg.sparql.bindings import with_values
from nhskg.serve.server import ServeConfig, SparqlServer, serve_in_thread
from nhskg.graph.store import GraphStore

from ._harness import Lines, build_cli, cli, quads

SCRIPT = "<script>window.__pwned=1</script>"
HANDLER = '<img src=x onerror="window.__pwned=1">'
JS_URL = "javascript:window.__pwned=1"
JS_LINK = f'<a href="{JS_URL}">apply</a>'
CSS = "</style><style>body{display:none}</style>"
CSS_URL = "x\" style=\"background:url('javascript:window.__pwned=1')"
PAYLOADS = (SCRIPT, HANDLER, JS_LINK, CSS, CSS_URL)


def live_markup(page: str) -> list[str]:
    """Elements and attributes in the parsed page that a payload would have made, if any got through."""
    tree = LexborHTMLParser(page)
    found = []
    for node in tree.css("*"):
        attributes = node.attributes
        if node.tag in ("img", "iframe", "object", "embed", "a") and any("pwned" in (v or "") for v in attributes.values()):
            found.append(f"<{node.tag}>")
        for name, value in attributes.items():
            if name.lower().startswith("on") or (name.lower() == "style" and "pwned" in (value or "")):
                found.append(f"<{node.tag} {name}>")
            if name.lower() in ("href", "src") and (value or "").strip().lower().startswith("javascript:"):
                found.append(f"<{node.tag} {name}={value}>")
    return found
#: A posting id with quotes and braces: it must be found by its own value and by nothing else.
EVIL_ID = 'evil-2"} UNION { ?s ?p ?o } #'


def hostile_text() -> str:
    return (
        f"Chief Nurse {SCRIPT}\n"
        f"St Elsewhere {HANDLER} NHS Foundation Trust\n"
        f"The Chief Nurse reports to the Chief Executive {CSS} and is the Caldicott Guardian.\n"
        f"You will lead patient safety {SCRIPT} jointly with the Medical Director.\n"
        f"You will lead infection prevention and control {HANDLER} with the Chief Medical Officer.\n"
        f"You will be accountable for safeguarding {JS_LINK} with the Director of Nursing.\n"
        f"You will lead workforce planning {CSS_URL} with the Chief People Officer.\n"
    )


def hostile_record() -> dict[str, object]:
    escaped = SCRIPT.replace("<", "&amp;lt;").replace(">", "&amp;gt;")  # text, not markup, after one unescape
    return {
        "@type": "JobPosting", "id": EVIL_ID, "title": f"Medical Director {HANDLER}", "url": JS_URL,
        "hiringOrganization": {"name": f"{CSS} Hospitals NHS Trust {CSS_URL}"},
        "description": "&lt;p&gt;The Medical Director reports to the Chief Executive.&lt;/p&gt;"
                       f"&lt;p&gt;You will lead patient safety {escaped} with the Chief Nurse.&lt;/p&gt;",
    }


@dataclass(frozen=True)
class Built:
    store: Path
    views: list[Path]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("security")
    (root / "in").mkdir()
    (root / "in" / "evil.txt").write_text(hostile_text(), encoding="utf-8")
    (root / "in" / "feed.jsonl").write_text(json.dumps(hostile_record()) + "\n", encoding="utf-8")
    store = root / "store"
    result = build_cli(store, root / "in")
    assert result.exit_code == 0, result.output
    out = root / "views"
    for args in (["render", "all"], ["render", "query", "--query", "role-network"], ["render", "query", "--query", "evidence"]):
        result = cli("--store", store, *args, "--out", out)
        assert result.exit_code == 0, result.output
    return Built(store, sorted(out.glob("*.html")))


#: The one data block of a table or chart page: JSON, never run.
DATA_BLOCK = '<script type="application/json" id="nhskg-data">'


def page_data(page: str) -> str:
    """Every JSON the page's script draws from, decoded: the text as the graph held it (the arrays
    of a graph page, the data block of a table or chart page)."""
    arrays = [m.group(1) for m in re.finditer(r"var (?:nodeData|edgeData) = (\[.*?\]);\n", page)]
    blocks = re.findall(r'<script type="application/json" id="nhskg-data">(.*?)</script>', page, re.DOTALL)
    return " ".join(json.dumps(json.loads(text), ensure_ascii=False) for text in arrays + blocks)


def test_every_view_carries_the_hostile_text_as_text_only(built: Built) -> None:
    assert {p.name for p in built.views} >= {"reporting.html", "roles.html", "designations.html", "profile.html",
                                             "compare.html", "drift.html", "index.html", "query-role-network.html"}
    carried = ""
    for path in built.views:
        page = path.read_text(encoding="utf-8")
        for payload in PAYLOADS:
            assert payload not in page, (path.name, payload)
        assert live_markup(page) == [], path.name
        # the page's own scripts and styles only: each opens bare (or is the one JSON data block), and
        # as many as the template has
        data_blocks = page.count(DATA_BLOCK)
        assert data_blocks <= 1, path.name
        assert re.findall(r"<script\b[^>]*>", page) == [DATA_BLOCK] * data_blocks + ["<script>"] * (page.count("<script") - data_blocks), path.name
        if data_blocks:
            assert not re.search(r"\.innerHTML\s*=", page), path.name  # table and chart pages write text only
        assert page.count("<style") <= 2 and "body{display:none}</style>" not in page, path.name
        carried += page_data(page)
    # not vacuous: titles, organisation names and duty sentences with payloads were drawn
    # (labels hold the text itself; tooltips, which vis.js renders as HTML, hold it escaped)
    for payload in (SCRIPT, HANDLER, CSS):
        assert payload in html.unescape(carried), payload
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in carried
    assert "St Elsewhere" in carried or "Hospitals NHS Trust" in carried


def test_the_hostile_text_is_in_the_graph_verbatim(built: Built) -> None:
    table = nhskg.query("evidence", store=built.store, posting_id="evil")
    sentences = " ".join(str(row[table.columns.index("sentence")]) for row in table.rows)
    for payload in (SCRIPT, HANDLER, JS_URL, CSS, CSS_URL):
        assert payload in sentences, payload


# --------------------------------------------------------------------------- query parameters

INJECTIONS = [
    '"} UNION { ?s ?p ?o } #',
    "evil\" . ?s ?p ?o . FILTER(\"",
    "'''} UNION {'''",
    "{ } } SELECT * WHERE { ?s ?p ?o",
    "evil\\\" \\u0022 \n\t <http://ex/a b>",
    EVIL_ID[:-1],
    EVIL_ID + " ",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_string_parameters_cannot_change_the_query(built: Built, value: str) -> None:
    query = load_query("evidence")
    text = query.text
    assert len(nhskg.query("evidence", store=built.store, posting_id=value)) == 0
    # the VALUES text sent to a remote endpoint, run here: one literal, the same empty answer
    opened = GraphStore.open(built.store)
    try:
        assert len(opened.source().select(with_values(text, bind(query, {"posting_id": value})))) == 0
    finally:
        opened.close()
    assert load_query("evidence").text == text
    result = cli("--store", built.store, "query", "evidence", "--param", f"posting_id={value}")
    assert result.exit_code == 0 and "(0 rows)" in result.output, result.output


def test_a_posting_id_with_quotes_and_braces_finds_itself_and_nothing_else(built: Built) -> None:
    table = nhskg.query("evidence", store=built.store, posting_id=EVIL_ID)
    postings = {str(row[0]) for row in table.rows}
    # its role, its line to the Chief Executive and its duty statement; whether the line's own
    # sentence is a duty statement too is the duty model's call (a statement with no area, which
    # counts nowhere), so it may add one row
    assert postings == {"https://w3id.org/nhskg/data/posting/evil-2-union-s-p-o--44374c0dbf89"}, postings
    sentences = {str(row[5]) for row in table.rows}
    assert len(table) in (3, 4) and {"The Medical Director reports to the Chief Executive."} < sentences, sentences
    assert any(sentence.startswith("You will lead patient safety") for sentence in sentences), sentences
    everything = nhskg.query("evidence", store=built.store)
    assert len(table) < len(everything)
    opened = GraphStore.open(built.store)
    try:
        remote = opened.source().select(with_values(load_query("evidence").text,
                                                    bind(load_query("evidence"), {"posting_id": EVIL_ID})))
    finally:
        opened.close()
    assert len(remote) == len(table)


@pytest.mark.parametrize("value", [
    "https://w3id.org/nhskg/data/post/evil with spaces",
    "https://w3id.org/nhskg/data/post/evil> } UNION { ?s ?p ?o",
    "https://w3id.org/nhskg/data/post/{evil}",
    'https://w3id.org/nhskg/data/post/"evil"',
    "<https://w3id.org/nhskg/data/post/evil>> . ?s ?p ?o",
    "post/evil",
])
def test_iri_parameters_with_spaces_braces_or_quotes_are_refused(built: Built, value: str) -> None:
    with pytest.raises(QueryError, match="is not an absolute IRI"):
        nhskg.query("reporting-chain", store=built.store, post=value)
    result = cli("--store", built.store, "query", "reporting-chain", "--param", f"post={value}")
    assert result.exit_code == 2 and len(Lines(result.output).naming("not an absolute IRI")) == 1, result.output


@pytest.mark.parametrize("value", ["chief-nurse> } UNION { ?s ?p ?o", 'chief-nurse" } ?s ?p ?o', "chief nurse } UNION { ?s ?p ?o", "{}"])
def test_code_parameters_outside_the_vocabulary_are_refused(built: Built, value: str) -> None:
    # ("chief nurse", a label of the concept, is accepted since issue 15, bound as the concept's IRI)
    with pytest.raises(QueryError, match="is not a code or label of the role-type vocabulary"):
        nhskg.query("duties-by-area", store=built.store, role=value)


# --------------------------------------------------------------------------- the endpoint

SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def server(built: Built) -> Iterator[SparqlServer]:
    running, _thread = serve_in_thread(ServeConfig(built.store, port=0, timeout=2, max_rows=25, workers=1, queue=50))
    yield running
    running.shutdown()
    running.server_close()


def call(server: SparqlServer, path: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> tuple[int, bytes]:
    request = urllib.request.Request(server.url.rsplit("/", 1)[0] + path, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=60) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def q(text: str) -> str:
    return "/sparql?" + urllib.parse.urlencode({"query": text})


def test_served_pages_escape_the_hostile_text(server: SparqlServer) -> None:
    for path in ("/run?" + urllib.parse.urlencode({"name": "evidence", "posting_id": "evil"}),
                 "/view?" + urllib.parse.urlencode({"name": "role-network"})):
        status, body = call(server, path)
        page = body.decode("utf-8")
        assert status == 200, page[:300]
        for payload in PAYLOADS:
            assert payload not in page, (path, payload)
        assert live_markup(page) == [], path
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in call(server, "/run?name=evidence&posting_id=evil")[1].decode()


@pytest.mark.parametrize("update", [
    "DROP ALL",
    "drop all",
    "# a comment first\nDROP ALL",
    "PREFIX ex: <http://ex/#>\nINSERT DATA { ex:a ex:b ex:c }",
    "BASE <http://ex/>\nDELETE WHERE { ?s ?p ?o }",
    "SELECT * WHERE { ?s ?p ?o } ; DROP ALL",
    "CLEAR DEFAULT",
])
def test_serve_refuses_updates_in_any_disguise(server: SparqlServer, built: Built, update: str) -> None:
    before = quads(built.store)
    get = call(server, q(update))
    post = call(server, "/sparql", data=update.encode(), headers={"Content-Type": "application/sparql-query"})
    form = call(server, "/sparql", data=urllib.parse.urlencode({"update": update}).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"})
    for status, body in (get, post, form):
        assert status in (400, 403), (status, body[:200])
    assert form[0] == 403
    assert quads(built.store) == before


def test_serve_caps_result_size(server: SparqlServer) -> None:
    status, body = call(server, q("SELECT * WHERE { ?s ?p ?o }"))
    assert status == 413 and b"more than 25 rows" in body
    status, body = call(server, q("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))
    assert status == 413


def test_the_query_page_reports_the_row_cap_instead_of_failing(server: SparqlServer) -> None:
    original = server.config
    server.config = replace(original, max_rows=3)
    try:
        status, body = call(server, "/run?" + urllib.parse.urlencode({"name": "evidence"}))
    finally:
        server.config = original
    assert status == 413 and b"more than 3 rows" in body, (status, body[:300])


def test_serve_caps_query_time(server: SparqlServer) -> None:
    original = server.config
    server.config = replace(original, timeout=1.0)
    try:
        status, body = call(server, q(SLOW))
    finally:
        server.config = original
    assert status == 503 and b"longer than the time limit of 1 s and was stopped" in body
    assert call(server, q("ASK { ?s ?p ?o }"))[0] == 200


# --------------------------------------------------------------------------- in a real browser

CHROMIUM = Path("/usr/bin/chromium")


@pytest.mark.browser
def test_views_built_from_hostile_postings_run_nothing_in_chromium(built: Built, tmp_path: Path) -> None:
    """The pages of the whole flow (not a hand-made graph) in headless Chromium, network cut."""
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: run scripts/install-browser.sh")
    sync_api = pytest.importorskip("playwright.sync_api", reason="run scripts/install-browser.sh")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=["--no-sandbox", "--disable-gpu", "--proxy-server=127.0.0.1:9"])
        try:
            for path in built.views:
                page = browser.new_page()
                requests: list[str] = []
                errors: list[str] = []
                dialogs: list[str] = []
                page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
                           else (requests.append(route.request.url), route.abort()))
                page.on("pageerror", lambda error: errors.append(str(error)))
                page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
                page.goto(path.as_uri())
                if path.name != "index.html":
                    page.wait_for_function("window.nhskgReady === true", timeout=90_000)
                if path.name == "reporting.html":
                    # open every post of every chart, as a reader would, and read the panel
                    shown = ""
                    for key in page.evaluate("NK.data.charts.map((c) => c.key)"):
                        page.evaluate("(k) => NK.showOrganisation(k)", key)
                        shown += page.inner_text("#chart")
                        for box in page.locator(".post").all():
                            box.click()
                            page.evaluate("document.querySelectorAll('#details details').forEach((d) => d.open = true)")
                            shown += page.inner_text("#details")
                    assert SCRIPT in shown and HANDLER in shown, "the hostile text is shown, as text"
                elif path.name == "designations.html":
                    for cell in page.locator("#matrix td.cell").all():
                        cell.click()
                        page.keyboard.press("Escape")  # the details drawer closes
                elif path.name == "profile.html":
                    for button in page.locator(".share-row button").all():
                        button.click()
                elif path.name == "compare.html":
                    for row in page.locator("#diff tr.row").all():
                        row.click()
                elif path.name == "drift.html":
                    for cell in page.locator("#heat td.cell:not(.none)").all():
                        cell.click()
                elif path.name != "index.html":
                    # build every tooltip, as hovering would, and look inside them
                    assert page.evaluate(
                        "nodes.get().concat(edges.get()).every((x) => !x.title || typeof x.title === 'string' ||"
                        " x.title.querySelectorAll('script, img, a, style, iframe').length === 0)")
                    tips = page.evaluate("nodes.get().concat(edges.get()).map((x) => x.title ?"
                                         " (x.title.innerText || x.title) : '').join(' ')")
                    if path.name in ("roles.html", "reporting.html"):
                        assert SCRIPT in tips or HANDLER in tips, path.name  # shown as text
                assert page.evaluate("typeof window.__pwned") == "undefined", path.name
                assert page.evaluate("getComputedStyle(document.body).display") != "none", path.name
                assert page.evaluate("document.querySelectorAll('img, iframe, a[href^=\"javascript\"], [onerror]').length") == 0
                assert (requests, errors, dialogs) == ([], [], []), path.name
                page.close()
        finally:
            browser.close()
