"""Stage 4 output: query results as an aligned text table, or in the W3C SPARQL 1.1 result formats.

``csv``, ``tsv`` and ``json`` follow the W3C specifications exactly, so any SPARQL tool reads
them back: *SPARQL 1.1 Query Results CSV and TSV Formats* (https://www.w3.org/TR/sparql11-results-csv-tsv/)
and *SPARQL 1.1 Query Results JSON Format* (https://www.w3.org/TR/sparql11-results-json/).
``table`` is for people: IRIs shortened to prefixed names, vocabulary concepts to their codes.
For a spreadsheet the same shortening applies to CSV and TSV (``readable=True``, what the CLI
writes unless ``--iris`` asks for full IRIs): a column of ``chief-nurse`` sorts and filters,
``https://w3id.org/nhskg/vocab/role-type/chief-nurse`` does not.
Every function returns a string; printing is the CLI's job.
"""

from __future__ import annotations

import csv
import io
import json
from typing import Mapping

from rdflib.namespace import XSD
from rdflib.term import BNode, Literal, Node, URIRef

from ..namespaces import DEFAULT_BASE, VOCAB_BASE, PREFIXES
from ..sparql.sources import Table, Triple

__all__ = [
    "FORMATS",
    "PREFIXES",
    "format_result",
    "to_text",
    "to_csv",
    "to_tsv",
    "to_readable_tsv",
    "to_json",
    "triples_table",
    "short_name",
]

FORMATS = ("table", "csv", "tsv", "json")


def short_name(term: Node | None, base: str = DEFAULT_BASE) -> str:
    """How a term reads in the text table.

    A vocabulary concept becomes its code (the last segment of its IRI is its ``skos:notation``),
    an instance IRI ``data:``-prefixed, a known namespace its prefixed name, a literal its text.

    >>> short_name(URIRef("https://w3id.org/nhskg/vocab/role-type/chief-nurse"))
    'chief-nurse'
    >>> short_name(URIRef("https://w3id.org/nhskg/data/post/003"))
    'data:post/003'
    >>> short_name(URIRef("http://www.w3.org/ns/org#reportsTo"))
    'org:reportsTo'
    """
    if term is None:
        return ""
    if isinstance(term, URIRef):
        value = str(term)
        if value.startswith(VOCAB_BASE):
            return value.rsplit("/", 1)[-1]
        if value.startswith(base):
            return "data:" + value[len(base) :]
        for prefix, namespace in PREFIXES.items():
            if value.startswith(namespace) and "/" not in value[len(namespace) :]:
                return f"{prefix}:{value[len(namespace):]}"
        return f"<{value}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_text(table: Table, base: str = DEFAULT_BASE, max_width: int = 80, *, footer: str = "",
            iris: bool = False) -> str:
    """An aligned plain-text table with a header row; long cells are cut with '…'.

    >>> print(to_text(Table(("role", "n"), ((URIRef(VOCAB_BASE + "role-type/chief-nurse"), Literal(3)),))), end="")
    role         n
    -----------  -
    chief-nurse  3
    <BLANKLINE>
    (1 row)
    """
    def cell(term: Node | None) -> str:
        text = " ".join(short_name(term, base).split())  # one line per row
        return text if len(text) <= max_width else text[: max_width - 1] + "…"

    rows = [[cell(term) for term in row] for row in table.rows]
    widths = [max([len(name)] + [len(row[i]) for row in rows]) for i, name in enumerate(table.columns)]
    lines = [
        "  ".join(name.ljust(width) for name, width in zip(table.columns, widths)).rstrip(),
        "  ".join("-" * width for width in widths),
    ]
    lines += ["  ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip() for row in rows]
    count = len(table.rows)
    ending = f"\n\n({count} row{'' if count == 1 else 's'})\n"
    return "\n".join(lines) + ending + (f"{footer}\n" if footer else "")


def _csv_value(term: Node | None) -> str:
    # CSV keeps only the lexical form: IRIs bare, literals without datatype or language.
    if term is None:
        return ""
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def to_csv(table: Table, *, readable: bool = False, base: str = DEFAULT_BASE) -> str:
    """SPARQL 1.1 CSV: a header of variable names, RFC 4180 quoting, CRLF line ends.

    ``readable`` writes IRIs as the text table does (codes, ``data:`` paths) instead of in full.

    >>> to_csv(Table(("a", "b"), ((Literal('say "hi", then go'), None),)))
    'a,b\\r\\n"say ""hi"", then go",\\r\\n'
    >>> to_csv(Table(("role",), ((URIRef(VOCAB_BASE + "role-type/chief-nurse"),),)), readable=True)
    'role\\r\\nchief-nurse\\r\\n'
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(table.columns)
    value = (lambda term: short_name(term, base)) if readable else _csv_value
    for row in table.rows:
        writer.writerow([value(term) for term in row])
    return out.getvalue()


_TSV_ESCAPES = {"\\": "\\\\", '"': '\\"', "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _tsv_value(term: Node | None) -> str:
    # TSV writes terms in Turtle/SPARQL syntax; tabs and newlines inside literals are escaped.
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = '"' + "".join(_TSV_ESCAPES.get(c, c) for c in str(term)) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is not None and term.datatype != XSD.string:
            return f"{text}^^<{term.datatype}>"
        return text
    raise TypeError(f"cannot write {term!r} in TSV")


def to_readable_tsv(table: Table, base: str = DEFAULT_BASE) -> str:
    """Tab-separated text for a spreadsheet: codes and ``data:`` paths, tabs and line breaks in a
    cell written as spaces (not the W3C TSV, whose cells are SPARQL terms).

    >>> to_readable_tsv(Table(("a", "b"), ((URIRef(VOCAB_BASE + "body/cqc"), Literal("x\\ty")),)))
    'a\\tb\\ncqc\\tx y\\n'
    """
    lines = ["\t".join(table.columns)]
    lines += ["\t".join(" ".join(short_name(term, base).split()) for term in row) for row in table.rows]
    return "\n".join(lines) + "\n"


def to_tsv(table: Table) -> str:
    """SPARQL 1.1 TSV: a header of ``?variables``, terms in SPARQL syntax, LF line ends.

    >>> to_tsv(Table(("a", "b"), ((URIRef("http://ex/x"), Literal(2)),)))
    '?a\\t?b\\n<http://ex/x>\\t"2"^^<http://www.w3.org/2001/XMLSchema#integer>\\n'
    """
    lines = ["\t".join(f"?{name}" for name in table.columns)]
    lines += ["\t".join(_tsv_value(term) for term in row) for row in table.rows]
    return "\n".join(lines) + "\n"


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    if isinstance(term, Literal):
        value: dict[str, str] = {"type": "literal", "value": str(term)}
        if term.language:
            value["xml:lang"] = term.language
        elif term.datatype is not None and term.datatype != XSD.string:
            value["datatype"] = str(term.datatype)
        return value
    raise TypeError(f"cannot write {term!r} in SPARQL JSON")


def to_json(result: Table | bool) -> str:
    """SPARQL 1.1 Query Results JSON: ``head.vars`` and ``results.bindings`` (unbound omitted),
    or ``{"head": {}, "boolean": ...}`` for an ASK.

    >>> print(to_json(Table(("a",), ((Literal("x", lang="en"),), (None,)))), end="")
    {
      "head": {
        "vars": [
          "a"
        ]
      },
      "results": {
        "bindings": [
          {
            "a": {
              "type": "literal",
              "value": "x",
              "xml:lang": "en"
            }
          },
          {}
        ]
      }
    }
    """
    if isinstance(result, bool):
        document: Mapping[str, object] = {"head": {}, "boolean": result}
    else:
        document = {
            "head": {"vars": list(result.columns)},
            "results": {
                "bindings": [
                    {name: _json_term(term) for name, term in zip(result.columns, row) if term is not None}
                    for row in result.rows
                ]
            },
        }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def triples_table(triples: list[Triple]) -> Table:
    """A CONSTRUCT result as a three-column table (subject, predicate, object), sorted."""
    rows = sorted((tuple(t) for t in triples), key=lambda t: tuple(x.n3() for x in t))
    return Table(("subject", "predicate", "object"), tuple(rows))


def format_result(result: Table | list[Triple] | bool, fmt: str, base: str = DEFAULT_BASE, *,
                  iris: bool = False, footer: str = "") -> str:
    """Render any query result in one of :data:`FORMATS`.

    A CONSTRUCT result is shown as a subject/predicate/object table; an ASK result as a one-cell
    ``boolean`` table, except in JSON, whose format has a boolean form of its own. With
    ``iris=False`` CSV and TSV write codes and ``data:`` paths instead of full IRIs (JSON always
    carries full, typed terms); ``iris=True`` also shows them in full in the table. ``footer`` (the
    coverage line) ends the text table; machine formats carry none, so every row stays a row.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format '{fmt}'; valid formats: {', '.join(FORMATS)}")
    if isinstance(result, bool):
        if fmt == "json":
            return to_json(result)
        result = Table(("boolean",), ((Literal(result),),))
    elif isinstance(result, list):
        result = triples_table(result)
    if fmt == "csv":
        return to_csv(result, readable=not iris, base=base)
    if fmt == "tsv":
        return to_tsv(result) if iris else to_readable_tsv(result, base)
    if fmt == "json":
        return to_json(result)
    return to_text(result, base=base, footer=footer, iris=iris)
