"""Study Guide: the application factory."""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from flask import Flask, Response, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

from app import api, assets, auth, guide, manage
from app.assets import AssetStore
from app.catalogue import Catalogue
from app.config import Settings, load_settings
from app.errors import AppError
from app.headers import SECURITY_HEADERS, SecurityHeaders
from app.render import PageCache
from app.storage import make_store
from app.volumes import load_builtins

ROOT = Path(__file__).resolve().parent.parent
log = logging.getLogger("study_guide")


def create_app(env: dict[str, str] | None = None) -> Flask:
    """Build the app. `env` replaces the process environment (tests pass their own)."""
    settings = load_settings(env)
    app = Flask(__name__, template_folder=str(ROOT / "templates"),
                static_folder=str(ROOT / "static"))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        STUDY_GUIDE=settings,
        # JSON escaping can grow the HTML; the 2 MB limit itself is checked on the HTML.
        MAX_CONTENT_LENGTH=settings.max_volume_bytes * 3,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_NAME="study_guide_session",
        PERMANENT_SESSION_LIFETIME=timedelta(days=7),
        WTF_CSRF_CHECK_DEFAULT=False,  # owner_required checks CSRF, Bearer calls need none
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
    )
    app.session_interface = auth.SessionInterface()
    if settings.trust_proxy:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trust_proxy,
                                x_proto=settings.trust_proxy, x_host=settings.trust_proxy)
    auth.csrf.init_app(app)
    auth.limiter.init_app(app)
    app.extensions["catalogue"] = Catalogue(make_store(settings), load_builtins(),
                                            settings.max_volume_bytes)
    app.extensions["page_cache"] = PageCache()
    for blueprint in (guide.bp, auth.bp, manage.bp, api.bp, assets.bp):
        app.register_blueprint(blueprint)
    app.extensions["assets"] = AssetStore()
    app.jinja_env.globals["asset_url"] = app.extensions["assets"].url
    register_error_handlers(app)
    # Outermost first: security headers on every answer, then the guide's cached page.
    app.wsgi_app = SecurityHeaders(guide.GuideFastPath(app, app.wsgi_app))
    if settings.owner_token_generated:
        announce_owner_token(settings)
    return app


def announce_owner_token(settings: Settings) -> None:
    # Printed, never logged: the console is the owner's, log files may be shared.
    print(f"\nNo OWNER_TOKEN is set, so this run made one:\n\n    {settings.owner_token}\n\n"
          "Sign in at /login on this server with it (http://127.0.0.1:5000/login under "
          "`make run`). Set OWNER_TOKEN in .env to keep one across restarts.\n", flush=True)


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(status: int, code: str, message: str, retry_after: int | None = None):
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
            413: "The request is larger than the server takes: a volume can be at most 2 MB "
                 "of HTML.",
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


__all__ = ["SECURITY_HEADERS", "create_app"]
