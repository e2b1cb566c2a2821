"""scripts/gold-agreement.py: two readers' duty codes compared as (statement, code) pairs."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests/data/gold"


def _load_script():
    spec = importlib.util.spec_from_file_location("gold_agreement", REPO / "scripts/gold-agreement.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


agreement = _load_script()


def _pair(a: str, b: str, sentence: str = "s"):
    return agreement.Pair("p", sentence, frozenset(a.split()), frozenset(b.split()))


# Four statements, hand-counted: A gives 4 pairs, B 3, all of B's are A's.
TINY = [_pair("x y", "x", "s1"), _pair("y", "y", "s2"), _pair("x", "x", "s3"), _pair("", "", "s4")]


def test_tiny_example_has_the_hand_computed_precision_and_recall():
    s = agreement.score(TINY)
    assert (s.both, s.a, s.b) == (3, 4, 3)
    assert s.precision == 1.0
    assert s.recall == 0.75
    assert s.f1 == pytest.approx(6 / 7)


def test_reading_a_against_b_swaps_precision_and_recall():
    swapped = agreement.score(agreement.Pair(p.posting, p.sentence, p.b, p.a) for p in TINY)
    s = agreement.score(TINY)
    assert (swapped.precision, swapped.recall) == (s.recall, s.precision)


def test_tiny_example_per_code_counts_and_kappa():
    rows = {r.code: r for r in agreement.per_code(TINY)}
    # y: A says yes on s1 and s2, B only on s2: observed 3/4, chance 1/2, kappa 1/2.
    assert (rows["y"].both, rows["y"].only_a, rows["y"].only_b) == (1, 1, 0)
    assert rows["y"].kappa == pytest.approx(0.5)
    assert (rows["x"].both, rows["x"].only_a, rows["x"].only_b, rows["x"].kappa) == (2, 0, 0, 1.0)
    assert [r.code for r in agreement.per_code(TINY)] == ["y", "x"]


def test_kappa_is_undefined_when_neither_reader_ever_says_yes():
    assert agreement.kappa([False, False], [False, False]) is None


@pytest.mark.parametrize("field", ["areas", "with"])
def test_figures_on_the_shipped_files_are_proportions(field):
    pairs = agreement.read_pairs(GOLD, field)
    assert len({p.posting for p in pairs}) == 12
    s = agreement.score(pairs)
    assert 0 < s.both <= min(s.a, s.b)
    for value in (s.precision, s.recall, s.f1):
        assert 0 <= value <= 1
    for row in agreement.per_code(pairs):
        assert row.kappa is None or -1 <= row.kappa <= 1


@pytest.mark.parametrize("field", ["areas", "with"])
def test_the_test_split_files_compare_sentence_for_sentence(field):
    """Reader B's test-split files pair every statement with the same test gold sentence."""
    pairs = agreement.read_pairs(GOLD, field, "test")
    b_files = sorted((GOLD / "agreement-test").glob("*.json"))
    assert len({p.posting for p in pairs}) == len(b_files) == 10
    for b_path in b_files:
        a_sentences = [d["sentence"] for d in json.loads((GOLD / "test" / b_path.name).read_text())["duties"]]
        assert [p.sentence for p in pairs if p.posting == b_path.stem] == a_sentences
    s = agreement.score(pairs)
    assert s.both <= min(s.a, s.b)
    for value in (s.precision, s.recall, s.f1):
        assert 0 <= value <= 1


def test_the_split_option_reads_the_test_files(capsys):
    agreement.main(["--gold", str(GOLD), "--split", "test"])
    out = capsys.readouterr().out
    assert out.startswith("Reader A: test/; reader B: agreement-test/")
    assert "in 10 postings" in out


def test_an_unknown_split_is_an_error_not_dev():
    with pytest.raises(agreement.AgreementError, match="choose one of dev, test"):
        agreement.read_pairs(GOLD, "areas", "train")


def test_the_report_prints_labels_for_both_fields(capsys):
    agreement.main(["--gold", str(GOLD)])
    out = capsys.readouterr().out
    assert "Duty areas" in out and "Duty partners" in out
    assert "Quality and clinical governance" in out
    assert "governance-quality" not in out


def test_a_sentence_reader_b_changed_is_an_error_naming_the_file(tmp_path):
    (tmp_path / "dev").mkdir()
    (tmp_path / "agreement").mkdir()
    a = {"id": "1", "duties": [{"sentence": "Lead the budget.", "areas": ["finance"], "with": []}]}
    b = {"id": "1", "duties": [{"sentence": "Lead the budgets.", "areas": ["finance"], "with": []}]}
    (tmp_path / "dev" / "1.json").write_text(json.dumps(a))
    (tmp_path / "agreement" / "1.json").write_text(json.dumps(b))
    with pytest.raises(agreement.AgreementError, match=r"1\.json: sentence not in"):
        agreement.read_pairs(tmp_path, "areas")


def test_the_scripts_docstring_examples_run():
    import doctest

    result = doctest.testmod(agreement)
    assert result.attempted >= 2 and result.failed == 0


def _write_flags(folder: Path, a: list[tuple[str, str]], b: list[tuple[str, str, str]], test: list[str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "leadership.csv").write_text("id,title,employer,leadership,reason\n" + "".join(
        f"{i},T{i},E,{flag},r\n" for i, flag in a), encoding="utf-8")
    (folder / agreement.LEADERSHIP_B).write_text("id,split,leadership,reason\n" + "".join(
        f"{i},{split},{flag},r\n" for i, split, flag in b), encoding="utf-8")
    (folder / "selection.json").write_text(json.dumps({"leadership_test": test}), encoding="utf-8")


def test_leadership_flags_agreement_is_counted_per_split(tmp_path: Path) -> None:
    # dev: A yes yes no no, B yes no no yes -> both 1, A 2, B 2; the test posting is left out
    _write_flags(tmp_path, [("1", "yes"), ("2", "yes"), ("3", "no"), ("4", "no"), ("5", "yes")],
                 [("1", "dev", "yes"), ("2", "dev", "no"), ("3", "dev", "no"), ("4", "dev", "yes"), ("5", "test", "no")], ["5"])
    flags = agreement.read_flags(tmp_path, "dev")
    assert [(f.posting, f.a, f.b) for f in flags] == [("1", True, True), ("2", True, False), ("3", False, False), ("4", False, True)]
    assert [(f.a, f.b) for f in agreement.read_flags(tmp_path, "test")] == [(True, False)]


def test_a_flag_filed_under_the_wrong_split_is_refused(tmp_path: Path) -> None:
    _write_flags(tmp_path, [("1", "yes")], [("1", "dev", "yes")], ["1"])
    with pytest.raises(agreement.AgreementError, match="test split"):
        agreement.read_flags(tmp_path, "dev")


def test_the_second_readers_flags_cover_the_flags_test_split() -> None:
    """Reader B flagged every posting of the flag's test split and 80 of its dev split."""
    test = {str(i) for i in json.loads((GOLD / "selection.json").read_text(encoding="utf-8"))["leadership_test"]}
    flags = agreement.read_flags(GOLD, "test")
    assert {f.posting for f in flags} == test
    assert len(agreement.read_flags(GOLD, "dev")) == 80
    report = agreement.report(GOLD, split="test")
    assert "Leadership flag: 121 postings" in report


def _fact_records(folder: Path, names: list[str]) -> dict[str, dict]:
    folder.mkdir(parents=True, exist_ok=True)
    records = {}
    for name in names:
        record = json.loads((GOLD / "dev" / name).read_text(encoding="utf-8"))
        records[name] = record
        (folder / name).write_text(json.dumps(record), encoding="utf-8")
    return records


def test_reader_bs_facts_are_scored_against_reader_a_by_the_evaluator(tmp_path: Path) -> None:
    names = sorted(p.name for p in (GOLD / "dev").glob("9*.json"))[:3]
    _fact_records(tmp_path / "dev", names)
    b = _fact_records(tmp_path / "agreement-facts", names[:2])
    # reader B adds a requirement A did not give and leaves out every line of the first posting
    first = b[names[0]]
    first["requirements"] = [*first["requirements"], {"code": "masters-degree", "essential": False}]
    lines = len(first["accountable_to"])
    first["accountable_to"] = []
    (tmp_path / "agreement-facts" / names[0]).write_text(json.dumps(first), encoding="utf-8")
    facts = agreement.read_facts(tmp_path, "dev")
    assert facts is not None and facts.postings == tuple(sorted(n[:-5] for n in names[:2]))
    requirements = facts.b_against_a.score("requirements")
    wanted = sum(len(json.loads((tmp_path / "dev" / n).read_text())["requirements"]) for n in names[:2])
    already = any(r["code"] == "masters-degree" for r in json.loads((tmp_path / "dev" / names[0]).read_text())["requirements"])
    assert (requirements.true_positives, requirements.false_positives) == (wanted, 0 if already else 1)
    assert facts.b_against_a.score("accountable_to").false_negatives == lines
    assert facts.b_against_a.score("role_type").precision == 1.0
    assert "B against A" in "\n".join(agreement.facts_report(facts, "dev"))


def test_no_fact_records_means_no_facts_section(tmp_path: Path) -> None:
    _fact_records(tmp_path / "dev", sorted(p.name for p in (GOLD / "dev").glob("9*.json"))[:1])
    assert agreement.read_facts(tmp_path, "dev") is None


def test_a_fact_record_for_a_posting_of_another_split_is_an_error(tmp_path: Path) -> None:
    names = sorted(p.name for p in (GOLD / "dev").glob("9*.json"))[:2]
    _fact_records(tmp_path / "dev", names[:1])
    _fact_records(tmp_path / "agreement-facts", names[1:])
    with pytest.raises(agreement.AgreementError, match="not in dev/"):
        agreement.read_facts(tmp_path, "dev")


def test_the_extractor_is_scored_on_the_same_postings_against_each_reader(tmp_path: Path) -> None:
    names = sorted(p.name for p in (GOLD / "dev").glob("9*.json"))[:2]
    _fact_records(tmp_path / "dev", names)
    b = _fact_records(tmp_path / "agreement-facts", names[:1])
    b[names[0]]["role_type"] = "chief-executive" if b[names[0]]["role_type"] != "chief-executive" else "chair"
    (tmp_path / "agreement-facts" / names[0]).write_text(json.dumps(b[names[0]]), encoding="utf-8")
    facts = agreement.read_facts(tmp_path, "dev", extractor=True)
    assert facts is not None and facts.extractor_against_a is not None and facts.extractor_against_b is not None
    against_a, against_b = facts.extractor_against_a.score("role_type"), facts.extractor_against_b.score("role_type")
    # one posting, one role type each: the extractor agrees with at most one of two readers who differ
    assert against_a.true_positives + against_b.true_positives <= 1
    assert facts.extractor_against_a.postings == 1


def test_against_both_counts_the_extractors_facts_either_reader_gave_and_those_both_gave() -> None:
    from nhskg.extract.postings import Evidence, Item, Posting

    def posting(*partners: str) -> Posting:
        evidence = Evidence("s", 0, 1)
        return Posting("1", "s", "T", "other", None, None, None, None, None, None,
                       works_with=tuple(Item(code, code, evidence) for code in partners))

    # A: chair, chief-nurse; B: chair, other; the extractor: chair, other, chief-executive
    counts = agreement.against_both({"1": posting("chair", "chief-nurse")}, {"1": posting("chair", "other")},
                                    {"1": posting("chair", "other", "chief-executive")})
    # two of its three either reader gave (chair, other); one fact both gave (chair), found
    assert counts["works_with"] == (2, 3, 1, 1)
    assert counts["role_type"] == (1, 1, 1, 1)


def test_the_second_readers_facts_cover_the_test_split() -> None:
    """Reader B read every posting of the test split again for its facts, and 28 of dev's."""
    facts = agreement.read_facts(GOLD, "test")
    assert facts is not None and len(facts.postings) == 50
    assert set(facts.postings) == {p.stem for p in (GOLD / "test").glob("*.json")}
    dev = agreement.read_facts(GOLD, "dev")
    assert dev is not None and len(dev.postings) == 28
    report = agreement.report(GOLD, split="test")
    assert "Facts: 50 postings of test/" in report and "works_with" in report
