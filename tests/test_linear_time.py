"""Every check a volume's HTML goes through takes time linear in its size, on the worst inputs
known (tests/hostile_cases.py), and past its deadline refuses clearly. Figures per case at
100 KB and 1 MB: bench/hostile.py. Here, only how time grows: 16x the input may take at most
48x the time (a quadratic pattern takes 256x), measured on the best of a few runs."""

import time

import pytest
import requests
from hostile_cases import CASES

from study_guide.content.budget import Deadline, TooComplex
from study_guide.content.prepare import prepare_volume
from study_guide.content.sanitize import clean
from study_guide.content.volume import VolumeError

SMALL, GROWTH, LIMIT = 8 * 1024, 16, 48


def payload(html: str) -> dict:
    return {"number": "77", "title": "Hostile", "html": html}


def prepared_or_refused(html: str) -> None:
    try:
        prepare_volume(payload(html), 2 * 1024 * 1024)
    except VolumeError as error:
        assert error.status < 500


def best_time(html: str, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        prepared_or_refused(html)
        times.append(time.perf_counter() - started)
    return min(times)


@pytest.mark.parametrize("name", CASES)
def test_time_grows_linearly_with_the_size(name):
    # Under 10 ms the clock measures the machine more than the code.
    small = max(best_time(CASES[name](SMALL), runs=5), 0.01)
    large_html = CASES[name](SMALL * GROWTH)
    large = best_time(large_html, runs=1)
    if LIMIT * small < large < 4 * LIMIT * small:  # a busy machine? look again
        large = min(large, best_time(large_html, runs=2))
    assert large <= LIMIT * small, f"{name}: {small * 1000:.1f} ms, then {large * 1000:.0f} ms"


def test_past_the_deadline_the_volume_is_refused_as_too_complex():
    with pytest.raises(TooComplex, match="too complex to check: reading the tags took longer"):
        clean("<p>fine</p>" * 100, deadline=Deadline(0))


def test_an_element_with_thousands_of_attributes_is_refused_and_nothing_is_stored(
        run_server, owner_headers):
    server = run_server()
    html = CASES["50,000 attributes"](1024 * 1024)
    response = requests.post(server.url + "/api/volumes", json=payload(html),
                             headers=owner_headers, timeout=30)
    assert response.status_code == 422, response.text[:300]
    error = response.json()["error"]
    assert error["code"] == "too_complex"
    assert "too complex to check: an element has 49,932 attributes" in error["message"]
    volumes = requests.get(server.url + "/api/volumes", timeout=10).json()["volumes"]
    assert "Hostile" not in [volume["title"] for volume in volumes]
