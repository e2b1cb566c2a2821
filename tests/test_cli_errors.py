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


#: Values a person might give that a message must not repeat whole: 10,000 characters (the whole
#: of one made the message 10 KB), and a newline (which broke the one error line in two).
LONG, TWO_LINES = "x" * 10_000, "two\nlines"


def echoed_line(result: Result) -> str:
    """The one error line, which repeats at most the first 80 characters of what was given."""
    line = one_error_line(result)
    assert "x" * 81 not in line and len(line) < 400, f"{len(line)} characters: {line[:200]}"
    return line


@pytest.mark.parametrize("value", [LONG, TWO_LINES], ids=["long", "newline"])
@pytest.mark.parametrize("args", [
    ["query", "split-lines", "--param", "{}"],
    ["render", "query", "--query", "works-with", "-p", "{}"],
], ids=["query", "render"])
def test_a_parameter_not_name_value_is_echoed_in_short(tmp_path: Path, args: list[str], value: str) -> None:
    result = run("--store", tmp_path / "none", *[value if a == "{}" else a for a in args])
    assert result.exit_code == 2
    line = echoed_line(result)
    assert "is not NAME=VALUE" in line and ("xxxxxxxx…'" in line or "'two\\nlines'" in line)


#: Options click checks (a choice, a number): click's own message repeated the whole value.
CLICK_CHECKED = [
    ["analyse", "drift", "CMO", "--by", "{}"],
    ["analyse", "network", "--min-confidence", "{}"],
    ["analyse", "network", "--top", "{}"],
    ["analyse", "overlap", "CMO", "Chief Nurse", "--threshold", "{}"],
    ["analyse", "gaps", "--format", "{}"],
    ["query", "split-lines", "--format", "{}"],
    ["query", "split-lines", "--timeout", "{}"],
    ["review", "--status", "{}"],
    ["review", "--limit", "{}"],
    ["review", "decide", "abc", "{}", "--reviewer", "a"],
    ["render", "{}"],
    ["render", "reporting", "--limit", "{}"],
    ["summary", "--format", "{}"],
    ["serve", "--port", "{}"],
    ["validate", "--limit", "{}"],
]


@pytest.mark.parametrize("value", [LONG, TWO_LINES], ids=["long", "newline"])
@pytest.mark.parametrize("args", CLICK_CHECKED, ids=[" ".join(a).replace("{}", "VALUE") for a in CLICK_CHECKED])
def test_a_value_click_refuses_is_echoed_in_short(tmp_path: Path, args: list[str], value: str) -> None:
    result = run("--store", tmp_path / "none", *[value if a == "{}" else a for a in args])
    assert result.exit_code == 2
    line = echoed_line(result)
    assert "xxxxxxxx…'" in line or "'two\\nlines'" in line


def test_a_value_click_refuses_is_still_named_with_what_to_give(tmp_path: Path) -> None:
    by = echoed_line(run("--store", tmp_path / "none", "analyse", "drift", "CMO", "--by", "decade"))
    assert "'decade' is not one of 'year', 'month'." in by and "--by" in by
    top = echoed_line(run("--store", tmp_path / "none", "analyse", "network", "--top", "many"))
    assert "'many' is not a valid integer." in top


@pytest.mark.parametrize("value", [LONG, TWO_LINES], ids=["long", "newline"])
def test_an_unknown_query_is_echoed_in_short_and_is_exit_2(seeds_store: Path, value: str) -> None:
    result = run("--store", seeds_store, "query", value)
    assert result.exit_code == 2, result.output[:300]  # a name too long for the file system was exit 1
    line, short = one_error_line(result), one_error_line(run("--store", seeds_store, "query", "no-such-query"))
    assert "unknown query '" in line and len(line) <= len(short) + 80, line[:300]  # the list of queries is the rest


@pytest.mark.parametrize("value", [LONG, TWO_LINES], ids=["long", "newline"])
@pytest.mark.parametrize("view", ["reporting", "profile"])
def test_an_unknown_organisation_of_render_is_echoed_in_short(seeds_store: Path, tmp_path: Path, view: str, value: str) -> None:
    result = run("--store", seeds_store, "render", view, "--org", value, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "no organisation named '" in echoed_line(result)


@pytest.mark.parametrize("value", [LONG, TWO_LINES], ids=["long", "newline"])
def test_an_unknown_split_of_evaluate_is_echoed_in_short(value: str) -> None:
    gold = Path(__file__).resolve().parent / "data" / "gold"
    result = run("evaluate", gold, "--split", value)
    assert result.exit_code == 2
    assert "no split named '" in echoed_line(result)


def test_a_query_file_without_an_organisation_parameter_is_echoed_in_short(seeds_store: Path, tmp_path: Path) -> None:
    query = tmp_path / "two\nlines.rq"  # a file name with a newline broke the one error line in two
    query.write_text("SELECT ?s ?o WHERE { ?s ?p ?o } LIMIT 1\n", encoding="utf-8")
    result = run("--store", seeds_store, "render", "query", "--query", query, "--org", "North", "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert "lines.rq' has no organisation parameter" in echoed_line(result)
