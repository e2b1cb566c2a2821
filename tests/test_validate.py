"""SHACL shapes: a built graph conforms; each kind of breakage gives the violation it should."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from graph_fixtures import B, V, ev, leadership_posting, minimal_posting
from nhskg.cli import main
from nhskg.extract.postings import Item
from nhskg.graph.posting import posting_quads
from nhskg.graph.rdfgraph import NS
from nhskg.graph.store import GraphStore
from nhskg.graph.validate import ValidationReport, data_graph, validate
from nhskg.graph.validation_data import leadership_graphs, parts
from nhskg.vocabulary.vocab import Vocabulary

from nhskg.errors import ValidationFailed


def store_of(directory: Path, *quad_lists: list[ox.Quad]) -> GraphStore:
    with GraphStore.writer(directory) as writer:
        for n, quads in enumerate(quad_lists):
            writer.replace_posting(f"p{n}", [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(f"{B}graph/posting/p{n}")) for q in quads])
        writer.load_ontology()
    return GraphStore.open(directory)


def messages(report: ValidationReport, severity: str = "Violation") -> set[tuple[str, str | None, str]]:
    return {(r.focus, r.path, r.message) for r in report.results if r.severity == severity}


def test_a_built_graph_conforms(tmp_path: Path, vocab: Vocabulary) -> None:
    store = store_of(tmp_path / "s", posting_quads(leadership_posting(), vocab), posting_quads(minimal_posting(), vocab))
    report = validate(store, scope="all")
    assert report.conforms and not report.results, [str(r) for r in report.results]
    leadership = validate(store)
    assert leadership.conforms and leadership.triples == report.triples - len(posting_quads(minimal_posting(), vocab)) + 4
    # (+4: the organisation's type, label, prefLabel and organisation type, shared by both postings)


def test_broken_graph_gives_the_expected_violations(tmp_path: Path, vocab: Vocabulary) -> None:
    quads = posting_quads(leadership_posting(), vocab)
    post = ox.NamedNode(f"{B}post/job-1")
    g = quads[0].graph_name
    # a post with two roles
    quads.append(ox.Quad(post, NS.role, ox.NamedNode(f"{V}role-type/chief-nurse"), g))
    # a designation that is really a body
    quads.append(ox.Quad(post, NS.holds_designation, ox.NamedNode(f"{V}body/cqc"), g))
    # a statement without provenance
    statement = next(q.subject for q in quads if q.predicate == NS.type and q.object == NS.ExtractedStatement)
    quads = [q for q in quads if not (q.subject == statement and q.predicate == NS.derived_from)]
    # a duty whose offsets run backwards
    duty = ox.NamedNode(f"{B}post/job-1/duty/1")
    quads = [q for q in quads if not (q.subject == duty and q.predicate == NS.start_offset)]
    quads.append(ox.Quad(duty, NS.start_offset, ox.Literal("999", datatype=NS.xsd_integer), g))
    # a duty area and a requirement from the wrong schemes
    quads.append(ox.Quad(duty, NS.duty_area, ox.NamedNode(f"{V}scope/group"), g))
    requirement = ox.NamedNode(f"{B}post/job-1/requirement/gmc-registration")
    quads = [q for q in quads if not (q.subject == requirement and q.predicate == NS.requires)]
    quads.append(ox.Quad(requirement, NS.requires, ox.NamedNode(f"{V}designation/caldicott-guardian"), g))
    report = validate(store_of(tmp_path / "s", quads))
    assert not report.conforms
    found = messages(report)
    assert (f"{V}scope/group", "skos:inScheme", "the object of nhskg:dutyArea must be a concept of the duty-area scheme") in found
    assert (f"{V}designation/caldicott-guardian", None, "the object of nhskg:requires must be a concept of the qualification or competency scheme") in found
    assert (post.value, "org:role", "a post has exactly one org:role") in found
    cqc = f"{V}body/cqc"
    assert (cqc, "skos:inScheme", "the object of nhskg:holdsDesignation must be a concept of the designation scheme") in found
    assert (statement.value, "prov:wasDerivedFrom", "an extracted statement is prov:wasDerivedFrom the job posting it was read from") in found
    assert (duty.value, "nhskg:startOffset", "a duty has an integer start offset, not after its end offset") in found
    assert len(report.violations) == 6, [str(r) for r in report.violations]
    labelled = {r.focus: r.focus_label for r in report.violations}
    assert labelled[post.value] == "Medical Director"
    assert labelled[cqc] == "Care Quality Commission"
    with pytest.raises(ValidationFailed, match="does NOT conform"):
        report.raise_for_violations()


def test_posting_without_title_or_post(tmp_path: Path, vocab: Vocabulary) -> None:
    quads = [q for q in posting_quads(minimal_posting(), vocab) if q.predicate not in (NS.title, NS.advertises)]
    store = store_of(tmp_path / "s", quads)
    assert validate(store).conforms  # a minimal posting is only checked with scope="all"
    found = messages(validate(store, scope="all"))
    posting = f"{B}posting/job-2"
    assert (posting, "schema:title", "a job posting has a title") in found
    assert (posting, "nhskg:advertises", "a job posting advertises exactly one post") in found


def test_a_posting_is_weighed_as_one_known_kind_of_post(tmp_path: Path, vocab: Vocabulary) -> None:
    """nhskg:postKind says which figures a posting's confidences took; a value nobody measured
    figures for, or two of them, would make a fact's confidence impossible to trace."""
    weighed = posting_quads(replace(leadership_posting(), post_kind="front-line"), vocab)
    assert validate(store_of(tmp_path / "ok", weighed)).conforms
    posting = next(q.subject for q in weighed if q.predicate == NS.post_kind)
    g = weighed[0].graph_name
    unknown = [q for q in weighed if q.predicate != NS.post_kind] + [ox.Quad(posting, NS.post_kind, ox.Literal("senior"), g)]
    message = "a job posting is weighed as at most one kind of post: leadership-level, below-leadership or front-line"
    assert (posting.value, "nhskg:postKind", message) in messages(validate(store_of(tmp_path / "unknown", unknown)))
    two = weighed + [ox.Quad(posting, NS.post_kind, ox.Literal("below-leadership"), g)]
    assert (posting.value, "nhskg:postKind", message) in messages(validate(store_of(tmp_path / "two", two)))


def _holder(pid: str, role: str, posted: str | None, closes: str | None, org: str = "Norfolk Hospitals NHS Trust"):
    return leadership_posting(
        pid, org=org, role_type=role, title=role.replace("-", " ").title(),
        date_posted=posted, closing_date=closes, accountable_to=(), works_with=(),
        designations=(Item("caldicott-guardian", "Caldicott Guardian", ev("You will be the Caldicott Guardian.")),),
    )


def test_designation_claimed_by_two_role_types_at_once_is_a_warning(tmp_path: Path, vocab: Vocabulary) -> None:
    medical = posting_quads(_holder("a", "medical-director", "2020-01-01", "2020-02-01"), vocab)
    nurse = posting_quads(_holder("b", "chief-nurse", "2020-01-20", "2020-03-01"), vocab)
    report = validate(store_of(tmp_path / "s", medical, nurse))
    assert report.conforms  # warnings alone do not break conformance
    warned = {r.focus for r in report.warnings}
    assert warned == {f"{B}post/a", f"{B}post/b"}
    assert all("Caldicott" in r.message or "caldicott" in r.message for r in report.warnings)


@pytest.mark.parametrize(
    "other",
    [
        ("b", "chief-nurse", "2020-03-01", "2020-04-01", "Norfolk Hospitals NHS Trust"),  # after the first closed
        ("b", "chief-nurse", "2020-01-20", "2020-03-01", "Another Trust"),  # another organisation
        ("b", "medical-director", "2020-01-20", "2020-03-01", "Norfolk Hospitals NHS Trust"),  # same role type
    ],
)
def test_no_warning_when_not_simultaneous_or_not_the_same_organisation(tmp_path: Path, vocab: Vocabulary, other) -> None:
    first = posting_quads(_holder("a", "medical-director", "2020-01-01", "2020-02-01"), vocab)
    second = posting_quads(_holder(*other), vocab)
    assert not validate(store_of(tmp_path / "s", first, second)).warnings


def test_missing_dates_count_as_simultaneous(tmp_path: Path, vocab: Vocabulary) -> None:
    first = posting_quads(_holder("a", "medical-director", None, None), vocab)
    second = posting_quads(_holder("b", "chief-nurse", "2025-01-01", "2025-02-01"), vocab)
    assert len(validate(store_of(tmp_path / "s", first, second)).warnings) == 2


def test_cli_validate_exit_codes(tmp_path: Path, vocab: Vocabulary) -> None:
    runner = CliRunner()
    warn = store_of(
        tmp_path / "warn",
        posting_quads(_holder("a", "medical-director", None, None), vocab),
        posting_quads(_holder("b", "chief-nurse", None, None), vocab),
    )
    result = runner.invoke(main, ["validate", "--store", str(warn.directory)])
    assert result.exit_code == 0, result.output
    assert "2 warning(s)" in result.output and "Warning:" in result.output
    quads = posting_quads(minimal_posting(), vocab)
    broken = store_of(tmp_path / "broken", [q for q in quads if q.predicate != NS.post_in])
    result = runner.invoke(main, ["validate", "--store", str(broken.directory)])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["validate", "--all", "--store", str(broken.directory)])
    assert result.exit_code == 1, result.output
    assert "a post is in exactly one organisation" in result.output
    result = runner.invoke(main, ["validate", "--store", str(tmp_path / "missing")])
    assert result.exit_code == 1 and "nhskg build PATH" in result.output


def test_validating_in_parts_gives_the_same_report(tmp_path: Path, vocab: Vocabulary, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large build's workers validate in parts, one organisation's postings to a part, so a
    designation claimed twice in one trust is still seen; the report is the one-process one."""
    import concurrent.futures
    import multiprocessing

    import nhskg.graph.validate as validation

    store = store_of(
        tmp_path / "s",
        posting_quads(_holder("a", "medical-director", "2020-01-01", "2020-02-01"), vocab),
        posting_quads(_holder("b", "chief-nurse", "2020-01-20", "2020-03-01"), vocab),
        posting_quads(leadership_posting("c", org="Another Trust"), vocab),
        posting_quads(replace(leadership_posting("d", org="A Third Trust"), title=None), vocab),
        posting_quads(minimal_posting("e"), vocab),
    )
    whole = validate(store)
    monkeypatch.setattr(validation, "PARALLEL_OVER", 1)
    monkeypatch.setattr(validation.os, "cpu_count", lambda: 3)
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        parted = validate(store, pool=pool)
        assert len(parts(store.store, leadership_graphs(store.store), 3)) == 3
        changed = validate(store, graphs={f"{B}graph/posting/p1"}, pool=pool)  # b, with a beside it
    def seen(report: ValidationReport) -> list[tuple[str, str, str | None, str]]:
        return [(r.severity, r.focus, r.path, r.message) for r in report.results]  # shapes may be blank nodes

    assert seen(parted) == seen(whole) and parted.triples == whole.triples
    assert {r.focus for r in whole.warnings} == {f"{B}post/a", f"{B}post/b"} and not whole.conforms
    assert {r.focus for r in changed.warnings} == {f"{B}post/a", f"{B}post/b"} and changed.conforms
    assert changed.scope == "changed leadership" and changed.triples < whole.triples


def _dies(task: object) -> None:
    """A part's validation in a worker the system kills (no exception, no result)."""
    import os
    import signal

    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_that_dies_validating_a_part_leaves_the_part_to_this_process(
        tmp_path: Path, vocab: Vocabulary, monkeypatch: pytest.MonkeyPatch) -> None:
    """A large build's workers validate in parts once the graph is live: a worker killed then
    must not hang the build, nor cost it its report; this process validates instead."""
    import concurrent.futures
    import multiprocessing

    import nhskg.graph.validate as validation

    store = store_of(tmp_path / "s", posting_quads(_holder("a", "medical-director", "2020-01-01", "2020-02-01"), vocab),
                     posting_quads(_holder("b", "chief-nurse", "2020-01-20", "2020-03-01"), vocab))
    whole = validate(store)
    monkeypatch.setattr(validation, "PARALLEL_OVER", 1)
    monkeypatch.setattr(validation, "_validate_part", _dies)
    with concurrent.futures.ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        waiting = concurrent.futures.ThreadPoolExecutor(1).submit(validate, store, pool=pool)
        parted = waiting.result(timeout=60)
    assert [(r.severity, r.focus, r.message) for r in parted.results] == [(r.severity, r.focus, r.message) for r in whole.results]
    assert parted.triples == whole.triples and parted.warnings  # the designation claimed twice


def test_validation_parses_each_sparql_text_once_and_patches_nothing(tmp_path: Path, vocab: Vocabulary,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    """pySHACL asks the same SPARQL constraint once per focus node; it is parsed once, through the
    graph handed to pySHACL, and rdflib's own query method is left as it was."""
    from rdflib.plugins.sparql import processor

    before = processor.SPARQLProcessor.query
    parsed: list[str] = []
    real = processor.prepareQuery
    monkeypatch.setattr(processor, "prepareQuery", lambda text, **kw: parsed.append(text) or real(text, **kw))
    postings = [replace(leadership_posting(), id=f"job-{n}") for n in range(1, 4)]
    store = store_of(tmp_path / "s", *(posting_quads(p, vocab) for p in postings))
    report = validate(data_graph(store, "all"))  # an rdflib graph: pySHACL runs every constraint
    assert report.conforms, [str(r) for r in report.results]
    assert parsed and len(parsed) == len(set(parsed))
    assert processor.SPARQLProcessor.query is before
    # On a store, the library query's constraint is the store's to answer: rdflib parses nothing
    parsed.clear()
    assert validate(store, scope="all").conforms and not parsed


def test_the_store_answers_the_library_constraint_as_pyshacl_would(tmp_path: Path, vocab: Vocabulary) -> None:
    """The designation-conflict constraint runs once on the store, not through pySHACL per claim:
    the same results, messages and all, as pySHACL gives over the same graph in rdflib, and the
    same reach (a leadership scope does not see a conflict of postings outside it)."""
    store = store_of(
        tmp_path / "s",
        posting_quads(_holder("a", "medical-director", "2020-01-01", "2020-02-01"), vocab),
        posting_quads(_holder("b", "chief-nurse", "2020-01-20", "2020-03-01"), vocab),
        posting_quads(_holder("c", "chief-executive", "2020-01-20", "2020-03-01", org="Another Trust"), vocab),
        posting_quads(leadership_posting("d", org="Another Trust"), vocab),
    )
    def seen(report: ValidationReport) -> list[tuple[str, str, str, str | None, str | None, str]]:
        return [(r.severity, r.focus, r.focus_label, r.path, r.value, r.message) for r in report.results]

    on_store, in_rdflib = validate(store, scope="all"), validate(data_graph(store, "all"))
    assert seen(on_store) == seen(in_rdflib) and len(on_store.warnings) == 2
    assert {r.message for r in on_store.warnings} == {
        f"Caldicott Guardian is also claimed by {other} ({B}post/{key}), another post of the same organisation, at the same time"
        for other, key in (("Chief Nurse", "b"), ("Medical Director", "a"))}
    leadership = validate(store)
    assert seen(leadership) == seen(validate(data_graph(store, "leadership")))
    assert validate(store, graphs={f"{B}graph/posting/p2"}).results == ()  # c's trust has no conflict


def test_every_property_constraint_is_a_targeted_property_shape() -> None:
    """pySHACL validates an sh:property of a node shape once per focus node and a targeted
    property shape once for all of them (six times quicker on the corpus's leadership postings):
    the shapes file keeps to the second form."""
    from rdflib.namespace import RDF, SH

    from nhskg.graph.validate import shapes_graph

    shapes = shapes_graph()
    assert not list(shapes.subject_objects(SH.property))
    property_shapes = set(shapes.subjects(RDF.type, SH.PropertyShape))
    assert len(property_shapes) > 20
    targets = (SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.targetNode)
    assert all(any(shapes.value(s, t) is not None for t in targets) for s in property_shapes)


@pytest.mark.parametrize("edit", [
    # no value variable: pySHACL gives a node shape's focus node as the value, and as {?value}
    ('        shape:valueVariable "designation" ;\n', "", 'sh:message "{?designation_label} is also', 'sh:message "{?value}: {?designation_label} is also'),
    # the query's own name for the focus node is SHACL's $this to pySHACL, never substituted
    ('sh:message "{?designation_label} is also', 'sh:message "{?post} {?post_label}: {?designation_label} is also', "", ""),
], ids=["no-value-variable", "focus-variable-in-message"])
def test_an_edited_library_constraint_gives_what_pyshacl_gives(tmp_path: Path, vocab: Vocabulary, edit) -> None:
    """The store answers the library-query constraint of any shapes file it takes from pySHACL
    with pySHACL's results: the same value and the same message substitutions."""
    from nhskg.paths import ontology_dir

    text = (ontology_dir() / "shapes.ttl").read_text(encoding="utf-8")
    for old, new in (edit[:2], edit[2:]):
        if old:
            assert old in text
            text = text.replace(old, new)
    shapes = tmp_path / "shapes.ttl"
    shapes.write_text(text, encoding="utf-8")
    store = store_of(tmp_path / "s", posting_quads(_holder("a", "medical-director", "2020-01-01", "2020-02-01"), vocab),
                     posting_quads(_holder("b", "chief-nurse", "2020-01-20", "2020-03-01"), vocab))

    def seen(report: ValidationReport) -> list[tuple[str, str, str, str | None, str | None, str]]:
        return [(r.severity, r.focus, r.focus_label, r.path, r.value, r.message) for r in report.results]

    on_store = validate(store, scope="all", shapes=shapes)
    assert len(on_store.warnings) == 2
    assert seen(on_store) == seen(validate(data_graph(store, "all"), shapes=shapes))
