"""The duty model: the shipped weights are the ones the training script makes from today's dev gold,
the plain-Python scorer gives the training library's probabilities, and it reads plain sentences
as a reader would (issue 13)."""

from __future__ import annotations

import importlib.util
import json
import math
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from nhskg.errors import NhskgError
from nhskg.extract import extract_posting
from nhskg.extract.duties import DutySentence
from nhskg.extract.postings import Duty, Evidence, Posting
from nhskg.extract.duty_model import MODEL_PATH, OWN_AREA, RULES_OTHER, DutyModel, Logistic, gold_digest, gold_files, load_duty_model
from nhskg.read.documents import Document, Structured
from nhskg.read.sentences import Sentence

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "tests" / "data" / "gold" / "dev"
SHIPPED = json.loads(MODEL_PATH.read_text(encoding="utf-8"))


def _training_script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("train_duty_model", ROOT / "scripts" / "train-duty-model.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


def test_the_shipped_model_was_trained_on_todays_dev_gold() -> None:
    # A changed dev record leaves the model stale: retrain with
    # python scripts/train-duty-model.py --write and commit the model with the gold.
    assert SHIPPED["gold"]["sha256"] == gold_digest(gold_files(DEV, ROOT))
    # the files it learnt from: the dev records with duties and the sources of their texts
    assert SHIPPED["gold"]["files"] == len(gold_files(DEV, ROOT))


def test_the_shipped_model_records_how_it_was_trained_and_measured() -> None:
    settings = SHIPPED["settings"]
    assert {"seed", "folds", "min_postings", "duty_fit", "area_fit", "combination"} <= set(settings)
    # one set of thresholds for leadership-level titles and one for every other advert, each what
    # cross-validation chose on dev's adverts of that kind
    for measured, thresholds in (("cv", "thresholds"), ("cv_below", "thresholds_below")):
        chosen = SHIPPED[measured][settings["combination"]]
        assert chosen["thresholds"] == [SHIPPED[thresholds][k] for k in ("duty", "keep", "area", "partner")]
        assert {"duty_areas", "duty_partners", "statements"} <= set(chosen)


def test_the_scorer_gives_the_training_librarys_probabilities_on_the_shipped_model() -> None:
    model = load_duty_model()
    assert len(SHIPPED["checks"]) >= 4
    for check in SHIPPED["checks"]:
        names = frozenset(check["features"])
        # weights are rounded to 4 places when written: a few in 10,000 at most
        assert model.duty.probability(names) == pytest.approx(check["duty"], abs=2e-3)
        for code, expected in check["areas"].items():
            own = names | {OWN_AREA} if code in check["own_area"] else names
            assert model.areas[code].probability(own) == pytest.approx(expected, abs=2e-3), code
        assert model.partner is not None
        seen = names | {RULES_OTHER} if check["rules_other"] else names
        assert model.partner.probability(seen) == pytest.approx(check["partner"], abs=2e-3)


def test_the_scorer_gives_the_training_librarys_probabilities_on_a_fixture() -> None:
    pytest.importorskip("sklearn")
    script = _training_script()
    script.MIN_POSTINGS = 1
    rows = [frozenset(r) for r in (
        {"w:budget", "w:lead"}, {"w:budget"}, {"w:lead", "rules"}, {"w:experience"},
        {"w:experience", "w:budget"}, {"rules", "w:budget"}, {"w:offer"}, {"w:lead", "w:offer"},
    )]
    labels = [True, True, True, False, False, True, False, True]
    probe = [frozenset({"w:budget", "rules"}), frozenset({"w:offer"}), frozenset({"w:unseen"})]
    model, expected = script._fit(rows, labels, [str(k) for k in range(len(rows))], (1.0, 0.0), probe)
    assert [model.probability(p) for p in probe] == pytest.approx(expected, abs=1e-3)
    again, _ = script._fit(rows, labels, [str(k) for k in range(len(rows))], (1.0, 0.0), probe)
    assert again == model  # a fixed seed: the same weights every time


@pytest.mark.parametrize("settings", [(1.0, 0.0), (0.5, 1.0)])
def test_the_sentence_vector_experiment_scores_what_the_training_library_fitted(settings: tuple[float, float]) -> None:
    # The README's figures for sentence embeddings (--sentence-vectors) are scored with the
    # standardising folded into the vector's weights: they must give scikit-learn's chances.
    pytest.importorskip("sklearn")
    script = _training_script()
    script.MIN_POSTINGS = 1
    rows = [frozenset(r) for r in ({"w:budget"}, {"w:lead"}, {"w:offer"}, {"w:budget", "w:lead"}, {"w:offer"}, {"w:lead"})] * 3
    vectors = [(0.1 * (k % 5), 0.3 - 0.05 * (k % 4), 0.2) for k in range(len(rows))]
    labels = [k % 5 >= 2 or "w:budget" in r for k, r in enumerate(rows)]
    model, expected = script._fit(rows, labels, [str(k) for k in range(len(rows))], settings, rows[:6], vectors, vectors[:6], 0.5)
    assert isinstance(model, script.WithVector) and any(model.dense)
    assert [model.probability(r, v) for r, v in zip(rows[:6], vectors[:6])] == pytest.approx(expected, abs=1e-6)
    # a scale of 0 leaves the vector out: the model the extractor scores
    plain, _ = script._fit(rows, labels, [str(k) for k in range(len(rows))], settings, rows[:6], vectors, vectors[:6], 0.0)
    assert isinstance(plain, Logistic)


def test_logistic_probability_is_the_logistic_of_the_summed_weights() -> None:
    model = Logistic(0.5, {"a": 1.0, "b": -2.0})
    assert model.probability({"a"}) == pytest.approx(1 / (1 + 2.718281828459045 ** -1.5))
    assert model.probability({"a", "b", "unknown"}) == pytest.approx(1 / (1 + 2.718281828459045 ** 0.5))
    assert Logistic(-800.0, {}).probability(()) == pytest.approx(0.0)  # no overflow either way
    assert Logistic(800.0, {}).probability(()) == pytest.approx(1.0)


def _duties(text: str, title: str = "Director of Finance") -> dict[str, tuple[str, ...]]:
    document = Document("p", "p.txt", f"{title}\n{text}", Structured(title=title, organisation="Exeter NHS Trust"))
    return {d.text: d.areas for d in extract_posting(document, full=True).duties}


def test_a_duty_about_the_budget_is_a_finance_duty() -> None:
    found = _duties("Key responsibilities\nYou will lead the Trust's financial planning and annual budget setting.\n")
    assert "finance" in found["You will lead the Trust's financial planning and annual budget setting."]


def test_what_the_successful_candidate_will_have_is_no_duty() -> None:
    text = ("Key responsibilities\nYou will lead the Trust's financial planning and annual budget setting.\n"
            "The successful candidate will have significant experience of financial management in the NHS.\n")
    found = _duties(text)
    assert "You will lead the Trust's financial planning and annual budget setting." in found
    assert not any(sentence.startswith("The successful candidate") for sentence in found)


def test_an_area_the_vocabulary_names_is_kept_only_as_the_model_says() -> None:
    sentence = Sentence("Lead the budget", 0, 15, "duties", True, True, False, True)
    candidate = DutySentence(sentence, True, ("finance",), ())
    keeps = DutyModel(Logistic(5.0, {}), {"finance": Logistic(-5.0, {OWN_AREA: 10.0})}, 0.5, 0.5, 1.01)
    assert keeps.read(candidate) == ("finance",)
    doubts = DutyModel(Logistic(5.0, {}), {"finance": Logistic(-5.0, {})}, 0.5, 0.5, 1.01)
    assert doubts.read(candidate) == ()
    not_a_duty = DutyModel(Logistic(-5.0, {}), {"finance": Logistic(5.0, {})}, 0.5, 0.0, 1.01)
    assert not_a_duty.read(candidate) is None
    adds = DutyModel(Logistic(5.0, {}), {"workforce": Logistic(5.0, {})}, 0.5, 0.0, 0.5)
    assert adds.read(DutySentence(sentence, True, (), ())) == ("workforce",)


def test_an_uncoded_partner_is_added_only_as_the_partner_classifier_says() -> None:
    sentence = Sentence("Work alongside our team of radiologists", 0, 40, "duties", True, True, False, True)
    candidate = DutySentence(sentence, True, (), ())
    sure = DutyModel(Logistic(5.0, {}), {}, 0.5, 0.5, 1.01, Logistic(-3.0, {"w:team": 6.0}), 0.8)
    assert sure.uncoded_partner(candidate, 0.99) == pytest.approx(0.99 * 0.9526, abs=1e-3)
    # the chance compared is the duty's times the partner's: a doubtful duty adds no partner
    assert sure.uncoded_partner(candidate, 0.6) is None
    doubts = DutyModel(Logistic(5.0, {}), {}, 0.5, 0.5, 1.01, Logistic(-3.0, {}), 0.8)
    assert doubts.uncoded_partner(candidate, 0.99) is None
    # an older model without the classifier adds none; nor is one added where the rules found the
    # sentence's partners ("with the Clinical & Medical Directors")
    assert DutyModel(Logistic(5.0, {}), {}, 0.5, 0.5, 1.01).uncoded_partner(candidate, 0.99) is None
    assert sure.uncoded_partner(DutySentence(sentence, True, (), ("other",)), 0.99) is None
    assert sure.uncoded_partner(DutySentence(sentence, True, (), ("clinical-director",)), 0.99) is None


@pytest.fixture
def partners_read(tmp_path: Path, model_at):  # type: ignore[no-untyped-def]
    """The shipped model with its uncoded-partner classifier switched on at 0.5, the threshold
    cross-validation chooses on all of dev. The shipped threshold is chosen on the title
    candidates, whose readers (like the test split's) wrote before the README's rule for
    colleagues as a group, and it may leave the classifier off (``NEVER``): what the classifier
    learned is tested here, whichever threshold ships."""
    path = model_at(tmp_path / "duty-model.json")
    path.write_text(json.dumps(dict(SHIPPED, thresholds={**SHIPPED["thresholds"], "partner": 0.5},
                                    thresholds_below={**SHIPPED["thresholds_below"], "partner": 0.5})), encoding="utf-8")


def test_a_duty_done_with_a_team_of_colleagues_names_an_uncoded_partner_and_joint_working(partners_read) -> None:  # type: ignore[no-untyped-def]
    """Issue 13: the rules find a partner with no role type only right after a cue of joint working
    ("working with ..."); readers name one wherever a duty statement says the post holder does it
    with colleagues, and joint working with them is then a fact of the post."""
    text = ("Job Title: Consultant Radiologist\nMain duties\n"
            "You will work closely alongside the wider multidisciplinary team to ensure optimal care.\n"
            "You will report CT and MRI examinations.\n")
    posting = extract_posting(Document("p", "p.txt", text), full=True)
    joined = next(d for d in posting.duties if d.text.startswith("You will work closely"))
    assert "other" in joined.with_
    assert all("other" not in d.with_ for d in posting.duties if d is not joined)  # reporting names no one
    works_with = {i.code: i for i in posting.works_with}
    assert works_with["other"].evidence == joined.evidence and works_with["other"].stated == "inferred"
    # its label as written names the colleagues, not the whole sentence again
    assert works_with["other"].label == "the wider multidisciplinary team"


def test_a_team_named_alone_is_a_partner_with_no_role_type_and_waiting_lists_name_none(partners_read) -> None:  # type: ignore[no-untyped-def]
    # the gold README: colleagues the post holder works with as a group are a partner, `other`;
    # the rules leave a team named alone to the duty model, which reads it from the whole sentence
    text = "Consultant\nThe post holder will work closely with the wider multidisciplinary team and manage waiting lists."
    p = extract_posting(Document("t", "t.json", text, Structured(title="Consultant", organisation="Anytown NHS Trust")), full=True)
    assert {w.code for w in p.works_with} == {"other"}
    assert p.works_with[0].evidence == p.duties[0].evidence and p.duties[0].with_ == ("other",)


def test_an_advert_is_read_with_the_thresholds_of_its_kind(tmp_path: Path, model_at) -> None:  # type: ignore[no-untyped-def]
    """A consultant's or ward advert is read with the thresholds chosen on such adverts, a
    leadership-level title (chief, director, head, chair, non-executive, guardian) with those
    chosen on the title candidates: the readers of the two kinds differ on a team as a partner."""
    path = model_at(tmp_path / "duty-model.json")
    path.write_text(json.dumps(dict(SHIPPED, thresholds={**SHIPPED["thresholds"], "partner": 1.01},
                                    thresholds_below={**SHIPPED["thresholds_below"], "partner": 0.5})), encoding="utf-8")
    body = "\nMain duties\nYou will work closely alongside the wider multidisciplinary team to ensure optimal care.\n"

    def partners(title: str) -> set[str]:
        advert = Document("p", "p.json", title + body, Structured(title=title, organisation="Anytown NHS Trust"))
        posting = extract_posting(advert, full=True)
        assert posting.title == title and posting.duties
        return {code for d in posting.duties for code in d.with_}

    assert partners("Consultant Radiologist") == {"other"}
    assert partners("Ward Manager") == {"other"}
    assert partners("Head of Radiology") == set()
    assert partners("Chief Nurse") == set()
    model = load_duty_model()
    assert model.for_title(True) is model and model.for_title(False) is model.below
    assert model.below is not None and model.below.partner_threshold == 0.5 and model.partner_threshold == 1.01
    # a model file without thresholds_below (an older one) reads every advert with its one set
    path.write_text(json.dumps({k: v for k, v in SHIPPED.items() if k != "thresholds_below"}), encoding="utf-8")
    model_at(path)
    assert load_duty_model().below is None and load_duty_model().for_title(False) is load_duty_model()


def test_a_leadership_level_title_is_the_gold_sets_title_candidate() -> None:
    """The duty model's thresholds are chosen on the title candidates and used for the titles the
    vocabulary calls leadership-level (context leadership-level-title): the two must be the same
    adverts, every one of the 308 candidates and none of the posts sampled for naming no
    candidate word (scripts/gold-sample-more.py)."""
    import csv

    from nhskg.extract.wording import wording
    from nhskg.vocabulary.vocab import load_vocabulary

    leadership_level = wording(load_vocabulary()).leadership_level_title
    gold = ROOT / "tests" / "data" / "gold"
    with (gold / "leadership-candidates.csv").open(encoding="utf-8") as rows:
        candidates = [row["title"] for row in csv.DictReader(rows)]
    assert len(candidates) == 308 and all(leadership_level.search(t) for t in candidates)
    below = [json.loads(line)["title"] for name in ("corpus-2020-more.jsonl", "corpus-2020-later.jsonl", "corpus-2020-front-line.jsonl")
             for line in (gold / name).read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(below) > 1000 and not any(leadership_level.search(t or "") for t in below)


def test_a_broken_model_file_names_itself_and_the_fix(tmp_path: Path) -> None:
    broken = tmp_path / "duty-model.json"
    broken.write_text('{"duty": {}}', encoding="utf-8")
    with pytest.raises(NhskgError, match=r"duty-model\.json.*train-duty-model\.py --write"):
        load_duty_model(broken)
    with pytest.raises(NhskgError, match=r"cannot be read.*train-duty-model\.py --write"):
        load_duty_model(tmp_path / "missing.json")


def test_an_installed_package_carries_the_model() -> None:
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = project["tool"]["setuptools"]["package-data"]["nhskg"]
    assert MODEL_PATH.relative_to(ROOT / "src" / "nhskg").as_posix() in package_data
    # training needs scikit-learn; running must not
    assert not any("scikit" in d for d in project["project"]["dependencies"] + project["project"]["optional-dependencies"]["dev"])
    assert any("scikit-learn" in d for d in project["project"]["optional-dependencies"]["train"])


SEED_POSTING = ROOT / "seeds" / "000_ceef7d63af8bb6ec.txt"  # a leadership posting: read in full


@pytest.fixture
def model_at(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """Point the extractor at another model file (read afresh, not from the cache)."""
    from nhskg.extract import duty_model

    def point(path: Path) -> Path:
        monkeypatch.setattr(duty_model, "MODEL_PATH", path)
        load_duty_model.cache_clear()
        return path

    yield point
    load_duty_model.cache_clear()


def test_a_build_without_its_duty_model_fails_naming_the_file(tmp_path: Path, model_at) -> None:  # type: ignore[no-untyped-def]
    # not one problem per posting read in full and a committed store without their duties
    from nhskg.pipeline.build import build

    model_at(tmp_path / "duty-model.json")
    with pytest.raises(NhskgError, match=r"duty-model\.json.*cannot be read.*train-duty-model\.py --write"):
        build([SEED_POSTING], tmp_path / "store", workers=1)
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").iterdir())


def test_a_duty_model_giving_an_area_the_vocabulary_lacks_fails_naming_the_file(tmp_path: Path, model_at) -> None:  # type: ignore[no-untyped-def]
    # a model trained on an older vocabulary: the fix is to retrain, not to add the code to the
    # vocabulary (what the graph's own error for an unknown code says)
    from nhskg.pipeline.build import build, read_postings

    stale = dict(SHIPPED, areas={**SHIPPED["areas"], "retired-area": {"bias": 10.0, "weights": {}}})
    path = model_at(tmp_path / "duty-model.json")
    path.write_text(json.dumps(stale), encoding="utf-8")
    with pytest.raises(NhskgError, match=r"duty-model\.json.*retired-area.*train-duty-model\.py --write"):
        build([SEED_POSTING], tmp_path / "store", workers=1)
    with pytest.raises(NhskgError, match=r"duty-model\.json.*retired-area"):
        list(read_postings([SEED_POSTING]))


def test_a_retrained_duty_model_makes_a_rebuild_extract_again(tmp_path: Path, model_at) -> None:  # type: ignore[no-untyped-def]
    # the store keeps a posting's graph while its input and the fingerprint are unchanged: the
    # fingerprint must follow the model's weights as it follows the extractor's source
    from nhskg.pipeline.identity import fingerprint
    from nhskg.vocabulary.vocab import load_vocabulary

    vocab = load_vocabulary()
    path = model_at(tmp_path / "duty-model.json")
    path.write_text(MODEL_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    before = fingerprint(vocab)
    path.write_text(json.dumps(dict(SHIPPED, thresholds={**SHIPPED["thresholds"], "duty": 0.9})), encoding="utf-8")
    assert fingerprint(vocab) != before


def test_training_reads_no_record_of_the_test_split(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # "Dev split only: the test split is never read": a test record that cannot be read must not
    # matter to training (the real test split is not opened here)
    import shutil

    script = _training_script()
    gold = tmp_path / "gold"
    (gold / "dev").mkdir(parents=True)
    shutil.copy(DEV / "000_ceef7d63af8bb6ec.json", gold / "dev")
    (gold / "test").mkdir()
    (gold / "test" / "999_unreadable.json").write_text("not a record", encoding="utf-8")
    monkeypatch.chdir(ROOT)  # the record names its source from the repository's root
    wanted, postings, examples = script.read_dev(gold)
    assert set(wanted) == set(postings) == {"000_ceef7d63af8bb6ec"} and examples


def _one_seed_record(root: Path) -> dict:
    """A gold tree under ``root`` holding one dev record with duties (a seed's) and its source."""
    import shutil

    (root / "dev").mkdir()
    record = json.loads((DEV / "000_ceef7d63af8bb6ec.json").read_text(encoding="utf-8"))
    (root / "dev" / "000_ceef7d63af8bb6ec.json").write_text(json.dumps(record), encoding="utf-8")
    (root / "seeds").mkdir()
    shutil.copy(ROOT / record["source"], root / record["source"])
    return record


def test_the_gold_digest_notices_a_changed_dev_posting_text(tmp_path: Path) -> None:
    # the model learns from the dev postings' texts as much as from their annotations: a text
    # changed in its source file leaves the model as stale as a changed record does
    record = _one_seed_record(tmp_path)
    before = gold_digest(gold_files(tmp_path / "dev", tmp_path))
    source = tmp_path / record["source"]
    source.write_text(source.read_text(encoding="utf-8") + "\nYou will also lead the estates strategy.\n", encoding="utf-8")
    assert gold_digest(gold_files(tmp_path / "dev", tmp_path)) != before


def test_a_dev_record_without_duties_leaves_the_model_current(tmp_path: Path) -> None:
    # the model learns only from records with annotated duties: a batch of dev postings annotated
    # without them must not make it stale, while one with duties must
    record = _one_seed_record(tmp_path)
    before = gold_digest(gold_files(tmp_path / "dev", tmp_path))
    (tmp_path / "dev" / "without.json").write_text(json.dumps(dict(record, id="x", duties=None)), encoding="utf-8")
    assert gold_digest(gold_files(tmp_path / "dev", tmp_path)) == before
    (tmp_path / "dev" / "with.json").write_text(json.dumps(dict(record, id="y")), encoding="utf-8")
    assert gold_digest(gold_files(tmp_path / "dev", tmp_path)) != before


def test_the_extractor_builds_the_features_the_training_checks_recorded() -> None:
    # the recorded checks give the features training built for six dev sentences; the extractor
    # must build the same ones from the same postings (tokens, folding, the rules' verdict, areas)
    from nhskg.extract.duties import duty_sentences
    from nhskg.extract.duty_model import features
    from nhskg.read.readers import read_documents

    wanted = {json.loads(p.read_text(encoding="utf-8"))["id"]: json.loads(p.read_text(encoding="utf-8"))["source"]
              for p in sorted(DEV.glob("*.json"))[:3]}
    built: set[frozenset[str]] = set()
    for document in read_documents(sorted({ROOT / s for s in wanted.values()})):
        if document.id in wanted:
            def keep(reading, partners):  # type: ignore[no-untyped-def]
                built.update(features(c) for c in duty_sentences(reading, partners))
                return ()
            extract_posting(document, full=True, duty_reader=keep)
    for check in SHIPPED["checks"]:
        assert frozenset(check["features"]) in built


def test_a_sentences_chances_do_not_depend_on_the_order_of_its_features() -> None:
    # features are a frozenset, iterated in an order that changes with the process's hash seed:
    # summed in that order, 0.2 - 0.6 + 0.6 - 0.2 is 0 in one build and -1e-16 in the next, and a
    # sentence at the threshold is a duty in one and not the other
    import itertools

    weights = {"w:a": 0.2, "w:b": -0.6, "w:c": 0.6}
    duty = Logistic(-0.2, weights)
    assert len({duty.probability(order) for order in itertools.permutations(weights)}) == 1
    model = DutyModel(duty, {"finance": Logistic(-0.2, weights)}, 0.5, 0.5, 0.5)
    sentence = Sentence("a b c", 0, 5, "duties", True, True, False, True)
    candidate = DutySentence(sentence, True, (), ())
    chances = {model.area_probabilities(candidate, order)["finance"] for order in itertools.permutations(weights)}  # type: ignore[arg-type]
    assert len(chances) == 1


def test_a_duty_and_each_of_its_areas_carry_the_models_chance() -> None:
    """Issue 13, point 6: the areas a duty is read as being about carry the model's chance, the
    figure the thresholds compared, and a kept area the model doubts carries a low one."""
    sentence = Sentence("Lead the budget", 0, 15, "duties", True, True, False, True)
    candidate = DutySentence(sentence, True, ("finance", "workforce"), ())
    model = DutyModel(Logistic(2.0, {}), {"finance": Logistic(-1.0, {OWN_AREA: 4.0}), "workforce": Logistic(-3.0, {}),
                                          "maternity": Logistic(3.0, {})}, 0.5, 0.0, 0.5)
    duty, areas = model.weigh(candidate)  # type: ignore[misc]
    chances = dict(areas)
    assert duty == pytest.approx(1 / (1 + math.exp(-2.0)))
    assert chances["finance"] == pytest.approx(duty / (1 + math.exp(-3.0)))
    assert chances["workforce"] == pytest.approx(duty / (1 + math.exp(3.0))) and chances["workforce"] < 0.1
    assert chances["maternity"] == pytest.approx(duty / (1 + math.exp(-3.0)))
    assert model.read(candidate) == tuple(chances) == ("finance", "workforce", "maternity")


def test_an_extracted_duty_gives_a_confidence_for_each_area_and_keeps_it_in_its_record() -> None:
    document = Document("p", "p.txt", "Director of Finance\nKey responsibilities\n"
                        "You will lead the Trust's financial planning and annual budget setting.\n",
                        Structured(title="Director of Finance", organisation="Exeter NHS Trust"))
    posting = extract_posting(document, full=True)
    duty = next(d for d in posting.duties if d.text.startswith("You will lead"))
    assert "finance" in duty.areas and len(duty.area_confidence) == len(duty.areas)
    assert duty.confidence is not None and 0.5 <= duty.confidence <= 1
    assert all(0 <= c <= duty.confidence for c in duty.area_confidence)
    assert duty.chance_of("finance") > 0.5
    again = Posting.from_json(json.loads(json.dumps(posting.to_json())))
    assert again.duties == posting.duties


def test_a_duty_with_more_confidence_figures_than_areas_is_refused() -> None:
    with pytest.raises(ValueError, match="1 area.*2 area confidence"):
        Duty("Lead the budget", ("finance",), (), Evidence("Lead the budget", 0, 15), area_confidence=(0.9, 0.4))


def test_the_graph_gives_each_area_of_a_read_duty_its_confidence_and_a_gold_duty_none() -> None:
    import pyoxigraph as ox

    from nhskg.graph.posting import posting_quads
    from nhskg.namespaces import NHSKG
    from nhskg.vocabulary.vocab import load_vocabulary

    document = Document("p", "p.txt", "Director of Finance\nKey responsibilities\n"
                        "You will lead the Trust's financial planning and annual budget setting.\n",
                        Structured(title="Director of Finance", organisation="Exeter NHS Trust"))
    posting = extract_posting(document, full=True)
    store = ox.Store()
    store.extend(posting_quads(posting, load_vocabulary(), full=True))
    rows = {(str(r["area"].value).rsplit("/", 1)[-1], float(r["c"].value)) for r in store.query(f"""
        SELECT ?area ?c WHERE {{ GRAPH ?g {{ ?duty <{NHSKG.dutyArea}> ?area ; <{NHSKG.areaReading}> ?r .
                                 ?r <{NHSKG.readingOfArea}> ?area ; <{NHSKG.confidence}> ?c }} }}""")}
    read = {(area, chance) for d in posting.duties for area, chance in zip(d.areas, d.area_confidence)}
    assert rows == read and any(area == "finance" for area, _ in rows)
    duty_chances = {float(r["c"].value) for r in store.query(f"""
        SELECT ?c WHERE {{ GRAPH ?g {{ ?post <{NHSKG.hasDuty}> ?duty . ?duty <{NHSKG.confidence}> ?c }} }}""")}
    assert duty_chances == {d.confidence for d in posting.duties}
    gold = replace(posting, duties=tuple(replace(d, confidence=None, area_confidence=()) for d in posting.duties))
    store = ox.Store()
    store.extend(posting_quads(gold, load_vocabulary(), full=True))
    assert not list(store.quads_for_pattern(None, ox.NamedNode(NHSKG.areaReading), None, None))
    duties = [q.object for q in store.quads_for_pattern(None, ox.NamedNode(NHSKG.hasDuty), None, None)]
    assert duties and not any(any(store.quads_for_pattern(d, ox.NamedNode(NHSKG.confidence), None, None)) for d in duties)


def test_a_hand_made_records_duty_prints_no_chances() -> None:
    gold = Posting.from_json(json.loads((DEV / "000_ceef7d63af8bb6ec.json").read_text(encoding="utf-8")))
    printed = gold.to_json()["duties"]
    assert printed and all(set(d) == {"text", "areas", "with", "evidence"} for d in printed)
    assert Posting.from_json(gold.to_json()) == gold
