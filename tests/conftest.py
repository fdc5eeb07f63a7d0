"""Shared fixtures: apps on a temporary data folder, real server processes, and Chromium."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
OWNER_TOKEN = "test-owner-token-0123456789"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic", "--disable-default-apps", "--disable-extensions"]


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def make_app(data_dir: Path) -> Callable:
    """`make_app(**env)`: an app on a fresh data folder, local storage unless env says not."""
    from study_guide import create_app

    def build(**env: str):
        settings = {"STUDY_GUIDE_DATA_DIR": str(data_dir), "OWNER_TOKEN": OWNER_TOKEN} | env
        app = create_app(settings)
        app.config["TESTING"] = True
        return app

    return build


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def owner_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {OWNER_TOKEN}"}


def csrf_token_from(html: str) -> str:
    match = re.search(r'name="csrf[-_]token"[^>]*(?:content|value)="([^"]+)"', html)
    assert match, "the page carries no CSRF token"
    return match.group(1)


@pytest.fixture
def signed_in_client(client):
    """A test client signed in through the form; `.csrf` holds the manage page's token."""
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"token": OWNER_TOKEN, "csrf_token": token})
    assert response.status_code == 303
    client.csrf = csrf_token_from(client.get("/manage").get_data(as_text=True))
    return client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ServerProcess:
    url: str
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(data_dir: Path, env: dict[str, str] | None = None,
                 workers: int = 1) -> ServerProcess:
    """The app in its own process (gunicorn, as in production), answering /healthz."""
    port = free_port()
    environment = {key: value for key, value in os.environ.items()
                   if key not in {"GITHUB_TOKEN", "GIST_ID", "OWNER_TOKEN"}}
    environment |= {"STUDY_GUIDE_DATA_DIR": str(data_dir), "OWNER_TOKEN": OWNER_TOKEN}
    environment |= env or {}
    process = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port",
         str(port), "--workers", str(workers), "--threads", "4"],
        cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    server = ServerProcess(f"http://127.0.0.1:{port}", process)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("server exited: " + process.stderr.read().decode()[-2000:])
        try:
            if requests.get(server.url + "/healthz", timeout=1).ok:
                return server
        except requests.ConnectionError:
            time.sleep(0.1)
    server.stop()
    raise RuntimeError("server did not answer /healthz within 20 s")


@pytest.fixture
def run_server(data_dir: Path) -> Iterator[Callable[..., ServerProcess]]:
    """`run_server(env)`: the app in its own process (gunicorn, as in production)."""
    started: list[ServerProcess] = []

    def start(env: dict[str, str] | None = None, workers: int = 1) -> ServerProcess:
        server = start_server(data_dir, env, workers)
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="session")
def chromium():
    """Debian's chromium driven by Playwright; in CI it must be there (never a skip)."""
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def sign_in(page, url: str) -> None:
    """Sign the page in as the owner through the form; it ends on /manage."""
    page.goto(url + "/login")
    page.fill("#token", OWNER_TOKEN)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/manage")


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda m: m.type == "error" and page.console_errors.append(m.text))
    page.on("pageerror", lambda e: page.console_errors.append(str(e)))
    yield page
    context.close()


# --- fake Gist API ---
# A made-up token in no real token's format: it must never appear in an answer, log or error.
FAKE_GITHUB_TOKEN = "test-gist-token-7d1e0c5b9a8f4e2d6c3b1a09"
FAKE_GIST_ID = "aa5a315d61ae9438b18d"


@pytest.fixture
def fake_github() -> Iterator:
    """The fake Gist API on loopback, holding one gist with an empty volumes file."""
    from fake_gist import FakeGitHub

    fake = FakeGitHub(FAKE_GITHUB_TOKEN).start()
    fake.create_gist(FAKE_GIST_ID, {"study_guide_volumes.json": '{"volumes":[]}'})
    yield fake
    fake.stop()


@pytest.fixture
def gist_env(fake_github, data_dir: Path) -> dict[str, str]:
    """Settings for Gist storage against the fake (no read cache unless a test sets one)."""
    return {"GITHUB_TOKEN": FAKE_GITHUB_TOKEN, "GIST_ID": FAKE_GIST_ID,
            "GITHUB_API_URL": fake_github.url, "GIST_CACHE_SECONDS": "0",
            "STUDY_GUIDE_DATA_DIR": str(data_dir), "OWNER_TOKEN": OWNER_TOKEN}


@pytest.fixture
def gist_store(gist_env: dict[str, str]) -> Callable:
    """`gist_store(client=None, **env)`: a GistStore on the fake, env overriding gist_env."""
    from study_guide.config import load_settings
    from study_guide.storage.gist import GistStore

    def build(client=None, **env: str) -> GistStore:
        return GistStore(load_settings(gist_env | env), client=client)

    return build


def open_whole_guide(page, url: str) -> None:
    """Open the guide with every volume's body in: on `/` each comes as the reader nears it."""
    page.goto(url)
    page.wait_for_function("() => window.StudyGuide && typeof StudyGuide.loadAll === 'function'")
    page.evaluate("() => StudyGuide.loadAll().then(() => true)")


def fill_volume_form(page, number: str, title: str, html: str) -> None:
    """Type a volume into the manage page's add form."""
    page.fill("#number", number)
    page.fill("#title", title)
    page.fill("#html", html)


# --- fake OpenAI-compatible model server ---
# A made-up key in no provider's format: it must never appear in an answer, log or page.
FAKE_LLM_KEY = "test-llm-key-5f2c9e8a1b7d3c6e0a94"


@pytest.fixture
def fake_llm() -> Iterator:
    """The fake chat-completions server on loopback, taking FAKE_LLM_KEY."""
    from fake_llm import FakeLLM

    fake = FakeLLM(FAKE_LLM_KEY).start()
    yield fake
    fake.stop()


@pytest.fixture
def llm_env(fake_llm) -> dict[str, str]:
    """Settings that point drafting at the fake."""
    return {"LLM_API_URL": fake_llm.url, "LLM_API_KEY": FAKE_LLM_KEY,
            "LLM_MODEL": fake_llm.model}
