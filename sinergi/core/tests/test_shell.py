import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("core:home"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_signed_in_home_is_not_cached_and_has_security_headers(client, case_worker, signed_in):
    signed_in(client, case_worker)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_default_language_is_indonesian(client):
    response = client.get(reverse("accounts:login"))
    assert '<html lang="id">' in response.content.decode()


def test_page_title_names_the_page_then_sinergi(client, case_worker, signed_in):
    signed_in(client, case_worker)
    html = client.get(reverse("core:home")).content.decode()
    assert "<title>Beranda · Sinergi</title>" in html


def test_audit_menu_entry_only_for_its_readers(client, case_worker, supervisor, signed_in):
    signed_in(client, case_worker)
    assert 'href="/audit/"' not in client.get(reverse("core:home")).content.decode()
    signed_in(client, supervisor)
    assert 'href="/audit/"' in client.get(reverse("core:home")).content.decode()


def test_language_switch_hooks_and_skip_link(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'data-testid="lang-en"' in html and 'data-testid="lang-id"' in html
    assert 'class="skip-link" href="#main"' in html and 'id="main"' in html


def test_no_inline_script_or_style_on_the_shell(client, supervisor, signed_in):
    import re

    signed_in(client, supervisor)
    html = client.get(reverse("core:home")).content.decode()
    assert all(" src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))
    assert not re.search(r"<style\b|\sstyle=", html)
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html


def test_shell_assets_fit_a_slow_line(client, supervisor, signed_in):
    """Everything a page loads is local, and the shell's CSS and JS stay small (about 20 KB compressed)."""
    import gzip
    import re

    from django.contrib.staticfiles import finders

    signed_in(client, supervisor)
    html = client.get(reverse("core:home")).content.decode()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert assets
    total = 0
    for url in assets:
        path = finders.find(url.removeprefix("/static/"))
        assert path, url
        with open(path, "rb") as handle:
            total += len(gzip.compress(handle.read()))
    assert total < 30_000, total
