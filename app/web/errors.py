"""Every refusal and failure as an answer: `{"error": {"code", "message"}}` under `/api/`, the
error page elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from study_guide.errors import AppError
from study_guide.services import services

log = logging.getLogger("study_guide")


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str,
                   retry_after: int | None = None) -> Response:
    if wants_json():
        response = jsonify({"error": {"code": code, "message": message}})
    else:
        response = Response(render_template("error.html", status=status, message=message),
                            mimetype="text/html")
    response.status_code = status
    if retry_after is not None:
        response.headers["Retry-After"] = str(retry_after)
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(AppError)
    def app_error(error: AppError):
        if error.status >= 500:
            log.warning("%s: %s", error.code, error.message)
        return error_response(error.status, error.code, error.message, error.retry_after)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return error_response(403, "csrf", "The form's security token is missing or stale: "
                              "reload the page and try again.")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        messages = {
            404: "There is nothing at this address.",
            405: "This address does not take that method.",
            413: "The request is larger than the server takes: a volume can be at most "
                 f"{services().settings.max_volume_size} of HTML.",
            429: "Too many requests: wait a minute and try again.",
        }
        status = error.code or 500
        message = messages.get(status, error.description or "The request failed.")
        if status == 429 and error.description:
            message = error.description
        return error_response(status, error.name.lower().replace(" ", "_"), message)

    @app.errorhandler(Exception)
    def unexpected(error: Exception):
        log.exception("unexpected error")
        return error_response(500, "internal_error", "Something went wrong on the server; "
                              "nothing was changed. Try again, and check the server log.")
