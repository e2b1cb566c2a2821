"""Every library query on the seeds graph returns rows the seed postings really contain.

The hand-built graph in ``test_query_library.py`` pins each query's exact answer; this module
pins what the shipped seeds (five postings and the real 2020 leadership postings) say, so that a
change to the extractor, the vocabularies or a query that loses one of these facts fails here.
Each case names a query, its parameters, and one row (a subset of columns) that must be among the
answers; values are compared as the text table shows them (concept codes, ``data:`` paths).
"""

from __future__ import annotations

import pytest

from nhskg.queries.library import load_queries
from nhskg.queries.running import run_query
from nhskg.queries.results import short_name
from nhskg.sparql.sources import Table

SEED_000 = "data:post/000-ceef7d63af8bb6ec"
SEED_001 = "data:post/001-409df43c28ff9e57"
SEED_003 = "data:post/003-ee31a5acbe06f6bc"
NWUHG = "Norfolk and Waveney University Hospitals Group"

CASES = [
    ("answers-to", {"superior_role": "chief-executive"}, {"role": "chief-medical-officer", "line": "managerial",
                                                          "example_posting": "data:posting/003-ee31a5acbe06f6bc"}),
    ("areas-absent", {"role": "chief-medical-officer", "other": "director-of-nursing"}, {"area": "digital-information"}),
    ("bodies", {"role": "chief-medical-officer"}, {"body": "clinical-senate"}),
    # a trust must name a Responsible Officer; the Norfolk and Waveney group (a hospital group) need not
    ("designation-gaps", {"designation": "responsible-officer"}, {"organisation_label": "North Bristol NHS Trust",
                                                                  "designation": "responsible-officer"}),
    ("designation-holders", {"designation": "caldicott-guardian"}, {"post": SEED_000, "role": "chief-medical-officer"}),
    ("designation-holders", {"designation": "professional-lead-pharmacy"}, {"post": SEED_003}),
    ("designation-professions", {"designation": "director-of-infection-prevention-control"},
     {"profession": "not stated", "postings": "1"}),
    ("drift-area-shares", {"role": "chief-medical-officer"}, {"year": "2025", "area": "digital-information"}),
    ("drift-successors", {}, {"organisation_label": "NHS Hampshire and Isle of Wight Integrated Care Board",
                              "predecessor_label": "NHS Southampton CCG"}),
    ("duties-by-area", {"role": "chief-medical-officer"}, {"area": "research-innovation"}),
    ("evidence", {"posting_id": "001_409df43c28ff9e57"}, {"predicate": "nhskg:professionallyAccountableTo",
                                                         "label_as_written": "National Medical Director"}),
    ("joint-duties", {"role": "chief-medical-officer", "partner": "chief-nurse"}, {"post": SEED_003}),
    ("leadership-by-month", {}, {"month": "2020-10", "postings": "50", "leadership_postings": "46"}),
    ("pay", {"role": "chief-operating-officer"}, {"band": "esm-2", "n": "1", "median": "131301"}),
    ("postings-over-time", {}, {"month": "2020-10", "organisation_type": "nhs-england"}),
    ("reporting-chain", {"role": "chief-medical-officer"}, {"post": SEED_003, "line": "managerial", "depth": "1",
                                                            "superior_role": "chief-executive"}),
    ("reporting-chain", {"role": "chief-medical-officer"}, {"post": SEED_001, "line": "professional",
                                                            "superior_role": "national-medical-director"}),
    ("requirements", {"role": "chief-medical-officer"}, {"requirement": "gmc-registration"}),
    ("role-network", {}, {"source": "chief-medical-officer", "relation": "reportsTo", "target": "chief-executive"}),
    # the seeds are built without decisions: every fact unreviewed, the Group CMO's self-line among them
    ("review-status", {"posting_id": "003_ee31a5acbe06f6bc", "status": "unreviewed"},
     {"field": "works_with", "value": "chief-medical-officer", "label_as_written": "GCMO", "review_status": "unreviewed"}),
    # 916255246 and 916260190: "deputise for the Chief Nurse" (a line of its own, not joint working)
    ("role-network", {}, {"source": "deputy-chief-nurse", "relation": "deputisesFor", "target": "chief-nurse",
                          "postings": "2"}),
    ("shared-duties", {"role_a": "chief-medical-officer", "role_b": "chief-nurse"}, {"area": "patient-safety"}),
    ("split-lines", {}, {"post": SEED_001, "managerial_role": "regional-director",
                         "professional_role": "national-medical-director"}),
    ("where-functions-sit", {"area": "medicines-pharmacy"}, {"organisation_label": NWUHG, "role": "chief-medical-officer"}),
    ("works-with", {"role": "chief-medical-officer"}, {"partner": "chief-nurse"}),
    ("works-with", {"role": "chief-medical-officer"}, {"partner": "chief-delivery-officer"}),
    ("weak-facts", {"below": "1"}, {"posting_id": "000_ceef7d63af8bb6ec", "relation": "engages with",
                                    "object_label": "Local Medical Committee"}),
]


def test_weak_facts_lists_only_facts_below_the_threshold_weakest_first(seeds_source, real_home) -> None:  # type: ignore[no-untyped-def]
    everything = run_query(seeds_source, "weak-facts", {"below": "1"})
    some = run_query(seeds_source, "weak-facts", {"below": "0.8"})
    assert isinstance(everything, Table) and isinstance(some, Table)
    values = [float(r["confidence"]) for r in everything.records()]
    assert values == sorted(values) and all(v < 1 for v in values)
    assert 0 < len(some) < len(everything)
    assert all(float(r["confidence"]) < 0.8 for r in some.records())
    assert all(r["stated_as"] and ":" not in str(r["relation"]) for r in everything.records())


def _rows(table: Table) -> list[dict[str, str]]:
    return [{c: short_name(v) for c, v in zip(table.columns, row)} for row in table.rows]


@pytest.mark.parametrize("name, params, expected", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_seeds_answer_contains(seeds_source, real_home, name: str, params: dict[str, str], expected: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    table = run_query(seeds_source, name, params)
    assert isinstance(table, Table)
    rows = _rows(table)
    assert any(all(row.get(k) == v for k, v in expected.items()) for row in rows), (
        f"{name} {params}: no row with {expected}; got {rows[:5]}"
    )


def test_every_library_query_has_a_seeds_case(real_home) -> None:  # type: ignore[no-untyped-def]
    covered = {name for name, _, _ in CASES}
    missing = set(load_queries()) - covered - {"designation-conflicts"}
    assert not missing, f"library queries with no seeds case: {sorted(missing)}"


def test_seeds_have_no_single_holder_conflict(seeds_source, real_home) -> None:  # type: ignore[no-untyped-def]
    """No organisation in the seeds gives one single-holder designation to two role types."""
    table = run_query(seeds_source, "designation-conflicts", {})
    assert isinstance(table, Table) and table.columns and len(table) == 0
