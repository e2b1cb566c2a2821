"""The hand-annotated gold set in tests/data/gold is well formed and points at real postings.

Extraction quality is measured against these files, so a typo in a code or a gold file that
names a posting we do not ship would silently skew every score; these tests catch that first.
The allowed codes are the notations of the concept schemes, read from the vocabulary files, so
that a renamed or removed notation shows up as a failing gold file, not a quiet miss.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph
from rdflib.namespace import SKOS

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "tests" / "data" / "gold"
SPLITS = ("dev", "calibration", "test")
GOLD_FILES = sorted(p for split in SPLITS for p in (GOLD_DIR / split).glob("*.json"))
#: a second reader's whole records for postings of dev and test (scripts/gold-agreement.py): held
#: to the same format, so that a typo in a code is an error here, not a disagreement there
SECOND_READER = ("agreement-facts", "agreement-facts-test")
CHECKED_FILES = GOLD_FILES + sorted(p for folder in SECOND_READER for p in (GOLD_DIR / folder).glob("*.json"))
SOURCES = ("seeds/", "tests/data/gold/corpus-2020.jsonl", "tests/data/gold/corpus-2020-more.jsonl",
           "tests/data/gold/corpus-2020-calibration.jsonl", "tests/data/gold/corpus-2020-later.jsonl",
           "tests/data/gold/corpus-2020-senior.jsonl", "tests/data/gold/corpus-2020-front-line.jsonl")


@cache
def notations(scheme: str) -> frozenset[str]:
    """The codes of one concept scheme, read from its vocabulary file: a renamed or removed
    notation makes every gold file that uses it fail here, not miss quietly in a score."""
    graph = Graph().parse(REPO / "ontology" / "vocab" / f"{scheme}.ttl")
    return frozenset(str(code) for code in graph.objects(None, SKOS.notation))


ROLE_LISTS = ("accountable_to", "professionally_accountable_to", "works_with", "deputises_for")
KEYS = frozenset(
    """id source title leadership role_type scope organisation salary pay_band closing_date
    accountable_to professionally_accountable_to works_with deputises_for designations bodies
    requirements duties notes""".split()
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
    corpus = [r for r in records if r["source"].endswith(".jsonl")]
    assert len(corpus) >= 150
    selection = json.loads((GOLD_DIR / "selection.json").read_text(encoding="utf-8"))
    test_ids = {p.stem for p in (GOLD_DIR / "test").glob("*.json")}
    assert test_ids == set(selection["test"]) and len(test_ids) >= 50, "the frozen test split is the selection's"
    # Nursing and medical leadership must both be represented so they can be compared.
    role_types = [r["role_type"] for r in corpus]
    assert role_types.count("chief-medical-officer") >= 3
    nursing = ("chief-nurse", "director-of-nursing", "deputy-chief-nurse", "divisional-director-of-nursing")
    assert sum(role_types.count(code) for code in nursing) >= 3
    assert len(set(role_types)) >= 12, "the gold set should cover many kinds of role"
    assert sum(r["duties"] is not None for r in records) >= 25, "duty statements of 25 postings are annotated"


#: the front-line stratum's postings held back as calibration: the ninth batch's last 40 (the
#: stratum's 681st to 720th in its order), never tuned on; later batches follow them in the file
FRONT_LINE_CALIBRATION = slice(680, 720)


def front_line_calibration_ids() -> set[str]:
    with (REPO / "tests/data/gold/corpus-2020-front-line.jsonl").open(encoding="utf-8") as handle:
        ids = [json.loads(line)["id"] for line in handle if line.strip()]
    return set(ids[FRONT_LINE_CALIBRATION])


def test_the_calibration_split_is_its_own_sample_and_in_no_other_split() -> None:
    """Confidences are measured on the calibration split because no rule was tuned on it: its
    postings are the records of its own source file (``scripts/gold-sample-more.py``, the 60 after
    dev's 175 in the same order) and the front-line stratum's 681st to 720th (the ninth batch's
    held-back half, so that front-line posts' facts are weighed on front-line posts), and none of them may
    also sit in dev (tuned on) or in the frozen test split."""
    folders = {split: {p.stem for p in (GOLD_DIR / split).glob("*.json")} for split in SPLITS}
    below_leadership = jsonl_ids("tests/data/gold/corpus-2020-calibration.jsonl")
    front_line = front_line_calibration_ids()
    assert folders["calibration"] == below_leadership | front_line
    assert len(below_leadership) >= 50 and len(front_line) == 40
    assert not folders["calibration"] & (folders["dev"] | folders["test"])
    assert not folders["calibration"] & jsonl_ids("tests/data/gold/corpus-2020-more.jsonl")
    for posting_id in folders["calibration"]:
        source = load(GOLD_DIR / "calibration" / f"{posting_id}.json")["source"]
        assert source == ("tests/data/gold/corpus-2020-front-line.jsonl" if posting_id in front_line
                          else "tests/data/gold/corpus-2020-calibration.jsonl")


@pytest.mark.parametrize("path", CHECKED_FILES, ids=[f"{p.parent.name}/{p.stem}" for p in CHECKED_FILES])
def test_gold_file_is_well_formed(path: Path) -> None:
    record = load(path)
    assert set(record) == KEYS, f"{path.name}: keys differ from the gold format"
    assert record["id"] == path.stem
    assert isinstance(record["title"], str) and record["title"].strip()
    assert isinstance(record["leadership"], bool)
    assert record["role_type"] in notations("role-type")
    assert record["scope"] is None or record["scope"] in notations("scope")
    organisation = record["organisation"]
    if organisation is not None:
        assert isinstance(organisation["name"], str) and organisation["name"].strip()
        assert organisation["type"] in notations("organisation-type")
    salary = record["salary"]
    if salary is not None:
        assert set(salary) == {"min", "max"}
        assert all(isinstance(salary[k], (int, float)) and salary[k] > 0 for k in salary)
        assert salary["min"] <= salary["max"]
    assert record["pay_band"] is None or record["pay_band"] in notations("pay-band")
    closing = record["closing_date"]
    assert closing is None or re.fullmatch(r"\d{4}-\d{2}-\d{2}", closing)
    for key in ROLE_LISTS:
        assert set(codes(record, key)) <= notations("role-type"), f"{path.name}: unknown role in {key}"
    assert set(codes(record, "designations")) <= notations("designation")
    assert set(codes(record, "bodies")) <= notations("body")
    assert set(codes(record, "requirements")) <= notations("qualification")
    assert all(isinstance(item["essential"], bool) for item in record["requirements"])
    for key in (*ROLE_LISTS, "designations", "bodies", "requirements"):
        listed = codes(record, key)
        assert len(listed) == len(set(listed)), f"{path.name}: a code repeats in {key}"
    assert isinstance(record["notes"], str)
    duties = record["duties"]
    assert duties is None or isinstance(duties, list)
    for duty in duties or ():
        assert set(duty) == {"sentence", "areas", "with"}, f"{path.name}: a duty has sentence, areas, with"
        assert isinstance(duty["sentence"], str) and duty["sentence"].strip()
        assert set(duty["areas"]) <= notations("duty-area"), f"{path.name}: unknown duty area"
        assert set(duty["with"]) <= notations("role-type"), f"{path.name}: unknown partner role"


@pytest.mark.parametrize("path", CHECKED_FILES, ids=[f"{p.parent.name}/{p.stem}" for p in CHECKED_FILES])
def test_gold_file_source_is_shipped(path: Path) -> None:
    record = load(path)
    source = record["source"]
    assert source.startswith(SOURCES), f"{path.name}: sources live in seeds/ or the gold corpus file"
    assert (REPO / source).is_file(), f"{path.name}: {source} is not in the repository"
    if source.endswith(".jsonl"):
        assert record["id"] in jsonl_ids(source), f"{path.name}: no record {record['id']} in {source}"
    else:
        assert Path(source).stem == record["id"]


CANDIDATE_WORDS = r"chief|director|head|chair(?:man|woman|person)?|non[- ]?exec\w*|guardian"


def assert_a_stratum_of_its_own(source: str, count: int, title_words: str) -> None:
    """A stratum of ``scripts/gold-sample-more.py``: ``count`` postings in no other gold source nor the
    seeds, none of whose titles names ``title_words``."""
    drawn = jsonl_ids(source)
    assert len(drawn) == count
    for other in SOURCES[1:]:
        if other != source:
            assert not drawn & jsonl_ids(other), other
    assert not drawn & jsonl_ids("seeds/nhs-jobs-2020-leadership.jsonl")
    named = re.compile(rf"\b(?:{title_words})\b", re.I)
    with (REPO / source).open(encoding="utf-8") as handle:
        for line in handle:
            assert not named.search(json.loads(line)["title"])


def test_the_senior_stratum_is_its_own_sample_of_senior_posts_no_title_candidate() -> None:
    """``scripts/gold-sample-more.py``'s senior stratum: every one of the 49 postings at senior pay whose titles name
    none of the candidate words (so the flag's list never asked of them), in no other gold source."""
    assert_a_stratum_of_its_own("tests/data/gold/corpus-2020-senior.jsonl", 49, CANDIDATE_WORDS)


def test_the_front_line_stratum_is_its_own_sample_of_postings_no_other_stratum_draws() -> None:
    """``scripts/gold-sample-more.py``'s front-line stratum: postings whose titles name no candidate word
    and no lead, manager, matron, consultant or deputy, in no other gold source, so that its figures
    measure the two thirds of the corpus no other stratum reaches."""
    assert_a_stratum_of_its_own("tests/data/gold/corpus-2020-front-line.jsonl", 840,
                                CANDIDATE_WORDS + "|lead|manager|matron|consultant|deputy")
