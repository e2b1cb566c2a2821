"""The review queue: the facts in a graph worth a reviewer's look, weakest first, with their evidence.

Weakest first means, in this order: facts nobody has decided on yet; among them, facts that break
a SHACL rule (violations, then warnings, when a validation report is given), facts behind a
conflict that :func:`nhskg.analyses.gaps.gaps` reports (a single-holder designation two
different posts of one organisation claim at once: ``queries/designation-conflicts.rq``), and lines to the post's own role type (a Group CMO "working with" medical
directors is read as working with itself); then the lowest confidence the extractor gives.
Decisions already written in the curation folder but not yet built into the graph show as
*decided*, so a reviewer does not see a fact twice.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import Any, Iterable, Sequence

from rdflib.term import Literal

from ..errors import echoed
from ..sparql.sources import SparqlSource, Table
from ..curation.decisions import DUTY_AREAS, Decision, Decisions, normal_date, evidence_hash, fact_id, fact_key, field_label

__all__ = ["Fact", "STATUSES", "review_queue", "facts"]

#: What the queue can be narrowed to: ``unreviewed`` (nothing decided yet: the work to do),
#: ``decided`` (a decision is written but the graph not yet rebuilt), the statuses of the graph
#: (``accepted``, ``corrected``), or ``all``.
STATUSES = ("unreviewed", "decided", "accepted", "corrected", "all")
_ROLE_FIELDS = ("accountable_to", "professionally_accountable_to", "works_with", "deputises_for", "leads")


@dataclass(frozen=True)
class Fact:
    """One reviewable fact as a person reads it (labels) and as a decision names it (codes)."""

    id: str
    posting_id: str
    posting: str
    post: str
    post_label: str
    organisation: str
    field: str
    code: str
    value_label: str
    label_as_written: str
    sentence: str
    evidence: str
    stated: str
    confidence: float | None
    status: str
    reviewer: str
    reviewed: str
    note: str
    flags: tuple[str, ...] = ()
    #: the latest decision written in the curation folder that the graph does not show yet
    decided: Decision | None = None

    @property
    def field_label(self) -> str:
        return field_label(self.field)

    @property
    def value(self) -> str:
        """``works with: Chief Nurse``: the fact in words."""
        return f"{self.field_label}: {self.value_label or self.code}"

    @property
    def shown_status(self) -> str:
        """The status a person reads: the graph's, or the decision waiting for the next build."""
        if self.decided is not None:
            verdict = {"accept": "accepted", "reject": "rejected", "correct": "corrected"}[self.decided.decision]
            target = (f" to {field_label(self.decided.to_field)} {concept_label(self.decided.to_field, self.decided.to_code)}"
                      if self.decided.decision == "correct" else "")
            return f"{verdict}{target} by {self.decided.reviewer} (next build)"
        if self.status == "unreviewed":
            return "unreviewed"
        return f"{self.status} by {self.reviewer}" if self.reviewer else self.status

    def to_json(self) -> dict[str, Any]:
        record = asdict(self)
        record["decided"] = self.decided.row() if self.decided is not None else None
        record["flags"] = list(self.flags)
        return record


def concept_label(field: str, code: str) -> str:
    """The preferred label of ``code`` in the scheme(s) of ``field`` (the code if it has none)."""
    from ..errors import NhskgError
    from ..vocabulary.vocab import load_vocabulary
    from ..curation.decisions import FIELD_SCHEMES

    try:
        schemes = [s for s in load_vocabulary().schemes if s.name in FIELD_SCHEMES[field]]
    except NhskgError:
        return code
    return next((c.pref_label for s in schemes for c in s.concepts if c.code == code), code)


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _code(iri: object) -> str:
    return _text(iri).rstrip("/").rsplit("/", 1)[-1]


def facts(table: Table) -> list[Fact]:
    """The rows of ``queries/review-status.rq`` (or ``duty-area-review-status.rq``, whose rows have
    no label as written nor form) as facts (no flags, no pending decisions)."""
    out = []
    for row in table.records():
        confidence = row["confidence"]
        value = confidence.toPython() if isinstance(confidence, Literal) else None
        code = _code(row["value"])
        posting_id = _text(row["posting_id"])
        field = _text(row["field"])
        evidence = evidence_hash(_text(row["sentence"]))
        out.append(Fact(
            id=fact_id(posting_id, field, code, evidence),
            posting_id=posting_id,
            posting=_text(row["posting"]),
            post=_text(row["post"]),
            post_label=_text(row["post_label"]),
            organisation=_text(row["organisation_label"]),
            field=field,
            code=code,
            value_label=_text(row["value_label"]),
            label_as_written=_text(row.get("label_as_written")),
            sentence=_text(row["sentence"]),
            evidence=evidence,
            stated=_text(row.get("stated")).rsplit("#stated-", 1)[-1],
            confidence=float(value) if isinstance(value, (int, float, Decimal)) else None,
            status=_text(row["review_status"]) or "unreviewed",
            reviewer=_text(row["reviewer"]),
            reviewed=normal_date(_text(row["reviewed"])) or "",  # as decision files write it, to compare
            note=_text(row["note"]),
        ))
    return out


def _conflict_flags(source: SparqlSource) -> dict[tuple[str, str], str]:
    """(post IRI, designation code) -> why, for every designation conflict the gaps analysis finds."""
    from ..analyses.gaps import gaps

    flags: dict[tuple[str, str], str] = {}
    for organisation in gaps(source).organisations:
        for conflict in organisation.conflicts:
            for holder in conflict.holders:
                others = sorted({h.label for h in conflict.holders if h.post != holder.post})
                flags[(holder.post, conflict.code)] = f"conflict: {conflict.label} also claimed by {', '.join(others)}"
    return flags


def _shacl_flags(report: Any) -> dict[tuple[str, str], list[tuple[int, str]]]:
    """(focus, value) -> [(rank, message)] from a :class:`~nhskg.graph.validate.ValidationReport`."""
    found: dict[tuple[str, str], list[tuple[int, str]]] = {}
    for result in getattr(report, "results", ()):
        rank = 3 if result.severity == "Violation" else 2
        found.setdefault((result.focus, result.value or ""), []).append((rank, f"SHACL {result.severity.lower()}: {result.message}"))
    return found


def review_queue(
    source: SparqlSource,
    decisions: Decisions | None = None,
    *,
    status: str = "unreviewed",
    fields: Sequence[str] = (),
    posting_id: str | None = None,
    validation: Any = None,
) -> list[Fact]:
    """The reviewable facts of ``source``, weakest first (see the module docstring).

    ``decisions`` (those in the curation folder) mark facts decided but not yet built;
    ``validation`` (a :class:`~nhskg.graph.validate.ValidationReport` of the same graph) adds SHACL
    results to the reasons a fact is shown early.

    >>> import pyoxigraph as ox
    >>> from nhskg.sparql.sources import OxigraphSource
    >>> review_queue(OxigraphSource(ox.Store()))
    []
    """
    from ..queries.running import run_query

    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not '{echoed(status)}'")
    params = {"posting_id": posting_id} if posting_id else {}
    found: list[Fact] = []
    roles: dict[str, str] = {}
    statement_shacl: dict[str, list[tuple[int, str]]] = {}
    shacl = _shacl_flags(validation)
    # the record's item lists, then a duty's areas (read from their readings: queries/duty-area-review-status.rq)
    for name, wanted in (("review-status", not fields or any(f != DUTY_AREAS for f in fields)),
                         ("duty-area-review-status", not fields or DUTY_AREAS in fields)):
        if not wanted:
            continue
        table = run_query(source, name, params)
        assert isinstance(table, Table)
        read = facts(table)
        roles.update({row.post: _code(row_role) for row, row_role in zip(read, table.column("role"))})
        for row, statement, object_ in zip(read, table.column("statement"), table.column("object")):
            statement_shacl[row.id] = shacl.get((_text(statement), ""), []) + shacl.get((row.post, _text(object_)), [])
        found += read
    conflicts = _conflict_flags(source) if any(f.field == "designations" for f in found) else {}
    pending = _latest_decisions(decisions or Decisions({}))
    ranked: list[tuple[tuple[Any, ...], Fact]] = []
    for fact in found:
        if fields and fact.field not in fields:
            continue
        reasons: list[tuple[int, str]] = list(statement_shacl.get(fact.id, []))
        if fact.field == "designations" and (fact.post, fact.code) in conflicts:
            reasons.append((2, conflicts[(fact.post, fact.code)]))
        if fact.field in _ROLE_FIELDS and fact.code == roles.get(fact.post):
            reasons.append((2, f"a line to the post's own role type ({fact.value_label or fact.code})"))
        decided = pending.get(fact_key(fact.posting_id, fact.field, fact.code, fact.evidence))
        if decided is not None and (decided.evidence != fact.evidence or (fact.status != "unreviewed" and fact.reviewed >= decided.date)):
            decided = None  # about another sentence (stale), or already in the graph
        fact = _with(fact, tuple(message for _, message in sorted(reasons, key=lambda r: -r[0])), decided)
        shown = "decided" if decided is not None else fact.status
        if status != "all" and shown != status:
            continue
        weakest = max((rank for rank, _ in reasons), default=0)
        confidence = fact.confidence if fact.confidence is not None else 1.0
        ranked.append(((shown != "unreviewed", -weakest, confidence, fact.posting_id, fact.field, fact.code, fact.evidence), fact))
    return [fact for _, fact in sorted(ranked, key=lambda pair: pair[0])]


def _with(fact: Fact, flags: tuple[str, ...], decided: Decision | None) -> Fact:
    from dataclasses import replace

    return replace(fact, flags=flags, decided=decided)


def _latest_decisions(decisions: Iterable[Decision]) -> dict[tuple[str, ...], Decision]:
    latest: dict[tuple[str, ...], Decision] = {}
    for decision in decisions:
        current = latest.get(decision.key)
        if current is None or (decision.date, decision.reviewer) > (current.date, current.reviewer):
            latest[decision.key] = decision
    return latest
