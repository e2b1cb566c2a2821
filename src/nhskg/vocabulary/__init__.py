"""The vocabularies: ``ontology/vocab/*.ttl`` and ``ontology/nhskg.ttl`` -> what every stage names things by.

Takes the SKOS and OWL files (data, edited by analysts; Python never repeats a label); gives the
:class:`~nhskg.vocabulary.vocab.Vocabulary` (:mod:`.vocab`), a person's name for a concept resolved
to its code (:mod:`.labels`), the matcher that finds every label in a text (:mod:`.matching`),
and the HTML documentation of the ontology (:mod:`.ontology_docs`).
"""
