"""Fixtures shared by several test modules."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest

from graph_fixtures import write_home
from nhskg.paths import vocabulary_dir
from nhskg.sparql.sources import OxigraphSource
from nhskg.vocabulary.vocab import Vocabulary, load_vocabulary

SEEDS = Path(__file__).resolve().parents[1] / "seeds"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-seeds-answers", action="store_true", default=False,
                     help="Rewrite tests/data/seeds-answers/*.csv from the seeds build (then read the diff).")


@pytest.fixture(scope="session")
def seeds_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The directory of a store built once per session from ``seeds/`` (real vocabulary)."""
    import nhskg

    if not (SEEDS / "003_ee31a5acbe06f6bc.txt").is_file():
        pytest.skip("seeds/ is not in this checkout")
    store_dir = tmp_path_factory.mktemp("seeds") / "store"
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv("NHSKG_HOME", raising=False)  # the real ontology and vocabulary
        load_vocabulary.cache_clear()
        nhskg.build(SEEDS, store=store_dir, validate=False)  # the notebook API, over nhskg.pipeline.build.build
    load_vocabulary.cache_clear()
    return store_dir


@pytest.fixture(scope="session")
def seeds_source(seeds_store: Path) -> OxigraphSource:
    from nhskg.graph.store import GraphStore

    return GraphStore.open(seeds_store).source()


@pytest.fixture
def real_home(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Parameters are checked against the real vocabulary in ontology/vocab."""
    monkeypatch.delenv("NHSKG_HOME", raising=False)
    if not load_vocabulary().graph_files[0].startswith(str(vocabulary_dir())):
        load_vocabulary.cache_clear()  # another test's vocabulary is cached: read the real one
    yield




@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A small project home (ontology, vocabularies, queries) that NHSKG_HOME points at."""
    root = write_home(tmp_path / "home")
    monkeypatch.setenv("NHSKG_HOME", str(root))
    return root


@pytest.fixture()
def vocab(home: Path) -> Vocabulary:
    """The small home's vocabulary (modules with a vocabulary of their own override this)."""
    return load_vocabulary(home / "ontology" / "vocab")
