"""Text clean-up rules: each test pins one kind of mess from a real posting."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from nhskg.read.cleaning import MIN_REPEATED_LINE_CHARS, clean_line, clean_text

INPUTS = Path(__file__).parent / "data" / "inputs"
SEED_000 = INPUTS / "seed-000-country-banner.txt"
SEED_002 = INPUTS / "seed-002-alert-banners.txt"
SEED_003 = INPUTS / "seed-003-repeated-blocks.txt"
SEED_004 = INPUTS / "seed-004-tracking-code.txt"


def seed_003() -> str:
    return clean_text(SEED_003.read_text(encoding="utf-8"))


def test_seed_003_repeated_job_description_is_kept_once() -> None:
    text = seed_003()
    assert text.count("Accountable to: Group Chief Executive") == 1
    assert text.count("Medical degree and current registration with GMC") == 1
    assert text.count("Pay Band: Very Senior Manager") == 1
    assert text.count("Disclosure and Barring Service Check") == 1


def test_seed_003_first_copy_is_the_one_kept() -> None:
    text = seed_003()
    # The first copy follows "About us" ... and the person specification follows the second
    # copy's closing line, so both facts keep their first position.
    assert text.index("Accountable to: Group Chief Executive") < text.index("Person Specification")
    assert "Please see the attached job description" in text


def test_seed_003_wrapped_bullets_are_joined() -> None:
    text = seed_003()
    assert (
        "- To lead and support the Hospital Medical Directors to provide local medical "
        "leadership to each of our sites\n"
    ) in text
    assert "\nleadership to each of our sites" not in text


def test_seed_003_page_number_is_dropped_and_the_bullet_rejoined() -> None:
    text = seed_003()
    assert "\n3\n" not in text
    assert "learning from others and incorporating the best practices from elsewhere" in text


def test_seed_003_application_link_and_new_tab_fragments_are_dropped() -> None:
    text = seed_003()
    assert "To apply, please visit" not in text
    assert "(Opens in a new tab)" not in text
    assert "(opens in a new window)" not in text
    assert "visit the UK Visas and Immigration website." in text


def test_seed_002_alert_banners_are_dropped_but_content_stays() -> None:
    text = clean_text(SEED_002.read_text(encoding="utf-8"))
    for banner in (
        "Enable job alerts via email!",
        "Boost your interview chances",
        "Create a job specific, tailored resume for higher success rate.",
        "Go back",
    ):
        assert banner not in text
    assert text.startswith("A leading healthcare organization in Lancashire")
    assert "\nLancashire Teaching Hospitals NHS Foundation Trust\n" in text
    assert "The closing date is 01 June 2025" in text


def test_seed_000_country_banner_is_dropped() -> None:
    text = clean_text(SEED_000.read_text(encoding="utf-8"))
    assert "This list contains only the countries" not in text
    assert text.startswith("The Interim Chief Medical Officer (CMO) serves")


def test_seed_004_tracking_code_is_dropped() -> None:
    text = clean_text(SEED_004.read_text(encoding="utf-8"))
    assert "#J-18808-Ljbffr" not in text
    assert text.endswith("Salary: £131,301 per year (starting from £131,301) - ESM 2")


def test_line_endings_and_unicode_are_normalised() -> None:
    raw = "Chief\u00a0Nurse \r\nCafe\u0301\rZero\u200bwidth\u00ad\n\n\n\n\nEnd  of   line"
    assert clean_text(raw) == "Chief Nurse\nCafé\nZerowidth\n\nEnd of line"


def test_zero_width_between_letter_and_accent_composes_in_one_pass() -> None:
    assert clean_text("Caf e\u200b\u0301") == "Caf \u00e9"


def test_smart_quotes_stay() -> None:
    assert clean_text("the organisation\u2019s \u201cvalues\u201d") == (
        "the organisation\u2019s \u201cvalues\u201d"
    )


def test_bare_number_after_a_label_is_a_value_not_a_page_number() -> None:
    assert clean_text("Band:\n7\nMore text\n12\nEnd") == "Band:\n7\nMore text\nEnd"


def test_wrapped_line_after_finished_bullet_is_not_joined() -> None:
    text = clean_text("- Lead the service.\nand this is a new paragraph")
    assert text == "- Lead the service.\nand this is a new paragraph"


def test_upper_case_line_after_bullet_is_not_joined() -> None:
    assert clean_text("- Lead the team\nQualifications") == "- Lead the team\nQualifications"


def test_repeated_long_line_is_kept_once() -> None:
    line = "The post holder " + "x" * MIN_REPEATED_LINE_CHARS
    text = clean_text(f"{line}\nshort\n{line}\nshort")
    assert text.count(line) == 1
    assert text.count("short") == 2  # short lines alone are never repeats


def test_three_repeated_lines_are_not_a_block() -> None:
    block = "Accountable to: the Chief Executive\nBand: VSM\nBased in Leeds with travel"
    assert clean_text(f"{block}\nmiddle\n{block}").count("Band: VSM") == 2


def test_repeat_is_found_whatever_the_case_and_blank_lines() -> None:
    block = ["Person Specification", "Essential", "- Medical degree and GMC registration", "- MBA"]
    first = "\n".join(block)
    second = "\n\n".join(line.upper() for line in block)
    text = clean_text(f"{first}\nAbout us\n{second}")
    assert text.count("GMC registration") + text.count("GMC REGISTRATION") == 1


def test_content_mentioning_alerts_is_kept() -> None:
    raw = "You will enable job alerts via email for the rota team and go back to basics."
    assert clean_text(raw) == raw


def test_clean_line_makes_one_line() -> None:
    assert clean_line(" Chief\n Medical\u00a0Officer\t") == "Chief Medical Officer"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_clean_text_is_idempotent_and_tidy(raw: str) -> None:
    once = clean_text(raw)
    assert clean_text(once) == once
    assert "\r" not in once
    assert "\n\n\n" not in once
    assert all(line == line.strip() for line in once.split("\n"))
