"""The views on a hand-built graph (tests/browser/views-graph.trig): content, safety, determinism, limits.

No browser here: these read the view models, the pages' data and the written HTML. ``tests/browser``
opens the same pages in headless Chromium.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from nhskg.analyses.gaps import designation_findings
from nhskg.cli import main
from nhskg.errors import QueryError
from nhskg.sparql.sources import OxigraphSource
from nhskg.views.compare import compare_page, compare_rows, holdings
from nhskg.views.drift import model_from_drift
from nhskg.views.facts import UNNAMED, load_facts
from nhskg.views.html import render_html, write_html
from nhskg.views.index import write_all
from nhskg.views.matrix import designations_page, matrix
from nhskg.views.model import PHYSICS_LIMIT, ViewEdge, ViewNode, build_model, limit_model
from nhskg.views.orgchart import chart, charted_organisations, reporting_page
from nhskg.views.page import render_page
from nhskg.views.profile import NO_LINE, profile, profile_page
from nhskg.views.query import query_view
from nhskg.views.roles import roles_view

GRAPH = Path(__file__).parent / "browser" / "views-graph.trig"
PAYLOADS = (
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=1">',
    '<svg onload="window.__pwned=1">',
    "</style><style>body{display:none}</style>",
    '<a href="javascript:window.__pwned=1">',
)
#: A tag that would fetch something: any src, or an href that is not a sibling page.
LOADING_TAG = re.compile(r"<[a-z]+\b[^>]*\s(?:src\s*=|href\s*=\s*(?![\"']?[a-z-]+\.html[\"'\s>]))", re.IGNORECASE)
EXTERNAL_URL = re.compile(r"(?:https?:)?//[a-z0-9.-]+\.[a-z]{2,}", re.IGNORECASE)
ST = "org/st-elsewhere"
NORTH = "org/north-trust"


def load_source() -> OxigraphSource:
    store = ox.Store()
    store.load(path=str(GRAPH), format=ox.RdfFormat.TRIG)
    return OxigraphSource(store)


@pytest.fixture(scope="module")
def source() -> OxigraphSource:
    return load_source()


@pytest.fixture(scope="module")
def facts(source):
    return load_facts(source)


def page_json(page: str) -> dict:
    """The data a table or chart page draws itself from."""
    match = re.search(r'<script type="application/json" id="nhskg-data">(.*?)</script>', page, re.DOTALL)
    assert match
    return json.loads(match.group(1))


def canvas_data(page: str, name: str) -> list[dict]:
    """The JSON array assigned to ``var NAME = ...;`` in a graph page's script."""
    match = re.search(rf"var {name} = (\[.*?\]);\n", page)
    assert match, name
    return json.loads(match.group(1))


# --- organisation charts -----------------------------------------------------------------------


def test_chart_rows_come_from_tiers_and_lines(facts):
    drawn = chart(facts, ST)
    level = {p.key: p.level for p in drawn.posts}
    assert level == {"org/st-elsewhere/role/chief-executive": 0, "post/p1": 1, "post/p2": 1, "post/p3": 2}
    assert {(line.lower, line.upper, line.kind) for line in drawn.lines} == {
        ("post/p1", "org/st-elsewhere/role/chief-executive", "managerial"),
        ("post/p2", "org/st-elsewhere/role/chief-executive", "managerial"),
        ("post/p3", "post/p2", "managerial"),
        ("post/p3", "post/p1", "professional"),
        ("post/p1", "post/p2", "joint"),
    }
    p1 = drawn.post("post/p1")
    assert p1.badges == ("Caldicott Guardian", "Responsible Officer") and p1.duties == 2 and p1.postings == ("posting/p1",)
    assert not drawn.post("org/st-elsewhere/role/chief-executive").advertised


def test_a_line_and_an_area_the_extractor_is_less_sure_of_are_marked_so(facts):
    """Issue 13, point 6: views flag the weak facts. The CMO's joint line is read at 0.64 and the
    area of its first duty at 0.35; its managerial line carries no confidence."""
    from nhskg.views.orgchart import chart_json

    shown = chart_json(facts, chart(facts, ST))
    lines = {(line["lower"], line["upper"], line["kind"]): line for line in shown["lines"]}
    joint = lines[("post/p1", "post/p2", "joint")]
    assert joint["weak"] is True and joint["evidence"][0][2] == "confidence 0.64 (less sure)"
    managerial = lines[("post/p1", "org/st-elsewhere/role/chief-executive", "managerial")]
    assert managerial["weak"] is False and all(len(e) == 2 for e in managerial["evidence"])
    areas = {a["label"]: a["duties"] for a in shown["details"]["post/p1"]["areas"]}
    assert areas["Patient safety"][0][2] == "confidence 0.35 that it is about patient safety (less sure)"
    assert len(areas["Finance"][0]) == 2  # read from a hand-made record: no chance to show


def test_a_weak_line_a_reviewer_accepted_is_not_drawn_as_less_sure():
    """A reviewer accepted the CMO's joint line (read at 0.64): a person has checked it against its
    sentence, so the chart must not fade it or call it "less sure" (``--min-confidence`` keeps
    such a fact too), and its sentence says who decided."""
    from nhskg.views.orgchart import chart_json

    source = load_source()
    statement = ox.NamedNode("https://w3id.org/nhskg/data/posting/p1/statement/a3")
    source.store.add(ox.Quad(statement, ox.NamedNode("https://w3id.org/nhskg/def#reviewStatus"),
                             ox.NamedNode("https://w3id.org/nhskg/def#review-accepted"),
                             ox.NamedNode("https://w3id.org/nhskg/data/graph/posting/p1")))
    reviewed = load_facts(source)
    shown = chart_json(reviewed, chart(reviewed, ST))
    joint = {(line["lower"], line["upper"], line["kind"]): line for line in shown["lines"]}[("post/p1", "post/p2", "joint")]
    assert joint["weak"] is False
    assert joint["evidence"][0][2] == "confidence 0.64; accepted by a reviewer"


def test_the_charts_legend_gives_the_threshold_the_chart_draws_with(source, monkeypatch):
    """The legend says below which confidence a fact is drawn as less sure; it must be the figure
    the chart uses (WEAK_BELOW), not a number written into the template, and say what the figure
    is for each kind of fact (a line's is a measured precision, a duty area's the model's chance)."""
    import nhskg.views.facts as facts_module

    monkeypatch.setattr(facts_module, "WEAK_BELOW", 0.7)
    legend = render_page(reporting_page(source, facts=load_facts(source))).split('class="legend"')[1].split("</ul>")[0]
    assert "confidence below 0.7" in legend and "0.8" not in legend
    assert "duty model" in legend


def test_a_post_named_by_role_is_drawn_as_the_one_advertised_post_of_that_role(facts):
    drawn = chart(facts, NORTH)
    assert [p.key for p in drawn.posts] == ["org/north-trust/role/chief-executive", "post/p4", "post/p5"]
    assert ("post/p4", "post/p5", "joint") in {(line.lower, line.upper, line.kind) for line in drawn.lines}
    assert drawn.post("post/p5").level == 2  # a deputy director sits below the executives


def test_chart_page_carries_every_charted_organisation_and_honours_org(source, facts):
    page = reporting_page(source, facts=facts)
    data = page.data
    assert [c["key"] for c in data["charts"]] == charted_organisations(facts)
    assert data["start"] == ST  # the organisation with the most lines opens first
    assert "Quiet CCG" not in {c["name"] for c in data["charts"]} and "1 organisation whose postings are none of them for a leadership post has no chart" in page.note
    p3 = next(c for c in data["charts"] if c["key"] == ST)["details"]["post/p3"]
    assert p3 == {"designations": [], "areas": [], "bodies": []}
    one = reporting_page(source, "north trust", facts=facts)
    assert [c["key"] for c in one.data["charts"]] == [NORTH] and one.title == "Organisation chart: North Trust"
    with pytest.raises(QueryError, match="North Trust"):
        reporting_page(source, "North Trusts", facts=facts)


def test_past_the_limit_a_chart_draws_its_highest_posts_and_says_how_many_it_leaves_out(source, facts):
    page = reporting_page(source, limit=3, facts=facts)
    st = next(c for c in page.data["charts"] if c["key"] == ST)
    assert [p["key"] for p in st["posts"]] == ["org/st-elsewhere/role/chief-executive", "post/p1", "post/p2"]
    assert st["leftOut"] == 1 and "1 chart has more than 3 posts" in page.note


def test_an_organisation_the_posting_does_not_name_is_called_employer_not_named(facts):
    assert facts.organisation_name("org/unnamed-p8") == f"{UNNAMED} (advert: Interim Chief Medical Officer)"


# --- designations matrix -----------------------------------------------------------------------


def test_matrix_gaps_depend_on_the_organisation_type_and_conflicts_on_different_posts(source, facts):
    table = matrix(facts, designation_findings(source))
    assert [c.code for c in table.columns] == ["caldicott-guardian", "senior-information-risk-owner", "responsible-officer"]
    states = {r.name: [c.state for c in r.cells] for r in table.rows}
    assert states["North Trust"] == ["gap", "held", "gap"]
    assert states["Small CCG"] == ["gap", "gap", "none"]  # a CCG need not name a Responsible Officer
    assert states["Quiet CCG"] == ["unread"] * 3  # no leadership posting: nothing could name one
    assert states[f"{UNNAMED} (advert: Interim Chief Medical Officer)"] == ["none"] * 3  # type unknown
    st = next(r for r in table.rows if r.organisation == ST)
    assert [c.state for c in st.cells] == ["conflict", "gap", "held"]
    assert {(h.role, h.in_conflict) for h in st.cells[0].holders} == {("Chief Medical Officer", True), ("Chief Nurse", True)}
    assert st.gaps == 1 and st.conflicts == 1
    assert table.cell(ST, "caldicott-guardian").holders[0].evidence[0].posting == "posting/p1"


def test_matrix_page_lists_every_organisation_with_a_posting_and_honours_org(source, facts):
    page = designations_page(source, facts=facts)
    assert len(page.data["rows"]) == 5 and page.data["columns"][0]["label"] == "Caldicott Guardian"
    assert "based on 7 leadership postings" in page.summary
    assert page.data["read"][NORTH] == ["posting/p4", "posting/p5"]
    one = designations_page(source, "North Trust", facts=facts)
    assert [r["name"] for r in one.data["rows"]] == ["North Trust"]
    limited = designations_page(source, limit=2, facts=facts)
    assert len(limited.data["rows"]) == 2 and "more than the limit of 2 rows" in limited.note


# --- role profile ------------------------------------------------------------------------------


def test_profile_shares_lines_designations_and_areas_over_postings(facts):
    nurse = profile(facts, "chief-nurse")
    assert nurse.postings == ("posting/p2", "posting/p4")
    assert nurse.share("managerial", "Chief Executive") == (2, 2)
    assert nurse.share("designation", "Caldicott Guardian") == (1, 2)
    assert nurse.share("area", "Patient safety") == (2, 2)
    assert nurse.share("joint", "Chief Medical Officer") == (0, 2)  # the CMO's posting says it, not the nurses'
    item = next(i for i in nurse.section("designation").items if i.label == "Caldicott Guardian")
    assert item.postings == ("posting/p2",)
    assert nurse.pay == (("posting/p2", 140000.0, 150000.0),)
    cmo = profile(facts, "chief-medical-officer")
    assert cmo.share("managerial", NO_LINE) == (1, 2)  # the unnamed employer's posting states none
    assert cmo.share("joint", "Chief Nurse") == (1, 2)


def test_profile_says_how_sure_the_duty_model_is_of_an_area_beside_its_sentence(facts):
    """The CMO's first duty is read as about patient safety at 0.35: the profile's sentence for
    that area says so, as the organisation chart's does; a hand-made record's duty says nothing."""
    from nhskg.views.page import evidence_json

    cmo = profile(facts, "chief-medical-officer")
    safety = next(i for i in cmo.section("area").items if i.label == "Patient safety")
    assert [e[2] for e in evidence_json(safety.evidence) if len(e) > 2] == ["confidence 0.35 (less sure)"]
    finance = next(i for i in cmo.section("area").items if i.label == "Finance")
    assert all(len(e) == 2 for e in evidence_json(finance.evidence))


def test_profile_departures_name_what_an_organisation_lacks_and_has_that_others_do_not():
    from nhskg.views.facts import Concept, Evidence, Facts, Holding, Line, Organisation, Post, Posting

    orgs = {f"org/{i}": Organisation(f"org/{i}", f"Trust {i}", "nhs-trust", 1, 1) for i in range(4)}
    posts = {f"post/{i}": Post(f"post/{i}", "Medical Director", "chief-medical-officer", f"org/{i}") for i in range(4)}
    posts.update({f"org/{i}/role/ceo": Post(f"org/{i}/role/ceo", "Chief Executive", "chief-executive", f"org/{i}", advertised=False)
                  for i in range(4)})
    postings = {f"posting/{i}": Posting(f"posting/{i}", str(i), "Medical Director", f"org/{i}", f"post/{i}",
                                        salary_min=100000.0 + (200000.0 if i == 3 else 1000.0 * i), salary_max=110000.0 + (200000.0 if i == 3 else 0))
                for i in range(4)}
    lines = tuple(Line(f"post/{i}", f"org/{i}/role/ceo", "managerial", (Evidence("Reports to the CEO.", f"posting/{i}"),)) for i in range(3))
    holdings = (Holding("post/3", "caldicott-guardian", (Evidence("Caldicott Guardian.", "posting/3"),)),)
    concepts = {("role-type", "chief-medical-officer"): Concept("chief-medical-officer", "role-type", "Chief Medical Officer"),
                ("role-type", "chief-executive"): Concept("chief-executive", "role-type", "Chief Executive"),
                ("designation", "caldicott-guardian"): Concept("caldicott-guardian", "designation", "Caldicott Guardian")}
    made = profile(Facts(orgs, postings, posts, lines, holdings, (), concepts), "chief-medical-officer")
    assert made.share("managerial", "Chief Executive") == (3, 4)
    odd = {d.organisation: d for d in made.departures}
    assert odd["org/3"].lacks == (("Reports to", ("Chief Executive",)),)
    assert odd["org/3"].unusual == (("Designations held", ("Caldicott Guardian",)),)
    assert odd["org/3"].pay == "pay outside the range of the other postings"
    assert made.departures[0].organisation == "org/3"  # the one departing most comes first


def test_profile_page_opens_at_the_role_and_sets_an_organisation_against_it(source, facts):
    page = profile_page(source, "chief-nurse", "North Trust", facts=facts)
    assert page.data["start"] == "chief-nurse" and page.data["org"] == NORTH
    assert page.title == "Role profile: Chief Nurse"
    assert "based on 2 leadership postings" in page.summary
    with pytest.raises(QueryError, match="no leadership posting of Chief Medical Officer"):
        profile_page(source, "chief-medical-officer", "North Trust", facts=facts)
    with pytest.raises(QueryError, match="no role type 'chief-wizard'"):
        profile_page(source, "chief-wizard", facts=facts)


#: A value a person gave, repeated whole, made the message 10 KB (10,000 characters) or broke its
#: one line in two (a newline): a message repeats its first 80 characters.
GIVEN = pytest.mark.parametrize("value", ["x" * 10_000, "two\nlines"], ids=["long", "newline"])


@GIVEN
def test_an_unknown_role_type_of_the_profile_page_is_echoed_in_short(source, facts, value):
    with pytest.raises(QueryError) as raised:
        profile_page(source, value, facts=facts)
    message = str(raised.value)
    assert message.startswith("no role type '") and "\n" not in message and len(message) < 400, message[:300]
    assert len(message) - len(message.split("known role types: ")[1]) < 200


@GIVEN
def test_an_unknown_organisation_of_a_view_is_echoed_in_short(source, facts, value):
    with pytest.raises(QueryError) as raised:
        profile_page(source, "chief-nurse", value, facts=facts)
    message = str(raised.value)
    assert message.startswith("no organisation named '") and "\n" not in message and len(message) < 200, message[:300]


# --- comparison --------------------------------------------------------------------------------


def test_compare_rows_say_which_role_holds_what_in_each(facts):
    rows = compare_rows(holdings(facts, ST), holdings(facts, NORTH))
    by_label = {(kind, label): (a, b, differs) for kind, label, a, b, differs in rows}
    assert by_label[("designation", "Caldicott Guardian")] == (("Chief Medical Officer", "Chief Nurse"), (), True)
    assert by_label[("designation", "Senior Information Risk Owner")] == ((), ("Chief Nurse",), True)
    assert by_label[("area", "Patient safety")] == (("Chief Medical Officer", "Chief Nurse"), ("Chief Nurse",), True)


def test_compare_page_takes_two_organisations_or_none(source, facts):
    page = compare_page(source, ("North Trust", "Small CCG"), facts=facts)
    assert page.data["pair"] == [NORTH, "org/small-ccg"] and page.title == "Compare North Trust and Small CCG"
    assert compare_page(source, facts=facts).data["pair"] == charted_organisations(facts)[:2]
    with pytest.raises(QueryError, match="two organisations"):
        compare_page(source, ("North Trust",), facts=facts)
    with pytest.raises(QueryError, match="no leadership posting"):
        compare_page(source, ("North Trust", "Quiet CCG"), facts=facts)


# --- graph views -------------------------------------------------------------------------------


def test_roles_view_marks_shared_areas_and_quotes_joint_duties_by_posting_title(source):
    model = roles_view(source, "chief-medical-officer", "chief-nurse")
    kinds = {n.id: n.kind for n in model.nodes}
    assert kinds["area/patient-safety"] == "area-shared"
    assert kinds["area/finance"] == "area-a" and kinds["area/workforce"] == "area-b"
    joint = [e for e in model.edges if e.kind == "joint"]
    quoted = " ".join(s for e in joint for s in e.evidence)
    assert "You will lead patient safety" in quoted and "Working with the CMO" in quoted
    assert "posting/" not in quoted and "Chief Medical Officer (St Elsewhere" in quoted
    assert dict(model.filters) == {"role_a": "Chief Medical Officer", "role_b": "Chief Nurse"}
    assert "Based on 2 postings of Chief Medical Officer and 2 of Chief Nurse" in model.description


def test_query_view_names_lines_and_kinds_in_words(source):
    model = query_view(source, "role-network")
    assert {s.label for s in model.edge_styles} == {"reports to", "professionally accountable to", "works with"}
    assert {s.label for s in model.node_styles} == {"role type"}
    assert {n.label for n in model.nodes} >= {"Chief Executive", "Chief Nurse"}
    with pytest.raises(QueryError, match="source' and 'target"):
        query_view(source, "shared-duties")


def test_drift_names_role_types_by_label():
    from nhskg.analyses.drift import DriftReport

    report = DriftReport(role="chief-nurse", by="year", postings=0, undated=0, periods=(), shares=(), steps=(), moves=(), warnings=())
    assert model_from_drift(report).title == "chief nurse over time"  # without the graph, words, never the code


# --- pages: self-contained, escaped, deterministic ---------------------------------------------


def test_every_page_is_self_contained_escaped_and_complete(source, tmp_path):
    written = write_all(source, tmp_path)
    names = {w.path.name for w in written}
    assert names == {"reporting.html", "designations.html", "profile.html", "compare.html", "roles.html", "drift.html",
                     "query-role-network.html", "index.html"}
    for page in written:
        text = page.path.read_text(encoding="utf-8")
        assert not EXTERNAL_URL.search(text), (page.path.name, EXTERNAL_URL.search(text))
        assert not LOADING_TAG.search(text), (page.path.name, LOADING_TAG.search(text))
        for payload in PAYLOADS:
            assert payload not in text, (page.path.name, payload)
        if page.path.name == "index.html":
            continue
        assert '<a class="home" href="index.html">' in text and "<h1>" in text
        if 'id="nhskg-data"' in text:
            data = page_json(text)  # the JSON reads back the hostile text as written
            assert "</style><style>body{display:none}</style>" in json.dumps(data, ensure_ascii=False)
            assert not re.search(r"\.innerHTML\s*=", text)  # every text goes in with textContent
        else:
            assert 'id="search"' in text and "vis.Network(" in text and 'id="details"' in text


def test_hostile_text_is_escaped_in_tooltips_and_headings(source, facts):
    page = render_html(roles_view(source))
    tips = " ".join(e["title"] for e in canvas_data(page, "edgeData"))
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in tips
    heading = render_page(reporting_page(source, "St Elsewhere </style><style>body{display:none}</style> Trust", facts=facts))
    assert "<h1>Organisation chart: St Elsewhere &lt;/style&gt;&lt;style&gt;body{display:none}&lt;/style&gt; Trust</h1>" in heading


def test_web_addresses_in_posting_text_do_not_become_urls_in_the_page():
    url = "https://jobs.example.org/apply?x=1"
    model = build_model(name="x", title=f"Title {url}", description=f"About {url}",
                        nodes=[ViewNode("a", f"Label {url}", "k", organisation=url, evidence=(f"Apply at {url}.",))],
                        edges=[], node_styles=[], edge_styles=[], note=f"note {url}", filters={"org": url})
    page = render_html(model)
    assert not re.search(r"(?i)https?://", page)
    assert "Title https:&#47;/jobs.example.org" in page
    assert canvas_data(page, "nodeData")[0]["label"] == f"Label {url}"  # JSON reads back the same text


def test_the_same_graph_gives_byte_identical_pages(tmp_path):
    first = [p.path.read_bytes() for p in write_all(load_source(), tmp_path / "a")]
    second = [p.path.read_bytes() for p in write_all(load_source(), tmp_path / "b")]
    assert first == second


# --- limits ------------------------------------------------------------------------------------


def test_past_the_limit_a_view_aggregates_into_groups_and_says_how_many():
    nodes = [ViewNode(f"n{i}", f"N{i}", "k", group=f"g{i % 3}", group_label=f"Group {i % 3}") for i in range(9)]
    model = build_model(name="x", title="X", description="d", nodes=nodes, edges=[ViewEdge("n0", "n1", "k")],
                        node_styles=[], edge_styles=[])
    limited = limit_model(model, 5, filter_hint="Use --org.")
    assert sorted(n.label for n in limited.nodes) == ["Group 0 (3)", "Group 1 (3)", "Group 2 (3)"]
    assert "aggregated into 3 groups: each node stands for one group" in limited.note and "Use --org." in limited.note


def test_past_the_limit_one_group_or_none_draws_the_most_connected_nodes():
    nodes = [ViewNode(f"n{i}", f"N{i}", "role-type", group="role-type") for i in range(6)]
    edges = [ViewEdge("n0", f"n{i}", "k") for i in range(1, 6)] + [ViewEdge("n1", "n2", "k")]
    model = build_model(name="x", title="X", description="d", nodes=nodes, edges=edges, node_styles=[], edge_styles=[])
    limited = limit_model(model, 3, filter_hint="Narrow it.")
    assert [n.id for n in limited.nodes] == ["n0", "n1", "n2"] and len(limited.edges) == 3
    assert "only the 3 with the most lines are drawn (3 left out)" in limited.note
    ungrouped = build_model(name="x", title="X", description="d", nodes=[ViewNode(str(i), str(i), "k") for i in range(5)],
                            edges=[], node_styles=[], edge_styles=[])
    assert len(limit_model(ungrouped, 3, filter_hint="").nodes) == 3


def test_big_graphs_get_precomputed_positions_and_no_physics():
    from nhskg.views.layout import positions_if_large

    n = PHYSICS_LIMIT + 50
    model = build_model(name="x", title="X", description="d", nodes=[ViewNode(f"n{i:04}", str(i), "k") for i in range(n)],
                        edges=[], node_styles=[], edge_styles=[])
    placed = positions_if_large(model)
    assert placed.layout == "positions" and all(node.x is not None for node in placed.nodes)
    assert '"physics":{"enabled":false}' in render_html(placed)
    small = render_html(build_model(name="x", title="X", description="d", nodes=model.nodes[:10], edges=[], node_styles=[], edge_styles=[]))
    assert '"physics":{"barnesHut"' in small


def test_graph_pages_start_readable_and_hide_labels_too_small_to_read(source):
    page = render_html(roles_view(source))
    assert '"drawThreshold":11' in page and "var readable = 12 / options.nodes.font.size" in page


# --- the command line and the index ------------------------------------------------------------


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    from nhskg.graph.store import GraphStore

    store = tmp_path_factory.mktemp("views") / "store"
    with GraphStore.writer(store) as writer:
        writer.store.load(path=str(GRAPH), format=ox.RdfFormat.TRIG)
    return store


def test_cli_render_all_writes_every_view_and_an_index_linking_them(store_dir, tmp_path):
    out = tmp_path / "views"
    result = CliRunner().invoke(main, ["--store", str(store_dir), "render", "all", "--out", str(out)])
    assert result.exit_code == 0, result.output
    views = ("reporting.html", "designations.html", "profile.html", "compare.html", "roles.html", "drift.html", "query-role-network.html")
    for name in (*views, "index.html"):
        assert str(out / name) in result.output and (out / name).is_file()
    index = (out / "index.html").read_text(encoding="utf-8")
    assert re.findall(r'<a href="([a-z-]+\.html)">', index) == list(views)
    assert ("The views are based on 8 postings read, 7 of them leadership postings modelled in full (the other 1 are "
            "recorded by title, employer and pay only), from 5 organisations (4 with a leadership posting).") in index


def test_cli_render_single_views_and_their_filters(store_dir, tmp_path):
    run = lambda *args: CliRunner().invoke(main, ["--store", str(store_dir), "render", *args, "--out", str(tmp_path)])  # noqa: E731
    ok = run("reporting", "--org", "North Trust")
    assert ok.exit_code == 0 and "1 organisation, 3 posts, based on 2 leadership postings" in ok.output, ok.output
    assert run("compare", "--org", "North Trust", "--org", "Small CCG").exit_code == 0
    assert run("profile", "--role", "chief-nurse", "--org", "North Trust").exit_code == 0
    assert run("query", "--query", "role-network").exit_code == 0
    refused = {
        ("roles", "--org", "North Trust"): "--org does not apply: the roles view compares two role types",
        ("drift", "--org", "North Trust"): "--org does not apply: the drift view",
        ("compare", "--org", "North Trust"): "the compare view takes two organisations",
        ("reporting", "--org", "A", "--org", "B"): "the reporting view takes one --org",
        ("profile", "--limit", "5"): "--limit does not apply to the profile view",
        ("query", "--query", "role-network", "--org", "North Trust"): "query 'role-network' has no organisation parameter",
    }
    for args, message in refused.items():
        result = run(*args)
        assert result.exit_code == 2 and message in result.output, (args, result.output)
    missing = run("reporting", "--org", "Nowhere")
    assert missing.exit_code == 2 and "no organisation named 'Nowhere'" in missing.output
    wizard = run("profile", "--role", "chief-wizard")
    assert wizard.exit_code == 2 and "'chief-wizard' is not a role type" in wizard.output


def test_drift_is_a_table_of_shares_by_period_with_the_sentences_behind_each(source, facts):
    from nhskg.views.drift import drift_page

    page = drift_page(source, "chief-nurse", facts=facts)
    assert page.title == "Chief Nurse over time" and page.summary == "Based on 2 postings of Chief Nurse in 1 year"
    areas = {a["label"]: a for a in page.data["areas"]}
    assert areas["Patient safety"]["cells"] == {"2020": [1, 1]}  # p4 is undated: not placed
    assert [s for s, _ in areas["Patient safety"]["evidence"]["2020"]] == [
        'Working with the CMO <img src=x onerror="window.__pwned=1"> on patient safety.']
    assert "1 undated postings are not placed in a period" in page.description


def test_drift_says_how_sure_the_duty_model_is_of_an_area_beside_its_sentence(source, facts):
    """The CMO's first duty is read as about patient safety at 0.35: the drift table's sentences
    for that area say so, as the organisation chart's do."""
    from nhskg.views.drift import drift_page

    page = drift_page(source, "chief-medical-officer", facts=facts)
    said = [e for ev in {a["label"]: a for a in page.data["areas"]}["Patient safety"]["evidence"].values() for e in ev]
    assert [e[2] for e in said if len(e) > 2] == ["confidence 0.35 (less sure)"]
