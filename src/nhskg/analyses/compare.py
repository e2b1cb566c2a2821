"""Two organisations side by side: which role holds which duty areas and designations in each."""

from __future__ import annotations

import difflib
from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from ..errors import OrganisationNotFound
from ..sparql.sources import SparqlSource
from ._sparql import code_of, select

__all__ = ["OrganisationNotFound", "CompareRow", "Comparison", "resolve_organisation", "compare"]


@dataclass(frozen=True)
class CompareRow:
    """One duty area or designation and the role types that hold it in each organisation."""

    kind: str  # "area" | "designation"
    code: str
    label: str
    roles_a: tuple[str, ...]
    roles_b: tuple[str, ...]

    @property
    def differs(self) -> bool:
        return self.roles_a != self.roles_b


@dataclass(frozen=True)
class Comparison:
    organisation_a: str
    label_a: str
    organisation_b: str
    label_b: str
    rows: tuple[CompareRow, ...]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        for row, item in zip(self.rows, data["rows"]):
            item["differs"] = row.differs
        return data


def resolve_organisation(source: SparqlSource, given: str) -> tuple[str, str]:
    """The (IRI, label) of the organisation named by IRI, slug (last IRI segment) or name.

    Matching is exact (names case-insensitively); anything else raises with close matches.
    """
    known = {str(r["organisation"]): str(r["label"] or r["organisation"]) for r in select(source, "organisations").records()}
    if given in known:
        return given, known[given]
    wanted = given.strip().casefold()
    hits = sorted(
        iri for iri, label in known.items() if iri.rstrip("/").rsplit("/", 1)[-1] == wanted or label.casefold() == wanted
    )
    if len(hits) == 1:
        return hits[0], known[hits[0]]
    if hits:
        raise OrganisationNotFound(given, tuple(hits), ambiguous=True)
    names = {label.casefold(): label for label in known.values()}
    slugs = {iri.rstrip("/").rsplit("/", 1)[-1]: iri.rstrip("/").rsplit("/", 1)[-1] for iri in known}
    close = difflib.get_close_matches(wanted, list(names) + list(slugs), n=5, cutoff=0.5)
    close += [names[n] for n in names if wanted in n and n not in close][:5]
    matches = tuple(dict.fromkeys(names.get(c, slugs.get(c, c)) for c in close))
    raise OrganisationNotFound(given, matches, ambiguous=False)


def _holdings(source: SparqlSource, organisation: str) -> dict[tuple[str, str], set[str]]:
    held: dict[tuple[str, str], set[str]] = defaultdict(set)
    for r in select(source, "area-claims", organisation=organisation).records():
        held[("area", code_of(r["area"]))].add(code_of(r["role"]) if r["role"] else "unknown")
    for r in select(source, "designation-holders", organisation=organisation).records():
        held[("designation", code_of(r["designation"]))].add(code_of(r["role"]) if r["role"] else "unknown")
    return held


def _labels(source: SparqlSource, organisation: str) -> dict[tuple[str, str], str]:
    labels = {}
    for r in select(source, "area-claims", organisation=organisation).records():
        labels[("area", code_of(r["area"]))] = str(r["area_label"] or code_of(r["area"]))
    for r in select(source, "designation-holders", organisation=organisation).records():
        labels[("designation", code_of(r["designation"]))] = str(r["designation_label"] or code_of(r["designation"]))
    return labels


def compare(source: SparqlSource, org_a: str, org_b: str) -> Comparison:
    """Which role types hold each duty area and designation in two organisations.

    Parameters
    ----------
    source : SparqlSource
        Where the graph is.
    org_a, org_b : str
        Organisations by IRI, slug (``norfolk-and-norwich-university-hospitals``) or name.

    Returns
    -------
    Comparison
        One row per duty area then designation (by code), with the sorted role-type codes
        holding it in each organisation; ``row.differs`` when they are not the same.

    Raises
    ------
    OrganisationNotFound
        When a name matches no organisation (close matches are listed) or several.

    Examples
    --------
    >>> import pyoxigraph as ox
    >>> from nhskg.sparql.sources import OxigraphSource
    >>> compare(OxigraphSource(ox.Store()), "nowhere", "elsewhere")
    Traceback (most recent call last):
    ...
    nhskg.errors.OrganisationNotFound: no organisation 'nowhere' in the store; list them with `nhskg query organisations` or check --store
    """
    iri_a, label_a = resolve_organisation(source, org_a)
    iri_b, label_b = resolve_organisation(source, org_b)
    held_a, held_b = _holdings(source, iri_a), _holdings(source, iri_b)
    labels = {**_labels(source, iri_a), **_labels(source, iri_b)}
    rows = tuple(
        CompareRow(kind, code, labels[(kind, code)], tuple(sorted(held_a.get((kind, code), ()))), tuple(sorted(held_b.get((kind, code), ()))))
        for kind, code in sorted(set(held_a) | set(held_b))
    )
    return Comparison(iri_a, label_a, iri_b, label_b, rows)
