"""Hostile input (hypothesis) against the real REST webhook: random unicode, control
characters, unpaired surrogates, huge messages, malformed JSON and wrong types. The
server never answers 500 or 503, and every message it accepts is stored exactly as
typed. Derandomised, so CI runs the same cases every time."""

from __future__ import annotations

import itertools
import json

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.store.transcript import read_transcript

_senders = itertools.count()
FUZZ = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs",)), max_size=200),
    st.text(st.sampled_from("\x00\x07\x1b\r\n\t \u202e\u200b\ufeff/{}[]\"'<>&%"), max_size=60),
    st.text(min_size=1, max_size=10).map(lambda s: s * 900),  # around the 8,000 cap
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)


def post(stack, body: bytes) -> requests.Response:
    return requests.post(
        stack.webhook, data=body, headers={"Content-Type": "application/json"}, timeout=90
    )


@FUZZ
@given(message=TEXT)
def test_any_text_is_answered_and_stored_exactly_as_typed(stack, message):
    sender = f"fuzz-{next(_senders)}"
    body = json.dumps({"sender": sender, "message": message}).encode()
    reply = post(stack, body)
    if len(message) > stack.settings.max_message_chars:
        assert reply.status_code == 413 and "shorter parts" in reply.json()["error"]
        assert read_transcript(stack.settings.database_url, sender) == []
        return
    if "\x00" in message:  # no database text field can hold it: refused by name
        assert reply.status_code == 400 and "NUL character (U+0000)" in reply.text
        assert read_transcript(stack.settings.database_url, sender) == []
        return
    assert reply.status_code == 200, (reply.status_code, reply.text[:300])
    said = [
        line.text
        for line in read_transcript(stack.settings.database_url, sender)
        if line.speaker == "user"
    ]
    assert said == [message]


@FUZZ
@given(
    body=st.one_of(
        JSON_VALUES.map(lambda v: json.dumps(v).encode()),
        st.dictionaries(
            st.sampled_from(["sender", "message", "message_id", "metadata", "extra"]),
            JSON_VALUES,
            max_size=5,
        ).map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=300),
        st.text(max_size=100).map(lambda t: ('{"sender": "x", "message": ' + t).encode()),
    )
)
def test_malformed_bodies_and_wrong_types_get_a_clear_4xx(stack, body):
    reply = post(stack, body)
    assert reply.status_code in (200, 400, 413), (reply.status_code, body[:100])
    if reply.status_code == 400:  # the reason, in words: what to send instead
        answer = reply.json()
        assert len(answer.get("message") or answer.get("error") or "") > 20, answer


@FUZZ
@given(
    where=st.sampled_from(["message", "sender", "message_id"]),
    surrogate=st.integers(0xD800, 0xDFFF),
)
def test_unpaired_surrogates_are_refused_by_name_not_stored(stack, where, surrogate):
    sender = f"fuzz-s-{next(_senders)}"
    fields = {"sender": sender, "message": "hello", "message_id": "m-1"}
    fields[where] = f"ab\\u{surrogate:04x}cd"
    body = "{" + ", ".join(f'"{k}": "{v}"' for k, v in fields.items()) + "}"
    reply = post(stack, body.encode())
    assert reply.status_code == 400
    assert "unpaired surrogate" in reply.text or "'message_id' must be" in reply.text
    assert read_transcript(stack.settings.database_url, sender) == []
