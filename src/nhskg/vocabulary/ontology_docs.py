"""HTML documentation of the ontology (``ontology/nhskg.ttl``) and every SKOS scheme in ``ontology/vocab``.

Why not pyLODE: pyLODE 3.4.1, the current release, fails on import when installed from its
wheel (``pylode/version.py`` reads a ``pyproject.toml`` the wheel does not ship), so the page
is generated here from rdflib. It is one self-contained, deterministic HTML file: every class,
property and concept scheme with its label and definition, concepts with their codes and
alternative labels, and anchors so other pages can link to a term.
"""

from __future__ import annotations

import html
from pathlib import Path

import rdflib
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from ..errors import VocabularyError
from ..paths import ontology_dir, vocabulary_dir

__all__ = ["ontology_html", "write_docs"]

_CSS = """
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
h2{border-bottom:1px solid #ccc;margin-top:2.5rem}h3{margin-bottom:.2rem}
code{background:#f4f4f4;padding:0 .2rem}table{border-collapse:collapse;width:100%}
td,th{border:1px solid #ddd;padding:.3rem;text-align:left;vertical-align:top}
.meta{color:#555;font-size:.9rem}
"""


def _text(graph: rdflib.Graph, node: rdflib.term.Node, *predicates: rdflib.URIRef) -> str:
    for predicate in predicates:
        values = sorted((str(v) for v in graph.objects(node, predicate)), key=len, reverse=True)
        if values:
            return values[0]
    return ""


def _curie(graph: rdflib.Graph, node: rdflib.term.Node) -> str:
    try:
        return graph.namespace_manager.normalizeUri(node)  # type: ignore[arg-type]
    except Exception:  # rdflib raises on IRIs it cannot split; the full IRI is a fine fallback
        return str(node)


def _anchor(node: rdflib.term.Node) -> str:
    return "".join(c if c.isalnum() else "-" for c in str(node).rsplit("/", 1)[-1].rsplit("#", 1)[-1])


def _term_section(graph: rdflib.Graph, kinds: dict[rdflib.URIRef, str], e=html.escape) -> list[str]:
    parts: list[str] = []
    for kind, title in kinds.items():
        terms = sorted({s for s in graph.subjects(RDF.type, kind) if isinstance(s, rdflib.URIRef)}, key=str)
        parts.append(f"<h2 id='{_anchor(kind)}'>{e(title)} ({len(terms)})</h2>")
        for term in terms:
            label = _text(graph, term, RDFS.label, SKOS.prefLabel) or _curie(graph, term)
            definition = _text(graph, term, SKOS.definition, RDFS.comment)
            rows = [f"<tr><th>IRI</th><td><code>{e(str(term))}</code></td></tr>"]
            for name, predicate in (("Sub-class of", RDFS.subClassOf), ("Domain", RDFS.domain), ("Range", RDFS.range)):
                values = sorted(_curie(graph, v) for v in graph.objects(term, predicate))
                if values:
                    rows.append(f"<tr><th>{name}</th><td>{e(', '.join(values))}</td></tr>")
            parts.append(
                f"<section id='{_anchor(term)}'><h3>{e(label)} <span class='meta'>{e(_curie(graph, term))}</span></h3>"
                f"<p>{e(definition)}</p><table>{''.join(rows)}</table></section>"
            )
    return parts


def ontology_html(ontology: Path | None = None, vocab_dir: Path | None = None) -> str:
    """The documentation page as a string (same input, same bytes)."""
    e = html.escape
    ontology = ontology or ontology_dir() / "nhskg.ttl"
    vocab_dir = vocab_dir or vocabulary_dir()
    graph = rdflib.Graph()
    try:
        graph.parse(ontology, format="turtle")
    except Exception as error:  # rdflib raises many parser types; name the file either way
        raise VocabularyError(f"{ontology}: not valid Turtle ({error})") from error
    onto = next(iter(sorted(graph.subjects(RDF.type, OWL.Ontology), key=str)), None)
    title = _text(graph, onto, DCTERMS.title) if onto is not None else "Ontology"
    parts = [
        "<!DOCTYPE html>",
        "<html lang='en'><head><meta charset='utf-8'>",
        f"<title>{e(title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{e(title)}</h1>",
    ]
    if onto is not None:
        parts.append(f"<p class='meta'><code>{e(str(onto))}</code> version {e(_text(graph, onto, OWL.versionInfo))}</p>")
        parts.append(f"<p>{e(_text(graph, onto, DCTERMS.description))}</p>")
    parts += _term_section(
        graph,
        {
            OWL.Class: "Classes",
            OWL.ObjectProperty: "Object properties",
            OWL.DatatypeProperty: "Datatype properties",
            OWL.AnnotationProperty: "Annotation properties",
        },
    )
    files = sorted(vocab_dir.glob("*.ttl"))
    parts.append(f"<h2 id='schemes'>Concept schemes ({len(files)})</h2>")
    for file in files:
        scheme_graph = rdflib.Graph()
        try:
            scheme_graph.parse(file, format="turtle")
        except Exception as error:  # as above
            raise VocabularyError(f"{file}: not valid Turtle ({error})") from error
        for scheme in sorted(scheme_graph.subjects(RDF.type, SKOS.ConceptScheme), key=str):
            label = _text(scheme_graph, scheme, SKOS.prefLabel, RDFS.label) or file.stem
            definition = _text(scheme_graph, scheme, SKOS.definition, DCTERMS.description, RDFS.comment)
            concepts = sorted(scheme_graph.subjects(SKOS.inScheme, scheme), key=str)
            rows = []
            for concept in concepts:
                alt = sorted(str(a) for a in scheme_graph.objects(concept, SKOS.altLabel))
                rows.append(
                    f"<tr id='{e(file.stem)}-{_anchor(concept)}'><td><code>{e(_text(scheme_graph, concept, SKOS.notation))}</code></td>"
                    f"<td>{e(_text(scheme_graph, concept, SKOS.prefLabel))}</td>"
                    f"<td>{e(_text(scheme_graph, concept, SKOS.definition))}</td><td>{e('; '.join(alt))}</td></tr>"
                )
            parts.append(
                f"<section id='scheme-{e(file.stem)}'><h3>{e(label)} <span class='meta'>{e(str(scheme))}</span></h3>"
                f"<p>{e(definition)}</p><p class='meta'>{len(concepts)} concepts, from <code>ontology/vocab/{e(file.name)}</code></p>"
                "<table><tr><th>code</th><th>label</th><th>definition</th><th>also written as</th></tr>"
                f"{''.join(rows)}</table></section>"
            )
    parts.append("</body></html>\n")
    return "\n".join(parts)


def write_docs(out: Path) -> Path:
    """Write ``out/index.html``; returns its path."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / "index.html"
    path.write_text(ontology_html(), encoding="utf-8")
    return path
