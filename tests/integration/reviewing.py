"""Signing in to the reviewer UI over HTTP, as a browser does (the form's CSRF token
first), for the tests that read it."""

from __future__ import annotations

import re

import requests


def csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([0-9a-f]+)"', html).group(1)


def sign_in(
    base: str, password: str, name: str = "trainer"
) -> tuple[requests.Session, requests.Response]:
    client = requests.Session()
    form = client.get(f"{base}/review/login", timeout=10)
    reply = client.post(
        f"{base}/review/login",
        timeout=10,
        allow_redirects=False,
        data={"name": name, "password": password, "csrf_token": csrf(form.text)},
    )
    return client, reply
