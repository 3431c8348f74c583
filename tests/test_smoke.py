"""The app starts and the start page asks for a login."""


def test_start_page_redirects_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


def test_demo_user_can_log_in(client, auth):
    response = auth.login("anna")
    assert response.status_code == 302
    assert "Anna" in client.get("/").get_data(as_text=True)
