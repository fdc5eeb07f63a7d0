"""Prints how long adding a 100 KB volume takes with Gist storage, against the fake Gist API.

Each add goes through the whole app: POST /api/volumes -> sanitize -> fresh read of the gist ->
PATCH -> revision check. The document grows by 100 KB per add, so later adds also cross the
1 MB line past which the API truncates content and the file is read from raw_url.

Run: .venv/bin/python bench/gist_add.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "bench")]

from fake_gist import FakeGitHub  # noqa: E402
from run import sample_volume  # noqa: E402

from study_guide import create_app  # noqa: E402
from study_guide.services import services  # noqa: E402
from study_guide.storage.document import FILENAME  # noqa: E402

TOKEN = "bench-gist-token-00000000000000000000"
OWNER_TOKEN = "bench-owner-token-1"
GIST_ID = "bench0000000000000000"
ADDS = 20


def timed(function, times: list[float]):
    """`function`, appending each call's duration in ms to `times`."""
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            times.append((time.perf_counter() - start) * 1000)

    return wrapper


def add_latencies(html: str) -> tuple[list[float], list[float]]:
    """Each add's time through the app, and the store's part of it (read, write, check)."""
    fake = FakeGitHub(TOKEN).start()
    fake.create_gist(GIST_ID, {FILENAME: '{"volumes":[]}'})
    try:
        with tempfile.TemporaryDirectory() as folder:
            app = create_app({"STUDY_GUIDE_DATA_DIR": folder, "OWNER_TOKEN": OWNER_TOKEN,
                              "GITHUB_TOKEN": TOKEN, "GIST_ID": GIST_ID,
                              "GITHUB_API_URL": fake.url})
            client = app.test_client()
            headers = {"Authorization": f"Bearer {OWNER_TOKEN}"}
            times, store_times = [], []
            store = services(app).catalogue.store
            store.modify = timed(store.modify, store_times)
            for number in range(10, 10 + ADDS):
                body = {"number": str(number), "title": f"Bench {number}", "html": html}
                start = time.perf_counter()
                answer = client.post("/api/volumes", json=body, headers=headers)
                times.append((time.perf_counter() - start) * 1000)
                assert answer.status_code == 201, answer.get_data(as_text=True)
            return times, store_times
    finally:
        fake.stop()


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=20, method="inclusive")[-1]


def main() -> None:
    html = sample_volume()
    times, store_times = add_latencies(html)
    print(f"add a {len(html.encode()) // 1024} KB volume with Gist storage (fake API on "
          f"loopback, {ADDS} adds, document growing to {ADDS * len(html.encode()) / 1e6:.1f} MB)")
    print(f"{'':<34}{'median':>10}{'p95':>10}")
    for name, series in (("POST /api/volumes", times), ("of which GistStore.modify", store_times)):
        print(f"{name:<34}{statistics.median(series):>7.1f} ms{p95(series):>7.1f} ms")


if __name__ == "__main__":
    main()
