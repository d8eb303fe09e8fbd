"""The chat widget in a real browser (Debian Chromium via Playwright) on the real stack."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest

from tests.integration.conftest import ARTIFACTS

WAIT_MS = 60_000


@pytest.fixture
def page(browser, stack):
    context = browser.new_context(viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(stack.web_url)
    yield page
    context.close()


def bot_says(page, text: str, timeout: int = WAIT_MS) -> None:
    page.locator(".rw-response", has_text=text).last.wait_for(timeout=timeout)


def send(page, text: str) -> None:
    box = page.locator(".rw-new-message")
    box.fill(text)
    box.press("Enter")


def click(page, title: str) -> None:
    page.locator(".rw-reply", has_text=title).last.click()


def current_step(page, step: str) -> None:
    page.wait_for_function(
        "step => document.querySelector('#progress').dataset.current === step",
        arg=step,
        timeout=WAIT_MS,
    )


def start_and_set_context(page) -> None:
    page.get_by_role("button", name="Start a mediation").click()
    bot_says(page, "Do you agree")
    current_step(page, "opening")
    click(page, "Yes, I agree")
    bot_says(page, "what is the dispute about")
    send(page, "A new dam on the Kora river cuts the summer flow")
    bot_says(page, "Who are the parties")
    send(page, "Riverland and Dryland")
    bot_says(page, "What matters to Riverland")


def test_a_whole_mediation_typed_and_clicked_in_the_widget(page):
    start_and_set_context(page)
    current_step(page, "interests")
    send(page, "Our farmers depend on the river for irrigation in summer")
    bot_says(page, "Noted as an interest of Riverland")
    click(page, "Done, next step")
    bot_says(page, "What matters to Dryland")
    send(page, "Dryland's farmers also depend on the river's water in summer")
    bot_says(page, "Noted as an interest of Dryland")
    click(page, "Done, next step")
    bot_says(page, "Shared needs:")
    bot_says(page, "Both Riverland and Dryland")
    current_step(page, "common_ground")
    click(page, "Yes, that's right")
    bot_says(page, "Step 5 of 6")
    current_step(page, "measures")
    click(page, "Accept 1")
    bot_says(page, "Accepted:")
    click(page, "Done, next step")
    bot_says(page, "Session reference")
    current_step(page, "summary")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "widget-mediation.png"), full_page=True)

    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".rw-new-message").is_visible()
    page.screenshot(path=str(ARTIFACTS / "widget-phone.png"))


def test_a_reply_is_shown_as_it_arrives_and_nothing_is_fetched_from_outside(browser, stack):
    """rasa-webchat held each message back 30 ms a character (0.8 to 3 s each), and its
    stylesheet fetched a font from Google that the CSP refused (a console error)."""
    context = browser.new_context()
    page = context.new_page()
    errors, hosts = [], set()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.on("request", lambda request: hosts.add(urlparse(request.url).hostname))
    page.goto(stack.web_url)
    page.evaluate(
        """() => {
            window.shownAt = [];
            new MutationObserver(() => {
                const shown = document.querySelectorAll('.rw-response').length;
                while (window.shownAt.length < shown) window.shownAt.push(performance.now());
            }).observe(document.body, {childList: true, subtree: true});
        }"""
    )
    page.get_by_role("button", name="Start a mediation").click()
    bot_says(page, "Do you agree")
    shown_at = page.evaluate("window.shownAt")
    context.close()
    assert len(shown_at) >= 2  # the opening and the consent question: one reply
    # Both messages of one reply arrive together; the old delay put 0.8 s or more
    # between them.
    assert shown_at[-1] - shown_at[0] < 500, shown_at
    assert hosts <= {"127.0.0.1", "localhost"}, hosts
    assert not errors, errors


def test_a_reload_keeps_the_conversation(page):
    start_and_set_context(page)
    page.reload()
    bot_says(page, "What matters to Riverland")  # the history is back
    assert page.locator(".rw-response", has_text="Hello, I'm Concordia").count() == 0
    send(page, "Our fishermen need safe access to the bay")
    bot_says(page, "Noted as an interest of Riverland")
    current_step(page, "interests")


def answered(page, message: str) -> None:
    """Send `message` and wait for the assistant's next reply, whatever it is."""
    before = page.locator(".rw-response").count()
    send(page, message)
    page.wait_for_function(
        "n => document.querySelectorAll('.rw-response').length > n", arg=before, timeout=WAIT_MS
    )


def test_markup_is_shown_as_text_and_never_runs(page):
    page.get_by_role("button", name="Start a mediation").click()
    bot_says(page, "Do you agree")
    click(page, "Yes, I agree")
    bot_says(page, "what is the dispute about")
    send(page, "A dispute about a border crossing")
    bot_says(page, "Who are the parties")
    for markup in ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]:
        answered(page, markup)
    page.wait_for_timeout(500)
    said = page.locator(".rw-client").all_inner_texts()
    assert "<script>alert(1)</script>" in said
    assert "<img src=x onerror=alert(1)>" in said
    assert page.locator("#webchat img[src='x']").count() == 0
    assert page.locator("#webchat script").count() == 0
    assert page.dialogs == []


def test_unreachable_assistant_is_announced_and_recovers(page, stack):
    page.get_by_role("button", name="Start a mediation").click()
    bot_says(page, "Do you agree")
    status = page.locator("#status")
    assert status.is_hidden()
    stack.stop_rasa()
    try:
        status.wait_for(state="visible", timeout=WAIT_MS)
        assert "not reachable, retrying" in status.inner_text()
    finally:
        stack.start_rasa()
    status.wait_for(state="hidden", timeout=120_000)
    send(page, "yes")
    bot_says(page, "what is the dispute about")  # the same conversation, the next step
