"""Which postings are leadership posts, and so modelled in full.

A leadership post leads an organisation, a system, a region or nation, or a whole function or
division at director level, or holds a statutory designation. The role type says most of it
(``nhskg:leadershipRole`` in ``role-type.ttl``); the title and the text settle what the type
cannot: an assistant director of one division, the deputy of a divisional or site director, a
sessional clinical director of one specialty, a site-level "Director of Clinical Services".
"""

from __future__ import annotations

from ..vocabulary.matching import Matcher
from .postings import Organisation
from ..vocabulary.vocab import Vocabulary
from .reading import DESIGNATION, ROLE, SCOPE
from .wording import Wording, wording

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
    words = wording(vocab)
    if words.support_post.search(title):
        return False
    if organisation is not None and organisation.type == "independent-provider" and words.site_clinical_services.search(title):
        return False
    designations = vocab.scheme(DESIGNATION)
    if not words.subordinate.search(title.split(" to ")[0]) and any(
        (held := designations.get(m.code)) is not None and held.leadership for m in matcher.find(title, (DESIGNATION,))
    ):
        return True
    concept = vocab.scheme(ROLE).get(role)
    if concept is None or not concept.leadership:
        return _director_of_a_function(words, title, role)
    scopes = vocab.scheme(SCOPE)
    below_organisation = any(
        (named := scopes.get(m.code)) is not None and named.part_of_organisation for m in matcher.find(title, (SCOPE,))
    )
    subordinate = words.subordinate.search(title)
    if subordinate and (below_organisation or role in ("divisional-director", "divisional-director-of-nursing")):
        return False  # the deputy or assistant of a divisional or site director
    if any(p.search(title) for p in words.below_director_line):
        return False
    if role == "associate-director" and below_organisation:
        return False
    if text is None:
        return True
    divisional = words.scope_in_text["division"]
    if role == "clinical-director":
        return not _sessional(words, text)
    if role == "associate-director":
        return not any(p.search(_about_the_post(text)) for p in divisional)
    if role == "divisional-director-of-nursing" and role_written and words.head_of_nursing.search(role_written.lower()):
        return any(p.search(title) or p.search(_about_the_post(text)) for p in divisional)
    return True


def _sessional(words: Wording, text: str) -> bool:
    found = words.few_sessions.search(text[:6000])
    return found is not None


def _about_the_post(text: str) -> str:
    """The opening of the advert, where it says what the post is and where it sits."""
    return text[:1200]


def _director_of_a_function(words: Wording, title: str, role: str) -> bool:
    """An organisation's "Director of Charities" or "Director of Service Improvement" leads a whole
    function though no role type names it; a training programme director does not."""
    if role != "other" or words.education_programme_director.search(title):
        return False
    return bool(words.director_of_function.search(title))


def national_director(role: str, title: str | None, organisation: Organisation | None, vocab: Vocabulary) -> str:
    """A "Director of X" of a body whose title names no role type leads a whole function: of a
    national body, a national director ("Director of System Support" at NHS England). Which role
    type, at which bodies, is ``nhskg:functionDirectorIn`` in ``role-type.ttl``."""
    if role != "other" or not title or organisation is None:
        return role
    words = wording(vocab)
    if not _director_of_a_function(words, title, role) or words.subordinate.search(title):
        return role
    for concept in vocab.scheme(ROLE).concepts:
        if organisation.type in concept.function_director_in:
            return concept.code
    return role
