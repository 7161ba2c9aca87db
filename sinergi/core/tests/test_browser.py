import pytest

pytestmark = pytest.mark.browser


def test_login_page_renders_in_indonesian(page):
    page.goto("/accounts/login/")
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.locator("#id_username").is_visible()
