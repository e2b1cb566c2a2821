"""The hand-off from Oxigraph: rows read from its TSV text are the terms ``to_rdflib`` gives."""

from __future__ import annotations

import logging

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.term import Node

from nhskg.sparql.sources import OxigraphSource, term_from_tsv, to_rdflib

XSD = "http://www.w3.org/2001/XMLSchema#"
G = ox.NamedNode("http://example.org/g")
P = ox.NamedNode("http://example.org/p")


def typed(value: str, datatype: str) -> ox.Literal:
    return ox.Literal(value, datatype=ox.NamedNode(datatype if ":" in datatype else XSD + datatype))


#: Every kind of term a row can hold, with the lexical forms and characters that TSV writes
#: differently (bare numbers and booleans, escapes, raw control characters).
TERMS = [
    ox.NamedNode("https://w3id.org/nhskg/vocab/role-type/chief-nurse"),
    ox.NamedNode("https://example.org/Infirmière?q=1&r=2#x"),
    ox.BlankNode("b0"),
    ox.Literal("Chief Nurse"),
    ox.Literal(""),
    ox.Literal('say "hi",\tthen\nleave \\ now\r'),
    ox.Literal("form\x0cfeed, line\u2028separator, bell\x07, emoji \U0001f600"),
    ox.Literal("Chief Nurse", language="en"),
    ox.Literal("Infirmière \"chef\"", language="fr-CA"),
    ox.Literal("x", language="en-gb"),
    typed("3", "integer"),
    typed("01", "integer"),
    typed("+5", "integer"),
    typed("-0", "integer"),
    typed("abc", "integer"),
    typed("150000.50", "decimal"),
    typed(".5", "decimal"),
    typed("1e3", "double"),
    typed("1.0E3", "double"),
    typed("NaN", "double"),
    typed("true", "boolean"),
    typed("1", "boolean"),
    typed("2020-03-02", "date"),
    typed("2020-03-02T10:00:00Z", "dateTime"),
    typed("2020-13-45", "date"),
    typed("P1Y", "duration"),
    typed("hi", "string"),
    typed(" spaced  token ", "token"),
    typed("", "http://example.org/dt"),
    typed("odd \"quoted\" \\ value", "http://example.org/dt"),
    typed("<b>bold</b>", "http://www.w3.org/1999/02/22-rdf-syntax-ns#HTML"),
]


def same(a: Node | None, b: Node | None) -> bool:
    """Equal as rdflib compares them, and of the same class, lexical form, datatype and language."""
    return (type(a) is type(b) and a == b and str(a) == str(b)
            and getattr(a, "datatype", None) == getattr(b, "datatype", None)
            and getattr(a, "language", None) == getattr(b, "language", None))


def by_term(store: ox.Store, query: str, **options: object) -> list[tuple[Node | None, ...]]:
    return [tuple(to_rdflib(t) for t in solution) for solution in store.query(query, **options)]  # type: ignore[union-attr]


@pytest.mark.parametrize("term", TERMS, ids=str)
def test_a_stored_term_reads_as_to_rdflib_gives_it(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://example.org/s"), P, term, G))
    query = "SELECT ?o ?unbound WHERE { ?s ?p ?o }"
    (row,) = OxigraphSource(store).select(query).rows
    (expected,) = by_term(store, query, use_default_graph_as_union=True)
    assert all(same(a, b) for a, b in zip(row, expected, strict=True)), (row, expected)


@pytest.mark.parametrize("term", [t for t in TERMS if not isinstance(t, ox.BlankNode)], ids=str)
def test_a_bound_term_reads_as_to_rdflib_gives_it(term: ox.NamedNode | ox.Literal) -> None:
    """Values a query binds itself keep their lexical form (``"01"^^xsd:integer`` stays ``01``)."""
    store = ox.Store()
    query = "SELECT ?o WHERE {}"
    (row,) = OxigraphSource(store).select(query, {"o": to_rdflib(term)}).rows  # type: ignore[dict-item]
    (expected,) = by_term(store, query, substitutions={ox.Variable("o"): term})
    assert same(row[0], expected[0]), (row, expected)


@settings(max_examples=200, deadline=None)
@given(text=st.text(), language=st.from_regex(r"[a-z]{2,3}(-[A-Z]{2})?", fullmatch=True))
def test_any_text_reads_as_to_rdflib_gives_it(text: str, language: str) -> None:
    store = ox.Store()
    terms = [ox.Literal(text), ox.Literal(text, language=language), typed(text, "http://example.org/dt")]
    for term in terms:
        store.add(ox.Quad(ox.NamedNode("http://example.org/s"), P, term, G))
    query = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    rows = OxigraphSource(store).select(query).rows
    expected = by_term(store, query, use_default_graph_as_union=True)
    assert len(rows) == len(expected) == 3
    assert all(same(a[0], b[0]) for a, b in zip(rows, expected))


def test_rows_keep_their_order_and_unbound_cells() -> None:
    store = ox.Store()
    for i in range(30):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i:02}"), P, typed(str(i % 4), "integer"), G))
    query = "SELECT ?s ?o ?none WHERE { ?s ?p ?o } ORDER BY DESC(?s)"
    table = OxigraphSource(store).select(query)
    assert table.columns == ("s", "o", "none")
    assert table.rows == tuple(by_term(store, query, use_default_graph_as_union=True))
    assert str(table.rows[0][0]) == "http://example.org/s29" and table.rows[0][2] is None


def test_no_rows_and_rows_of_no_columns() -> None:
    source = OxigraphSource(ox.Store())
    assert source.select("SELECT ?x WHERE { FILTER(false) }").rows == ()
    empty = source.select("SELECT * WHERE { VALUES ?x { 1 2 } } LIMIT 0")
    assert empty.rows == () and empty.columns == ("x",)
    assert source.select("SELECT * WHERE {}").rows == ((),)
    assert source.select("SELECT * WHERE { VALUES () { () () () } }").rows == ((), (), ())


@pytest.mark.parametrize("iri", ["http://example.org/a\\u0009b", "http://example.org/a\\u000Ab"])
@pytest.mark.parametrize("query", ["SELECT ?s WHERE { ?s ?p ?o }", "SELECT ?s ?o WHERE { ?s ?p ?o }"])
def test_an_iri_with_a_raw_tab_or_newline_is_still_read(iri: str, query: str, caplog: pytest.LogCaptureFixture) -> None:
    """A lenient load keeps such an IRI, which splits its TSV row: that answer is read term by term."""
    store = ox.Store()
    store.bulk_load(f'<{iri}> <http://example.org/p> "x" <http://example.org/g> .\n',
                    format=ox.RdfFormat.N_QUADS, lenient=True)
    with caplog.at_level(logging.ERROR, logger="rdflib"):
        rows = OxigraphSource(store).select(query).rows
        assert rows == tuple(by_term(store, query, use_default_graph_as_union=True))
    assert "\t" in rows[0][0] or "\n" in rows[0][0]


@pytest.mark.parametrize("cell", ["<http://example.org/a", '"open', "b>", "@en"])
def test_a_cell_that_is_no_term_is_refused(cell: str) -> None:
    with pytest.raises(ValueError, match="not a term"):
        term_from_tsv(cell)
