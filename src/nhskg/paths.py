"""Where the project's data files live: ``ontology/`` and ``queries/`` beside ``src/``.

They are data, not Python, so they stay at the top of the checkout where analysts edit them;
``NHSKG_HOME`` points elsewhere (a copy of the checkout's top level) for an installed package.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import EmptyPathError, StorePathError

__all__ = ["project_home", "ontology_dir", "vocabulary_dir", "queries_dir", "DEFAULT_STORE", "given_path", "store_dir"]

#: Where ``build`` writes and every other command reads, unless told otherwise (relative to the
#: working folder, like a ``.git`` folder).
DEFAULT_STORE = Path(".nhskg") / "store"


def given_path(given: Path | str, named: str, wanted: str, error: type[EmptyPathError] = EmptyPathError) -> Path:
    """``given`` as a :class:`~pathlib.Path`; ``error`` when it is an empty or white-space-only
    str, which names no folder or file (``Path("")`` is the working folder).

    The one check of every folder or file a person gives (the CLI's path options through
    :class:`nhskg.cli.params.GivenPath`, the notebook API, the library's writers), made before
    anything is read or written. ``named`` is how the message names the value (``--out ``,
    ``decisions=``); ``wanted`` says what to give instead.

    >>> given_path("out/views", "--out ", "a folder").name
    'views'
    >>> given_path(" ", "--out ", "a folder for the HTML files")
    Traceback (most recent call last):
    ...
    nhskg.errors.EmptyPathError: --out ' ' is only white space; give a folder for the HTML files
    """
    if isinstance(given, str) and not given.strip():
        what = "is empty, which would mean the working folder" if not given else "is only white space"
        raise error(f"{named}{given!r} {what}; give {wanted}")
    return Path(given)


#: What to give instead of an empty store.
STORE_WANTED = f"the store's folder (default {DEFAULT_STORE.as_posix()})"


def store_dir(given: Path | str, named: str = "store=") -> Path:
    """``given`` as the folder of a graph store; :class:`~nhskg.errors.StorePathError` when it is
    empty or only white space (:func:`given_path`).

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
    return given_path(given, named, STORE_WANTED, StorePathError)


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
