"""Result formats: the W3C SPARQL 1.1 JSON, CSV and TSV formats exactly, and the text table."""

from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import BNode, Literal, URIRef

from nhskg.queries.results import format_result, short_name, to_csv, to_json, to_text, to_tsv, triples_table
from nhskg.sparql.sources import Table

V = "https://w3id.org/nhskg/vocab/"
B = "https://w3id.org/nhskg/data/"

#: One row with every kind of term, one with tricky text, one with unbound values.
TABLE = Table(
    ("iri", "text", "lang", "number", "flag", "blank"),
    (
        (URIRef(V + "role-type/chief-nurse"), Literal("plain"), Literal("Chief Nurse", lang="en"),
         Literal(3), Literal(True), BNode("b0")),
        (URIRef(B + "post/x"), Literal('say "hi",\tthen\nleave \\ now'), Literal("Infirmière", lang="fr"),
         Literal("150000.50", datatype=XSD.decimal), Literal(False), None),
        (None, None, None, Literal("2020-03-02", datatype=XSD.date), None, None),
    ),
)


def test_json_round_trips_through_rdflibs_sparql_json_parser() -> None:
    parsed = Result.parse(io.StringIO(to_json(TABLE)), format="json")
    assert [str(v) for v in parsed.vars] == list(TABLE.columns)
    got = [tuple(row.get(v) for v in parsed.vars) for row in parsed.bindings]
    assert got == [tuple(row) for row in TABLE.rows]


def test_json_follows_the_spec_shape() -> None:
    document = json.loads(to_json(TABLE))
    assert document["head"] == {"vars": list(TABLE.columns)}
    first, second, third = document["results"]["bindings"]
    assert first["iri"] == {"type": "uri", "value": V + "role-type/chief-nurse"}
    assert first["text"] == {"type": "literal", "value": "plain"}  # xsd:string carries no datatype
    assert first["lang"] == {"type": "literal", "value": "Chief Nurse", "xml:lang": "en"}
    assert first["number"] == {"type": "literal", "value": "3", "datatype": str(XSD.integer)}
    assert first["blank"] == {"type": "bnode", "value": "b0"}
    assert "blank" not in second  # unbound variables are left out of the binding
    assert set(third) == {"number"}


def test_json_ask_result() -> None:
    assert json.loads(to_json(True)) == {"head": {}, "boolean": True}
    assert Result.parse(io.StringIO(to_json(False)), format="json").askAnswer is False


def test_csv_follows_the_spec() -> None:
    text = to_csv(TABLE)
    # CRLF line ends; header of bare variable names
    lines = text.split("\r\n")
    assert lines[0] == "iri,text,lang,number,flag,blank"
    assert lines[-1] == ""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1] == [V + "role-type/chief-nurse", "plain", "Chief Nurse", "3", "true", "_:b0"]
    # lexical forms only (no quotes, datatypes or language tags); RFC 4180 quoting of the rest
    assert rows[2] == [B + "post/x", 'say "hi",\tthen\nleave \\ now', "Infirmière", "150000.50", "false", ""]
    assert rows[3] == ["", "", "", "2020-03-02", "", ""]
    assert '"say ""hi"",\tthen\nleave \\ now"' in text


def test_tsv_follows_the_spec_and_round_trips() -> None:
    text = to_tsv(TABLE)
    lines = text.split("\n")
    assert lines[0] == "?iri\t?text\t?lang\t?number\t?flag\t?blank"
    assert lines[1].split("\t") == [
        f"<{V}role-type/chief-nurse>", '"plain"', '"Chief Nurse"@en',
        f'"3"^^<{XSD.integer}>', f'"true"^^<{XSD.boolean}>', "_:b0",
    ]
    # tabs and newlines inside a literal are escaped, so a row stays one line of six fields
    assert lines[2].split("\t")[1] == '"say \\"hi\\",\\tthen\\nleave \\\\ now"'
    assert len(lines) == 5 and lines[-1] == ""
    parsed = Result.parse(io.StringIO(text), format="tsv")
    got = [tuple(row.get(v) for v in parsed.vars) for row in parsed.bindings]
    # rdflib's TSV reader names blank nodes afresh; everything else must come back as written
    assert [g[:5] for g in got] == [tuple(row[:5]) for row in TABLE.rows]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(max_size=30), min_size=1, max_size=4))
def test_any_literal_text_round_trips_in_json_and_csv(values: list[str]) -> None:
    table = Table(("v",), tuple((Literal(v),) for v in values))
    parsed = Result.parse(io.StringIO(to_json(table)), format="json")
    assert [row.get(parsed.vars[0]) for row in parsed.bindings] == [Literal(v) for v in values]
    rows = list(csv.reader(io.StringIO(to_csv(table), newline="")))
    assert rows[0] == ["v"]
    # the csv module reads an empty single field as an empty row
    assert [r[0] if r else "" for r in rows[1:]] == values


def test_text_table_shortens_terms_and_aligns() -> None:
    table = Table(("role", "post", "n"), (
        (URIRef(V + "role-type/chief-nurse"), URIRef(B + "post/003-ee31a5acbe06f6bc"), Literal(12)),
        (URIRef("http://www.w3.org/ns/org#reportsTo"), None, Literal("two\nlines")),
    ))
    assert to_text(table) == (
        "role           post                            n\n"
        "-------------  ------------------------------  ---------\n"
        "chief-nurse    data:post/003-ee31a5acbe06f6bc  12\n"
        "org:reportsTo                                  two lines\n"
        "\n"
        "(2 rows)\n"
    )


def test_text_table_cuts_long_cells() -> None:
    table = Table(("sentence",), ((Literal("x" * 200),),))
    line = to_text(table, max_width=20).splitlines()[2]
    assert line == "x" * 19 + "…"


def test_short_name_uses_the_given_base() -> None:
    assert short_name(URIRef("https://example.org/kg/post/1"), base="https://example.org/kg/") == "data:post/1"
    assert short_name(URIRef("https://other.example/x")) == "<https://other.example/x>"


def test_format_result_handles_construct_and_ask() -> None:
    triples = [(URIRef("http://ex/b"), URIRef("http://ex/p"), Literal("2")), (URIRef("http://ex/a"), URIRef("http://ex/p"), Literal("1"))]
    assert triples_table(triples).rows[0][0] == URIRef("http://ex/a")
    assert format_result(triples, "csv", iris=True).split("\r\n")[:2] == ["subject,predicate,object", "http://ex/a,http://ex/p,1"]
    assert format_result(True, "csv") == "boolean\r\ntrue\r\n"
    assert json.loads(format_result(True, "json")) == {"head": {}, "boolean": True}
    with pytest.raises(ValueError, match="valid formats: table, csv, tsv, json"):
        format_result(True, "xml")
