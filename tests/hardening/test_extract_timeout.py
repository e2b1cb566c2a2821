"""A posting on which extraction never ends hung ``nhskg extract`` and ``nhskg evaluate --against``
for ever, as it once hung a build: they read postings through ``read_postings``, which had no time
limit. Now it is stopped at ``--posting-timeout`` (env NHSKG_POSTING_TIMEOUT, as for a build),
named on stderr like any unreadable record (exit 1), and the other postings are printed or scored.

The commands run in a child process, so that one that hangs fails its test (after 60 s) instead
of holding the test run for ever.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .test_posting_timeout import NURSE, hangs_on

#: ``nhskg ARGS...`` in a child whose extractor backtracks for ever on posting nurse-3.
HANGS_CHILD = "import importlib, re, sys\nfrom nhskg.cli import main\n" + hangs_on("nurse-3") + "main(sys.argv[1:])\n"

IDS = [f"nurse-{n}" for n in range(6)]


def _feed(tmp_path: Path) -> Path:
    feed = tmp_path / "few.jsonl"
    feed.write_text("".join(json.dumps({**NURSE, "id": posting}) + "\n" for posting in IDS), encoding="utf-8")
    return feed


def _with_a_posting_that_hangs(*args: str | Path, limit_by: str) -> subprocess.CompletedProcess[str]:
    """``nhskg ARGS`` with a limit of 1 s, given as ``--posting-timeout`` or in the environment."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    env.pop("NHSKG_POSTING_TIMEOUT", None)
    argv = [str(a) for a in args]
    if limit_by == "option":
        argv += ["--posting-timeout", "1"]
    else:
        env["NHSKG_POSTING_TIMEOUT"] = "1"
    try:
        return subprocess.run([sys.executable, "-c", HANGS_CHILD, *argv], env=env, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired as hung:
        said = hung.stderr.decode(errors="replace") if isinstance(hung.stderr, bytes) else hung.stderr
        raise AssertionError(f"nhskg {argv[0]} hung on the posting that never ends:\n{said}") from None


def _named_once(done: subprocess.CompletedProcess[str], feed: Path) -> None:
    """Exit 1, and one line on stderr naming the posting that overran, in the build's words."""
    assert done.returncode == 1 and "Traceback" not in done.stderr and "error:" not in done.stderr, done.stderr
    assert done.stderr.splitlines() == [
        f"skipped {feed} (record nurse-3): took longer than 1 s to extract, the limit for one posting, and was stopped"
        " (nhskg may never finish on it); it is left out and the rest is read; please report it, or allow more time"
        " with --posting-timeout SECONDS (env NHSKG_POSTING_TIMEOUT)"], done.stderr


@pytest.mark.parametrize("limit_by", ["env", "option"])
def test_bug_a_posting_whose_extraction_never_ends_hung_nhskg_extract(tmp_path: Path, limit_by: str) -> None:
    feed = _feed(tmp_path)
    done = _with_a_posting_that_hangs("extract", feed, limit_by=limit_by)
    _named_once(done, feed)
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == [p for p in IDS if p != "nurse-3"]


def test_bug_a_posting_whose_extraction_never_ends_hung_nhskg_evaluate_against(tmp_path: Path) -> None:
    """Every posting of the feed is a gold record (as the extractor reads it): the one stopped is
    scored as not extracted, the others are scored."""
    from nhskg.pipeline.build import read_postings

    feed = _feed(tmp_path)
    gold = tmp_path / "gold" / "dev"
    gold.mkdir(parents=True)
    for posting in read_postings([feed], full=True):
        record = posting.to_json()  # type: ignore[union-attr]
        (gold / f"{record['id']}.json").write_text(json.dumps(record), encoding="utf-8")
    done = _with_a_posting_that_hangs("evaluate", gold.parent, "--against", feed, "--format", "json", limit_by="env")
    _named_once(done, feed)
    scored = json.loads(done.stdout)["dev"]
    assert (scored["postings"], scored["missing"]) == (5, ["nurse-3"]), scored


@pytest.mark.parametrize("command", ["build", "extract", "evaluate"])
def test_every_command_that_extracts_takes_the_same_limit(command: str) -> None:
    """One option, default and environment variable for every command that extracts postings."""
    from nhskg.cli import main
    from nhskg.pipeline.build import POSTING_TIMEOUT

    [option] = [p for p in main.commands[command].params if p.name == "posting_timeout"]
    assert (option.opts, option.default, option.envvar) == (["--posting-timeout"], POSTING_TIMEOUT, "NHSKG_POSTING_TIMEOUT")


@pytest.mark.parametrize("seconds", [0, -1, float("inf"), float("nan")])
def test_a_posting_timeout_of_read_postings_that_is_not_a_number_of_seconds_is_refused(tmp_path: Path, seconds: float) -> None:
    from nhskg.pipeline.build import read_postings

    with pytest.raises(ValueError, match="posting_timeout must be a number of seconds"):
        next(read_postings([tmp_path], posting_timeout=seconds))
