from __future__ import annotations

import pytest
from django import forms
from django.urls import reverse

from sinergi.regions.choices import RegionLevel
from sinergi.regions.selectors import region_get, region_search
from sinergi.regions.widgets import RegionChoiceField

pytestmark = pytest.mark.django_db


def codes(queryset, n=50):
    return [r.code for r in queryset[:n]]


def test_code_prefix_with_or_without_dots(regions):
    assert codes(region_search(query="63.71"))[0] == "63.71"
    assert codes(region_search(query="6371")) == codes(region_search(query="63.71"))
    found = codes(region_search(query="637101"), 200)
    assert found[0] == "63.71.01"
    assert all(code.startswith("63.71.01") for code in found)
    assert codes(region_search(query="6371011001")) == ["63.71.01.1001"]


def test_name_matches_word_prefixes_and_ranks_higher_levels_first(regions):
    found = list(region_search(query="banjarmasin")[:10])
    assert found[0].code == "63.71"  # Kota Banjarmasin before its districts and villages
    assert all("banjarmasin" in r.name_search for r in found)
    # Every word must start a word of the name, in any order.
    assert "63.71" in codes(region_search(query="banjar kota"))
    assert "63.71" not in codes(region_search(query="anjarmasin"))


def test_level_and_parent_filters(regions):
    villages = list(region_search(query="sungai", levels=[RegionLevel.VILLAGE])[:20])
    assert villages and all(r.level == RegionLevel.VILLAGE for r in villages)
    inside_ntb = list(region_search(query="", parent="52", levels=[RegionLevel.REGENCY]))
    assert len(inside_ntb) == 10
    assert all(r.code.startswith("52.") for r in inside_ntb)
    assert region_search(query="banjarmasin", parent="52").count() == 0


def test_short_or_empty_queries_give_nothing(regions):
    assert region_search(query="").count() == 0
    assert region_search(query="a").count() == 0
    assert region_search(query="...").count() == 0


def test_region_get_by_dotted_code_or_digits(regions):
    assert region_get("63.71").name == "Kota Banjarmasin"
    assert region_get("6371").code == "63.71"
    assert region_get("99.99") is None
    assert region_get("") is None


def test_autocomplete_fragment(client, case_worker, signed_in, regions):
    signed_in(client, case_worker)
    response = client.get(reverse("regions:autocomplete"), {"q": "banjarmasin", "level": "2"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-autocomplete-value="63.71"' in html
    assert "<html" not in html
    assert 'data-autocomplete-value="63.71.01"' not in html


def test_autocomplete_never_fails_on_odd_input(client, case_worker, signed_in, regions):
    signed_in(client, case_worker)
    for params in ({"q": "%%%"}, {"q": "x" * 500}, {"level": "abc"}, {"parent": "zz", "q": "ba"}, {}):
        assert client.get(reverse("regions:autocomplete"), params).status_code == 200


def test_autocomplete_requires_sign_in(client, regions):
    response = client.get(reverse("regions:autocomplete"), {"q": "banjar"})
    assert response.status_code == 302


def test_region_index_page(client, case_worker, signed_in, regions):
    signed_in(client, case_worker)
    response = client.get(reverse("regions:index"), {"q": "63.71.01"})
    assert response.status_code == 200
    assert "Banjarmasin Selatan" in response.content.decode()


class _Form(forms.Form):
    region = RegionChoiceField(required=False)
    village = RegionChoiceField(levels=[RegionLevel.VILLAGE], parent="63", required=False)


def test_choice_field_accepts_codes_and_respects_limits(regions):
    form = _Form(data={"region": "63.71", "village": "63.71.01.1001"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["region"].name == "Kota Banjarmasin"
    assert form.cleaned_data["village"].code == "63.71.01.1001"
    form = _Form(data={"village": "63.71"})
    assert not form.is_valid()
    form = _Form(data={"village": "52.01.01.2001"})
    assert not form.is_valid()
    form = _Form(data={"region": "nonsense"})
    assert not form.is_valid()


def test_widget_renders_label_of_the_chosen_region(regions):
    html = str(_Form(initial={"region": "63.71"})["region"])
    assert 'name="region" value="63.71"' in html
    assert "Kota Banjarmasin" in html
    html = str(_Form()["village"])
    assert "hx-get=" in html and "&quot;level&quot;: &quot;4&quot;" in html
