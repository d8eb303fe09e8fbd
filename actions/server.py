"""The action server: rasa_sdk's, serving the `actions` package, plus the joint view's
analysis for the web app (`actions/room_analysis.py`).

Run: python -m actions.server --port 5055 (rasa_sdk's own options otherwise).
"""

from __future__ import annotations

import logging
import os

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser
from rasa_sdk.plugin import plugin_manager

logger = logging.getLogger(__name__)


def main(argv: list[str] | None = None) -> None:
    args = create_argument_parser().parse_args(argv)
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME),
        args.log_file,
        args.loglevel,
        args.logging_config_file,
    )
    utils.update_sanic_log_level()
    app = create_app(args.actions or "actions", cors_origins=args.cors)
    from actions.room_analysis import room_analysis_blueprint  # after the actions load

    app.blueprint(room_analysis_blueprint())
    plugin_manager().hook.attach_sanic_app_extensions(app=app)  # as rasa_sdk's own run
    host = os.environ.get("SANIC_HOST", "0.0.0.0")
    logger.info(f"Action endpoint is up and running on http://{host}:{args.port}")
    app.run(host, args.port, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
