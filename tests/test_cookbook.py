"""docs/cookbook.md: each of the ten questions answered on the seeds, the same rows through the CLI,
the Python API and the endpoint (``/run.csv``), with parameters given as an analyst writes them."""

from __future__ import annotations

import csv
import io
import re
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

import nhskg
from nhskg.cli import main
from nhskg.queries.library import load_queries
from nhskg.queries.results import to_csv
from nhskg.serve.server import ServeConfig, SparqlServer, serve_in_thread

COOKBOOK = Path(__file__).resolve().parents[1] / "docs" / "cookbook.md"

#: (question, query, parameters as an analyst writes them, rows expected or None, rows that must be there)
CASES: list[tuple[int, str, dict[str, str], int | None, list[dict[str, str]]]] = [
    (1, "answers-to", {"superior_role": "CEO"}, 5, [
        {"role": "chief-medical-officer", "line": "managerial", "postings": "2",
         "example_posting": "data:posting/003-ee31a5acbe06f6bc", "example_sentence": "Accountable to: Group Chief Executive"},
        {"role": "chief-digital-information-officer", "postings": "2"},
        {"role": "chief-financial-officer", "postings": "2", "example_posting": "data:posting/916241882"},
    ]),
    (2, "split-lines", {}, 1, [
        {"post": "data:post/001-409df43c28ff9e57", "managerial_role": "regional-director",
         "professional_role": "national-medical-director"},
    ]),
    # the Chief Nurse's postings are the two Directors of Nursing (a kind of Chief Nurse)
    (3, "shared-duties", {"role_a": "CMO", "role_b": "Chief Nurse"}, 13, [
        {"area": "patient-safety", "postings_a": "4", "postings_b": "1", "joint": "1",
         "posting_b": "data:posting/916247378"},
        {"area": "governance-quality", "postings_a": "6", "postings_b": "2", "joint": "5"},
        {"area": "system-partnership", "postings_a": "7", "postings_b": "0", "joint": "3"},
    ]),
    (3, "shared-duties", {"role_a": "Medical Director", "role_b": "Director of Nursing"}, 11, [
        {"area": "governance-quality", "postings_a": "6", "postings_b": "2", "joint": "2"},
    ]),
    (3, "joint-duties", {"role": "CMO", "partner": "Chief Nurse"}, 27, [
        {"posting": "data:posting/003-ee31a5acbe06f6bc", "area": "patient-safety"},
        # "In partnership with our Director of Nursing and Midwifery ...": a partner of a narrower role type
        {"posting": "data:posting/916238399", "area": "governance-quality"},
    ]),
    (4, "designation-holders", {"designation": "Caldicott Guardian"}, 1, [
        {"post": "data:post/000-ceef7d63af8bb6ec", "role": "chief-medical-officer"},
    ]),
    (4, "designation-holders", {"designation": "Responsible Officer"}, 0, []),
    (4, "designation-holders", {"designation": "DIPC"}, 1, [
        {"organisation_label": "East Kent Hospitals University NHS Foundation Trust", "posting": "data:posting/916254459"},
    ]),
    (4, "designation-professions", {"designation": "DIPC"}, 1, [{"profession": "not stated", "postings": "1"}]),
    (4, "designation-professions", {"designation": "Caldicott Guardian"}, 1, [{"profession": "doctor", "postings": "1"}]),
    (5, "pay", {"role": "CMO"}, 3, [
        {"band": "medical-leader-2", "postings": "1", "n": "1", "median": "135000"},
        {"band": "vsm", "postings": "4", "n": "0", "median": ""},
    ]),
    (5, "pay", {"role": "Deputy Director"}, 2, [
        {"band": "", "postings": "17", "n": "16", "q1": "78552.38", "median": "86857.75", "q3": "97965.50"},
    ]),
    (6, "bodies", {"role": "CMO"}, 11, [
        {"body": "icb", "postings": "2"}, {"body": "clinical-senate", "postings": "1"},
    ]),
    (7, "areas-absent", {"role": "Chief Nurse", "other": "Deputy Chief Nurse"}, 6, [
        {"area": "infection-prevention", "postings": "1", "other_postings": "5", "example_posting": "data:posting/916247378"},
        {"area": "board-leadership", "postings": "1", "other_postings": "5", "example_posting": "data:posting/916243930"},
        {"area": "mental-health", "postings": "1", "other_postings": "5", "example_posting": "data:posting/916243930"},
    ]),
    # a Director of Nursing posting is a Chief Nurse posting: nothing is absent, by construction
    (7, "areas-absent", {"role": "Director of Nursing", "other": "Chief Nurse"}, 0, []),
    (8, "requirements", {"role": "Medical Director"}, 9, [
        {"requirement": "gmc-registration", "essential": "2", "desirable": "1", "postings": "3"},
        {"requirement": "gdc-registration", "essential": "0", "desirable": "1"},
        {"requirement": "management-qualification", "essential": "0", "desirable": "1"},
    ]),
    (9, "leadership-by-month", {}, 2, [
        {"month": "2020-10", "postings": "50", "leadership_postings": "46"},
        {"month": "2020-11", "postings": "36", "leadership_postings": "34"},
    ]),
    (10, "designation-gaps", {"designation": "Responsible Officer"}, 54, [
        {"organisation_label": "North Bristol NHS Trust", "designation": "responsible-officer"},
        {"organisation_label": "East Kent Hospitals University NHS Foundation Trust", "designation": "responsible-officer"},
    ]),
    (10, "designation-gaps", {"designation": "DIPC"}, 49, [
        {"organisation_label": "North Bristol NHS Trust", "designation": "director-of-infection-prevention-control"},
    ]),
]
IDS = [f"q{c[0]}-{c[1]}-{'-'.join(c[2].values()) or 'defaults'}".replace(" ", "_") for c in CASES]


@pytest.fixture(autouse=True)
def _real_vocabulary(real_home):  # type: ignore[no-untyped-def]
    yield


@pytest.fixture(scope="module")
def endpoint(seeds_store: Path) -> Iterator[SparqlServer]:
    running, _thread = serve_in_thread(ServeConfig(seeds_store, port=0, timeout=30, workers=1))
    yield running
    running.shutdown()
    running.server_close()


def fetch(server: SparqlServer, path: str) -> str:
    with urllib.request.urlopen(server.url.rsplit("/", 1)[0] + path, timeout=60) as answer:
        assert answer.status == 200
        return answer.read().decode("utf-8")


def rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("question, name, params, count, expected", CASES, ids=IDS)
def test_cookbook_answer_through_cli_api_and_endpoint(seeds_store: Path, endpoint: SparqlServer, question: int,
                                                      name: str, params: dict[str, str], count: int | None,
                                                      expected: list[dict[str, str]]) -> None:
    args = [arg for key, value in params.items() for arg in ("-p", f"{key}={value}")]
    cli = CliRunner().invoke(main, ["--store", str(seeds_store), "query", name, *args, "-f", "csv"])
    assert cli.exit_code == 0, cli.output
    api = to_csv(nhskg.query(name, store=seeds_store, **params), readable=True)  # type: ignore[arg-type]
    served = fetch(endpoint, "/run.csv?" + urllib.parse.urlencode({"name": name, **params}))
    printed = cli.stdout_bytes.decode("utf-8")  # the bytes keep CSV's CRLF; click's .stdout folds them
    assert printed == api == served
    found = rows(printed)
    if count is not None:
        assert len(found) == count
    for want in expected:
        assert any(all(row[k] == v for k, v in want.items()) for row in found), (want, found[:3])


def test_pandas_reads_a_cookbook_answer_from_the_endpoint(endpoint: SparqlServer) -> None:
    """pandas.read_csv(endpoint + "?query=...&format=csv") gets rows, not a page of JSON: parsed here
    the way pandas does by default (first line the header, commas, RFC 4180 quotes)."""
    text = load_queries()["leadership-by-month"].text
    body = fetch(endpoint, "/sparql?" + urllib.parse.urlencode({"query": text, "format": "csv"}))
    found = rows(body)
    assert [(r["month"], r["postings"], r["leadership_postings"]) for r in found] == [
        ("2020-10", "50", "46"), ("2020-11", "36", "34")]
    assert list(found[0]) == ["role", "month", "postings", "leadership_postings"]


def test_every_recipe_names_a_library_query() -> None:
    text = COOKBOOK.read_text(encoding="utf-8")
    named = set(re.findall(r"nhskg query ([a-z][a-z-]+)", text))
    library = set(load_queries())
    assert named - {"evidence", "mine"} <= library, named - library  # mine.rq: the example of your own file
    assert {c[1] for c in CASES} <= named
    assert len(re.findall(r"^## \d+\. ", text, re.MULTILINE)) == 10
