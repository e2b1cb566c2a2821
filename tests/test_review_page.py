"""The review page of ``nhskg serve`` (issue 18): it lists facts, writes decisions to the curation
folder only, refuses requests from elsewhere and path tricks, escapes what people wrote, and
leaves the SPARQL endpoint read-only. ``tests/browser/test_review_browser.py`` drives it by keyboard.
"""

from __future__ import annotations

import csv
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest

from graph_fixtures import ev, leadership_posting
from nhskg.pipeline.build import build_postings
from nhskg.extract.postings import Item
from nhskg.serve.server import ServeConfig, SparqlServer, serve_in_thread
from nhskg.graph.store import GraphStore
from nhskg.vocabulary.vocab import Vocabulary

HOSTILE = "You will be the <script>window.__pwned=1</script> Responsible Officer & more."


QUERIES = Path(__file__).resolve().parents[1] / "queries"


@pytest.fixture
def served(tmp_path: Path, home: Path, vocab: Vocabulary) -> Iterator[tuple[SparqlServer, Path, Path]]:
    """The small home's vocabulary with the real query library, one posting built, the page on."""
    assert (home / "queries").resolve() == QUERIES.resolve()  # the small home has the real query library
    store = tmp_path / "store"
    posting = replace(leadership_posting(), designations=(Item("responsible-officer", "Responsible Officer", ev(HOSTILE, 101)),))
    build_postings([posting], store, vocab=vocab, validate=False)
    curation = tmp_path / "project" / "curation"
    curation.parent.mkdir()
    server, _thread = serve_in_thread(ServeConfig(store, port=0, workers=1, curation=curation))
    yield server, curation, store
    server.shutdown()
    server.server_close()


def call(server: SparqlServer, path: str, data: dict[str, str] | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], str]:
    root = server.url.rsplit("/", 1)[0]
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(root + path, data=body, headers={
        **({"Content-Type": "application/x-www-form-urlencoded"} if data is not None else {}), **(headers or {})})

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
            return None

    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as answer:
            return answer.status, dict(answer.headers), answer.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode("utf-8")


def form_of(page: str, code: str) -> dict[str, str]:
    """The hidden fields of the accept/reject form of the fact with ``code``."""
    for form in re.findall(r'<form class="decide".*?</form>', page, re.S):
        fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
        if fields.get("code") == code:
            return {k: v.replace("&amp;", "&").replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&#x27;", "'")
                    for k, v in fields.items()}
    raise AssertionError(f"no form for {code}")


def test_the_page_lists_facts_with_labels_and_escapes_what_postings_say(served) -> None:  # type: ignore[no-untyped-def]
    server, _curation, _store = served
    status, headers, page = call(server, "/review?reviewer=Ann")
    assert status == 200 and "default-src 'none'" in headers["Content-Security-Policy"]
    assert "The post <strong>holds designation</strong> Responsible Officer" in page
    assert "The post <strong>works with</strong> Chief Nurse" in page
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page and "<script>window" not in page
    assert "https://w3id.org" not in page.split("<datalist")[0]  # labels, not IRIs, where a person reads


def test_a_decision_is_written_to_the_curation_folder_as_plain_text_and_shown_escaped(served) -> None:  # type: ignore[no-untyped-def]
    server, curation, store = served
    before = set(GraphStore.open(store).store)
    _, _, page = call(server, "/review?reviewer=Ann")
    name, note = "<b>Ann</b> O'Neil", 'not <i>hers</i>, "really"'
    status, headers, text = call(server, "/review/decide", {**form_of(page, "responsible-officer"), "decision": "reject",
                                                            "reviewer": name, "note": note})
    assert status == 303 and headers["Location"].startswith("/review?"), text
    [path] = list(curation.iterdir())
    assert path.name == "b-ann-b-o-neil.csv"
    [row] = list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    assert (row["decision"], row["reviewer"], row["note"]) == ("reject", name, note)
    assert row["posting"] == "job-1" and row["field"] == "designations" and row["code"] == "responsible-officer"
    _, _, page = call(server, "/review?status=decided")
    assert "rejected by &lt;b&gt;Ann&lt;/b&gt; O&#x27;Neil (next build)" in page and "<b>Ann</b>" not in page
    assert set(GraphStore.open(store).store) == before  # the store is never written
    assert sorted(p.name for p in curation.parent.iterdir()) == ["curation"]


def test_a_correction_takes_labels_as_typed(served) -> None:  # type: ignore[no-untyped-def]
    server, curation, _store = served
    _, _, page = call(server, "/review?reviewer=Ann")
    status, _, text = call(server, "/review/decide", {
        **form_of(page, "chief-nurse"), "decision": "correct", "to_field": "accountable to", "to_code": "chief nurse"},
        headers={"Accept": "application/json"})
    assert status == 200, text
    assert '"status": "corrected to accountable to Chief Nurse by Ann (next build)"' in text
    row = next(csv.DictReader((curation / "ann.csv").open(encoding="utf-8", newline="")))
    assert (row["field"], row["to_field"], row["to_code"]) == ("works_with", "accountable_to", "chief-nurse")
    status, _, text = call(server, "/review/decide", {**form_of(page, "chief-nurse"), "decision": "correct",
                                                       "to_field": "accountable to", "to_code": "Chief Wizard"})
    assert status == 400 and "neither a code nor a label" in text


@pytest.mark.parametrize("name", ["../../outside", "/etc/cron.d/x", "~root", "..", "a\\..\\b"])
def test_path_tricks_in_a_name_are_refused_and_nothing_is_written(served, name: str, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    server, curation, _store = served
    _, _, page = call(server, "/review?reviewer=Ann")
    status, _, text = call(server, "/review/decide", {**form_of(page, "gmc"), "decision": "accept", "reviewer": name})
    assert status == 400 and "may not look like a path" in text
    assert not any(p.suffix == ".csv" for p in tmp_path.rglob("*"))


def test_requests_not_from_the_page_are_refused(served) -> None:  # type: ignore[no-untyped-def]
    server, curation, _store = served
    _, _, page = call(server, "/review?reviewer=Ann")
    fields = {**form_of(page, "gmc"), "decision": "accept"}
    port = server.server_address[1]
    assert call(server, "/review/decide", {**fields, "token": "guess"})[0] == 403
    assert call(server, "/review/decide", fields, {"Origin": "https://evil.example"})[0] == 403
    assert call(server, "/review/decide", fields, {"Host": f"rebound.example:{port}"})[0] == 403
    assert call(server, "/review/decide", {**fields, "code": "cqc"})[0] == 409  # no such fact in the graph
    assert call(server, "/review/decide", {**fields, "evidence": "0" * 12})[0] == 409
    assert call(server, "/review/decide")[0] == 405
    assert call(server, "/review/../sparql?query=ASK%7B%7D")[0] == 404  # the route never leaves /review
    assert call(server, "/review/x")[0] == 404
    assert not curation.exists()
    assert call(server, "/review/decide", fields, {"Origin": f"http://127.0.0.1:{port}"})[0] == 303
    assert [p.name for p in curation.iterdir()] == ["ann.csv"]



@pytest.mark.parametrize("page", ["\u00b2", "9" * 5_000, "0", "-1", "x"], ids=["superscript two", "5,000 digits", "0", "-1", "x"])
def test_a_page_number_that_is_not_one_is_a_400_naming_it(served, page: str) -> None:  # type: ignore[no-untyped-def]
    # '²' passes str.isdigit() and 5,000 digits are too many for int(): both raised ValueError,
    # so the client got no answer at all and the server logged a traceback
    server, _curation, _store = served
    status, _, text = call(server, "/review?" + urllib.parse.urlencode({"reviewer": "Ann", "page": page}))
    assert status == 400 and text.startswith("page is a whole number")


@pytest.mark.parametrize(("knob", "status"), [("limit", 503), ("per_client_queue", 429)])
def test_a_refused_query_is_answered_with_its_own_status(served, knob: str, status: int) -> None:  # type: ignore[no-untyped-def]
    # the pool's refusals (busy, too many queries, over the time limit) came back as 400: the
    # library's query runner wrapped them as a query error
    server, _curation, _store = served
    original = getattr(server.pool, knob)
    setattr(server.pool, knob, 0)
    try:
        answer, headers, text = call(server, "/review?reviewer=Ann")
    finally:
        setattr(server.pool, knob, original)
    assert answer == status and headers["Retry-After"] == "1"
    assert "busy" in text if status == 503 else "too many queries" in text

def test_sparql_stays_read_only_beside_the_review_page(served) -> None:  # type: ignore[no-untyped-def]
    server, _curation, store = served
    before = set(GraphStore.open(store).store)
    update = "INSERT DATA { <http://ex/a> <http://ex/b> <http://ex/c> }"
    assert call(server, "/sparql", {"update": update})[0] == 403
    assert call(server, "/sparql", {"query": update})[0] == 403
    assert set(GraphStore.open(store).store) == before


def test_the_page_is_off_unless_a_curation_folder_is_given(tmp_path: Path, vocab: Vocabulary) -> None:
    store = tmp_path / "store"
    build_postings([leadership_posting()], store, vocab=vocab, validate=False)
    server, _thread = serve_in_thread(ServeConfig(store, port=0, workers=1))
    try:
        status, _, text = call(server, "/review")
        assert status == 404 and "--review" in text
    finally:
        server.shutdown()
        server.server_close()


def test_beyond_loopback_the_origin_must_still_be_the_host_the_request_was_sent_to() -> None:
    from types import SimpleNamespace

    from nhskg.review.page import _Bad, _same_server

    wide = SimpleNamespace(server_address=("0.0.0.0", 7878), config=SimpleNamespace(host="0.0.0.0"))
    _same_server(wide, {"Host": "kg.trust.nhs.uk:7878", "Origin": "http://kg.trust.nhs.uk:7878"})
    with pytest.raises(_Bad):
        _same_server(wide, {"Host": "kg.trust.nhs.uk:7878", "Origin": "https://evil.example"})
    loop = SimpleNamespace(server_address=("127.0.0.1", 7878), config=SimpleNamespace(host="127.0.0.1"))
    _same_server(loop, {"Host": "localhost:7878"})
    with pytest.raises(_Bad):
        _same_server(loop, {"Host": "kg.trust.nhs.uk:7878"})


@pytest.fixture
def served_areas(tmp_path: Path, home: Path, vocab: Vocabulary) -> Iterator[tuple[SparqlServer, Path]]:
    """One posting whose duty the duty model read as about patient safety (0.31), the page on."""
    from nhskg.extract.postings import Duty

    said = "Oversee the care of patients on the wards."
    posting = replace(leadership_posting(), duties=(
        Duty(said, ("patient-safety",), (), ev(said, 240), confidence=0.9, area_confidence=(0.31,)),))
    store = tmp_path / "store"
    build_postings([posting], store, vocab=vocab, validate=False)
    curation = tmp_path / "project" / "curation"
    curation.parent.mkdir()
    server, _thread = serve_in_thread(ServeConfig(store, port=0, workers=1, curation=curation))
    yield server, curation
    server.shutdown()
    server.server_close()


def test_the_page_shows_and_corrects_a_duty_area_by_label(served_areas) -> None:  # type: ignore[no-untyped-def]
    server, curation = served_areas
    _, _, page = call(server, "/review?reviewer=Ann&field=duty+area")
    assert "A duty of the post is about <strong>Patient safety</strong>" in page and "confidence 0.31" in page
    [article] = re.findall(r'<article class="fact".*?</article>', page, re.S)
    # the correction offers the duty areas only, by label
    assert re.findall(r'<select name="to_field">(.*?)</select>', article, re.S) == [
        '<option value="duty_areas" selected data-scheme="duty-area">duty area</option>']
    assert '<datalist id="values-duty-area"><option value="Finance">finance</option>' in page
    status, _, text = call(server, "/review/decide", {**form_of(page, "patient-safety"), "decision": "correct",
                                                       "to_field": "works with", "to_code": "Chief Nurse"})
    assert status == 400 and "a duty area can only be corrected to another duty area" in text
    status, _, text = call(server, "/review/decide", {**form_of(page, "patient-safety"), "decision": "correct",
                                                       "to_field": "duty_areas", "to_code": "Finance"},
                           headers={"Accept": "application/json"})
    assert status == 200, text
    row = next(csv.DictReader((curation / "ann.csv").open(encoding="utf-8", newline="")))
    assert (row["field"], row["code"], row["to_field"], row["to_code"]) == ("duty_areas", "patient-safety", "duty_areas", "finance")


def test_a_line_is_not_offered_a_duty_area_as_its_correction(served) -> None:  # type: ignore[no-untyped-def]
    server, _curation, _store = served
    _, _, page = call(server, "/review?reviewer=Ann")
    assert 'value="duty_areas"' not in "".join(re.findall(r'<select name="to_field">.*?</select>', page, re.S))
