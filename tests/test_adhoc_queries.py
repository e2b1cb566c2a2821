"""Issue 15: an analyst's own SPARQL runs as it is written, labels work where codes were asked for,
a runaway query is stopped, and a mistake is reported in plain words.

Runs on the seeds store (built once per session) through the CLI and the Python API.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner

import nhskg
from nhskg.cli import main
from nhskg.errors import QueryError
from nhskg.sparql.prologue import default_prefixes
from nhskg.queries.binding import bind
from nhskg.queries.library import load_query, query_from_text
from nhskg.sparql.sources import Table
from nhskg.queries.timeout import QueryTimeout

V = "https://w3id.org/nhskg/vocab/"
#: A join of three patterns that share no variable: 20,000 cubed rows on the seeds.
CROSS_JOIN = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
#: Written as an analyst would: no header, no PREFIX lines.
CMO_POSTINGS = """SELECT ?posting ?title WHERE {
  ?posting nhskg:advertises ?post ; schema:title ?title .
  ?post org:role role-type:chief-medical-officer .
}
ORDER BY ?posting
"""


def run(store: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["--store", str(store), *args])


@pytest.fixture(autouse=True)
def _real_vocabulary(real_home):  # type: ignore[no-untyped-def]
    yield


# --- a query without prefixes or header runs ------------------------------------------------


def test_text_without_prefixes_or_header_runs_in_the_cli(seeds_store: Path) -> None:
    result = run(seeds_store, "query", "--text", CMO_POSTINGS, "-f", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 8 and all(r["posting"].startswith("data:posting/") for r in rows)
    assert "data:posting/003-ee31a5acbe06f6bc" in {r["posting"] for r in rows}


def test_a_file_without_header_runs(seeds_store: Path, tmp_path: Path) -> None:
    path = tmp_path / "mine.rq"
    path.write_text("# Which postings: the CMO ones (prose, not a header)\n" + CMO_POSTINGS, encoding="utf-8")
    result = run(seeds_store, "query", str(path))
    assert result.exit_code == 0, result.output
    assert "(8 rows)" in result.output


def test_text_from_standard_input(seeds_store: Path) -> None:
    result = CliRunner().invoke(main, ["--store", str(seeds_store), "query", "--text", "-", "-f", "csv"],
                                input="SELECT (COUNT(*) AS ?n) WHERE { ?p a schema:JobPosting }")
    assert result.exit_code == 0, result.output
    assert result.stdout.split() == ["n", "91"]


def test_the_api_runs_text(seeds_store: Path) -> None:
    table = nhskg.query(CMO_POSTINGS, store=seeds_store)
    assert isinstance(table, Table) and len(table) == 8


def test_a_query_may_declare_its_own_prefix_over_a_default(seeds_store: Path) -> None:
    text = "PREFIX org: <http://example.org/not-org#>\nSELECT ?p WHERE { ?p org:role ?r }"
    assert len(nhskg.query(text, store=seeds_store)) == 0  # its own org: wins


def test_every_scheme_has_a_prefix() -> None:
    prefixes = default_prefixes()
    for name in ("nhskg", "org", "schema", "skos", "prov", "dcterms", "data", "role-type", "designation",
                 "body", "duty-area", "qualification", "competency", "pay-band", "organisation-type", "scope"):
        assert name in prefixes
    assert prefixes["designation"] == V + "designation/"


def test_library_files_still_need_their_header(tmp_path: Path) -> None:
    from nhskg.queries.library import parse_query

    path = tmp_path / "q.rq"
    path.write_text(CMO_POSTINGS, encoding="utf-8")
    with pytest.raises(QueryError, match="the header needs a '# title: ...' line"):
        parse_query(path)  # strict: what the library folder asks of its own files
    assert load_query(path).adhoc  # given by path, it runs as it is


# --- mistakes in plain words -------------------------------------------------------------------


def test_a_missing_prefix_says_which(seeds_store: Path) -> None:
    result = run(seeds_store, "query", "--text", "SELECT ?x WHERE {\n  ?x rdfs:label ?l ; foaf:name ?n }")
    assert result.exit_code == 2
    assert "line 2, column 22: the prefix 'foaf:' is not declared" in result.output
    assert "PREFIX foaf: <...>" in result.output and "role-type" in result.output


def test_a_misspelt_prefix_suggests_the_right_one(seeds_store: Path) -> None:
    result = run(seeds_store, "query", "--text", "SELECT ?x WHERE { ?x skso:prefLabel ?l }")
    assert "the prefix 'skso:' is not declared (did you mean 'skos:'?)" in result.output


def test_a_syntax_error_names_line_column_and_what_was_expected(seeds_store: Path) -> None:
    result = run(seeds_store, "query", "--text", "SELECT ?x WHERE {\n  ?x ?p ?o")
    assert result.exit_code == 2
    message = result.output
    assert "line 2, column" in message and "expected" in message
    assert "a closing brace '}'" in message
    assert "Prefix not found" not in message and "\\u{" not in message  # none of the engine's grammar


# --- labels where codes are asked for ----------------------------------------------------------


@pytest.mark.parametrize("value", ["CMO", "Chief Medical Officer", "medical director", "chief-medical-officer",
                                   V + "role-type/chief-medical-officer"])
def test_a_role_by_code_label_synonym_or_acronym(value: str) -> None:
    assert bind(load_query("pay"), {"role": value}) == {"role": nhskg_iri("role-type/chief-medical-officer")}


@pytest.mark.parametrize("scheme, value, code", [
    ("role", "Director of Nursing", "role-type/director-of-nursing"),
    ("designation", "Caldicott Guardian", "designation/caldicott-guardian"),
    ("designation", "DIPC", "designation/director-of-infection-prevention-control"),
    ("designation", "responsible officer", "designation/responsible-officer"),
    ("body", "CQC", "body/cqc"),
    ("area", "Patient safety", "duty-area/patient-safety"),
])
def test_labels_and_acronyms_of_every_scheme(scheme: str, value: str, code: str) -> None:
    query = {"role": "pay", "designation": "designation-holders", "body": "bodies", "area": "where-functions-sit"}[scheme]
    assert bind(load_query(query), {scheme: value})[scheme] == nhskg_iri(code)


def nhskg_iri(path: str):  # type: ignore[no-untyped-def]
    from rdflib.term import URIRef

    return URIRef(V + path)


def test_role_cmo_gives_the_same_rows_as_the_code(seeds_store: Path) -> None:
    by_label = run(seeds_store, "query", "pay", "--param", "role=CMO", "-f", "csv")
    by_code = run(seeds_store, "query", "pay", "--param", "role=chief-medical-officer", "-f", "csv")
    assert by_label.exit_code == 0 and by_label.stdout == by_code.stdout
    assert "chief-medical-officer" in by_label.stdout
    api = nhskg.query("pay", store=seeds_store, role="CMO")
    assert api == nhskg.query("pay", store=seeds_store, role="chief-medical-officer")


def test_an_unknown_value_lists_the_nearest(seeds_store: Path) -> None:
    result = run(seeds_store, "query", "pay", "-p", "role=Director of Nurses")
    assert result.exit_code == 2
    assert "'Director of Nurses' is not a code or label of the role-type vocabulary (ontology/vocab/role-type.ttl)" in result.output
    assert "nearest: Director of Nursing (director-of-nursing)" in result.output


# --- a runaway query is stopped ------------------------------------------------------------------


def test_a_cross_join_is_stopped_by_the_timeout(seeds_store: Path) -> None:
    result = run(seeds_store, "query", "--timeout", "1", "--text", CROSS_JOIN)
    assert result.exit_code == 3
    assert "ran longer than the time limit of 1 s and was stopped" in result.output
    assert "--timeout N" in result.output


def test_the_api_stops_a_cross_join(seeds_store: Path) -> None:
    with pytest.raises(QueryTimeout, match="time limit of 0.5 s"):
        nhskg.query(CROSS_JOIN, store=seeds_store, timeout=0.5)
    assert len(nhskg.query(CMO_POSTINGS, store=seeds_store, timeout=5)) == 8  # and the next one runs


def test_a_stopped_not_exists_suggests_minus(seeds_store: Path) -> None:
    slow = CROSS_JOIN.replace("}", "FILTER NOT EXISTS { ?a ?b ?g } }")
    with pytest.raises(QueryTimeout, match="written with MINUS"):
        nhskg.query(slow, store=seeds_store, timeout=0.5)


# --- what a spreadsheet gets -------------------------------------------------------------------


def test_csv_has_codes_unless_iris_are_asked_for(seeds_store: Path) -> None:
    readable = run(seeds_store, "query", "bodies", "-p", "role=CMO", "-f", "csv")
    full = run(seeds_store, "query", "bodies", "-p", "role=CMO", "-f", "csv", "--iris")
    first = next(csv.DictReader(io.StringIO(readable.stdout)))
    assert first["role"] == "chief-medical-officer" and first["role_label"] == "Chief Medical Officer"
    assert next(csv.DictReader(io.StringIO(full.stdout)))["role"] == V + "role-type/chief-medical-officer"


def test_query_text_is_needed(seeds_store: Path) -> None:
    assert "give a query NAME or FILE" in run(seeds_store, "query").output
    with pytest.raises(QueryError, match="empty"):
        query_from_text("  ")
