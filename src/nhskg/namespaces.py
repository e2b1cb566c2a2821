"""The project's own namespaces; standard ones come from ``rdflib.namespace``, never redeclared."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import SDO as SCHEMA

__all__ = ["NHSKG", "SCHEMA", "ONTOLOGY_IRI", "VOCAB_BASE", "DEFAULT_BASE", "ONTOLOGY_GRAPH", "PREFIXES"]

#: Own ontology terms (classes and properties), defined in ``ontology/nhskg.ttl``.
NHSKG = Namespace("https://w3id.org/nhskg/def#")
ONTOLOGY_IRI = "https://w3id.org/nhskg/def"
#: Concept schemes live at ``VOCAB_BASE + scheme`` and concepts at ``VOCAB_BASE + scheme/code``.
VOCAB_BASE = "https://w3id.org/nhskg/vocab/"
#: Default base for instance data (organisations, posts, postings); ``--base`` changes it.
DEFAULT_BASE = "https://w3id.org/nhskg/data/"
#: The named graph holding the ontology and the vocabularies inside a store.
ONTOLOGY_GRAPH = "https://w3id.org/nhskg/graph/ontology"

#: The prefixes exports and tables write IRIs with (a graph's data base is added where it is known).
PREFIXES: dict[str, str] = {
    "nhskg": str(NHSKG),
    "org": "http://www.w3.org/ns/org#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "prov": "http://www.w3.org/ns/prov#",
    "dcterms": "http://purl.org/dc/terms/",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
}
