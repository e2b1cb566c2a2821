"""Stage 6: interactive HTML views of the graph, one self-contained pyvis page per view.

Each view module (``reporting``, ``roles``, ``designations``, ``query``) asks a
:class:`~nhskg.sparql.SparqlSource` through the queries in ``queries/views/`` and returns a
:class:`~nhskg.views.model.ViewModel`; :mod:`nhskg.views.html` draws any model; :mod:`nhskg.views.index`
writes them all plus ``index.html``.

Conventions: node ids are IRIs with the data base (or the scheme) cut off, so no ``http(s)://``
reaches a page; a node's ``kind`` picks its colour and shape from the view's legend; an edge's
``kind`` picks its line style; ``evidence`` holds the posting sentences shown in tooltips.
"""
