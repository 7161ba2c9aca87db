"""The Python <select> writes exactly what Django's widget templates write."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from sinergi.core.renderers import SinergiFormRenderer


class Everything(forms.Form):
    plain = forms.ChoiceField(choices=[("", "—"), ("a", "Alpha"), ("b&c", 'B & "C" <x>')])
    grouped = forms.ChoiceField(
        choices=[
            ("Asia", [("MY", "Malaysia"), ("KH", "Kamboja")]),
            ("Lain", [("SA", "Arab Saudi")]),
            ("x", "X"),
        ],
        required=False,
    )
    many = forms.MultipleChoiceField(choices=[(1, "Satu"), (2, "Dua"), (3, mark_safe("<b>Tiga</b>"))])
    lazy = forms.ChoiceField(
        choices=[("l", gettext_lazy("Cases"))], widget=forms.Select(attrs={"hx-get": "/a?b=1&c=2"})
    )
    flags = forms.NullBooleanField()
    numbers = forms.TypedChoiceField(choices=[(1000, 1000), (2, 2.5)], coerce=int)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "plain": "b&c",
            "grouped": "KH",
            "many": ["1", "3"],
            "lazy": "l",
            "flags": "true",
            "numbers": "1000",
        },
    ],
)
def test_select_html_is_byte_for_byte_django_s(data):
    form = Everything(data)
    for name in form.fields:
        fast = form[name].as_widget()
        form.renderer = DjangoTemplates()
        slow = form[name].as_widget()
        form.renderer = SinergiFormRenderer()
        assert fast == slow, name
        assert "<select" in fast


def test_the_project_uses_the_python_select():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), SinergiFormRenderer)
