"""The project's own namespaces; standard ones come from ``rdflib.namespace``, never redeclared."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import SDO as SCHEMA

__all__ = ["NHSKG", "SCHEMA", "ONTOLOGY_IRI", "VOCAB_BASE", "DEFAULT_BASE", "ONTOLOGY_GRAPH"]

#: Own ontology terms (classes and properties), defined in ``ontology/nhskg.ttl``.
NHSKG = Namespace("https://w3id.org/nhskg/def#")
ONTOLOGY_IRI = "https://w3id.org/nhskg/def"
#: Concept schemes live at ``VOCAB_BASE + scheme`` and concepts at ``VOCAB_BASE + scheme/code``.
VOCAB_BASE = "https://w3id.org/nhskg/vocab/"
#: Default base for instance data (organisations, posts, postings); ``--base`` changes it.
DEFAULT_BASE = "https://w3id.org/nhskg/data/"
#: The named graph holding the ontology and the vocabularies inside a store.
ONTOLOGY_GRAPH = "https://w3id.org/nhskg/graph/ontology"
