"""One error handler for every command: the same mistake gives the same exit code and one line.

Exit codes (``nhskg --help``, README): 0 done; 1 a problem in the data, the store or the endpoint;
2 a usage mistake; 3 a query stopped at its time limit.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from nhskg.cli import EXIT_CODES, main


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def one_error_line(result: Result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output, result.output
    return lines[0]


#: Every command that reads the store, as it would be typed against a store that is not there.
READERS = [
    ["query", "split-lines"],
    ["summary"],
    ["validate"],
    ["export", "graph.ttl"],
    ["analyse", "network"],
    ["analyse", "overlap", "CMO", "Chief Nurse"],
    ["render", "reporting"],
    ["review", "--no-shacl"],
    ["serve", "--port", "0"],
]


@pytest.mark.parametrize("args", READERS, ids=[" ".join(a) for a in READERS])
def test_a_missing_store_is_exit_1_and_says_to_build(tmp_path: Path, args: list[str]) -> None:
    result = run("--store", tmp_path / "none", *[str(tmp_path / a) if a.endswith(".ttl") else a for a in args])
    assert result.exit_code == 1
    assert "nhskg build" in one_error_line(result)


@pytest.mark.parametrize("args", [
    ["query", "no-such-query"],
    ["render", "query", "--query", "no-such-query"],
])
def test_an_unknown_query_is_exit_2_from_query_and_render(seeds_store: Path, tmp_path: Path, args: list[str]) -> None:
    result = run("--store", seeds_store, *args, *(["--out", tmp_path] if args[0] == "render" else []))
    assert result.exit_code == 2
    assert "unknown query 'no-such-query'" in one_error_line(result)


@pytest.mark.parametrize("args", [
    ["query", "works-with", "--param", "role"],
    ["query", "works-with", "-p", "role"],
    ["render", "query", "--query", "works-with", "--param", "role"],
    ["render", "query", "--query", "works-with", "-p", "role"],
])
def test_a_parameter_that_is_not_name_value_is_exit_2_before_the_store_is_opened(tmp_path: Path, args: list[str]) -> None:
    result = run("--store", tmp_path / "none", *args)
    assert result.exit_code == 2
    assert "'role' is not NAME=VALUE" in one_error_line(result)


@pytest.mark.parametrize("args", [
    ["analyse", "overlap", "Chief Nurse", "chief-wizard"],
    ["analyse", "drift", "chief-wizard"],
    ["render", "profile", "--role", "chief-wizard"],
    ["render", "roles", "--role-b", "chief-wizard"],
])
def test_an_unknown_role_type_is_exit_2_from_every_command_that_takes_one(tmp_path: Path, args: list[str]) -> None:
    result = run("--store", tmp_path / "none", *args)
    assert result.exit_code == 2
    assert "'chief-wizard' is not a role type" in one_error_line(result)


def test_role_types_are_taken_by_code_label_or_acronym(seeds_store: Path) -> None:
    by_code = run("--store", seeds_store, "analyse", "overlap", "chief-medical-officer", "chief-nurse", "--format", "json")
    by_label = run("--store", seeds_store, "analyse", "overlap", "CMO", "chief nurse", "--format", "json")
    assert by_code.exit_code == 0 and by_label.exit_code == 0, by_label.output
    assert '"jaccard"' in by_code.output and by_label.output == by_code.output


def test_a_usage_mistake_of_click_itself_is_exit_2_on_one_line(seeds_store: Path) -> None:
    result = run("--store", seeds_store, "query", "split-lines", "--format", "xml")
    assert result.exit_code == 2
    assert "--format" in one_error_line(result)


def test_the_exit_codes_are_in_the_help_and_the_readme() -> None:
    help_text = " ".join(run("--help").output.split())
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for code, meaning in EXIT_CODES:
        assert f"{code} {meaning}" in help_text
        assert f"| {code} | {meaning} |" in readme


def test_the_old_option_names_still_work_with_a_notice(tmp_path: Path) -> None:
    seeds = Path(__file__).resolve().parents[1] / "seeds"
    posting = next(p for p in sorted(seeds.iterdir()) if p.suffix == ".txt")
    result = run("build", "--store", tmp_path / "s", "--no-validate", "--no-decisions", "--all-postings-full", posting)
    assert result.exit_code == 0, result.output
    assert "note: --all-postings-full is now --full" in result.output
    assert "--all-postings-full" not in run("build", "--help").output
    assert "--curation" not in run("serve", "--help").output and "--decisions" in run("serve", "--help").output
