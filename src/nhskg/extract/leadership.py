"""Which postings are leadership posts, and so modelled in full.

A leadership post leads an organisation, a system, a region or nation, or a whole function or
division at director level, or holds a statutory designation. The role type says most of it
(``nhskg:leadershipRole`` in ``role-type.ttl``); the title and the text settle what the type
cannot: an assistant director of one division, the deputy of a divisional or site director, a
sessional clinical director of one specialty, a site-level "Director of Clinical Services".
"""

from __future__ import annotations

import re

from ..vocabulary.matching import Matcher
from .postings import Organisation
from ..vocabulary.vocab import Vocabulary
from .reading import DESIGNATION, ROLE, SCOPE

#: Designations a post is a leadership post for holding (the statutory and board-facing ones).
STATUTORY = frozenset(
    """director-of-infection-prevention-control caldicott-guardian responsible-officer
    controlled-drugs-accountable-officer senior-information-risk-owner guardian-of-safe-working-hours
    freedom-to-speak-up-guardian""".split()
)
_SUBORDINATE = re.compile(r"\b(?:deputy|assistant|associate|vice)\b", re.IGNORECASE)
_BELOW_ORGANISATION = ("division", "hospital")
# "2 PAs", "4 sessions": a clinical director paid for a few sessions leads a specialty, not a division.
_SESSIONS = re.compile(r"\b([1-4](?:\.\d)?)\s*(?:PAs?\b|programmed\s+activit|sessions?\b)", re.IGNORECASE)
# A director whose title names the function it leads, for functions with no role type of their own.
_DIRECTOR_OF = re.compile(r"(?:^|[-\u2013|:]\s*|\b(?:Band\s+\w+\s*-?\s*|Interim\s+|Acting\s+|Executive\s+)?)Director\s+(?:of|for)\s+[A-Z]", re.IGNORECASE)
_SUPPORT_POST = re.compile(r"\b(?:PA|Personal Assistant|Executive Assistant|Secretary|Administrator|Business Manager|Coordinator|Co-ordinator|Officer)\s+(?:to|for)\b", re.IGNORECASE)
# Posts at one site of an independent provider, below any board: "Director of Clinical Services".
_SITE_CLINICAL_SERVICES = re.compile(r"\b(?:Director|Head|Deputy Head)\s+of\s+Clinical\s+Services\b", re.IGNORECASE)
_EDUCATION = re.compile(r"\bTraining\s+Programme\s+Director\b|\bProgramme\s+Director\b", re.IGNORECASE)
_DIVISIONAL_TEXT = re.compile(r"\b(?:division|divisional|care\s+group|clinical\s+business\s+unit|business\s+unit)\b", re.IGNORECASE)
# "Deputy Head of ...": the deputy of a head of service, below the director line.
_DEPUTY_HEAD = re.compile(r"\bdeputy\s+head\b", re.IGNORECASE)


def is_leadership(
    vocab: Vocabulary,
    matcher: Matcher,
    role: str,
    role_written: str | None,
    title: str | None,
    scope: str | None,
    organisation: Organisation | None,
    text: str | None,
) -> bool:
    """Whether the posting is for a leadership post (see the module docstring); with ``text``
    None (only the title known yet), whether it may be one, so that its text is read."""
    title = title or ""
    if _SUPPORT_POST.search(title):
        return False
    if organisation is not None and organisation.type == "independent-provider" and _SITE_CLINICAL_SERVICES.search(title):
        return False
    designations = {m.code for m in matcher.find(title, (DESIGNATION,))}
    if designations & STATUTORY and not _SUBORDINATE.search(title.split(" to ")[0]):
        return True
    concept = vocab.scheme(ROLE).get(role)
    if concept is None or not concept.leadership:
        return _director_of_a_function(title, role)
    title_scopes = {m.code for m in matcher.find(title, (SCOPE,))}
    subordinate = _SUBORDINATE.search(title)
    if subordinate and (title_scopes & set(_BELOW_ORGANISATION) or role in ("divisional-director", "divisional-director-of-nursing")):
        return False  # the deputy or assistant of a divisional or site director
    if re.search(r"\bSite\s+Director\b", title, re.IGNORECASE) or _DEPUTY_HEAD.search(title):
        return False
    if role == "associate-director" and title_scopes & set(_BELOW_ORGANISATION):
        return False
    if text is None:
        return True
    if role == "clinical-director":
        return not _sessional(text)
    if role == "associate-director":
        return not _DIVISIONAL_TEXT.search(_about_the_post(text))
    if role == "divisional-director-of-nursing" and role_written and role_written.lower().startswith("head of nursing"):
        return bool(_DIVISIONAL_TEXT.search(title) or _DIVISIONAL_TEXT.search(_about_the_post(text)))
    return True


def _sessional(text: str) -> bool:
    found = _SESSIONS.search(text[:6000])
    return found is not None


def _about_the_post(text: str) -> str:
    """The opening of the advert, where it says what the post is and where it sits."""
    return text[:1200]


def _director_of_a_function(title: str, role: str) -> bool:
    """An organisation's "Director of Charities" or "Director of Service Improvement" leads a whole
    function though no role type names it; a training programme director does not."""
    if role != "other" or _EDUCATION.search(title):
        return False
    return bool(_DIRECTOR_OF.search(title))


#: Organisation types whose directors lead a national function.
NATIONAL_BODIES = ("nhs-england", "health-education-england", "public-health-england", "arms-length-body", "special-health-authority")


def national_director(role: str, title: str | None, organisation: Organisation | None, vocab: Vocabulary) -> str:
    """A "Director of X" of a national body whose title names no role type leads a national
    function: a national director ("Director of System Support" at NHS England)."""
    if (
        role == "other"
        and title
        and organisation is not None
        and organisation.type in NATIONAL_BODIES
        and _director_of_a_function(title, role)
        and not _SUBORDINATE.search(title)
        and "national-director" in vocab.scheme(ROLE)
    ):
        return "national-director"
    return role
