"""The extractor on the seed postings and on small inline cases: one behaviour per test."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from nhskg.read.documents import Document, Structured
from nhskg.extract import extract_posting
from nhskg.read.readers import read_documents
from nhskg.vocabulary.vocab import load_vocabulary

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
SEED_000 = "000_ceef7d63af8bb6ec"
SEED_001 = "001_409df43c28ff9e57"
SEED_002 = "002_0e81c49389fa44a3"
SEED_003 = "003_ee31a5acbe06f6bc"
SEED_004 = "004_b2e16b31a0d9c09e"


@pytest.fixture(scope="module")
def seeds():
    vocab = load_vocabulary()
    documents = [d for d in read_documents(sorted(SEEDS.glob("00*.txt"))) if isinstance(d, Document)]
    return {d.id: extract_posting(d, vocab) for d in documents}


def codes(items):
    return {i.code for i in items}


def test_seed_001_regional_cmo_with_two_lines(seeds):
    p = seeds[SEED_001]
    assert p.role_type == "chief-medical-officer"
    assert p.scope == "region"
    assert p.organisation is not None and p.organisation.name == "NHS England"
    assert codes(p.accountable_to) == {"regional-director"}
    assert codes(p.professionally_accountable_to) == {"national-medical-director"}
    assert "chief-nurse" in codes(p.works_with)
    assert p.salary is not None and p.salary.min == 135000 and p.salary.max == 135000
    assert p.closing_date == "2025-10-15"
    assert "gmc-registration" in codes(p.requirements)
    assert p.pay_band == "medical-leader-2"


def test_seed_003_group_cmo(seeds):
    p = seeds[SEED_003]
    assert p.role_type == "chief-medical-officer"
    assert p.scope == "group"
    assert codes(p.accountable_to) == {"chief-executive"}
    assert {"chief-nurse", "chief-delivery-officer"} <= codes(p.works_with)
    assert {"board-member", "professional-lead-pharmacy"} <= codes(p.designations)
    assert p.organisation is not None and p.organisation.type == "hospital-group"
    assert p.pay_band == "vsm"


def test_seed_003_repeated_block_yields_facts_once(seeds):
    p = seeds[SEED_003]
    texts = [d.text for d in p.duties]
    assert len(texts) == len(set(texts))
    assert sum("Working jointly with the Chief Nurse" in t for t in texts) == 1


def test_seed_003_joint_duty_names_partner(seeds):
    joint = [d for d in seeds[SEED_003].duties if "chief-nurse" in d.with_]
    assert any("safe and compassionate care" in d.text for d in joint)


def test_seed_000_acts_as_caldicott_guardian(seeds):
    p = seeds[SEED_000]
    assert p.role_type == "chief-medical-officer"
    assert "caldicott-guardian" in codes(p.designations)


def test_seed_004_coo_salary(seeds):
    p = seeds[SEED_004]
    assert p.role_type == "chief-operating-officer"
    assert p.salary is not None and p.salary.min == 131301
    assert p.pay_band == "esm-2"


def test_every_evidence_offset_points_at_its_sentence(seeds):
    texts = {d.id: d.text for d in read_documents(sorted(SEEDS.glob("00*.txt"))) if isinstance(d, Document)}
    for posting in seeds.values():
        text = texts[posting.id]
        items = [*posting.accountable_to, *posting.professionally_accountable_to, *posting.works_with,
                 *posting.leads, *posting.designations, *posting.bodies, *posting.requirements]
        for evidence in [i.evidence for i in items] + [d.evidence for d in posting.duties]:
            assert text[evidence.start : evidence.end] == evidence.sentence


def test_divisional_director_of_nursing_is_not_the_board_chief_nurse():
    doc = Document("d", "d.txt", "Job Title: Divisional Director of Nursing\nYou will lead nursing in the division.")
    assert extract_posting(doc).role_type == "divisional-director-of-nursing"


def test_pa_to_the_chief_executive_is_not_a_chief_executive():
    doc = Document("pa", "pa.json", "PA to the Chief Executive\nSupport the office.", Structured(title="PA to the Chief Executive"))
    assert extract_posting(doc).role_type != "chief-executive"


def test_role_named_as_subject_of_another_sentence_is_not_our_line():
    text = ("Job Title: Chief Nurse\n"
            "The Medical Director will be accountable to the Chair.\n"
            "You will be accountable to the Chief Executive.")
    p = extract_posting(Document("cn", "cn.txt", text))
    assert codes(p.accountable_to) == {"chief-executive"}


def test_working_with_the_caldicott_guardian_is_not_holding_it():
    text = "Job Title: Chief Nurse\nYou will work closely with the Caldicott Guardian on confidentiality."
    assert "caldicott-guardian" not in codes(extract_posting(Document("cn", "cn.txt", text)).designations)


def test_deputising_for_the_chief_executive_is_the_deputy_ceo_designation():
    text = "Job Title: Chief Operating Officer\nYou will deputise for the Chief Executive when required."
    p = extract_posting(Document("coo", "coo.txt", text))
    assert "deputy-chief-executive" in codes(p.designations)
    # deputising is its own relation, not joint working
    assert codes(p.deputises_for) == {"chief-executive"} and "chief-executive" not in codes(p.works_with)


def test_desirable_heading_marks_requirements_desirable():
    text = ("Job Title: Chief Medical Officer\nPerson specification\nEssential\n- Current registration with GMC\n"
            "Desirable\n- Formal management or leadership qualification\n")
    reqs = {r.code: r.essential for r in extract_posting(Document("r", "r.txt", text)).requirements}
    assert reqs.get("gmc-registration") is True
    assert reqs.get("management-qualification") is False


def test_an_added_synonym_is_recognised_without_code_change(tmp_path):
    vocab_dir = tmp_path / "vocab"
    shutil.copytree(Path(load_vocabulary().graph_files[0]).parent, vocab_dir)
    text = "Job Title: Chief Nurse\nYou will work closely with the Lord High Surgeon on patient safety."
    before = extract_posting(Document("s", "s.txt", text), load_vocabulary(vocab_dir))
    assert "chief-medical-officer" not in codes(before.works_with)
    role_file = vocab_dir / "role-type.ttl"
    content = role_file.read_text(encoding="utf-8")
    marker = 'skos:notation "chief-medical-officer"'
    assert marker in content
    role_file.write_text(content.replace(marker, marker + ' ; skos:altLabel "Lord High Surgeon"@en', 1), encoding="utf-8")
    load_vocabulary.cache_clear()
    after = extract_posting(Document("s", "s.txt", text), load_vocabulary(vocab_dir))
    load_vocabulary.cache_clear()
    assert "chief-medical-officer" in codes(after.works_with)


def test_non_leadership_posting_gets_only_the_basics():
    text = "Staff Nurse\nYou will work closely with the Chief Nurse on patient safety."
    doc = Document("sn", "sn.json", text, Structured(title="Staff Nurse", organisation="Anytown NHS Trust"))
    p = extract_posting(doc)
    assert p.leadership is False and p.role_type == "other"
    assert p.works_with == () and p.duties == ()
    assert p.organisation is not None and p.organisation.type == "nhs-trust"
    full = extract_posting(doc, full=True)
    assert "chief-nurse" in codes(full.works_with)


@pytest.mark.parametrize("sentence", [
    "The post holder will work collaboratively with other members of the MDT to deliver quality care.",
    "The appointee will be expected to work closely with allied team members to develop the service.",
    "The successful applicant will join a team of dedicated intensivists working in harmony.",
    "You will work alongside 5 Consultant Oncology colleagues on the cancer pathway.",
])
def test_members_of_a_team_are_partners_with_no_role_type(sentence):
    doc = Document("t", "t.json", f"Consultant\n{sentence}", Structured(title="Consultant", organisation="Anytown NHS Trust"))
    p = extract_posting(doc, full=True)
    assert codes(p.works_with) == {"other"}


def test_members_listed_after_including_are_partners_though_the_group_names_no_role():
    text = ("Assistant Trust Secretary\nBuilding and maintaining relationships with senior internal staff, "
            "including executive directors and non executive directors.")
    doc = Document("t", "t.json", text, Structured(title="Assistant Trust Secretary", organisation="Anytown NHS Trust"))
    p = extract_posting(doc, full=True)
    assert codes(p.works_with) == {"other", "non-executive-director"}
    assert {"other", "non-executive-director"} <= set(p.duties[0].with_)
