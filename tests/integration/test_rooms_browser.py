"""A room in real browsers (Debian Chromium via Playwright) on the real stack: three
parties in three contexts and the facilitator in a fourth. The parties talk in
caucus, share some of it and keep one thing private; that thing never appears in the
other contexts, nor in anything the server sent them. They vote on a two-clause text;
one clause is revised after "needs change" and then agreed; the export says so."""

from __future__ import annotations

import contextlib
import json

import pytest

from bot.store.rooms import RoomRepository
from tests.integration.conftest import ARTIFACTS

WAIT_MS = 60_000
PARTIES = ["Riverland", "Dryland", "Hill tribes"]
SHARED = {
    "Riverland": "Our farmers depend on the river water in summer",
    "Dryland": "Our cities need drinking water all year",
    "Hill tribes": "Our villages need the forest on the slopes kept standing",
}
PRIVATE = "We could give up the northern bank if pressed"  # Riverland keeps it

# Every byte of server-sent events a page receives, kept for the test to read.
RECORD_EVENTS = """
(() => {
  window.__events = [];
  const Original = window.EventSource;
  window.EventSource = function (url, options) {
    const source = new Original(url, options);
    for (const name of ["view", "caucus", "refused", "message"]) {
      source.addEventListener(name, (event) => window.__events.push(event.data));
    }
    return source;
  };
  window.EventSource.prototype = Original.prototype;
})();
"""


class Participant:
    def __init__(self, browser, url: str) -> None:
        self.context = browser.new_context(viewport={"width": 1100, "height": 1000})
        self.context.add_init_script(RECORD_EVENTS)
        self.page = self.context.new_page()
        self.received: list[str] = []
        self.page.on("response", self._keep)
        self.page.goto(url)
        self.page.locator("#live", has_text="Live").wait_for(timeout=WAIT_MS)

    def _keep(self, response) -> None:
        if "text/event-stream" in (response.headers.get("content-type") or ""):
            return  # a stream never ends: its events are kept by RECORD_EVENTS
        with contextlib.suppress(Exception):  # a redirect or an aborted request has no body
            self.received.append(response.text())

    def everything_received(self) -> str:
        events = self.page.evaluate("window.__events")
        return "\n".join(self.received + events + [self.page.content()])

    def say(self, text: str, expect: str) -> None:
        box = self.page.locator("#say textarea")
        box.fill(text)
        self.page.locator("#say button[type=submit]").click()
        self.page.locator("#chat li", has_text=expect).last.wait_for(timeout=WAIT_MS)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def room(stack):
    rooms = RoomRepository.from_settings(stack.settings)
    return rooms.create_room("The Kora river and the hill forests", PARTIES)


def test_three_parties_and_a_facilitator(browser, stack, room):
    base = stack.web_url.rstrip("/")
    links = {p.name: f"{base}/rooms/{p.token}" for p in room.parties}
    facilitator = Participant(browser, f"{base}/rooms/{room.facilitator.token}")
    parties = {name: Participant(browser, url) for name, url in links.items()}
    try:
        # Caucus: each party's chat starts by itself; each states an interest.
        for name, person in parties.items():
            person.page.locator("#chat li", has_text=f"{name}'s private caucus").wait_for(
                timeout=WAIT_MS
            )
            person.say(SHARED[name], f"Noted, privately, as an interest of {name}")
        river = parties["Riverland"]
        river.say("done", "What could Riverland offer")
        river.say(PRIVATE, "could offer")
        notes = river.page.locator("#caucus li")
        notes.nth(1).wait_for(timeout=WAIT_MS)
        assert notes.count() == 2

        # Hill tribes leaves mid-way and comes back on another device: the same caucus.
        parties["Hill tribes"].close()
        parties["Hill tribes"] = Participant(browser, links["Hill tribes"])
        back = parties["Hill tribes"].page
        back.locator("#chat li", has_text=SHARED["Hill tribes"]).wait_for(timeout=WAIT_MS)
        back.locator("#caucus li", has_text=SHARED["Hill tribes"]).wait_for(timeout=WAIT_MS)
        assert back.locator("#chat li", has_text="private caucus").count() == 1  # not restarted

        # Each shares its interest; Riverland keeps its offer private.
        for name, person in parties.items():
            item = person.page.locator("#caucus li", has_text=SHARED[name])
            item.locator("input[type=checkbox]").check()
            person.page.locator("#share-selected").click()
            item.locator(".state", has_text="released").wait_for(timeout=WAIT_MS)
        for person in [facilitator, *parties.values()]:
            for text in SHARED.values():
                person.page.locator("#joint li", has_text=text).wait_for(timeout=WAIT_MS)
        facilitator.page.locator("#common-ground li").first.wait_for(timeout=WAIT_MS)

        # The facilitator drafts two clauses; every party sees them arrive.
        for text in ("Both sides share river data weekly.", "The dam's gates open in summer."):
            facilitator.page.locator("#new-clause textarea").fill(text)
            facilitator.page.locator("#new-clause button[type=submit]").click()
        for person in parties.values():
            person.page.locator("#clauses li[data-clause='2']").wait_for(timeout=WAIT_MS)

        def vote(name: str, clause: int, choice: str, comment: str = "") -> None:
            item = parties[name].page.locator(f"#clauses li[data-clause='{clause}']")
            if comment:
                item.locator(".vote input").fill(comment)
            item.locator(f"button[data-vote='{choice}']").click()
            parties[name].page.locator(
                f"#clauses li[data-clause='{clause}'] .votes",
                has_text=f"{name}: " + choice.replace("_", " "),
            ).wait_for(timeout=WAIT_MS)

        # Dryland in a second tab: what it does in one shows in the other.
        second_tab = parties["Dryland"].context.new_page()
        second_tab.goto(links["Dryland"])
        second_tab.locator("#clauses li[data-clause='2']").wait_for(timeout=WAIT_MS)
        for name in PARTIES:
            vote(name, 1, "can_live_with")
        second_tab.locator(
            "#clauses li[data-clause='1'] .votes", has_text="Dryland: can live with"
        ).wait_for(timeout=WAIT_MS)
        vote("Riverland", 2, "can_live_with")
        vote("Dryland", 2, "needs_change", "only in July and August")
        vote("Hill tribes", 2, "can_live_with")
        facilitator.page.locator(
            "#clauses li[data-clause='2'] .votes", has_text="only in July and August"
        ).wait_for(timeout=WAIT_MS)
        assert "agreed" in facilitator.page.locator("#clauses li[data-clause='1']").inner_text()

        # Revised after the comment; the earlier votes no longer count; all agree.
        revise = facilitator.page.locator("#clauses li[data-clause='2'] form.revise")
        revise.locator("textarea").fill("The dam's gates open in July and August.")
        revise.locator("button").click()
        for person in parties.values():
            person.page.locator("#clauses li[data-clause='2'][data-version='2']").wait_for(
                timeout=WAIT_MS
            )
        for name in PARTIES:
            vote(name, 2, "can_live_with")
        facilitator.page.locator(
            "#clauses li[data-clause='2'] .clause-status", has_text="agreed · v2"
        ).wait_for(timeout=WAIT_MS)
        for name, person in parties.items():
            person.page.locator("#confirm-text").click()
            person.page.locator("#confirmations", has_text=name).wait_for(timeout=WAIT_MS)
            assert person.page.locator("#confirm-text").is_disabled()
        facilitator.page.locator(
            "#confirmations", has_text="by Riverland, Dryland, Hill tribes"
        ).wait_for(timeout=WAIT_MS)

        exported = facilitator.page.evaluate(
            "async () => (await fetch(document.getElementById('export-md').href)).text()"
        )
        assert "1. Both sides share river data weekly. *(agreed)*" in exported
        assert "2. The dam's gates open in July and August. *(agreed)*" in exported
        for name in PARTIES:
            assert f"- {name}: confirmed the text above" in exported
        agreement = json.loads(
            facilitator.page.evaluate(
                "async () => (await fetch(document.getElementById('export-json').href)).text()"
            )
        )
        assert [(c["number"], c["version"]) for c in agreement["clauses"]] == [
            (1, 1),
            (2, 1),
            (2, 2),
        ]

        # The private offer: in Riverland's own page, nowhere else, not even in transit.
        assert PRIVATE in river.everything_received()
        for person in [facilitator, parties["Dryland"], parties["Hill tribes"]]:
            seen = person.everything_received()
            assert SHARED["Riverland"] in seen  # the shared one did arrive
            assert PRIVATE not in seen
        assert PRIVATE not in exported and PRIVATE not in json.dumps(agreement)
    except Exception:
        for name, person in {"facilitator": facilitator, **parties}.items():
            person.page.screenshot(path=str(ARTIFACTS / f"room-{name.replace(' ', '-')}.png"))
        raise
    finally:
        for person in [facilitator, *parties.values()]:
            person.close()
