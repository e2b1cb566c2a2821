"""Bad paths on the command line: each is skipped with the reader's own line, the rest is read.

Before: click's ``exists=True`` on PATH... ran before the reader, so one missing path (or a loop
of symbolic links, called "does not exist") cancelled the whole ``build`` or ``extract`` with exit
2. Now every command that reads postings (``extract``, ``build``, ``evaluate --against``) takes
its paths the same way: a path that cannot be read is one line naming it and why, the others are
read, and the exit status is 1; only when no path given can be read is it a usage error (exit 2),
and then a build has not touched the store. The notebook API (``nhskg.build``) takes them alike.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from nhskg.cli import main
from nhskg.graph.store import GraphStore

GOOD = (
    "Chief Nurse\nNorfolk and Norwich University Hospitals NHS Foundation Trust\n"
    "The Chief Nurse reports to the Chief Executive and is the Caldicott Guardian for the Trust.\n"
)
GOLD = Path(__file__).resolve().parent / "data" / "gold"

#: A bad path (made in ``bad/`` by :func:`paths`) -> what the reader says of it.
BAD = {
    "missing.txt": "no such file or directory; check the path",
    "loop.txt": "a loop of symbolic links",
    "gone.txt": "a broken symbolic link: its target nowhere.txt does not exist",
}


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def err_lines(result: Result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.strip()]


@pytest.fixture
def paths(tmp_path: Path) -> Path:
    """``good/cn.txt``, a posting, and in ``bad/`` a link loop and a link to nowhere."""
    (tmp_path / "good").mkdir()
    (tmp_path / "good" / "cn.txt").write_text(GOOD, encoding="utf-8")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "loop.txt").symlink_to("loop-back.txt")
    (bad / "loop-back.txt").symlink_to("loop.txt")
    (bad / "gone.txt").symlink_to("nowhere.txt")
    return tmp_path


def build(tmp_path: Path, *paths: str | Path, fresh: bool = False) -> Result:
    return run("build", "--store", tmp_path / "store", "--no-validate", "--no-decisions",
               *(["--fresh"] if fresh else []), *paths)


def quads(store: Path) -> set[object]:
    opened = GraphStore.open(store)
    try:
        return set(opened.store)
    finally:
        opened.close()


@pytest.mark.parametrize("name", BAD)
def test_extract_reads_the_good_path_and_names_the_bad_one(paths: Path, name: str) -> None:
    bad = paths / "bad" / name
    result = run("extract", paths / "good" / "cn.txt", bad)
    assert result.exit_code == 1, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["cn"]
    [line] = err_lines(result)
    assert line.startswith(f"skipped {bad}: ") and BAD[name] in line, line


@pytest.mark.parametrize("name", BAD)
def test_build_builds_the_good_path_and_names_the_bad_one(paths: Path, name: str) -> None:
    bad = paths / "bad" / name
    result = build(paths, paths / "good" / "cn.txt", bad)
    assert result.exit_code == 1, result.output
    assert "1 posting(s) read, 1 stored (0 unchanged), 1 skipped" in result.stderr, result.output
    [line] = [line for line in err_lines(result) if str(bad) in line]
    assert line.startswith(f"  skipped {bad}: ") and BAD[name] in line, line


def test_evaluate_against_scores_the_good_path_and_names_the_bad_one(paths: Path) -> None:
    seed = GOLD.parents[2] / "seeds" / "000_ceef7d63af8bb6ec.txt"
    bad = paths / "bad" / "loop.txt"
    result = run("evaluate", GOLD, "--split", "dev", "--format", "json", "--against", seed, "--against", bad)
    assert result.exit_code == 1, result.output
    assert "dev" in json.loads(result.stdout)
    [line] = err_lines(result)
    assert line.startswith(f"skipped {bad}: ") and BAD["loop.txt"] in line, line


def test_an_empty_path_is_named_not_read_as_the_working_folder(paths: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(paths)
    (paths / "stray.txt").write_text(GOOD.replace("Chief Nurse", "Medical Director"), encoding="utf-8")
    result = run("extract", "good/cn.txt", "")
    assert result.exit_code == 1, result.output
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["cn"]
    assert err_lines(result) == ["skipped '': an empty path; give a file or a folder"]


@pytest.mark.parametrize("command", ["extract", "evaluate"])
def test_no_readable_path_at_all_is_still_a_usage_error_naming_each(paths: Path, command: str) -> None:
    bad = [paths / "bad" / name for name in BAD]
    args = ["extract", *bad] if command == "extract" else ["evaluate", GOLD, *(a for p in bad for a in ("--against", p))]
    result = run(*args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = err_lines(result)
    for path, (name, why) in zip(bad, BAD.items()):
        [line] = [line for line in lines if str(path) in line]
        assert line.startswith(f"skipped {path}: ") and why in line, line
    assert lines[-1].startswith("error: ") and "nothing to read" in lines[-1], lines


def test_a_fresh_build_of_nothing_readable_leaves_the_store_as_it_was(paths: Path) -> None:
    assert build(paths, paths / "good").exit_code == 0
    before = quads(paths / "store")
    result = build(paths, *(paths / "bad" / name for name in BAD), fresh=True)
    assert result.exit_code == 2, result.output
    assert "nothing to read" in err_lines(result)[-1]
    assert quads(paths / "store") == before


def test_bug_the_api_read_an_empty_path_as_the_working_folder(paths: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``nhskg.build("")`` built every posting under the working folder: the API made each path a
    ``Path``, and ``Path("")`` is ``.``. An empty path is named; given nothing else, it is an error
    before the store is touched, as ``nhskg build ""`` is a usage error."""
    import nhskg
    from nhskg.errors import InputError

    monkeypatch.chdir(paths)
    (paths / "stray.txt").write_text(GOOD.replace("Chief Nurse", "Medical Director"), encoding="utf-8")
    with pytest.raises(InputError, match=r"^'': an empty path; give a file or a folder; nothing to read"):
        nhskg.build("", store="store", validate=False)
    assert not (paths / "store").exists()
    report = nhskg.build(["good/cn.txt", ""], store="store", validate=False)
    assert [str(problem) for problem in report.problems] == ["'': an empty path; give a file or a folder"]
    assert GraphStore.open(paths / "store").posting_ids() == ["cn"]


#: Commands given an empty (or blank) store, as typed: the global option, the commands' own
#: ``--store``, and NHSKG_STORE; ``{store}`` is replaced by the value, ``name`` is how it is named.
EMPTY_STORES = {
    "--store '' build": (["--store", "{store}", "build", "--no-validate", "--no-decisions", "good/cn.txt"], ""),
    "--store ' ' build": (["--store", "{store}", "build", "--no-validate", "--no-decisions", "good/cn.txt"], " "),
    "build --store ''": (["build", "--store", "{store}", "--no-validate", "--no-decisions", "good/cn.txt"], ""),
    "--store '' summary": (["--store", "{store}", "summary"], ""),
    "--store '' query": (["--store", "{store}", "query", "split-lines"], ""),
    "validate --store ''": (["validate", "--store", "{store}"], ""),
    "export --store ''": (["export", "--store", "{store}", "graph.ttl"], ""),
    "serve --store ''": (["serve", "--store", "{store}", "--port", "0"], ""),
}


@pytest.mark.parametrize("case", EMPTY_STORES)
def test_bug_an_empty_store_was_the_working_folder(paths: Path, monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    """``nhskg --store "" build cmo.txt`` wrote CURRENT, LOCK and gen-000001/ into the working
    folder and exited 0: ``Path("")`` is ``.``. An empty or blank store is a usage error naming
    the option, before anything is read or written."""
    args, store = EMPTY_STORES[case]
    monkeypatch.chdir(paths)
    before = sorted(os.listdir(paths))
    result = run(*(store if arg == "{store}" else arg for arg in args))
    assert result.exit_code == 2, result.output
    [line] = [line for line in result.output.splitlines() if line.strip()]
    assert line.startswith(f"error: --store {store!r} ") and "give the store's folder" in line, line
    assert sorted(os.listdir(paths)) == before


def test_a_blank_NHSKG_STORE_is_refused_and_an_empty_one_is_unset(paths: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """click reads an empty environment variable as unset (the default store); a blank one is named."""
    monkeypatch.chdir(paths)
    args = ["build", "--no-validate", "--no-decisions", "good/cn.txt"]
    blank = CliRunner().invoke(main, args, env={"NHSKG_STORE": " "})
    assert blank.exit_code == 2, blank.output
    assert blank.output.startswith("error: NHSKG_STORE=' ' ") and "give the store's folder" in blank.output
    assert sorted(os.listdir(paths)) == ["bad", "good"]
    empty = CliRunner().invoke(main, args, env={"NHSKG_STORE": ""})
    assert empty.exit_code == 0, empty.output
    assert sorted(os.listdir(paths)) == [".nhskg", "bad", "good"]
    assert GraphStore.open(paths / ".nhskg" / "store").posting_ids() == ["cn"]


#: Each way the library takes a store path, given ``store``.
API_STORES = {
    "nhskg.build": lambda store: __import__("nhskg").build("good/cn.txt", store=store, validate=False),
    "nhskg.query": lambda store: __import__("nhskg").query("split-lines", store=store),
    "nhskg.summary": lambda store: __import__("nhskg").summary(store),
    "pipeline build": lambda store: __import__("nhskg.pipeline.build", fromlist=["build"]).build(
        ["good/cn.txt"], store, validate=False),
}


@pytest.mark.parametrize("store", ["", " "])
@pytest.mark.parametrize("entry", API_STORES)
def test_bug_the_api_took_an_empty_store_as_the_working_folder(paths: Path, monkeypatch: pytest.MonkeyPatch,
                                                               entry: str, store: str) -> None:
    """``nhskg.build(paths, store="")`` built into the working folder, and ``query``/``summary``
    read it as the store. An empty or blank store is a ValueError (and an NhskgError) naming it."""
    from nhskg.errors import NhskgError

    monkeypatch.chdir(paths)
    before = sorted(os.listdir(paths))
    with pytest.raises(ValueError, match=rf"^store={store!r} .*give the store's folder") as raised:
        API_STORES[entry](store)
    assert isinstance(raised.value, NhskgError)
    assert sorted(os.listdir(paths)) == before


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A store of ``cn`` outside the working folder, and the id of one of its facts."""
    import nhskg

    folder = tmp_path_factory.mktemp("built")
    (folder / "cn.txt").write_text(GOOD, encoding="utf-8")
    nhskg.build(folder / "cn.txt", store=folder / "store", validate=False)
    listed = run("--store", folder / "store", "review", "--status", "all", "--format", "json", "--no-shacl")
    assert listed.exit_code == 0, listed.output
    return folder / "store", json.loads(listed.stdout)[0]["id"]


#: Every option (or argument) naming a folder or file to read or write besides --store, given
#: ``{value}``, with how the error names it. ``{store}`` is a built store outside the working folder;
#: serve is given a missing one, so that it can never start serving.
EMPTY_FOLDERS = {
    "export --tables": (["--store", "{store}", "export", "--tables", "{value}"], "--tables"),
    "export FILE": (["--store", "{store}", "export", "{value}"], "FILE"),
    "render --out": (["--store", "{store}", "render", "reporting", "--out", "{value}"], "--out"),
    "docs --out": (["docs", "--out", "{value}"], "--out"),
    "serve --decisions": (["--store", "missing", "serve", "--port", "0", "--decisions", "{value}"], "--decisions"),
    "serve --curation": (["--store", "missing", "serve", "--port", "0", "--curation", "{value}"], "--curation"),
    "build --decisions": (["build", "--store", "store", "--no-validate", "--decisions", "{value}", "good/cn.txt"],
                          "--decisions"),
    "build --export": (["build", "--store", "store", "--no-validate", "--export", "{value}", "good/cn.txt"], "--export"),
    "review --decisions": (["--store", "{store}", "review", "--no-shacl", "--decisions", "{value}"], "--decisions"),
    "review decide --decisions": (["--store", "{store}", "review", "decide", "{fact}", "accept", "--reviewer", "ann",
                                   "--decisions", "{value}"], "--decisions"),
    "evaluate --reviewed --decisions": (["--store", "{store}", "evaluate", "--reviewed", "--decisions", "{value}"],
                                        "--decisions"),
    "evaluate GOLD_DIR": (["evaluate", "{value}"], "GOLD_DIR"),
    "evaluate --predictions": (["evaluate", str(GOLD), "--predictions", "{value}"], "--predictions"),
}


@pytest.mark.parametrize("value", ["", " "])
@pytest.mark.parametrize("case", EMPTY_FOLDERS)
def test_bug_an_empty_folder_or_file_option_was_the_working_folder(paths: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   built: tuple[Path, str], case: str, value: str) -> None:
    """``docs --out ""`` wrote index.html into the working folder, ``export --tables ""`` its CSVs,
    ``review decide --decisions ""`` the reviewer's file, and ``review --decisions ""`` read the
    working folder's *.csv as decisions: ``Path("")`` is ``.``. As an empty --store (3e4a314), an
    empty or blank folder or file is a usage error naming the option, before anything is read or written."""
    args, name = EMPTY_FOLDERS[case]
    store, fact = built
    monkeypatch.chdir(paths)
    before = sorted(os.listdir(paths))
    result = run(*(arg.format(value=value, store=store, fact=fact) if "{" in arg else arg for arg in args))
    assert result.exit_code == 2, result.output
    [line] = [line for line in result.output.splitlines() if line.strip()]
    assert line.startswith(f"error: {name} {value!r} "), line
    assert sorted(os.listdir(paths)) == before


#: Each way the library takes a folder or file to read or write besides the store, given ``value``
#: (a built store's path first), and how its message names it.
API_FOLDERS = {
    "nhskg.build decisions": (lambda store, value: __import__("nhskg").build(
        "good/cn.txt", store="store", decisions=value, validate=False), "decisions="),
    "load_decisions": (lambda store, value: __import__("nhskg.curation.folder", fromlist=["_"]).load_decisions(value),
                       "directory="),
    "record_decision": (lambda store, value: __import__("nhskg.curation.folder", fromlist=["_"]).record_decision(
        value, __import__("nhskg.curation.decisions", fromlist=["_"]).Decision(
            "cn", "accountable_to", "chief-executive", "", "accept", "", "", "ann", "2026-12-06")), "directory="),
    "write_tables": (lambda store, value: __import__("nhskg.views.tables", fromlist=["_"]).write_tables(
        GraphStore.open(store).source(), value), "directory="),
    "write_graphml": (lambda store, value: __import__("nhskg.views.tables", fromlist=["_"]).write_graphml(
        GraphStore.open(store).source(), value), "path="),
    "GraphStore.export": (lambda store, value: GraphStore.open(store).export(value), "path="),
}


@pytest.mark.parametrize("value", ["", " "])
@pytest.mark.parametrize("entry", API_FOLDERS)
def test_bug_the_api_took_an_empty_folder_or_file_as_the_working_folder(
        paths: Path, monkeypatch: pytest.MonkeyPatch, built: tuple[Path, str], entry: str, value: str) -> None:
    """``nhskg.build(paths, decisions="")`` applied the working folder's *.csv as decisions, and
    ``write_tables(source, "")`` wrote its CSVs there. An empty or blank folder or file is a
    ValueError (and an NhskgError) naming it, before anything is read or written."""
    from nhskg.errors import EmptyPathError, NhskgError

    call, name = API_FOLDERS[entry]
    monkeypatch.chdir(paths)
    before = sorted(os.listdir(paths))
    with pytest.raises(ValueError, match=rf"^{name}{value!r} .*; give ") as raised:
        call(built[0], value)
    assert isinstance(raised.value, NhskgError) and isinstance(raised.value, EmptyPathError)
    assert sorted(os.listdir(paths)) == before
