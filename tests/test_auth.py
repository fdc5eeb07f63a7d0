from conftest import OWNER_TOKEN, csrf_token_from


def login(client, token):
    csrf = csrf_token_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"token": token, "csrf_token": csrf})


def test_wrong_token_gets_a_clear_message_and_no_session(client):
    response = login(client, "not-the-token-at-all")
    assert response.status_code == 401
    assert "not the owner token" in response.get_data(as_text=True)
    assert client.get("/manage").status_code == 302


def test_right_token_opens_the_manage_page(client):
    response = login(client, OWNER_TOKEN)
    assert response.status_code == 303 and response.headers["Location"] == "/manage"
    assert "Add a volume" in client.get("/manage").get_data(as_text=True)


def test_login_redirects_only_to_local_paths(client):
    csrf = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"token": OWNER_TOKEN, "csrf_token": csrf,
                                           "next": "//evil.example/x"})
    assert response.headers["Location"] == "/manage"


def test_login_without_csrf_token_is_refused(client):
    response = client.post("/login", data={"token": OWNER_TOKEN})
    assert response.status_code == 403


def test_sign_out_refuses_owner_calls_again(signed_in_client):
    client = signed_in_client
    body = {"number": "20", "title": "T", "html": "<p>x</p>"}
    ok = client.post("/api/volumes/preview", json=body, headers={"X-CSRFToken": client.csrf})
    assert ok.status_code == 200
    assert client.post("/logout", data={"csrf_token": client.csrf}).status_code == 303
    refused = client.post("/api/volumes/preview", json=body,
                          headers={"X-CSRFToken": client.csrf})
    assert refused.status_code == 401
    assert refused.get_json()["error"]["code"] == "not_signed_in"


def test_session_calls_need_the_csrf_header(signed_in_client):
    response = signed_in_client.post("/api/volumes/preview",
                                     json={"number": "20", "title": "T", "html": "<p>x</p>"})
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "csrf"


def test_wrong_bearer_token_is_refused(client):
    response = client.post("/api/volumes", json={"number": "20", "title": "T", "html": "<p>x"},
                           headers={"Authorization": "Bearer wrong-token-000000"})
    assert response.status_code == 401
    assert response.get_json()["error"]["code"] == "bad_token"


def test_sign_in_attempts_are_limited_to_five_a_minute(client):
    responses = [login(client, "wrong-token-0000000") for _ in range(6)]
    assert [r.status_code for r in responses] == [401] * 5 + [429]
    assert 0 < int(responses[-1].headers["Retry-After"]) <= 60
    assert "wait a minute" in responses[-1].get_data(as_text=True)


def test_sign_in_starts_a_fresh_session(client):
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    login(client, OWNER_TOKEN)
    with client.session_transaction() as session:
        assert "planted" not in session and session["owner"] is True


def test_session_cookie_flags_over_http_and_https(make_app):
    app = make_app(TRUST_PROXY="1")
    for scheme, secure in (("http", False), ("https", True)):
        client = app.test_client()
        csrf = csrf_token_from(client.get("/login").get_data(as_text=True))
        response = client.post("/login", data={"token": OWNER_TOKEN, "csrf_token": csrf},
                               headers={"X-Forwarded-Proto": scheme,
                                        "Referer": f"{scheme}://localhost/login"})
        cookie = response.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert ("Secure" in cookie) is secure
        assert "Expires=" in cookie
