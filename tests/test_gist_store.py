"""GistStore against the fake Gist API: reads, caching, outages, writes that lose nothing,
revisions and restore, the connection test, and the app's answers with Gist storage."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from conftest import FAKE_GIST_ID, FAKE_GITHUB_TOKEN, OWNER_TOKEN

from study_guide.content.builtin import load_builtins
from study_guide.content.catalogue import Catalogue
from study_guide.errors import AppError
from study_guide.storage import DocumentTooLarge, StoredDocumentUnreadable
from study_guide.storage.document import (
    FILENAME,
    add_record,
    dump_document,
    new_record,
    remove_record,
)
from study_guide.storage.gist import MAX_DOCUMENT_BYTES
from study_guide.storage.gist_cache import CACHE_FILE
from study_guide.storage.github import GistClient

GIST = f"/gists/{FAKE_GIST_ID}"
NOTICE = "GitHub unreachable — showing the copy from "


def volume(number: int, size: int = 200) -> dict:
    body = f"<p>Volume {number} " + "x" * max(size - 30, 0) + "</p>"
    return new_record(str(number), f"Volume {number}", body)


def seed(fake, records: list[dict]) -> str:
    """Put a document holding these records in the gist, as another writer would."""
    return fake.commit(FAKE_GIST_ID, {FILENAME: dump_document({"volumes": records})})


def stored(fake) -> dict:
    return json.loads(fake.content(FAKE_GIST_ID, FILENAME))


def stored_ids(fake) -> set[str]:
    return {r["id"] for r in stored(fake)["volumes"]}


def adding(record: dict):
    return lambda document: add_record(document, record)


@pytest.fixture
def quick_client(fake_github) -> GistClient:
    """Short timeouts and backoff, so slow-answer faults run in well under a second."""
    return GistClient(fake_github.url, FAKE_GITHUB_TOKEN, timeout=(1.0, 0.3), backoff=0.01)


# --- reading ----------------------------------------------------------------------------------

def test_a_new_gist_with_an_empty_document_has_no_added_volumes(gist_store):
    snapshot = gist_store().load()
    assert snapshot.document == {"volumes": []}
    assert snapshot.notice == "" and snapshot.synced_at.endswith("Z")


def test_a_three_megabyte_document_is_read_and_written_intact(gist_store, fake_github):
    records = [volume(n, size=100_000) for n in range(10, 40)]
    seed(fake_github, records)
    assert len(fake_github.content(FAKE_GIST_ID, FILENAME).encode()) > 3_000_000
    store = gist_store()
    assert store.load().document["volumes"] == records
    assert sum(n for key, n in fake_github.requests.items() if key.startswith("GET /raw/")) == 1
    extra = volume(40, size=100_000)
    store.modify(adding(extra))
    assert stored(fake_github)["volumes"] == [*records, extra]
    assert gist_store().load().document["volumes"] == [*records, extra]


def test_a_missing_file_reads_as_empty_is_reported_and_created_by_the_first_add(
        gist_store, fake_github):
    fake_github.commit(FAKE_GIST_ID, {FILENAME: None, "other.md": "notes"})
    store = gist_store()
    assert store.load().document == {"volumes": []}
    report = store.connection_test()
    assert report.file_found is False
    assert [p["code"] for p in report.problems] == ["file_missing"]
    record = volume(10)
    store.modify(adding(record))
    assert stored(fake_github) == {"volumes": [record]}
    assert fake_github.content(FAKE_GIST_ID, "other.md") == "notes"


def test_unknown_keys_in_the_gist_are_kept_when_writing(gist_store, fake_github):
    fake_github.commit(FAKE_GIST_ID, {FILENAME: json.dumps(
        {"volumes": [{"id": "a1", "number": "10", "title": "A", "html": "<p>a</p>",
                      "colour": "teal"}], "theme": "dark"})})
    gist_store().modify(adding(volume(11)))
    document = stored(fake_github)
    assert document["theme"] == "dark" and document["volumes"][0]["colour"] == "teal"


# --- the read cache ---------------------------------------------------------------------------

def test_concurrent_readers_wait_on_one_fetch(gist_store, fake_github):
    store = gist_store(GIST_CACHE_SECONDS="30")
    fake_github.inject("slow", seconds=0.3)
    with ThreadPoolExecutor(50) as pool:
        snapshots = list(pool.map(lambda _: store.load(), range(50)))
    assert fake_github.count("GET", GIST) == 1
    assert len({s.version for s in snapshots}) == 1


def test_a_page_view_storm_of_500_requests_makes_one_github_request_per_cache_period(
        make_app, gist_env, fake_github):
    app = make_app(**gist_env | {"GIST_CACHE_SECONDS": "30"})

    def views(_: int) -> list[int]:
        client = app.test_client()
        return [client.get("/").status_code for _ in range(25)]

    with ThreadPoolExecutor(20) as pool:
        statuses = [s for batch in pool.map(views, range(20)) for s in batch]
    assert len(statuses) == 500 and set(statuses) == {200}
    assert fake_github.count("GET") == 1


def test_after_each_cache_period_one_conditional_request_is_made_and_costs_nothing(
        gist_store, fake_github):
    store = gist_store(GIST_CACHE_SECONDS="0.2")
    started = time.monotonic()
    while time.monotonic() - started < 1.0:
        store.load()
        time.sleep(0.01)
    periods = 1.0 / 0.2
    assert 2 <= fake_github.count("GET", GIST) <= periods + 1
    assert fake_github.answers[304] == fake_github.count("GET", GIST) - 1


# Separate GistStore objects on one data folder stand in for server processes: each keeps its
# own memory, and they share only the data folder, as gunicorn's workers do.

def test_processes_on_one_data_folder_ask_github_once_per_cache_period(gist_store,
                                                                       fake_github):
    workers = [gist_store(GIST_CACHE_SECONDS="30") for _ in range(5)]
    for _ in range(20):
        for worker in workers:
            assert worker.load().notice == ""
    assert fake_github.count("GET", GIST) == 1


@pytest.mark.parametrize("where", ["same process", "other process"])
def test_an_add_shows_at_once_without_another_github_request(gist_store, fake_github, where):
    writer = gist_store(GIST_CACHE_SECONDS="30")
    reader = writer if where == "same process" else gist_store(GIST_CACHE_SECONDS="30")
    reader.load()
    record = volume(10)
    writer.modify(adding(record))
    gets = fake_github.count("GET", GIST)
    assert reader.load().document["volumes"] == [record]
    assert fake_github.count("GET", GIST) == gets


def test_each_period_one_process_revalidates_for_all(gist_store, fake_github):
    workers = [gist_store(GIST_CACHE_SECONDS="0.3") for _ in range(4)]
    started = time.monotonic()
    while time.monotonic() - started < 1.5:
        for worker in workers:
            worker.load()
        time.sleep(0.01)
    # One GET per period of 0.3 s (the first a full read), never one per process.
    assert 2 <= fake_github.count("GET", GIST) <= 1.5 / 0.3 + 1


def test_an_outage_seen_by_one_process_is_not_asked_again_by_the_others(gist_store,
                                                                        fake_github):
    first, second = gist_store(GIST_CACHE_SECONDS="0.3"), gist_store(GIST_CACHE_SECONDS="0.3")
    good = first.load()
    second.load()
    time.sleep(0.35)
    fake_github.inject("status", status=500, times=1000)
    gets = fake_github.count("GET", GIST)
    stale = [store.load() for store in (first, second) for _ in range(10)]
    assert all(s.notice.startswith(NOTICE) and s.version == good.version for s in stale)
    assert fake_github.count("GET", GIST) == gets + 3  # one read, retried, for both


def test_with_no_copy_an_outage_is_shared_as_the_same_503(gist_store, fake_github):
    first, second = gist_store(GIST_CACHE_SECONDS="30"), gist_store(GIST_CACHE_SECONDS="30")
    fake_github.inject("status", status=502, times=3)
    with pytest.raises(AppError) as seen_first:
        first.load()
    with pytest.raises(AppError) as seen_second:
        second.load()
    assert seen_second.value.status == seen_first.value.status == 503
    assert seen_second.value.message == seen_first.value.message
    assert fake_github.count("GET", GIST) == 3


# --- when GitHub is down ----------------------------------------------------------------------

@pytest.mark.parametrize("fault", [
    {"kind": "status", "status": 503, "times": 3}, {"kind": "drop", "times": 3},
    {"kind": "slow", "seconds": 0.6}, {"kind": "rate_limit", "status": 429},
    {"kind": "rate_limit", "status": 403, "secondary": True}])
def test_the_last_good_copy_is_served_with_a_notice_when_github_is_down(
        gist_store, fake_github, quick_client, fault):
    record = volume(10)
    seed(fake_github, [record])
    store = gist_store(client=quick_client)
    good = store.load()
    fake_github.inject(fault.pop("kind"), **fault)
    stale = store.load()
    assert stale.document == good.document and stale.version == good.version
    assert stale.notice.startswith(NOTICE) and stale.notice.endswith("UTC")


def test_the_copy_survives_a_restart_and_never_holds_the_token(gist_store, fake_github,
                                                              data_dir):
    record = volume(10)
    seed(fake_github, [record])
    gist_store().load()
    assert FAKE_GITHUB_TOKEN not in (data_dir / CACHE_FILE).read_text()
    fake_github.inject("drop", times=3)
    restarted = gist_store().load()
    assert restarted.document["volumes"] == [record] and restarted.notice.startswith(NOTICE)


def test_a_restart_revalidates_the_saved_copy_with_its_etag(gist_store, fake_github):
    gist_store().load()
    assert gist_store().load().notice == ""
    assert fake_github.answers[304] == 1


def test_a_copy_of_another_gist_is_never_served(gist_store, fake_github):
    gist_store().load()
    fake_github.create_gist("bbbbbbbbbbbbbbbbbbbb", {FILENAME: '{"volumes": []}'})
    fake_github.inject("drop", times=3)
    with pytest.raises(AppError) as caught:
        gist_store(GIST_ID="bbbbbbbbbbbbbbbbbbbb").load()
    assert caught.value.status == 503


def test_with_no_copy_an_outage_is_a_503(gist_store, fake_github):
    fake_github.inject("status", status=502, times=3)
    with pytest.raises(AppError) as caught:
        gist_store().load()
    assert caught.value.status == 503


def test_an_outage_is_not_hammered_by_page_views(gist_store, fake_github):
    store = gist_store(GIST_CACHE_SECONDS="0.2")
    store.load()
    time.sleep(0.25)
    fake_github.inject("status", status=500, times=1000)
    snapshots = [store.load() for _ in range(50)]
    assert all(s.notice.startswith(NOTICE) for s in snapshots)
    assert fake_github.count("GET", GIST) == 1 + 3  # the first read, then one retried read


def test_a_gist_edited_into_invalid_json_is_reported_and_never_overwritten(gist_store,
                                                                         fake_github):
    store = gist_store()
    store.load()
    fake_github.commit(FAKE_GIST_ID, {FILENAME: '{"volumes": [oops'})
    stale = store.load()
    assert stale.notice.startswith("The volumes file in the gist cannot be read")
    with pytest.raises(StoredDocumentUnreadable) as caught:
        store.modify(adding(volume(10)))
    assert "not valid JSON" in caught.value.message
    assert fake_github.count("PATCH") == 0
    assert fake_github.content(FAKE_GIST_ID, FILENAME) == '{"volumes": [oops'
    with pytest.raises(StoredDocumentUnreadable):
        gist_store(STUDY_GUIDE_DATA_DIR=str(store.data_dir / "fresh")).load()


# --- writes lose nothing ----------------------------------------------------------------------

def test_adds_and_deletes_change_only_their_volume(gist_store, fake_github):
    store = gist_store()
    first, second = volume(10), volume(11)
    store.modify(adding(first))
    store.modify(adding(second))
    store.modify(lambda d: remove_record(d, first["id"]))
    assert stored(fake_github) == {"volumes": [second]}
    assert len(fake_github.history(FAKE_GIST_ID)) == 4


def test_a_refused_change_sends_nothing(gist_store, fake_github):
    def refuse(document):
        raise AppError("Volume 10 already exists.", status=409, code="number_taken")

    with pytest.raises(AppError):
        gist_store().modify(refuse)
    assert fake_github.count("PATCH") == 0


def test_a_document_reaching_10_mb_is_refused_with_413_before_anything_is_sent(gist_store,
                                                                           fake_github):
    seed(fake_github, [volume(n, size=1_000_000) for n in range(10, 19)])
    with pytest.raises(DocumentTooLarge) as caught:
        gist_store().modify(adding(volume(19, size=MAX_DOCUMENT_BYTES // 9)))
    assert caught.value.status == 413 and "10 MB" in caught.value.message
    assert fake_github.count("PATCH") == 0


def test_another_writers_add_between_our_read_and_write_is_merged_back(gist_store,
                                                                      fake_github):
    original, theirs, ours = volume(10), volume(11), volume(12)
    seed(fake_github, [original])
    fake_github.before_next_patch(lambda fake: seed(fake, [original, theirs]))
    gist_store().modify(adding(ours))
    assert stored_ids(fake_github) == {original["id"], theirs["id"], ours["id"]}
    assert fake_github.count("PATCH") == 2


def test_a_revision_that_replaced_one_its_writer_never_read_loses_nothing(gist_store,
                                                                          fake_github):
    # Another machine read the gist before volume 11 existed and wrote while we wrote: its
    # revision lacks volume 11 (as a delete would); the merge must not drop it.
    early, late, theirs, ours = volume(10), volume(11), volume(12), volume(13)
    seed(fake_github, [early, late])
    fake_github.before_next_patch(lambda fake: seed(fake, [early, theirs]))
    gist_store().modify(adding(ours))
    assert stored_ids(fake_github) == {early["id"], late["id"], theirs["id"], ours["id"]}


def test_our_delete_is_kept_when_another_writer_adds_meanwhile(gist_store, fake_github):
    gone, theirs = volume(10), volume(11)
    seed(fake_github, [gone])
    fake_github.before_next_patch(lambda fake: seed(fake, [gone, theirs]))
    gist_store().modify(lambda d: remove_record(d, gone["id"]))
    assert stored_ids(fake_github) == {theirs["id"]}


def test_writers_landing_during_our_merge_write_are_merged_too(gist_store, fake_github):
    first, second, ours = volume(10), volume(11), volume(12)
    fake_github.before_next_patch(lambda fake: seed(fake, [first]))
    fake_github.before_next_patch(lambda fake: seed(fake, [ours, second]))
    gist_store().modify(adding(ours))
    assert stored_ids(fake_github) == {first["id"], second["id"], ours["id"]}


def test_four_machines_adding_at_once_keep_every_volume(gist_store, fake_github, tmp_path):
    machines = [gist_store(STUDY_GUIDE_DATA_DIR=str(tmp_path / name)) for name in "abcd"]
    records = [volume(n) for n in range(10, 50)]

    def add(index: int) -> None:
        machines[index % 4].modify(adding(records[index]))

    with ThreadPoolExecutor(16) as pool:
        list(pool.map(add, range(40)))
    assert stored_ids(fake_github) == {r["id"] for r in records}


FAULTS = [
    pytest.param("GET", {"kind": "status", "status": 502}, id="read-502-once"),
    pytest.param("GET", {"kind": "status", "status": 500, "times": 3}, id="read-500"),
    pytest.param("GET", {"kind": "drop", "times": 3}, id="read-dropped"),
    pytest.param("GET", {"kind": "slow", "seconds": 0.6}, id="read-slow"),
    pytest.param("GET", {"kind": "rate_limit", "status": 403}, id="read-403-limit"),
    pytest.param("PATCH", {"kind": "status", "status": 502}, id="write-502"),
    pytest.param("PATCH", {"kind": "status", "status": 422}, id="write-422"),
    pytest.param("PATCH", {"kind": "drop"}, id="write-dropped-before"),
    pytest.param("PATCH", {"kind": "drop", "after_apply": True}, id="write-dropped-after"),
    pytest.param("PATCH", {"kind": "slow", "seconds": 0.6}, id="write-slow"),
    pytest.param("PATCH", {"kind": "rate_limit", "status": 429, "secondary": True},
                 id="write-429-limit"),
    pytest.param("COMMITS", {"kind": "status", "status": 503, "times": 3}, id="check-503"),
    pytest.param("COMMITS", {"kind": "drop", "times": 3}, id="check-dropped"),
]


@pytest.mark.parametrize(("step", "fault"), FAULTS)
def test_every_injected_fault_leaves_the_document_unchanged_or_updated_never_shorter(
        gist_store, fake_github, quick_client, step, fault):
    originals = [volume(n) for n in (10, 11, 12)]
    seed(fake_github, originals)
    before = {r["id"] for r in originals}
    method, path = ("GET", "/commits") if step == "COMMITS" else (step, GIST)
    fake_github.inject(fault.pop("kind"), method=method, path=path, **fault)
    record = volume(13)
    try:
        gist_store(client=quick_client).modify(adding(record))
        saved = True
    except AppError as exc:
        assert exc.status in (502, 503) and exc.message
        saved = False
    time.sleep(fault.get("seconds", 0) + 0.1)  # a slow write lands after the client gave up
    after = stored_ids(fake_github)
    assert after in (before, before | {record["id"]})
    if saved:
        assert after == before | {record["id"]}


def test_a_write_dropped_after_it_landed_is_confirmed_not_resent(gist_store, fake_github):
    fake_github.inject("drop", method="PATCH", after_apply=True)
    record = volume(10)
    gist_store().modify(adding(record))
    assert stored(fake_github) == {"volumes": [record]}
    assert fake_github.count("PATCH") == 1


def test_a_failed_check_after_a_write_says_the_change_was_saved(gist_store, fake_github,
                                                               quick_client):
    fake_github.inject("status", status=502, times=3, path="/commits")
    with pytest.raises(AppError) as caught:
        gist_store(client=quick_client).modify(adding(volume(10)))
    assert caught.value.code == "gist_unverified" and "was saved" in caught.value.message


# --- revisions and restore --------------------------------------------------------------------

def test_revisions_list_recent_first_with_their_volumes(gist_store, fake_github):
    store = gist_store()
    first, second = volume(10), volume(11)
    store.modify(adding(first))
    store.modify(adding(second))
    store.modify(lambda d: remove_record(d, first["id"]))
    listed = store.revisions()
    assert [len(r["volumes"]) for r in listed] == [1, 2, 1, 0]
    assert listed[0]["volumes"] == [{"id": second["id"], "number": "11",
                                     "title": "Volume 11"}]
    assert [r["version"] for r in listed] == [r.version for r in
                                              fake_github.history(FAKE_GIST_ID)[::-1]]
    assert all(r["committed_at"].endswith("Z") for r in listed)
    assert len(store.revisions(limit=2)) == 2


def test_each_revision_is_fetched_once(gist_store, fake_github):
    store = gist_store()
    store.modify(adding(volume(10)))
    store.revisions()
    store.revisions()
    revision_gets = [k for k in fake_github.requests if k.count("/") == 3
                     and not k.endswith("/commits")]
    assert revision_gets and all(fake_github.requests[k] == 1 for k in revision_gets)


def test_a_deleted_volume_is_restored_from_an_earlier_revision(gist_store, fake_github):
    store = gist_store()
    record, other = volume(10, size=5000), volume(11)
    store.modify(adding(record))
    with_it = store.revisions()[0]["version"]
    store.modify(adding(other))
    store.modify(lambda d: remove_record(d, record["id"]))
    assert Catalogue(store, [], 2_000_000).restore(with_it, record["id"]) == record
    assert stored(fake_github)["volumes"] == [other, record]


def test_restore_refuses_a_number_now_taken_by_another_volume(gist_store):
    store = gist_store()
    old, new = volume(10), volume(10)
    store.modify(adding(old))
    version = store.revisions()[0]["version"]
    store.modify(lambda d: add_record(remove_record(d, old["id"]), new))
    with pytest.raises(AppError) as caught:
        Catalogue(store, [], 2_000_000).restore(version, old["id"])
    assert caught.value.status == 409 and caught.value.code == "number_taken"


def test_restore_refuses_a_number_a_builtin_volume_has(gist_store):
    store = gist_store()
    old = volume(1)
    store.modify(adding(old))
    version = store.revisions()[0]["version"]
    store.modify(lambda d: remove_record(d, old["id"]))
    with pytest.raises(AppError) as caught:
        Catalogue(store, load_builtins(), 2_000_000).restore(version, old["id"])
    assert caught.value.status == 409 and "already exists" in caught.value.message


def test_restore_answers_404_for_an_unknown_volume_or_revision_and_400_for_nonsense(
        gist_store):
    store = gist_store()
    version = store.revisions()[0]["version"]
    for args, status, code in [((version, "nope"), 404, "unknown_volume"),
                               (("0" * 40, "nope"), 404, "unknown_revision"),
                               (("../../etc", "nope"), 400, "bad_revision")]:
        with pytest.raises(AppError) as caught:
            store.revision_record(*args)
        assert (caught.value.status, caught.value.code) == (status, code)


# --- the connection test and describe ---------------------------------------------------------

def test_connection_test_reports_everything_when_all_is_well(gist_store, fake_github):
    seed(fake_github, [volume(10), volume(11)])
    report = gist_store().connection_test().as_dict()
    assert report["ok"] is True and report["problems"] == []
    assert report["backend"] == "gist" and report["gist_id"] == FAKE_GIST_ID
    assert report["token"] == "test…1a09" and report["scopes"] == ["gist"]
    assert report["file_found"] is True and report["volumes"] == 2
    assert report["rate_limit"]["limit"] == 5000 and report["rate_limit"]["remaining"] > 0
    assert report["rate_limit"]["reset"].endswith("Z")


@pytest.mark.parametrize(("setup", "code"), [
    (lambda fake, env: env.update(GITHUB_TOKEN="wrong-token-000000000000"), "bad_token"),
    (lambda fake, env: env.update(GIST_ID="ffffffffffffffffffff"), "gist_not_found"),
    (lambda fake, env: setattr(fake, "scopes", "read:user"), "gist_not_found"),
    (lambda fake, env: setattr(fake, "scopes", "gist, repo"), "extra_scopes"),
    (lambda fake, env: fake.inject("rate_limit", status=403), "rate_limited"),
    (lambda fake, env: fake.inject("drop", times=3), "unreachable"),
    (lambda fake, env: fake.commit(FAKE_GIST_ID, {FILENAME: "[]"}), "file_unreadable"),
])
def test_connection_test_names_each_problem_with_a_fix(gist_store, fake_github, setup, code):
    env: dict[str, str] = {}
    setup(fake_github, env)
    report = gist_store(**env).connection_test()
    assert report.ok is False
    assert [p["code"] for p in report.problems] == [code]
    assert all(p["message"] and p["fix"] for p in report.problems)


def test_describe_says_where_volumes_live_with_the_token_masked(gist_store):
    store = gist_store()
    assert store.describe()["synced_at"] == ""
    store.load()
    description = store.describe()
    assert description["backend"] == "gist" and description["gist_id"] == FAKE_GIST_ID
    assert description["token"] == "test…1a09" and description["synced_at"].endswith("Z")


# --- through the app --------------------------------------------------------------------------

OWNER = {"Authorization": f"Bearer {OWNER_TOKEN}"}
PASTE = {"number": "10", "title": "Diffusion", "html": "<p>Denoising, step by step.</p>"}


def test_the_app_adds_lists_and_deletes_volumes_in_the_gist(make_app, gist_env, fake_github):
    client = make_app(**gist_env).test_client()
    added = client.post("/api/volumes", json=PASTE, headers=OWNER)
    assert added.status_code == 201
    volume_id = added.get_json()["volume"]["id"]
    assert stored_ids(fake_github) == {volume_id}
    listed = client.get("/api/volumes").get_json()["volumes"]
    assert any(v["id"] == volume_id and not v["builtin"] for v in listed)
    assert client.delete(f"/api/volumes/{volume_id}", headers=OWNER).status_code == 204
    assert stored(fake_github) == {"volumes": []}


def test_the_guide_shows_the_outage_notice_from_the_last_copy(make_app, gist_env,
                                                             fake_github):
    client = make_app(**gist_env).test_client()
    client.post("/api/volumes", json=PASTE, headers=OWNER)
    fake_github.inject("drop", times=100)
    page = client.get("/").get_data(as_text=True)
    assert NOTICE in page and "Diffusion" in page


def test_stored_html_edited_on_github_is_sanitized(make_app, gist_env, fake_github):
    fake_github.commit(FAKE_GIST_ID, {FILENAME: json.dumps({"volumes": [{
        "id": "evil", "number": "10", "title": "Evil",
        "html": '<p>ok</p><script>alert(1)</script><img src=x onerror="alert(2)">'}]})})
    client = make_app(**gist_env).test_client()
    page = client.get("/").get_data(as_text=True)
    body = client.get(re.search(r'id="vol-10"[^>]* data-body="([^"]+)"', page).group(1))
    assert body.get_data(as_text=True) == "<p>ok</p>"
    assert "alert(" not in page and "onerror" not in page


def test_with_github_refusing_and_no_copy_readers_get_the_builtins_with_a_notice(
        make_app, gist_env, fake_github):
    client = make_app(**gist_env | {"GITHUB_TOKEN": "wrong-token-0123456789abcdef"}).test_client()
    page = client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "The added volumes cannot be read right now" in html
    assert all(f'id="{volume.anchor}"' in html for volume in load_builtins())
    # The owner's tools and scripts still hear the error itself.
    assert client.get("/api/volumes").status_code == 502
    assert FAKE_GITHUB_TOKEN not in html and "wrong-token" not in html


def test_the_app_answers_a_rate_limited_add_with_503_and_retry_after(make_app, gist_env,
                                                                    fake_github):
    client = make_app(**gist_env).test_client()
    fake_github.inject("rate_limit", status=429, seconds=120)
    answer = client.post("/api/volumes", json=PASTE, headers=OWNER)
    assert answer.status_code == 503
    assert answer.get_json()["error"]["code"] == "github_rate_limited"
    assert 110 <= int(answer.headers["Retry-After"]) <= 120


def test_the_app_answers_a_bad_token_with_502_saying_which(make_app, gist_env):
    client = make_app(**gist_env | {"GITHUB_TOKEN": "wrong-token-000000000000"}).test_client()
    answer = client.post("/api/volumes", json=PASTE, headers=OWNER)
    assert answer.status_code == 502
    assert answer.get_json()["error"]["code"] == "github_bad_token"


def test_the_app_lists_revisions_and_restores_through_the_api(make_app, gist_env):
    client = make_app(**gist_env).test_client()
    volume_id = client.post("/api/volumes", json=PASTE, headers=OWNER).get_json()["volume"]["id"]
    client.delete(f"/api/volumes/{volume_id}", headers=OWNER)
    revisions = client.get("/api/revisions", headers=OWNER).get_json()["revisions"]
    holding = next(r["version"] for r in revisions if r["volumes"])
    restored = client.post("/api/volumes/restore", headers=OWNER,
                           json={"revision": holding, "volume_id": volume_id})
    assert restored.status_code == 201 and restored.get_json()["volume"]["id"] == volume_id
    assert restored.get_json()["volume"]["numeral"] == "X"
    again = client.post("/api/volumes", json=PASTE, headers=OWNER)
    assert again.status_code == 409


def test_the_token_never_appears_in_a_response_log_line_or_error(make_app, gist_env,
                                                               fake_github, caplog):
    caplog.set_level(logging.DEBUG)
    client = make_app(**gist_env).test_client()
    answers = [client.post("/api/volumes", json=PASTE, headers=OWNER),
               client.post("/api/connection-test", headers=OWNER),
               client.get("/api/revisions", headers=OWNER), client.get("/manage")]
    # (fault, how many GETs it takes to fail a read: 5xx and drops are retried thrice)
    for kind, options, reads in [("status", {"status": 500}, 3), ("drop", {}, 3),
                                 ("rate_limit", {"status": 403}, 1),
                                 ("status", {"status": 422}, 1)]:
        fake_github.inject(kind, method="PATCH", **options)
        answers.append(client.post("/api/volumes", headers=OWNER,
                                   json=PASTE | {"number": str(20 + len(answers))}))
        fake_github.inject(kind, times=reads, **options)
        answers.append(client.post("/api/connection-test", headers=OWNER))
    answers.append(client.post("/api/volumes/restore", headers=OWNER,
                               json={"revision": "0" * 40, "volume_id": "x"}))
    bad = make_app(**gist_env | {"GITHUB_TOKEN": "wrong-token-000000000000"}).test_client()
    answers += [bad.post("/api/connection-test", headers=OWNER), bad.get("/")]
    assert {a.status_code for a in answers} >= {200, 201, 404, 502, 503}
    for answer in answers:
        assert FAKE_GITHUB_TOKEN not in answer.get_data(as_text=True)
        assert FAKE_GITHUB_TOKEN not in str(answer.headers)
        assert "wrong-token-000000000000" not in answer.get_data(as_text=True)
    assert caplog.records  # the faults were logged...
    assert FAKE_GITHUB_TOKEN not in caplog.text  # ...without the token
    assert all(FAKE_GITHUB_TOKEN not in (r.exc_text or "") for r in caplog.records)


# --- two app processes ------------------------------------------------------------------------

@pytest.mark.parametrize("machines", ["one machine", "two machines"])
def test_40_adds_from_two_app_processes_at_once_are_all_kept(run_server, gist_env, fake_github,
                                                            tmp_path, machines):
    servers = []
    for name in "ab":
        folder = tmp_path / ("shared" if machines == "one machine" else name)
        servers.append(run_server(gist_env | {"STUDY_GUIDE_DATA_DIR": str(folder)}))

    def add(number: int) -> int:
        server = servers[number % 2]
        paste = {"number": str(number), "title": f"Volume {number}",
                 "html": f"<p>Volume {number} body.</p>"}
        return requests.post(server.url + "/api/volumes", json=paste, headers=OWNER,
                             timeout=60).status_code

    start = threading.Barrier(8)

    def worker(numbers: list[int]) -> list[int]:
        start.wait()
        return [add(n) for n in numbers]

    batches = [list(range(10 + i, 50, 8)) for i in range(8)]
    with ThreadPoolExecutor(8) as pool:
        statuses = [s for batch in pool.map(worker, batches) for s in batch]
    assert statuses == [201] * 40
    numbers = sorted(int(r["number"]) for r in stored(fake_github)["volumes"])
    assert numbers == list(range(10, 50))
    for server in servers:
        listed = requests.get(server.url + "/api/volumes", timeout=10).json()["volumes"]
        assert {int(v["number"]) for v in listed if not v["builtin"]} == set(range(10, 50))
