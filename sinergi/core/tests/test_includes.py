"""The shared template snippets other apps include: pagination, form fields, forms, empty lists."""

from django import forms
from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation


def render(source: str, **context) -> str:
    return Template("{% load sinergi %}" + source).render(Context(context))


def test_pagination_keeps_filters_and_replaces_page():
    request = RequestFactory().get("/people/", {"q": "siti aminah", "sex": "F", "page": "2"})
    page = Paginator(list(range(95)), 10).page(2)
    html = render('{% include "core/includes/pagination.html" with page=page %}', request=request, page=page)
    assert 'href="?q=siti+aminah&amp;sex=F&amp;page=1"' in html
    assert 'href="?q=siti+aminah&amp;sex=F&amp;page=3"' in html
    assert "2" in html and "10" in html
    assert "hx-get" not in html


def test_pagination_with_htmx_target_and_hidden_for_a_single_page():
    request = RequestFactory().get("/audit/")
    page = Paginator(list(range(30)), 10).page(1)
    html = render(
        '{% include "core/includes/pagination.html" with page=page hx_target="#results" %}',
        request=request,
        page=page,
    )
    assert 'hx-get="?page=2"' in html and 'hx-target="#results"' in html
    assert 'rel="prev"' not in html
    single = Paginator([1, 2], 10).page(1)
    assert "<nav" not in render(
        '{% include "core/includes/pagination.html" with page=page %}', request=request, page=single
    )


class SampleForm(forms.Form):
    nik = forms.CharField(label="NIK", help_text="16 digits")
    consent = forms.BooleanField(label="Consent given", required=False)
    sex = forms.ChoiceField(label="Sex", choices=[("F", "F"), ("M", "M")], widget=forms.RadioSelect)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("These records conflict.")


def test_form_field_links_label_help_and_errors():
    form = SampleForm(data={"nik": "", "sex": "F"})
    assert not form.is_valid()
    html = render('{% include "core/includes/form_field.html" with field=form.nik %}', form=form)
    assert '<label for="id_nik">NIK' in html
    assert 'aria-describedby="id_nik_help id_nik_errors"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_nik_help"' in html and 'id="id_nik_errors"' in html


def test_form_renders_non_field_errors_hidden_fields_and_choice_fieldsets():
    form = SampleForm(data={"nik": "1", "sex": "F"})
    form.is_valid()
    html = render('{% include "core/includes/form.html" with form=form %}', form=form)
    assert "These records conflict." in html and 'role="alert"' in html
    assert 'type="hidden" name="token"' in html
    assert "<legend>Sex" in html
    assert 'class="checkbox" for="id_consent"' in html


def test_empty_state_default_and_custom_message():
    with translation.override("en"):
        assert "Nothing to show yet." in render('{% include "core/includes/empty.html" %}')
    html = render(
        '{% include "core/includes/empty.html" with message="No cases." action_url="/cases/new/" '
        'action_label="New case" %}'
    )
    assert "No cases." in html and 'href="/cases/new/"' in html
