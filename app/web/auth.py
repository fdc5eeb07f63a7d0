"""Owner sign-in: the `/login` form and session, `/logout`, CSRF on every owner write, and the
`Authorization: Bearer` check for scripts."""

from __future__ import annotations

import functools
import hmac
from collections.abc import Callable
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSessionInterface
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from study_guide.errors import AppError
from study_guide.services import services

bp = Blueprint("auth", __name__)
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address, storage_uri="memory://", default_limits=[],
                  headers_enabled=True)


class SessionInterface(SecureCookieSessionInterface):
    """Session cookies marked Secure whenever the request came over https (directly, or
    through a proxy that TRUST_PROXY trusts)."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config["SESSION_COOKIE_SECURE"] or (request and request.is_secure))


def token_matches(candidate: str) -> bool:
    """Constant-time comparison with the owner token."""
    expected = services().settings.owner_token
    return hmac.compare_digest(candidate.encode("utf-8", "replace"), expected.encode("utf-8"))


def bearer_token() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def is_owner() -> bool:
    return session.get("owner") is True


def owner_required(view: Callable) -> Callable:
    """Owner = a valid Bearer token, or a signed-in session whose request carries the CSRF
    token (X-CSRFToken header)."""

    @functools.wraps(view)
    def wrapped(*args: object, **kwargs: object) -> object:
        token = bearer_token()
        if token is not None:
            if not token_matches(token):
                raise AppError("The Bearer token is not the owner token: check OWNER_TOKEN.",
                               status=401, code="bad_token")
        elif is_owner():
            csrf.protect()
        else:
            raise AppError("Sign in as the owner first (at /login), or send "
                           "Authorization: Bearer <OWNER_TOKEN>.", status=401,
                           code="not_signed_in")
        return view(*args, **kwargs)

    return wrapped


def safe_next(target: str | None) -> str:
    """Only same-site paths: never redirect a sign-in to another host."""
    if target and target.startswith("/") and not target.startswith("//"):
        parts = urlsplit(target)
        if not parts.netloc and not parts.scheme and "\\" not in target:
            return target
    return url_for("manage.index")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("5 per minute", methods=["POST"],
               error_message="Too many sign-in attempts: wait a minute and try again.")
def login() -> object:
    if request.method == "GET":
        return render_template("auth/login.html", next=request.args.get("next", ""))
    csrf.protect()
    token = request.form.get("token", "")
    if not token or not token_matches(token):
        message = ("That is not the owner token. Use the OWNER_TOKEN set on the server, or the "
                   "one printed in the server's console when it started.")
        return render_template("auth/login.html", error=message,
                               next=request.form.get("next", "")), 401
    session.clear()  # a fresh session on sign-in: no fixation
    session["owner"] = True
    session.permanent = True
    return redirect(safe_next(request.form.get("next")), code=303)


@bp.route("/logout", methods=["POST"])
def logout() -> object:
    csrf.protect()
    session.clear()
    return redirect(url_for("guide.index"), code=303)
