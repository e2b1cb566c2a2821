"""The SKOS vocabularies in ontology/vocab: the public codes exist and every label is unambiguous.

The extractor treats every label as a trigger, so a label that folds to the same text in two
concepts of one scheme would make recognition depend on file order; these tests forbid that.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib.namespace import DCTERMS, RDF, SKOS

from nhskg.errors import VocabularyError
from nhskg.namespaces import NHSKG, VOCAB_BASE
from nhskg.paths import vocabulary_dir
from nhskg.vocabulary.vocab import Vocabulary, load_vocabulary

#: The codes other parts of the project (and analysts' queries) rely on, per scheme.
CONTRACT: dict[str, tuple[str, ...]] = {
    "role-type": (
        "chief-executive", "chief-medical-officer", "chief-nurse", "chief-operating-officer",
        "chief-financial-officer", "chief-people-officer", "chief-digital-information-officer",
        "chief-delivery-officer", "director-of-strategy", "director-of-corporate-affairs",
        "director-of-infection-prevention-control", "director-of-midwifery", "deputy-medical-director",
        "deputy-chief-nurse", "divisional-director-of-nursing", "clinical-director",
        "hospital-managing-director", "chief-of-staff", "chair", "non-executive-director",
        "regional-director", "national-medical-director", "other",
    ),
    "scope": ("organisation", "group", "hospital", "division", "region", "national", "system"),
    "organisation-type": (
        "nhs-trust", "nhs-foundation-trust", "hospital-group", "nhs-england", "nhs-england-region",
        "icb", "ics", "ccg", "independent-provider", "other",
    ),
    "designation": (
        "board-member", "caldicott-guardian", "responsible-officer",
        "director-of-infection-prevention-control", "controlled-drugs-accountable-officer",
        "senior-information-risk-owner", "safeguarding-executive-lead", "accountable-emergency-officer",
        "freedom-to-speak-up-lead", "professional-lead-pharmacy", "deputy-chief-executive",
    ),
    "body": (
        "icb", "ics", "ccg", "cqc", "gmc", "nmc", "nhs-england", "dhsc", "hee", "deanery", "university",
        "local-authority", "local-medical-committee", "clinical-senate", "ukhsa", "nhs-resolution",
    ),
    "qualification": (
        "gmc-registration", "nmc-registration", "gdc-registration", "hcpc-registration", "medical-degree",
        "masters-degree", "management-qualification", "board-experience", "consultant-experience",
        "dbs-check",
    ),
    "competency": (
        "lcf-driving-outcomes", "lcf-strategy-transformation", "lcf-equality-inclusion",
        "lcf-governance-assurance", "lcf-compassionate-culture", "lcf-partners-communities",
    ),
    "pay-band": (
        "vsm", "esm-1", "esm-2", "esm-3", "esm-4", "medical-leader-1", "medical-leader-2",
        "medical-leader-3", "afc-8a", "afc-8b", "afc-8c", "afc-8d", "afc-9",
    ),
    "duty-area": (
        "clinical-strategy", "governance-quality", "patient-safety", "patient-experience",
        "infection-prevention", "safeguarding", "professional-standards", "workforce",
        "education-training", "research-innovation", "digital-information", "finance",
        "operational-performance", "system-partnership", "regulation-compliance",
    ),
}
OWN_FILES = tuple(sorted(CONTRACT))
SCHEMES_WITH_SOURCES = ("designation", "competency", "pay-band")

#: Role types whose title implies a span, and that span.
DEFAULT_SCOPES = {
    "regional-director": "region",
    "national-medical-director": "national",
    "hospital-managing-director": "hospital",
    "hospital-medical-director": "hospital",
    "divisional-director-of-nursing": "division",
    "clinical-director": "division",
}


def fold(label: str) -> str:
    """Case-fold and drop punctuation, as the matcher compares labels."""
    text = unicodedata.normalize("NFKC", label).casefold()
    return " ".join(re.sub(r"[^\w\s]", " ", text).split())


@pytest.fixture(scope="module")
def graphs() -> dict[str, rdflib.Graph]:
    """Each of our files parsed once with rdflib, for the checks the loader does not make."""
    return {stem: rdflib.Graph().parse(vocabulary_dir() / f"{stem}.ttl", format="turtle") for stem in OWN_FILES}


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    load_vocabulary.cache_clear()
    return load_vocabulary(vocabulary_dir())


@pytest.mark.parametrize("scheme", OWN_FILES)
def test_contract_codes_exist(vocab: Vocabulary, scheme: str) -> None:
    missing = [code for code in CONTRACT[scheme] if code not in vocab.scheme(scheme)]
    assert not missing, f"{scheme} lacks contract codes {missing}"


@pytest.mark.parametrize("scheme", OWN_FILES)
def test_every_concept_has_notation_label_and_definition(vocab: Vocabulary, scheme: str) -> None:
    for concept in vocab.scheme(scheme).concepts:
        assert concept.iri == f"{VOCAB_BASE}{scheme}/{concept.code}"
        assert concept.pref_label.strip()
        assert len(concept.definition.split()) >= 5, f"{concept.iri}: definition too thin"


@pytest.mark.parametrize("scheme", OWN_FILES)
def test_no_label_names_two_concepts(vocab: Vocabulary, scheme: str) -> None:
    owner: dict[str, str] = {}
    clashes = []
    for concept in vocab.scheme(scheme).concepts:
        for label in set(map(fold, concept.labels)):
            if label in owner and owner[label] != concept.code:
                clashes.append((label, owner[label], concept.code))
            owner.setdefault(label, concept.code)
    assert not clashes, f"{scheme}: labels shared by two concepts: {clashes}"


@pytest.mark.parametrize("scheme", SCHEMES_WITH_SOURCES)
def test_sourced_schemes_name_their_source(vocab: Vocabulary, scheme: str) -> None:
    unsourced = [c.code for c in vocab.scheme(scheme).concepts if not c.source]
    assert not unsourced, f"{scheme}: concepts without dcterms:source {unsourced}"


def test_designations_link_their_source_text(graphs: dict[str, rdflib.Graph]) -> None:
    graph = graphs["designation"]
    scheme = rdflib.URIRef(VOCAB_BASE + "designation")
    for concept in graph.subjects(SKOS.inScheme, scheme):
        assert graph.value(concept, DCTERMS.source) is not None, concept
        linked = any(isinstance(o, rdflib.URIRef) for o in graph.objects(concept, rdflib.RDFS.seeAlso))
        hedged = any(str(n).startswith("Unconfirmed:") for n in graph.objects(concept, SKOS.scopeNote))
        assert linked or hedged, f"{concept}: link the source text (rdfs:seeAlso) or say it is unconfirmed"
    unconfirmed = [str(n) for n in graph.objects(None, SKOS.scopeNote) if str(n).startswith("Unconfirmed:")]
    assert unconfirmed, "the reference's unconfirmed facts should be kept as 'Unconfirmed:' scope notes"


def test_every_role_type_says_whether_it_is_leadership(graphs: dict[str, rdflib.Graph]) -> None:
    graph = graphs["role-type"]
    scheme = rdflib.URIRef(VOCAB_BASE + "role-type")
    for concept in graph.subjects(SKOS.inScheme, scheme):
        values = list(graph.objects(concept, NHSKG.leadershipRole))
        assert len(values) == 1, f"{concept}: needs exactly one nhskg:leadershipRole"
        assert values[0].datatype == rdflib.namespace.XSD.boolean, f"{concept}: leadershipRole must be xsd:boolean"


def test_leadership_flags_and_default_scopes(vocab: Vocabulary) -> None:
    roles = vocab.scheme("role-type")
    for code in ("chief-executive", "chief-medical-officer", "chief-nurse", "deputy-medical-director",
                 "deputy-chief-nurse", "divisional-director-of-nursing", "chair", "non-executive-director"):
        assert roles.get(code).leadership, code
    assert not roles.get("other").leadership
    for code, scope in DEFAULT_SCOPES.items():
        assert roles.get(code).default_scope == scope, code
        assert scope in vocab.scheme("scope")


def test_deputies_name_their_chief_and_broader_means_a_kind_of(vocab: Vocabulary) -> None:
    roles = vocab.scheme("role-type")
    assert roles.get("deputy-medical-director").deputy_of == "chief-medical-officer"
    assert roles.get("deputy-chief-nurse").deputy_of == "chief-nurse"
    # a deputy is not a kind of its chief; a Director of Nursing is a kind of Chief Nurse
    assert roles.get("deputy-chief-nurse").broader == ()
    assert roles.get("director-of-nursing").broader == ("chief-nurse",)
    assert vocab.concept("organisation-type", "nhs-england-region").broader == ("nhs-england",)


def label_owner(vocab: Vocabulary, scheme: str) -> dict[str, str]:
    return {fold(label): c.code for c in vocab.scheme(scheme).concepts for label in c.labels}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Medical Director", "chief-medical-officer"),
        ("CMO", "chief-medical-officer"),
        ("Group Chief Medical Officer", "chief-medical-officer"),
        ("Deputy Medical Director", "deputy-medical-director"),
        ("Director of Nursing", "director-of-nursing"),
        ("Deputy Director of Nursing", "deputy-chief-nurse"),
        ("Divisional Director of Nursing", "divisional-director-of-nursing"),
        ("Assistant Director of Nursing", "associate-director"),
        ("Director of Finance", "chief-financial-officer"),
        ("Deputy Director of Finance", "deputy-director"),
        ("Hospital Chief Executive", "hospital-managing-director"),
        ("Director of Governance and Corporate Affairs", "director-of-corporate-affairs"),
        ("Chief Cardiac Physiologist", "other"),
    ],
)
def test_title_variants_resolve_to_the_right_role(vocab: Vocabulary, text: str, code: str) -> None:
    assert label_owner(vocab, "role-type")[fold(text)] == code


def test_no_role_label_is_a_bare_generic_word(vocab: Vocabulary) -> None:
    owner = label_owner(vocab, "role-type")
    for word in ("chief", "director", "officer", "deputy", "head", "lead", "manager"):
        assert word not in owner, f"a bare '{word}' would match far too much"


def test_pay_bands_avoid_bare_numbers(vocab: Vocabulary) -> None:
    owner = label_owner(vocab, "pay-band")
    assert owner[fold("Band 8A")] == "afc-8a"
    assert owner[fold("ESM2")] == "esm-2"
    assert "8a" not in owner and "9" not in owner


@pytest.mark.parametrize("stem", OWN_FILES)
def test_turtle_parses_with_rdflib_and_pyoxigraph(graphs: dict[str, rdflib.Graph], stem: str) -> None:
    path = vocabulary_dir() / f"{stem}.ttl"
    graph = graphs[stem]
    assert (rdflib.URIRef(VOCAB_BASE + stem), RDF.type, SKOS.ConceptScheme) in graph
    quads = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(quads) == len(graph)


def test_scheme_metadata_is_complete(graphs: dict[str, rdflib.Graph]) -> None:
    for stem, graph in graphs.items():
        scheme = rdflib.URIRef(VOCAB_BASE + stem)
        for predicate in (SKOS.prefLabel, SKOS.definition, DCTERMS.title, SKOS.hasTopConcept):
            assert graph.value(scheme, predicate) is not None, f"{stem}: scheme lacks {predicate}"
        for concept in graph.subjects(SKOS.inScheme, scheme):
            top = (concept, SKOS.topConceptOf, scheme) in graph
            assert top or graph.value(concept, SKOS.broader) is not None, concept
            assert len(list(graph.objects(concept, SKOS.prefLabel))) == 1, concept
            notation = list(graph.objects(concept, SKOS.notation))
            assert len(notation) == 1 and notation[0].datatype is None and notation[0].language is None, concept


def test_missing_notation_is_reported_with_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "scope.ttl"
    shutil.copy(vocabulary_dir() / "scope.ttl", broken)
    text = broken.read_text(encoding="utf-8")
    broken.write_text(text.replace('skos:notation "division" ;', "", 1), encoding="utf-8")
    assert text != broken.read_text(encoding="utf-8")
    load_vocabulary.cache_clear()
    try:
        with pytest.raises(VocabularyError, match=r"scope\.ttl.*notation"):
            load_vocabulary(tmp_path)
    finally:
        load_vocabulary.cache_clear()


def test_acronyms_are_hidden_labels(vocab: Vocabulary) -> None:
    """SKOS convention: acronyms are hiddenLabels; preferred and alternative labels are words."""
    for scheme in OWN_FILES:
        for concept in vocab.scheme(scheme).concepts:
            shouting = [a for a in concept.alt_labels if a.isupper() and len(a) <= 12]
            assert not shouting, f"{scheme}/{concept.code}: acronyms {shouting} belong in skos:hiddenLabel"


@pytest.mark.parametrize(
    ("scheme", "text", "code"),
    [
        ("role-type", "Associate Director of Nursing - Medicine & Urgent Care", "associate-director"),
        ("role-type", "Deputy Group Director of Nursing for Admitted Care", "deputy-chief-nurse"),
        ("role-type", "Director of Nursing & Quality", "director-of-nursing"),
        ("role-type", "Hospital Chief Executive Officer (HCEO)", "hospital-managing-director"),
        ("organisation-type", "Norfolk and Waveney University Hospitals Group", "hospital-group"),
        ("organisation-type", "West Suffolk and, Ipswich and East Suffolk Clinical Commisioning Groups", "ccg"),
        ("organisation-type", "Betsi Cadwaladr University Health Board", "local-health-board"),
        ("body", "working with Integrated Care Boards (ICBs)", "icb"),
        # LATER 1520's lead cancer nurse: a plural before the "of" of a title
        ("role-type", "working closely with the Divisional Heads of Nursing", "divisional-director-of-nursing"),
        ("role-type", "in partnership with the Directors of Nursing and Matrons", "director-of-nursing"),
        ("body", "at Leeds Teaching Hospitals", "nhs-provider"),
        ("pay-band", "Band 8A/B (depending on experience)", "afc-8a"),
        ("qualification", "Medically qualified with current licence to practice", "gmc-registration"),
        ("duty-area", "Oversee serious incidents and the duty of candour", "patient-safety"),
        ("designation", "As a full voting member of the Board, you will", "board-member"),
        ("designation", "attending all Board meetings as a non-voting member", "non-voting-board-member"),
    ],
)
def test_real_posting_phrases_are_recognised(vocab: Vocabulary, scheme: str, text: str, code: str) -> None:
    """Phrases from the 2020 corpus and the seeds, through the project's own matcher (longest wins)."""
    from nhskg.vocabulary.matching import build_matcher

    found = {m.code for m in build_matcher(vocab).find(text, (scheme,))}
    assert code in found, f"{text!r} gave {found}"


@pytest.mark.parametrize(("text", "scheme", "code", "found"), [
    # items of a list are not one label written without the comma
    ("The post holder will provide leadership, training and support to the team.", "qualification",
     "management-qualification", False),
    ("You must not hold a degree, level four qualification or above.", "qualification", "degree", False),
    # a comma inside a phrase, before a word that carries it on, still joins the label
    ("be on, or within six months of inclusion on, the Specialist Register", "qualification", "specialist-registration", True),
    ("You will have a full, current driving licence.", "qualification", "driving-licence", True),
])
def test_a_label_is_not_found_across_the_comma_between_two_items(vocab: Vocabulary, text: str, scheme: str, code: str,
                                                                  found: bool) -> None:
    """"leadership, training" was read as a management qualification in 13 corpus postings and
    "Board, Directors" as board experience: labels were matched through any punctuation."""
    from nhskg.vocabulary.matching import build_matcher

    assert (code in {m.code for m in build_matcher(vocab).find(text, (scheme,))}) is found


def test_university_in_a_trust_name_is_not_a_university(vocab: Vocabulary) -> None:
    from nhskg.vocabulary.matching import build_matcher

    found = {m.code for m in build_matcher(vocab).find("Oxford University Hospitals NHS Foundation Trust", ("body",))}
    assert "university" not in found


@pytest.mark.parametrize("text", [
    "Chief Nurse and Director of Infection Prevention and Control",
    "Leeds Teaching Hospitals NHS Trust",
    "Staff Nurse",  # nothing to find
    "Deputy Director of Finance " * 12,  # past the length whose mentions are remembered
])
def test_a_remembered_text_finds_what_a_fresh_scan_finds(vocab: Vocabulary, text: str) -> None:
    """The matcher remembers a short text's mentions (titles and employers repeat across a
    corpus): asked again, with or without a choice of schemes, it answers as a fresh scan does,
    and a caller that changes the list it was given changes nothing the next caller sees."""
    from nhskg.vocabulary.matching import build_matcher

    matcher = build_matcher(vocab)
    for schemes in (None, ("role-type",), ("organisation", "designation"), ()):
        fresh = matcher._find(text, schemes)
        first = matcher.find(text, schemes)
        first.clear()
        assert matcher.find(text, schemes) == fresh
    assert bool(matcher.find(text)) == (text != "Staff Nurse")
