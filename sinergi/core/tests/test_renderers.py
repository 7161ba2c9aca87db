"""The Python <select>, <input> and <textarea> write exactly what Django's widget templates write."""

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


class Inputs(forms.Form):
    name = forms.CharField(
        max_length=20, help_text="x", widget=forms.TextInput(attrs={"hx-get": "/a?b=1&c=2"})
    )
    count = forms.IntegerField(min_value=0, required=False)
    amount = forms.DecimalField(required=False)
    mail = forms.EmailField(required=False)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, initial=3)
    on = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    at = forms.DateTimeField(required=False)
    agree = forms.BooleanField(required=False)
    upload = forms.FileField(required=False)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "disabled": True}), required=False)
    safe = forms.CharField(widget=forms.Textarea, initial=mark_safe("<b>kept</b>"), required=False)


@pytest.mark.parametrize(
    "data",
    [
        None,
        {
            "name": 'Siti "A" <b> & co',
            "count": "7",
            "amount": "1.50",
            "mail": "a@b.c",
            "secret": "s<e>",
            "version": "4",
            "on": "2026-01-02",
            "at": "2026-01-02 03:04",
            "agree": "on",
            "text": "line\n<script>x</script>",
            "safe": "",
        },
        {"count": "not a number", "on": "2026-13-45", "text": "0"},
    ],
)
def test_input_and_textarea_html_is_byte_for_byte_django_s(data, settings):
    settings.USE_THOUSAND_SEPARATOR = True  # `{{ value }}` localises numbers: the Python path must too
    form = Inputs(data)
    for name in form.fields:
        fast = form[name].as_widget(attrs={"aria-describedby": "x_help", "aria-invalid": "true"})
        form.renderer = DjangoTemplates()
        slow = form[name].as_widget(attrs={"aria-describedby": "x_help", "aria-invalid": "true"})
        form.renderer = SinergiFormRenderer()
        assert fast == slow, name
        assert "<input" in fast or "<textarea" in fast


class Countries(forms.Form):
    country = forms.ChoiceField(required=False, widget=forms.Select(attrs={"hx-get": "/a?b=1&c=2"}))
    lazy = forms.ChoiceField(required=False, choices=[("", "—"), ("l", gettext_lazy("Cases"))])
    duplicated = forms.ChoiceField(required=False, choices=[(None, "none"), ("a", "A"), ("a", "A again")])


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize("value", [None, "", "MY", "SA", "XX", 'b&"c', "l", "a", ["MY", "SA"]])
def test_fixed_choices_select_writes_what_django_s_select_writes(language, value):
    from django.utils import translation

    from sinergi.core.countries import CountryChoices
    from sinergi.core.renderers import FixedChoicesSelect

    with translation.override(language):
        form = Countries()
        countries = CountryChoices(blank=True, indonesia=False)
        form.fields["country"].choices = [*countries, ('b&"c', mark_safe("<b>x</b>"))]
        for name, field in form.fields.items():
            slow = field.widget.render(name, value, {"id": f"id_{name}"}, DjangoTemplates())
            fast_widget = FixedChoicesSelect(attrs=field.widget.attrs, choices=field.choices)
            for _ in range(2):  # the second time from the cache
                assert fast_widget.render(name, value, {"id": f"id_{name}"}) == slow, name
        if value in ("MY", "SA"):
            assert form.fields["country"].widget.render("country", value).count(" selected>") == 1


def test_fixed_choices_select_keeps_groups_to_django():
    from sinergi.core.renderers import FixedChoicesSelect

    widget = FixedChoicesSelect(choices=Everything.base_fields["grouped"].choices)
    slow = forms.Select(choices=widget.choices).render("g", "KH", renderer=DjangoTemplates())
    assert widget.render("g", "KH") == slow
    assert "<optgroup" in widget.render("g", "KH")
