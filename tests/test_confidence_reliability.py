"""scripts/confidence-reliability.py: the precision of extracted facts by their confidence."""

from __future__ import annotations

import importlib.util
import re
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    spec = importlib.util.spec_from_file_location("confidence_reliability", REPO / "scripts/confidence-reliability.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.chdir(REPO)  # the gold records name their sources from the project folder
    monkeypatch.setattr(sys, "argv", ["confidence-reliability.py", *args])
    module.main()
    return capsys.readouterr().out


def _tables(out: str) -> dict[str, dict[str, tuple[int, int, float, float]]]:
    """Each table the script prints (by its title line) as band -> (facts, right, precision, mean)."""
    tables: dict[str, dict[str, tuple[int, int, float, float]]] = {}
    for block in out.split("\n\n"):
        title = next(line for line in block.splitlines() if not line.startswith(("dev split", "test split")))
        tables[title] = {m[0]: (int(m[1]), int(m[2]), float(m[3]), float(m[4]))
                         for m in re.findall(r"^(>= \d\.\d\d|all)\s+(\d+)\s+(\d+)\s+([\d.]+)\s+([\d.]+)$", block, re.M)}
    return tables


def test_facts_are_counted_by_confidence_band(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """On two seed postings' gold records: for the facts and for the duty areas, every band's
    precision is right/facts, the bands add up to the whole, and every figure lies in [0, 1]."""
    (tmp_path / "dev").mkdir()
    for name in ("000_ceef7d63af8bb6ec.json", "003_ee31a5acbe06f6bc.json"):
        shutil.copy(REPO / "tests/data/gold/dev" / name, tmp_path / "dev" / name)
    out = _run(monkeypatch, capsys, "--gold", str(tmp_path), "--split", "dev")
    assert out.startswith("dev split: 2 postings")
    tables = _tables(out)
    assert list(tables) == ["facts (ontology/confidence.ttl)", "duty areas (the duty model's chance)"]
    for rows in tables.values():
        assert "all" in rows and len(rows) >= 2
        bands = [v for k, v in rows.items() if k != "all"]
        assert sum(v[0] for v in bands) == rows["all"][0] and sum(v[1] for v in bands) == rows["all"][1]
        for facts, right, precision, confidence in rows.values():
            # printed to two decimals: 3/8 reads 0.38, half a hundredth off and a hair more in binary
            assert 0 <= right <= facts and abs(precision - right / facts) <= 0.0051 and 0 <= confidence <= 1
    areas = tables["duty areas (the duty model's chance)"]
    # the two seeds' duties were annotated: their areas are scored, and the surest are mostly right
    assert areas["all"][0] >= 20
    assert areas[">= 0.90"][2] >= 0.8, areas


def test_an_empty_split_says_what_to_give(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit, match="give --split dev or test"):
        _run(monkeypatch, capsys, "--split", "neither")
