"""Render a :class:`~nhskg.views.model.ViewModel` to one self-contained HTML file with pyvis.

pyvis 0.3.2 fills the node and edge lists and ships vis-network, but its templates still link
Bootstrap and tom-select from CDNs even with ``cdn_resources="in_line"``, and vis-network's own
code carries licence and namespace URLs. So the page is our own Jinja template
(``templates/view.html``) with pyvis's vendored vis-network inlined and every ``http(s)://`` in it
written as ``http:\\/\\/`` (the same string to JavaScript, but nothing a scanner or a browser could
fetch). Every text from a posting is HTML-escaped into the tooltip, and the JSON holding the graph
has ``<``, ``>`` and ``&`` escaped so that ``</script>`` in a posting cannot end the script block.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape
import pyvis
from pyvis.network import Network

from .model import PHYSICS_LIMIT, ViewEdge, ViewModel, ViewNode

__all__ = ["render_html", "write_html", "to_network", "tooltip", "script_json"]

TEMPLATES = Path(__file__).resolve().parent / "templates"
PYVIS_LIB = Path(pyvis.__file__).resolve().parent / "templates" / "lib"
VIS_VERSION = "vis-9.1.2"
#: Font size of node and edge labels in graph units; the least size on screen a label may have at
#: the starting zoom (the page starts at STARTING_PX); vis-network draws no label below READABLE_PX - 1
#: and fades those up to READABLE_PX, so a reader who zooms out sees no unreadable smudge.
FONT_SIZE = 14
READABLE_PX = 11
STARTING_PX = 12

SHAPE_SYMBOLS = {
    "dot": "\u25cf",
    "box": "\u25a0",
    "diamond": "\u25c6",
    "triangle": "\u25b2",
    "star": "\u2605",
    "square": "\u25a0",
    "ellipse": "\u2b2c",
    "hexagon": "\u2b22",
}


def _defang_urls(text: str) -> str:
    """Write ``http://`` as ``http:\\/\\/``: identical inside JS strings, comments and regexes."""
    return re.sub(r"(https?):(//)", r"\1:\\/\\/", text)


@lru_cache(maxsize=1)
def _vendored() -> tuple[str, str]:
    js = (PYVIS_LIB / VIS_VERSION / "vis-network.min.js").read_text(encoding="utf-8")
    css = (PYVIS_LIB / VIS_VERSION / "vis-network.css").read_text(encoding="utf-8")
    return _defang_urls(js), _defang_urls(css)


def script_json(value: Any) -> str:
    """JSON safe to put inside ``<script>``: sorted keys, and ``< > &`` and line separators escaped.

    >>> script_json({"t": "</script><b>"})
    '{"t":"\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("://", ":\\/\\/")  # a URL in posting text must not read as a link to anything
    for raw, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(raw, escaped)
    return text


def tooltip(label: str, kind: str, organisation: str, evidence: tuple[str, ...], details: tuple[tuple[str, str], ...]) -> str:
    """Tooltip HTML in which every value is escaped: what vis-network shows on hover.

    >>> tooltip("<b>x</b>", "post", "", ("a <script>",), ())
    '<div class="tip"><b>&lt;b&gt;x&lt;/b&gt;</b><br>kind: post<br><q>a &lt;script&gt;</q></div>'
    """
    esc = lambda s: html.escape(str(s), quote=True)  # noqa: E731
    parts = [f"<b>{esc(label)}</b>", f"kind: {esc(kind)}"]
    if organisation:
        parts.append(f"organisation: {esc(organisation)}")
    parts.extend(f"{esc(k)}: {esc(v)}" for k, v in details)
    shown = evidence[:8]
    parts.extend(f"<q>{esc(sentence)}</q>" for sentence in shown)
    if len(evidence) > len(shown):
        parts.append(f"... and {len(evidence) - len(shown)} more sentences")
    return '<div class="tip">' + "<br>".join(parts) + "</div>"


def _node_dict(model: ViewModel, node: ViewNode) -> dict[str, Any]:
    style = model.node_style(node.kind)
    color = node.color or style.color
    data: dict[str, Any] = {
        "id": node.id,
        "label": node.label if len(node.label) <= 40 else node.label[:38] + "\u2026",
        "title": tooltip(node.label, style.label, node.organisation, node.evidence, node.details),
        "shape": style.shape,
        "color": {"background": color, "border": "#333333"},
        "kind": node.kind,
        "search": f"{node.label} {node.organisation} {style.label}".lower(),
        "info": {"label": node.label, "kind": style.label, "organisation": node.organisation,
                 "details": [list(d) for d in node.details], "evidence": list(node.evidence)},
    }
    if node.size is not None:
        data["size"] = round(node.size, 1)
    if node.x is not None and node.y is not None:
        data["x"], data["y"] = node.x, node.y
    if node.level is not None:
        data["level"] = node.level
    return data


def _edge_dict(model: ViewModel, index: int, edge: ViewEdge) -> dict[str, Any]:
    style = model.edge_style(edge.kind)
    data: dict[str, Any] = {
        "id": f"e{index}",
        "from": edge.source,
        "to": edge.target,
        "title": tooltip(edge.label or style.label, style.label, "", edge.evidence, edge.details),
        "color": {"color": style.color},
        "dashes": list(style.dashes) if isinstance(style.dashes, tuple) else style.dashes,
        "arrows": style.arrows,
        "kind": edge.kind,
        "info": {"label": edge.label or style.label, "kind": style.label, "details": [list(d) for d in edge.details],
                 "evidence": list(edge.evidence)},
    }
    if edge.label:
        data["label"] = edge.label
    if edge.width is not None:
        data["width"] = round(edge.width, 1)
    if edge.curve is not None:
        data["smooth"] = {"enabled": True, "type": "curvedCW", "roundness": edge.curve}
    return data


def _options(model: ViewModel) -> dict[str, Any]:
    big = len(model.nodes) > PHYSICS_LIMIT
    options: dict[str, Any] = {
        "layout": {"randomSeed": 7, "improvedLayout": not big},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": big},
        # Labels are drawn at FONT_SIZE times the zoom; the page starts at a zoom where that is at least
        # READABLE_PX, and a label that zooming out would shrink below it is not drawn at all.
        "edges": {"smooth": False if big or model.layout == "positions" else {"type": "dynamic"},
                  "font": {"size": FONT_SIZE, "align": "middle"}, "scaling": {"label": {"drawThreshold": READABLE_PX}}},
        "nodes": {"font": {"size": FONT_SIZE}, "borderWidth": 1, "widthConstraint": {"maximum": 170},
                  "scaling": {"label": {"drawThreshold": READABLE_PX}}},
    }
    if model.layout == "positions":
        options["physics"] = {"enabled": False}
    else:
        options["physics"] = {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -6000, "springLength": 160, "avoidOverlap": 0.3},
            "stabilization": {"enabled": True, "iterations": 300, "fit": True},
        }
    return options


def to_network(model: ViewModel) -> Network:
    """A pyvis Network whose node and edge lists are filled directly (``from_nx`` is quadratic)."""
    net = Network(directed=True, cdn_resources="in_line", height="100%", width="100%")
    net.nodes = [_node_dict(model, n) for n in model.nodes]
    net.node_ids = [n.id for n in model.nodes]
    net.node_map = {d["id"]: d for d in net.nodes}
    net.edges = [_edge_dict(model, i, e) for i, e in enumerate(model.edges)]
    net.options = _options(model)
    return net


def _text_without_urls(value: Any) -> Any:
    """Escape a template value and write ``scheme://`` as ``scheme:&#47;/``: the same text on
    screen, but no URL in the file (names and sentences from postings may carry web addresses)."""
    if isinstance(value, Markup):
        return value
    return Markup(re.sub(r"(?i)\b([a-z][a-z0-9+.-]*):/", r"\1:&#47;", str(escape(value))))


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        finalize=_text_without_urls,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def render_html(model: ViewModel) -> str:
    """The whole page as a string: same model, same bytes."""
    net = to_network(model)
    nodes, edges, _heading, _height, _width, _options_json = net.get_network_data()
    js, css = _vendored()
    legend_nodes = [
        {"kind": s.kind, "label": s.label, "color": s.color, "symbol": SHAPE_SYMBOLS.get(s.shape, "\u25cf"), "shape": s.shape}
        for s in model.node_styles
        if any(n.kind == s.kind for n in model.nodes)
    ]
    legend_edges = [
        {"kind": s.kind, "label": s.label, "color": s.color, "dashes": bool(s.dashes)}
        for s in model.edge_styles
        if any(e.kind == s.kind for e in model.edges)
    ]
    from .page import FILTER_LABELS

    page = _environment().get_template("view.html").render(
        title=model.title,
        description=model.description,
        note=model.note,
        based_on=model.based_on,
        filters=[(FILTER_LABELS.get(k, k.replace("_", " ")), v) for k, v in model.filters],
        starting_px=STARTING_PX,
        node_count=len(nodes),
        edge_count=len(edges),
        legend_nodes=legend_nodes,
        legend_edges=legend_edges,
        layout=model.layout,
        nodes_json=Markup(script_json(nodes)),
        edges_json=Markup(script_json(edges)),
        options_json=Markup(script_json(net.options)),
        vis_js=Markup(js),
        vis_css=Markup(css),
    )
    return page


def write_html(model: ViewModel, path: Path) -> Path:
    """Write the page (UTF-8, ``\\n`` line ends) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(model), encoding="utf-8", newline="\n")
    return path
