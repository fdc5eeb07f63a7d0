"""Serving benchmarks, all side by side in one run, printed as one table.

Three guides: the built-in volumes alone, and with 50 and with 100 generated volumes of 80-100 KB
added. For each, three servers on loopback answer `GET /` with the same bytes:

    app     `study-guide serve`: gunicorn gthread with the production defaults
    floor   a bare Flask endpoint returning the app's own compressed bytes and headers, run by
            the same `serve` code, so with the same gunicorn settings: what any Flask app costs
    static  nginx serving `study-guide export --site` (gzip_static, brotli_static): the limit

wrk loads each at 64 connections for BENCH_SECONDS (8) seconds, asking like a browser (brotli),
then with `If-None-Match` (304). Then: the first view in headless Chromium (bytes, elements,
FCP, LCP), the time from typing a word found in one section of one volume into the search
panel of a cold page to its first result, adding a 100 KB volume (local store and the fake Gist
API of tests/fake_gist.py), cold start, resident memory of every process once browsers have
been served the page and every volume's body, and GitHub requests made during 1 000 page views.
Last, the burst: 50 volumes added through the API to a running server, and at once the first
paint of three cold page loads (what the server's work after a change costs a reader).

The machine is shared with whatever else runs, so the table starts with the load average.

Run: make bench (or .venv/bin/python bench/serve.py). As root it installs wrk and nginx from
Debian's packages when they are missing.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

SECONDS = float(os.environ.get("BENCH_SECONDS", "8"))
CONNECTIONS = 64
ADDED_COUNTS, ADDED_BYTES = (0, 50, 100), 80_000
BURST, BURST_LOADS = 50, 3
OWNER_TOKEN = "bench-owner-token-0123456789"
BEARER = {"Authorization": f"Bearer {OWNER_TOKEN}"}
GITHUB_TOKEN = "bench-gist-token-5f0c2e9d8b7a6c4e3d2b1a00"
GIST_ID = "bb5a315d61ae9438b18d"
BROWSER = {"Accept-Encoding": "gzip, deflate, br"}
VIEWS, VIEWS_PER_SECOND, GIST_CACHE_SECONDS = 1000, 200, 1
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
# What the bench needs from Debian: the load generator, the static server, nginx's module that
# serves the site's .br files (without it nginx falls back to the .gz ones), and the browser.
PACKAGES: dict[str, Callable[[], object]] = {
    "wrk": lambda: shutil.which("wrk"),
    "nginx": lambda: shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin"),
    "libnginx-mod-http-brotli-static": BROTLI_MODULE.exists,
    "chromium": Path(CHROMIUM).exists}
# Headers every response carries anyway: not part of what the floor copies from the app.
TRANSPORT = {"date", "server", "content-length", "connection", "keep-alive", "transfer-encoding"}


# --- tools -------------------------------------------------------------------------------------

def ensure_packages() -> list[str]:
    """Install missing packages from Debian's archive (as root); the ones still missing."""
    missing = [name for name, present in PACKAGES.items() if not present()]
    if missing and os.geteuid() == 0:
        environment = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, check=False)
        subprocess.run(["apt-get", "install", "-y", "-qq", *missing], env=environment,
                       capture_output=True, check=False)
        missing = [name for name in missing if not PACKAGES[name]()]
    return missing


def nginx_binary() -> str:
    return str(PACKAGES["nginx"]() or "nginx")


# --- generated volumes -------------------------------------------------------------------------

VOCABULARY = """gradient tensor layer softmax attention kernel stride pooling batch normalisation
dropout optimizer momentum loss weight bias activation embedding token sequence encoder decoder
residual convolution channel feature map receptive field learning rate schedule warmup decay
regularisation overfitting validation epoch minibatch backpropagation chain rule derivative
jacobian hessian curvature saddle point plateau initialisation variance scale logits
probability distribution entropy cross divergence likelihood prior posterior sampling
temperature beam search greedy decoding vocabulary subword position query key value head
projection residual stream layer norm feed forward width depth parameter budget compute
memory bandwidth throughput latency precision quantisation pruning distillation teacher
student fine tuning transfer pretraining corpus dataset augmentation noise robustness the a of
and to in is that for with as on by this it from at be are which when each one two more than
not only also because so then every network model output input hidden unit signal error step
"""
WORDS = VOCABULARY.split()
SYLLABLES = [a + b for a in "bcdfghklmnprstvz" for b in ("a", "e", "i", "o", "u", "ar", "en",
                                                          "is", "on", "ul")]
PALETTE = ["#22d3ee", "#4ade80", "#fbbf24", "#a78bfa", "#fb7185", "#38bdf8", "#f472b6"]


def _word(rng: random.Random) -> str:
    """A word of the vocabulary, or nearly half the time a made-up one, so the text compresses
    about as well as the built-in volumes do, not better."""
    if rng.random() < 0.45:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
    return rng.choice(WORDS)


def _sentence(rng: random.Random, words: int) -> str:
    picked = [_word(rng) for _ in range(words)]
    for index in rng.sample(range(words), k=min(3, words)):
        picked[index] = rng.choice(["<strong>{}</strong>", "<em>{}</em>", "<code>{}</code>",
                                    "{},"]).format(picked[index])
    return " ".join(picked).capitalize() + "."


def _paragraph(rng: random.Random, sentences: int, css: str = "") -> str:
    text = " ".join(_sentence(rng, rng.randint(8, 22)) for _ in range(sentences))
    return f'<p class="{css}">{text}</p>' if css else f"<p>{text}</p>"


def _diagram(rng: random.Random) -> str:
    shapes, labels = [], []
    for column in range(rng.randint(4, 6)):
        x, colour = 30 + column * 110, rng.choice(PALETTE)
        for row in range(rng.randint(1, 3)):
            y = 40 + row * 70
            shapes.append(f'<rect x="{x}" y="{y}" width="90" height="44" rx="8" fill="#1b2236" '
                          f'stroke="{colour}" stroke-width="1.5"/>')
            labels.append(f'<text x="{x + 45}" y="{y + 27}">{rng.choice(WORDS)}</text>')
            if column:
                shapes.append(f'<line x1="{x - 20}" y1="{y + 22}" x2="{x - 2}" y2="{y + 22}" '
                              f'stroke="#8b93b0" stroke-width="1.5" marker-end="url(#arrow)"/>')
        shapes.append(f'<path d="M{x} 250 Q{x + 45} {rng.randint(200, 240)} {x + 90} 250" '
                      f'fill="none" stroke="{colour}" stroke-dasharray="4 3"/>')
    return ('<figure class="diagram"><svg viewBox="0 0 680 270" role="img" aria-label="'
            f'{_sentence(rng, 8)[:-1]}"><defs><marker id="arrow" viewBox="0 0 10 10" refX="9" '
            'refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0 0L10 5L0 10z" '
            'fill="#8b93b0"/></marker></defs>' + "".join(shapes)
            + '<g font-family="Inter, sans-serif" font-size="13" fill="#e2e8f8" '
            'text-anchor="middle">' + "".join(labels) + "</g></svg>"
            f"<figcaption>{_sentence(rng, 12)}</figcaption></figure>")


def _table(rng: random.Random) -> str:
    head = "".join(f"<th>{rng.choice(WORDS).title()}</th>" for _ in range(4))
    rows = "".join("<tr>" + "".join(
        f"<td>{' '.join(rng.choice(WORDS) for _ in range(rng.randint(1, 5)))}</td>"
        if cell else f'<td><span class="tag good">✓ {rng.choice(WORDS)}</span></td>'
        for cell in range(4)) + "</tr>" for _ in range(rng.randint(4, 7)))
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def _code(rng: random.Random) -> str:
    lines = ["import torch", "from torch import nn", "", f"class {rng.choice(WORDS).title()}"
             "Block(nn.Module):", "    def __init__(self, width: int) -&gt; None:",
             "        super().__init__()"]
    for index in range(rng.randint(4, 9)):
        lines.append(f"        self.{rng.choice(WORDS)}_{index} = nn.Linear(width, "
                     f"{rng.choice([64, 128, 256, 512])})")
    lines += ["", "    def forward(self, x):", f"        # {_sentence(rng, 9)}",
              f"        return torch.relu(self.{rng.choice(WORDS)}_0(x)) * {rng.random():.3f}"]
    return '<pre><code class="language-python">' + "\n".join(lines) + "</code></pre>"


def rare_word(seed: int) -> str:
    """A word found in one section (the second) of generated volume `seed` and nowhere else."""
    return f"quillwort{seed}"


def generated_volume(seed: int, size: int = ADDED_BYTES) -> str:
    """`size` to `size` + 20% bytes of the design system's markup (docs/content-format.md):
    numbered sections of text, cards, formulas, SVG diagrams, tables and code, then the closing
    three sections."""
    rng = random.Random(seed)
    size = int(size * (1 + 0.2 * rng.random()))
    parts: list[str] = []
    section = 0
    while sum(len(p.encode()) for p in parts) < size - 6000:
        section += 1
        parts += [f'<div class="sl">{section:02d} — {_sentence(rng, 3)[:-1]}</div>',
                  _paragraph(rng, 3, "lead"), _paragraph(rng, 5)]
        if section == 2:
            parts.append(f"<p>The {rare_word(seed)} trick, in one line.</p>")
        blocks = [lambda: _diagram(rng), lambda: _table(rng), lambda: _code(rng),
                  lambda: '<div class="g2">' + "".join(
                      f'<div class="card"><h4>{rng.choice(WORDS).title()}</h4>'
                      f"{_paragraph(rng, 2)}</div>" for _ in range(2)) + "</div>",
                  lambda: f'<div class="fml">y = σ(Σ wᵢxᵢ + b) · {rng.randint(2, 9)}</div>',
                  lambda: '<div class="insight"><strong>Engineer\'s insight.</strong> '
                          f"{_sentence(rng, 20)}</div>"]
        parts += [block() for block in rng.sample(blocks, k=4)]
        parts.append(_paragraph(rng, 4))
    cells = "".join(f'<div class="cheat-cell"><div class="cheat-label">{rng.choice(WORDS)}</div>'
                    f'<div class="cheat-val">{rng.randint(1, 512)}</div><div class="cheat-sub">'
                    f"{_sentence(rng, 5)}</div></div>" for _ in range(8))
    cards = "".join(f'<div class="qa"><div class="qa-q">{_sentence(rng, 9)[:-1]}?</div>'
                    f'<div class="qa-a">{_sentence(rng, 16)}</div></div>' for _ in range(8))
    sources = "".join(f'<li><a href="https://arxiv.org/abs/{rng.randint(1000, 2400)}.'
                      f'{rng.randint(10000, 99999)}">{_sentence(rng, 6)[:-1]}</a> — '
                      f"{_sentence(rng, 8)}</li>" for _ in range(5))
    parts += [f'<div class="sl">{section + 1:02d} — Quick Reference</div>',
              f'<div class="cheat-grid">{cells}</div>',
              f'<div class="sl">{section + 2:02d} — Flashcards</div>', cards,
              f'<div class="sl">{section + 3:02d} — Sources &amp; Further Reading</div>',
              f'<ul class="sources">{sources}</ul>']
    return "".join(parts)


def app_env(data_dir: Path, **extra: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"GITHUB_TOKEN", "GIST_ID", "GITHUB_API_URL"}}
    return environment | {"STUDY_GUIDE_DATA_DIR": str(data_dir), "OWNER_TOKEN": OWNER_TOKEN,
                          "SECRET_KEY": "bench-secret-key-" + "0" * 32} | extra


def add_generated(data_dir: Path, count: int) -> str:
    """Add `count` generated volumes to the local store, sanitized as an owner's add would be
    (one write), and return the stored document's text."""
    from study_guide import create_app
    from study_guide.services import services
    from study_guide.storage.document import FILENAME, add_record, new_record

    catalogue = services(create_app(app_env(data_dir))).catalogue
    records = []
    for index in range(count):
        prepared = catalogue.prepare({
            "number": str(10 + index), "title": f"Generated Volume {index + 1}",
            "html": generated_volume(index)})
        records.append(new_record(**prepared.stored_fields()))

    def change(document: dict) -> dict:
        for record in records:
            document = add_record(document, record)
        return document

    catalogue.store.modify(change)
    return (data_dir / FILENAME).read_text(encoding="utf-8")


# --- processes ---------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen

    def workers(self) -> list[int]:
        """The child processes of the server's master."""
        children = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                children.append(int(stat.parent.name))
        return children

    def cpu_seconds(self) -> float:
        total = 0.0
        for pid in [self.process.pid, *self.workers()]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return total

    def memory_tree(self) -> tuple[float, float, float]:
        """The largest process's resident size, and the resident and proportional set sizes of
        the whole tree (master and workers) added up, in MB."""
        rss, pss = _memory([self.process.pid, *self.workers()])
        return max(rss), sum(rss), sum(pss)

    def memory_per_worker(self) -> tuple[float, float]:
        """Mean resident and proportional set size of the workers, in MB (PSS splits pages
        shared with the master and the other workers among them)."""
        rss, pss = _memory(self.workers())
        return statistics.mean(rss), statistics.mean(pss)

    def settle(self, timeout: float = 120) -> None:
        """Wait until the server is idle (below 3% of a core over a second): workers finish
        their first renders and background compression before they are measured."""
        deadline = time.monotonic() + timeout
        before = self.cpu_seconds()
        while time.monotonic() < deadline:
            time.sleep(1)
            now = self.cpu_seconds()
            if now - before < 0.03:
                return
            before = now

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wait_for(url: str, process: subprocess.Popen, timeout: float = 180) -> float:
    """Seconds until `url` answers 200 (the clock started by the caller's spawn)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}")
        try:
            if requests.get(url, headers=BROWSER, timeout=timeout).status_code == 200:
                return time.monotonic()
        except requests.ConnectionError:
            time.sleep(0.02)
    raise RuntimeError(f"{url} did not answer within {timeout:.0f} s")


def spawn(name: str, command: list[str], env: dict[str, str], ready_path: str = "/"
          ) -> tuple[Server, float]:
    """Start a server and return it with its cold start: seconds until `ready_path` answers."""
    port = free_port()
    command = [part.replace("{port}", str(port)) for part in command]
    started = time.monotonic()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    server = Server(name, url, process)
    try:
        return server, wait_for(url + ready_path, process) - started
    except RuntimeError:
        server.stop()
        raise


def start_app(data_dir: Path, ready_path: str = "/", **extra: str) -> tuple[Server, float]:
    console = Path(sys.executable).with_name("study-guide")
    command = [str(console)] if console.exists() else [sys.executable, "-m", "study_guide.cli"]
    return spawn("app", [*command, "serve", "--host", "127.0.0.1", "--port", "{port}"],
                 app_env(data_dir, **extra), ready_path)


def warm(server: Server, requests_count: int = 100) -> float:
    """Seconds until every worker has answered `/` at least once (fresh connections spread
    over the workers), then until the server is idle."""
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(lambda _: requests.get(server.url + "/", headers=BROWSER, timeout=300),
                      range(requests_count)))
    warmed = time.monotonic() - started
    server.settle()
    return warmed


# --- the floor: bare Flask, same gunicorn --------------------------------------------------------

def save_page(url: str, folder: Path) -> None:
    """The app's `/` as the floor serves it: the bytes of each encoding, as sent, and the
    headers."""
    folder.mkdir(parents=True, exist_ok=True)
    for encoding in ("br", "gzip", "identity"):
        response = requests.get(url + "/", headers={"Accept-Encoding": encoding}, timeout=60,
                                stream=True)
        response.raise_for_status()
        if response.headers.get("Content-Encoding", "identity") != encoding:
            raise RuntimeError(f"asked for {encoding}, got {response.headers}")
        (folder / encoding).write_bytes(response.raw.read(decode_content=False))
    headers = {k: v for k, v in response.headers.items()
               if k.lower() not in TRANSPORT | {"content-encoding"}}
    (folder / "headers.json").write_text(json.dumps(headers))


def floor_app(folder: Path) -> object:
    """A bare Flask app: `/` returns the saved bytes with the saved headers, 304 on a match."""
    from flask import Flask, Response, request

    bodies = {name: (folder / name).read_bytes() for name in ("br", "gzip", "identity")}
    headers = json.loads((folder / "headers.json").read_text())
    etag = headers["ETag"]
    app = Flask(__name__)

    @app.get("/")
    def index() -> Response:
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers=headers)
        accepted = request.headers.get("Accept-Encoding", "")
        encoding = "br" if "br" in accepted else "gzip" if "gzip" in accepted else "identity"
        response = Response(bodies[encoding], headers=headers)
        if encoding != "identity":
            response.headers["Content-Encoding"] = encoding
        return response

    return app


def run_floor(port: int, folder: Path) -> int:
    """`study-guide serve` itself, with the floor app in place of the guide."""
    import study_guide as package
    from study_guide.cli import main

    package.create_app = lambda env=None: floor_app(folder)
    return main(["serve", "--host", "127.0.0.1", "--port", str(port)])


def start_floor(folder: Path) -> tuple[Server, float]:
    return spawn("floor", [sys.executable, __file__, "floor", "--port", "{port}", "--page",
                           str(folder)], dict(os.environ))


# --- the static limit: nginx ---------------------------------------------------------------------

def start_nginx(site: Path, work: Path) -> tuple[Server, float]:
    from study_guide.http_policy import IMMUTABLE, REVALIDATE, SECURITY_HEADERS

    work.mkdir(parents=True, exist_ok=True)
    port = free_port()
    security = "".join(f"    add_header {name} \"{value}\" always;\n"
                       for name, value in SECURITY_HEADERS.items())
    brotli = BROTLI_MODULE.exists()
    temp = "".join(f"  {kind}_temp_path {work}/{kind};\n"
                   for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    config = f"""
{"load_module " + str(BROTLI_MODULE) + ";" if brotli else ""}
worker_processes auto;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 4096; }}
http {{
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log off;
  sendfile on;
  tcp_nopush on;
  open_file_cache max=1000 inactive=60s;
{temp}  gzip_static on;
  {"brotli_static on;" if brotli else ""}
  server {{
    listen 127.0.0.1:{port};
    root {site};
    location / {{
{security}    add_header Cache-Control "{REVALIDATE}" always;
    }}
    location /assets/ {{
{security}    add_header Cache-Control "{IMMUTABLE}" always;
    }}
  }}
}}
"""
    (work / "nginx.conf").write_text(config)
    started = time.monotonic()
    process = subprocess.Popen([nginx_binary(), "-p", str(work), "-e", str(work / "error.log"),
                                "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    return Server("static", url, process), wait_for(url + "/", process) - started


def export_site(data_dir: Path, site: Path) -> None:
    console = Path(sys.executable).with_name("study-guide")
    command = [str(console)] if console.exists() else [sys.executable, "-m", "study_guide.cli"]
    subprocess.run([*command, "export", "--site", str(site)], cwd=ROOT, env=app_env(data_dir),
                   check=True, capture_output=True)


# --- load ----------------------------------------------------------------------------------------

@dataclass
class Load:
    rps: float
    p50: float  # ms
    p99: float  # ms
    errors: int
    body_bytes: int


def _milliseconds(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, headers: dict[str, str], expect: int) -> Load:
    """wrk at CONNECTIONS connections for SECONDS, after checking one answer by hand."""
    check = requests.get(url, headers=headers, timeout=30, stream=True)
    body = check.raw.read(decode_content=False)
    if check.status_code != expect:
        raise RuntimeError(f"{url} answered {check.status_code}, not {expect}")
    command = ["wrk", f"-t{min(os.cpu_count() or 1, 4)}", f"-c{CONNECTIONS}",
               f"-d{SECONDS:g}s", "--latency", "--timeout", "10s"]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    percentiles = dict(re.findall(r"^\s+(50|99)%\s+(\S+)\s*$", output, re.MULTILINE))
    if set(percentiles) != {"50", "99"}:
        raise RuntimeError("wrk printed no latency distribution:\n" + output)
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    errors += int((re.search(r"Non-2xx or 3xx responses: (\d+)", output) or [0, 0])[1])
    return Load(rps=float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
                p50=_milliseconds(percentiles["50"]), p99=_milliseconds(percentiles["99"]),
                errors=errors, body_bytes=len(body))


def cpu_per_request(data_dir: Path, floor_dir: Path) -> tuple[float, float]:
    """CPU microseconds one GET / costs the app and the floor inside one process, without HTTP
    or gunicorn: the request handling alone, which other load on the machine does not skew
    (it counts this thread's CPU time, not the time it waited)."""
    from werkzeug.test import EnvironBuilder

    from study_guide import create_app

    environ = EnvironBuilder(path="/", headers=BROWSER).get_environ()

    def call(wsgi: Callable) -> bytes:
        body = wsgi(dict(environ), lambda status, headers, exc_info=None: None)
        try:
            return b"".join(body)
        finally:
            getattr(body, "close", lambda: None)()

    def cost(wsgi: Callable) -> float:
        call(wsgi)  # the first call renders
        start = time.thread_time()
        call(wsgi)
        calls = max(20, int(0.5 / max(time.thread_time() - start, 1e-6)))  # ~0.5 s a round
        rounds = []
        for _ in range(3):
            start = time.thread_time()
            for _ in range(calls):
                call(wsgi)
            rounds.append((time.thread_time() - start) / calls * 1e6)
        return min(rounds)

    app = create_app(app_env(data_dir))
    client = app.test_client()
    floor_dir.mkdir(parents=True, exist_ok=True)
    for encoding in ("br", "gzip", "identity"):
        response = client.get("/", headers={"Accept-Encoding": encoding})
        (floor_dir / encoding).write_bytes(response.get_data())
    (floor_dir / "headers.json").write_text(json.dumps(
        {k: v for k, v in response.headers.items()
         if k.lower() not in TRANSPORT | {"content-encoding"}}))
    return cost(app.wsgi_app), cost(floor_app(floor_dir).wsgi_app)


# --- the browser ---------------------------------------------------------------------------------

@dataclass
class View:
    bytes: int  # everything, headers included
    page: int  # the HTML
    fonts: int
    requests: int
    elements: int  # in the DOM once the network settled
    fcp: float
    lcp: float
    layout: float  # ms of style and layout on the renderer's main thread
    script: float  # ms of script


METRICS = """() => new Promise(resolve => {
  const nav = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  let lcp = 0;
  new PerformanceObserver(list => { for (const e of list.getEntries()) lcp = e.startTime; })
    .observe({type: 'largest-contentful-paint', buffered: true});
  const of = test => resources.filter(r => test(r.name)).reduce((s, r) => s + r.transferSize, 0);
  setTimeout(() => resolve({
    bytes: nav.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
    page: nav.transferSize, fonts: of(n => n.endsWith('.woff2')),
    requests: 1 + resources.length, elements: document.getElementsByTagName('*').length,
    fcp: fcp ? fcp.startTime : -1, lcp: lcp}), 200);
})"""


def first_view(browser: object, url: str, runs: int = 5) -> View:
    """Median of `runs` first views, each in a fresh context (empty cache), with the time the
    renderer's main thread spent in style and layout, and in script, until the network
    settled (what a paint waits behind once the bytes are in). One view before them is not
    counted: the browser's own first start of a renderer would be charged to whichever
    server happens to be measured first."""
    views = []
    for run in range(runs + 1):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        devtools = context.new_cdp_session(page)
        devtools.send("Performance.enable")
        page.goto(url, wait_until="networkidle")
        view = page.evaluate(METRICS)
        metrics = {m["name"]: m["value"] for m in
                   devtools.send("Performance.getMetrics")["metrics"]}
        view["layout"] = (metrics["LayoutDuration"] + metrics["RecalcStyleDuration"]) * 1000
        view["script"] = metrics["ScriptDuration"] * 1000
        if run:
            views.append(view)
        context.close()
    return View(**{name: statistics.median(v[name] for v in views)
                   for name in ("bytes", "page", "fonts", "requests", "elements", "fcp", "lcp",
                                "layout", "script")})


def first_paints(browser: object, url: str, runs: int) -> float:
    """Median FCP of `runs` cold loads (fresh contexts), none left out: for the burst, where the
    first load is the one that meets the server's work."""
    paints = []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(url, wait_until="load")
        paints.append(page.evaluate("""() => new Promise(resolve => {
          const find = () => performance.getEntriesByName('first-contentful-paint')[0];
          const wait = () => find() ? resolve(find().startTime) : setTimeout(wait, 20);
          wait(); })"""))
        context.close()
    return statistics.median(paints)


def first_result(browser: object, url: str, word: str, runs: int = 3) -> float:
    """Median ms from typing `word` into the search panel of a page just loaded (fresh
    context) to the first result on screen; 10 000 when none came within 10 s."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    times = []
    for _ in range(runs):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_function("() => !document.getElementById('search-open').hidden")
        page.keyboard.press("/")
        started = time.monotonic()
        page.keyboard.type(word)
        try:
            page.locator("#search-results .search-result").first.wait_for(timeout=10_000)
            times.append((time.monotonic() - started) * 1000)
        except PlaywrightTimeout:
            times.append(10_000.0)
        context.close()
    return statistics.median(times)


def serve_bodies(url: str, rounds: int = 6) -> int:
    """Ask for every volume's body the page names, `rounds` times over fresh connections (so
    every worker serves them), as browsers reading the guide do; the bodies' count."""
    page = requests.get(url + "/", headers=BROWSER, timeout=60).text
    paths = [unescape(p) for p in re.findall(r'data-body="([^"]+)"', page)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda path: requests.get(url + path, headers=BROWSER, timeout=60)
                      .raise_for_status(), paths * rounds))
    return len(paths)


@contextmanager
def chromium() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


# --- writes and GitHub ---------------------------------------------------------------------------

def time_add(url: str, number: str) -> tuple[float, float]:
    """Seconds for the owner's POST of a 100 KB volume, and until their next GET / has it (on
    the same connection, so from the worker that made the change)."""
    from run import sample_volume

    with requests.Session() as owner:
        before = owner.get(url + "/", headers=BROWSER, timeout=300).headers["ETag"]
        started = time.monotonic()
        response = owner.post(url + "/api/volumes", headers=BEARER, timeout=300, json={
            "number": number, "title": "A Hundred Kilobytes", "html": sample_volume()})
        posted = time.monotonic() - started
        if response.status_code != 201:
            raise RuntimeError(f"adding a volume answered {response.status_code}: "
                               f"{response.text[:300]}")
        after = owner.get(url + "/", headers=BROWSER, timeout=300).headers["ETag"]
        shown = time.monotonic() - started
    if after == before:
        raise RuntimeError("the page did not change after the add")
    return posted, shown


def paced_views(url: str, count: int, per_second: float) -> float:
    """`count` page views spread evenly over count / per_second seconds; their duration."""
    started = time.monotonic()

    def view(index: int) -> None:
        delay = started + index / per_second - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        requests.get(url + "/", headers=BROWSER, timeout=60).raise_for_status()

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(view, range(count)))
    return time.monotonic() - started


@contextmanager
def fake_github(document: str) -> Iterator[object]:
    from fake_gist import FakeGitHub

    from study_guide.storage.document import FILENAME

    fake = FakeGitHub(GITHUB_TOKEN).start()
    fake.create_gist(GIST_ID, {FILENAME: document})
    try:
        yield fake
    finally:
        fake.stop()


def gist_env(fake: object, cache_seconds: float) -> dict[str, str]:
    return {"GITHUB_TOKEN": GITHUB_TOKEN, "GIST_ID": GIST_ID, "GITHUB_API_URL": fake.url,
            "GIST_CACHE_SECONDS": str(cache_seconds)}


# --- one guide -----------------------------------------------------------------------------------

@dataclass
class Results:
    loads: dict[tuple[str, str], Load] = field(default_factory=dict)  # (server, "200"|"304")
    views: dict[str, View] = field(default_factory=dict)  # server -> first view
    add_local: tuple[float, float] = (0.0, 0.0)
    add_gist: tuple[float, float] = (-1.0, -1.0)  # negative: refused (the gist is full)
    cpu: tuple[float, float] = (0.0, 0.0)  # app, floor: µs per GET / in one process
    cold_start: float = 0.0
    all_warm: float = 0.0
    memory: dict[str, tuple[float, float]] = field(default_factory=dict)
    tree: tuple[float, float, float] = (0.0, 0.0, 0.0)  # app after serving bodies, MB
    bodies: int = 0
    search: float = -1.0  # ms from typing a rare word to its first result, cold page
    github: tuple[int, float] = (0, 0.0)  # requests, seconds of page views
    page_bytes: int = 0
    page_dense: bool = False
    volumes: int = 0


def measure(work: Path, added: int, browser: object | None, tools: bool,
            note: Callable[[str], None]) -> Results:
    from study_guide.publish.compression import FAST, compress

    results = Results()
    data = work / "data"
    document = add_generated(data, added) if added else '{"volumes":[]}'
    site = work / "site"
    note(f"{added} added: starting the app")
    app, results.cold_start = start_app(data)
    servers = [app]
    try:
        # While the app's workers warm up (not measured), the site is exported and the CPU
        # per request measured (in CPU time, which the rest going on does not change).
        side = ThreadPoolExecutor(max_workers=2)
        exported = side.submit(export_site, data, site)
        cpu = side.submit(cpu_per_request, data, work / "in-process")
        results.all_warm = results.cold_start + warm(app)
        exported.result()
        results.cpu = cpu.result()
        side.shutdown()
        app.settle()
        results.volumes = len(requests.get(app.url + "/api/volumes", timeout=60)
                              .json()["volumes"])
        save_page(app.url, work / "floor")
        results.page_bytes = len((work / "floor" / "br").read_bytes())
        # Served the fast first compression still, if the background one had not finished.
        identity = (work / "floor" / "identity").read_bytes()
        results.page_dense = results.page_bytes < len(compress(identity, FAST)[1])
        floor, _ = start_floor(work / "floor")
        servers.append(floor)
        warm(floor, 20)
        if tools:
            static, _ = start_nginx(site, work / "nginx")
            servers.append(static)
        note(f"{added} added: load")
        for server in servers:
            etag = requests.get(server.url + "/", headers=BROWSER, timeout=60).headers["ETag"]
            if tools:
                results.loads[server.name, "200"] = wrk(server.url + "/", BROWSER, 200)
                results.loads[server.name, "304"] = wrk(
                    server.url + "/", BROWSER | {"If-None-Match": etag}, 304)
            if server.name != "static":
                results.memory[server.name] = server.memory_per_worker()
        if browser is not None:
            note(f"{added} added: Chromium")
            for server in servers:
                if server.name != "floor":
                    results.views[server.name] = first_view(browser, server.url + "/")
            if added:
                note(f"{added} added: search")
                results.search = first_result(browser, app.url + "/", rare_word(added - 1))
        results.bodies = serve_bodies(app.url)
        results.tree = app.memory_tree()
        note(f"{added} added: adding a volume")
        results.add_local = time_add(app.url, "3999")
    finally:
        for server in servers:
            server.stop()
    with fake_github(document) as fake:
        note(f"{added} added: Gist storage")
        gist_data = work / "gist-data"
        server, _ = start_app(gist_data, "/healthz", **gist_env(fake, GIST_CACHE_SECONDS))
        try:
            if added == 0:
                warm(server, 50)
                fake.requests.clear()
                seconds = paced_views(server.url, VIEWS, VIEWS_PER_SECOND)
                results.github = (sum(fake.requests.values()), seconds)
            try:
                results.add_gist = time_add(server.url, "3999")
            except RuntimeError as refused:  # a gist of 100 added volumes is near its size cap
                note(f"{added} added: the Gist add failed: {refused}")
        finally:
            server.stop()
    return results


def burst(work: Path, browser: object) -> tuple[float, float]:
    """Seconds the owner's BURST adds through the API take, one after another, on a server
    that was idle; then the median FCP of BURST_LOADS cold loads started at once after."""
    payloads = [{"number": str(10 + index), "title": f"Generated Volume {index + 1}",
                 "html": generated_volume(index)} for index in range(BURST)]
    app, _ = start_app(work / "data")
    try:
        warm(app)
        started = time.monotonic()
        with requests.Session() as owner:
            for payload in payloads:
                response = owner.post(app.url + "/api/volumes", headers=BEARER, timeout=300,
                                      json=payload)
                if response.status_code != 201:
                    raise RuntimeError(f"adding a volume answered {response.status_code}: "
                                       f"{response.text[:300]}")
        seconds = time.monotonic() - started
        return seconds, first_paints(browser, app.url + "/", BURST_LOADS)
    finally:
        app.stop()


# --- the table -----------------------------------------------------------------------------------

def table(results: dict[int, Results], burst_figures: tuple[float, float] | None,
          missing: list[str], load_average: str) -> str:
    lines = [f"load average at start: {load_average}, at the end: "
             f"{' '.join(f'{v:.1f}' for v in os.getloadavg())}; {os.cpu_count()} cores; wrk "
             f"{CONNECTIONS} connections, {SECONDS:g} s per run"]
    if missing:
        lines.append("not installed (run as root, or apt-get install " + " ".join(missing)
                     + "): their rows are empty")
    width = 44
    lines.append(f"{'measure':<{width}}" + "".join(f"{r.volumes:>12} volumes"
                                                  for r in results.values()) + "   target")

    def row(name: str, cell: Callable[[Results], str], target: str = "") -> None:
        lines.append(f"{name:<{width}}" + "".join(f"{cell(r):>20}" for r in results.values())
                     + f"   {target}")

    def load(server: str, status: str) -> Callable[[Results], str]:
        def cell(r: Results) -> str:
            found = r.loads.get((server, status))
            if found is None:
                return "-"
            flag = f" ({found.errors} err)" if found.errors else ""
            return f"{found.rps:,.0f}/s {found.p50:.1f}/{found.p99:.0f}{flag}"
        return cell

    def ratio(status: str, other: str) -> Callable[[Results], str]:
        def cell(r: Results) -> str:
            app, base = r.loads.get(("app", status)), r.loads.get((other, status))
            return f"{app.rps / base.rps:.0%}" if app and base else "-"
        return cell

    for status, label in (("200", "GET / (brotli)"), ("304", "GET / If-None-Match (304)")):
        lines.append(f"{label}: requests/s p50/p99 ms")
        row("  app: study-guide serve", load("app", status),
            "p99 < 50 ms" if status == "200" else "")
        row("  floor: bare Flask, same gunicorn", load("floor", status))
        row("  static: nginx, exported site", load("static", status))
        row("  app / floor", ratio(status, "floor"), "≥ 90%")
        row("  app / static", ratio(status, "static"))
    row("CPU per GET / in one process: app / floor, µs",
        lambda r: f"{r.cpu[0]:,.0f} / {r.cpu[1]:,.0f}")
    row("  as throughput, app / floor", lambda r: f"{r.cpu[1] / r.cpu[0]:.0%}"
        if r.cpu[0] else "-", "≥ 90%")
    row("page / in brotli, bytes", lambda r: f"{r.page_bytes:,}"
        + ("" if r.page_dense else " (fast)"))
    for server, label in (("app", "app"), ("static", "static site")):
        row(f"first view ({label}): KB, requests",
            lambda r, s=server: f"{r.views[s].bytes / 1000:,.0f} in {r.views[s].requests:.0f}"
            if s in r.views else "-", "≤ 300 KB" if server == "app" else "")
        row("  elements in the DOM",
            lambda r, s=server: f"{r.views[s].elements:,.0f}" if s in r.views else "-",
            "≤ 3× the first column" if server == "app" else "")
        row("  renderer: style+layout / script ms",
            lambda r, s=server: f"{r.views[s].layout:,.0f} / {r.views[s].script:,.0f}"
            if s in r.views else "-")
        row("  of which HTML / fonts, KB",
            lambda r, s=server: f"{r.views[s].page / 1000:,.0f} / {r.views[s].fonts / 1000:,.0f}"
            if s in r.views else "-")
        row(f"first view ({label}): FCP / LCP ms",
            lambda r, s=server: f"{r.views[s].fcp:.0f} / {r.views[s].lcp:.0f}"
            if s in r.views else "-", "FCP < 300 ms; ≤ 1.5× at 100" if server == "app"
            else "")
    row("search: a rare word's first result, cold, ms",
        lambda r: f"{r.search:,.0f}" if r.search >= 0 else "-", "< 1 000 ms")
    row("add 100 KB volume, local: POST / seen, ms",
        lambda r: f"{r.add_local[0] * 1000:.0f} / {r.add_local[1] * 1000:.0f}")
    row("add 100 KB volume, fake Gist: POST / seen",
        lambda r: f"{r.add_gist[0] * 1000:.0f} / {r.add_gist[1] * 1000:.0f}"
        if r.add_gist[0] >= 0 else "refused", "< 500 ms")
    row("cold start: first GET / / all workers, s",
        lambda r: f"{r.cold_start:.1f} / {r.all_warm:.1f}")
    for server in ("app", "floor"):
        row(f"memory per worker ({server}): RSS / PSS MB",
            lambda r, s=server: f"{r.memory[s][0]:.0f} / {r.memory[s][1]:.0f}"
            if s in r.memory else "-")
    row("app once bodies served: largest RSS, MB", lambda r: f"{r.tree[0]:.0f}",
        "≤ 160 MB")
    row("  whole tree: RSS / PSS, MB", lambda r: f"{r.tree[1]:.0f} / {r.tree[2]:.0f}",
        "≤ 600 MB")
    if burst_figures is not None:
        seconds, fcp = burst_figures
        lines.append(f"{f'burst: {BURST} adds through the API, s':<{width}}{seconds:>20.1f}")
        lines.append(f"{f'  then FCP, median of {BURST_LOADS} cold loads, ms':<{width}}"
                     f"{fcp:>20.0f}   < 400 ms")
    requests_made, seconds = next(iter(results.values())).github
    periods = seconds / GIST_CACHE_SECONDS
    lines.append(f"{'GitHub requests, 1 000 views on Gist storage':<{width}}"
                 f"{requests_made:>12}{'':>20}   ≤ 1 per cache period")
    lines.append(f"  ({VIEWS:,} views over {seconds:.1f} s = {periods:.1f} cache periods of "
                 f"{GIST_CACHE_SECONDS} s: {requests_made / periods:.1f} requests per period)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command")
    floor = commands.add_parser("floor", help="serve the floor app (used by the bench itself)")
    floor.add_argument("--port", type=int, required=True)
    floor.add_argument("--page", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.command == "floor":
        return run_floor(args.port, args.page)

    started = time.monotonic()
    load_average = " ".join(f"{v:.1f}" for v in os.getloadavg())

    def note(text: str) -> None:
        print(f"[{time.monotonic() - started:5.0f} s] {text}", file=sys.stderr, flush=True)

    missing = ensure_packages()
    tools = not {"wrk", "nginx"} & set(missing)
    results = {}
    with tempfile.TemporaryDirectory(prefix="study-guide-bench-") as folder:
        os.chmod(folder, 0o755)  # nginx's workers run as another user when started as root
        burst_figures = None
        with chromium() if "chromium" not in missing else _nothing() as browser:
            for added in ADDED_COUNTS:
                results[added] = measure(Path(folder) / str(added), added, browser, tools, note)
            if browser is not None:
                note(f"burst: {BURST} adds, then first paints")
                burst_figures = burst(Path(folder) / "burst", browser)
    print(table(results, burst_figures, missing, load_average))
    note("done")
    return 0


@contextmanager
def _nothing() -> Iterator[None]:
    yield None


def _memory(pids: list[int]) -> tuple[list[float], list[float]]:
    """Resident and proportional set sizes in MB of the processes still running."""
    rss, pss = [], []
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        rss.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        pss.append(int(re.search(r"Pss:\s+(\d+)", rollup).group(1)) / 1024)
    return rss, pss


if __name__ == "__main__":
    sys.exit(main())

