"""Signing in and out: a CSRF-checked form, a limit on failed attempts per address,
and a session cookie (HttpOnly, SameSite=Strict)."""

from __future__ import annotations

import asyncio

from sanic import Blueprint, response
from sanic.request import Request

from bot.web.auth import COOKIE, LOGIN_COOKIE, SESSION_SECONDS
from bot.web.review.ui import ReviewUI

EXPIRED = "The sign-in form expired. Reload the page and try again."


def blueprint(ui: ReviewUI) -> Blueprint:
    bp = Blueprint("review_signin")
    signer, accounts, secure = ui.signer, ui.accounts, ui.settings.secure_cookies

    @bp.get("/login")
    async def login_form(request: Request):
        token = request.cookies.get(LOGIN_COOKIE)
        if not signer.is_login_token(token):  # anything else is set anew, never echoed
            token = signer.login_token()
        page = ui.render(request, "login.html", login_csrf=signer.csrf_token(token))
        page.cookies[LOGIN_COOKIE] = token
        page.cookies[LOGIN_COOKIE]["httponly"] = True
        page.cookies[LOGIN_COOKIE]["samesite"] = "Strict"
        page.cookies[LOGIN_COOKIE]["path"] = "/review"
        if secure:
            page.cookies[LOGIN_COOKIE]["secure"] = True
        return page

    @bp.post("/login")
    async def login(request: Request):
        token = request.cookies.get(LOGIN_COOKIE)
        if not signer.csrf_ok(token, request.form.get("csrf_token")):
            return ui.error(
                request, 403, "The sign-in form expired. Reload the page and try again."
            )
        address = request.ip or "unknown"
        if not accounts.claim_attempt(address):
            error = "Too many failed sign-ins from here. Wait 15 minutes."
            return ui.render(
                request, "login.html", 429, login_csrf=signer.csrf_token(token), error=error
            )
        name = (request.form.get("name") or "").strip()
        password = request.form.get("password") or ""
        # argon2 takes tens of milliseconds of CPU: in a thread, so that the event loop
        # keeps serving everyone else meanwhile (benchmarks/event_loop.py).
        session = await asyncio.to_thread(accounts.sign_in, name, password)
        accounts.record_attempt(name, address, session is not None)
        if session is None:
            error = "Unknown name or wrong password."
            return ui.render(
                request, "login.html", 401, login_csrf=signer.csrf_token(token), error=error
            )
        target = request.args.get("next") or "/review"
        if not target.startswith("/review"):
            target = "/review"
        page = response.redirect(target)
        page.cookies[COOKIE] = signer.session_cookie(session)
        page.cookies[COOKIE]["httponly"] = True
        page.cookies[COOKIE]["samesite"] = "Strict"
        page.cookies[COOKIE]["path"] = "/"
        page.cookies[COOKIE]["max-age"] = SESSION_SECONDS
        if secure:
            page.cookies[COOKIE]["secure"] = True
        return page

    @bp.post("/logout")
    async def logout(request: Request):
        if not ui.csrf_valid(request):
            return ui.error(request, 403, "Invalid form token.")
        accounts.end_session(signer.session_token(request.cookies.get(COOKIE)))
        page = response.redirect("/review/login")
        del page.cookies[COOKIE]
        return page

    return bp
