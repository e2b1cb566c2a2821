"""The build: paths -> a store (or a SPARQL endpoint) holding their graph, with a report.

Takes source files or folders; gives a :class:`~nhskg.pipeline.build.BuildReport`. It only chains
the stages: read (:mod:`nhskg.read`), extract (:mod:`nhskg.extract`), apply the reviewers'
decisions (:mod:`nhskg.curation`), write quads (:mod:`nhskg.graph`), validate. :mod:`.build`
writes into the embedded store; :mod:`.remote` reads and writes any SPARQL 1.1 store
(``EndpointSource``, ``EndpointWriter``) and builds into it (``build_to_endpoint``);
:mod:`.report` adds what the decisions did to a build's report.
"""
