"""The package's version, apart from :mod:`nhskg` so that any stage may read it (:mod:`nhskg.pipeline.build` digests it) without importing upward."""

__version__ = "0.1.0"
