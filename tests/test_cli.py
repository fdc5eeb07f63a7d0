import subprocess
import sys

import requests
from conftest import OWNER_TOKEN, ROOT


def run_cli(*args, env):
    return subprocess.run([sys.executable, "-m", "app.cli", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60)


def base_env(data_dir):
    import os

    env = {k: v for k, v in os.environ.items() if k not in {"GITHUB_TOKEN", "GIST_ID"}}
    return env | {"STUDY_GUIDE_DATA_DIR": str(data_dir), "OWNER_TOKEN": OWNER_TOKEN}


def test_export_writes_the_standalone_file(tmp_path, data_dir):
    target = tmp_path / "guide.html"
    result = run_cli("export", str(target), env=base_env(data_dir))
    assert result.returncode == 0, result.stderr
    html = target.read_text()
    assert 'class="volume" id="vol-1"' in html and "data:font/woff2" in html


def test_check_prints_the_storage_check(data_dir):
    result = run_cli("check", env=base_env(data_dir))
    assert result.returncode == 0
    assert "backend: local" in result.stdout and result.stdout.strip().endswith("ok")


def test_half_configured_gist_stops_with_a_clear_message(data_dir):
    result = run_cli("check", env=base_env(data_dir) | {"GIST_ID": "abc"})
    assert result.returncode == 2
    assert "GIST_ID is set but GITHUB_TOKEN is not" in result.stderr


def test_serve_runs_gunicorn_and_answers(run_server):
    server = run_server()
    assert requests.get(server.url + "/healthz", timeout=5).json() == {"ok": True}
    assert "gunicorn" in requests.get(server.url + "/", timeout=5).headers.get("Server", "")


def test_twenty_concurrent_adds_from_two_server_processes_all_survive(run_server):
    from concurrent.futures import ThreadPoolExecutor

    first, second = run_server(), run_server()
    headers = {"Authorization": f"Bearer {OWNER_TOKEN}"}

    def add(index):
        url = (first if index % 2 else second).url
        return requests.post(url + "/api/volumes", headers=headers, timeout=30, json={
            "number": str(100 + index), "title": f"Volume {index}", "html": f"<p>{index}</p>"})

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = [r.status_code for r in pool.map(add, range(20))]
    assert statuses == [201] * 20
    numbers = {v["number"] for v in requests.get(first.url + "/api/volumes").json()["volumes"]}
    assert {str(100 + i) for i in range(20)} <= numbers
