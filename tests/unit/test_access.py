"""Who may read what, without a server: conversation ids and debrief links cannot be
guessed or forged; signing keys are long enough and shared by every process."""

from __future__ import annotations

import pytest

from bot.settings import Settings
from bot.store.training import new_debrief_token
from bot.web.auth import Signer, load_secret
from bot.web.debrief import TOKEN as DEBRIEF_TOKEN


def test_conversation_ids_are_unguessable_and_unforgeable(tmp_path):
    signer = Signer(load_secret(None, tmp_path / "secret_key"))
    ids = {signer.conversation_id() for _ in range(500)}
    assert len(ids) == 500
    assert all(signer.is_conversation_id(i) for i in ids)
    sample = next(iter(ids))
    nonce, mac = sample.split(".")
    assert len(nonce) == 32 and int(nonce, 16) >= 0  # 128 random bits
    flipped = nonce[:-1] + ("0" if nonce[-1] != "0" else "1")
    for forged in (f"{flipped}.{mac}", "alice", "integration-1", "", None, 42, sample + "x"):
        assert not signer.is_conversation_id(forged), forged
    other = Signer(b"another deployment's key")
    assert not other.is_conversation_id(sample)


@pytest.mark.parametrize(
    "value",
    ["é" * 32 + "." + "é" * 32, "\udcff" * 32 + "." + "0" * 32, "x|é", "\udcff|abc", "é|é"],
)
def test_non_ascii_and_surrogates_are_refused_not_raised(tmp_path, value):
    # hmac.compare_digest raises TypeError on non-ASCII str: the sign-in form answered 500.
    signer = Signer(load_secret(None, tmp_path / "secret_key"))
    assert not signer.is_conversation_id(value)
    assert signer.unsign(value) is None
    assert signer.session_token(value) is None
    assert not signer.is_login_token(value)
    token = signer.login_token()
    assert not signer.csrf_ok(token, value)
    assert not signer.csrf_ok(value, signer.csrf_token(token))
    assert signer.csrf_ok(token, signer.csrf_token(token))


def test_a_short_signing_key_is_refused_at_start():
    from bot.settings import ConfigError

    with pytest.raises(ConfigError, match=r"CONCORDIA_SECRET_KEY is 9 bytes.*at least 32"):
        Settings.from_env({"CONCORDIA_SECRET_KEY": "too-short"})
    assert Settings.from_env({"CONCORDIA_SECRET_KEY": "k" * 32}).secret_key == "k" * 32
    assert Settings.from_env({}).secret_key is None  # a random key in var/secret_key


def test_every_process_of_a_deployment_gets_the_same_key(tmp_path):
    path = tmp_path / "var" / "secret_key"
    keys = {load_secret(None, path) for _ in range(3)}
    assert len(keys) == 1 and len(next(iter(keys))) == 64
    assert path.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".secret_key.")]
    assert load_secret("from-the-environment", path) == b"from-the-environment"


def test_debrief_links_carry_256_random_bits():
    tokens = {new_debrief_token() for _ in range(1000)}
    assert len(tokens) == 1000
    assert all(DEBRIEF_TOKEN.match(t) and len(t) >= 43 for t in tokens)  # 32 bytes, base64
