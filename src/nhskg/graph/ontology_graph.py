"""The ontology graph of a store: which files it holds, their digest, and loading them.

Takes the project's ``ontology/`` folder (the ontology, every vocabulary and the organisation
change events) and gives one named graph of the store. Apart from the writer of a generation
because a rebuild asks only "has any of these files changed?" (the digest), and loads them only
when one has.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from ..errors import StoreError
from ..namespaces import ONTOLOGY_GRAPH
from ..paths import ontology_dir, vocabulary_dir
from .generations import _cannot_write

__all__ = ["ontology_files", "ontology_digest", "load_ontology_into"]


def ontology_files() -> list[Path]:
    """``ontology/nhskg.ttl``, every ``ontology/vocab/*.ttl`` and ``ontology/org-changes.ttl``."""
    return [ontology_dir() / "nhskg.ttl", *sorted(vocabulary_dir().glob("*.ttl")), ontology_dir() / "org-changes.ttl"]


def ontology_digest(base: str) -> str:
    """A digest of every ontology file and the data base their relative IRIs resolve against."""
    digest = hashlib.blake2b(base.encode("utf-8"), digest_size=16)
    for file in ontology_files():
        try:
            digest.update(file.name.encode("utf-8") + b"\0" + file.read_bytes() + b"\0")
        except OSError as error:
            raise StoreError(f"{file}: cannot load into the store ({error.strerror or error}); fix the file and build again") from error
    return digest.hexdigest()


def load_ontology_into(store: ox.Store, base: str, folder: Path) -> None:
    """Replace the ontology graph of ``store`` (whose files live in ``folder``) by the files now."""
    graph = ox.NamedNode(ONTOLOGY_GRAPH)
    store.remove_graph(graph)
    for file in ontology_files():
        try:
            store.load(path=str(file), format=ox.RdfFormat.TURTLE, to_graph=graph, base_iri=base)
        except OSError as error:
            if not file.is_file():
                raise StoreError(f"{file}: cannot load into the store ({error}); fix the file and build again") from error
            raise _cannot_write(folder, error) from error
        except (SyntaxError, ValueError) as error:
            raise StoreError(f"{file}: cannot load into the store ({error}); fix the file and build again") from error
