"""Where the project's data files live: ``ontology/`` and ``queries/`` beside ``src/``.

They are data, not Python, so they stay at the top of the checkout where analysts edit them;
``NHSKG_HOME`` points elsewhere (a copy of the checkout's top level) for an installed package.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import StorePathError

__all__ = ["project_home", "ontology_dir", "vocabulary_dir", "queries_dir", "DEFAULT_STORE", "store_dir"]

#: Where ``build`` writes and every other command reads, unless told otherwise (relative to the
#: working folder, like a ``.git`` folder).
DEFAULT_STORE = Path(".nhskg") / "store"


def store_dir(given: Path | str, named: str = "store=") -> Path:
    """``given`` as the folder of a graph store; :class:`~nhskg.errors.StorePathError` when it is
    empty or only white space, which name no folder (``Path("")`` is the working folder).

    The notebook API, the build's writer (:class:`~nhskg.graph.writer.StoreWriter`), the store's
    reader (:meth:`~nhskg.graph.store.GraphStore.open`) and the CLI's ``--store`` check here.
    ``named`` is how the message names the value (``--store ``, ``NHSKG_STORE=``).

    >>> store_dir("graphs/2020").name
    '2020'
    >>> store_dir("")
    Traceback (most recent call last):
    ...
    nhskg.errors.StorePathError: store='' is empty, which would mean the working folder; give the store's folder (default .nhskg/store)
    """
    if isinstance(given, str) and not given.strip():
        what = "is empty, which would mean the working folder" if not given else "is only white space"
        raise StorePathError(f"{named}{given!r} {what}; give the store's folder (default {DEFAULT_STORE.as_posix()})")
    return Path(given)


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
