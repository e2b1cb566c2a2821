"""A schema.org JobPosting record (JSON-LD, or a line of a corpus feed) -> a document.

Takes the parsed JSON of one record; gives a :class:`~nhskg.read.documents.Document` with the
record's description as text and its structured fields (title, employer, location, salary,
dates) as :class:`~nhskg.read.documents.Structured`, or a Problem saying which field is wrong.
Also the JSON loading every record goes through (:func:`_load_json`), which turns the failures
``json`` leaves unexplained into one line each. Separate from the file formats because the same
record comes in a page's ``<script>``, a ``.json`` file and a ``.jsonl`` feed.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from typing import Any

from ..errors import MarkupTooLarge
from .cleaning import clean_line, clean_text
from .documents import Document, Problem, Result, Structured, TextFilter
from .markup import description_text


#: How deep the fields of a record are searched for a value ("name" inside "hiringOrganization"
#: inside a list...). Real records nest three or four deep; JSON nested about 1,000 deep loads
#: but would exhaust the stack of every recursive reader after it.
_MAX_FIELD_DEPTH = 12
#: Deeper JSON is refused whatever the interpreter's recursion limit (which other libraries
#: raise: the same file must get the same verdict in every environment).
_MAX_JSON_DEPTH = 500
_TOO_DEEP = f"JSON nested too deep to read (over {_MAX_JSON_DEPTH} levels; a posting needs a handful)"
_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


class _BadJson(ValueError):
    """The text is not JSON nhskg can read; the message says why, for one line of the report."""


def _load_json(text: str | bytes) -> Any:
    """``json.loads`` with its other failures said plainly: nesting that exhausts the stack
    (past 500 levels, or a RecursionError before that), an integer past Python's 4,300 digits (ValueError).

    A lone surrogate escaped in the text ("\\ud800", which no encoder can write out again) is
    replaced by U+FFFD, so that one stray escape does not cost the record.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        raise
    except RecursionError:
        raise _BadJson(_TOO_DEEP) from None
    except ValueError as error:  # "Exceeds the limit (4300 digits) for integer string conversion"
        digits = re.search(r"value has (\d+) digits", str(error))
        what = f"a number of {int(digits.group(1)):,} digits" if digits else f"a value Python cannot read ({error})"
        raise _BadJson(f"{what}, which no posting has") from None
    if _deeper_than(data, _MAX_JSON_DEPTH):
        raise _BadJson(_TOO_DEEP)
    escaped = _SURROGATE_ESCAPE.search(text if isinstance(text, str) else text.decode("latin-1"))
    return _repair_surrogates(data) if escaped else data


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether lists and objects nest more than ``limit`` deep, walked without recursion."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (list, dict)):
            if depth > limit:
                return True
            stack.extend((child, depth + 1) for child in (value.values() if isinstance(value, dict) else value))
    return False


def _repair_surrogates(data: Any, depth: int = 0) -> Any:
    if isinstance(data, str):
        return _LONE_SURROGATE.sub("\ufffd", data)
    if depth > _MAX_FIELD_DEPTH:
        return data
    if isinstance(data, list):
        return [_repair_surrogates(item, depth + 1) for item in data]
    if isinstance(data, dict):
        return {_repair_surrogates(k, depth + 1): _repair_surrogates(v, depth + 1) for k, v in data.items()}
    return data


def _excerpt(text: str, limit: int = 60) -> str:
    """A value quoted in a message, cut short: a 200,000-character "@type" is one line, not a page."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def _types(record: dict[str, Any]) -> list[str]:
    value = record.get("@type", record.get("type"))
    values = value if isinstance(value, list) else [value]
    # str() of anything but a scalar could recurse through a deeply nested value
    return [str(v) if isinstance(v, (str, int, float)) else type(v).__name__ for v in values if v is not None]


def _is_job_posting(record: dict[str, Any]) -> bool:
    return any(t.rsplit("/", 1)[-1].rsplit(":", 1)[-1] == "JobPosting" for t in _types(record))


def _text(value: Any, depth: int = 0) -> str | None:
    """A field as one clean line, whatever JSON type it came as; ``None`` when there is none."""
    if depth > _MAX_FIELD_DEPTH:
        return None
    if isinstance(value, str):
        text = clean_line(html.unescape(value) if "&" in value else value)
        return text or None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and not math.isfinite(value) else str(value)
    if isinstance(value, dict):
        for key in ("name", "@value", "value"):
            found = _text(value.get(key), depth + 1)
            if found:
                return found
        return None
    if isinstance(value, list):
        for item in value:
            found = _text(item, depth + 1)
            if found:
                return found
    return None


def _number(value: Any, field: str = "", notes: list[str] | None = None) -> float | None:
    """A salary figure as a float: 52000, "52000", "£52,000.50"; anything else is ``None``.

    A figure too large for a float (a 400-digit integer, "1e999") is left out, with a note in
    ``notes`` naming ``field``.
    """
    if isinstance(value, bool):
        return None
    try:
        if isinstance(value, (int, float)):
            number = float(value)
        elif isinstance(value, str):
            try:
                number = float(value.replace(",", "").replace("£", "").strip())
            except ValueError:
                return None
        else:
            return None
    except OverflowError:  # float() of an int past 1.8e308
        number = math.inf
    if math.isfinite(number):
        return number
    if notes is not None and not math.isnan(number):
        notes.append(f"{field} is not a usable amount (out of range)")
    return None


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(value: Any, field: str = "", notes: list[str] | None = None) -> str | None:
    """The YYYY-MM-DD part of an ISO date or date-time ("2020-12-31T23:59:59+0000").

    A date that is not on the calendar ("2025-02-31") is ``None``, with a note in ``notes``:
    it must not reach the record, where it would pass for a date.
    """
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, str):
        match = _ISO_DATE.match(value.strip())
        if match:
            try:
                date.fromisoformat(match.group(0))
            except ValueError:
                if notes is not None:
                    notes.append(f"{field} {match.group(0)!r} is not a calendar date")
                return None
            return match.group(0)
    return None


def _first_dict(value: Any) -> dict[str, Any] | None:
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, dict)), None)
    return value if isinstance(value, dict) else None


def _location(value: Any) -> str | None:
    """jobLocation's locality and region ("Leeds, West Yorkshire"), else its name."""
    if isinstance(value, str):
        return _text(value)
    place = _first_dict(value)
    if place is None:
        return None
    address = place.get("address")
    if isinstance(address, str):
        return _text(address)
    address = _first_dict(address)
    if address is not None:
        parts: list[str] = []
        for key in ("addressLocality", "addressRegion"):
            part = _text(address.get(key))
            if part and part not in parts:
                parts.append(part)
        if parts:
            return ", ".join(parts)
    return _text(place.get("name"))


def _salary(record: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    """Structured salary fields from baseSalary (MonetaryAmount or a bare number)."""
    fields: dict[str, Any] = {}
    base = record.get("baseSalary")
    if isinstance(base, list):
        base = next((b for b in base if b is not None), None)
    currency = record.get("salaryCurrency")
    if isinstance(base, (int, float, str)) and not isinstance(base, bool):
        amount = _number(base, "baseSalary", notes)
        if amount is not None:
            fields["salary_min"] = fields["salary_max"] = amount
        elif isinstance(base, str):
            fields["salary_text"] = _text(base)
    elif isinstance(base, dict):
        currency = base.get("currency", currency)
        value = base.get("value")
        # schema.org nests a QuantitativeValue in "value"; some boards put the figures on
        # the MonetaryAmount itself, or a bare number or a text such as "VSM" in "value".
        holder, inner = (value, value.get("value")) if isinstance(value, dict) else (base, value)
        low = _number(holder.get("minValue", base.get("minValue")), "baseSalary minValue", notes)
        high = _number(holder.get("maxValue", base.get("maxValue")), "baseSalary maxValue", notes)
        amount = _number(inner, "baseSalary value", notes)
        if amount is not None and low is None and high is None:
            low = high = amount
        if isinstance(inner, str):
            # kept even when it reads as one number: "£17.09" beside yearly figures is the hourly
            # rate they were converted from
            fields["salary_text"] = _text(inner)
        fields["salary_min"], fields["salary_max"] = low, high
        unit = _text(holder.get("unitText", base.get("unitText")))
        if unit:
            fields["salary_period"] = unit.lower()
    if currency is not None:
        fields["currency"] = _text(currency)
    return fields


def _structured(record: dict[str, Any], notes: list[str]) -> Structured:
    """The record's fields; a value left out because it is unusable adds a note to ``notes``."""
    return Structured(
        title=_text(record.get("title", record.get("name"))),
        organisation=_text(record.get("hiringOrganization")),
        location=_location(record.get("jobLocation")),
        date_posted=_date(record.get("datePosted"), "datePosted", notes),
        closing_date=_date(record.get("validThrough"), "validThrough", notes),
        url=_text(record.get("url")),
        **_salary(record, notes),
    )


def _record_id(record: dict[str, Any]) -> str | None:
    """The record's own id: ``id``, else ``identifier`` (a string or a PropertyValue)."""
    for value in (record.get("id"), record.get("identifier")):
        if isinstance(value, list):
            value = value[0] if value else None
        if isinstance(value, dict):
            value = value.get("value", value.get("@value"))
        if isinstance(value, bool) or value is None:
            continue
        if isinstance(value, (str, int, float)):
            text = str(value).strip()
            if text:
                return text
    return None


def _record_document(
    record: Any,
    source: str,
    fallback_id: str,
    where: str,
    page_text: str | None = None,
    page_title: str | None = None,
    needs_text: TextFilter | None = None,
) -> Result:
    """One JSON-LD record as a Document (title line, then description), or a Problem.

    ``page_text`` and ``page_title`` stand in for a missing description and title when the
    record was embedded in an HTML page. Whatever the record holds, the answer is a Document or
    one Problem naming the record: a reader bug on one odd record must not cost the others.
    """
    try:
        return _read_record(record, source, fallback_id, where, page_text, page_title, needs_text)
    except Exception as error:
        return Problem(source, f"could not be read ({type(error).__name__}: {error}); the other records are still"
                               " read; please report it", where)


def _read_record(
    record: Any,
    source: str,
    fallback_id: str,
    where: str,
    page_text: str | None,
    page_title: str | None,
    needs_text: TextFilter | None,
) -> Result:
    if not isinstance(record, dict):
        return Problem(
            source, f"not a JSON object but a {type(record).__name__}; expected a JobPosting", where
        )
    record_id = _record_id(record)
    if not _is_job_posting(record):
        kinds = ", ".join(_excerpt(t) for t in _types(record)) or "none"
        return Problem(
            source,
            f"not a schema.org JobPosting (type '{kinds}'); only JobPosting records are read",
            record_id or where,
        )
    notes: list[str] = []
    structured = _structured(record, notes)
    if structured.title is None and page_title:
        structured = replace(structured, title=page_title)
    if needs_text is not None and structured.title and not needs_text(structured):
        # The caller will read this posting from its title and fields alone (a job board's
        # nurses and porters): cleaning its description would be most of a corpus build's time.
        return Document(record_id or fallback_id, source, structured.title, structured, notes=tuple(notes))
    raw = record.get("description")
    if isinstance(raw, list):
        raw = "\n".join(item for item in raw if isinstance(item, str))
    try:  # checked after unescaping: "&lt;div&gt;" 100,000 times is 100,000 nested divs
        body = clean_text(description_text(raw)) if isinstance(raw, str) else ""
    except MarkupTooLarge as error:
        return Problem(source, f"the description is {error}", record_id or where)
    if not body and page_text:
        body = page_text
    title = structured.title
    text = f"{title}\n{body}" if title and body else (title or body)
    if not text:
        return Problem(
            source, "the JobPosting has neither a title nor a description", record_id or where
        )
    return Document(record_id or fallback_id, source, text, structured, notes=tuple(notes))


def _graph_records(data: Any) -> list[Any]:
    """The records of a JSON-LD document: one object, a list, or an ``@graph`` (also a graph
    nested in a graph, or an ``@graph`` that is one object rather than a list).

    In a graph, nodes other than postings (the WebPage, the Organization) are context, not
    errors; a graph with no posting at all is reported through its first typed node.

    >>> [r["@type"] for r in _graph_records({"@graph": [{"@type": "WebPage"}, {"@graph": {"@type": "JobPosting"}}]})]
    ['JobPosting']
    """
    if isinstance(data, list):
        return data
    if not (isinstance(data, dict) and "@graph" in data):
        return [data]
    nodes = list(_graph_nodes(data["@graph"], 0))
    postings = [n for n in nodes if isinstance(n, dict) and _is_job_posting(n)]
    typed = [n for n in nodes if isinstance(n, dict) and _types(n)]
    return postings or (typed or nodes)[:1]


def _graph_nodes(value: Any, depth: int) -> Iterator[Any]:
    if depth > _MAX_FIELD_DEPTH:
        yield value  # reported as what it is
    elif isinstance(value, list):
        for item in value:
            yield from _graph_nodes(item, depth + 1)
    elif isinstance(value, dict) and "@graph" in value and not _is_job_posting(value):
        yield from _graph_nodes(value["@graph"], depth + 1)
    else:
        yield value


def _json_error(error: json.JSONDecodeError) -> str:
    return (
        f"invalid or truncated JSON at line {error.lineno}, column {error.colno}: {error.msg};"
        " fix or re-export the file"
    )
