"""Where the project's data files live: ``ontology/`` and ``queries/`` beside ``src/``.

They are data, not Python, so they stay at the top of the checkout where analysts edit them;
``NHSKG_HOME`` points elsewhere (a copy of the checkout's top level) for an installed package.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["project_home", "ontology_dir", "vocabulary_dir", "queries_dir", "DEFAULT_STORE"]

#: Where ``build`` writes and every other command reads, unless told otherwise (relative to the
#: working folder, like a ``.git`` folder).
DEFAULT_STORE = Path(".nhskg") / "store"


def project_home() -> Path:
    """The folder holding ``ontology/`` and ``queries/``."""
    override = os.environ.get("NHSKG_HOME")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2]


def ontology_dir() -> Path:
    return project_home() / "ontology"


def vocabulary_dir() -> Path:
    return ontology_dir() / "vocab"


def queries_dir() -> Path:
    return project_home() / "queries"
