"""The controlled vocabularies, read from the SKOS files in ``ontology/vocab/``.

They are the single source of every label and synonym the extractor recognises: adding an
``skos:altLabel`` to a concept changes what is recognised, with no code change.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, RDF, SKOS

from .errors import VocabularyError
from .namespaces import NHSKG, VOCAB_BASE
from .paths import vocabulary_dir

__all__ = ["Concept", "Scheme", "Vocabulary", "load_vocabulary"]


@dataclass(frozen=True)
class Concept:
    """One SKOS concept. ``code`` is its ``skos:notation``, the public contract analysts use."""

    iri: str
    scheme: str
    code: str
    pref_label: str
    alt_labels: tuple[str, ...]
    hidden_labels: tuple[str, ...]
    definition: str
    broader: tuple[str, ...] = ()
    source: str | None = None
    leadership: bool = False
    default_scope: str | None = None
    record_field: str | None = None

    @property
    def labels(self) -> tuple[str, ...]:
        """Every written form, preferred first."""
        return (self.pref_label, *self.alt_labels, *self.hidden_labels)


@dataclass(frozen=True)
class Scheme:
    name: str
    iri: str
    label: str
    file: str
    concepts: tuple[Concept, ...]

    def get(self, code: str) -> Concept | None:
        for concept in self.concepts:
            if concept.code == code:
                return concept
        return None

    def __contains__(self, code: object) -> bool:
        return any(concept.code == code for concept in self.concepts)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(concept.code for concept in self.concepts)


@dataclass(frozen=True, eq=False)
class Vocabulary:
    """Every scheme, compared by identity so that caches keyed on it stay cheap."""

    schemes: tuple[Scheme, ...]
    graph_files: tuple[str, ...]

    def scheme(self, name: str) -> Scheme:
        for scheme in self.schemes:
            if scheme.name == name:
                return scheme
        known = ", ".join(s.name for s in self.schemes)
        raise VocabularyError(
            f"no concept scheme '{name}' in {vocabulary_dir()} (known: {known}); "
            f"add ontology/vocab/{name}.ttl"
        )

    def concept(self, scheme: str, code: str) -> Concept:
        concept = self.scheme(scheme).get(code)
        if concept is None:
            raise VocabularyError(f"no concept '{code}' in scheme '{scheme}'")
        return concept

    def iri(self, scheme: str, code: str) -> str:
        return self.concept(scheme, code).iri


def _text(graph: rdflib.Graph, subject: rdflib.term.Node, predicate: rdflib.URIRef) -> list[str]:
    return sorted(str(o) for o in graph.objects(subject, predicate))


def _read_scheme(path: Path) -> Scheme:
    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as error:  # rdflib raises many parser types; name the file either way
        raise VocabularyError(f"{path}: not valid Turtle ({error}); fix the file and re-run") from error
    schemes = list(graph.subjects(RDF.type, SKOS.ConceptScheme))
    if len(schemes) != 1:
        raise VocabularyError(f"{path}: expected exactly one skos:ConceptScheme, found {len(schemes)}")
    scheme_iri = schemes[0]
    name = str(scheme_iri).removeprefix(VOCAB_BASE).strip("/")
    if name != path.stem:
        raise VocabularyError(
            f"{path}: the scheme IRI {scheme_iri} should be {VOCAB_BASE}{path.stem} to match the file name"
        )
    concepts = []
    seen: dict[str, str] = {}
    for subject in sorted(graph.subjects(SKOS.inScheme, scheme_iri), key=str):
        where = f"{path}: concept <{subject}>"
        notations = _text(graph, subject, SKOS.notation)
        pref = _text(graph, subject, SKOS.prefLabel)
        definition = _text(graph, subject, SKOS.definition)
        if len(notations) != 1:
            raise VocabularyError(f"{where} needs exactly one skos:notation (its code)")
        if len(pref) != 1:
            raise VocabularyError(f"{where} needs exactly one skos:prefLabel")
        if not definition:
            raise VocabularyError(f"{where} needs a skos:definition")
        code = notations[0]
        if code in seen:
            raise VocabularyError(f"{where}: code '{code}' is already used by <{seen[code]}>")
        seen[code] = str(subject)
        broader = tuple(
            sorted(
                str(graph.value(b, SKOS.notation) or b)
                for b in graph.objects(subject, SKOS.broader)
            )
        )
        leadership = graph.value(subject, NHSKG.leadershipRole)
        scope = graph.value(subject, NHSKG.defaultScope)
        source = _text(graph, subject, DCTERMS.source)
        field = graph.value(subject, NHSKG.recordField)
        concepts.append(
            Concept(
                iri=str(subject),
                scheme=name,
                code=code,
                pref_label=pref[0],
                alt_labels=tuple(_text(graph, subject, SKOS.altLabel)),
                hidden_labels=tuple(_text(graph, subject, SKOS.hiddenLabel)),
                definition=definition[0],
                broader=broader,
                source="; ".join(source) if source else None,
                leadership=bool(leadership.toPython()) if leadership is not None else False,
                default_scope=str(scope).rsplit("/", 1)[-1] if scope is not None else None,
                record_field=str(field) if field is not None else None,
            )
        )
    if not concepts:
        raise VocabularyError(f"{path}: the scheme has no concepts (skos:inScheme <{scheme_iri}>)")
    label = graph.value(scheme_iri, SKOS.prefLabel) or name
    return Scheme(name, str(scheme_iri), str(label), str(path), tuple(concepts))


@lru_cache(maxsize=4)
def load_vocabulary(directory: Path | None = None) -> Vocabulary:
    """Read every ``*.ttl`` scheme in ``directory`` (default ``ontology/vocab``).

    >>> vocab = load_vocabulary()
    >>> vocab.concept("role-type", "chief-nurse").pref_label
    'Chief Nurse'
    """
    directory = directory or vocabulary_dir()
    files = sorted(directory.glob("*.ttl"))
    if not files:
        raise VocabularyError(f"no vocabulary files (*.ttl) in {directory}")
    return Vocabulary(tuple(_read_scheme(f) for f in files), tuple(str(f) for f in files))
