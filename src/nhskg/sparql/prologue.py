"""Stage 4 input: what an analyst's own SPARQL may leave out (the project's prefixes) and what a typo costs.

A query written by hand should not need ten ``PREFIX`` lines before it can ask anything. The
project's prefixes (:func:`default_prefixes`: ``nhskg``, ``org``, ``schema``, ``skos``, ``prov``,
``dcterms``, ``rdf``, ``rdfs``, ``xsd``, ``owl``, ``data`` for the graph's own IRIs, and one per
concept scheme, such as ``role-type:chief-nurse``) are declared for every query that uses them
without declaring them. They are handed to the engine as default prefixes (pyoxigraph's
``prefixes=``, rdflib's ``initNs``), so the text is not rewritten and the line and column of an
error stay those of the file; only a remote endpoint, which knows none of them, gets ``PREFIX``
lines added in front of the query.

When the engine refuses a query, :func:`explain` turns its message ("error at 1:29: expected one of
Prefix not found, ['%'], ...") into plain words: the line and column, the line itself with a caret,
what was expected ("a closing brace '}'"), and for an undeclared prefix its name and the known ones.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Iterator, Mapping

from ..errors import ECHO_LIMIT, echoed
from ..namespaces import DEFAULT_BASE, PREFIXES, VOCAB_BASE
from ..paths import vocabulary_dir

__all__ = ["default_prefixes", "used_prefixes", "undeclared", "unknown_prefix_message", "explain", "with_prologue", "blank"]


@lru_cache(maxsize=4)
def _scheme_prefixes(directory: str) -> tuple[tuple[str, str], ...]:
    from pathlib import Path

    return tuple((path.stem, f"{VOCAB_BASE}{path.stem}/") for path in sorted(Path(directory).glob("*.ttl")))


def default_prefixes(base: str = DEFAULT_BASE) -> dict[str, str]:
    """Prefix -> namespace for every query: the standard ones, ``data:`` and one per concept scheme.

    The scheme prefixes follow the files in ``ontology/vocab`` (a new scheme file is a new prefix).

    >>> prefixes = default_prefixes()
    >>> prefixes["role-type"], prefixes["skos"]
    ('https://w3id.org/nhskg/vocab/role-type/', 'http://www.w3.org/2004/02/skos/core#')
    """
    return {**PREFIXES, "data": base, **dict(_scheme_prefixes(str(vocabulary_dir())))}


def skip_string(text: str, i: int) -> int:
    """The index just past the string literal that opens at ``text[i]`` (short or long quotes)."""
    quote = text[i : i + 3] if text[i : i + 3] in ('"""', "'''") else text[i]
    i += len(quote)
    while i < len(text) and not text.startswith(quote, i):
        i += 2 if text[i] == "\\" else 1
    return i + len(quote)


def blank(text: str) -> str:
    """``text`` with comments, string literals and IRIs written as spaces (same length, same lines).

    >>> blank('SELECT * { ?s <http://x/#a> "a # b" } # note')
    'SELECT * { ?s                       }       '
    """
    chars = list(text)
    i, n = 0, len(text)
    no_iri_before = 0  # a '<' before this opens no IRI: a space or the end comes before any '>'
    while i < n:
        char = text[i]
        if char == "#":
            end = text.find("\n", i)
            end = n if end == -1 else end
        elif char in "\"'":
            end = skip_string(text, i)
        elif char == "<" and i >= no_iri_before:
            run = _IRI_RUN.match(text, i)
            assert run is not None  # the '<' at least
            if not text.startswith(">", run.end()):
                no_iri_before = run.end()  # the same holds of every '<' it passed (64,000 of them took 9.7 s)
                i += 1
                continue
            end = run.end() + 1
        else:
            i += 1
            continue
        for j in range(i, min(end, n)):
            if chars[j] != "\n":
                chars[j] = " "
        i = end
    return "".join(chars)


_IRI_RUN = re.compile(r"<[^>\s]*")  # an IRI (as blank reads one) up to its '>'

# A prefixed name: PN_PREFIX? ':' — the prefix starts with a letter and may hold '-', '_', '.' and
# digits (not ending in '.'). A colon outside IRIs, strings and comments only ever ends one.
_PNAME = re.compile(r"(?<![\w.\-:?$])([A-Za-z](?:[\w.\-]*[\w\-])?)?:")
_DECLARED = re.compile(r"\bPREFIX\s+([A-Za-z](?:[\w.\-]*[\w\-])?)?:", re.IGNORECASE)


def _positions(text: str, indexes: Iterable[int]) -> Iterator[tuple[int, int]]:
    """The line and column of each of ``indexes`` (ascending), counting each line once."""
    line, line_start, counted = 1, 0, 0
    for index in indexes:
        breaks = text.count("\n", counted, index)
        if breaks:
            line += breaks
            line_start = text.rfind("\n", counted, index) + 1
        counted = index
        yield line, index - line_start + 1


def used_prefixes(text: str) -> list[tuple[str, int, int]]:
    """Each prefix the query uses but does not declare: (name, line, column of its first use).

    >>> used_prefixes("PREFIX org: <http://www.w3.org/ns/org#>\\nSELECT ?p { ?p org:role role-type:chief-nurse ; a nhskg:Post }")
    [('role-type', 2, 25), ('nhskg', 2, 51)]
    """
    plain = blank(text)
    declarations = list(_DECLARED.finditer(plain))
    declared = {m.group(1) or "" for m in declarations}
    colons = {m.end() - 1 for m in declarations}  # "PREFIX foo:" declares, it does not use
    first: dict[str, int] = {}
    for match in _PNAME.finditer(plain):
        name = match.group(1) or ""
        if name not in declared and name not in first and match.end() - 1 not in colons:
            first[name] = match.start()
    return [(name, line, column) for name, (line, column) in zip(first, _positions(plain, first.values()))]


def undeclared(text: str, prefixes: Mapping[str, str]) -> tuple[dict[str, str], list[tuple[str, int, int]]]:
    """(the default prefixes the query needs, the prefixes it uses that nobody declares)."""
    needed: dict[str, str] = {}
    unknown: list[tuple[str, int, int]] = []
    for name, line, column in used_prefixes(text):
        if name in prefixes:
            needed[name] = prefixes[name]
        else:
            unknown.append((name, line, column))
    return needed, unknown


def unknown_prefix_message(text: str, name: str, line: int, column: int, prefixes: Mapping[str, str]) -> str:
    """The plain-words error for a prefix nobody declared."""
    import difflib

    close = difflib.get_close_matches(name, list(prefixes), n=1, cutoff=0.6)
    hint = f" (did you mean '{close[0]}:'?)" if close else ""
    return (
        f"line {line}, column {column}: the prefix '{echoed(name)}:' is not declared{hint}; declare it with "
        f"PREFIX {echoed(name)}: <...> at the top of the query, or use one of the prefixes every query knows: "
        f"{', '.join(sorted(prefixes))}\n{_pointer(text, line, column)}"
    )


def with_prologue(text: str, prefixes: Mapping[str, str]) -> str:
    """``text`` with ``PREFIX`` lines in front for ``prefixes`` (for engines that take no defaults).

    >>> with_prologue("ASK { ?s skos:x ?o }", {"skos": "http://www.w3.org/2004/02/skos/core#"})
    'PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\\nASK { ?s skos:x ?o }'
    """
    lines = [f"PREFIX {name}: <{iri}>" for name, iri in prefixes.items()]
    return "\n".join([*lines, text]) if lines else text


def _pointer(text: str, line: int, column: int, width: int = ECHO_LIMIT) -> str:
    """The line of ``text`` at fault and a caret under ``column``: at most ``width`` characters of
    the line around the column, with '…' where it is cut (a query written on one line was
    echoed whole, 60 KB of it).

    >>> print(_pointer("SELECT * WHERE { ?s ?p " + "x" * 100 + " }", 1, 30, width=20))
      … ?p xxxxxxxxxxxxxxxx…
                 ^
    """
    lines = text.splitlines() or [""]
    shown = lines[line - 1] if 0 < line <= len(lines) else ""
    shown = shown.expandtabs(1)
    at = max(0, column - 1)
    start = max(0, min(at - width // 2, len(shown) - width))
    head, tail = ("…" if start else ""), ("…" if start + width < len(shown) else "")
    return f"  {head}{shown[start:start + width]}{tail}\n  {' ' * (len(head) + at - start)}^"


#: How the engine's grammar tokens read in words.
_TOKEN_WORDS = {
    "}": "a closing brace '}'",
    "{": "an opening brace '{'",
    ")": "a closing bracket ')'",
    "(": "an opening bracket '('",
    ".": "'.' (end of a triple)",
    ";": "';' (another property of the same subject)",
    ",": "',' (another object)",
    '"': "the closing quote of a string",
    "?": "a variable",
    "$": "a variable",
    "<": "an IRI",
    ":": "a prefixed name",
}


_RDF_STAR = {"{|", "|}", "~", "<<", ">>", "<<("}


def _expected_words(expected: str) -> list[str]:
    words: list[str] = []
    tokens = re.findall(r'"((?:[^"\\]|\\.)*)"|\[\'?([^\]]*?)\'?\]|\b([A-Za-z][A-Za-z_]*)\b', expected)
    for quoted, bracketed, keyword in tokens:
        if quoted:
            token = quoted.replace('\\"', '"').replace("\\\\", "\\")
            if token.startswith("\\") or token in _RDF_STAR:
                continue  # escape sequences inside a string; RDF-star syntax nobody here writes
            words.append(_TOKEN_WORDS.get(token, f"'{token}'"))
        elif bracketed:
            if "A' ..= 'Z" in bracketed or "'a' ..= 'z'" in bracketed or "0' ..= '9" in bracketed:
                if "a name (letters, digits, '-')" not in words:
                    words.append("a name (letters, digits, '-')")
            elif bracketed in ("_",):
                continue
            elif len(bracketed) <= 2:
                words.append(_TOKEN_WORDS.get(bracketed.strip("'"), f"'{bracketed.strip(chr(39))}'"))
        elif keyword and keyword not in ("expected", "one", "of", "u"):
            words.append(keyword)
    return list(dict.fromkeys(words))


_ERROR_AT = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)


def explain(text: str, message: str, prefixes: Mapping[str, str] | None = None) -> str:
    """The engine's syntax error in plain words, pointing at the place in ``text``.

    >>> print(explain("SELECT ?x WHERE {\\n  ?x ?p ?o", 'error at 2:11: expected one of ",", ".", ";", "{", "}", [_]'))
    line 2, column 11: the query is not valid SPARQL here; expected ',' (another object), '.' (end of a triple), ';' (another property of the same subject), an opening brace '{' or a closing brace '}'
        ?x ?p ?o
                ^
    """
    match = _ERROR_AT.search(message)
    if not match:
        return f"the query is not valid SPARQL: {message.strip()}"
    line, column, expected = int(match.group(1)), int(match.group(2)), match.group(3)
    if "Prefix not found" in expected:
        for name, use_line, use_column in used_prefixes(text):
            if prefixes is None or name not in prefixes:
                return unknown_prefix_message(text, name, use_line, use_column, prefixes or {})
    if "IRI parsing failed" in expected:
        what = "an IRI here is not valid (an IRI has no spaces, quotes or braces, and needs a scheme such as https:)"
    elif expected.startswith("expected"):
        words = _expected_words(expected[len("expected"):])
        what = "the query is not valid SPARQL here"
        if words:
            listed = ", ".join(words[:-1]) + f" or {words[-1]}" if len(words) > 1 else words[0]
            what += f"; expected {listed}"
    else:
        what = expected.strip()
    return f"line {line}, column {column}: {what}\n{_pointer(text, line, column)}"
