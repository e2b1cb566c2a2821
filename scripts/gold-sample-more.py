"""Choose more development postings from outside the leadership candidates, reproducibly, without
looking at any extraction.

The title candidates (``gold-sample.py``) are all annotated, so further development postings come
from the posts just below them, whose adverts state the same kinds of facts (lines, joint working,
bodies, requirements, duties): titles naming a lead, manager, matron, consultant or deputy, and
none of the candidate words. They are ordered by the same keyed hash of the id and the first
``COUNT`` are written byte for byte to ``tests/data/gold/corpus-2020-more.jsonl``; none of them can
be in the frozen test split, which holds title candidates only. They are development postings.
The next ``CALIBRATION`` in the same order go to ``tests/data/gold/corpus-2020-calibration.jsonl``:
the calibration split, annotated blind and never tuned on, on which the facts' confidences are
measured (``scripts/calibrate-confidence.py``); a file of their own, so that the duty model, which
records the bytes of its dev postings' sources, is not made stale by them. The next ``LATER`` go to
``tests/data/gold/corpus-2020-later.jsonl``: development postings again, annotated after the others
(the 1,314 after the first 400, read in batches of 40, one of 80 and a last one of 34, leave out the one the senior stratum below had taken). Their leadership
flag is false by the candidate rule (the title names no chief, director, head, chair,
non-executive or guardian).

``tests/data/gold/corpus-2020-senior.jsonl`` holds a stratum of its own: the first ``SENIOR``, in
the same order, of the postings at senior pay whose title names none of the candidate words and
no medical, dental or clinical grade (Agenda for Change band 8c, 8d or 9 or VSM named in the title or the
salary, or a yearly minimum of at least 63,751 pounds, the foot of band 8c in 2020), in none of
the files above. Their adverts are the test split's kind (associate directors in all but name,
general managers of a division, programme leads), which the consultant and ward adverts of the
other strata are not; and whether they lead, the flag has never been asked of them.
``tests/data/gold/corpus-2020-front-line.jsonl`` holds the front-line stratum: the first
``FRONT_LINE``, in the same order, of the postings whose title names none of the candidate words
and no lead, manager, matron, consultant or deputy either (staff nurses, therapists, scientists,
secretaries, salaried GPs, support workers), in none of the files above. They are two thirds of the
corpus and most of what ``--all-postings-full`` models, and until they were drawn no reader had
checked a fact of theirs.
Usage: ``python scripts/gold-sample-more.py ../shared/corpus/nhs-jobs-2020.jsonl.gz``
"""

from __future__ import annotations

import gzip
import hashlib
import html
import json
import re
import sys
from pathlib import Path

GOLD = Path(__file__).resolve().parents[1] / "tests" / "data" / "gold"
KEY = "nhskg gold 2026-12-04"
#: The title candidates' words, kept here as a literal so that the frozen samples never move with the
#: vocabulary; the extractor's context concept leadership-level-title says the same, and
#: tests/test_duty_model.py holds the two together.
CANDIDATE = re.compile(r"\b(?:chief|director|head|chair(?:man|woman|person)?|non[- ]?exec\w*|guardian)\b", re.I)
BELOW = re.compile(r"\b(?:lead|manager|matron|consultant|deputy)\b", re.I)
COUNT = 175
#: the postings after the first ``COUNT`` in the same order that form the calibration split
CALIBRATION = 60
#: the postings after the calibration split in the same order: a later development batch, annotated
#: blind and scored unseen before any rule was tuned on it; 1,714 is every posting the order holds
LATER = 1714
#: ``LATER`` when the senior stratum was drawn: the stratum leaves out the postings before it, and
#: the later batches after it leave out the stratum's, so that no posting is in both
LATER_BEFORE_SENIOR = 400


#: the senior stratum: how many (49 is every such posting: the first 30, then the 19 after them,
#: each batch annotated blind and scored unseen before tuning), and what makes a posting senior or
#: a medical or dental grade
SENIOR = 49
SENIOR_BAND = re.compile(r"\b(?:band\s*8\s*[cd]|8[cd]|band\s*9|VSM|very\s+senior\s+manager)\b", re.I)
SENIOR_PAY = 63751.0
MEDICAL = re.compile(r"\b(?:consultants?|doctors?|GPs?|general\s+practitioners?|dentists?|dental|specialty|speciality|"
                     r"registrars?|physicians?|surgeons?|psychiatrists?|anaesthetists?|radiologists?|paediatricians?|"
                     r"pathologists?|dermatologists?|oncologists?|associate\s+specialists?|ENT|locums?|fellows?|"
                     r"fellowships?|lectureships?|medical)\b", re.I)
#: a clinical grade ("Staff Nurse", "Sonographer", "Clinical Psychologist"), whose advertised pay is
#: senior only by a slip in the salary field, unless the title also names a lead or a manager
CLINICAL_GRADE = re.compile(r"\b(?:nurses?|sonographers?|psychologists?|practitioners?|support\s+workers?|scientists?|"
                            r"therapists?|pharmacists?|midwi(?:fe|ves)|radiographers?|paramedics?|physiotherapists?)\b", re.I)
#: the front-line stratum: how many, in the same order (read in batches of 80, one a round; each batch's last 40 were
#: held back, scored unseen when read and again at the end of the round, then added with the first 40; the ninth
#: batch's last 40 are the calibration split's front-line posts; the tenth, eleventh and twelfth batches were 40
#: each, scored unseen, then added)
FRONT_LINE = 840
MANAGES = re.compile(r"\b(?:lead|leads|manager|managers)\b", re.I)


def _yearly_minimum(value: dict) -> float | None:
    if value.get("unitText") != "YEAR":
        return None
    try:
        return float(str(value.get("minValue")).replace(",", ""))
    except ValueError:
        return None


def _senior(record: dict, title: str) -> bool:
    value = (record.get("baseSalary") or {}).get("value") or {}
    if not isinstance(value, dict):
        value = {}
    minimum = _yearly_minimum(value)
    return bool(SENIOR_BAND.search(title) or SENIOR_BAND.search(str(value.get("value") or ""))) or (
        minimum is not None and SENIOR_PAY <= minimum <= 250000)


def _order(record_id: str) -> str:
    return hashlib.sha256(f"{KEY}:{record_id}".encode()).hexdigest()


def main(corpus: Path) -> None:
    chosen: list[tuple[str, bytes]] = []
    senior: list[tuple[str, bytes]] = []
    front_line: list[tuple[str, bytes]] = []
    with gzip.open(corpus, "rb") as handle:
        for line in handle:
            record = json.loads(line)
            title = html.unescape(record.get("title") or "")
            if CANDIDATE.search(title) or len(record.get("description") or "") <= 1500:
                continue
            kept = (str(record["id"]), line if line.endswith(b"\n") else line + b"\n")
            if BELOW.search(title):
                chosen.append(kept)
            else:
                front_line.append(kept)
            clinical_grade = CLINICAL_GRADE.search(title) and not MANAGES.search(title)
            if _senior(record, title) and not MEDICAL.search(title) and not clinical_grade:
                senior.append(kept)
    chosen.sort(key=lambda c: _order(c[0]))
    taken = {record_id for record_id, _ in chosen[:COUNT + CALIBRATION + LATER_BEFORE_SENIOR]}
    taken |= {str(json.loads(line)["id"]) for line in (GOLD.parents[2] / "seeds" / "nhs-jobs-2020-leadership.jsonl").read_text(encoding="utf-8").splitlines() if line.strip()}
    senior = sorted((c for c in senior if c[0] not in taken), key=lambda c: _order(c[0]))[:SENIOR]
    in_senior = {record_id for record_id, _ in senior}
    later = [c for c in chosen[COUNT + CALIBRATION:] if c[0] not in in_senior][:LATER]
    drawn = taken | in_senior
    front_line = sorted((c for c in front_line if c[0] not in drawn), key=lambda c: _order(c[0]))[:FRONT_LINE]
    for name, part in (("corpus-2020-more.jsonl", chosen[:COUNT]),
                       ("corpus-2020-calibration.jsonl", chosen[COUNT:COUNT + CALIBRATION]),
                       ("corpus-2020-later.jsonl", later),
                       ("corpus-2020-senior.jsonl", senior),
                       ("corpus-2020-front-line.jsonl", front_line)):
        with (GOLD / name).open("wb") as out:
            for _, line in part:
                out.write(line)
        print(name, " ".join(record_id for record_id, _ in part))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
