"""The build: paths -> a store (or a SPARQL endpoint) holding their graph, with a report.

Takes source files or folders; gives a :class:`~nhskg.pipeline.report.BuildReport`. It only chains
the stages: read (:mod:`nhskg.read`), extract (:mod:`nhskg.extract`), apply the reviewers'
decisions (:mod:`nhskg.curation`), write quads through a :class:`~nhskg.graph.writer.Writer` (the
embedded store or a SPARQL 1.1 server), validate. :mod:`.build` is the one composer, with one
error policy; :mod:`.identity` tells which postings a build has met and which the writer holds
already; :mod:`.report` is what a build did (and what the decisions did).
"""
