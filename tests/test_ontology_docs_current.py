"""The ontology documentation the README links (docs/ontology/index.html) matches the ontology.

The page is generated (``nhskg docs``); this fails when the ontology or a vocabulary changed
and the committed page was not regenerated with ``nhskg docs --out docs/ontology``.
"""

from __future__ import annotations

from pathlib import Path

from nhskg.vocabulary.ontology_docs import write_docs

COMMITTED = Path(__file__).resolve().parents[1] / "docs" / "ontology" / "index.html"


def test_committed_ontology_docs_are_current(tmp_path: Path) -> None:
    written = write_docs(tmp_path)
    assert written.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8"), (
        "docs/ontology/index.html is out of date: run `nhskg docs --out docs/ontology` and commit it"
    )
