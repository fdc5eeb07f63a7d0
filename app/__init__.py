"""Study Guide: the application factory."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from study_guide.config import Settings, load_settings
from study_guide.content.builtin import load_builtins
from study_guide.content.catalogue import Catalogue
from study_guide.llm import LLMClient
from study_guide.publish.asset_store import AssetStore
from study_guide.services import Services
from study_guide.storage import make_store
from study_guide.web import api, auth, draft, guide, manage
from study_guide.web import assets as asset_files
from study_guide.web.errors import register_error_handlers
from study_guide.web.fast_path import GuideFastPath
from study_guide.web.headers import SecurityHeaders
from study_guide.web.page_cache import PageCache


def create_app(env: dict[str, str] | None = None) -> Flask:
    """Build the app. `env` replaces the process environment (tests pass their own)."""
    settings = load_settings(env)
    # Templates are found beside this module, in the checkout and installed. Static files are
    # served by the asset store under hashed names only, so Flask's /static/ route is off.
    app = Flask(__name__, static_folder=None)
    app.config.update(
        SECRET_KEY=settings.secret_key,
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
    assets = AssetStore(Path(app.root_path) / "static")
    Services(
        settings=settings,
        catalogue=Catalogue(make_store(settings), load_builtins(), settings.max_volume_bytes),
        pages=PageCache(settings.data_dir),
        assets=assets,
        llm=LLMClient(settings),
    ).install(app)
    for blueprint in (guide.bp, auth.bp, manage.bp, api.bp, draft.bp, asset_files.bp):
        app.register_blueprint(blueprint)
    app.jinja_env.globals["asset_url"] = assets.url
    register_error_handlers(app)
    # Outermost first: security headers on every answer, then the guide's cached page.
    app.wsgi_app = SecurityHeaders(GuideFastPath(app, app.wsgi_app))
    if settings.owner_token_generated:
        announce_owner_token(settings)
    return app


def announce_owner_token(settings: Settings) -> None:
    # Printed, never logged: the console is the owner's, log files may be shared.
    print(f"\nNo OWNER_TOKEN is set, so this run made one:\n\n    {settings.owner_token}\n\n"
          "Sign in at /login on this server with it (http://127.0.0.1:5000/login under "
          "`make run`). Set OWNER_TOKEN in .env to keep one across restarts.\n", flush=True)


__all__ = ["create_app"]
