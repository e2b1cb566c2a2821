"""Stage 4's gate: what a SPARQL query text must pass before Oxigraph sees it, and the stack it runs on.

Why, measured with pyoxigraph 0.5.13 on an 8 MB stack (``tests/hardening/test_query_gate.py``):

* Oxigraph's parser and evaluator recurse without a guard. Braces nested about 2,150 deep,
  ``FILTER NOT EXISTS {`` nested 820 deep (16 KB), and even *flat* chains the engine nests
  internally (``1+1+...`` of 6,650 terms, 13 KB; 2,600 ``BIND``s; 6,300 ``UNION``s) end the
  process with SIGSEGV (exit 139), no Python exception.
* ``Store.query`` executes ``SERVICE <url>`` itself, and matches keywords without a word
  boundary: ``SERVICEex:x {...}`` and ``SERVICESILENT<http://...>{...}`` fetch too.

So every embedded query goes through three layers:

1. :func:`check` refuses a text over :data:`MAX_QUERY_BYTES`, or nested deeper than
   :data:`MAX_DEPTH` (braces, parentheses, brackets and triple terms, counted by a tokenizer that
   knows strings, comments and IRIs, so a brace in a literal is not counted and one behind a
   ``#`` in an IRI is), and finds every ``SERVICE`` pattern for the caller to refuse;
2. :func:`run_deep` runs the engine on a thread with a :data:`ENGINE_STACK` stack: there every
   shape measured, up to :data:`MAX_QUERY_BYTES`, runs without crashing (the deepest, 32,000
   nested braces, needs about 128 MB), so a chain the depth count does not see cannot crash it;
3. ``nhskg serve`` runs queries in worker processes and replaces any that dies.

Why a tokenizer and not a parser: pyoxigraph exposes no parser of its own (parsing *is* running),
and rdflib's parses a different grammar at a hundredth of the speed. The one place the lexical
grammar is ambiguous is ``<``: an IRI or less-than. Oxigraph decides by position (less-than only
after an operand inside an expression), and so does :func:`scan`; to be sure of ``SERVICE``
whichever way a ``<`` is read, the text is also scanned reading every ``<`` that can start an
IRI as one, and as less-than: a ``SERVICE`` any of the three readings finds counts, and the
depth is the deeper of the first two.

>>> scan('SELECT * WHERE { ?s ?p "}}}" # {{{\\n FILTER(?x = <http://ex/a#b>) }').depth
2
>>> [s.endpoint for s in scan("SELECT * { SERVICE <http://ex/sparql> { ?s ?p ?o } }").services]
['http://ex/sparql']
>>> scan("# select\\nCONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }").form
'construct'
"""

from __future__ import annotations

import functools
import re
import threading
import traceback
import urllib.parse
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator, TypeVar

from ..errors import QueryRefused

__all__ = ["MAX_QUERY_BYTES", "MAX_DEPTH", "ENGINE_STACK", "Service", "QueryShape", "scan", "check", "run_deep"]

#: Bytes of query text (UTF-8) the engine is given at most; library queries are under 6 KB.
MAX_QUERY_BYTES = 65_536
#: Levels of nesting allowed; library queries nest 10 deep at most, and the engine crashed at 820.
MAX_DEPTH = 128
#: The engine's stack: the deepest query that fits in MAX_QUERY_BYTES needs about half of it.
ENGINE_STACK = 256 * 2**20

_T = TypeVar("_T")

# --------------------------------------------------------------------------- the tokenizer

# SPARQL 1.1/1.2 terminals (section 19.8), in the order they are tried at each position.
_NAME_CHAR = r"\w\u00B7\u0300-\u036F\u203F\u2040"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
_TOKEN = re.compile(
    rf"""
    (?P<space>[ \t\r\n]+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:'{{0,2}}(?:[^'\\]|\\[\s\S]))*+'''
             |\"\"\"(?:\"{{0,2}}(?:[^"\\]|\\[\s\S]))*+\"\"\"
             |'(?:[^'\\\r\n]|\\[^\r\n])*+'
             |"(?:[^"\\\r\n]|\\[^\r\n])*+")
  | (?P<var>[?$][{_NAME_CHAR}]+)
  | (?P<bnode>_:[\w](?:[{_NAME_CHAR}.\-]*[{_NAME_CHAR}\-])?)
  | (?P<pname>(?:[^\W\d_](?:[{_NAME_CHAR}.\-]*[{_NAME_CHAR}\-])?)?:
               (?:(?:[\w:]|{_PLX})(?:(?:[{_NAME_CHAR}.\-:]|{_PLX})*(?:[{_NAME_CHAR}\-:]|{_PLX}))?)?)
  | (?P<number>[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.?[0-9]+[eE][+-]?[0-9]+|[0-9]*\.[0-9]+|[0-9]+)
  | (?P<word>[^\W\d]\w*)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*(?:--[A-Za-z]+)?)
  | (?P<punct>\)>>|>>|\|\||&&|!=|>=|\^\^|[^<])
    """,
    re.VERBOSE,
)
# Two branches of _TOKEN can read far and then fail: a prefixed name's prefix (a run of name
# characters that meets no ':', or ends in '.') and a short string (a line with no closing quote).
# Tried again at each letter, or each escaped quote, inside what they read, they made scanning
# quadratic: 64 KB of 'a.a.a...' took 111 s. Each fails again at every such start before the end
# of what it read (the same run of name characters; the same escapes, an escaped quote being the
# only quote inside), so _tokens remembers that end and reads the token there as _TOKEN would
# after the failure: a word, or the quote alone.
_PREFIX_RUN = re.compile(rf"[^\W\d_][{_NAME_CHAR}.\-]*")  # up to the ':' if it is one
_SHORT_STRING = {quote: re.compile(rf"{quote}(?:[^{quote}\\\r\n]|\\[^\r\n])*+") for quote in "'\""}
_NAME_START = re.compile(r"[^\W\d_]")
_WORD = re.compile(r"(?P<word>[^\W\d]\w*)")
_QUOTE = re.compile(r"(?P<punct>['\"])")
_IRIREF = re.compile(r"<(?:[^<>\"{}|^`\\\x00-\x20]|\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8})*+>")
_UCHAR = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_PLX_ESCAPE = re.compile(r"\\(.)")

_OPEN = {"{": "}", "(": ")", "[": "]", "<<(": ")>>", "<<": ">>"}
_CLOSE = {"}", ")", "]", ")>>", ">>"}
_OPERAND_END = {"iri", "string", "var", "bnode", "number", "pname", "lang"}
_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
_UPDATES = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")


@dataclass(frozen=True)
class _Token:
    kind: str  # iri, string, var, bnode, pname, number, word, lang, punct
    text: str
    start: int


def _tokens(text: str, iris: str) -> Iterator[tuple[_Token, int]]:
    """The tokens of ``text`` outside comments, each with the nesting depth after it.

    ``iris`` says how a ``<`` that could start an IRI is read: ``context`` as Oxigraph reads it
    (less-than only after an operand inside an expression), ``always`` as an IRI, ``never`` as
    less-than. Closing brackets close only their own kind; a stray one changes nothing.
    """
    frames: list[str] = []  # group, bnode, coll, expr, tterm
    clause = [False]  # per group level: in a SELECT, GROUP BY, ORDER BY or HAVING clause
    previous: list[_Token] = []
    failed = {"name": 0, "'": 0, '"': 0}  # where a prefixed name, or a short string, cannot start before
    position, end = 0, len(text)
    while position < end:
        frame = frames[-1] if frames else "top"
        if text[position] == "<":
            last = previous[-1] if previous else None
            after_operand = last is not None and (
                last.kind in _OPERAND_END or last.text in (")", "]", ">>", ")>>") or last.text.upper() in ("TRUE", "FALSE"))
            iri = _IRIREF.match(text, position)
            if iris == "never" or (iris == "context" and frame == "expr" and after_operand):
                iri = None
            if iri:
                token = _Token("iri", iri.group(), position)
            elif text.startswith("<<(", position) and not (iris == "context" and frame == "expr" and after_operand):
                token = _Token("punct", "<<(", position)
            elif text.startswith("<<", position) and not (iris == "context" and frame == "expr" and after_operand):
                token = _Token("punct", "<<", position)
            else:
                token = _Token("punct", "<=" if text.startswith("<=", position) else "<", position)
        else:
            match = _after_failure(text, position, failed) or _TOKEN.match(text, position)
            assert match is not None and match.lastgroup is not None  # the last branch takes any one character
            if match.lastgroup in ("space", "comment"):
                position = match.end()
                continue
            token = _Token(match.lastgroup, match.group(), position)
            if token.text in (">>", ")>>") and frame != "tterm":  # only a triple term closes so
                token = _Token("punct", token.text[0], position)
        position = token.start + len(token.text)
        upper = token.text.upper() if token.kind in ("word", "pname") else ""
        if token.kind == "word":
            if upper.startswith(("SELECT", "GROUP", "ORDER", "HAVING")):
                clause[-1] = True
            elif upper.startswith(("WHERE", "LIMIT", "OFFSET", "VALUES")):
                clause[-1] = False
        if token.text in _OPEN:
            if token.text == "{":
                clause[-1] = False
                clause.append(False)
                frames.append("group")
            elif token.text == "[":
                frames.append("bnode")
            elif token.text == "(":
                last = previous[-1] if previous else None
                before = previous[-2] if len(previous) > 1 else None
                called = last is not None and (
                    (last.kind == "word" and last.text != "a")
                    or (last.kind in ("iri", "pname") and before is not None and before.text.upper() == "FILTER"))
                frames.append("expr" if frame == "expr" or clause[-1] or called else "coll")
            else:
                frames.append("tterm")
        elif token.text in _CLOSE and frames and _OPEN[_opener(frames[-1], token.text)] == token.text:
            if frames.pop() == "group":
                clause.pop()
        previous = previous[-1:] + [token]
        yield token, len(frames)


def _after_failure(text: str, position: int, failed: dict[str, int]) -> re.Match[str] | None:
    """The token at ``position`` if a short string or a prefixed name would start there and cannot;
    ``None``: ask _TOKEN. ``failed`` says up to where each is known to fail, and is moved on."""
    char = text[position]
    if char in ("'", '"'):
        if position >= failed[char]:
            read = _SHORT_STRING[char].match(text, position)
            assert read is not None  # the quote at least
            if text.startswith(char, read.end()):
                return None  # a string
            failed[char] = read.end()
        return _QUOTE.match(text, position)
    if position < failed["name"]:
        return _WORD.match(text, position) if _NAME_START.match(text, position) else None
    run = _PREFIX_RUN.match(text, position)
    if run is None or (text.startswith(":", run.end()) and not run.group().endswith(".")):
        return None  # no name here, or a prefixed name
    failed["name"] = run.end()
    return _WORD.match(text, position)


def _opener(frame: str, closer: str) -> str:
    """The opening bracket of ``frame`` that ``closer`` would close."""
    if frame == "group":
        return "{"
    if frame == "bnode":
        return "["
    if frame == "tterm":
        return "<<(" if closer == ")>>" else "<<"
    return "("


# --------------------------------------------------------------------------- what a scan finds


@dataclass(frozen=True)
class Service:
    """A ``SERVICE`` pattern: where it starts, and the endpoint when it is written plainly.

    ``endpoint`` is the IRI (resolved against ``BASE``, prefixes expanded) of a pattern written
    ``SERVICE [SILENT] <iri>|prefix:name {``; ``None`` for a variable endpoint, an unknown
    prefix, or keywords run together, which no allow-list can vouch for.
    """

    line: int
    endpoint: str | None


@dataclass(frozen=True)
class QueryShape:
    """What :func:`scan` reads from a query text without running it."""

    form: str  # select, construct, describe, ask, update, or unknown
    depth: int  # deepest nesting of braces, parentheses, brackets and triple terms
    services: tuple[Service, ...]


def _unescape_iri(iri: str) -> str:
    return _UCHAR.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), iri[1:-1])


def _prologue(tokens: list[_Token]) -> tuple[int, str | None, dict[str, str]]:
    """Where the query form starts, its BASE and its prefixes (keywords may run into names, as
    Oxigraph reads them: ``PREFIXex:<...>``)."""
    base: str | None = None
    prefixes: dict[str, str] = {}
    i = 0
    while i < len(tokens):
        token = tokens[i]
        upper = token.text.upper() if token.kind in ("word", "pname") else ""
        if upper.startswith("VERSION"):
            i += 2
            continue
        if upper.startswith("BASE"):
            name, j = None, i + 1
        elif upper.startswith("PREFIX"):
            if len(token.text) > 6:
                name, j = token.text[6:], i + 1
            else:
                name, j = (tokens[i + 1].text if i + 1 < len(tokens) else None), i + 2
        else:
            break
        if j >= len(tokens) or tokens[j].kind != "iri":
            break  # not a prologue the engine accepts: it will say so
        iri = urllib.parse.urljoin(base or "", _unescape_iri(tokens[j].text))
        if name is None:
            base = iri
        elif name.endswith(":"):
            prefixes[name[:-1]] = iri
        i = j + 1
    return i, base, prefixes


def _form(token: _Token | None) -> str:
    upper = token.text.upper() if token is not None and token.kind in ("word", "pname") else ""
    for form in _FORMS:
        if upper.startswith(form):
            return form.lower()
    return "update" if upper.startswith(_UPDATES) else "unknown"


def _services(text: str, tokens: list[_Token], base: str | None,
              prefixes: dict[str, str]) -> dict[int, Service]:
    """Every ``SERVICE [SILENT] endpoint {`` in ``tokens`` by where it starts, however its keywords
    run into what follows them (``SERVICEex:x {``, ``trueSERVICE<...>{``: Oxigraph reads both)."""
    found = {}
    for i, token in enumerate(tokens):
        if token.kind not in ("word", "pname"):
            continue
        upper = token.text.upper()
        lead = next((len(w) for w in ("SERVICE", "TRUESERVICE", "FALSESERVICE") if upper.startswith(w)), 0)
        if not lead:
            continue
        rest = token.text[lead:]
        pieces = ([_Token("pname" if ":" in rest else "word", rest, token.start)] if rest else []) + tokens[i + 1 : i + 4]
        plain = upper == "SERVICE"
        if pieces and pieces[0].kind in ("word", "pname") and pieces[0].text.upper().startswith("SILENT"):
            rest = pieces[0].text[6:]
            plain = plain and not rest
            pieces = ([_Token("pname" if ":" in rest else "word", rest, pieces[0].start)] if rest else []) + pieces[1:]
        if len(pieces) < 2 or pieces[0].kind not in ("iri", "pname", "var") or pieces[1].text != "{":
            continue
        endpoint = None
        if plain and pieces[0].kind == "iri":
            endpoint = urllib.parse.urljoin(base or "", _unescape_iri(pieces[0].text))
        elif plain and pieces[0].kind == "pname":
            prefix, _, local = pieces[0].text.partition(":")
            if prefix in prefixes:
                endpoint = prefixes[prefix] + _PLX_ESCAPE.sub(r"\1", local)
        found[token.start] = Service(text.count("\n", 0, token.start) + 1, endpoint)
    return found


@functools.lru_cache(maxsize=256)
def scan(text: str) -> QueryShape:
    """Read the form, the nesting depth and the ``SERVICE`` patterns of ``text`` without running it.

    The depth is the deepest of the readings that take a ``<`` for an IRI where Oxigraph does
    and wherever it could be one; the services are every ``SERVICE`` any of the three readings
    finds (see the module notes), with the endpoints as the reading that follows Oxigraph names them.
    """
    readings = {mode: list(_tokens(text, mode)) for mode in ("context", "always", "never")}
    # Not the 'never' reading's depth: there a '#' in an IRI starts a comment that hides the
    # closing brace after it, and 200 lines of '{ ?s <...#type> ?o } UNION' would add up.
    depth = max((d for mode in ("context", "always") for _t, d in readings[mode]), default=0)
    tokens = [t for t, _d in readings["context"]]
    start, base, prefixes = _prologue(tokens)
    services = _services(text, tokens, base, prefixes)
    for mode in ("always", "never"):
        for where, service in _services(text, [t for t, _d in readings[mode]], base, prefixes).items():
            if services.get(where) != service:  # seen only by another reading, or read differently there
                services[where] = Service(service.line, None)
    return QueryShape(_form(tokens[start] if start < len(tokens) else None), depth,
                      tuple(services[where] for where in sorted(services)))


def check(text: str, *, max_bytes: int = MAX_QUERY_BYTES, max_depth: int = MAX_DEPTH,
          allow_services: Iterable[str] | None = ()) -> QueryShape:
    """:func:`scan` ``text``, or raise :class:`~nhskg.errors.QueryRefused` saying why the engine must not see it.

    ``allow_services``: the endpoints a ``SERVICE`` may name (written plainly, see
    :class:`Service`); ``None`` allows any, as the command line does for its own query files.

    >>> check("SELECT * WHERE " + "{" * 200 + "}" * 200)
    Traceback (most recent call last):
    ...
    nhskg.errors.QueryRefused: query nested too deep (200 levels, limit 128): ...
    """
    size = len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise QueryRefused(f"query too large ({size:,} bytes, limit {max_bytes:,}): shorten it, or "
                           "move long lists of values into the data")
    shape = scan(text)
    if shape.depth > max_depth:
        raise QueryRefused(f"query nested too deep ({shape.depth:,} levels, limit {max_depth}): braces, parentheses and "
                           "brackets count; flatten the query (or split it)")
    if allow_services is not None:
        allowed = set(allow_services)
        for service in shape.services:
            if service.endpoint is None or service.endpoint not in allowed:
                where = f"<{service.endpoint}>" if service.endpoint else "an endpoint"
                raise QueryRefused(
                    f"SERVICE (line {service.line}) is refused: this endpoint does not query {where}"
                    + (" (only those its operator allowed, written SERVICE <iri> { ... })" if allowed else
                       "; it answers from its own graph only"))
    return shape


# --------------------------------------------------------------------------- the engine's stack

_stack_lock = threading.Lock()


def run_deep(function: Callable[[], _T], stack: int = ENGINE_STACK) -> _T:
    """``function()`` on a thread with a ``stack``-byte stack (reserved, touched only as used).

    Whatever the engine built is let go on that thread too (a deep plan is freed recursively),
    including what a raised exception's frames still hold.

    >>> run_deep(lambda: 6 * 7)
    42
    """
    outcome: list[object] = []

    def target() -> None:
        try:
            outcome.append(function())
        except BaseException as error:  # handed to the caller's thread below
            cause: BaseException | None = error
            while cause is not None:
                traceback.clear_frames(cause.__traceback__)
                cause = cause.__cause__ or cause.__context__
            outcome.append(_Raised(error))

    with _stack_lock:
        previous = threading.stack_size(stack)
        try:
            thread = threading.Thread(target=target, name="nhskg-engine", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    thread.join()
    if isinstance(outcome[0], _Raised):
        raise outcome[0].error
    return outcome[0]  # type: ignore[return-value]


@dataclass(frozen=True)
class _Raised:
    error: BaseException
