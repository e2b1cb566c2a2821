"""nhskg.vocabulary: see the package docstring of :mod:`nhskg` for where it sits."""
