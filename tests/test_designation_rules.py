"""One definition of a designation conflict and of a gap: validate, query and analyse agree.

``tests/data/designation-conflicts.trig`` holds a re-advertised post, a shared holder, a hand-over,
a real conflict and two gaps (its header says which is which). ``nhskg validate``, ``nhskg query
designation-conflicts`` / ``designation-gaps``, ``nhskg analyse gaps`` and the designations page
(``nhskg render designations``) must give exactly the same conflicts (organisation, designation,
posts) and the same gaps (organisation, designation).
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from nhskg.cli import main
from nhskg.graph.store import GraphStore

FIXTURE = Path(__file__).parent / "data" / "designation-conflicts.trig"
B = "https://w3id.org/nhskg/data/"
V = "https://w3id.org/nhskg/vocab/"
ALPHA = f"{B}org/alpha-hospitals-nhs-trust"
BETA = f"{B}org/beta-nhs-foundation-trust"
GAMMA = f"{B}org/gamma-integrated-care-board"
CALDICOTT = f"{V}designation/caldicott-guardian"
SIRO = f"{V}designation/senior-information-risk-owner"
ORGANISATION_OF_POST = {f"{B}post/{pid}": f"{B}org/{org}" for pid, org in [
    ("alpha-cmo-1", "alpha-hospitals-nhs-trust"), ("alpha-cmo-2", "alpha-hospitals-nhs-trust"),
    ("alpha-cn", "alpha-hospitals-nhs-trust"), ("alpha-ceo", "alpha-hospitals-nhs-trust"),
    ("beta-md", "beta-nhs-foundation-trust"), ("beta-cn", "beta-nhs-foundation-trust"),
    ("beta-cdo", "beta-nhs-foundation-trust"), ("gamma-ceo", "gamma-integrated-care-board"),
]}

POST_LABELS = {f"{B}post/{pid}": label for pid, label in [
    ("alpha-cmo-1", "Chief Medical Officer"), ("alpha-cmo-2", "Chief Medical Officer"), ("alpha-cn", "Chief Nurse and DIPC"),
    ("alpha-ceo", "Chief Executive"), ("beta-md", "Medical Director"), ("beta-cn", "Chief Nurse"),
    ("beta-cdo", "Chief Digital Officer"), ("gamma-ceo", "Chief Executive"),
]}

#: The one conflict: Beta's Medical Director and Chief Nurse both claim Caldicott Guardian while
#: both postings are open. Not Alpha's re-advertised CMO (the same post), not Alpha's Chief Nurse
#: and DIPC (one post, two designations), not Beta's Chief Digital Officer (after both closed).
CONFLICTS = {(BETA, CALDICOTT, frozenset({f"{B}post/beta-md", f"{B}post/beta-cn"}))}
#: The gaps: Beta names no SIRO; Gamma (an ICB) no Caldicott Guardian, and is not required to name
#: a Responsible Officer or a DIPC; Delta has no leadership posting, so nothing could name one.
GAPS = {(BETA, SIRO), (GAMMA, CALDICOTT)}


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("designation-rules") / "store"
    with GraphStore.writer(directory) as writer:
        writer.store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    return directory


def run(store_dir: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["--store", str(store_dir), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def full(short: str) -> str:
    """A CSV cell (``data:post/x`` or a concept code) as the IRI it stands for."""
    return B + short.removeprefix("data:") if short.startswith("data:") else short


def grouped(triples: set[tuple[str, str, str]]) -> set[tuple[str, str, frozenset[str]]]:
    posts: dict[tuple[str, str], set[str]] = {}
    for organisation, designation, post in triples:
        posts.setdefault((organisation, designation), set()).add(post)
    return {(o, d, frozenset(p)) for (o, d), p in posts.items()}


def test_validate_query_and_analyse_give_the_same_conflicts(store_dir: Path) -> None:
    warning = re.compile(r"Warning: .* <(?P<post>[^>]+)>: .* \(value (?P<designation>[^)]+)\)$")
    warned = {
        (ORGANISATION_OF_POST[m["post"]], m["designation"], m["post"])
        for line in run(store_dir, "validate").splitlines() if (m := warning.search(line.strip()))
    }
    queried: set[tuple[str, str, str]] = set()
    for row in csv_rows(run(store_dir, "query", "designation-conflicts", "-f", "csv")):
        for post in (row["post"], row["other"]):
            queried.add((full(row["organisation"]), f"{V}designation/{row['designation']}", full(post)))
    analysed = {
        (o["organisation"], f"{V}designation/{c['code']}", frozenset(h["post"] for h in c["holders"]))
        for o in json.loads(run(store_dir, "analyse", "gaps", "--format", "json"))["organisations"]
        for c in o["conflicts"]
    }
    assert grouped(warned) == CONFLICTS
    assert grouped(queried) == CONFLICTS
    assert analysed == CONFLICTS


def test_query_and_analyse_give_the_same_gaps(store_dir: Path) -> None:
    queried = {(full(r["organisation"]), f"{V}designation/{r['designation']}")
               for r in csv_rows(run(store_dir, "query", "designation-gaps", "-f", "csv"))}
    analysed = {
        (o["organisation"], f"{V}designation/{d['code']}")
        for o in json.loads(run(store_dir, "analyse", "gaps", "--format", "json"))["organisations"]
        for d in o["missing"]
    }
    assert queried == GAPS
    assert analysed == GAPS


def page_data(html: str) -> dict:
    """The data a rendered table page draws itself from (as tests/test_views.py reads it)."""
    match = re.search(r'<script type="application/json" id="nhskg-data">(.*?)</script>', html, re.DOTALL)
    assert match, "no nhskg-data block in the page"
    return json.loads(match.group(1))


def test_the_designations_page_shows_the_same_conflicts_and_gaps(store_dir: Path, tmp_path: Path) -> None:
    out = run(store_dir, "render", "designations", "--out", str(tmp_path))
    assert "2 gaps and 1 conflict" in out
    data = page_data((tmp_path / "designations.html").read_text(encoding="utf-8"))
    columns = [f"{V}designation/{c['key']}" for c in data["columns"]]
    cells = {(B + row["key"], column): cell for row in data["rows"] for column, cell in zip(columns, row["cells"])}
    # a holder is [post label, role label, evidence, in conflict]; post labels are unique per organisation here
    post_of = {(organisation, label): post for post, organisation in ORGANISATION_OF_POST.items()
               for label in [POST_LABELS[post]]}
    shown_conflicts = {(org, designation, frozenset(post_of[(org, h[0])] for h in cell[1] if h[3]))
                       for (org, designation), cell in cells.items() if cell[0] == "conflict"}
    assert shown_conflicts == CONFLICTS
    assert {key for key, cell in cells.items() if cell[0] == "gap"} == GAPS
    # the hand-over's Chief Digital Officer is shown holding it, not as in conflict
    assert sorted((h[0], h[3]) for h in cells[(BETA, CALDICOTT)][1]) == [
        ("Chief Digital Officer", False), ("Chief Nurse", True), ("Medical Director", True)]
    # the re-advertised post and the shared holder hold theirs; Delta has no leadership posting
    assert cells[(ALPHA, f"{V}designation/responsible-officer")][0] == "held"
    assert cells[(ALPHA, f"{V}designation/director-of-infection-prevention-control")][0] == "held"
    assert {cell[0] for (org, _), cell in cells.items() if org == f"{B}org/delta-nhs-trust"} == {"unread"}


def test_validate_counts_the_conflict_once_from_each_post(store_dir: Path) -> None:
    out = run(store_dir, "validate")
    assert "graph conforms: 0 violation(s), 2 warning(s)" in out
    assert ("Caldicott Guardian is also claimed by Chief Nurse (https://w3id.org/nhskg/data/post/beta-cn), "
            "another post of the same organisation, at the same time") in out
