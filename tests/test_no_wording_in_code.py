"""The vocabularies are the single source of the extractor's NHS wording and of the codes it uses.

What counts as NHS wording: anything naming an NHS role, body, organisation, designation,
qualification, duty area, pay term or section of an NHS advert, and the cue verbs of a relation
("accountable to", "reporting to", "work closely with", "deputise for"). It lives in
``ontology/vocab/`` (labels, ``nhskg:textPattern``, ``nhskg:textFragment``, annotations) and is read
through :mod:`nhskg.extract.wording`. What may stay in ``src/nhskg/extract/``: generic English
grammar the rules are built from (sentence and clause breaks, "and"/"or", "the", a form line's
shape "Word: value", a person's honorific), codes (checked against ``skos:notation`` below), the
names of the record's fields and of the statement forms.

A literal is NHS wording when, its regular-expression syntax taken out and its words folded as the
matcher folds them, it contains a vocabulary label, a text fragment, or one of :data:`NHS_WORDS`.
Docstrings, comments and messages for people (an exception raised, a problem reported) are
exempt: they explain the rules with real examples. So are the names of the record's fields
(``accountable_to``). A label written in capitals is an acronym and counts only in capitals, as the
matcher reads it ("IT" is a duty area, "it" is not).
"""

from __future__ import annotations

import ast
import dataclasses
import re
from pathlib import Path

import pytest

from nhskg.vocabulary.matching import fold
from nhskg.extract.postings import STATED_AS, Posting
from nhskg.vocabulary.vocab import Vocabulary, load_vocabulary

SRC = Path(__file__).resolve().parent.parent / "src" / "nhskg"
EXTRACT = SRC / "extract"

#: Role and body words that are NHS wording even where no label is exactly that word.
NHS_WORDS = (
    "nhs", "nurse", "nurses", "nursing", "medical", "doctor", "trust", "trusts", "board", "boards",
    "director", "directors", "chief", "executive", "officer", "officers", "cqc", "gmc", "nmc",
    "caldicott", "band", "consultant", "clinical", "icb", "ics", "ccg", "stp", "division",
    "divisional", "hospital", "region", "regional", "salary", "guardian", "guardians", "chair",
)

#: Literals that are NHS words but an interface to another stage, not extractor wording (none now:
#: the pay reader tells ``find_salary`` a line is about pay with ``about_pay``, not a word).
INTERFACE: set[tuple[str, str]] = set()

#: Modules of the extract stage that hold no reading rules: the records it gives (their field
#: names) and the scoring against the gold set (the score table's field names).
NOT_READING_RULES = {"postings.py", "evaluate.py"}

_ESCAPE = re.compile(r"\\[A-Za-z]|\(\?P<\w+>|\(\?P=\w+\)|\(\?[-aiLmsux:!=<]*")


def _exempt_ids(tree: ast.AST) -> set[int]:
    """Docstrings, the strings of messages for people, and ``__all__`` (the module's own names)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            found.update(id(n) for n in ast.walk(node))
        if isinstance(node, ast.Raise) or (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Problem"
        ):
            found.update(id(n) for n in ast.walk(node))
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def _literals(path: Path) -> list[tuple[int, str]]:
    """Every string literal of a module but its docstrings, f-strings' constant parts included."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = _exempt_ids(tree)
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def _where(path: Path) -> str:
    return str(path.relative_to(SRC.parent)) if SRC in path.parents else str(path)


def _words(literal: str, lower: bool = True) -> str:
    """A literal's words, padded with spaces: regex escapes, group syntax and punctuation out."""
    plain = _ESCAPE.sub(" ", literal)
    return " " + " ".join(fold(plain, lower=lower).split()) + " "


def _phrases(vocab: Vocabulary) -> dict[str, str]:
    """Folded phrase -> where it comes from, for every label and text fragment of every scheme;
    an acronym keeps its capitals."""
    phrases: dict[str, str] = {}
    for scheme in vocab.schemes:
        for concept in scheme.concepts:
            for label in concept.labels:
                phrase = " ".join(fold(label, lower=not label.isupper()).split())
                if phrase:
                    phrases.setdefault(phrase, f"a label of {scheme.name} '{concept.code}'")
            for fragment in concept.fragments:
                phrase = " ".join(fold(fragment).split())
                if phrase:
                    phrases.setdefault(phrase, f"a text fragment of {scheme.name} '{concept.code}'")
    for word in NHS_WORDS:
        phrases.setdefault(word, "an NHS word")
    return phrases


def _codes(vocab: Vocabulary) -> set[str]:
    return {c.code for s in vocab.schemes for c in s.concepts} | {s.name for s in vocab.schemes}


def wording_in(paths: list[Path], vocab: Vocabulary) -> list[str]:
    """Each literal of ``paths`` that holds NHS wording, as "file:line: literal (why)"."""
    phrases = _phrases(vocab)
    codes = _codes(vocab) | {f.name for f in dataclasses.fields(Posting)}
    found = []
    for path in paths:
        for line, literal in _literals(path):
            if literal in codes or (path.name, literal) in INTERFACE:
                continue
            words, capitals = _words(literal), _words(literal, lower=False)
            if words.strip() == "":
                continue
            for phrase, why in phrases.items():
                within = words if phrase.lower() == phrase else capitals
                if f" {phrase} " in within or f" {phrase}s " in within:
                    found.append(f"{_where(path)}:{line}: {literal!r} holds {phrase!r} ({why})")
                    break
    return found


def test_the_extractor_holds_no_nhs_wording() -> None:
    found = wording_in(sorted(p for p in EXTRACT.rglob("*.py") if p.name not in NOT_READING_RULES), load_vocabulary())
    assert not found, "NHS wording belongs in ontology/vocab/ (see nhskg.extract.wording):\n" + "\n".join(found)


def test_a_literal_with_nhs_wording_is_caught(tmp_path: Path) -> None:
    module = tmp_path / "title.py"
    module.write_text(
        '"""Docstrings may say Chief Nurse."""\n'
        "import re\n"
        "# comments may say Director of Nursing\n"
        '_DEPUTY = re.compile(r"\\b(?:deputy|vice)\\s+$", re.IGNORECASE)\n'
        'BREAK = re.compile(r"[;]|\\.\\s")\n'
        'REPORTS = ("reporting to",)\n'
    )
    found = wording_in([module], load_vocabulary())
    assert len(found) == 2, found
    assert ":4: " in found[0] and "'deputy'" in found[0]
    assert ":6: " in found[1] and "reporting to" in found[1]


# --- codes -----------------------------------------------------------------------------------

_CODE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
#: Outside the extractor, an expression compared with a literal names a code when it reads one of
#: these (a role type, a scope, a section, an organisation's type).
_CODE_CONTEXT = re.compile(r"\b(?:code|codes|role|role_type|role_code|roles)\b|\.code\b|\.role_type\b|organisation\.type\b|\.scope\b|\.section\b")
#: Other closed sets of names the extractor compares with: how a fact was stated.
NOT_CODES = set(STATED_AS)
_VOCAB_CALLS = {"get", "concept", "iri", "scheme"}


def _strings(node: ast.AST) -> list[ast.Constant]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [c for e in node.elts for c in _strings(e)]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("set", "frozenset", "tuple") and node.args:
        return _strings(node.args[0])
    return []


def codes_written(path: Path, everywhere: bool) -> list[tuple[int, str]]:
    """(line, code) for each string a module uses as a concept code: compared with a code (in the
    extractor: compared with anything), or handed to ``scheme()``/``get()``/``concept()``/``iri()``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        candidates: list[ast.Constant] = []
        if isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            others = [ast.unparse(o) for o in operands if not _strings(o)]
            if everywhere or any(_CODE_CONTEXT.search(o) for o in others):
                candidates = [c for o in operands for c in _strings(o)]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _VOCAB_CALLS:
            receiver = ast.unparse(node.func.value)
            if node.func.attr == "get" and "scheme(" not in receiver and "concept" not in receiver.lower():
                continue
            candidates = [c for a in node.args for c in _strings(a)]
        found += [(c.lineno, c.value) for c in candidates if _CODE.match(c.value) and c.value not in NOT_CODES]
    return found


def unknown_codes(paths: list[Path], everywhere: bool, vocab: Vocabulary) -> list[str]:
    known = _codes(vocab)
    return [
        f"{_where(path)}:{line}: {code!r}"
        for path in paths
        for line, code in codes_written(path, everywhere)
        if code not in known and (path.name, code) not in INTERFACE
    ]


def test_every_code_written_in_src_is_in_the_vocabulary() -> None:
    vocab = load_vocabulary()
    extract = sorted(p for p in EXTRACT.rglob("*.py") if p.name not in NOT_READING_RULES)
    rest = [p for p in sorted(SRC.rglob("*.py")) if EXTRACT not in p.parents or p.name in NOT_READING_RULES]
    unknown = unknown_codes(extract, True, vocab) + unknown_codes(rest, False, vocab)
    assert not unknown, "codes that no skos:notation in ontology/vocab/ defines (misspelt, or renamed there?):\n" + "\n".join(unknown)
    assert len(codes_written(EXTRACT / "title.py", True)) >= 3, "the code finder no longer sees the extractor's codes"


@pytest.mark.parametrize("line, misspelt", [
    ('if role == "chief-nures":\n    pass\n', "chief-nures"),
    ('if organisation.type in ("icb", "ccgg"):\n    pass\n', "ccgg"),
    ('x = vocab.concept("role-type", "chief-nures")\n', "chief-nures"),
])
def test_a_misspelt_code_is_caught(tmp_path: Path, line: str, misspelt: str) -> None:
    module = tmp_path / "m.py"
    module.write_text(line)
    assert unknown_codes([module], False, load_vocabulary()) == [f"{_where(module)}:1: {misspelt!r}"]
