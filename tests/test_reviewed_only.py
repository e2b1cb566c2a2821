"""``--reviewed-only``: the graph narrowed to the facts a reviewer accepted or corrected."""

from __future__ import annotations

from nhskg.curation.reviewed import reviewed_only
from nhskg.sparql.sources import OxigraphSource

#: Posts no posting advertises that nothing names: a chart draws each as a box with no line.
UNNAMED_POSTS = """PREFIX nhskg: <https://w3id.org/nhskg/def#>
SELECT (COUNT(*) AS ?n) WHERE { ?post a <http://www.w3.org/ns/org#Post> .
  MINUS { ?a nhskg:advertises ?post } MINUS { ?x ?p ?post } }"""


def test_a_post_only_named_by_unreviewed_lines_goes_with_them(seeds_source: OxigraphSource) -> None:
    """The seeds have no decisions, so every line goes; the posts named only by their role ("the
    Chief Executive") that those lines named must go too, not stay as posts nothing names."""

    def unnamed(source: OxigraphSource) -> int:
        return int(list(source.store.query(UNNAMED_POSTS, use_default_graph_as_union=True))[0][0].value)  # type: ignore[index]

    assert unnamed(seeds_source) == 0
    assert unnamed(reviewed_only(seeds_source)) == 0
