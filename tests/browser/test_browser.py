"""Open the rendered views in headless Chromium (Debian's, driven by playwright) with the network cut.

Each page must draw exactly the view model's nodes and lines, log no console error, ask for nothing
but its own file, and run none of the hostile text in the fixture graph. Screenshots go to
``out/screenshots/`` for a person to look at. Needs ``scripts/install-browser.sh``; run with
``pytest -m browser``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from nhskg.sparql import OxigraphSource
from nhskg.views.html import write_html
from nhskg.views.layout import positions_if_large
from nhskg.views.model import ViewEdge, ViewModel, ViewNode, build_model
from nhskg.views.query import query_view
from nhskg.views.reporting import EDGE_STYLES, NODE_STYLES, reporting_view
from nhskg.views.designations import designations_view
from nhskg.views.roles import roles_view

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
GRAPH = Path(__file__).parent / "views-graph.trig"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--proxy-server=127.0.0.1:9",  # nothing listens there: any request that slipped through fails
]


def big_model(n: int = 600) -> ViewModel:
    """A synthetic reporting tree past the physics limit: positions precomputed, physics off."""
    nodes = [ViewNode(f"post/n{i:04}", f"Post {i}", "post", organisation=f"Org {i % 7}") for i in range(n)]
    edges = [ViewEdge(f"post/n{i:04}", f"post/n{(i - 1) // 3:04}", "managerial") for i in range(1, n)]
    model = build_model(name="big", title="A large synthetic graph", description="600 posts in a tree.",
                        nodes=nodes, edges=edges, node_styles=NODE_STYLES, edge_styles=EDGE_STYLES)
    return positions_if_large(model)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> dict[str, tuple[Path, ViewModel]]:
    store = ox.Store()
    store.load(path=str(GRAPH), format=ox.RdfFormat.TRIG)
    source = OxigraphSource(store)
    out = tmp_path_factory.mktemp("views")
    models = {
        "reporting": reporting_view(source),
        "roles": roles_view(source),
        "designations": designations_view(source),
        "query-role-network": query_view(source, "role-network"),
        "aggregated": reporting_view(source, limit=6),
        "big": big_model(),
    }
    return {name: (write_html(model, out / f"{name}.html"), model) for name, model in models.items()}


@pytest.fixture(scope="module")
def browser_context(tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: run scripts/install-browser.sh")
    sync_api = pytest.importorskip("playwright.sync_api", reason="run scripts/install-browser.sh")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(CHROMIUM),
            headless=True,
            args=FLAGS,
            offline=True,
            viewport={"width": 1400, "height": 900},
        )
        yield context
        context.close()


def open_page(context, path: Path):
    """A page with every non-file request blocked and recorded, and console errors collected."""
    page = context.new_page()
    requests: list[str] = []
    errors: list[str] = []

    def route(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            requests.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(path.as_uri())
    return page, requests, errors


@pytest.mark.parametrize("name", ["reporting", "roles", "designations", "query-role-network", "aggregated", "big"])
def test_view_draws_its_model_offline_and_safely(browser_context, pages, name):
    path, model = pages[name]
    page, requests, errors = open_page(browser_context, path)
    page.wait_for_function("window.nhskgReady === true", timeout=90_000)
    assert page.evaluate("network.body.data.nodes.length") == len(model.nodes)
    assert page.evaluate("network.body.data.edges.length") == len(model.edges)
    drawn = page.evaluate("Object.keys(network.getPositions()).length")
    assert drawn == len(model.nodes)
    # hover every node and line carrying hostile text so its tooltip is built and shown
    for node in model.nodes:
        point = page.evaluate(
            """(id) => { const p = network.canvasToDOM(network.getPositions([id])[id]);
                         const r = document.getElementById('mynetwork').getBoundingClientRect();
                         return [p.x + r.left, p.y + r.top]; }""",
            node.id,
        )
        if "<" in node.label or "<" in node.organisation:
            page.mouse.move(point[0], point[1])
            page.wait_for_timeout(400)
            tip = page.evaluate("(document.querySelector('div.vis-tooltip') || {}).innerText || ''")
            assert "<" in tip, (node.id, tip)  # shown as text
    # every tooltip is an element holding text only: no script, image or link came out of a posting
    assert page.evaluate(
        "nodes.get().concat(edges.get()).every((x) => x.title.querySelectorAll('script, img, a, style, iframe').length === 0)"
    )
    tips = page.evaluate("nodes.get().concat(edges.get()).map((x) => x.title.innerText).join(' ')")
    for item in (*model.nodes, *model.edges):
        for sentence in item.evidence:
            if "<" in sentence:
                assert sentence in tips  # hostile sentences are shown as written
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("getComputedStyle(document.body).display") != "none"
    assert page.evaluate("document.querySelectorAll('img, iframe, a[href^=\"javascript\"]').length") == 0
    assert requests == [], requests
    assert errors == [], errors
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.mouse.move(5, 5)
    page.wait_for_timeout(300)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    page.close()


def test_search_box_filters_nodes(browser_context, pages):
    path, model = pages["reporting"]
    page, requests, errors = open_page(browser_context, path)
    page.wait_for_function("window.nhskgReady === true", timeout=60_000)
    page.fill("#search", "north trust")
    visible = page.evaluate("nodes.get({filter: (n) => !n.hidden}).length")
    assert visible == sum(1 for n in model.nodes if "north trust" in f"{n.label} {n.organisation}".lower()) == 3
    page.fill("#search", "")
    assert page.evaluate("nodes.get({filter: (n) => !n.hidden}).length") == len(model.nodes)
    page.uncheck("input.kind-filter[value='body']")
    assert page.evaluate("nodes.get({filter: (n) => !n.hidden}).length") == len(model.nodes) - 1
    assert requests == [] and errors == []
    page.close()


def test_index_links_every_view_offline(browser_context, tmp_path):
    from nhskg.views.index import write_all

    store = ox.Store()
    store.load(path=str(GRAPH), format=ox.RdfFormat.TRIG)
    written = write_all(OxigraphSource(store), tmp_path)
    page, requests, errors = open_page(browser_context, tmp_path / "index.html")
    links = page.evaluate("Array.from(document.querySelectorAll('#views a')).map(a => a.getAttribute('href'))")
    assert links == [w.path.name for w in written if w.path.name != "index.html"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "index.png"), full_page=True)
    page.click("#views a >> nth=1")
    page.wait_for_function("window.nhskgReady === true", timeout=60_000)
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert requests == [] and errors == []
    page.close()
