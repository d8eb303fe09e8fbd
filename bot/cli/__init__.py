"""The `concordia` command (`bot.cli.main`), one module per command group: `serve`
(run, cluster, shell, db, events), `build` (train, validate, test), `sessions` and
`users`."""

from bot.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
