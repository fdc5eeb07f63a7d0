"""PageCache (study_guide.web.page_cache): one render per key, a fast first compression, then
dense bytes swapped in by a background thread, in every worker process."""

import gzip
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import brotli
import pytest

from study_guide.web import dense_files
from study_guide.web import page_cache as render
from study_guide.web.dense_files import DenseFiles
from study_guide.web.page_cache import PageCache, RenderedPage

# Varied enough that the dense settings beat the fast ones.
HTML = "".join(f"<p id='p{i}'>paragraph {i * 7919 % 1013} of the guide, {i % 17} words</p>"
               for i in range(20_000))


def wait_until_dense(page: RenderedPage, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while not page.dense and time.monotonic() < deadline:
        time.sleep(0.02)
    return page.dense


def decoded(page: RenderedPage) -> tuple[bytes, bytes]:
    return gzip.decompress(page.gzip), brotli.decompress(page.brotli)


@pytest.fixture
def normal_priority(monkeypatch):
    """A nice-19 thread waits behind any busy process on the machine, for minutes on a loaded
    one: the tests of the swap run it at normal priority (the priority has its own test)."""
    monkeypatch.setattr(render, "_lowest_priority", lambda: None)


def test_the_densify_thread_yields_the_cpu_and_request_threads_keep_theirs():
    own = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen = {}

    def densify_side() -> None:
        render._lowest_priority()
        seen["priority"] = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())

    thread = threading.Thread(target=densify_side)
    thread.start()
    thread.join()
    assert seen["priority"] == 19
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == own


def test_first_answer_is_fast_then_dense_bytes_of_the_same_page_replace_it(normal_priority):
    cache = PageCache()
    page = cache.get("guide", "v1", lambda: HTML)
    first_brotli, etag = page.brotli, page.etag
    assert decoded(page) == (HTML.encode(), HTML.encode())
    assert wait_until_dense(page)
    assert decoded(page) == (HTML.encode(), HTML.encode())
    assert len(page.brotli) < len(first_brotli)
    assert page.etag == etag and cache.get("guide", "v1", lambda: "other") is page


def test_a_crowd_renders_a_key_once_and_a_new_key_renders_again():
    cache = PageCache()
    renders = []

    def render_page() -> str:
        renders.append(1)
        time.sleep(0.05)  # long enough for the crowd to pile up behind the render
        return HTML

    with ThreadPoolExecutor(max_workers=16) as pool:
        pages = list(pool.map(lambda _: cache.get("guide", "v1", render_page), range(32)))
    assert len(renders) == 1 and all(p is pages[0] for p in pages)
    newer = cache.get("guide", "v2", lambda: HTML + "<p>new</p>")
    assert newer.etag != pages[0].etag and len(renders) == 1


def test_encoded_picks_brotli_then_gzip_then_identity():
    page = RenderedPage(HTML.encode(), dense=False)
    assert page.encoded("gzip, deflate, br") == (page.brotli, "br")
    assert page.encoded("gzip;q=1.0") == (page.gzip, "gzip")
    assert page.encoded("") == (page.body, None)


def test_a_worker_forked_while_the_master_compresses_compresses_for_itself(monkeypatch,
                                                                         normal_priority):
    """gunicorn preloads the app and forks: a thread of the master does not run in the
    worker, so the worker must start its own, or it would serve the fast bytes for good."""
    release = threading.Event()
    real = render._densify

    def held(page: RenderedPage, shared: object) -> None:
        release.wait()
        real(page, shared)

    monkeypatch.setattr(render, "_densify", held)
    cache = PageCache()
    page = cache.get("guide", "v1", lambda: HTML)  # the master's thread now waits in held()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            release.set()  # nobody waits on it here: only a thread started in this process
            cache.get("guide", "v1", lambda: HTML)
            code = 0 if wait_until_dense(page) else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    release.set()
    assert os.waitstatus_to_exitcode(status) == 0
    assert wait_until_dense(page)


def test_settle_makes_every_cached_page_dense_at_once():
    cache = PageCache()
    pages = [cache.get(name, 1, lambda name=name: HTML + name) for name in ("guide", "index")]
    cache.settle()
    assert all(page.dense for page in pages)
    assert [brotli.decompress(p.brotli) for p in pages] == [p.body for p in pages]


def test_processes_on_one_data_folder_compress_a_page_densely_once(tmp_path, monkeypatch):
    """gunicorn's workers share the data folder: the first to get there compresses, the
    others wait on its lock and read its file."""
    calls = tmp_path / "calls"
    real = dense_files.compress

    def counted(body: bytes, levels: tuple[int, int]) -> tuple[bytes, bytes]:
        with open(calls, "a") as handle:
            handle.write("1")
        return real(body, levels)

    monkeypatch.setattr(dense_files, "compress", counted)
    body = HTML.encode()
    name = RenderedPage(body, dense=False).etag.strip('"')  # what PageCache names it
    children = []
    for _ in range(3):
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                gz, br = DenseFiles(tmp_path).get(name, body)
                code = 0 if gzip.decompress(gz) == brotli.decompress(br) == body else 1
            finally:
                os._exit(code)
        children.append(pid)
    for pid in children:
        assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0
    assert calls.read_text() == "1"
    page = PageCache(tmp_path).get("guide", "v1", lambda: HTML)
    assert wait_until_dense(page)  # from the file: no compression in this process either
    assert calls.read_text() == "1"


def test_a_page_prepared_ahead_is_rendered_in_the_background_once(normal_priority):
    cache = PageCache()
    renders = []

    def render_index() -> str:
        renders.append(1)
        return HTML

    for _ in range(3):
        cache.prepare("index", "v1", render_index)
    deadline = time.monotonic() + 60
    while cache.peek("index", "v1") is None and time.monotonic() < deadline:
        time.sleep(0.02)
    page = cache.peek("index", "v1")
    assert page is not None and wait_until_dense(page)
    assert cache.get("index", "v1", lambda: "other") is page and renders == [1]


def test_a_dense_page_keeps_only_compressed_bytes_and_still_serves_identity():
    page = RenderedPage(HTML.encode(), dense=False)
    page.densify()
    assert page._body is None  # the uncompressed copy is let go
    assert page.encoded("") == (HTML.encode(), None)
    assert page.encoded("br") == (page.brotli, "br")
