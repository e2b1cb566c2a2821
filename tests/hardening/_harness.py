"""Shared by the hardening tests: good postings, CLI builds, and a store's quads to compare."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner, Result

from nhskg.cli import main
from nhskg.graph.store import GraphStore

DATA = "https://w3id.org/nhskg/data/"
#: The 2020 corpus beside the checkout (``../shared/corpus``), or where NHSKG_CORPUS says (a worktree).
CORPUS = Path(os.environ.get("NHSKG_CORPUS") or Path(__file__).resolve().parents[3] / "shared" / "corpus" / "nhs-jobs-2020.jsonl.gz")


def good_posting(title: str = "Chief Nurse", org: str = "Norfolk and Norwich University Hospitals NHS Foundation Trust") -> str:
    """A short posting the real extractor reads: a title, an employer and one reporting line."""
    return (
        f"{title}\n{org}\n"
        f"The {title} reports to the Chief Executive and is the Caldicott Guardian for the Trust.\n"
        f"You will lead patient safety and infection prevention with the Medical Director.\n"
    )


def cli(*args: str | Path) -> Result:
    """``nhskg ARGS`` in-process; stdout and stderr together in ``result.output``."""
    return CliRunner().invoke(main, [str(a) for a in args])


def build_cli(store: Path, *paths: Path, strict: bool = False, export: Path | None = None) -> Result:
    args: list[str | Path] = ["build", "--store", store, "--no-validate"]
    args += ["--strict"] if strict else []
    args += ["--export", export] if export is not None else []
    return cli(*args, *paths)


def quads(store: Path) -> set[ox.Quad]:
    opened = GraphStore.open(store)
    try:
        return set(opened.store)
    finally:
        opened.close()


def posting_quads_in(store: Path, posting_id: str) -> set[ox.Quad]:
    graph = ox.NamedNode(f"{DATA}graph/posting/{posting_id}")
    return {q for q in quads(store) if q.graph_name == graph}


def posting_ids(store: Path) -> list[str]:
    opened = GraphStore.open(store)
    try:
        return opened.posting_ids()
    finally:
        opened.close()


@dataclass(frozen=True)
class Lines:
    """The CLI's output split into lines, to find the ones that name a file."""

    text: str

    def naming(self, fragment: str) -> list[str]:
        return [line for line in self.text.splitlines() if fragment in line]
