import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest

from study_guide.storage import StoredDocumentUnreadable
from study_guide.storage.document import FILENAME, add_record
from study_guide.storage.local import LocalStore


def add_many(data_dir: str, prefix: str, count: int) -> None:
    store = LocalStore(Path(data_dir))
    for index in range(count):
        record = {"id": f"{prefix}{index}", "number": f"{prefix}{index}", "title": "t",
                  "html": "<p>x</p>"}
        store.modify(lambda document, record=record: add_record(document, record))


def test_missing_file_reads_as_empty(tmp_path):
    snapshot = LocalStore(tmp_path).load()
    assert snapshot.document == {"volumes": []}


def test_write_is_atomic_and_readable(tmp_path):
    store = LocalStore(tmp_path)
    store.modify(lambda d: add_record(d, {"id": "a", "number": "10", "title": "t", "html": "h"}))
    assert json.loads((tmp_path / FILENAME).read_text())["volumes"][0]["id"] == "a"
    assert not list(tmp_path.glob(".*.tmp"))  # no temp file left behind


def test_unknown_keys_are_written_back(tmp_path):
    (tmp_path / FILENAME).write_text(json.dumps(
        {"volumes": [{"id": "a", "number": "10", "title": "t", "html": "h", "tint": "teal"}],
         "theme": {"accent": "#22d3ee"}}))
    store = LocalStore(tmp_path)
    store.modify(lambda d: add_record(d, {"id": "b", "number": "11", "title": "u", "html": "h"}))
    document = json.loads((tmp_path / FILENAME).read_text())
    assert document["theme"] == {"accent": "#22d3ee"}
    assert document["volumes"][0]["tint"] == "teal"


def test_an_unparseable_file_is_left_byte_for_byte_unchanged(tmp_path):
    broken = b'{"volumes": [{"id": "a", "title": "half-written\xff'
    (tmp_path / FILENAME).write_bytes(broken)
    store = LocalStore(tmp_path)
    with pytest.raises(StoredDocumentUnreadable, match="cannot be read"):
        store.load()
    with pytest.raises(StoredDocumentUnreadable, match="nothing is written"):
        store.modify(lambda d: add_record(d, {"id": "b", "number": "1", "title": "t",
                                              "html": "h"}))
    assert (tmp_path / FILENAME).read_bytes() == broken


def test_a_failed_change_leaves_the_file_alone(tmp_path):
    store = LocalStore(tmp_path)
    store.modify(lambda d: add_record(d, {"id": "a", "number": "10", "title": "t", "html": "h"}))
    before = (tmp_path / FILENAME).read_bytes()

    def refuse(document):
        raise ValueError("refused")

    with pytest.raises(ValueError):
        store.modify(refuse)
    assert (tmp_path / FILENAME).read_bytes() == before


def test_concurrent_adds_from_two_processes_all_survive(tmp_path):
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=add_many, args=(str(tmp_path), prefix, 25))
               for prefix in ("a", "b")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(60)
        assert worker.exitcode == 0
    ids = {r["id"] for r in LocalStore(tmp_path).load().document["volumes"]}
    assert ids == {f"{p}{i}" for p in "ab" for i in range(25)}


def test_load_is_cached_until_the_file_changes(tmp_path):
    store = LocalStore(tmp_path)
    first = store.load()
    assert store.load() is first
    store.modify(lambda d: add_record(d, {"id": "a", "number": "10", "title": "t", "html": "h"}))
    assert store.load().version != first.version


def test_a_change_in_the_same_clock_tick_that_looks_unchanged_is_still_seen(tmp_path):
    reader, writer = LocalStore(tmp_path), LocalStore(tmp_path)
    writer.modify(lambda d: add_record(d, {"id": "a", "number": "10", "title": "t", "html": "h"}))
    path = tmp_path / FILENAME
    before = path.stat()
    assert [v["number"] for v in reader.load().document["volumes"]] == ["10"]
    # Rewritten in place to the same size, inode and file time: only the content differs.
    path.write_text(path.read_text().replace('"10"', '"11"'))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert (path.stat().st_ino, path.stat().st_size) == (before.st_ino, before.st_size)
    assert [v["number"] for v in reader.load().document["volumes"]] == ["11"]


def test_a_forked_worker_waits_for_the_lock_its_parent_holds(tmp_path):
    """gunicorn forks workers from a master that built the store: a worker must make its own
    file lock, not re-enter the one it inherited while the master holds it."""
    store = LocalStore(tmp_path)
    order = tmp_path / "order"
    children = []

    def note(who: str) -> None:
        with order.open("a") as handle:
            handle.write(who + "\n")

    def change(document: dict) -> dict:
        pid = os.fork()
        if pid == 0:
            try:
                store.modify(lambda d: (note("child"), d)[1])
            finally:
                os._exit(0)
        children.append(pid)
        time.sleep(0.3)  # a child sharing the held lock would write within this time
        note("parent")
        return document

    store.modify(change)
    _, status = os.waitpid(children[0], 0)
    assert status == 0
    assert order.read_text() == "parent\nchild\n"
