"""Stage 6: self-contained HTML views of the graph, each answering an organisation designer's question.

Table and chart pages (:mod:`~nhskg.views.page`): the organisation charts (:mod:`orgchart`), the
designations matrix (:mod:`matrix`), role profiles (:mod:`profile`) and the comparison of two
organisations (:mod:`compare`) are all derived from one :class:`~nhskg.views.facts.Facts`, read
through the queries in ``queries/views/``; each page carries its data as JSON and draws itself
with the shared scripts in ``templates/`` (HTML and SVG, no library). Graph pages
(:mod:`~nhskg.views.html`, vis-network inlined): two role types side by side (:mod:`roles`), a role
type over time (:mod:`drift`) and any library query (:mod:`query`) build a
:class:`~nhskg.views.model.ViewModel`. :mod:`nhskg.views.index` writes them all plus ``index.html``.
For other tools, :mod:`nhskg.views.tables` writes the graph as CSV tables and as GraphML.

Conventions: keys in a page's data are IRIs with the data base cut off, or vocabulary codes; they
are never shown: every text on a page is a label, and an organisation a posting does not name is
"employer not named". Every text from a posting is put on the page as text, never as markup, and
every share or count says how many postings it is based on.
"""
