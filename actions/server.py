"""The action server: rasa_sdk's, serving the `actions` package, plus the joint view's
analysis for the web app (`actions/room_analysis.py`).

Run: python -m actions.server --port 5055 (and rasa_sdk's other options).
"""

from __future__ import annotations

import logging
import os

from rasa_sdk import utils
from rasa_sdk.constants import APPLICATION_ROOT_LOGGER_NAME
from rasa_sdk.endpoint import create_app, create_argument_parser, create_ssl_context
from rasa_sdk.plugin import plugin_manager
from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger("actions.server")


def answer_http_errors(app: Sanic) -> None:
    """rasa_sdk answers every exception with a 500 and echoes the request: a wrong path
    (404), a wrong method (405) or a body too large (413) keep their own status."""

    @app.exception(SanicException)
    async def http_error(_request: Request, exception: SanicException) -> HTTPResponse:
        status = getattr(exception, "status_code", 500) or 500
        return response.json({"error": str(exception)}, status=status)


def main(argv: list[str] | None = None) -> None:
    args = create_argument_parser().parse_args(argv)
    logging.getLogger("matplotlib").setLevel(logging.WARN)  # as rasa_sdk's own start
    utils.configure_colored_logging(args.loglevel)
    utils.configure_file_logging(
        logging.getLogger(APPLICATION_ROOT_LOGGER_NAME),
        args.log_file,
        args.loglevel,
        args.logging_config_file,
    )
    utils.update_sanic_log_level()
    app = create_app(
        args.actions or "actions", cors_origins=args.cors, auto_reload=args.auto_reload
    )
    from actions.room_analysis import room_analysis_blueprint  # after the actions load

    app.blueprint(room_analysis_blueprint())
    answer_http_errors(app)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)  # as rasa_sdk's own run
    ssl = create_ssl_context(args.ssl_certificate, args.ssl_keyfile, args.ssl_password)
    host = os.environ.get("SANIC_HOST", "0.0.0.0")
    logger.info(
        f"Action endpoint is up and running on {'https' if ssl else 'http'}://{host}:{args.port}"
    )
    app.run(host, args.port, ssl=ssl, workers=utils.number_of_sanic_workers())


if __name__ == "__main__":
    main()
