"""`study-guide serve | export PATH | check | check-volume FILE.html`."""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from dotenv import load_dotenv

from study_guide.config import ConfigError

if TYPE_CHECKING:
    from flask import Flask

    from study_guide.publish.site import SiteReport


def default_workers() -> int:
    return min(2 * (os.cpu_count() or 1) + 1, 8)


def serve(args: argparse.Namespace) -> int:
    from gunicorn.app.base import BaseApplication

    from study_guide import create_app

    flask_app = create_app()  # once, in the master: one generated owner token for all workers

    class Server(BaseApplication):
        def load_config(self) -> None:
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            self.cfg.set("threads", args.threads)
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("timeout", 60)
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("keepalive", 5)
            self.cfg.set("preload_app", True)
            self.cfg.set("accesslog", "-" if args.access_log else None)
            self.cfg.set("post_worker_init", lambda worker: start_warm_up(flask_app))

        def load(self) -> object:
            return flask_app

    Server().run()
    return 0


def start_warm_up(flask_app: Flask) -> None:
    """Render the guide in the background of a worker that has just started, so that its
    first reader need not wait for it. Not before the workers start: then `/healthz` would
    wait for every stored volume to be sanitized, and start-up would depend on the content.
    At normal priority: a thread the OS runs last would hold the GIL while it waits for the
    CPU, and the worker's requests would wait with it."""
    threading.Thread(target=lambda: flask_app.test_client().get("/"), name="warm-up",
                     daemon=True).start()


def export(args: argparse.Namespace) -> int:
    from study_guide import create_app
    from study_guide.publish.page import GuidePage
    from study_guide.services import services

    if not (args.path or args.site):
        print("study-guide export: give a PATH for the standalone file, --site DIR for the "
              "static site, or both", file=sys.stderr)
        return 2
    app = create_app()
    today = datetime.now(UTC).date()
    if args.site:
        site = export_site(app, Path(args.site), today)
        print(f"Wrote the site to {site.folder}: {site.files} files and their .gz and .br "
              f"({site.bytes:,} bytes), {site.volumes} volumes.")
        if site.notice:
            print(f"study-guide export: {site.notice}", file=sys.stderr)
    if args.path:
        with app.test_request_context("/"):
            volumes, _ = services(app).catalogue.snapshot()
            html = GuidePage.for_standalone(volumes, assets=services(app).assets,
                                            saved_on=today).render()
        path = Path(args.path)
        path.write_text(html, encoding="utf-8")
        print(f"Wrote {path} ({len(html.encode('utf-8')):,} bytes, {len(volumes)} volumes).")
    return 0


def export_site(app: Flask, folder: Path, saved_on: date) -> SiteReport:
    """The app's current volumes as a static site in `folder`."""
    from study_guide.publish.site import write_site
    from study_guide.services import services

    with app.test_request_context("/"):
        volumes, snapshot = services(app).catalogue.snapshot()
        return write_site(volumes, services(app).assets, folder, saved_on, snapshot.notice)


def check(args: argparse.Namespace) -> int:
    from study_guide.config import load_settings
    from study_guide.storage import make_store

    report = make_store(load_settings()).connection_test().as_dict()
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"backend: {report['backend']}")
        for key in ("location", "gist_id", "token", "scopes", "file_found", "volumes",
                    "rate_limit"):
            if report.get(key) not in ("", [], {}, None):
                print(f"{key}: {report[key]}")
        for problem in report["problems"]:
            print(f"problem: {problem['message']}\n  fix: {problem['fix']}")
        print("ok" if report["ok"] else "problems found")
    return 0 if report["ok"] else 1


def check_volume(args: argparse.Namespace) -> int:
    from study_guide.content.builtin import check_file

    return max(check_file(Path(name)) for name in args.files)


def main(argv: list[str] | None = None) -> int:
    load_dotenv(Path.cwd() / ".env")  # before the defaults below read HOST and PORT
    parser = argparse.ArgumentParser(prog="study-guide", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the production WSGI server")
    serve_parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    serve_parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    serve_parser.add_argument("--workers", type=int, default=default_workers())
    serve_parser.add_argument("--threads", type=int, default=4)
    serve_parser.add_argument("--access-log", action="store_true")
    serve_parser.set_defaults(run=serve)
    export_parser = commands.add_parser(
        "export", help="write the standalone HTML file, or the static site (--site)")
    export_parser.add_argument("path", nargs="?", help="where to write the standalone file")
    export_parser.add_argument("--site", metavar="DIR",
                               help="write the guide as a static site into this folder")
    export_parser.set_defaults(run=export)
    check_parser = commands.add_parser("check", help="test the storage connection")
    check_parser.add_argument("--json", action="store_true")
    check_parser.set_defaults(run=check)
    volume_parser = commands.add_parser(
        "check-volume", help="print what sanitizing removes from volume files, and their parts")
    volume_parser.add_argument("files", nargs="+", metavar="FILE.html")
    volume_parser.set_defaults(run=check_volume)
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except ConfigError as error:
        print(f"study-guide: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
