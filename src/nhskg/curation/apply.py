"""Decisions applied at the build: each extracted posting, and then its quads, as the reviewers left them.

Two pure steps and the build's hook:

* :func:`apply_decisions` (``Posting -> Curated``): rejected facts left out, corrected ones
  replaced (same evidence, another field or code), accepted ones marked; a decision whose fact is
  no longer read from the posting, or is read from another sentence, is returned as stale and
  never applied to anything else.
* :func:`~nhskg.curation.provenance.review_quads` (in :mod:`.provenance`): the provenance of
  each reviewed fact on its ``nhskg:ExtractedStatement`` (``nhskg:reviewStatus``,
  ``prov:wasAttributedTo`` the reviewer, ``prov:generatedAtTime`` the decision). The statements are found in the posting's own N-Quads by what they state, not by
  rebuilding their IRIs, so this does not depend on how :mod:`nhskg.graph.rdfgraph` names things.
* :func:`posting_graph` and :func:`posting_quads` stand in for the functions of the same name in
  :mod:`nhskg.graph.posting` where the build calls them: with no decisions in force they are those
  functions. :func:`applying` puts decisions in force for one build; :func:`note` counts what was
  applied (the build calls it once per posting written) and :meth:`Session.report` tells.

Why decisions in force are module state for the length of a build, not an argument: a large
build extracts in forked worker processes, which inherit the decisions as they inherit the
vocabulary's matcher (:func:`nhskg.vocabulary.matching.build_matcher`), and the build's composer stays as it
is but for two lines.
"""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, Iterable, Iterator

import pyoxigraph as ox

from ..extract.postings import ITEM_FIELDS, Duty, Item, Posting, Requirement
from ..graph.rdfgraph import PostingGraph
from ..graph.posting import content_digest
from ..graph.posting import posting_graph as _plain_posting_graph
from ..vocabulary.vocab import Vocabulary
from .decisions import DUTY_AREAS, Decision, Decisions, evidence_hash, field_label
from .provenance import Review, review_quads

__all__ = [
    "Stale",
    "Curated",
    "CuratedGraph",
    "CurationReport",
    "Session",
    "apply_decisions",
    "standing_decisions",
    "applying",
    "active",
    "fingerprint",
    "posting_graph",
    "posting_quads",
    "note",
    "note_unchanged",
]


@dataclass(frozen=True)
class Stale:
    """A decision not applied because its fact is no longer read as it was."""

    decision: Decision
    reason: str

    def __str__(self) -> str:
        where = f" ({self.decision.where})" if self.decision.where else ""
        return f"{self.decision.describe()}: not applied, {self.reason}{where}"


@dataclass(frozen=True)
class Curated:
    """A posting after its decisions, what they did, and those that no longer apply."""

    posting: Posting
    reviews: tuple[Review, ...] = ()
    rejected: tuple[Decision, ...] = ()
    stale: tuple[Stale, ...] = ()
    #: facts two reviewers decided differently (the latest decision stands)
    disagreements: tuple[tuple[str, str, str], ...] = ()


def _ordered(decisions: Iterable[Decision]) -> list[Decision]:
    """Latest first; between decisions of the same moment, the reviewer's name decides (stably)."""
    return sorted(decisions, key=lambda d: (d.date, d.reviewer), reverse=True)


def standing_decisions(
    posting: Posting, decisions: Decisions | Iterable[Decision]
) -> tuple[dict[tuple[str, ...], Decision], list[Stale], list[tuple[str, str, str]]]:
    """The decision that stands for each fact of ``posting`` (its :func:`~.decisions.fact_key`
    less the posting: (field, code), and for a duty area (field, code, evidence)), the stale ones,
    and the facts reviewers disagree on.

    A decision applies to the fact (field, code) when one of the items read for it has the
    evidence sentence the reviewer saw, and to a duty area when a duty read from that sentence
    still has the area; otherwise it is stale. Where several apply, the latest stands.
    """
    wanted = decisions.for_posting(posting.id) if isinstance(decisions, Decisions) else tuple(
        d for d in decisions if d.posting == posting.id)
    groups: dict[tuple[str, ...], list[Decision]] = {}
    for decision in wanted:
        groups.setdefault(decision.key[1:], []).append(decision)
    chosen: dict[tuple[str, ...], Decision] = {}
    stale: list[Stale] = []
    disagreements: list[tuple[str, str, str]] = []
    for key, group in sorted(groups.items()):
        name, code = key[0], key[1]
        if name == DUTY_AREAS:
            read_from = [duty for duty in posting.duties if evidence_hash(duty.evidence.sentence) == key[2]]
            live = group if any(code in duty.areas for duty in read_from) else []
            reason = ("the duty it was read from is no longer read (its sentence has changed: review the area again)"
                      if not read_from else "the duty no longer has this area")
        else:
            items = [item for item in getattr(posting, name) if item.code == code]
            sentences = {evidence_hash(item.evidence.sentence) for item in items}
            live = [d for d in group if d.evidence in sentences]
            reason = ("the posting no longer gives this fact" if not items else
                      "the sentence it was read from has changed (review the fact again)")
        for decision in group:
            if decision not in live:
                stale.append(Stale(decision, reason))
        if not live:
            continue
        chosen[key] = _ordered(live)[0]
        if len({(d.decision, d.to_field, d.to_code) for d in live}) > 1:
            disagreements.append((posting.id, name, code))
    return chosen, stale, disagreements


def apply_decisions(posting: Posting, decisions: Decisions | Iterable[Decision]) -> Curated:
    """``posting`` as its reviewers left it: a pure function of the posting and the decisions.

    Which decisions apply is :func:`standing_decisions`.

    >>> from nhskg.extract.postings import Evidence
    >>> from nhskg.curation.decisions import Decision
    >>> said = Evidence("Support the Chief Executive as Accountable Officer.", 0, 51)
    >>> p = Posting("p1", "p1.txt", "Medical Director", "chief-medical-officer", None, None, None, None, None, None,
    ...             designations=(Item("accountable-officer", "Accountable Officer", said),))
    >>> no = Decision("p1", "designations", "accountable-officer", evidence_hash(said.sentence), "reject", "", "", "Ann", "2026-12-04T10:00:00Z")
    >>> apply_decisions(p, [no]).posting.designations
    ()
    """
    chosen_by_fact, stale, disagreements = standing_decisions(posting, decisions)
    if not chosen_by_fact and not stale:
        return Curated(posting)
    on_areas = {key: chosen for key, chosen in chosen_by_fact.items() if key[0] == DUTY_AREAS}
    chosen_by_fact = {key: chosen for key, chosen in chosen_by_fact.items() if key[0] != DUTY_AREAS}
    removed: set[tuple[str, str]] = set()
    added: dict[str, list[Item]] = {name: [] for name in ITEM_FIELDS}
    reviews: dict[tuple[str, str], Review] = {}
    corrections: dict[tuple[str, str], Review] = {}
    rejected: list[Decision] = []
    for (name, code, *_), chosen in chosen_by_fact.items():
        items = [item for item in getattr(posting, name) if item.code == code]
        if chosen.decision == "accept":
            reviews[(name, code)] = Review(name, code, "accepted", chosen)
            continue
        removed.add((name, code))
        if chosen.decision == "reject":
            rejected.append(chosen)
            continue
        source = next(item for item in items if evidence_hash(item.evidence.sentence) == chosen.evidence)
        target = (chosen.to_field, chosen.to_code)
        corrections.setdefault(target, Review(*target, "corrected", chosen, name, code))
        added[chosen.to_field].append(_moved(source, chosen.to_field, chosen.to_code))
    changes: dict[str, Any] = {}  # field name -> its items, for dataclasses.replace
    for name in ITEM_FIELDS:
        kept = [item for item in getattr(posting, name) if (name, item.code) not in removed]
        have = {item.code for item in kept}
        for item in added[name]:
            if item.code in have:
                continue  # the extractor read the corrected fact too: it stays as read
            kept.append(item)
            have.add(item.code)
        changes[name] = tuple(kept)
    for target, review in corrections.items():
        if target in reviews:
            continue  # the reviewers accepted the target fact as read: that decision stands
        # (a target fact rejected as read from its own sentence is still what this sentence says)
        extracted_too = target not in removed and any(item.code == target[1] for item in getattr(posting, target[0]))
        # A correction to a fact the extractor read anyway confirms that fact: accepted, by the reviewer.
        reviews[target] = replace(review, status="accepted", extracted_field=None, extracted_code=None) if extracted_too else review
    duties, area_reviews, area_rejected = _decided_areas(posting.duties, on_areas)
    if on_areas:
        changes["duties"] = duties
    return Curated(
        replace(posting, **changes),
        tuple(reviews[k] for k in sorted(reviews)) + area_reviews,
        tuple(rejected) + area_rejected,
        tuple(stale),
        tuple(disagreements),
    )


def _decided_areas(duties: tuple[Duty, ...], chosen: dict[tuple[str, ...], Decision]
                   ) -> tuple[tuple[Duty, ...], tuple[Review, ...], tuple[Decision, ...]]:
    """The duties with the decisions on their areas applied, the reviews and the rejections.

    ``chosen`` maps (``duty_areas``, code, evidence) to the decision that stands. A rejected area
    goes with its confidence figure; a corrected one becomes the reviewer's code, keeping its
    sentence and its figure as read (the reading says what was read); an accepted one stays and
    is marked. An area corrected into one the duty also reads stays once, as read, accepted.
    """
    reviews: dict[tuple[str, str], Review] = {}
    rejected: dict[tuple[str, ...], Decision] = {}
    out: list[Duty] = []
    for duty in duties:
        said = evidence_hash(duty.evidence.sentence)
        decided = {area: chosen.get((DUTY_AREAS, area, said)) for area in duty.areas}
        if not any(decided.values()):
            out.append(duty)
            continue
        as_read = {area for area, made in decided.items() if made is None or made.decision == "accept"}
        areas: list[str] = []
        figures: list[float] = []
        for k, area in enumerate(duty.areas):
            made = decided[area]
            if made is not None and made.decision == "reject":
                rejected[made.key] = made
                continue
            code = made.to_code if made is not None and made.decision == "correct" else area
            if made is not None and made.decision == "correct" and code in as_read:
                # the duty reads the corrected area too: that one stays as read, confirmed by the reviewer
                reviews.setdefault((code, said), Review(DUTY_AREAS, code, "accepted", made, evidence=said))
                continue
            if code in areas:
                continue
            areas.append(code)
            if duty.area_confidence:
                figures.append(duty.area_confidence[k])
            if made is not None and made.decision == "accept":
                reviews[(code, said)] = Review(DUTY_AREAS, code, "accepted", made, evidence=said)
            elif made is not None:
                reviews[(code, said)] = Review(DUTY_AREAS, code, "corrected", made, DUTY_AREAS, area, evidence=said)
        out.append(replace(duty, areas=tuple(areas), area_confidence=tuple(figures)))
    return tuple(out), tuple(reviews[k] for k in sorted(reviews)), tuple(rejected[k] for k in sorted(rejected))


def _moved(item: Item, to_field: str, to_code: str) -> Item:
    """The item as a fact of another field or code: the same words, sentence and confidence."""
    if to_field == "requirements":
        essential = item.essential if isinstance(item, Requirement) else True
        return Requirement(to_code, item.label, item.evidence, essential, stated=item.stated, confidence=item.confidence)
    return Item(to_code, item.label, item.evidence, stated=item.stated, confidence=item.confidence)


# --------------------------------------------------------------------------- the build's hook


@dataclass(frozen=True)
class CuratedGraph(PostingGraph):
    """A posting's quads after its decisions, with what they did (returned by build workers)."""

    curated: Curated | None = None


@dataclass(frozen=True)
class CurationReport:
    """What a build did with the decisions in force: what it applied and what it could not."""

    directory: str
    decisions: int
    accepted: int
    rejected: int
    corrected: int
    stale: tuple[Stale, ...]
    disagreements: tuple[tuple[str, str, str], ...]
    #: decisions about postings this build did not read (an incremental build reads some only)
    not_read: int
    #: decisions about postings the build kept as the store held them: applied when they were
    #: written (the decisions are part of what makes a posting unchanged), not counted above
    unchanged: int = 0

    @property
    def applied(self) -> int:
        return self.accepted + self.rejected + self.corrected

    def summary(self) -> str:
        lines = [
            f"decisions ({self.directory}): {self.decisions} read, {self.applied} applied "
            f"({self.accepted} accepted, {self.rejected} rejected, {self.corrected} corrected), "
            f"{len(self.stale)} no longer match their posting"
            + (f", {self.unchanged} about postings unchanged since a build applied them" if self.unchanged else "")
            + (f", {self.not_read} about postings not read in this build" if self.not_read else "")
        ]
        lines += [f"  stale: {s}" for s in self.stale]
        lines += [f"  reviewers disagree on posting {p}: {field_label(f)} {c} (the latest decision stands)"
                  for p, f, c in self.disagreements]
        return "\n".join(lines)

    def to_json(self) -> dict[str, object]:
        return {
            "directory": self.directory, "decisions": self.decisions, "accepted": self.accepted,
            "rejected": self.rejected, "corrected": self.corrected, "not_read": self.not_read, "unchanged": self.unchanged,
            "stale": [{"posting": s.decision.posting, "field": s.decision.field, "code": s.decision.code,
                       "reviewer": s.decision.reviewer, "where": s.decision.where, "reason": s.reason} for s in self.stale],
            "disagreements": [list(d) for d in self.disagreements],
        }


@dataclass
class Session:
    """Decisions in force for one build, and the tally of what they did."""

    decisions: Decisions
    seen: set[str] = field(default_factory=set)
    statuses: Counter[str] = field(default_factory=Counter)
    stale: list[Stale] = field(default_factory=list)
    disagreements: list[tuple[str, str, str]] = field(default_factory=list)
    unchanged: int = 0

    def note(self, graph: PostingGraph) -> None:
        self.seen.add(graph.id)
        curated = graph.curated if isinstance(graph, CuratedGraph) else None
        if curated is None:
            return
        self.statuses.update(r.decision.decision for r in curated.reviews)
        self.statuses.update("reject" for _ in curated.rejected)
        self.stale.extend(curated.stale)
        self.disagreements.extend(curated.disagreements)

    def note_unchanged(self, posting_id: str) -> None:
        if posting_id not in self.seen:
            self.seen.add(posting_id)
            self.unchanged += len(self.decisions.for_posting(posting_id))

    def report(self) -> CurationReport:
        """What the decisions did in the build so far."""
        not_read = sum(1 for d in self.decisions if d.posting not in self.seen)
        where = str(self.decisions.directory) if self.decisions.directory is not None else "given"
        return CurationReport(
            where, len(self.decisions), self.statuses["accept"], self.statuses["reject"], self.statuses["correct"],
            tuple(self.stale), tuple(self.disagreements), not_read, self.unchanged,
        )


_ACTIVE: Session | None = None


@contextlib.contextmanager
def applying(decisions: Decisions | None) -> Iterator[Session | None]:
    """Put ``decisions`` in force for the builds run inside the block (None: none in force).

    >>> from nhskg.curation.decisions import Decisions
    >>> with applying(Decisions({})) as session:
    ...     active() is session
    True
    >>> active() is None
    True
    """
    global _ACTIVE
    previous = _ACTIVE
    _ACTIVE = Session(decisions) if decisions is not None else None
    try:
        yield _ACTIVE
    finally:
        _ACTIVE = previous


def active() -> Session | None:
    """The decisions in force, if any."""
    return _ACTIVE


def fingerprint(posting_id: str) -> str:
    """A stable hash of the decisions in force about ``posting_id`` ("" when none apply).

    An incremental build that skips postings whose content is unchanged must count this as part
    of the content: a new, changed or withdrawn decision changes it. See
    :meth:`nhskg.curation.decisions.Decisions.fingerprint`.
    """
    return _ACTIVE.decisions.fingerprint(posting_id) if _ACTIVE is not None else ""


def posting_graph(posting: Posting, vocab: Vocabulary, base: str, *, full: bool | None = None) -> PostingGraph:
    """:func:`nhskg.graph.posting.posting_graph` of the posting as its reviewers left it."""
    session = _ACTIVE
    if session is None or not session.decisions.for_posting(posting.id):
        return _plain_posting_graph(posting, vocab, base, full=full)
    curated = apply_decisions(posting, session.decisions)
    graph = _plain_posting_graph(curated.posting, vocab, base, full=full)
    extra = review_quads(graph.nquads, curated.reviews, vocab, base)
    nquads = graph.nquads + ((ox.serialize(extra, format=ox.RdfFormat.N_QUADS) or b"") if extra else b"")
    return CuratedGraph(graph.id, graph.source, nquads, content_digest(nquads), curated=curated)


def note(graph: PostingGraph) -> None:
    """Count what the decisions did to one posting written by the build (nothing when none are in force)."""
    if _ACTIVE is not None:
        _ACTIVE.note(graph)


def note_unchanged(posting_id: str) -> None:
    """Count a posting the build kept as the store held it, made from the same input and the same
    decisions (:func:`fingerprint` is part of its digest): they were applied when it was written."""
    if _ACTIVE is not None:
        _ACTIVE.note_unchanged(posting_id)


def posting_quads(posting: Posting, vocab: Vocabulary, base: str, *, full: bool | None = None) -> list[ox.Quad]:
    """:func:`nhskg.graph.posting.posting_quads` of the posting as its reviewers left it, counted by :func:`note`."""
    graph = posting_graph(posting, vocab, base, full=full)
    note(graph)
    return list(ox.parse(graph.nquads, format=ox.RdfFormat.N_QUADS))
