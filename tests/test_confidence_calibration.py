"""ontology/confidence.ttl says what the dev split measures today.

Every extracted fact's confidence is read from that file. It was once written and then left as the
dev split grew from about 100 to 367 postings and the rules changed, so facts carried figures
measured on another extractor; this fails as soon as the file and the measure part.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_the_confidence_file_is_current(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("calibrate_confidence", REPO / "scripts/calibrate-confidence.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.chdir(REPO)  # the gold records name their sources from the project folder
    monkeypatch.setattr(sys, "argv", ["calibrate-confidence.py", "--check"])
    try:
        module.main()
    except SystemExit as stopped:
        pytest.fail(capsys.readouterr().out or f"exit {stopped.code}")
    assert "is current" in capsys.readouterr().out
