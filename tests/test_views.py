"""The views on a hand-built graph (tests/browser/views-graph.trig): content, safety, determinism, limits.

No browser here: these read the view models and the written HTML. ``tests/browser`` opens the same
pages in headless Chromium.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from nhskg.cli import main
from nhskg.errors import QueryError
from nhskg.sparql import OxigraphSource
from nhskg.views.designations import designations_view
from nhskg.views.html import render_html, write_html
from nhskg.views.index import write_all
from nhskg.views.model import PHYSICS_LIMIT, ViewNode, build_model, limit_model
from nhskg.views.query import query_view
from nhskg.views.reporting import reporting_view
from nhskg.views.roles import roles_view

GRAPH = Path(__file__).parent / "browser" / "views-graph.trig"
PAYLOADS = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    "</style><style>body{display:none}</style>",
    '<a href="javascript:window.__pwned=1">',
)
#: A tag that would fetch something: any src, or an href that is not a sibling page.
LOADING_TAG = re.compile(r"<[a-z]+\b[^>]*\s(?:src\s*=|href\s*=\s*(?![\"']?[a-z-]+\.html[\"'\s>]))", re.IGNORECASE)
EXTERNAL_URL = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)


def load_source() -> OxigraphSource:
    store = ox.Store()
    store.load(path=str(GRAPH), format=ox.RdfFormat.TRIG)
    return OxigraphSource(store)


@pytest.fixture(scope="module")
def source() -> OxigraphSource:
    return load_source()


def page_data(page: str, name: str) -> list[dict]:
    """The JSON array assigned to ``var NAME = ...;`` in the page's script."""
    match = re.search(rf"var {name} = (\[.*?\]);\n", page)
    assert match, name
    return json.loads(match.group(1))


def test_reporting_levels_come_from_the_lines(source):
    model = reporting_view(source)
    nodes = {n.id: n for n in model.nodes}
    assert {(e.source, e.target, e.kind) for e in model.edges} == {
        ("post/p1", "org/st-elsewhere/role/chief-executive", "managerial"),
        ("post/p2", "org/st-elsewhere/role/chief-executive", "managerial"),
        ("post/p3", "post/p2", "managerial"),
        ("post/p3", "post/p1", "professional"),
        ("post/p4", "org/north-trust/role/chief-executive", "managerial"),
        ("post/p1", "w3id.org/nhskg/vocab/body/gmc", "external"),
    }
    assert nodes["org/st-elsewhere/role/chief-executive"].level == 0
    assert nodes["post/p1"].level == nodes["post/p2"].level == 1
    assert nodes["post/p3"].level == 2
    assert nodes["post/p3"].y > nodes["post/p2"].y > nodes["org/st-elsewhere/role/chief-executive"].y
    body = nodes["w3id.org/nhskg/vocab/body/gmc"]
    assert body.kind == "body" and all(body.x > n.x for n in model.nodes if n.kind != "body")
    headings = sorted((n.label, n.x < nodes["post/p1"].x) for n in model.nodes if n.kind == "organisation")
    assert headings == [("North Trust", True), ("St Elsewhere </style><style>body{display:none}</style> Trust", False)]
    assert model.layout == "positions"


def test_reporting_of_one_organisation_by_name(source):
    model = reporting_view(source, "north trust")
    assert [n.id for n in model.nodes] == ["heading/0", "org/north-trust/role/chief-executive", "post/p4"]
    assert model.nodes[0].label == "North Trust" and model.nodes[0].kind == "organisation"
    assert model.title == "Reporting lines in North Trust"
    with pytest.raises(QueryError, match="North Trust"):
        reporting_view(source, "North Trusts")


def test_roles_view_marks_shared_areas_and_quotes_joint_duties(source):
    model = roles_view(source, "chief-medical-officer", "chief-nurse")
    kinds = {n.id: n.kind for n in model.nodes}
    assert kinds["area/patient-safety"] == "area-shared"
    assert kinds["area/finance"] == "area-a" and kinds["area/workforce"] == "area-b"
    sizes = {n.id: n.size for n in model.nodes}
    assert sizes["area/patient-safety"] > sizes["area/finance"]  # 3 postings against 1
    joint = [e for e in model.edges if e.kind == "joint"]
    assert {(e.source, e.target) for e in joint} == {
        ("role/chief-medical-officer", "role/chief-nurse"),
        ("role/chief-nurse", "role/chief-medical-officer"),
    }
    quoted = " ".join(s for e in joint for s in e.evidence)
    assert "You will lead patient safety" in quoted and "Working with the CMO" in quoted


def test_designations_mark_conflicts_and_gaps(source):
    model = designations_view(source)
    nodes = {n.id: n for n in model.nodes}
    assert nodes["org/st-elsewhere/designation/caldicott-guardian"].kind == "conflict"
    assert nodes["org/st-elsewhere/designation/responsible-officer"].kind == "held"
    assert nodes["org/st-elsewhere/gaps"].details == (("no post holds", "Senior Information Risk Owner"),)
    assert nodes["org/north-trust/gaps"].label == "2 not held"
    assert "1 conflicts" in model.description and "3 gaps" in model.description


def test_query_view_draws_a_library_graph_query_and_refuses_a_table(source):
    model = query_view(source, "role-network")
    assert len(model.nodes) == 4 and len(model.edges) == 4
    with pytest.raises(QueryError, match="source' and 'target"):
        query_view(source, "shared-duties")


def test_every_page_is_self_contained_escaped_and_complete(source, tmp_path):
    written = write_all(source, tmp_path)
    written.append(type(written[0])(write_html(query_view(source, "role-network"), tmp_path / "q.html"), "", "", 4, 4, ""))
    assert {w.path.name for w in written} == {"reporting.html", "roles.html", "designations.html", "index.html", "q.html"}
    for page in written:
        text = page.path.read_text(encoding="utf-8")
        assert not EXTERNAL_URL.search(text), (page.path.name, EXTERNAL_URL.search(text))
        assert not LOADING_TAG.search(text), (page.path.name, LOADING_TAG.search(text))
        for payload in PAYLOADS:
            assert payload not in text, (page.path.name, payload)
        if page.path.name == "index.html":
            continue
        nodes, edges = page_data(text, "nodeData"), page_data(text, "edgeData")
        assert len(nodes) == page.nodes and len(edges) == page.edges
        assert f'<meta name="nhskg-node-count" content="{page.nodes}">' in text
        assert 'id="search"' in text and 'id="legend-nodes"' in text and 'id="legend-edges"' in text
        assert text.count('class="kind-filter"') == len({n["kind"] for n in nodes})
        assert "vis.Network(" in text and "<h1>" in text and 'class="description"' in text


def test_hostile_text_is_escaped_in_tooltips_and_headings(source):
    page = render_html(roles_view(source))
    tips = " ".join(e["title"] for e in page_data(page, "edgeData"))
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in tips
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in tips
    heading = render_html(reporting_view(source, "St Elsewhere </style><style>body{display:none}</style> Trust"))
    assert "<h1>Reporting lines in St Elsewhere &lt;/style&gt;&lt;style&gt;body{display:none}&lt;/style&gt; Trust</h1>" in heading


def test_web_addresses_in_posting_text_do_not_become_urls_in_the_page():
    url = "https://jobs.example.org/apply?x=1"
    model = build_model(name="x", title=f"Title {url}", description=f"About {url}",
                        nodes=[ViewNode("a", f"Label {url}", "k", organisation=url, evidence=(f"Apply at {url}.",))],
                        edges=[], node_styles=[], edge_styles=[], note=f"note {url}", filters={"org": url})
    page = render_html(model)
    assert not re.search(r"(?i)https?://", page)
    assert "Title https:&#47;/jobs.example.org" in page
    assert page_data(page, "nodeData")[0]["label"] == f"Label {url}"  # JSON reads back the same text


def test_the_same_graph_gives_byte_identical_pages(tmp_path):
    first = [p.path.read_bytes() for p in write_all(load_source(), tmp_path / "a")]
    second = [p.path.read_bytes() for p in write_all(load_source(), tmp_path / "b")]
    assert first == second


def test_past_the_limit_a_view_aggregates_and_says_so(source):
    model = reporting_view(source, limit=6)
    assert "aggregated" in model.note and "--org" in model.note
    labels = sorted(n.label for n in model.nodes)
    assert labels == ["Chief Executive (2)", "Chief Medical Officer (1)", "Chief Nurse (2)", "Deputy Chief Nurse (1)", "General Medical Council (1)"]
    page = render_html(model)
    assert 'class="note"' in page and "aggregated" in page


def test_past_the_limit_without_groups_it_asks_for_a_filter():
    model = build_model(name="x", title="X", description="d", nodes=[ViewNode(str(i), str(i), "k") for i in range(5)],
                        edges=[], node_styles=[], edge_styles=[])
    limited = limit_model(model, 3, filter_hint="Use --param.")
    assert limited.nodes == () and "nothing is drawn" in limited.note and "Use --param." in limited.note


def test_big_graphs_get_precomputed_positions_and_no_physics():
    from nhskg.views.layout import positions_if_large

    n = PHYSICS_LIMIT + 50
    model = build_model(name="x", title="X", description="d", nodes=[ViewNode(f"n{i:04}", str(i), "k") for i in range(n)],
                        edges=[], node_styles=[], edge_styles=[])
    placed = positions_if_large(model)
    assert placed.layout == "positions" and all(node.x is not None for node in placed.nodes)
    page = render_html(placed)
    assert '"physics":{"enabled":false}' in page
    small = render_html(build_model(name="x", title="X", description="d", nodes=model.nodes[:10], edges=[], node_styles=[], edge_styles=[]))
    assert '"physics":{"barnesHut"' in small


def test_cli_render_all_writes_every_view_and_prints_paths(tmp_path):
    from nhskg.store import GraphStore

    store = tmp_path / "store"
    with GraphStore.writer(store) as writer:
        writer.store.load(path=str(GRAPH), format=ox.RdfFormat.TRIG)
    out = tmp_path / "views"
    result = CliRunner().invoke(main, ["--store", str(store), "render", "all", "--out", str(out)])
    assert result.exit_code == 0, result.output
    for name in ("reporting.html", "roles.html", "designations.html", "index.html"):
        assert str(out / name) in result.output and (out / name).is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert '<a href="roles.html">' in index and "<th>postings</th><td class=\"n\">4</td>" in index
    result = CliRunner().invoke(main, ["--store", str(store), "render", "query", "--query", "role-network", "--out", str(out)])
    assert result.exit_code == 0 and (out / "query-role-network.html").is_file(), result.output
    result = CliRunner().invoke(main, ["--store", str(store), "render", "reporting", "--org", "Nowhere", "--out", str(out)])
    assert result.exit_code != 0 and "no organisation named 'Nowhere'" in result.output


LONE_POSTS = """
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix nhskg: <https://w3id.org/nhskg/def#> .
@prefix schema: <https://schema.org/> .
GRAPH <https://w3id.org/nhskg/data/graph/posting/lone{n}> {{
  <https://w3id.org/nhskg/data/org/lone-{n}> a org:Organization ; rdfs:label "Lone Trust {n}" .
  <https://w3id.org/nhskg/data/posting/lone{n}> a schema:JobPosting ; nhskg:leadershipPosting true ;
      nhskg:advertises <https://w3id.org/nhskg/data/post/lone{n}> .
  <https://w3id.org/nhskg/data/post/lone{n}> a org:Post ; rdfs:label "Director {n}" ;
      org:postIn <https://w3id.org/nhskg/data/org/lone-{n}> ;
      org:role <https://w3id.org/nhskg/vocab/role-type/chief-nurse> .
}}
"""


def test_reporting_across_organisations_leaves_out_those_with_no_lines_and_says_so():
    store = ox.Store()
    store.load(path=str(GRAPH), format=ox.RdfFormat.TRIG)
    for n in range(3):
        store.load(LONE_POSTS.format(n=n).encode(), format=ox.RdfFormat.TRIG)
    model = reporting_view(OxigraphSource(store))
    assert not any(n.id.startswith("post/lone") for n in model.nodes)
    assert "3 organisations whose postings state no reporting line are not drawn" in model.description
    one = reporting_view(OxigraphSource(store), "Lone Trust 1")
    assert [n.id for n in one.nodes if n.kind == "post"] == ["post/lone1"]


def test_reporting_blocks_wrap_into_rows():
    from nhskg.views.reporting import ROW_WIDTH

    store = ox.Store()
    store.load(path=str(GRAPH), format=ox.RdfFormat.TRIG)
    for n in range(40):  # forty organisations, each with one post reporting to its chief executive
        store.load(
            (LONE_POSTS.format(n=n).replace(
                'org:role <https://w3id.org/nhskg/vocab/role-type/chief-nurse> .',
                f'org:role <https://w3id.org/nhskg/vocab/role-type/chief-nurse> ; org:reportsTo <https://w3id.org/nhskg/data/org/lone-{n}/role/ceo> .'
                f' <https://w3id.org/nhskg/data/org/lone-{n}/role/ceo> a org:Post ; rdfs:label "Chief Executive" ;'
                f' org:postIn <https://w3id.org/nhskg/data/org/lone-{n}> .',
            )).encode(),
            format=ox.RdfFormat.TRIG,
        )
    model = reporting_view(OxigraphSource(store))
    posts = [n for n in model.nodes if n.kind in ("post", "role-post")]
    assert max(n.x for n in posts) - min(n.x for n in posts) <= ROW_WIDTH + 1
    assert len({n.y for n in model.nodes if n.kind == "organisation"}) > 1  # several rows


def test_reporting_leaves_out_non_leadership_adverts():
    store = ox.Store()
    store.load(path=str(GRAPH), format=ox.RdfFormat.TRIG)
    store.load(LONE_POSTS.format(n=9).replace("nhskg:leadershipPosting true", "nhskg:leadershipPosting false").encode(),
               format=ox.RdfFormat.TRIG)
    assert "post/lone9" not in {n.id for n in reporting_view(OxigraphSource(store), "Lone Trust 9").nodes}
