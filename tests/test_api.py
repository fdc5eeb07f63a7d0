import json

import pytest

from study_guide.storage.document import FILENAME

VOLUME = {"number": "10", "title": "Diffusion Models",
          "html": '<div class="sl">01 — Noise</div><p onclick="x()">Forward process.</p>'
                  '<script>alert(1)</script><svg viewBox="0 0 10 10"><circle r="4"></circle>'
                  '</svg>'}


def add(client, headers, body=VOLUME):
    return client.post("/api/volumes", json=body, headers=headers)


def test_list_volumes_in_display_order(client, owner_headers):
    add(client, owner_headers, VOLUME | {"number": "12", "title": "Twelve"})
    add(client, owner_headers, VOLUME | {"number": "10", "title": "Ten"})
    volumes = client.get("/api/volumes").get_json()["volumes"]
    numbers = [int(v["number"]) for v in volumes]
    assert numbers == sorted(numbers) and numbers[-2:] == [10, 12]
    assert set(volumes[0]) == {"id", "number", "title", "builtin"}
    assert volumes[0]["builtin"] is True and volumes[-1]["builtin"] is False


def test_add_sanitizes_stores_and_reports(client, owner_headers, data_dir):
    response = add(client, owner_headers)
    assert response.status_code == 201
    body = response.get_json()
    assert body["volume"]["number"] == "10" and body["volume"]["builtin"] is False
    assert body["volume"]["numeral"] == "X"  # as the manage page lists it
    assert body["report"]["removed_tags"] == {"script": 1}
    assert body["report"]["removed_attributes"] == {"onclick": 1}
    stored = json.loads((data_dir / FILENAME).read_text())["volumes"][0]
    assert "script" not in stored["html"] and "onclick" not in stored["html"]
    assert stored["id"] == body["volume"]["id"] and stored["added_at"].endswith("Z")


def test_preview_saves_nothing(client, owner_headers, data_dir):
    response = client.post("/api/volumes/preview", json=VOLUME, headers=owner_headers)
    assert response.status_code == 200
    assert "<script>" not in response.get_json()["html"]
    assert not (data_dir / FILENAME).exists()


def test_duplicate_number_is_409_and_names_the_volume(client, owner_headers):
    add(client, owner_headers)
    response = add(client, owner_headers, VOLUME | {"title": "Other"})
    assert response.status_code == 409
    assert "Diffusion Models" in response.get_json()["error"]["message"]


def test_builtin_numbers_are_taken(client, owner_headers):
    response = add(client, owner_headers, VOLUME | {"number": "1"})
    assert response.status_code == 409


def test_oversized_html_is_413(client, owner_headers):
    big = VOLUME | {"html": "<p>" + "x" * (2 * 1024 * 1024 + 1) + "</p>"}
    response = add(client, owner_headers, big)
    assert response.status_code == 413
    assert "at most 2 MB" in response.get_json()["error"]["message"]


def test_html_that_sanitizes_to_nothing_is_422(client, owner_headers):
    response = add(client, owner_headers, VOLUME | {"html": "<script>x</script><img src=x>"})
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "empty_after_sanitizing"


@pytest.mark.parametrize("body, status", [
    ({"number": "11", "title": "", "html": "<p>x</p>"}, 400),
    ({"number": "", "title": "T", "html": "<p>x</p>"}, 400),
    ({"number": "11", "title": "T"}, 400),
    ([1, 2], 400),
])
def test_bad_input_is_400_with_a_message(client, owner_headers, body, status):
    response = client.post("/api/volumes", json=body, headers=owner_headers)
    assert response.status_code == status
    assert response.get_json()["error"]["message"].endswith(".")


def test_non_json_body_is_400(client, owner_headers):
    response = client.post("/api/volumes", data="number=1", headers=owner_headers)
    assert response.status_code == 400
    assert "JSON body" in response.get_json()["error"]["message"]


def test_delete_added_volume(client, owner_headers):
    volume_id = add(client, owner_headers).get_json()["volume"]["id"]
    assert client.delete(f"/api/volumes/{volume_id}", headers=owner_headers).status_code == 204
    ids = [v["id"] for v in client.get("/api/volumes").get_json()["volumes"]]
    assert volume_id not in ids


def test_delete_builtin_is_403_and_unknown_is_404(client, owner_headers):
    assert client.delete("/api/volumes/builtin-01", headers=owner_headers).status_code == 403
    response = client.delete("/api/volumes/nope", headers=owner_headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "unknown_volume"


def test_owner_calls_without_sign_in_are_401(client):
    for method, url in (("post", "/api/volumes"), ("post", "/api/volumes/preview"),
                        ("delete", "/api/volumes/x"), ("post", "/api/connection-test")):
        response = getattr(client, method)(url, json=VOLUME)
        assert response.status_code == 401, url
        assert response.get_json()["error"]["code"] == "not_signed_in"


def test_connection_test_with_local_storage(client, owner_headers, data_dir):
    add(client, owner_headers)
    report = client.post("/api/connection-test", headers=owner_headers).get_json()
    assert report["ok"] is True and report["backend"] == "local"
    assert report["volumes"] == 1 and report["file_found"] is True
    assert report["location"] == str(data_dir.resolve() / FILENAME)
    assert report["problems"] == []


def test_unreadable_stored_file_is_reported_and_never_overwritten(client, owner_headers,
                                                                 data_dir):
    data_dir.mkdir(parents=True, exist_ok=True)
    (data_dir / FILENAME).write_text("{broken")
    response = add(client, owner_headers)
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "stored_document_unreadable"
    assert (data_dir / FILENAME).read_text() == "{broken"
    report = client.post("/api/connection-test", headers=owner_headers).get_json()
    assert report["ok"] is False and report["problems"][0]["code"] == "file_unreadable"


def test_restore_needs_gist_storage(client, owner_headers):
    response = client.post("/api/volumes/restore", json={"revision": "a", "volume_id": "b"},
                           headers=owner_headers)
    assert response.status_code == 404
    assert "Gist storage" in response.get_json()["error"]["message"]


def test_token_appears_in_no_response(client, owner_headers):
    from conftest import OWNER_TOKEN

    volume_id = add(client, owner_headers).get_json()["volume"]["id"]
    responses = [client.get(url) for url in ("/", "/download", "/api/volumes", "/login",
                                             "/healthz", "/manage")]
    responses += [client.post("/api/connection-test", headers=owner_headers),
                  client.post("/api/volumes/preview", json=VOLUME, headers=owner_headers),
                  add(client, owner_headers),
                  client.delete(f"/api/volumes/{volume_id}", headers=owner_headers)]
    for response in responses:
        assert OWNER_TOKEN not in response.get_data(as_text=True)
        assert all(OWNER_TOKEN not in value for value in response.headers.values())
