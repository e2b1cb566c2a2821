"""Drift on hand-built postings whose answers are known: shares by year, steps, moves, dates.

Alpha Hospitals: the CMO posting of 2020 claims research, the 2021 one does not, and the Chief
Nurse's 2021 posting claims research for the first time: research moved from CMO to Chief Nurse.
NHS Example CCG became NHS Example ICB on 1 July 2022 (an event in this test, not the real file):
its CMO posts of 2021 and 2025 are the same post across the change. The Example Group was formed
in 2025, so its CMO posting dated 2015 is flagged.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from nhskg.analyses.drift import UnknownPeriod, drift
from nhskg.pipeline.build import build_postings
from nhskg.cli import main
from nhskg.namespaces import DEFAULT_BASE as B, ONTOLOGY_GRAPH
from nhskg.paths import vocabulary_dir
from nhskg.extract.postings import Duty, Evidence, Organisation, Posting
from nhskg.graph.posting import posting_quads
from nhskg.sparql.sources import OxigraphSource
from nhskg.views.drift import model_from_drift
from nhskg.vocabulary.vocab import load_vocabulary

CMO, CN = "chief-medical-officer", "chief-nurse"
ALPHA = Organisation("Alpha Hospitals NHS Trust", "nhs-trust")
CCG = Organisation("NHS Example CCG", "ccg")
ICB = Organisation("NHS Example Integrated Care Board", "icb")
GROUP = Organisation("Example Hospitals Group", "hospital-group")

EVENTS = """
@prefix org: <http://www.w3.org/ns/org#> . @prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<org-change/icb> a org:ChangeEvent ; org:originalOrganization <org/nhs-example-ccg> ;
    org:resultingOrganization <org/nhs-example-integrated-care-board> ;
    prov:startedAtTime "2022-07-01T00:00:00Z"^^xsd:dateTime .
<org/nhs-example-integrated-care-board> org:resultedFrom <org-change/icb> .
<org-change/group> a org:ChangeEvent ; org:originalOrganization <org/alpha-hospitals-nhs-trust> ;
    org:resultingOrganization <org/example-hospitals-group> ;
    prov:startedAtTime "2025-05-01T00:00:00Z"^^xsd:dateTime .
"""


def posting(pid: str, role: str, org: Organisation, posted: str | None, areas: tuple[str, ...], closing: str | None = None) -> Posting:
    duties = tuple(
        Duty(f"Lead {area} for the organisation.", (area,), (), Evidence(f"Lead {area} for the organisation.", 0, 10))
        for area in areas
    )
    return Posting(pid, f"{pid}.txt", role, role, "organisation", org, None, None, None, closing, date_posted=posted,
                   leadership=True, duties=duties)


POSTINGS = (
    posting("alpha-cmo-2020", CMO, ALPHA, "2020-03-01", ("research-innovation", "patient-safety", "medicines-pharmacy")),
    posting("alpha-cmo-2021", CMO, ALPHA, "2021-06-01", ("patient-safety", "medicines-pharmacy")),
    posting("alpha-cn-2020", CN, ALPHA, "2020-04-01", ("patient-safety",)),
    posting("alpha-cn-2021", CN, ALPHA, "2021-09-01", ("patient-safety", "research-innovation")),
    # dated by its closing date: no date posted
    posting("ccg-cmo-2021", CMO, CCG, None, ("digital-information",), closing="2021-01-10"),
    posting("icb-cmo-2025", CMO, ICB, "2025-02-01", ("digital-information", "population-health-inequalities")),
    posting("group-cmo-2015", CMO, GROUP, None, ("patient-safety",), closing="2015-08-14"),
    posting("undated-cmo", CMO, ALPHA, None, ("finance",)),
)


@pytest.fixture(scope="module")
def source() -> OxigraphSource:
    vocab = load_vocabulary()
    store = ox.Store()
    for item in POSTINGS:
        store.extend(posting_quads(item, vocab))
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    store.load(path=str(vocabulary_dir() / "duty-area.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ontology)
    store.load(EVENTS.encode(), format=ox.RdfFormat.TURTLE, base_iri=B, to_graph=ontology)
    return OxigraphSource(store)


def test_share_of_cmo_postings_claiming_each_area_by_year(source: OxigraphSource) -> None:
    report = drift(source, CMO)
    assert (report.postings, report.undated) == (6, 1)
    assert report.periods == (("2015", 1), ("2020", 1), ("2021", 2), ("2025", 1))
    shares = {(s.period, s.area): (s.claiming, s.postings) for s in report.shares}
    assert shares[("2020", "research-innovation")] == (1, 1)
    assert ("2021", "research-innovation") not in shares and ("2025", "research-innovation") not in shares
    assert shares[("2021", "digital-information")] == (1, 2)  # the CCG's posting, dated by closing date
    assert shares[("2025", "digital-information")] == (1, 1)
    research = [s for s in report.shares if s.area == "research-innovation"]
    assert sum(s.claiming for s in research) == 1 and sum(count for _, count in report.periods) == 5  # 1 of 5 dated


def test_by_month_and_unknown_period(source: OxigraphSource) -> None:
    assert [p for p, _ in drift(source, CMO, by="month").periods] == ["2015-08", "2020-03", "2021-01", "2021-06", "2025-02"]
    with pytest.raises(UnknownPeriod, match="use one of year, month"):
        drift(source, CMO, by="decade")


@pytest.mark.parametrize("by", ["d" * 10_000, "two\nlines"], ids=["long", "newline"])
def test_an_unknown_period_is_echoed_in_short(source: OxigraphSource, by: str) -> None:
    with pytest.raises(UnknownPeriod) as raised:
        drift(source, CMO, by=by)
    message = str(raised.value)
    assert len(message) < 200 and "\n" not in message and message.endswith("use one of year, month"), message[:300]


def test_steps_within_an_organisation_and_across_a_change_event(source: OxigraphSource) -> None:
    steps = {(s.earlier.rsplit("/", 1)[-1], s.later.rsplit("/", 1)[-1]): s for s in drift(source, CMO).steps}
    alpha = steps[("alpha-cmo-2020", "alpha-cmo-2021")]
    assert alpha.dropped == ("research-innovation",) and alpha.gained == () and alpha.change is None
    across = steps[("ccg-cmo-2021", "icb-cmo-2025")]
    assert across.change == f"{B}org-change/icb"
    assert across.dropped == () and across.gained == ("population-health-inequalities",)
    # the group formed from Alpha: Alpha's last CMO posting is followed by the group's first
    assert steps[("alpha-cmo-2021", "group-cmo-2015")].change == f"{B}org-change/group"
    assert len(steps) == 3


def test_research_moved_from_cmo_to_chief_nurse(source: OxigraphSource) -> None:
    moves = drift(source, CMO).moves
    assert [(m.area, m.from_role, m.to_role) for m in moves] == [("research-innovation", CMO, CN)]
    move = moves[0]
    assert move.to_posting.endswith("alpha-cn-2021") and move.to_date == "2021-09-01"
    assert move.dropped_in.endswith("alpha-cmo-2021") and move.sentence == "Lead research-innovation for the organisation."
    # the same move, seen from the Chief Nurse's side
    assert [(m.area, m.from_role) for m in drift(source, CN).moves] == [("research-innovation", CMO)]


def test_posting_dated_before_its_organisation_existed_is_flagged(source: OxigraphSource) -> None:
    [warning] = drift(source, CMO).warnings
    assert warning.posting.endswith("group-cmo-2015") and (warning.as_of, warning.formed) == ("2015-08-14", "2025-05-01")


def test_view_model_draws_periods_areas_and_moves(source: OxigraphSource) -> None:
    model = model_from_drift(drift(source, CMO))
    ids = {n.id for n in model.nodes}
    assert {"period/2020", "period/2021", "area/research-innovation", "role/chief-nurse"} <= ids
    share = next(e for e in model.edges if (e.source, e.target) == ("area/research-innovation", "period/2020"))
    assert share.label == "100%"
    [move] = [e for e in model.edges if e.kind == "move"]
    assert (move.source, move.target, move.label) == (f"role/{CMO}", f"role/{CN}", "Research and innovation")
    assert "before its organisation was formed" in model.note


def test_cli_drift_table_and_json(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_postings(POSTINGS[:4], store, validate=False)
    runner = CliRunner()
    result = runner.invoke(main, ["--store", str(store), "analyse", "drift", CMO, "--by", "year", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["periods"] == [["2020", 1], ["2021", 1]]
    assert [(m["area"], m["to_role"]) for m in data["moves"]] == [("research-innovation", CN)]
    table = runner.invoke(main, ["--store", str(store), "analyse", "drift", CMO])
    assert table.exit_code == 0 and "research-innovation" in table.output and "moved between role types" in table.output
    bad = runner.invoke(main, ["--store", str(store), "analyse", "drift", "chief-wizard"])
    assert bad.exit_code == 2 and "chief-wizard" in bad.output


def test_cli_render_drift(tmp_path: Path) -> None:
    store = tmp_path / "store"
    build_postings(POSTINGS[:4], store, validate=False)
    result = CliRunner().invoke(main, ["--store", str(store), "render", "drift", "--role", CN, "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    page = (tmp_path / "out" / "drift.html").read_text(encoding="utf-8")
    assert "Research and innovation" in page and "Chief Nurse over time" in page


def test_a_narrower_role_type_drifts_with_its_broader_one() -> None:
    """A Director of Nursing is a kind of Chief Nurse: her posting counts in the Chief Nurse's shares
    (as in `analyse overlap`), and `analyse drift` and the drift-area-shares query agree."""
    from nhskg.queries.running import run_query

    vocab = load_vocabulary()
    store = ox.Store()
    for item in (posting("alpha-cn-2020", CN, ALPHA, "2020-04-01", ("patient-safety",)),
                 posting("beta-don-2020", "director-of-nursing", CCG, "2020-05-01", ("patient-safety", "safeguarding"))):
        store.extend(posting_quads(item, vocab))
    ontology = ox.NamedNode(ONTOLOGY_GRAPH)
    for scheme in ("duty-area", "role-type"):
        store.load(path=str(vocabulary_dir() / f"{scheme}.ttl"), format=ox.RdfFormat.TURTLE, to_graph=ontology)
    source = OxigraphSource(store)
    report = drift(source, CN)
    assert (report.postings, report.periods) == (2, (("2020", 2),))
    shares = {(s.period, s.area): (s.claiming, s.postings) for s in report.shares}
    assert shares == {("2020", "patient-safety"): (2, 2), ("2020", "safeguarding"): (1, 2)}
    rows = run_query(source, "drift-area-shares", {"role": CN}).python()  # type: ignore[union-attr]
    assert {(r["year"], r["area"].rsplit("/", 1)[-1]): (r["claiming"], r["postings"]) for r in rows} == shares
    assert drift(source, "director-of-nursing").postings == 1
