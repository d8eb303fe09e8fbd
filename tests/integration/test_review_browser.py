"""The reviewer UI in Chromium: sign in, filter, read an unsafe transcript, annotate, export."""

from __future__ import annotations

import json

import pytest

from bot.review.accounts import Accounts

PASSWORD = "reviewer password 1"
MARKUP = "<script>alert('review')</script> and the bridge tolls"


@pytest.fixture
def review_page(browser, stack):
    Accounts(stack.settings.database_url).add("browser-reviewer", PASSWORD)
    sender = "review-browser"
    stack.say(sender, "/start_mediation")
    stack.say(sender, "/affirm")
    stack.say(sender, MARKUP)
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.dialogs = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    context.close()


def test_reviewer_signs_in_filters_annotates_and_exports(review_page, stack, tmp_path):
    page = review_page
    page.goto(f"{stack.web_url}review")
    assert "/review/login" in page.url
    page.fill("input[name=name]", "browser-reviewer")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("#total")

    page.fill("input[name=text]", "bridge tolls")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#total")
    assert page.inner_text("#total") == "1"
    page.click("table.sessions a")
    page.wait_for_selector("section.transcript")
    assert page.get_by_text(MARKUP).count() >= 1  # shown as text
    assert page.dialogs == []

    page.fill("textarea[name=text]", "Clear opening; the consent came quickly.")
    page.click("text=Add note")
    page.get_by_text("Clear opening; the consent came quickly.").wait_for()
    page.fill("input[name=tag]", "browser-checked")
    page.click("text=Add tag")
    page.locator(".tag", has_text="browser-checked").wait_for()

    for label, check in (
        ("JSON", lambda text: json.loads(text)["transcript"]),
        ("CSV", lambda text: "browser-checked" in text),
        ("Markdown", lambda text: text.startswith("# Session")),
    ):
        with page.expect_download() as download:
            page.locator("p.meta a", has_text=label).first.click()
        target = tmp_path / download.value.suggested_filename
        download.value.save_as(target)
        assert check(target.read_text(encoding="utf-8")), label
    assert page.dialogs == []
