"""The closed namespace in ``src/nhskg/namespaces.py`` matches ``ontology/nhskg.ttl``.

The class is generated (``scripts/gen-namespaces.py``); this fails when the ontology gained,
lost or renamed a term and the script was not run, so the code cannot name a term the ontology
no longer has (or miss one it gained).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import rdflib

from nhskg.namespaces import NHSKG

ROOT = Path(__file__).resolve().parents[1]


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("gen_namespaces", ROOT / "scripts" / "gen-namespaces.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_generated_namespace_is_current() -> None:
    script = _script()
    committed = (ROOT / "src" / "nhskg" / "namespaces.py").read_text(encoding="utf-8")
    assert script.rewritten(committed, script.generated()) == committed, (
        "src/nhskg/namespaces.py is out of date with ontology/nhskg.ttl: run python scripts/gen-namespaces.py and commit it"
    )


def test_a_term_the_ontology_gains_changes_the_generated_class(tmp_path: Path) -> None:
    ontology = tmp_path / "nhskg.ttl"
    ontology.write_text((ROOT / "ontology" / "nhskg.ttl").read_text(encoding="utf-8")
                        + "\nnhskg:chairs a owl:ObjectProperty ; rdfs:label \"chairs the board of\"@en .\n", encoding="utf-8")
    assert "    chairs: URIRef  # chairs the board of\n" in _script().generated(ontology)


def test_a_misspelt_term_fails_and_every_declared_term_resolves() -> None:
    with pytest.raises(AttributeError, match="worksWiht"):
        NHSKG.worksWiht  # noqa: B018
    assert NHSKG.worksWith == rdflib.URIRef("https://w3id.org/nhskg/def#worksWith")
    assert NHSKG["stated-field"] == rdflib.URIRef("https://w3id.org/nhskg/def#stated-field")
    ours = {t for t in rdflib.Graph().parse(ROOT / "ontology" / "nhskg.ttl").subjects()
            if str(t).startswith(str(NHSKG)) and str(t) != str(NHSKG)}
    assert len(ours) > 40 and all(term in NHSKG for term in ours)
    assert "worksWiht" not in NHSKG
