"""Hostile input: how long each worst case takes at 100 KB and at 1 MB on every path that reads
HTML, printed as one table.

    prepare  `prepare_volume` in this process: what preview, add and edit run
    http     `POST /api/volumes/preview` on `study-guide serve` (local store), owner token
    gist     a running app (tests/fake_gist.py for GitHub, no read cache) while another
             client writes the case into the gist: the next `GET /` and `/search-index.json`,
             which sanitize, render and index it

Each cell is seconds and what came back (ok, or the status/code of the refusal); a case that
runs past BENCH_HOSTILE_CAP seconds (30) is stopped and shown as ">30". The issue's goal:
every 1 MB cell within 2 s, and at most 20x its 100 KB cell.

Run: .venv/bin/python bench/hostile.py [--paths prepare,http,gist] [--cases WORDS;...]
"""

from __future__ import annotations

import argparse
import json
import logging
import multiprocessing
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from hostile_cases import CASES  # noqa: E402
from serve import (  # noqa: E402
    BEARER,
    GIST_ID,
    GITHUB_TOKEN,
    app_env,
    fake_github,
    gist_env,
    start_app,
)

CAP = float(os.environ.get("BENCH_HOSTILE_CAP", "30"))
SIZES = {"100 KB": 100 * 1024, "1 MB": 1024 * 1024}
BASELINE = "baseline"


def payload(html: str) -> dict:
    return {"number": "77", "title": "Hostile", "html": html}


def _in_child(work: Callable[[], str], queue: multiprocessing.Queue) -> None:
    logging.getLogger("study_guide").setLevel(logging.ERROR)  # the table only
    started = time.perf_counter()
    try:
        result = work()
    except Exception as exc:
        result = f"{getattr(exc, 'status', '')} {getattr(exc, 'code', type(exc).__name__)}"
    # `work` may time itself (a tuple), to leave out what it prepares first.
    seconds, outcome = result if isinstance(result, tuple) else (
        time.perf_counter() - started, result)
    queue.put((seconds, outcome.strip()))


def capped(work: Callable[[], str]) -> tuple[float | None, str]:
    """Run `work` in a forked process, stopped at CAP seconds: (seconds or None, outcome)."""
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    child = context.Process(target=_in_child, args=(work, queue))
    child.start()
    child.join(CAP)
    if child.is_alive():
        child.kill()
        child.join()
        return None, "stopped"
    return queue.get()


def via_prepare(html: str) -> tuple[float | None, str]:
    from study_guide.content.prepare import prepare_volume

    return capped(lambda: (prepare_volume(payload(html), 2 * 1024 * 1024), "ok")[1])


def via_http(url: str, html: str) -> tuple[float | None, str]:
    started = time.perf_counter()
    try:
        answer = requests.post(url + "/api/volumes/preview", json=payload(html), headers=BEARER,
                               timeout=CAP)
    except requests.RequestException as exc:
        return None, type(exc).__name__
    seconds = time.perf_counter() - started
    if answer.status_code == 200:
        return seconds, "ok"
    code = answer.json().get("error", {}).get("code", "") if answer.headers.get(
        "Content-Type", "").startswith("application/json") else ""
    return seconds, f"{answer.status_code} {code}"


def via_gist(html: str, work: Path) -> tuple[float | None, str]:
    """A running app (its guide rendered and indexed once) while another client writes the
    case into the gist as a new volume: the next `GET /` reads and sanitizes it, then
    `/search-index.json` indexes it. Timed from the outside write's end."""
    from study_guide.storage.document import FILENAME

    record = {"id": "outside-1", "number": "77", "title": "Hostile", "html": html,
              "added_at": "2026-01-01T00:00:00Z"}
    document = json.dumps({"format": 1, "volumes": [record]})
    with tempfile.TemporaryDirectory(dir=work) as data, fake_github('{"volumes":[]}') as fake:
        env = app_env(Path(data)) | gist_env(fake, 0)

        def next_view() -> tuple[float, str]:
            from study_guide import create_app

            client = create_app(env).test_client()
            client.get("/")
            client.get("/search-index.json")
            requests.patch(f"{fake.url}/gists/{GIST_ID}", timeout=60,
                           headers={"Authorization": f"Bearer {GITHUB_TOKEN}"},
                           json={"files": {FILENAME: {"content": document}}}).raise_for_status()
            started = time.perf_counter()
            status = client.get("/").status_code
            if status == 200:
                status = client.get("/search-index.json").status_code
            return time.perf_counter() - started, "ok" if status == 200 else str(status)

        return capped(next_view)


def cell(result: tuple[float | None, str]) -> str:
    seconds, outcome = result
    shown = f">{CAP:.0f}" if seconds is None else f"{seconds:.2f}"
    return f"{shown} {outcome}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", default="prepare,http,gist")
    parser.add_argument("--cases", default="", help="words of the case names, ;-separated")
    args = parser.parse_args(argv)
    paths = args.paths.split(",")
    cases = [name for name in CASES
             if not args.cases or any(word in name for word in args.cases.split(";"))]
    columns = [f"{path} {size}" for path in paths for size in SIZES]
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; the "
          "baseline row is a one-paragraph volume (what every path costs anyway)")
    print(f"{'case':<26}" + "".join(f"{column:>20}" for column in columns), flush=True)
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        server = None
        if "http" in paths:
            server, _ = start_app(work / "http-data", ready_path="/healthz")
        try:
            for name in [BASELINE, *cases]:
                cells = []
                for path in paths:
                    for size in SIZES.values():
                        html = "<p>x</p>" if name == BASELINE else CASES[name](size)
                        if path == "prepare":
                            cells.append(cell(via_prepare(html)))
                        elif path == "gist":
                            cells.append(cell(via_gist(html, work)))
                        else:
                            result = via_http(server.url, html)
                            if result[0] is None:  # a stuck worker: start afresh
                                server.stop()
                                server, _ = start_app(work / "http-data", ready_path="/healthz")
                            cells.append(cell(result))
                print(f"{name:<26}" + "".join(f"{c:>20}" for c in cells), flush=True)
        finally:
            if server is not None:
                server.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
