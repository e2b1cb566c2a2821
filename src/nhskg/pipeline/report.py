"""A build's report with what the reviewers' decisions did (for the Python API; the CLI prints both)."""

from __future__ import annotations

from dataclasses import dataclass

from .build import BuildReport
from ..curation.apply import CurationReport

__all__ = ["CuratedBuildReport", "with_curation"]


@dataclass(frozen=True)
class CuratedBuildReport(BuildReport):
    """:class:`~nhskg.pipeline.build.BuildReport` and the :class:`~nhskg.curation.apply.CurationReport` of the same build."""

    curation: CurationReport | None = None

    def summary(self) -> str:
        lines = super().summary()
        return lines if self.curation is None else f"{lines}\n{self.curation.summary()}"


def with_curation(report: BuildReport, curation: CurationReport) -> CuratedBuildReport:
    """``report`` with ``curation`` added (every other field as it was)."""
    fields = {name: getattr(report, name) for name in report.__dataclass_fields__}
    return CuratedBuildReport(**fields, curation=curation)


