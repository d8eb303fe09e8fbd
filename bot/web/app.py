"""The Sanic web app. Sanic is already part of Rasa's dependencies."""

from __future__ import annotations

from html import escape

from sanic import Sanic, response
from sanic.request import Request

from bot.settings import Settings

LANDING = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Concordia</title>
<style>
 body {{ font-family: system-ui, sans-serif; max-width: 42rem; margin: 2rem auto;
        padding: 0 1rem; line-height: 1.5; color: #1d2733; }}
 code {{ background: #eef1f4; padding: 0 .25rem; border-radius: 3px; }}
 pre {{ background: #eef1f4; padding: .75rem; overflow-x: auto; }}
</style></head>
<body>
<h1>Concordia</h1>
<p>A mediation assistant: it walks the parties to a dispute through context, each side's
interests (not positions), common ground, confidence-building measures and next steps,
and keeps every session for review.</p>
<p>The chat widget for this page is on its way. Until then, talk to the assistant over
the REST channel:</p>
<pre>curl -s {rasa_url}/webhooks/rest/webhook \\
  -H 'Content-Type: application/json' \\
  -d '{{"sender": "me", "message": "help us resolve a water dispute"}}'</pre>
<p>or in a terminal with <code>make shell</code>. Sessions are listed with
<code>concordia sessions list</code>.</p>
</body></html>
"""


def create_app(settings: Settings | None = None, name: str = "concordia-web") -> Sanic:
    settings = settings or Settings.from_env()
    app = Sanic(name)
    page = LANDING.format(rasa_url=escape(settings.rasa_url))

    @app.get("/")
    async def landing(_request: Request):
        return response.html(page)

    @app.get("/healthz")
    async def health(_request: Request):
        return response.json({"status": "ok"})

    return app
