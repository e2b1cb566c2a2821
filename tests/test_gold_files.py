"""The hand-annotated gold set in tests/data/gold is well formed and points at real postings.

Extraction quality is measured against these files, so a typo in a code or a gold file that
names a posting we do not ship would silently skew every score; these tests catch that first.
The allowed codes are the public JSON contract (the notations of the concept schemes), written
out here so that a renamed or removed notation shows up as a failing gold file, not a quiet miss.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "tests" / "data" / "gold"
GOLD_FILES = sorted(p for p in GOLD_DIR.glob("*.json") if p.name != "codes.json")

ROLE_TYPES = frozenset(
    """chief-executive chief-medical-officer chief-nurse chief-operating-officer
    chief-financial-officer chief-people-officer chief-digital-information-officer
    chief-delivery-officer director-of-strategy director-of-corporate-affairs
    director-of-infection-prevention-control director-of-midwifery deputy-medical-director
    deputy-chief-nurse divisional-director-of-nursing clinical-director hospital-managing-director
    chief-of-staff chair non-executive-director regional-director national-medical-director
    other""".split()
)
SCOPES = frozenset("organisation group hospital division region national system".split())
ORGANISATION_TYPES = frozenset(
    """nhs-trust nhs-foundation-trust hospital-group nhs-england nhs-england-region icb ics ccg
    independent-provider other""".split()
)
DESIGNATIONS = frozenset(
    """board-member caldicott-guardian responsible-officer director-of-infection-prevention-control
    controlled-drugs-accountable-officer senior-information-risk-owner safeguarding-executive-lead
    accountable-emergency-officer freedom-to-speak-up-lead professional-lead-pharmacy
    deputy-chief-executive""".split()
)
BODIES = frozenset(
    """icb ics ccg cqc gmc nmc nhs-england dhsc hee deanery university local-authority
    local-medical-committee clinical-senate ukhsa nhs-resolution""".split()
)
QUALIFICATIONS = frozenset(
    """gmc-registration nmc-registration gdc-registration hcpc-registration medical-degree
    masters-degree management-qualification board-experience consultant-experience
    dbs-check""".split()
)
PAY_BANDS = frozenset(
    ["vsm"]
    + [f"esm-{n}" for n in range(1, 5)]
    + [f"medical-leader-{n}" for n in range(1, 4)]
    + ["afc-8a", "afc-8b", "afc-8c", "afc-8d", "afc-9"]
)
ROLE_LISTS = ("accountable_to", "professionally_accountable_to", "works_with")
KEYS = frozenset(
    """id source title role_type scope organisation salary pay_band closing_date
    accountable_to professionally_accountable_to works_with designations bodies
    requirements""".split()
)


def load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        record = json.load(handle)
    assert isinstance(record, dict), f"{path.name}: a gold file holds one JSON object"
    return record


@cache
def jsonl_ids(source: str) -> frozenset[str]:
    """The record ids in a shipped JSONL source, read once per test session."""
    with (REPO / source).open(encoding="utf-8") as handle:
        return frozenset(str(json.loads(line)["id"]) for line in handle if line.strip())


def codes(record: dict[str, Any], key: str) -> list[str]:
    items = record[key]
    assert isinstance(items, list), f"{record['id']}: {key} must be a list"
    for item in items:
        assert isinstance(item, dict) and isinstance(item.get("code"), str), (
            f"{record['id']}: every {key} item is an object with a string code, not {item!r}"
        )
    return [item["code"] for item in items]


def test_the_gold_set_covers_the_seeds_and_the_corpus_selection() -> None:
    records = [load(path) for path in GOLD_FILES]
    sources = [record["source"] for record in records]
    assert sum(source.endswith(".txt") for source in sources) == 5
    corpus = [r for r in records if r["source"] == "seeds/nhs-jobs-2020-leadership.jsonl"]
    assert len(corpus) >= 25
    # Nursing and medical leadership must both be represented so they can be compared.
    role_types = [r["role_type"] for r in corpus]
    assert role_types.count("chief-medical-officer") >= 3
    nursing = ("chief-nurse", "deputy-chief-nurse", "divisional-director-of-nursing")
    assert sum(role_types.count(code) for code in nursing) >= 3
    assert len(set(role_types)) >= 12, "the gold set should cover many kinds of role"


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_gold_file_is_well_formed(path: Path) -> None:
    record = load(path)
    assert set(record) == KEYS, f"{path.name}: keys differ from the gold format"
    assert record["id"] == path.stem
    assert isinstance(record["title"], str) and record["title"].strip()
    assert record["role_type"] in ROLE_TYPES
    assert record["scope"] is None or record["scope"] in SCOPES
    organisation = record["organisation"]
    if organisation is not None:
        assert isinstance(organisation["name"], str) and organisation["name"].strip()
        assert organisation["type"] in ORGANISATION_TYPES
    salary = record["salary"]
    if salary is not None:
        assert set(salary) == {"min", "max"}
        assert all(isinstance(salary[k], (int, float)) and salary[k] > 0 for k in salary)
        assert salary["min"] <= salary["max"]
    assert record["pay_band"] is None or record["pay_band"] in PAY_BANDS
    closing = record["closing_date"]
    assert closing is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", closing)
    for key in ROLE_LISTS:
        assert set(codes(record, key)) <= ROLE_TYPES, f"{path.name}: unknown role in {key}"
    assert set(codes(record, "designations")) <= DESIGNATIONS
    assert set(codes(record, "bodies")) <= BODIES
    assert set(codes(record, "requirements")) <= QUALIFICATIONS
    assert all(isinstance(item["essential"], bool) for item in record["requirements"])
    for key in (*ROLE_LISTS, "designations", "bodies", "requirements"):
        listed = codes(record, key)
        assert len(listed) == len(set(listed)), f"{path.name}: a code repeats in {key}"


@pytest.mark.parametrize("path", GOLD_FILES, ids=[p.stem for p in GOLD_FILES])
def test_gold_file_source_is_shipped(path: Path) -> None:
    record = load(path)
    source = record["source"]
    assert source.startswith("seeds/"), f"{path.name}: sources live in seeds/"
    assert (REPO / source).is_file(), f"{path.name}: {source} is not in the repository"
    if source.endswith(".jsonl"):
        assert record["id"] in jsonl_ids(source), f"{path.name}: no record {record['id']} in {source}"
    else:
        assert Path(source).stem == record["id"]
