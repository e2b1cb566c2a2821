"""The controlled vocabularies, read from the SKOS files in ``ontology/vocab/``.

They are the single source of every label and synonym the extractor recognises: adding an
``skos:altLabel`` to a concept changes what is recognised, with no code change.
"""

from __future__ import annotations

import re

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib.namespace import DCTERMS, RDF, SKOS

from ..errors import VocabularyError
from ..namespaces import NHSKG, VOCAB_BASE
from ..paths import vocabulary_dir

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
    #: designation codes every post of this role type holds (a chair sits on the board)
    implies: tuple[str, ...] = ()
    #: for a known organisation (``organisation`` scheme): the code of its organisation type
    organisation_type: str | None = None
    #: regular expressions for wordings too varied for labels (``nhskg:textPattern``)
    patterns: tuple[str, ...] = ()
    #: for a deputy role type (or a designation): the role type it deputises for (``nhskg:deputyOf``)
    deputy_of: str | None = None
    #: regular expressions looked for in a title only (``nhskg:titlePattern``)
    title_patterns: tuple[str, ...] = ()
    #: lower-case wording looked for anywhere in a sentence (``nhskg:textFragment``)
    fragments: tuple[str, ...] = ()
    #: for an organisation type: a wider scope its posts have when the posting says so (``nhskg:widerScope``)
    wider_scope: str | None = None
    #: for a scope: whether it is part of one organisation (``nhskg:partOfOrganisation``)
    part_of_organisation: bool = False
    #: for a role type: organisation types whose untyped "Director of ..." posts are of it (``nhskg:functionDirectorIn``)
    function_director_in: tuple[str, ...] = ()
    #: for an organisation type: the type whose body employs its staff (``nhskg:employedBy``)
    employed_by: str | None = None
    #: for an organisation type: a type the text may give the same body more exactly (``nhskg:refinedInTextTo``)
    refined_in_text_to: str | None = None
    #: for an organisation type: named as a partner far more often than as employer (``nhskg:namedAsPartner``)
    named_as_partner: bool = False
    #: for an organisation type: its bodies advertise under a team's name (``nhskg:advertisesAsTeam``)
    advertises_as_team: bool = False
    #: for an organisation type: the body (``body`` scheme) that another organisation of this type,
    #: named in what the post does, is of it (``nhskg:partnerBody``)
    partner_body: str | None = None
    #: for an organisation type: wordings of services its bodies run themselves, so that a mention
    #: of one is the employer, not an external body (``nhskg:ownServicePattern``)
    own_service_patterns: tuple[str, ...] = ()
    #: for a known organisation: a staff bank whose posts work in the trusts it names (``nhskg:staffsOtherBodies``)
    staffs_other_bodies: bool = False
    #: for a body: postings name it mostly for its register, code or approval (``nhskg:namedForStandards``)
    named_for_standards: bool = False
    #: for a body: it runs courses the post holder may take (``nhskg:teaches``)
    teaches: bool = False
    #: for a body: it inspects the employer's services, whose standards the post meets (``nhskg:inspectsServices``)
    inspects_services: bool = False
    #: for an organisation type: its bodies pay on the NHS's national terms (``nhskg:paysOnNationalTerms``)
    pays_on_national_terms: bool = False
    #: for a qualification: the code of the body (a regulator) whose register it is (``nhskg:registrationWith``)
    registration_with: str | None = None

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

    def __contains__(self, name: object) -> bool:
        return any(scheme.name == name for scheme in self.schemes)

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


_RDF_TYPE = str(RDF.type)
_CONCEPT_SCHEME = str(SKOS.ConceptScheme)


def _read_triples(path: Path) -> dict[str, dict[str, list[ox.NamedNode | ox.Literal | ox.BlankNode]]]:
    """subject -> predicate -> objects, parsed with Oxigraph (ten times faster than rdflib here)."""
    graph: dict[str, dict[str, list]] = {}
    try:
        for triple in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            subject = triple.subject.value
            graph.setdefault(subject, {}).setdefault(triple.predicate.value, []).append(triple.object)
    except (SyntaxError, ValueError, OSError) as error:
        raise VocabularyError(f"{path}: not valid Turtle ({error}); fix the file and re-run") from error
    return graph


def _values(node: dict[str, list], predicate: object) -> list[str]:
    return sorted(o.value for o in node.get(str(predicate), ()))


def _flag(node: dict[str, list], predicate: object) -> bool:
    """A boolean annotation (``"true"^^xsd:boolean``): false when absent."""
    values = _values(node, predicate)
    return bool(values) and values[0] in ("true", "1")


def _read_scheme(path: Path) -> Scheme:
    graph = _read_triples(path)
    schemes = [s for s, props in graph.items() if any(o.value == _CONCEPT_SCHEME for o in props.get(_RDF_TYPE, ()))]
    if len(schemes) != 1:
        raise VocabularyError(f"{path}: expected exactly one skos:ConceptScheme, found {len(schemes)}")
    scheme_iri = schemes[0]
    name = scheme_iri.removeprefix(VOCAB_BASE).strip("/")
    if name != path.stem:
        raise VocabularyError(
            f"{path}: the scheme IRI {scheme_iri} should be {VOCAB_BASE}{path.stem} to match the file name"
        )
    in_scheme = str(SKOS.inScheme)
    members = sorted(s for s, props in graph.items() if any(o.value == scheme_iri for o in props.get(in_scheme, ())))
    concepts = []
    seen: dict[str, str] = {}
    for subject in members:
        node = graph[subject]
        where = f"{path}: concept <{subject}>"
        notations = _values(node, SKOS.notation)
        pref = _values(node, SKOS.prefLabel)
        definition = _values(node, SKOS.definition)
        if len(notations) != 1:
            raise VocabularyError(f"{where} needs exactly one skos:notation (its code)")
        if len(pref) != 1:
            raise VocabularyError(f"{where} needs exactly one skos:prefLabel")
        if not definition:
            raise VocabularyError(f"{where} needs a skos:definition")
        code = notations[0]
        if code in seen:
            raise VocabularyError(f"{where}: code '{code}' is already used by <{seen[code]}>")
        seen[code] = subject
        broader = tuple(
            sorted(
                (_values(graph.get(b, {}), SKOS.notation) or [b.rsplit("/", 1)[-1]])[0]
                for b in _values(node, SKOS.broader)
            )
        )
        scope = _values(node, NHSKG.defaultScope)
        field = _values(node, NHSKG.recordField)
        implies = _values(node, NHSKG.impliesDesignation)
        organisation_type = _values(node, NHSKG.organisationType)
        patterns = _values(node, NHSKG.textPattern)
        title_patterns = _values(node, NHSKG.titlePattern)
        own_service_patterns = _values(node, NHSKG.ownServicePattern)
        deputy_of = _values(node, NHSKG.deputyOf)
        for prop, each in ([("textPattern", p) for p in patterns] + [("titlePattern", p) for p in title_patterns]
                           + [("ownServicePattern", p) for p in own_service_patterns]):
            try:
                re.compile(each)
            except re.error as error:
                raise VocabularyError(f"{where}: nhskg:{prop} {each!r} is not a valid regular expression ({error})") from error
        wider = _values(node, NHSKG.widerScope)
        employed_by = _values(node, NHSKG.employedBy)
        refined = _values(node, NHSKG.refinedInTextTo)
        register = _values(node, NHSKG.registrationWith)
        partner_body = _values(node, NHSKG.partnerBody)
        source = _values(node, DCTERMS.source)
        concepts.append(
            Concept(
                iri=subject,
                scheme=name,
                code=code,
                pref_label=pref[0],
                alt_labels=tuple(_values(node, SKOS.altLabel)),
                hidden_labels=tuple(_values(node, SKOS.hiddenLabel)),
                definition=definition[0],
                broader=broader,
                source="; ".join(source) if source else None,
                leadership=_flag(node, NHSKG.leadershipRole),
                default_scope=scope[0].rsplit("/", 1)[-1] if scope else None,
                record_field=field[0] if field else None,
                implies=tuple(i.rsplit("/", 1)[-1] for i in implies),
                organisation_type=organisation_type[0].rsplit("/", 1)[-1] if organisation_type else None,
                patterns=tuple(patterns),
                deputy_of=(_values(graph.get(deputy_of[0], {}), SKOS.notation) or [deputy_of[0].rsplit("/", 1)[-1]])[0] if deputy_of else None,
                title_patterns=tuple(title_patterns),
                fragments=tuple(_values(node, NHSKG.textFragment)),
                wider_scope=wider[0].rsplit("/", 1)[-1] if wider else None,
                part_of_organisation=_flag(node, NHSKG.partOfOrganisation),
                function_director_in=tuple(t.rsplit("/", 1)[-1] for t in _values(node, NHSKG.functionDirectorIn)),
                employed_by=employed_by[0].rsplit("/", 1)[-1] if employed_by else None,
                refined_in_text_to=refined[0].rsplit("/", 1)[-1] if refined else None,
                named_as_partner=_flag(node, NHSKG.namedAsPartner),
                advertises_as_team=_flag(node, NHSKG.advertisesAsTeam),
                staffs_other_bodies=_flag(node, NHSKG.staffsOtherBodies),
                partner_body=partner_body[0].rsplit("/", 1)[-1] if partner_body else None,
                own_service_patterns=tuple(own_service_patterns),
                named_for_standards=_flag(node, NHSKG.namedForStandards),
                teaches=_flag(node, NHSKG.teaches),
                inspects_services=_flag(node, NHSKG.inspectsServices),
                pays_on_national_terms=_flag(node, NHSKG.paysOnNationalTerms),
                registration_with=register[0].rsplit("/", 1)[-1] if register else None,
            )
        )
    if not concepts:
        raise VocabularyError(f"{path}: the scheme has no concepts (skos:inScheme <{scheme_iri}>)")
    label = (_values(graph[scheme_iri], SKOS.prefLabel) or [name])[0]
    return Scheme(name, scheme_iri, label, str(path), tuple(concepts))


def load_vocabulary(directory: Path | None = None) -> Vocabulary:
    """Read every ``*.ttl`` scheme in ``directory`` (default ``ontology/vocab`` under the project
    home, which ``NHSKG_HOME`` may move); read once per folder and kept.

    >>> vocab = load_vocabulary()
    >>> vocab.concept("role-type", "chief-nurse").pref_label
    'Chief Nurse'
    """
    return _load(Path(directory or vocabulary_dir()).resolve())


@lru_cache(maxsize=8)
def _load(directory: Path) -> Vocabulary:
    files = sorted(directory.glob("*.ttl"))
    if not files:
        raise VocabularyError(f"no vocabulary files (*.ttl) in {directory}")
    return Vocabulary(tuple(_read_scheme(f) for f in files), tuple(str(f) for f in files))


#: Forget every vocabulary read so far (after editing a .ttl file in a running process).
load_vocabulary.cache_clear = _load.cache_clear  # type: ignore[attr-defined]
