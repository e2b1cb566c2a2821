"""Reviewing facts: a store and the curation folder -> the facts worth a look, and the page to decide them.

Takes a :class:`~nhskg.sparql.sources.SparqlSource` and the reviewers' decisions
(:mod:`nhskg.curation.decisions`); gives the review queue, weakest first, with each fact's
evidence (:mod:`.queue`, used by ``nhskg review``), and the ``/review`` page of ``nhskg serve``
(:mod:`.page`), which writes decisions back to the curation folder. The next build applies them
(:mod:`nhskg.curation.apply`).
"""
