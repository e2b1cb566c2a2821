"""HTML -> text: the reader of ``.html`` pages, and the clean-up of HTML inside a record's description.

Takes markup (a saved job page, or a JSON-LD ``description`` that holds HTML, escaped or not);
gives the advert's text with its block structure kept as lines and the page's chrome (menus,
cookie banners, scripts) dropped, or refuses markup too deep or too large to parse in time
(:class:`MarkupTooLarge`). Separate because HTML is the one format with a parser whose cost
grows faster than the input, and because the JSON readers need its text clean-up too.
"""

from __future__ import annotations

import html
import re

from selectolax.lexbor import LexborHTMLParser

from ..errors import MarkupTooLarge

#: The HTML parser's time grows with the square of the nesting depth (10,000 levels: 0.7 s;
#: 20,000: 2.3 s), so a one-megabyte page nested 100,000 deep would stall a build for minutes.
#: Real pages nest a few dozen deep; markup deeper than this is refused before it is parsed.
_MAX_HTML_DEPTH = 5_000
#: And with the number of elements (a million flat paragraphs: 0.5 s). A job page has a few
#: thousand; markup with more than this is refused before it is parsed.
_MAX_HTML_ELEMENTS = 100_000
#: A tag as the parser sees one: "<" and a name, whatever follows (an attribute may hold "<" or
#: ">": <div a="<"> is still an element).
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)([^<>]*)")
_ELEMENT = re.compile(r"<[a-zA-Z]")
#: Elements that never hold others, or that the parser closes when a sibling opens.
_NOT_NESTING = frozenset(
    "area base br col embed hr img input link meta param source track wbr p li dt dd option tr td th".split()
)
#: Where "<x/>" closes itself. Elsewhere HTML ignores the slash: 100,000 "<div/>" nest 100,000 deep.
_FOREIGN = frozenset(("svg", "math"))
#: Elements whose content is never posting text: code, and page chrome around the advert.
_DROP_SELECTOR = ", ".join(
    (
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "iframe",
        "nav",
        "header",
        "footer",
        "button",
        "select",
        "[role=navigation]",
        "[role=banner]",
        "[role=contentinfo]",
        "[aria-hidden=true]",
        "[id*=cookie]",
        "[class*=cookie]",
    )
)
#: Elements that start and end a line of text. (``li`` starts a bullet; ``td``/``th`` are
#: cells of a line; ``tr`` ends one.)
_BLOCK_TAGS = (
    "p|div|br|hr|h[1-6]|ul|ol|dl|dt|dd|table|section|article|main|aside|blockquote|pre"
    "|address|figure|figcaption|caption|form|fieldset|details|summary|li|td|th|tr"
)
_MARKED_TAG = re.compile(r"(<(/?)(" + _BLOCK_TAGS + r")\b[^>]*>)", re.IGNORECASE)
#: Only these need a DOM pass in a description fragment; pages always get the full one.
_CODE_TAG = re.compile(r"<(?:script|style|noscript|template|svg|iframe)\b", re.IGNORECASE)
_CODE_SELECTOR = "script, style, noscript, template, svg, iframe"
# Private-use characters mark the line breaks that blocks make and the start and end of list
# items, so that the page's own newlines (mere whitespace in HTML) can be collapsed without
# losing them.
_BREAK = "\ue000"
_ITEM = "\ue001"
_ITEM_END = "\ue002"
_LOOKS_LIKE_HTML = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_ESCAPED_MARKUP = re.compile(r"&lt;/?[a-zA-Z]")


def _mark_blocks(markup: str) -> str:
    """Put break marks inside block elements' tags, before the markup is parsed.

    One C-level split over the markup and a loop over its block tags is several times
    cheaper than inserting text nodes into a parsed tree, which matters over 14,842 corpus
    descriptions. Marks go inside the element (after an opening tag, before a closing one)
    so that the parser keeps them in place; a row's break goes into its last cell, because
    text directly inside ``<tr>`` would be moved out of the table.
    """
    parts = _MARKED_TAG.split(markup)
    last_cell = -1
    for i in range(1, len(parts), 4):
        tag, closing, name = parts[i], parts[i + 1], parts[i + 2].lower()
        parts[i + 1] = parts[i + 2] = ""
        if name == "li":
            parts[i] = _ITEM_END + tag if closing else tag + _ITEM
        elif name in ("td", "th"):
            if closing:
                last_cell = i
            else:
                parts[i] = tag + " "
        elif name == "tr":
            if closing and last_cell > 0:
                parts[last_cell] = _BREAK + parts[last_cell]
            last_cell = -1
        else:
            parts[i] = _BREAK + tag if closing else tag + _BREAK
    return "".join(parts)


def _drop_chrome(tree: LexborHTMLParser) -> None:
    """Remove scripts, styles and the page chrome around the advert (nav, header, cookies)."""
    for node in tree.css(_DROP_SELECTOR):
        node.decompose()


def _marked_text(tree: LexborHTMLParser) -> str:
    """The text of a tree parsed from :func:`_mark_blocks` markup: one line per block.

    HTML source line breaks and indentation are mere whitespace, so each block's text is
    collapsed to single spaces; the marks alone make lines. An item mark starts a "- " line
    even when the item's text is inside a nested paragraph ("<li><p>Lead</p></li>"); an empty
    item leaves no bullet.
    """
    root = tree.body or tree.root
    if root is None:
        return ""
    text = root.text(deep=True, separator="")
    if _ITEM in text:
        text = text.replace(_ITEM, _BREAK + _ITEM).replace(_ITEM_END, _BREAK + _ITEM_END)
    lines: list[str] = []
    bullet = False  # an item has started and its first text is still to come
    for piece in text.split(_BREAK):
        if piece.startswith(_ITEM):
            bullet, piece = True, piece[1:]
        elif piece.startswith(_ITEM_END):
            bullet, piece = False, piece[1:]
        piece = piece.strip()
        if not piece:
            continue
        if "\n" in piece or "  " in piece or "\t" in piece or "\r" in piece:
            piece = " ".join(piece.split())
        lines.append("- " + piece if bullet else piece)
        bullet = False
    return "\n".join(lines)


def _page_text(markup: str) -> str:
    """The visible text of a whole page, without scripts and page chrome."""
    tree = LexborHTMLParser(_mark_blocks(markup))
    _drop_chrome(tree)
    return _marked_text(tree)


def html_to_text(markup: str) -> str:
    """The text of an HTML fragment (a description), block structure kept as line breaks.

    Markup too deep or too large to parse in reasonable time raises :class:`MarkupTooLarge`.

    >>> html_to_text("<p>Lead the <b>medical</b>\\n workforce</p><ul><li>GMC</li></ul>")
    'Lead the medical workforce\\n- GMC'
    """
    refused = _too_deep(markup)
    if refused is not None:
        raise MarkupTooLarge(refused)
    tree = LexborHTMLParser(_mark_blocks(markup))
    if _CODE_TAG.search(markup):
        for node in tree.css(_CODE_SELECTOR):
            node.decompose()
    return _marked_text(tree)


def _unescape_once(text: str) -> str:
    """Undo one level of HTML escaping, leaving the markup's own entities for the parser.

    Cheaper than :func:`html.unescape` over megabytes of corpus, and equivalent here: any
    entity left over ("&amp;pound;" -> "&pound;", "&#163;") is decoded by the HTML parser
    next. Only markup escaped as numeric references ("&#60;p&#62;") would stay text.
    """
    return (
        text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", '"')
        .replace("&#39;", "'")
        .replace("&amp;", "&")
    )


def description_text(description: str) -> str:
    """A JSON-LD description as text: escaped HTML, plain HTML or plain text alike.

    The NHS Jobs feed escapes its HTML ("&lt;p&gt;Band 7&lt;/p&gt;"), so it is unescaped once
    and then stripped of tags; plain HTML is stripped; plain text only has entities decoded.

    >>> description_text("&lt;p&gt;Tom &amp;amp; Jerry&lt;/p&gt;&lt;p&gt;Band 7&lt;/p&gt;")
    'Tom & Jerry\\nBand 7'
    >>> description_text("R&amp;D lead")
    'R&D lead'
    """
    if _ESCAPED_MARKUP.search(description):
        description = _unescape_once(description)
    if _LOOKS_LIKE_HTML.search(description):
        return html_to_text(description)
    return html.unescape(description) if "&" in description else description


def _too_deep(markup: str) -> str | None:
    """Why ``markup`` would take too long to parse (too many elements, or nested too deep), or
    ``None``: a count and a linear scan of its tags, never a parse."""
    if markup.count("<") <= _MAX_HTML_DEPTH:
        return None
    if markup.count("<") > _MAX_HTML_ELEMENTS:
        elements = _ELEMENT.subn("", markup)[1]
        if elements > _MAX_HTML_ELEMENTS:
            return (
                f"HTML of {elements:,} elements, over the {_MAX_HTML_ELEMENTS:,} a page needs; it is not"
                " parsed, as parsing time grows with the elements; is it the right file?"
            )
    depth = deepest = foreign = 0
    for match in _TAG.finditer(markup):
        closing, name, rest = match.groups()
        name = name.lower()
        if name in _NOT_NESTING:
            continue
        if closing:
            depth = max(depth - 1, 0)
            foreign -= name in _FOREIGN and foreign > 0
        elif not (foreign and rest.endswith("/")):
            depth += 1
            deepest = max(deepest, depth)
            foreign += name in _FOREIGN
    if deepest <= _MAX_HTML_DEPTH:
        return None
    return (
        f"HTML nested {deepest:,} elements deep, over the {_MAX_HTML_DEPTH:,} a page needs; it is not"
        " parsed, as parsing time grows with the square of the depth; is it the right file?"
    )


