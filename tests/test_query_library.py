"""Every library query answers its question: specific rows on a hand-built graph, then on the seeds.

``tests/data/query-library.trig`` is a six-posting graph written to docs/model.md whose right
answers were worked out by hand (see the expectations below). Each query runs on Oxigraph and on
rdflib and must give the same rows on both. The seeds tests build ``seeds/`` once per session.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import RDF, SKOS, XSD
from rdflib.term import Literal, Node, URIRef

from nhskg.paths import queries_dir, vocabulary_dir
from nhskg.queries.library import load_queries, parse_query, query_from_text
from nhskg.queries.running import run_query
from nhskg.sparql.sources import OxigraphSource, RdflibSource, Table, rows_as
from nhskg.vocabulary.vocab import load_vocabulary

DATA = Path(__file__).parent / "data"
FIXTURE = DATA / "query-library.trig"
SEEDS = Path(__file__).resolve().parents[1] / "seeds"
B = "https://w3id.org/nhskg/data/"
V = "https://w3id.org/nhskg/vocab/"
ONTOLOGY = URIRef("https://w3id.org/nhskg/graph/ontology")

S_CMO_JOINT = "Lead patient safety and clinical governance jointly with the Chief Nurse."
S_CN_JOINT = "Share accountability for patient safety with the Chief Medical Officer."


def write_fixture_home(root: Path) -> Path:
    """A project home whose vocabulary is the fixture's concepts and whose queries are the real ones.

    Parameters of type ``code:<scheme>`` are checked against the vocabulary, so the fixture's
    codes must be in it whatever the real ``ontology/vocab`` holds today.
    """
    dataset = rdflib.Dataset()
    dataset.parse(FIXTURE, format="trig")
    ontology = dataset.graph(ONTOLOGY)
    vocab = root / "ontology" / "vocab"
    vocab.mkdir(parents=True, exist_ok=True)
    for scheme in ontology.subjects(RDF.type, SKOS.ConceptScheme):
        graph = rdflib.Graph()
        graph.bind("skos", SKOS)
        graph += ontology.triples((scheme, None, None))
        for concept in ontology.subjects(SKOS.inScheme, scheme):
            graph += ontology.triples((concept, None, None))
            graph.add((concept, SKOS.definition, Literal("A concept of the query test fixture.", lang="en")))
        name = str(scheme).removeprefix(V)
        graph.serialize(vocab / f"{name}.ttl", format="turtle")
    (root / "queries").symlink_to(queries_dir(), target_is_directory=True)
    return root


# rdflib's Dataset warns about its own internals on every union-graph query.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture(scope="module")
def fixture_home_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_fixture_home(tmp_path_factory.mktemp("home"))


@pytest.fixture
def fixture_home(fixture_home_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point NHSKG_HOME at the fixture's vocabulary for one test."""
    monkeypatch.setenv("NHSKG_HOME", str(fixture_home_dir))
    load_vocabulary.cache_clear()
    yield fixture_home_dir
    load_vocabulary.cache_clear()


@pytest.fixture(scope="module")
def oxigraph_source() -> OxigraphSource:
    store = ox.Store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    return OxigraphSource(store)


@pytest.fixture(scope="module")
def rdflib_source() -> RdflibSource:
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(FIXTURE, format="trig")
    return RdflibSource(dataset)


class ValuesSource(OxigraphSource):
    """Oxigraph given its parameters as a remote store gets them: a VALUES block in the text."""

    def select(self, query, bindings=None, *, prefixes=None):  # type: ignore[no-untyped-def]
        from nhskg.sparql.bindings import with_values

        return super().select(with_values(query, bindings), prefixes=prefixes)


def plain(term: Node | None) -> object:
    """A term as the expectations write it: concept codes, data paths, Python literals."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        value = str(term)
        if value.startswith(V):
            return value.rsplit("/", 1)[-1]
        return value.removeprefix(B)
    if isinstance(term, Literal):
        value = term.toPython()
        return float(value) if isinstance(value, Decimal) else value
    return str(term)


def rows(table: Table, columns: tuple[str, ...]) -> list[tuple[object, ...]]:
    indexes = [table.columns.index(c) for c in columns]
    return [tuple(plain(row[i]) for i in indexes) for row in table.rows]


ALPHA = "Alpha Hospitals NHS Trust"
BETA = "Beta Mental Health NHS Foundation Trust"
NORTH = "NHS England North"

#: (query, parameters, columns checked, expected rows in the query's order)
CASES: list[tuple[str, dict[str, str], tuple[str, ...], list[tuple[object, ...]]]] = [
    ("shared-duties", {}, ("area", "postings_a", "postings_b", "joint", "posting_a", "sentence_a", "posting_b", "sentence_b"), [
        # own duties: two CMO postings (alpha, beta), one Chief Nurse posting; both alpha postings
        # state a joint duty. A CMO posting is never counted as a Chief Nurse posting (issue 15).
        ("patient-safety", 2, 1, 2, "posting/alpha-cmo-2020", S_CMO_JOINT, "posting/alpha-cn-2020", S_CN_JOINT),
        # the Chief Nurse holds it only through the CMO's joint duty: 0 postings of her own
        ("governance-quality", 1, 0, 1, "posting/alpha-cmo-2020", S_CMO_JOINT, "posting/alpha-cmo-2020", S_CMO_JOINT),
        ("medicines-pharmacy", 1, 1, 0, "posting/beta-cmo-2020", "Be the executive lead for medicines and pharmacy.",
         "posting/alpha-cn-2020", "Oversee medicines optimisation and the pharmacy service."),
    ]),
    ("shared-duties", {"role_a": "chief-nurse", "role_b": "regional-medical-director"}, ("area",), []),
    ("joint-duties", {}, ("posting", "duty", "area", "area_label", "sentence"), [
        ("posting/alpha-cmo-2020", "post/alpha-cmo-2020/duty/1", "governance-quality", "Governance and quality", S_CMO_JOINT),
        ("posting/alpha-cmo-2020", "post/alpha-cmo-2020/duty/1", "patient-safety", "Patient safety", S_CMO_JOINT),
    ]),
    ("joint-duties", {"role": "chief-nurse", "partner": "chief-medical-officer"}, ("duty", "area", "sentence"), [
        ("post/alpha-cn-2020/duty/1", "patient-safety", S_CN_JOINT),
    ]),
    ("duties-by-area", {}, ("area", "area_label", "postings", "duties", "example_posting"), [
        ("medicines-pharmacy", "Medicines and pharmacy", 1, 1, "posting/alpha-cn-2020"),
        ("patient-safety", "Patient safety", 1, 1, "posting/alpha-cn-2020"),
        ("safeguarding", "Safeguarding", 1, 1, "posting/alpha-cn-2020"),
    ]),
    ("duties-by-area", {"role": "chief-medical-officer"}, ("area", "postings", "duties", "example_sentence"), [
        ("patient-safety", 2, 2, S_CMO_JOINT),
        ("governance-quality", 1, 1, S_CMO_JOINT),
        ("medicines-pharmacy", 1, 1, "Be the executive lead for medicines and pharmacy."),
        ("research-innovation", 1, 1, "Oversee research and innovation across the Trust."),
    ]),
    ("reporting-chain", {}, ("post", "organisation_label", "line", "depth", "superior", "superior_label", "superior_role"), [
        ("post/alpha-dmd-2020", ALPHA, "managerial", 1, "org/alpha-hospitals-nhs-trust/role/chief-medical-officer",
         "Chief Medical Officer", "chief-medical-officer"),
        ("post/alpha-dmd-2020", ALPHA, "managerial", 2, "org/alpha-hospitals-nhs-trust/role/chief-executive",
         "Chief Executive", "chief-executive"),
    ]),
    ("reporting-chain", {"role": "regional-medical-director"}, ("post", "line", "depth", "superior_role"), [
        ("post/north-rmd-2020", "managerial", 1, "regional-director"),
        ("post/north-rmd-2020", "professional", 1, "national-medical-director"),
    ]),
    ("reporting-chain", {"role": "chief-medical-officer", "post": B + "post/beta-cmo-2020"}, ("post", "line", "depth", "superior"), [
        ("post/beta-cmo-2020", "managerial", 1, "org/beta-mental-health-nhs-foundation-trust/role/chief-executive"),
    ]),
    ("designation-holders", {}, ("organisation_label", "designation", "post", "role", "posting", "sentence"), [
        (ALPHA, "caldicott-guardian", "post/alpha-cmo-2020", "chief-medical-officer", "posting/alpha-cmo-2020",
         "You will be the Trust's Caldicott Guardian."),
        (ALPHA, "caldicott-guardian", "post/alpha-cn-2020", "chief-nurse", "posting/alpha-cn-2020",
         "You will be the Trust's Caldicott Guardian."),
        (ALPHA, "director-of-infection-prevention-control", "post/alpha-cn-2020", "chief-nurse", "posting/alpha-cn-2020",
         "You will be the Trust's Director of Infection Prevention and Control."),
        (ALPHA, "responsible-officer", "post/alpha-cmo-2020", "chief-medical-officer", "posting/alpha-cmo-2020",
         "You will be the Trust's Responsible Officer."),
        (BETA, "responsible-officer", "post/beta-cmo-2020", "chief-medical-officer", "posting/beta-cmo-2020",
         "You will be the Trust's Responsible Officer."),
        (NORTH, "responsible-officer", "post/north-rmd-2020", "regional-medical-director", "posting/north-rmd-2020",
         "You will be the Trust's Responsible Officer."),
    ]),
    ("designation-holders", {"designation": "responsible-officer"}, ("organisation_label", "post"), [
        (ALPHA, "post/alpha-cmo-2020"), (BETA, "post/beta-cmo-2020"), (NORTH, "post/north-rmd-2020"),
    ]),
    # NHS England North is a region, so NHS England's requirements apply, which do not include a DIPC.
    ("designation-gaps", {}, ("organisation_label", "designation"), [
        (ALPHA, "senior-information-risk-owner"),
        (BETA, "caldicott-guardian"), (BETA, "director-of-infection-prevention-control"), (BETA, "senior-information-risk-owner"),
        (NORTH, "caldicott-guardian"), (NORTH, "senior-information-risk-owner"),
    ]),
    ("designation-gaps", {"designation": "caldicott-guardian"}, ("organisation_label", "designation"), [
        (BETA, "caldicott-guardian"), (NORTH, "caldicott-guardian"),
    ]),
    # Alpha's CMO and Chief Nurse postings were open at the same time (March 2020): once from each side.
    ("designation-conflicts", {}, ("organisation_label", "designation", "post", "other"), [
        (ALPHA, "caldicott-guardian", "post/alpha-cmo-2020", "post/alpha-cn-2020"),
        (ALPHA, "caldicott-guardian", "post/alpha-cn-2020", "post/alpha-cmo-2020"),
    ]),
    ("designation-conflicts", {"designation": "responsible-officer"}, ("designation",), []),
    ("works-with", {}, ("partner", "partner_label", "postings", "example_posting", "example_sentence"), [
        ("chief-nurse", "Chief Nurse", 2, "posting/alpha-cmo-2020", "You will work closely with the Chief Nurse."),
    ]),
    ("works-with", {"role": "chief-nurse"}, ("partner", "postings"), [("chief-medical-officer", 1)]),
    ("requirements", {}, ("role", "requirement", "scheme", "essential", "desirable", "postings"), [
        ("chief-medical-officer", "gmc-registration", "qualification", 2, 0, 2),
        ("chief-medical-officer", "management-qualification", "qualification", 1, 1, 2),
        ("chief-medical-officer", "strategic-leadership", "competency", 1, 0, 1),
        ("chief-nurse", "management-qualification", "qualification", 0, 1, 1),
        ("chief-nurse", "nmc-registration", "qualification", 1, 0, 1),
        ("regional-medical-director", "gmc-registration", "qualification", 1, 0, 1),
    ]),
    ("requirements", {"role": "chief-nurse"}, ("requirement", "requirement_label"), [
        ("management-qualification", "Management qualification"), ("nmc-registration", "NMC registration"),
    ]),
    ("bodies", {}, ("role", "body", "body_label", "postings"), [
        ("chief-medical-officer", "gmc", "General Medical Council", 2),
        ("chief-medical-officer", "cqc", "Care Quality Commission", 1),
        ("chief-nurse", "cqc", "Care Quality Commission", 1),
        ("chief-nurse", "nmc", "Nursing and Midwifery Council", 1),
        ("regional-medical-director", "gmc", "General Medical Council", 1),
    ]),
    # midpoints: CMO 140-160k -> 150k and 150-170k -> 160k, so quartiles 152.5k, 155k, 157.5k
    ("pay", {}, ("role", "band", "postings", "n", "min", "q1", "median", "q3", "max"), [
        ("chief-medical-officer", "vsm", 2, 2, 150000.0, 152500.0, 155000.0, 157500.0, 160000.0),
        ("chief-nurse", "vsm", 1, 1, 135000.0, 135000.0, 135000.0, 135000.0, 135000.0),
        ("deputy-medical-director", "band-9", 1, 1, 107500.0, 107500.0, 107500.0, 107500.0, 107500.0),
        # the "other" posting is not a leadership posting (nhskg:leadershipPosting false): not counted
        ("regional-medical-director", "vsm", 1, 0, None, None, None, None, None),
    ]),
    ("pay", {"role": "chief-nurse"}, ("band", "band_label", "postings"), [("vsm", "Very senior manager", 1)]),
    ("split-lines", {}, ("post", "organisation_label", "managerial_role", "professional_role", "professional_sentence"), [
        ("post/north-rmd-2020", NORTH, "regional-director", "national-medical-director",
         "You will be professionally accountable to the National Medical Director."),
    ]),
    ("postings-over-time", {}, ("month", "organisation_type", "postings", "leadership_postings"), [
        ("2020-03", "nhs-trust", 2, 2),
        ("2020-05", "nhs-foundation-trust", 1, 1),
        ("2020-05", "nhs-trust", 1, 1),
        ("2020-05", "", 1, 0),
        ("2020-06", "nhs-england-region", 1, 1),
    ]),
    ("where-functions-sit", {}, ("organisation_label", "organisation_type", "role", "duties", "example_sentence"), [
        (ALPHA, "nhs-trust", "chief-nurse", 1, "Oversee medicines optimisation and the pharmacy service."),
        (BETA, "nhs-foundation-trust", "chief-medical-officer", 1, "Be the executive lead for medicines and pharmacy."),
    ]),
    ("where-functions-sit", {"area": "research-innovation"}, ("organisation_label", "role", "role_label"), [
        (ALPHA, "chief-medical-officer", "Chief Medical Officer"),
    ]),
    ("evidence", {"posting_id": "alpha-dmd-2020"}, ("posting", "subject", "predicate", "object", "label_as_written", "sentence", "start", "end"), [
        ("posting/alpha-dmd-2020", "post/alpha-dmd-2020", "http://www.w3.org/ns/org#role", "deputy-medical-director",
         "Deputy Medical Director", "Deputy Medical Director, Alpha Hospitals NHS Trust.", 0, 51),
        ("posting/alpha-dmd-2020", "post/alpha-dmd-2020", "http://www.w3.org/ns/org#reportsTo",
         "org/alpha-hospitals-nhs-trust/role/chief-medical-officer", "Chief Medical Officer",
         "You will be accountable to the Chief Medical Officer.", 52, 105),
    ]),
    ("evidence", {"posting_id": "no-such-posting"}, ("posting",), []),
    ("role-network", {}, ("source", "relation", "target", "postings"), [
        ("chief-medical-officer", "leads", "deputy-medical-director", 1),
        ("chief-medical-officer", "professionallyAccountableTo", "chief-executive", 1),
        ("chief-medical-officer", "reportsTo", "chief-executive", 2),
        ("chief-medical-officer", "worksWith", "chief-nurse", 2),
        ("chief-nurse", "reportsTo", "chief-executive", 1),
        ("chief-nurse", "worksWith", "chief-medical-officer", 1),
        ("deputy-medical-director", "reportsTo", "chief-medical-officer", 1),
        ("regional-medical-director", "professionallyAccountableTo", "national-medical-director", 1),
        ("regional-medical-director", "reportsTo", "regional-director", 1),
    ]),
    # both CMO postings are dated 2020: alpha claims safety, governance, research; beta safety, pharmacy
    ("drift-area-shares", {}, ("year", "area", "postings", "claiming", "share"), [
        ("2020", "patient-safety", 2, 2, 1.0),
        ("2020", "governance-quality", 2, 1, 0.5),
        ("2020", "medicines-pharmacy", 2, 1, 0.5),
        ("2020", "research-innovation", 2, 1, 0.5),
    ]),
    ("drift-area-shares", {"role": "regional-medical-director"}, ("year", "area", "share"), [
        ("2020", "professional-standards", 1.0),
    ]),
    # issue 15's cookbook: whose posts answer to the Chief Executive, one step up
    ("answers-to", {}, ("role", "line", "postings", "example_posting", "example_sentence"), [
        ("chief-medical-officer", "managerial", 2, "posting/alpha-cmo-2020", "You will be accountable to the Chief Executive."),
        ("chief-nurse", "managerial", 1, "posting/alpha-cn-2020", "You will be accountable to the Chief Executive."),
        ("chief-medical-officer", "professional", 1, "posting/alpha-cmo-2020", "You will be professionally accountable to the Chief Executive."),
    ]),
    ("answers-to", {"superior_role": "chief-medical-officer"}, ("role", "line", "postings"), [
        ("deputy-medical-director", "managerial", 1),
    ]),
    # the fixture's DIPC is the Chief Nurse (nurse by role type); the RO holders are doctors
    ("designation-professions", {}, ("designation", "profession", "postings", "role_types"), [
        ("director-of-infection-prevention-control", "nurse", 1, "chief-nurse"),
    ]),
    ("designation-professions", {"designation": "responsible-officer"}, ("profession", "postings", "role_types"), [
        ("doctor", 3, "chief-medical-officer; regional-medical-director"),
    ]),
    ("designation-professions", {"designation": "caldicott-guardian"}, ("profession", "postings"), [
        ("doctor", 1), ("nurse", 1),
    ]),
    # CMO areas: safety, governance, research, pharmacy; the Chief Nurse's: pharmacy, safety, safeguarding
    ("areas-absent", {"role": "chief-medical-officer", "other": "chief-nurse"},
     ("area", "postings", "other_postings", "example_posting", "example_sentence"), [
        ("governance-quality", 1, 1, "posting/alpha-cmo-2020", S_CMO_JOINT),
        ("research-innovation", 1, 1, "posting/alpha-cmo-2020", "Oversee research and innovation across the Trust."),
    ]),
    ("areas-absent", {"role": "chief-nurse", "other": "chief-medical-officer"}, ("area", "postings", "other_postings"), [
        ("safeguarding", 1, 2),
    ]),
    # the defaults: the Chief Nurse against her deputies, of whom the fixture has no posting, so
    # every area of the Chief Nurse comes back and other_postings says there was nothing to compare
    ("areas-absent", {}, ("area", "postings", "other_postings"), [
        ("medicines-pharmacy", 1, 0), ("patient-safety", 1, 0), ("safeguarding", 1, 0),
    ]),
    ("leadership-by-month", {}, ("month", "postings", "leadership_postings"), [
        ("2020-03", 2, 2), ("2020-05", 3, 2), ("2020-06", 1, 1),
    ]),
    ("leadership-by-month", {"role": "chief-medical-officer"}, ("month", "postings", "leadership_postings"), [
        ("2020-03", 1, 1), ("2020-05", 1, 1),
    ]),
    # the fixture holds no organisation change events (tests/test_org_changes.py has some)
    ("drift-successors", {}, ("organisation", "predecessor"), []),
    # two facts of the fixture were reviewed (issue 18); every other reviewable fact is unreviewed
    ("review-status", {"status": "accepted"}, ("posting_id", "field", "value", "value_label", "review_status", "reviewer", "note"), [
        ("alpha-cmo-2020", "designations", "caldicott-guardian", "Caldicott Guardian", "accepted", "Ann Smith", None),
    ]),
    ("review-status", {"posting_id": "alpha-dmd-2020"}, ("field", "value", "sentence", "review_status", "reviewer", "note",
                                                         "extracted_predicate"), [
        ("accountable_to", "chief-medical-officer", "You will be accountable to the Chief Medical Officer.", "corrected",
         "Bob Jones", "the sentence gives the line manager", "https://w3id.org/nhskg/def#worksWith"),
    ]),
    ("review-status", {"posting_id": "north-rmd-2020", "status": "unreviewed"}, ("field", "value", "label_as_written"), [
        ("accountable_to", "regional-director", "Regional Director"),
        ("bodies", "gmc", "General Medical Council"),
        ("designations", "responsible-officer", "Responsible Officer"),
        ("professionally_accountable_to", "national-medical-director", "National Medical Director"),
        ("requirements", "gmc-registration", "GMC registration"),
    ]),
    # four statements carry a confidence: below the default 0.85 the two weakest, weakest first;
    # 0.85 itself is not below it
    ("weak-facts", {}, ("confidence", "stated_as", "posting_id", "subject_label", "relation", "object_label", "sentence"), [
        (0.72, "stated directly of the post", "north-rmd-2020", "Regional Medical Director", "engages with",
         "General Medical Council", "You will work with the General Medical Council."),
        (0.81, "named in a list", "alpha-cmo-2020", "Chief Medical Officer", "engages with", "Care Quality Commission",
         "You will work with the Care Quality Commission."),
    ]),
    # three duty areas carry the duty model's chance: below the default 0.5 the two weakest, weakest
    # first, with the post and the duty's sentence; a duty from a hand-made record is never listed
    ("duty-areas-to-check", {}, ("confidence", "posting_id", "post_label", "area_label", "sentence"), [
        (0.35, "alpha-cn-2020", "Chief Nurse", "Patient safety", "Share accountability for patient safety with the Chief Medical Officer."),
        (0.42, "alpha-cmo-2020", "Chief Medical Officer", "Governance and quality",
         "Lead patient safety and clinical governance jointly with the Chief Nurse."),
    ]),
    # the same three duty areas, each a fact a reviewer can decide on, with its reading as the statement;
    # nobody has reviewed one (the fixture's reviews are of lines and designations)
    ("duty-area-review-status", {"posting_id": "alpha-cmo-2020"}, ("field", "value_label", "confidence", "review_status", "sentence"), [
        ("duty_areas", "Governance and quality", 0.42, "unreviewed", "Lead patient safety and clinical governance jointly with the Chief Nurse."),
        ("duty_areas", "Patient safety", 0.91, "unreviewed", "Lead patient safety and clinical governance jointly with the Chief Nurse."),
    ]),
    ("duty-area-review-status", {"status": "accepted"}, ("posting_id", "value"), []),
    ("duty-areas-to-check", {"below": "1"}, ("confidence", "posting_id", "area_label"), [
        (0.35, "alpha-cn-2020", "Patient safety"),
        (0.42, "alpha-cmo-2020", "Governance and quality"),
        (0.91, "alpha-cmo-2020", "Patient safety"),
    ]),
    ("weak-facts", {"below": "0.9"}, ("confidence", "posting_id", "relation", "object_label"), [
        (0.72, "north-rmd-2020", "engages with", "General Medical Council"),
        (0.81, "alpha-cmo-2020", "engages with", "Care Quality Commission"),
        (0.85, "alpha-cmo-2020", "works with", "Chief Nurse"),
        (0.89, "beta-cmo-2020", "has requirement", "GMC registration"),
    ]),
]


def _case_id(case: tuple[str, dict[str, str], tuple[str, ...], list[tuple[object, ...]]]) -> str:
    name, params = case[0], case[1]
    return name + "".join(f"-{k}={v.rsplit('/', 1)[-1]}" for k, v in params.items())


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_query_gives_the_known_rows(case, fixture_home, oxigraph_source) -> None:  # type: ignore[no-untyped-def]
    name, params, columns, expected = case
    table = run_query(oxigraph_source, name, params)
    assert isinstance(table, Table)
    assert rows(table, columns) == expected


FIRST_CASES = [c for i, c in enumerate(CASES) if c[0] not in {d[0] for d in CASES[:i]}]


@pytest.mark.parametrize("case", FIRST_CASES, ids=[_case_id(c) for c in FIRST_CASES])
def test_rdflib_gives_the_same_rows(case, fixture_home, oxigraph_source, rdflib_source) -> None:  # type: ignore[no-untyped-def]
    """The pure-Python engine agrees row for row: no query relies on an engine quirk (such as
    pyoxigraph substituting only projected variables, or rdflib's one-row answer to an empty group)."""
    name, params = case[0], case[1]
    assert run_query(rdflib_source, name, params) == run_query(oxigraph_source, name, params)


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_a_values_block_gives_the_same_rows(case, fixture_home, oxigraph_source) -> None:  # type: ignore[no-untyped-def]
    """A remote store gets the parameters as a VALUES block opening each WHERE group (nhskg.sparql.bindings):
    the same rows as Oxigraph's substitutions, so no parameter lands before a bare sub-select."""
    name, params = case[0], case[1]
    assert run_query(ValuesSource(oxigraph_source.store), name, params) == run_query(oxigraph_source, name, params)


def test_every_library_query_has_a_case() -> None:
    assert {case[0] for case in CASES} == set(load_queries())


def test_there_are_at_least_fifteen_library_queries() -> None:
    assert len(load_queries()) >= 15


def test_shared_duties_counts_agree_with_analyse_overlap(fixture_home, oxigraph_source) -> None:  # type: ignore[no-untyped-def]
    """Issue 15: the two tools once counted the same overlap differently (shared-duties counted a
    CMO posting's joint duty as a Chief Nurse posting: 2 where overlap said 1). One definition now."""
    from nhskg.analyses.overlap import overlap

    claims = {c.area: c for c in overlap(oxigraph_source, "chief-medical-officer", "chief-nurse").areas}
    table = run_query(oxigraph_source, "shared-duties")
    assert isinstance(table, Table) and len(table) == 3
    for row in table.python():
        area = str(row["area"]).rsplit("/", 1)[-1]
        claim = claims.get(area)
        assert (row["postings_a"], row["postings_b"]) == ((claim.postings_a, claim.postings_b) if claim else (0, 0)), area


def test_leadership_by_month_agrees_with_postings_over_time(fixture_home, oxigraph_source) -> None:  # type: ignore[no-untyped-def]
    """Counts of the same thing agree between queries: per month, summed over organisation types."""
    by_type = run_query(oxigraph_source, "postings-over-time")
    by_month = run_query(oxigraph_source, "leadership-by-month")
    assert isinstance(by_type, Table) and isinstance(by_month, Table)
    sums: dict[str, tuple[int, int]] = {}
    for row in by_type.python():
        postings, leaders = sums.get(str(row["month"]), (0, 0))
        sums[str(row["month"])] = (postings + int(row["postings"]), leaders + int(row["leadership_postings"]))
    assert {str(r["month"]): (r["postings"], r["leadership_postings"]) for r in by_month.python()} == sums


# ---------------------------------------------------------------------------------------------
# Narrower role types: the fixture plus a Director of Nursing (query-library-narrower.trig), a
# kind of Chief Nurse (skos:broader). Asked about the Chief Nurse, a query counts her posting too,
# as `nhskg analyse overlap` does; grouping by role type, it counts her once, as herself.
# ---------------------------------------------------------------------------------------------

NARROWER = DATA / "query-library-narrower.trig"
S_DON_JOINT = "With the Chief Medical Officer, lead patient safety across the Trust."


@pytest.fixture(scope="module")
def narrower_oxigraph() -> OxigraphSource:
    store = ox.Store()
    for path in (FIXTURE, NARROWER):
        store.load(path=str(path), format=ox.RdfFormat.TRIG)
    return OxigraphSource(store)


@pytest.fixture(scope="module")
def narrower_rdflib() -> RdflibSource:
    dataset = rdflib.Dataset(default_union=True)
    for path in (FIXTURE, NARROWER):
        dataset.parse(path, format="trig")
    return RdflibSource(dataset)


NARROWER_CASES: list[tuple[str, dict[str, str], tuple[str, ...], list[tuple[object, ...]]]] = [
    # the Director of Nursing's own patient-safety duty makes 2 Chief Nurse postings; her duty is
    # joint with the CMO, so 3 postings give a joint duty there; her safeguarding, which no CMO
    # posting holds, is no shared area
    ("shared-duties", {}, ("area", "postings_a", "postings_b", "joint", "posting_b", "sentence_b"), [
        ("patient-safety", 2, 2, 3, "posting/alpha-cn-2020", S_CN_JOINT),
        ("governance-quality", 1, 0, 1, "posting/alpha-cmo-2020", S_CMO_JOINT),
        ("medicines-pharmacy", 1, 1, 0, "posting/alpha-cn-2020", "Oversee medicines optimisation and the pharmacy service."),
    ]),
    # the narrower side alone: only her posting; a CMO duty naming the (broader) Chief Nurse as
    # partner is not joint with a Director of Nursing
    ("shared-duties", {"role_a": "director-of-nursing", "role_b": "chief-medical-officer"},
     ("area", "postings_a", "postings_b", "joint", "posting_a", "sentence_a"), [
        ("patient-safety", 1, 2, 1, "posting/beta-don-2020", S_DON_JOINT),
    ]),
    ("joint-duties", {"role": "chief-nurse", "partner": "chief-medical-officer"}, ("posting", "area", "sentence"), [
        ("posting/alpha-cn-2020", "patient-safety", S_CN_JOINT),
        ("posting/beta-don-2020", "patient-safety", S_DON_JOINT),
    ]),
    ("duties-by-area", {}, ("area", "postings", "duties", "example_posting"), [
        ("patient-safety", 2, 2, "posting/alpha-cn-2020"),
        ("safeguarding", 2, 2, "posting/alpha-cn-2020"),
        ("medicines-pharmacy", 1, 1, "posting/alpha-cn-2020"),
    ]),
    ("works-with", {"role": "chief-nurse"}, ("partner", "postings", "example_posting"), [
        ("chief-medical-officer", 2, "posting/alpha-cn-2020"),
    ]),
    ("areas-absent", {}, ("area", "postings", "other_postings"), [
        ("patient-safety", 2, 0), ("safeguarding", 2, 0), ("medicines-pharmacy", 1, 0),
    ]),
    ("areas-absent", {"role": "chief-nurse", "other": "chief-medical-officer"}, ("area", "postings", "other_postings"), [
        ("safeguarding", 2, 2),
    ]),
    # every Director of Nursing posting is a Chief Nurse posting: nothing is absent by construction
    ("areas-absent", {"role": "director-of-nursing", "other": "chief-nurse"}, ("area",), []),
    ("drift-area-shares", {"role": "chief-nurse"}, ("year", "area", "postings", "claiming", "share"), [
        ("2020", "patient-safety", 2, 2, 1.0),
        ("2020", "safeguarding", 2, 2, 1.0),
        ("2020", "medicines-pharmacy", 2, 1, 0.5),
    ]),
    ("leadership-by-month", {"role": "chief-nurse"}, ("month", "postings", "leadership_postings"), [
        ("2020-03", 1, 1), ("2020-06", 1, 1),
    ]),
    ("bodies", {"role": "chief-nurse"}, ("role", "body", "postings"), [
        ("chief-nurse", "nmc", 2), ("chief-nurse", "cqc", 1),
    ]),
    ("requirements", {"role": "chief-nurse"}, ("requirement", "essential", "desirable", "postings"), [
        ("nmc-registration", 2, 0, 2), ("management-qualification", 0, 1, 1),
    ]),
    # midpoints 125,000 (hers) and 135,000
    ("pay", {"role": "chief-nurse"}, ("role", "band", "postings", "n", "min", "q1", "median", "q3", "max"), [
        ("chief-nurse", "vsm", 2, 2, 125000.0, 127500.0, 130000.0, 132500.0, 135000.0),
    ]),
    # grouped by role type, each posting once, under its own role type
    ("bodies", {}, ("role", "body", "postings"), [
        ("chief-medical-officer", "gmc", 2), ("chief-medical-officer", "cqc", 1),
        ("chief-nurse", "cqc", 1), ("chief-nurse", "nmc", 1),
        ("director-of-nursing", "nmc", 1),
        ("regional-medical-director", "gmc", 1),
    ]),
    ("requirements", {}, ("role", "requirement", "postings"), [
        ("chief-medical-officer", "gmc-registration", 2), ("chief-medical-officer", "management-qualification", 2),
        ("chief-medical-officer", "strategic-leadership", 1),
        ("chief-nurse", "management-qualification", 1), ("chief-nurse", "nmc-registration", 1),
        ("director-of-nursing", "nmc-registration", 1),
        ("regional-medical-director", "gmc-registration", 1),
    ]),
    ("pay", {}, ("role", "band", "postings", "median"), [
        ("chief-medical-officer", "vsm", 2, 155000.0),
        ("chief-nurse", "vsm", 1, 135000.0),
        ("deputy-medical-director", "band-9", 1, 107500.0),
        ("director-of-nursing", "vsm", 1, 125000.0),
        ("regional-medical-director", "vsm", 1, None),
    ]),
    ("answers-to", {}, ("role", "line", "postings"), [
        ("chief-medical-officer", "managerial", 2),
        ("chief-nurse", "managerial", 1),
        ("director-of-nursing", "managerial", 1),
        ("chief-medical-officer", "professional", 1),
    ]),
    ("role-network", {}, ("source", "relation", "target", "postings"), [
        ("chief-medical-officer", "leads", "deputy-medical-director", 1),
        ("chief-medical-officer", "professionallyAccountableTo", "chief-executive", 1),
        ("chief-medical-officer", "reportsTo", "chief-executive", 2),
        ("chief-medical-officer", "worksWith", "chief-nurse", 2),
        ("chief-nurse", "reportsTo", "chief-executive", 1),
        ("chief-nurse", "worksWith", "chief-medical-officer", 1),
        ("deputy-medical-director", "reportsTo", "chief-medical-officer", 1),
        ("director-of-nursing", "reportsTo", "chief-executive", 1),
        ("director-of-nursing", "worksWith", "chief-medical-officer", 1),
        ("regional-medical-director", "professionallyAccountableTo", "national-medical-director", 1),
        ("regional-medical-director", "reportsTo", "regional-director", 1),
    ]),
]


@pytest.mark.parametrize("case", NARROWER_CASES, ids=[_case_id(c) for c in NARROWER_CASES])
def test_narrower_role_types(case, fixture_home, narrower_oxigraph, narrower_rdflib) -> None:  # type: ignore[no-untyped-def]
    """The same rows from Oxigraph's substitutions, rdflib's initBindings and a VALUES block."""
    name, params, columns, expected = case
    table = run_query(narrower_oxigraph, name, params)
    assert isinstance(table, Table)
    assert rows(table, columns) == expected
    assert run_query(narrower_rdflib, name, params) == table
    assert run_query(ValuesSource(narrower_oxigraph.store), name, params) == table


def test_shared_duties_and_overlap_agree_on_a_narrower_role_type(fixture_home, narrower_oxigraph) -> None:  # type: ignore[no-untyped-def]
    """shared-duties and `nhskg analyse overlap` count the Director of Nursing's posting as a Chief
    Nurse posting alike (2 postings in patient safety, 1 in safeguarding)."""
    from nhskg.analyses.overlap import overlap

    result = overlap(narrower_oxigraph, "chief-medical-officer", "chief-nurse")
    assert result.postings_b == 2
    claims = {c.area: (c.postings_a, c.postings_b) for c in result.areas}
    assert claims["safeguarding"] == (0, 2)
    table = run_query(narrower_oxigraph, "shared-duties")
    assert isinstance(table, Table) and len(table) == 3
    for row in table.python():
        area = str(row["area"]).rsplit("/", 1)[-1]
        assert (row["postings_a"], row["postings_b"]) == claims.get(area, (0, 0)), area
    assert len(result.joint_duties) == 3  # the CMO's one, the Chief Nurse's and the Director of Nursing's


def test_coverage_counts_a_narrower_role_type_where_it_is_asked_for(fixture_home, narrower_oxigraph) -> None:  # type: ignore[no-untyped-def]
    """A footer about the Chief Nurse rests on her postings and the Director of Nursing's; the
    summary by role type counts each posting once, under its own role type."""
    from nhskg.queries.coverage import role_counts

    (asked,) = role_counts(narrower_oxigraph, [V + "role-type/chief-nurse"])
    assert (asked.code, asked.postings, asked.full) == ("chief-nurse", 2, 2)
    counts = {c.code: c.postings for c in role_counts(narrower_oxigraph)}
    assert counts["chief-nurse"] == 1 and counts["director-of-nursing"] == 1
    assert sum(counts.values()) == 7


def test_counts_by_role_type_need_no_vocabulary(fixture_home) -> None:  # type: ignore[no-untyped-def]
    """Matching narrower role types reads skos:broader from the vocabulary; a graph without it
    still counts every posting under its own role type (as postings-over-time does)."""
    store = ox.Store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    store.remove_graph(ox.NamedNode(str(ONTOLOGY)))
    table = run_query(OxigraphSource(store), "leadership-by-month")
    assert rows(table, ("month", "postings", "leadership_postings")) == [("2020-03", 2, 2), ("2020-05", 3, 2), ("2020-06", 1, 1)]  # type: ignore[arg-type]
    from nhskg.queries.coverage import role_counts

    assert sorted((c.code, c.postings) for c in role_counts(OxigraphSource(store))) == [
        ("chief-medical-officer", 2), ("chief-nurse", 1), ("deputy-medical-director", 1), ("other", 1),
        ("regional-medical-director", 1)]


@pytest.mark.parametrize("scope, expected", [
    # the same post advertised again (same role type and scope) conflicts only with the Chief Nurse
    ("organisation", {("alpha-cmo-2020", "alpha-cn-2020"), ("again", "alpha-cn-2020")}),
    # a CMO post of another scope is another post, in conflict with the first CMO post too
    ("region", {("alpha-cmo-2020", "alpha-cn-2020"), ("again", "alpha-cn-2020"), ("again", "alpha-cmo-2020")}),
])
def test_a_readvert_is_no_conflict_another_post_of_the_role_is(fixture_home, scope, expected) -> None:  # type: ignore[no-untyped-def]
    store = ox.Store()
    store.load(path=str(FIXTURE), format=ox.RdfFormat.TRIG)
    g, post, posting = ox.NamedNode(f"{B}graph/posting/again"), ox.NamedNode(f"{B}post/again"), ox.NamedNode(f"{B}posting/again")
    nhskg, org = "https://w3id.org/nhskg/def#", "http://www.w3.org/ns/org#"
    for s, p, o in [
        (posting, ox.NamedNode(nhskg + "advertises"), post),
        (posting, ox.NamedNode("https://schema.org/datePosted"), ox.Literal("2020-03-20", datatype=ox.NamedNode(str(XSD.date)))),
        (post, ox.NamedNode(org + "postIn"), ox.NamedNode(f"{B}org/alpha-hospitals-nhs-trust")),
        (post, ox.NamedNode(org + "role"), ox.NamedNode(f"{V}role-type/chief-medical-officer")),
        (post, ox.NamedNode(nhskg + "scope"), ox.NamedNode(f"{V}scope/{scope}")),
        (post, ox.NamedNode(nhskg + "holdsDesignation"), ox.NamedNode(f"{V}designation/caldicott-guardian")),
    ]:
        store.add(ox.Quad(s, p, o, g))
    table = run_query(OxigraphSource(store), "designation-conflicts")
    assert isinstance(table, Table)
    pairs = {tuple(str(p).rsplit("/", 1)[-1] for p in pair) for pair in rows_as(table, ("post", "other"))}
    assert {tuple(sorted(p)) for p in pairs} == {tuple(sorted(p)) for p in expected}
    assert len(pairs) == 2 * len(expected)  # each pair once from each side


def test_results_keep_the_header_columns_in_order(fixture_home, oxigraph_source) -> None:  # type: ignore[no-untyped-def]
    for name, query in load_queries().items():
        result = run_query(oxigraph_source, query)
        if query.kind == "select":
            assert isinstance(result, Table)
            assert result.columns == query.columns, name


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_header_declares_what_the_select_returns(name: str) -> None:
    """Every header column and every parameter is a variable of the top-level projection.

    A parameter must be projected because pyoxigraph only substitutes projected variables, and
    so that both engines bind it in every sub-select that projects it too.
    """
    query = parse_query(queries_dir() / f"{name}.rq")
    assert query.title and query.question and query.view in ("table", "graph")
    prepared = rdflib.plugins.sparql.prepareQuery(query.text)
    projected = {str(v) for v in prepared.algebra.get("PV", [])}
    if query.quantiles is not None:  # the rows are units; the columns are computed from them
        spec = query.quantiles
        assert {*spec.groups, spec.unit, spec.value} <= projected
    elif query.kind == "select":
        assert query.columns and set(query.columns) <= projected
    for parameter in query.parameters:
        assert parameter.name in projected or query.kind != "select", parameter.name


# ---------------------------------------------------------------------------------------------
# The seeds graph: the five seed postings and the real 2020 leadership postings, built once.
# ---------------------------------------------------------------------------------------------


def _seed_table(source: OxigraphSource, name: str, **params: str) -> Table:
    table = run_query(source, name, params)
    assert isinstance(table, Table)
    return table


def test_seeds_cmo_and_chief_nurse_share_patient_safety(seeds_source, real_home) -> None:  # type: ignore[no-untyped-def]
    table = _seed_table(seeds_source, "shared-duties")
    areas = {row["area"]: row for row in table.python()}
    assert V + "duty-area/patient-safety" in areas
    shared = areas[V + "duty-area/patient-safety"]
    # the seeds' nursing board posts are Directors of Nursing, a kind of Chief Nurse: one of them
    # (916247378) gives patient safety as a duty of its own, and one CMO posting (seed 003) gives
    # it jointly with the Group Chief Nurse
    assert (shared["postings_a"], shared["postings_b"], shared["joint"]) == (4, 1, 1)
    assert shared["posting_b"] == B + "posting/916247378"
    assert shared["sentence_a"] and shared["sentence_b"]
    # seed 003 (a group CMO) states a patient-safety duty of its own, with its evidence sentence.
    evidence = _seed_table(seeds_source, "evidence", posting_id="003_ee31a5acbe06f6bc")
    duties = {row["object"]: row["sentence"] for row in evidence.python()
              if row["predicate"] == "https://w3id.org/nhskg/def#hasDuty"}
    own = B + "post/003-ee31a5acbe06f6bc/duty/2"
    assert duties[own] == ("You will shape and lead our approach to clinical outcomes, governance, and patient safety, "
                           "working in close partnership with our Group Chief Nurse and other executive colleagues.")
    in_area = run_query(seeds_source, query_from_text(
        f"SELECT ?duty WHERE {{ <{B}post/003-ee31a5acbe06f6bc> nhskg:hasDuty ?duty . "
        f"?duty nhskg:dutyArea <{V}duty-area/patient-safety> }}"))
    assert isinstance(in_area, Table) and own in {str(d) for (d,) in in_area.rows}


def test_seeds_003_has_a_patient_safety_duty(seeds_source, real_home) -> None:  # type: ignore[no-untyped-def]
    table = _seed_table(seeds_source, "duties-by-area", role="chief-medical-officer")
    examples = {row["area"] for row in table.python()}
    assert V + "duty-area/patient-safety" in examples


def test_seeds_000_post_is_caldicott_guardian(seeds_source, real_home) -> None:  # type: ignore[no-untyped-def]
    table = _seed_table(seeds_source, "designation-holders", designation="caldicott-guardian")
    posts = {row["post"] for row in table.python()}
    assert B + "post/000-ceef7d63af8bb6ec" in posts


def test_seeds_001_professional_line_differs_from_managerial(seeds_source, real_home) -> None:  # type: ignore[no-untyped-def]
    table = _seed_table(seeds_source, "split-lines")
    lines = {(r["post"], r["managerial_role"], r["professional_role"]) for r in table.python()}
    assert (
        B + "post/001-409df43c28ff9e57",
        V + "role-type/regional-director",
        V + "role-type/national-medical-director",
    ) in lines


def test_seeds_evidence_offsets_are_consistent(seeds_source, real_home) -> None:  # type: ignore[no-untyped-def]
    table = _seed_table(seeds_source, "evidence", posting_id="001_409df43c28ff9e57")
    assert len(table) == 21  # the rows of tests/data/seeds-answers/evidence+posting_id=001_409df43c28ff9e57.csv
    for row in table.python():
        assert 0 <= row["start"] < row["end"]
        assert row["end"] - row["start"] == len(str(row["sentence"]))


@pytest.mark.parametrize("name", sorted(load_queries()))
def test_seeds_every_query_runs(seeds_source, real_home, name: str) -> None:  # type: ignore[no-untyped-def]
    """Speed is measured by benchmarks/corpus.py, not asserted here: timed tests on a shared,
    busy machine fail for reasons that are not the code's."""
    params = {"posting_id": "003_ee31a5acbe06f6bc"} if name == "evidence" else {}
    result = run_query(seeds_source, name, params)
    if isinstance(result, Table):
        assert result.columns == load_queries()[name].columns


# ---------------------------------------------------------------------------------------------
# The whole 2020 corpus (../shared, marker slow): every query runs at that scale. Latency is
# measured against rdflib by benchmarks/corpus.py (a script, not a timed test).
# ---------------------------------------------------------------------------------------------

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "nhs-jobs-2020.jsonl.gz"


@pytest.fixture(scope="session")
def corpus_source(tmp_path_factory: pytest.TempPathFactory) -> OxigraphSource:
    import nhskg
    from nhskg.graph.store import GraphStore

    if not CORPUS.is_file():
        pytest.skip(f"{CORPUS} is not on this machine")
    store_dir = tmp_path_factory.mktemp("corpus") / "store"
    nhskg.build(CORPUS, store=store_dir, validate=False, full=True)
    return GraphStore.open(store_dir).source()


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(load_queries()))
def test_corpus_every_query_runs(corpus_source, real_home, name: str) -> None:  # type: ignore[no-untyped-def]
    params = {"posting_id": "916235125"} if name == "evidence" else {}
    result = run_query(corpus_source, name, params)
    if isinstance(result, Table):
        assert result.columns == load_queries()[name].columns
