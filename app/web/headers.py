"""The security headers every answer carries, added by a WSGI middleware so that answers made
outside Flask (the guide's fast path) carry them too."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from study_guide.http_policy import SECURITY_HEADERS

# Owner pages and API answers may carry what only the owner should see: never kept by caches.
PRIVATE_PREFIXES = ("/api/", "/manage", "/login")

StartResponse = Callable[..., object]
WSGIApp = Callable[[dict, StartResponse], Iterable[bytes]]


class SecurityHeaders:
    """WSGI middleware: adds each security header the answer does not set itself, and
    `Cache-Control: no-store` on owner pages and the API."""

    def __init__(self, wsgi_app: WSGIApp) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        private = environ.get("PATH_INFO", "").startswith(PRIVATE_PREFIXES)

        def add_headers(status: str, headers: list[tuple[str, str]],
                        exc_info: object = None) -> object:
            present = {name.lower() for name, _ in headers}
            if private:
                headers = [(n, v) for n, v in headers if n.lower() != "cache-control"]
                headers.append(("Cache-Control", "no-store"))
            headers.extend((name, value) for name, value in SECURITY_HEADERS.items()
                           if name.lower() not in present)
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, add_headers)
