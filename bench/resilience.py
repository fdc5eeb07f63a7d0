"""Start-up and GitHub trouble, printed as one table:

    cold start   seconds until `study-guide serve` answers /healthz: no added volumes, then 50
                 generated ones of about 80 KB (bench/serve.py) on disk; the goal is 1.5x
    hostile gist a 1 MB record written into the gist from outside (an unclosed url( repeated
                 in a style attribute): seconds until /healthz, the first GET / and a cached one
    outage       GitHub answers 503 to everything from the start, no saved copy: 6,000 views of
                 `/`, their statuses, the server's memory (all processes) at view 300 and 6,000,
                 and the requests that reached GitHub (goals: 8 MB, 5 requests)
    outside edit five revisions of the gist, each adding a volume, made by another client with
                 GIST_CACHE_SECONDS=2: seconds until `/` shows every volume so far (goal 6 s)

Run: .venv/bin/python bench/resilience.py [--views 6000]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from hostile_cases import CASES  # noqa: E402
from serve import (  # noqa: E402
    BROWSER,
    GIST_ID,
    Server,
    add_generated,
    fake_github,
    gist_env,
    start_app,
)

EDITS, EDIT_GOAL, CACHE_SECONDS = 5, 6.0, 2


def resident_mb(server: Server) -> float:
    """Resident memory of the master and its workers together, in MB."""
    total = 0
    for pid in [server.process.pid, *server.workers()]:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        total += int(re.search(r"VmRSS:\s+(\d+)", status).group(1))
    return total / 1024


def cold_start(work: Path, added: int) -> float:
    data = work / f"cold-{added}"
    if added:
        add_generated(data, added)
    server, seconds = start_app(data, ready_path="/healthz")
    server.stop()
    return seconds


def document(records: list[dict]) -> str:
    return json.dumps({"format": 1, "volumes": records})


def record(number: int, html: str) -> dict:
    return {"id": f"outside-{number}", "number": str(number), "title": f"Outside {number}",
            "html": html, "added_at": "2026-01-01T00:00:00Z"}


def hostile_gist(work: Path) -> tuple[float, float, float, str]:
    html = CASES["url( in style attribute"](1024 * 1024)
    with fake_github(document([record(70, html)])) as fake:
        server, ready = start_app(work / "hostile", ready_path="/healthz",
                                  **gist_env(fake, 30))
        try:
            timings = []
            for _ in range(2):
                started = time.monotonic()
                answer = requests.get(server.url + "/", headers=BROWSER, timeout=120)
                timings.append(time.monotonic() - started)
            shown = "notice" if "cannot be shown" in answer.text else "no notice"
        finally:
            server.stop()
    return ready, timings[0], timings[1], f"{answer.status_code} {shown}"


def outage(work: Path, views: int) -> tuple[Counter, dict[int, float], int]:
    with fake_github(document([])) as fake:
        fake.outage()
        env = gist_env(fake, 30)
        del env["GIST_CACHE_SECONDS"]  # the default period
        server, _ = start_app(work / "outage", ready_path="/healthz", **env)
        statuses: Counter = Counter()
        memory = {}
        try:
            with requests.Session() as session:
                for view in range(1, views + 1):
                    statuses[session.get(server.url + "/", headers=BROWSER,
                                         timeout=60).status_code] += 1
                    if view == 300 or view % 1000 == 0:
                        memory[view] = resident_mb(server)
        finally:
            server.stop()
        return statuses, memory, sum(fake.requests.values())


def outside_edits(work: Path) -> list[float]:
    from study_guide.storage.document import FILENAME

    with fake_github(document([])) as fake:
        server, _ = start_app(work / "edits", ready_path="/", **gist_env(fake, CACHE_SECONDS))
        waits, records = [], []
        try:
            for number in range(71, 71 + EDITS):
                records.append(record(number, f"<p>Added from outside as {number}.</p>"))
                fake.commit(GIST_ID, {FILENAME: document(records)})
                started = time.monotonic()
                while True:
                    page = requests.get(server.url + "/", headers=BROWSER, timeout=30).text
                    if all(r["title"] in page for r in records):
                        break
                    if time.monotonic() - started > 30:
                        raise RuntimeError(f"volume {number} not shown after 30 s")
                    time.sleep(0.1)
                waits.append(time.monotonic() - started)
        finally:
            server.stop()
    return waits


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=6000)
    parser.add_argument("--only", default="cold,hostile,outage,edits")
    args = parser.parse_args(argv)
    only = args.only.split(",")
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        if "cold" in only:
            empty, full = cold_start(work, 0), cold_start(work, 50)
            print(f"cold start to /healthz: empty {empty:.2f} s, 50 added {full:.2f} s "
                  f"({full / empty:.2f}x; goal 1.5x)", flush=True)
        if "hostile" in only:
            try:
                ready, first, cached, outcome = hostile_gist(work)
            except RuntimeError as error:  # never started
                print(f"1 MB hostile record in the gist: {error}", flush=True)
            else:
                print(f"1 MB hostile record in the gist: /healthz after {ready:.2f} s, first "
                      f"GET / {first:.2f} s, cached {cached:.3f} s ({outcome}; goal 2 s)",
                      flush=True)
        if "outage" in only:
            statuses, memory, asked = outage(work, args.views)
            growth = memory[max(memory)] - memory[300]
            print(f"GitHub 503 from the start, {args.views} views of /: statuses "
                  f"{dict(statuses)}; memory by view " + ", ".join(
                      f"{view}: {mb:.1f}" for view, mb in memory.items())
                  + f" MB (+{growth:.1f} MB from view 300; goal 8); {asked} requests reached "
                  "GitHub (goal 5)", flush=True)
        if "edits" in only:
            waits = outside_edits(work)
            print(f"{EDITS} outside edits, GIST_CACHE_SECONDS={CACHE_SECONDS}: shown after "
                  + ", ".join(f"{w:.1f}" for w in waits) + f" s (goal {EDIT_GOAL:.0f})",
                  flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
