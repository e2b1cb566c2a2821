"""Mutated JSON Lines records for the fuzzing tests: each mutant is one line, seeded, reproducible.

A mutant is a real record with one kind of damage: a value replaced by a hostile one (deep
nesting, a number past any float or past Python's 4,300 digits, a lone surrogate, a date not on
the calendar, an HTML bomb, a nested ``@graph``, the wrong JSON type), bytes flipped at random,
the line cut short, or junk spliced into a text field.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from typing import Any

#: A raw JSON token to put where a value was (what ``json.dumps`` cannot write).
Raw = str


def _raw(text: str) -> Raw:
    return Raw("\0RAW\0" + text)


HOSTILE: list[Callable[[random.Random], Any]] = [
    lambda r: int("9" * r.choice([310, 400, 1000])),  # float() overflows
    lambda r: _raw("9" * 5000),  # past Python's int digits limit: json.loads raises ValueError
    lambda r: _raw("[" * 1200 + "]" * 1200),  # RecursionError in json.loads
    lambda r: _raw("{\"name\": " * 900 + "1" + "}" * 900),  # loads, then recursive readers
    lambda r: None, lambda r: [], lambda r: {}, lambda r: True, lambda r: -0.0, lambda r: 10 ** 20,
    lambda r: _raw("NaN"), lambda r: _raw("Infinity"), lambda r: _raw("-1e999"), lambda r: "1e999", lambda r: "£1e308",
    lambda r: "x" * r.randint(1, 200_000),
    lambda r: "\ud800 lone", lambda r: "\udfff", lambda r: "\U0001F600 \u202e\u200b\ufeff",
    lambda r: "<div>" * 6000 + "Chief Nurse", lambda r: "<div/>" * 30_000, lambda r: '<div a="<">' * 30_000,
    lambda r: "&lt;div&gt;" * 6000, lambda r: "&#x110000;&#0;&#xd800;&amp;&lt;",
    lambda r: "2025-02-31", lambda r: "2020-13-01T00:00:00Z", lambda r: "0000-00-00", lambda r: "9999-99-99",
    lambda r: "\x00\x01\x1b[31m\x7f\x85", lambda r: {"@graph": [{"@graph": {"@type": "JobPosting", "title": "Chief Nurse"}}]},
    lambda r: [[[[{"name": [["Trust"]]}]]]], lambda r: {"value": {"value": {"value": {"minValue": "£££"}}}},
    lambda r: {"minValue": 1e308, "maxValue": -1e308, "unitText": 7}, lambda r: "１２３４５", lambda r: "Chief Nurse " * 5000,
]
SPLICE = ["\ud800", "\x00", "\x85", "\u2028", "<script>", "&amp;" * 50, "\r", "\t" * 30, "é" * 9, "\U0001F600", "</div>" * 50]


def _paths(value: Any, prefix: tuple = ()) -> Iterator[tuple]:
    yield prefix
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _paths(item, prefix + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _paths(item, prefix + (index,))


def _get(root: Any, path: tuple) -> Any:
    for step in path:
        root = root[step]
    return root


def _set(root: Any, path: tuple, value: Any) -> Any:
    if not path:
        return value
    _get(root, path[:-1])[path[-1]] = value
    return root


def _dumps(record: Any, rng: random.Random) -> bytes:
    raws: dict[str, str] = {}

    def swap(value: Any) -> Any:
        if isinstance(value, str) and value.startswith("\0RAW\0"):
            token = f"@@raw{len(raws)}@@"
            raws[token] = value[5:]
            return token
        if isinstance(value, dict):
            return {k: swap(v) for k, v in value.items()}
        if isinstance(value, list):
            return [swap(v) for v in value]
        return value

    text = json.dumps(swap(record), ensure_ascii=rng.random() < 0.5)
    for token, raw in raws.items():
        text = text.replace(json.dumps(token), raw)
    return text.encode("utf-8", "surrogatepass")


def mutant(record: dict[str, Any], rng: random.Random) -> bytes:
    """One damaged copy of ``record`` as a JSON Lines line (no newline; never blank)."""
    record = json.loads(json.dumps(record))
    kind = rng.randrange(6)
    if kind <= 2:  # hostile values
        for _ in range(rng.randint(1, 2)):
            paths = list(_paths(record))[1:]
            record = _set(record, rng.choice(paths) if paths else (), rng.choice(HOSTILE)(rng))
        line = _dumps(record, rng)
    elif kind == 3:  # bytes flipped
        data = bytearray(_dumps(record, rng))
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        line = bytes(data)
    elif kind == 4:  # cut short
        data = _dumps(record, rng)
        line = data[: rng.randrange(1, len(data))]
    else:  # junk spliced into a text field
        texts = [p for p in _paths(record) if p and isinstance(_get(record, p), str)] or [("title",)]
        path = rng.choice(texts)
        old = _get(record, path) if isinstance(record.get(path[0]), (str, dict, list)) else ""
        old = old if isinstance(old, str) else ""
        at = rng.randint(0, len(old))
        record = _set(record, path, old[:at] + rng.choice(SPLICE) + old[at:])
        line = _dumps(record, rng)
    line = line.replace(b"\n", b" ").replace(b"\r", b" ")
    return line if line.strip() else b"{"


def mutants(records: list[dict[str, Any]], count: int, seed: int) -> list[bytes]:
    """``count`` mutants, each of a record given an id of its own (so that they do not clash)."""
    rng = random.Random(seed)
    return [mutant({**records[n % len(records)], "id": f"m{n}"}, rng) for n in range(count)]
