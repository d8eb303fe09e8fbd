"""What a client may put in a message's metadata: the keys this product defines."""

from __future__ import annotations

from connectors.rest import client_metadata
from connectors.socketio import _metadata


def test_only_defined_keys_with_allowed_values_are_kept():
    assert client_metadata({"mode": "training"}) == {"mode": "training"}
    assert client_metadata({"mode": "admin"}) == {}
    assert client_metadata({"mode": ["training"]}) == {}
    forged = {"client_message_id": "c-1", "verbatim_text": "not what was typed", "x": {}}
    assert client_metadata(forged) == {}
    assert client_metadata("mode=training") == {} and client_metadata(None) == {}


def test_the_socket_channel_reads_metadata_the_same_way():
    assert _metadata('{"mode": "mediation", "client_message_id": "c-1"}') == {"mode": "mediation"}
    assert _metadata("{not json") == {} and _metadata(42) == {}
