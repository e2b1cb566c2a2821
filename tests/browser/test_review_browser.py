"""The review page of ``nhskg serve`` in headless Chromium, driven by the keyboard alone (issue 18).

A reviewer types their name, then accepts, skips, rejects and corrects facts without touching the
mouse; the decisions land in their file in the curation folder, and nothing on the page runs the
hostile text of the posting. Needs ``scripts/install-browser.sh``; run with ``pytest -m browser``.
"""

from __future__ import annotations

import csv
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import pytest

from graph_fixtures import ev, leadership_posting
from nhskg.pipeline.build import build_postings
from nhskg.extract.postings import Item
from nhskg.serve.server import ServeConfig, SparqlServer, serve_in_thread
from nhskg.vocabulary.vocab import Vocabulary

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "out" / "screenshots"
HOSTILE = 'You will be the <img src=x onerror="window.__pwned=1"> Responsible Officer.'


@pytest.fixture
def served(tmp_path: Path, home: Path, vocab: Vocabulary) -> Iterator[tuple[SparqlServer, Path]]:
    store = tmp_path / "store"
    posting = replace(leadership_posting(), designations=(Item("responsible-officer", "Responsible Officer", ev(HOSTILE, 101)),))
    build_postings([posting], store, vocab=vocab, validate=False)
    curation = tmp_path / "curation"
    server, _thread = serve_in_thread(ServeConfig(store, port=0, workers=1, curation=curation))
    yield server, curation
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    if not CHROMIUM.exists():
        pytest.fail("no /usr/bin/chromium: run scripts/install-browser.sh")
    sync_api = pytest.importorskip("playwright.sync_api", reason="run scripts/install-browser.sh")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=str(CHROMIUM), headless=True,
            args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"],
            viewport={"width": 1300, "height": 900},
        )
        yield context
        context.close()


def test_a_reviewer_decides_by_keyboard_alone_and_the_file_is_written(browser, served) -> None:  # type: ignore[no-untyped-def]
    server, curation = served
    root = server.url.rsplit("/", 1)[0]
    page = browser.new_page()
    elsewhere: list[str] = []
    errors: list[str] = []

    def route(route):  # type: ignore[no-untyped-def]
        if route.request.url.startswith(root + "/"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(root + "/review")

    # The name box has the focus: type the name, Enter starts (the page reloads with it).
    assert page.evaluate("document.activeElement.id") == "reviewer"
    page.keyboard.type("Ann <b>Smith</b>")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    facts = page.evaluate("Array.from(document.querySelectorAll('article.fact')).map(a => a.querySelector('.claim').innerText)")
    assert len(facts) == 6, facts
    assert page.evaluate("document.activeElement.classList.contains('fact')")

    def current() -> str:
        return page.evaluate("document.activeElement.querySelector('.claim').innerText")

    def status_of(index: int) -> str:
        return page.evaluate(f"document.querySelectorAll('article.fact')[{index}].querySelector('.status').innerText")

    first = current()
    page.keyboard.press("a")  # accept the first: its status says so, the next fact has the focus
    page.wait_for_function("() => document.querySelectorAll('article.fact')[0].classList.contains('decided')")
    assert status_of(0) == "accepted by Ann <b>Smith</b> (next build)"
    assert current() == facts[1]
    page.keyboard.press("n")  # skip the second
    assert current() == facts[2]
    page.keyboard.press("r")  # reject the third
    page.wait_for_function("() => document.querySelectorAll('article.fact')[2].classList.contains('decided')")
    assert status_of(2).startswith("rejected by Ann")
    assert current() == facts[3]
    page.keyboard.press("k")  # back to the third, then on to the fourth, and correct it
    page.keyboard.press("j")
    assert current() == facts[3]
    page.keyboard.press("c")
    assert page.evaluate("document.activeElement.name") == "to_field"
    page.keyboard.type("engages with")  # a select takes the option whose label one types
    assert page.evaluate("document.activeElement.value") == "bodies"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "to_code"
    page.keyboard.type("Care Quality Commission")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('article.fact')[3].classList.contains('decided')")
    assert "corrected to" in status_of(3), status_of(3)
    page.keyboard.press("Escape")

    rows = list(csv.DictReader((curation / "ann-b-smith-b.csv").open(encoding="utf-8", newline="")))
    assert sorted((r["decision"], r["reviewer"]) for r in rows) == [
        ("accept", "Ann <b>Smith</b>"), ("correct", "Ann <b>Smith</b>"), ("reject", "Ann <b>Smith</b>")]
    decided = {r["decision"]: r for r in rows}
    assert decided["correct"]["to_code"] == "cqc"
    assert decided["correct"]["to_field"] == "bodies" and decided["correct"]["field"] != "bodies"
    assert "accountable to Chief Executive" in first and decided["accept"]["code"] == "chief-executive"
    assert decided["reject"]["code"] == "responsible-officer"
    assert [p.name for p in curation.iterdir()] == ["ann-b-smith-b.csv"]
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img, iframe, b').length") == 0
    assert elsewhere == [] and errors == [], (elsewhere, errors)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "review.png"), full_page=True)
    page.close()
