"""nhskg: a knowledge graph of who is accountable for what in senior NHS roles, from job postings.

The flow runs one way: source files -> documents (:mod:`nhskg.read.readers`) -> postings
(:mod:`nhskg.extract`) -> RDF (:mod:`nhskg.graph.rdfgraph`, :mod:`nhskg.graph.store`) -> SPARQL
(:mod:`nhskg.queries.library`) and networkx (:mod:`nhskg.analyses`) -> tables, JSON and HTML views
(:mod:`nhskg.views`).
"""

from __future__ import annotations

import sys
import types

from ._version import __version__

__all__ = ["build", "query", "summary", "__version__"]


class _Package(types.ModuleType):
    """The package module, so that ``nhskg.pipeline.build`` and ``nhskg.query`` are the API functions.

    ``nhskg.pipeline.build`` is also the name of the build stage's module, and importing a submodule sets
    the parent's attribute of that name to the module. A property on the module's class wins over
    that assignment, so ``nhskg.build(paths)`` stays the notebook function however the stage
    module was imported (``import nhskg.pipeline.build`` and ``from nhskg.pipeline.build import ...`` still reach the
    module through ``sys.modules``). Both load :mod:`nhskg.api` on first use, keeping
    ``import nhskg`` light.
    """

    @property
    def build(self):  # type: ignore[no-untyped-def]
        from .api import build

        return build

    @build.setter
    def build(self, module: types.ModuleType) -> None:
        self.__dict__["_build_module"] = module  # the submodule import's setattr lands here

    @property
    def query(self):  # type: ignore[no-untyped-def]
        from .api import query

        return query

    @property
    def summary(self):  # type: ignore[no-untyped-def]
        from .api import summary

        return summary


sys.modules[__name__].__class__ = _Package
