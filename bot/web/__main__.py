"""`python -m bot.web --host H --port P` runs the web app (started by `concordia run`)."""

from __future__ import annotations

import argparse
import sys

from bot.settings import ConfigError, Settings
from bot.store.migrate import schema_behind
from bot.web.app import create_app


def main() -> None:
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        sys.exit(f"Concordia web app: {exc}")
    behind = schema_behind(settings.database_url)
    if behind:
        sys.exit(
            f"Concordia web app: {behind}. Run `concordia db upgrade` (make db-upgrade) first."
        )
    parser = argparse.ArgumentParser(description="Concordia web app")
    parser.add_argument("--host", default=settings.host)
    parser.add_argument("--port", type=int, default=settings.web_port)
    args = parser.parse_args()
    create_app(settings).run(host=args.host, port=args.port, access_log=False, workers=1)


if __name__ == "__main__":
    main()
