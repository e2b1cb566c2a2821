"""Stage 1 text clean-up: every reader passes a posting's raw text through :func:`clean_text`.

Job-board text arrives with Windows line endings, non-breaking spaces, "Enable job alerts"
banners, page numbers from PDF job descriptions, hard-wrapped bullets and whole sections
pasted twice. The extractor counts facts and quotes evidence sentences, so a duty pasted twice
would be a duty counted twice, and a banner would be a "sentence" it tries to read.

The rules are tables of pattern -> replacement, each with a real example of the mess it fixes
(from ``shared/seeds`` or the 2020 NHS Jobs corpus), applied by small pure functions in a fixed
order. Adding a rule is adding a row. Cleaning must be fast: the 2020 corpus has 14,842
postings, so each step is one regex pass over the whole text or one pass over its lines.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

__all__ = [
    "clean_text",
    "clean_line",
    "CHARACTER_RULES",
    "BOILERPLATE_LINES",
    "FRAGMENT_RULES",
    "MIN_REPEATED_LINES",
    "MIN_REPEATED_LINE_CHARS",
]

# --------------------------------------------------------------------------------------------
# Characters. One str.translate: much faster than a regex per character class.
# --------------------------------------------------------------------------------------------

#: character -> replacement, with the mess each fixes.
CHARACTER_RULES: dict[str, str] = {
    # Windows and old-Mac line endings ("Job summary\r\nProfessionally, ...") - handled before
    # this table by _normalise_line_endings, listed here for completeness of the record.
    "\u00a0": " ",  # NBSP: corpus 915390428 "Salaried GP\u00a0flexible on days"
    "\u2007": " ",  # figure space, pasted from Word tables of pay points
    "\u202f": " ",  # narrow NBSP before "%" in French-keyboard documents
    "\u2009": " ",  # thin space: "£40 000"
    "\u3000": " ",  # ideographic space
    "\t": " ",  # tabs between "Essential\tDesirable" columns
    "\f": "\n",  # form feed: page breaks in text copied from PDF job descriptions
    "\v": "\n",
    "\u2028": "\n",  # Unicode line separator, from JavaScript-built pages
    "\u2029": "\n",
    "\u0085": "\n",  # NEL, a cp1252 mis-decode of "..." in some feeds
    "\u200b": "",  # zero-width space: "Chief\u200bNurse" in board-scraped titles
    "\u200c": "",
    "\u200d": "",
    "\u2060": "",  # word joiner
    "\ufeff": "",  # BOM left inside a text copied from a UTF-8-with-BOM file
    "\u00ad": "",  # soft hyphen: "multi\u00addisciplinary"
    "\ufffe": "",
}
_CHARACTER_ITEMS = tuple(CHARACTER_RULES.items())

# --------------------------------------------------------------------------------------------
# Boilerplate. A line matching one of these (whole line, case-insensitive) is job-board
# chrome, never content about the role, and is dropped.
# --------------------------------------------------------------------------------------------

#: (regex matching a whole line, a real example of it).
BOILERPLATE_LINES: tuple[tuple[str, str], ...] = (
    (r"enable job alerts via email!?", "seed 002: 'Enable job alerts via email!'"),
    (r"boost your interview chances\.?", "seed 002: 'Boost your interview chances'"),
    (
        r"create a job specific,? tailored (?:resume|cv) for (?:a )?higher success rate\.?",
        "seed 002: 'Create a job specific, tailored resume for higher success rate.'",
    ),
    (r"go back", "seed 002: 'Go back' (a link label)"),
    (
        r"#[a-z]-\d{3,}-[a-z0-9]{4,}",
        "seed 004: '#J-18808-Ljbffr' (an aggregator's tracking code)",
    ),
    (
        r"this list contains only the countries for which job offers have been published.*",
        "seed 000: 'This list contains only the countries for which job offers have been "
        "published in the selected language (e.g., in the French version, ...)'",
    ),
    (
        r"(?:to apply,? )?please (?:visit|go to|click)\b[^.]{0,40}:? ?https?://\S+",
        "seed 003: 'To apply, please visit: https://alumniglobal.com/job/nwuhg-cmo' (x3)",
    ),
    (
        r"(?:we use|this (?:site|website) uses) cookies\b.*",
        "job-board cookie banner: 'We use cookies to give you the best experience ...'",
    ),
    (
        r"(?:accept|reject|manage) (?:all )?cookies|cookie (?:settings|preferences|policy)",
        "cookie banner buttons: 'Accept all cookies', 'Cookie settings'",
    ),
    (r"(?:create|set up|get) (?:a )?job alerts?\.?", "alert banner: 'Create job alert'"),
    (r"(?:share|save) (?:this )?job", "aggregator buttons: 'Save job', 'Share this job'"),
    (
        r"(?:skip to (?:main )?content|back to (?:search )?results|apply now|print this page)",
        "page chrome: 'Skip to main content', 'Back to search results', 'Apply now'",
    ),
)
_BOILERPLATE = re.compile(
    "|".join(pattern for pattern, _ in BOILERPLATE_LINES), re.IGNORECASE
)

#: (regex, replacement, triggers, a real example): fragments removed from inside a line. The
#: regex only runs when one of its trigger strings occurs in the text, which keeps clean-up fast.
FRAGMENT_RULES: tuple[tuple[str, str, tuple[str, ...], str], ...] = (
    (
        r"(?i)[ \t]*\((?:opens|open|opening) in (?:a )?new (?:tab|window)\)",
        "",
        ("new tab", "new window", "New tab", "New window", "New Tab", "New Window", "NEW "),
        "seed 003: 'visit the UK Visas and Immigration website (Opens in a new tab).' and "
        "'NHS Careers website (opens in a new window).'",
    ),
    (
        # "Go back Lancashire Teaching Hospitals NHS Foundation Trust": a link label glued to
        # the employer's name on the aggregator page (seed 002).
        r"^Go back[ \t]+(?=[A-Z])",
        "",
        ("Go back",),
        "seed 002: 'Go back Lancashire Teaching Hospitals NHS Foundation Trust'",
    ),
)
_FRAGMENTS = tuple(
    (re.compile(pattern, re.MULTILINE), replacement, trigger)
    for pattern, replacement, trigger, _ in FRAGMENT_RULES
)

# Spaces: runs of spaces inside a line are one space (a copy of a table: "Band 8a    Band 9");
# spaces at either end of a line ("Band 8a   " or an indented "   - Lead the team") go when
# the text is split into lines (_strip_lines).
_INNER_SPACES = re.compile(r" {2,}")

# Page-number debris: a line that is only a number of one to three digits.
# Example, seed 003 (a PDF job description pasted into the advert):
#   "- To harness best practice ... learning from others and\n3\nincorporating the best ..."
_PAGE_NUMBER = re.compile(r"^\d{1,3}$")


# Hard-wrapped bullets. Seed 003 wraps its bullets at ~80 columns:
#   "- To lead and support the Hospital Medical Directors to provide local medical"
#   "leadership to each of our sites"
# A line that starts lower-case and follows a bullet line that does not end a sentence is the
# rest of that bullet, so the two are joined with a space (and again for a third line).
_BULLET = re.compile(r"^(?:[-*\u2022\u00b7\u25aa\u25cf\u2013\u2014>o]|\d{1,2}[.)])\s")
_SENTENCE_END = (".", "!", "?", ":", ";")

#: A repeated block is this many consecutive non-blank lines seen before, verbatim.
MIN_REPEATED_LINES = 4
#: A single line this long, repeated verbatim, is a repeat on its own.
MIN_REPEATED_LINE_CHARS = 120
# A window of short lines ("Yes / No / Yes / No" in a table) is not a pasted block.
_MIN_WINDOW_CHARS = 40


def _normalise_line_endings(text: str) -> str:
    """'\\r\\n' and lone '\\r' become '\\n' (seed files saved on Windows, old Mac exports)."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _normalise_characters(text: str) -> str:
    """NFC-compose accents and apply :data:`CHARACTER_RULES`; smart quotes stay as written."""
    # One membership test per rule is far cheaper than str.translate with a dict.
    for character, replacement in _CHARACTER_ITEMS:
        if character in text:
            text = text.replace(character, replacement)
    # Compose after removing zero-width characters, which can sit between a letter and its
    # accent ("e\u200b\u0301"), so that a second clean-up finds nothing left to do.
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def _collapse_spaces(text: str) -> str:
    """One space between words."""
    if "  " in text:
        text = _INNER_SPACES.sub(" ", text)
    return text


def _drop_fragments(text: str) -> str:
    """Remove job-board fragments from inside lines (:data:`FRAGMENT_RULES`)."""
    for pattern, replacement, triggers in _FRAGMENTS:
        if any(trigger in text for trigger in triggers):
            text = pattern.sub(replacement, text)
    return text


def _strip_lines(lines: list[str]) -> list[str]:
    """No spaces at either end of a line."""
    return [line.strip() for line in lines]


def _drop_boilerplate_lines(lines: list[str]) -> list[str]:
    """Remove job-board chrome lines (:data:`BOILERPLATE_LINES`)."""
    match = _BOILERPLATE.fullmatch
    return [line for line in lines if not line or match(line) is None]


def _drop_page_numbers(lines: list[str]) -> list[str]:
    """Drop lines that are only a page number, unless the line before asks for a value.

    "Band:" followed by "7" is a value, not a page number, so it stays.
    """
    kept: list[str] = []
    for line in lines:
        if len(line) <= 3 and _PAGE_NUMBER.match(line):
            previous = next((k for k in reversed(kept) if k), "")
            if not previous.endswith(":"):
                continue
        kept.append(line)
    return kept


def _join_wrapped_bullets(lines: list[str]) -> list[str]:
    """Join a lower-case continuation line onto the unfinished bullet line before it."""
    joined: list[str] = []
    in_bullet = False
    for line in lines:
        if (
            in_bullet
            and line
            and line[0].islower()
            and not _BULLET.match(line)
            and not joined[-1].endswith(_SENTENCE_END)
        ):
            joined[-1] = f"{joined[-1]} {line}"
            continue
        joined.append(line)
        in_bullet = bool(line) and _BULLET.match(line) is not None
    return joined


def _key(line: str) -> str:
    """How lines are compared for repeats: case and spacing do not matter."""
    return line.casefold()


def _drop_repeated_blocks(lines: list[str]) -> list[str]:
    """Keep the first copy of any block of lines pasted again later in the same posting.

    Seed 003 repeats its whole job description (from the second "Job description" heading to
    "...person specification for full details.") and its person specification, so without
    this "Accountable to: Group Chief Executive" would be read twice. A later run of at least
    :data:`MIN_REPEATED_LINES` consecutive non-blank lines that appeared earlier verbatim is
    removed, as is a later copy of any single line of :data:`MIN_REPEATED_LINE_CHARS` or more.

    Each window of consecutive non-blank lines is hashed once, so this is linear in the
    number of lines.
    """
    content = [i for i, line in enumerate(lines) if line]
    if len(content) < 2:
        return lines
    keys = [_key(lines[i]) for i in content]
    if len(set(keys)) == len(keys):
        return lines  # no line occurs twice, so nothing is repeated: the usual case
    drop: set[int] = set()

    long_seen: set[str] = set()
    for position, key in enumerate(keys):
        if len(key) >= MIN_REPEATED_LINE_CHARS:
            if key in long_seen:
                drop.add(content[position])
            else:
                long_seen.add(key)

    size = MIN_REPEATED_LINES
    if len(keys) >= 2 * size:
        windows_seen: set[tuple[str, ...]] = set()
        for start in range(len(keys) - size + 1):
            window = tuple(keys[start : start + size])
            if window in windows_seen:
                if sum(map(len, window)) >= _MIN_WINDOW_CHARS:
                    drop.update(content[start : start + size])
            else:
                windows_seen.add(window)

    if not drop:
        return lines
    return [line for i, line in enumerate(lines) if i not in drop]


def _collapse_blank_lines(lines: list[str]) -> list[str]:
    """At most one blank line in a row, none at the start or end."""
    kept: list[str] = []
    for line in lines:
        if line or (kept and kept[-1]):
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return kept


#: The clean-up steps on the whole text, in order. Character fixes come first so that every
#: later rule sees plain spaces and "\n".
TEXT_STEPS: tuple[Callable[[str], str], ...] = (
    _normalise_line_endings,
    _normalise_characters,
    _collapse_spaces,
    _drop_fragments,
)
#: Then the steps on its lines. Boilerplate and page numbers go before joining and repeats,
#: so that a banner or a page number between two copies of a block does not hide the repeat.
LINE_STEPS: tuple[Callable[[list[str]], list[str]], ...] = (
    _strip_lines,
    _drop_boilerplate_lines,
    _drop_page_numbers,
    _join_wrapped_bullets,
    _drop_repeated_blocks,
    _collapse_blank_lines,
)


def clean_text(raw: str) -> str:
    """Clean one posting's raw text; the one entry point every reader uses.

    >>> clean_text("Enable job alerts via email!\\r\\nChief\\u00a0Nurse \\r\\n\\r\\n\\r\\nBand 9")
    'Chief Nurse\\n\\nBand 9'
    >>> clean_text("- To lead the medical\\nleadership of our sites\\n3\\n")
    '- To lead the medical leadership of our sites'
    """
    text = raw
    for step in TEXT_STEPS:
        text = step(text)
    lines = text.split("\n")
    for line_step in LINE_STEPS:
        lines = line_step(lines)
    return "\n".join(lines)


def clean_line(raw: str) -> str:
    """Clean a one-line field (a title, an organisation name): one line, single spaces.

    >>> clean_line("  Chief\\u200b Medical\\n Officer ")
    'Chief Medical Officer'
    """
    if raw.isascii():
        return " ".join(raw.split())  # the usual case: nothing to normalise
    return " ".join(_normalise_characters(raw).split())
