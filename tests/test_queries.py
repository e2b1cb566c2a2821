"""Reading .rq headers, binding parameters safely, and the ``nhskg queries`` / ``nhskg query`` commands."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib.namespace import XSD
from rdflib.term import Literal, URIRef

from nhskg.cli import main
from nhskg.errors import QueryError
from nhskg.queries.binding import bind
from nhskg.queries.library import load_queries, load_query, parse_query
from nhskg.queries.running import run_query
from nhskg.sparql.sources import OxigraphSource, Table
from nhskg.graph.store import GraphStore

from test_query_library import FIXTURE, fixture_home, fixture_home_dir  # noqa: F401  (pytest fixtures)

V = "https://w3id.org/nhskg/vocab/"
B = "https://w3id.org/nhskg/data/"

PREFIXES = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX org:  <http://www.w3.org/ns/org#>
"""

#: A query with one parameter of every plain type, each bound by a pattern or an expression.
POSTS_BY_LABEL = """# title: Posts by label
# question: Which posts carry exactly this label?
# param: label string = Chief Nurse -- the label as written
# view: table
# columns: post
""" + PREFIXES + """
SELECT DISTINCT ?label ?post WHERE { ?post a org:Post ; rdfs:label ?label . }
ORDER BY ?post
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / f"{name}.rq"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def source() -> OxigraphSource:
    store = ox.Store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    return OxigraphSource(store)


# --- headers ---------------------------------------------------------------------------------


def test_header_fields_parameters_and_kind(tmp_path: Path) -> None:
    path = write(tmp_path, "q", """# title: Duties the CMO and the Chief Nurse share
# question: Which duty areas do two role types both claim,
#   with the evidence sentence from each?
# param: role_a code:role-type = chief-medical-officer -- the first role type
# param: since date -- only postings from this day
# view: graph
# columns: area, area_label
#
# prose after the fields may say anything: even "note: this".
PREFIX nhskg: <https://w3id.org/nhskg/def#>
SELECT ?role_a ?since ?area ?area_label WHERE { ?d nhskg:dutyArea ?area . ?p ?role_a ?since }
""")
    query = parse_query(path)
    assert query.name == "q"
    assert query.title == "Duties the CMO and the Chief Nurse share"
    assert query.question == "Which duty areas do two role types both claim, with the evidence sentence from each?"
    assert [(p.name, p.type, p.default, p.description) for p in query.parameters] == [
        ("role_a", "code:role-type", "chief-medical-officer", "the first role type"),
        ("since", "date", None, "only postings from this day"),
    ]
    assert query.parameters[0].scheme == "role-type"
    assert (query.view, query.columns, query.kind) == ("graph", ("area", "area_label"), "select")


@pytest.mark.parametrize(
    "body, kind",
    [
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "construct"),
        ("ASK { ?s ?p ?o }", "ask"),
        # '#' inside an IRI is not a comment, and 'select' inside a string is not the keyword
        ('PREFIX x: <http://ex/#>\nASK { ?s x:p "select" }', "ask"),
    ],
)
def test_kind_is_read_from_the_query_form(tmp_path: Path, body: str, kind: str) -> None:
    path = write(tmp_path, "k", f"# title: t\n# question: q?\n# view: table\n{body}\n")
    assert parse_query(path).kind == kind


@pytest.mark.parametrize(
    "header, message",
    [
        ("# question: q?\n# view: table\n", "'# title: ...'"),
        ("# title: t\n# view: table\n", "'# question: ...'"),
        ("# title: t\n# question: q?\n", "'# view: ...'"),
        ("# title: t\n# question: q?\n# view: chart\n", "view 'chart'"),
        ("# title: t\n# question: q?\n# view: table\n# colums: a\n", "unknown header key 'colums'"),
        ("# title: t\n# question: q?\n# view: table\n# param: who person\n", "unknown type 'person'"),
        ("# title: t\n# question: q?\n# view: table\n# param: nobody string -- x\n", "?nobody is not used"),
        ("# title: t\n# question: q?\n# view: table\n# param: = x\n", "bad header line"),
    ],
)
def test_bad_headers_name_the_file_and_the_problem(tmp_path: Path, header: str, message: str) -> None:
    path = write(tmp_path, "bad", header + "SELECT ?s WHERE { ?s ?p ?o }\n")
    with pytest.raises(QueryError) as error:
        parse_query(path)
    assert message in str(error.value)
    assert "bad.rq" in str(error.value) or "'bad'" in str(error.value)


def test_describe_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "d", "# title: t\n# question: q?\n# view: table\nDESCRIBE <http://ex/a>\n")
    with pytest.raises(QueryError, match="CONSTRUCT instead"):
        parse_query(path)


def test_library_loads_every_query_sorted() -> None:
    library = load_queries()
    assert list(library) == sorted(library)
    assert "shared-duties" in library and "analysis/role-types" not in library


def test_load_query_by_name_internal_name_and_path(tmp_path: Path) -> None:
    assert load_query("shared-duties").name == "shared-duties"
    internal = sorted(p.stem for p in (load_query("shared-duties").path.parent / "analysis").glob("*.rq"))
    if internal:
        assert load_query(f"analysis/{internal[0]}").name == f"analysis/{internal[0]}"
    path = write(tmp_path, "mine", POSTS_BY_LABEL)
    assert load_query(str(path)).name == "mine"
    assert load_query(path).title == "Posts by label"


@pytest.mark.parametrize("name", ["no-such-query", "../queries/shared-duties", "analysis/../shared-duties", "/etc/passwd"])
def test_unknown_query_lists_the_valid_ones(name: str) -> None:
    with pytest.raises(QueryError) as error:
        load_query(name)
    text = str(error.value)
    assert "shared-duties" in text and "valid queries" in text


# --- binding ---------------------------------------------------------------------------------


def typed_query(tmp_path: Path) -> Path:
    return write(tmp_path, "typed", """# title: Typed
# question: Does every type bind?
# param: n integer = 3 -- a count
# param: x decimal -- an amount
# param: day date -- a day
# param: flag boolean = true -- a switch
# param: thing iri -- an IRI
# param: words string -- some words
# view: table
SELECT ?n ?x ?day ?flag ?thing ?words WHERE { ?thing ?words ?n . ?x ?day ?flag }
""")


def test_each_type_binds_to_its_rdf_term(tmp_path: Path) -> None:
    query = parse_query(typed_query(tmp_path))
    assert bind(query, {}) == {"n": Literal(3, datatype=XSD.integer), "flag": Literal(True)}
    bound = bind(query, {"n": "-12", "x": "1.50", "day": "2020-03-02", "flag": "no", "thing": "https://ex.org/a#b", "words": ' two  words '})
    assert bound["n"] == Literal(-12, datatype=XSD.integer)
    assert bound["x"] == Literal("1.50", datatype=XSD.decimal)
    assert bound["day"] == Literal("2020-03-02", datatype=XSD.date)
    assert bound["flag"] == Literal(False)
    assert bound["thing"] == URIRef("https://ex.org/a#b")
    assert bound["words"] == Literal(" two  words ")


@pytest.mark.parametrize(
    "name, value, message",
    [
        ("n", "3.5", "not a whole number"),
        ("n", "1 } UNION { ?s ?p ?o", "not a whole number"),
        ("x", "lots", "not a decimal"),
        ("x", "NaN", "not a finite decimal"),
        ("day", "2020-02-30", "YYYY-MM-DD"),
        ("flag", "maybe", "use true or false"),
        ("thing", "not an iri", "not an absolute IRI"),
        ("thing", "http://ex/a> } UNION { ?s ?p ?o } #", "not an absolute IRI"),
        ("thing", 'http://ex/"quoted"', "not an absolute IRI"),
        ("thing", "http://ex/{brace}", "not an absolute IRI"),
    ],
)
def test_bad_values_are_refused_with_the_parameter_named(tmp_path: Path, name: str, value: str, message: str) -> None:
    query = parse_query(typed_query(tmp_path))
    with pytest.raises(QueryError) as error:
        bind(query, {name: value})
    assert message in str(error.value)
    assert f"parameter '{name}'" in str(error.value)


def test_unknown_parameter_lists_the_valid_ones() -> None:
    with pytest.raises(QueryError, match="valid parameters: role_a, role_b"):
        bind(load_query("shared-duties"), {"role_c": "chief-nurse"})


def test_codes_are_checked_against_the_vocabulary(fixture_home: Path) -> None:  # noqa: F811
    query = load_query("shared-duties")
    assert bind(query, {"role_b": "chief-executive"}) == {
        "role_a": URIRef(V + "role-type/chief-medical-officer"),
        "role_b": URIRef(V + "role-type/chief-executive"),
    }
    # the concept's full IRI is accepted too
    assert bind(query, {"role_a": V + "role-type/chief-nurse"})["role_a"] == URIRef(V + "role-type/chief-nurse")
    with pytest.raises(QueryError) as error:
        bind(query, {"role_a": "chief-nurse> } UNION { ?s ?p ?o"})
    assert "not a code or label of the role-type vocabulary" in str(error.value)
    assert "nearest: Chief Nurse (chief-nurse)" in str(error.value)
    # the vocabulary file by its name in the project: the serve page shows this message to any
    # client, who has no business learning where this machine keeps its files
    assert "(ontology/vocab/role-type.ttl)" in str(error.value)
    assert "(/" not in str(error.value) and ":\\" not in str(error.value)
    # the kind of value in words, as the serve page shows it, not the parameter's declared type
    assert "parameter 'role_a' (a role-type code or label)" in str(error.value) and "code:" not in str(error.value)
    with pytest.raises(QueryError, match=r"parameter 'post' \(an IRI\): 'not an iri' is not an absolute IRI"):
        bind(load_query("reporting-chain"), {"post": "not an iri"})



def test_a_value_far_longer_than_any_label_is_refused_at_once() -> None:
    # /run?name=pay&role=<60,000 characters> took 137 s to answer 400 (8,000: 14 s): difflib
    # compared the value with every label, at a cost that grows with the product of the lengths.
    query = load_query("shared-duties")
    started = time.perf_counter()
    with pytest.raises(QueryError) as error:
        bind(query, {"role_a": "chief nurse " * 700})
    assert time.perf_counter() - started < 1.0
    assert "parameter 'role_a'" in str(error.value) and "valid codes: " in str(error.value)
    # as long as a label can be, a value is still compared, and quickly: 1.3 s for 158 characters before
    started = time.perf_counter()
    with pytest.raises(QueryError, match="nearest: Chief Nurse"):
        bind(query, {"role_a": "Chief Nurse" + "x" * 3})
    for length in (100, 158):
        with pytest.raises(QueryError):
            bind(query, {"role_a": ("chief nurse of the " * 20)[:length]})
    assert time.perf_counter() - started < 1.0

INJECTIONS = [
    '"} UNION { ?post ?p ?label } #',
    "Chief Nurse\" . ?post ?p ?o . FILTER(\"",
    "'''",
    "} } SELECT * WHERE { ?s ?p ?o",
    "\\\" \\u0022 \n\t <http://ex/>",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_string_values_cannot_change_the_query(tmp_path: Path, source: OxigraphSource, value: str) -> None:
    query = parse_query(write(tmp_path, "posts", POSTS_BY_LABEL))
    text = query.text
    assert bind(query, {"label": value}) == {"label": Literal(value)}
    table = run_query(source, query, {"label": value})
    assert isinstance(table, Table)
    assert table.columns == ("post",) and table.rows == ()  # one literal: no post has that label
    assert query.text == text
    # the same query still answers normally
    nurses = run_query(source, query, {"label": "Chief Nurse"})
    assert isinstance(nurses, Table)
    assert [str(r[0]) for r in nurses.rows] == [
        B + "org/alpha-hospitals-nhs-trust/role/chief-nurse",
        B + "org/beta-mental-health-nhs-foundation-trust/role/chief-nurse",
        B + "post/alpha-cn-2020",
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.text(max_size=40))
def test_any_text_binds_as_one_literal(tmp_path: Path, source: OxigraphSource, value: str) -> None:
    query = parse_query(write(tmp_path, "posts", POSTS_BY_LABEL))
    table = run_query(source, query, {"label": value})
    assert isinstance(table, Table)
    labels = {"Chief Medical Officer", "Chief Nurse", "Chief Executive", "Deputy Medical Director",
              "Regional Medical Director", "Medical Director", "Healthcare Assistant", "Regional Director",
              "National Medical Director"}
    assert (len(table) > 0) == (value in labels)


def test_construct_and_ask_queries_run(tmp_path: Path, source: OxigraphSource) -> None:
    construct = write(tmp_path, "c", """# title: Reporting edges
# question: Which posts report to which?
# param: post iri -- only this post
# view: graph
PREFIX org: <http://www.w3.org/ns/org#>
CONSTRUCT { ?post org:reportsTo ?boss } WHERE { ?post org:reportsTo ?boss }
""")
    triples = run_query(source, construct, {"post": B + "post/alpha-dmd-2020"})
    assert triples == [
        (URIRef(B + "post/alpha-dmd-2020"), URIRef("http://www.w3.org/ns/org#reportsTo"),
         URIRef(B + "org/alpha-hospitals-nhs-trust/role/chief-medical-officer"))
    ]
    ask = write(tmp_path, "a", """# title: Any split line?
# question: Does this post answer to someone professionally?
# param: post iri = https://w3id.org/nhskg/data/post/north-rmd-2020 -- the post
# view: table
PREFIX nhskg: <https://w3id.org/nhskg/def#>
ASK { ?post nhskg:professionallyAccountableTo ?someone }
""")
    assert run_query(source, ask) is True
    assert run_query(source, ask, {"post": B + "post/alpha-cn-2020"}) is False


def test_a_declared_column_the_select_lacks_is_an_error(tmp_path: Path, source: OxigraphSource) -> None:
    path = write(tmp_path, "cols", "# title: t\n# question: q?\n# view: table\n# columns: s, missing\nSELECT ?s WHERE { ?s ?p ?o } LIMIT 1\n")
    with pytest.raises(QueryError, match="declares column"):
        run_query(source, path)


def test_engine_errors_name_the_query(tmp_path: Path, source: OxigraphSource) -> None:
    path = write(tmp_path, "broken", "# title: t\n# question: q?\n# view: table\nSELECT ?s WHERE { ?s ?p }\n")
    with pytest.raises(QueryError, match="query 'broken'"):
        run_query(source, path)


# --- the commands ----------------------------------------------------------------------------


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "store"
    with GraphStore.writer(directory, fresh=True) as writer:
        writer.store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    return directory


def test_queries_lists_names_titles_parameters_and_views() -> None:
    result = CliRunner().invoke(main, ["queries"])
    assert result.exit_code == 0, result.output
    assert "shared-duties  [table]  Duties two role types share" in result.output
    assert "--param role_a=…  code:role-type = chief-medical-officer  the first role type" in result.output
    assert "role-network  [graph]" in result.output
    assert "(optional)" in result.output


def test_query_prints_a_table(store_dir: Path, fixture_home: Path) -> None:  # noqa: F811
    result = CliRunner().invoke(main, ["--store", str(store_dir), "query", "works-with", "--param", "role=chief-nurse"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["partner", "partner_label", "postings", "example_posting", "example_sentence"]
    assert lines[2].split()[:5] == ["chief-medical-officer", "Chief", "Medical", "Officer", "1"]
    assert "data:posting/alpha-cn-2020" in lines[2]
    assert lines[-2] == "(1 row)"
    # the footer says what the table rests on, and the role type asked about
    assert lines[-1].startswith("based on 6 postings (5 modelled in full), dated 2020-03-")
    assert lines[-1].endswith("; Chief Nurse: 1 posting (1 in full)")


def test_query_json_is_sparql_results_json(store_dir: Path, fixture_home: Path) -> None:  # noqa: F811
    result = CliRunner().invoke(main, ["--store", str(store_dir), "query", "split-lines", "--format", "json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["head"]["vars"][:2] == ["post", "post_label"]
    (binding,) = document["results"]["bindings"]
    assert binding["post"] == {"type": "uri", "value": B + "post/north-rmd-2020"}


def test_query_runs_a_file(store_dir: Path, tmp_path: Path) -> None:
    path = write(tmp_path, "posts", POSTS_BY_LABEL)
    result = CliRunner().invoke(main, ["--store", str(store_dir), "query", str(path), "-p", "label=Chief Executive", "-f", "csv", "--iris"])
    assert result.exit_code == 0, result.output
    # click's result.output folds CRLF; the bytes keep the CSV line ends the spec asks for
    assert result.stdout_bytes.decode().split("\r\n") == [
        "post",
        B + "org/alpha-hospitals-nhs-trust/role/chief-executive",
        B + "org/beta-mental-health-nhs-foundation-trust/role/chief-executive",
        "",
    ]


@pytest.mark.parametrize(
    "args, message",
    [
        (["query", "no-such"], "unknown query 'no-such'; valid queries: answers-to, areas-absent, bodies,"),
        (["query", "shared-duty"], "unknown query 'shared-duty'; did you mean 'shared-duties'?"),
        (["query", "works-with", "-p", "rol=chief-nurse"], "no parameter 'rol'; valid parameters: role"),
        (["query", "works-with", "-p", "role=ward-sister"], "'ward-sister' is not a code or label of the role-type vocabulary (ontology/vocab/role-type.ttl)"),
        (["query", "works-with", "-p", "role"], "'role' is not NAME=VALUE"),
    ],
)
def test_query_usage_errors_exit_2_with_one_clear_line(store_dir: Path, fixture_home: Path, args: list[str], message: str) -> None:  # noqa: F811
    result = CliRunner().invoke(main, ["--store", str(store_dir), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_query_without_a_store_says_to_build(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["--store", str(tmp_path / "none"), "query", "split-lines"])
    assert result.exit_code == 1
    assert "nhskg build" in result.output


# --- the Python API --------------------------------------------------------------------------


def test_api_query_reads_the_store(store_dir: Path, fixture_home: Path) -> None:  # noqa: F811
    import nhskg

    table = nhskg.query("designation-holders", store=store_dir, designation="caldicott-guardian")
    assert isinstance(table, Table)
    assert sorted(r["post"] for r in table.python()) == [B + "post/alpha-cmo-2020", B + "post/alpha-cn-2020"]


def test_api_names_survive_importing_the_build_stage() -> None:
    import nhskg
    import nhskg.api
    from nhskg.pipeline.build import build as stage_build  # noqa: F401  (sets the package attribute)

    assert nhskg.build is nhskg.api.build
    assert nhskg.query is nhskg.api.query
