"""A tiny vocabulary and hand-built postings for the graph, store, build and validate tests.

The vocabulary is written to a temporary folder (``write_vocab``) so the tests do not depend on
the real ``ontology/vocab`` files, which other work changes; ``NHSKG_HOME`` points there so the
store loads the same vocabulary into its ontology graph.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from nhskg.paths import ontology_dir, queries_dir
from nhskg.extract.postings import Duty, Evidence, Item, Organisation, Posting, Requirement, Salary

V = "https://w3id.org/nhskg/vocab/"
B = "https://w3id.org/nhskg/data/"

#: scheme -> [(code, prefLabel, leadership?)]
SCHEMES: dict[str, list[tuple[str, str, bool]]] = {
    "role-type": [
        ("chief-executive", "Chief Executive", True),
        ("medical-director", "Medical Director", True),
        ("chief-nurse", "Chief Nurse", True),
        ("ward-nurse", "Ward Nurse", False),
    ],
    "designation": [("caldicott-guardian", "Caldicott Guardian", False), ("responsible-officer", "Responsible Officer", False)],
    "body": [("cqc", "Care Quality Commission", False), ("gmc", "General Medical Council", False)],
    "duty-area": [("patient-safety", "Patient safety", False), ("finance", "Finance", False)],
    "qualification": [("gmc-registration", "GMC registration", False)],
    "competency": [("board-experience", "Board experience", False)],
    "scope": [("organisation", "Organisation", False), ("group", "Group", False)],
    "organisation-type": [("acute-trust", "Acute trust", False)],
    "pay-band": [("vsm", "Very Senior Manager", False), ("band-5", "Band 5", False)],
}


def scheme_ttl(name: str, concepts: list[tuple[str, str, bool]]) -> str:
    lines = [
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix nhskg: <https://w3id.org/nhskg/def#> .",
        f"<{V}{name}> a skos:ConceptScheme ; skos:prefLabel \"{name}\"@en .",
    ]
    for code, label, leadership in concepts:
        lines.append(
            f"<{V}{name}/{code}> a skos:Concept ; skos:inScheme <{V}{name}> ; skos:notation \"{code}\" ;"
            f" skos:prefLabel \"{label}\"@en ; skos:definition \"The {label}.\"@en"
            + (" ; nhskg:leadershipRole true" if leadership else "")
            + (" ; nhskg:singleHolder true ." if name == "designation" else " .")
        )
    return "\n".join(lines) + "\n"


def write_home(root: Path) -> Path:
    """A project home (``ontology/nhskg.ttl`` + a tiny ``ontology/vocab``) under ``root``."""
    onto = root / "ontology"
    vocab = onto / "vocab"
    vocab.mkdir(parents=True, exist_ok=True)
    shutil.copy(ontology_dir() / "nhskg.ttl", onto / "nhskg.ttl")
    shutil.copy(ontology_dir() / "shapes.ttl", onto / "shapes.ttl")
    for extra in ("org-changes.ttl",):  # other ontology data the store loads, when present
        if (ontology_dir() / extra).is_file():
            shutil.copy(ontology_dir() / extra, onto / extra)
    for name, concepts in SCHEMES.items():
        (vocab / f"{name}.ttl").write_text(scheme_ttl(name, concepts), encoding="utf-8")
    # The shapes run a library query (shape:libraryQuery), so a home has the real queries.
    (root / "queries").symlink_to(queries_dir(), target_is_directory=True)
    return root


def ev(sentence: str, start: int = 0) -> Evidence:
    return Evidence(sentence, start, start + len(sentence))


def leadership_posting(pid: str = "job-1", org: str = "Norfolk Hospitals NHS Trust", **changes) -> Posting:
    base = dict(
        id=pid,
        source=f"postings/{pid}.txt",
        title="Medical Director",
        role_type="medical-director",
        scope="organisation",
        organisation=Organisation(org, "acute-trust"),
        location="Norwich",
        salary=Salary(150000.0, 180000.0),
        pay_band="vsm",
        closing_date="2020-03-31",
        date_posted="2020-03-01",
        title_evidence=ev("Medical Director"),
        leadership=True,
        accountable_to=(Item("chief-executive", "the Chief Executive", ev("You will report to the Chief Executive.", 17)),),
        works_with=(Item("chief-nurse", "Chief Nurse", ev("You will work closely with the Chief Nurse.", 57)),),
        designations=(Item("responsible-officer", "Responsible Officer", ev("You will be the Responsible Officer.", 101)),),
        bodies=(Item("gmc", "GMC", ev("You will liaise with the GMC.", 138)),),
        requirements=(
            Requirement("gmc-registration", "full GMC registration", ev("Full GMC registration is essential.", 168), True),
            Requirement("board-experience", "board experience", ev("Board experience is desirable.", 204), False),
        ),
        duties=(
            Duty("Lead patient safety with the Chief Nurse.", ("patient-safety",), ("chief-nurse",), ev("Lead patient safety with the Chief Nurse.", 235)),
        ),
    )
    base.update(changes)
    return Posting(**base)


def minimal_posting(pid: str = "job-2", org: str = "Norfolk Hospitals NHS Trust") -> Posting:
    return Posting(
        id=pid,
        source=f"postings/{pid}.txt",
        title="Staff Nurse",
        role_type="ward-nurse",
        scope=None,
        organisation=Organisation(org, "acute-trust"),
        location="Norwich",
        salary=Salary(25000.0, 30000.0),
        pay_band="band-5",
        closing_date="2020-04-30",
        date_posted="2020-04-01",
        title_evidence=ev("Staff Nurse"),
        leadership=False,
        duties=(Duty("Care for patients.", ("patient-safety",), (), ev("Care for patients.", 20)),),
    )


def write_records(path: Path, postings: list[Posting]) -> Path:
    """Postings as JSON lines, the form ``nhskg extract`` prints."""
    path.write_text("".join(json.dumps(p.to_json()) + "\n" for p in postings), encoding="utf-8")
    return path
