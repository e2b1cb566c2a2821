"""``--min-confidence``: analyses and views over only the facts the extractor is surer of (issue 13,
point 6: "so that queries, analyses and views can leave out or flag the weak ones")."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from nhskg.cli import main
from nhskg.curation.confident import confident_only
from nhskg.errors import NhskgError
from nhskg.sparql.sources import OxigraphSource

NHSKG = "https://w3id.org/nhskg/def#"
PREFIXES = f"PREFIX nhskg: <{NHSKG}>\nPREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"


def _count(source: OxigraphSource, where: str) -> int:
    rows = list(source.store.query(PREFIXES + f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}", use_default_graph_as_union=True))
    return int(rows[0][0].value)  # type: ignore[index]


AREAS = "?duty nhskg:dutyArea ?area"
WEAK_READINGS = "?duty nhskg:areaReading ?r . ?r nhskg:confidence ?c . FILTER (?c < 0.8)"
READ_AREAS = "?duty nhskg:areaReading ?r . ?r nhskg:readingOfArea ?area"
WEAK_DUTIES = "?post nhskg:hasDuty ?duty . ?duty nhskg:confidence ?c . FILTER (?c < 0.8)"
WEAK_LINES = "?s rdf:predicate nhskg:engagesWith ; nhskg:confidence ?c . FILTER (?c < 0.8)"
LINES = "?post nhskg:engagesWith ?other"
POSTINGS = "?p a <https://schema.org/JobPosting>"


def test_the_weak_duties_areas_and_lines_go_and_nothing_else(seeds_source: OxigraphSource) -> None:
    # the seeds have some of each kind to leave out, or the test could not fail
    assert _count(seeds_source, WEAK_READINGS) > 10 and _count(seeds_source, WEAK_DUTIES) > 0
    assert _count(seeds_source, WEAK_LINES) > 0
    surer = confident_only(seeds_source, 0.8)
    assert _count(surer, WEAK_READINGS) == 0 and _count(surer, WEAK_DUTIES) == 0
    # every duty area left is either read at 0.8 or more or a hand-made record's (no reading)
    assert _count(surer, AREAS) == _count(seeds_source, AREAS) - _count(seeds_source, WEAK_READINGS) - _count(
        seeds_source, f"{READ_AREAS} . ?r nhskg:confidence ?rc . FILTER (?rc >= 0.8) . ?duty nhskg:confidence ?c . FILTER (?c < 0.8)")
    assert _count(surer, f"{READ_AREAS} . FILTER NOT EXISTS {{ ?duty nhskg:dutyArea ?area }}") == 0
    # bodies (and any reviewable fact) below 0.8 go with their statements; those at 0.8 or more stay
    assert _count(surer, "?s nhskg:confidence ?c . ?s rdf:predicate ?p . FILTER (?c < 0.8)") == 0
    assert _count(surer, LINES) == _count(seeds_source, LINES) - _count(
        seeds_source, f"?s rdf:predicate nhskg:engagesWith ; rdf:subject ?post ; rdf:object ?other ; nhskg:confidence ?c . "
                      "FILTER (?c < 0.8) FILTER NOT EXISTS { ?s2 rdf:predicate nhskg:engagesWith ; rdf:subject ?post ; "
                      "rdf:object ?other ; nhskg:confidence ?c2 . FILTER (?c2 >= 0.8) }")
    assert _count(surer, POSTINGS) == _count(seeds_source, POSTINGS)
    # the store narrowed is a copy: the built graph keeps everything
    assert _count(seeds_source, WEAK_READINGS) > 10


def test_a_fact_a_reviewer_accepted_stays_whatever_its_confidence(seeds_source: OxigraphSource) -> None:
    store = ox.Store()
    store.bulk_extend(seeds_source.store)
    rows = list(store.query(PREFIXES + "SELECT ?s WHERE { ?s rdf:predicate nhskg:worksWith ; nhskg:confidence ?c . FILTER (?c < 0.9) } LIMIT 1",
                            use_default_graph_as_union=True))
    statement = rows[0]["s"]  # type: ignore[index]
    store.add(ox.Quad(statement, ox.NamedNode(NHSKG + "reviewStatus"), ox.NamedNode(NHSKG + "review-accepted")))
    surer = confident_only(OxigraphSource(store), 0.9)
    assert any(surer.store.quads_for_pattern(statement, None, None))
    assert not _count(surer, "?s rdf:predicate nhskg:worksWith ; nhskg:confidence ?c . FILTER (?c < 0.9) "
                             "FILTER NOT EXISTS { ?s nhskg:reviewStatus ?x }")


def test_a_duty_area_a_reviewer_accepted_or_corrected_stays_with_its_duty_whatever_their_confidence(
        seeds_source: OxigraphSource) -> None:
    store = ox.Store()
    store.bulk_extend(seeds_source.store)
    weak = PREFIXES + """SELECT ?duty ?r ?area WHERE { ?duty nhskg:areaReading ?r ; nhskg:confidence ?dc .
        ?r nhskg:readingOfArea ?area ; nhskg:confidence ?c . FILTER (?c < 0.5 && ?dc < 0.9) } ORDER BY ?r LIMIT 3"""
    rows = [(r["duty"], r["r"], r["area"]) for r in store.query(weak, use_default_graph_as_union=True)]  # type: ignore[index]
    assert len(rows) == 3
    (duty, accepted, area), (_, corrected, other), (left_duty, left, left_area) = rows
    store.add(ox.Quad(accepted, ox.NamedNode(NHSKG + "reviewStatus"), ox.NamedNode(NHSKG + "review-accepted")))
    store.add(ox.Quad(corrected, ox.NamedNode(NHSKG + "reviewStatus"), ox.NamedNode(NHSKG + "review-corrected")))
    surer = confident_only(OxigraphSource(store), 0.9)
    for reading in (accepted, corrected):
        assert any(surer.store.quads_for_pattern(reading, None, None))
    assert any(surer.store.quads_for_pattern(duty, ox.NamedNode(NHSKG + "dutyArea"), area))
    assert any(surer.store.quads_for_pattern(None, ox.NamedNode(NHSKG + "hasDuty"), duty))  # a reviewer judged it a duty
    if left not in (accepted, corrected) and left_duty != duty:
        assert not any(surer.store.quads_for_pattern(left, None, None))  # nobody reviewed it: it goes


def test_reviewed_only_leaves_duty_areas_as_they_are(seeds_source: OxigraphSource) -> None:
    from nhskg.curation.reviewed import reviewed_only

    assert _count(reviewed_only(seeds_source), AREAS) == _count(seeds_source, AREAS) > 0


def test_only_a_number_from_0_to_1_and_only_the_embedded_store(seeds_source: OxigraphSource) -> None:
    with pytest.raises(NhskgError, match="not a number from 0 to 1"):
        confident_only(seeds_source, 1.5)

    class Remote:  # a source with no embedded store, as an endpoint's
        pass

    with pytest.raises(NhskgError, match="embedded store.*nhskg:confidence in your own query"):
        confident_only(Remote(), 0.8)  # type: ignore[arg-type]


def test_the_overlap_analysis_counts_fewer_areas_above_a_threshold(seeds_store, real_home) -> None:  # type: ignore[no-untyped-def]
    runner = CliRunner()

    def areas(*extra: str) -> dict[str, tuple[int, int]]:
        import json

        result = runner.invoke(main, ["--store", str(seeds_store), "analyse", "overlap", "CMO", "Chief Nurse",
                                      "--format", "json", *extra])
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        return {row["area"]: (row["postings_a"], row["postings_b"]) for row in data["areas"]}

    every, surer = areas(), areas("--min-confidence", "0.9")
    assert surer != every and set(surer) <= set(every)
    assert all(surer[a][0] <= every[a][0] and surer[a][1] <= every[a][1] for a in surer)
    result = runner.invoke(main, ["--store", str(seeds_store), "analyse", "overlap", "CMO", "Chief Nurse", "--min-confidence", "2"])
    assert result.exit_code == 2 and "0<=x<=1" in result.output


#: Posts no posting advertises (those named only by their role, "the Chief Executive", shared in
#: the organisations graph) that nothing names any more: a chart would draw each as a box with no line.
UNNAMED_POSTS = ("?post a <http://www.w3.org/ns/org#Post> . MINUS { ?a nhskg:advertises ?post } "
                 "MINUS { ?x ?p ?post }")


def _highest(source: OxigraphSource, predicate: str) -> float:
    rows = list(source.store.query(PREFIXES + f"SELECT (MAX(?c) AS ?m) WHERE {{ ?s rdf:predicate {predicate} ; nhskg:confidence ?c }}",
                                   use_default_graph_as_union=True))
    return float(rows[0][0].value)  # type: ignore[index]


def test_a_post_only_named_by_weak_lines_goes_with_them(seeds_source: OxigraphSource) -> None:
    """At the surest managerial line's confidence, the working lines below it go; the posts only
    those lines named must go too, or the organisation chart draws them as posts "only named by
    other postings" that nothing names. (The threshold is read from the seeds, not written here:
    the confidences are measured, and move when the extractor does.)"""
    assert _count(seeds_source, UNNAMED_POSTS) == 0
    threshold = _highest(seeds_source, "<http://www.w3.org/ns/org#reportsTo>")
    assert _count(seeds_source, f"?s rdf:predicate nhskg:worksWith ; nhskg:confidence ?c . FILTER (?c < {threshold})") > 0
    surer = confident_only(seeds_source, threshold)
    assert _count(surer, "?s rdf:predicate nhskg:worksWith") < _count(seeds_source, "?s rdf:predicate nhskg:worksWith")
    assert _count(surer, UNNAMED_POSTS) == 0
    # a post still named by a surer line stays
    named = ("?post a <http://www.w3.org/ns/org#Post> . MINUS { ?a nhskg:advertises ?post } "
             "?x <http://www.w3.org/ns/org#reportsTo> ?post")
    assert _count(surer, named) > 0
