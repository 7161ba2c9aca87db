"""The form renderer: Django's, except that <select>, <input> and <textarea> are written in Python.

Django renders every <option> through two template includes (option and attributes), about 70 µs each. A case
page carries a dozen action forms with country, agency and user lists: some 1,300 options, 90 ms of a 100 ms
page. `SinergiFormRenderer` writes the same HTML, byte for byte, in Python (the test compares it with Django's
templates); any select whose options use another template still goes through the template engine. The inputs
and text areas of those forms (about 40 on a case page, three template includes each) are written the same way.
"""

from __future__ import annotations

import html
from functools import lru_cache

from django import forms
from django.forms.renderers import DjangoTemplates
from django.template import Context
from django.template.base import render_value_in_context
from django.utils.safestring import SafeData, mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATE = "django/forms/widgets/select_option.html"
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"
# Django's templates that are nothing but `{% include "django/forms/widgets/input.html" %}`.
INPUT_TEMPLATES = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in (
        "input",
        "text",
        "number",
        "email",
        "url",
        "color",
        "search",
        "tel",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "checkbox",
        "file",
    )
)
_CONTEXT = Context(autoescape=True)


def text(value) -> str:
    """A value as `{{ value }}` writes it: localised, escaped unless already safe."""
    if type(value) is str:  # most values and labels: nothing to localise, only to escape (as escape() does)
        return html.escape(value)
    return render_value_in_context(value, _CONTEXT)


def _formatted(value) -> str:
    """`{{ value|stringformat:'s' }}`: the filter keeps a safe value safe, so it is not escaped twice."""
    formatted = f"{value}"
    # Re-marking what was already safe, as the filter does (is_safe=True).
    return text(mark_safe(formatted) if isinstance(value, SafeData) else formatted)  # noqa: S308


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {text(name)}" if value is True else f' {text(name)}="{_formatted(value)}"')
    return "".join(parts)


def _option(value, attrs: dict, label) -> str:
    """django/forms/widgets/select_option.html."""
    return f'\n  <option value="{_formatted(value)}"{_attrs(attrs)}>{text(label)}</option>\n'


def render_select(widget: dict) -> str | None:
    """The HTML of django/forms/widgets/select.html for a widget context; None if an option has its own
    template (the caller then uses the template engine)."""
    out = [f'<select name="{text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{text(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION_TEMPLATE:
                return None
            out.append(_option(option["value"], option["attrs"], option["label"]))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")  # the renderer strips the template's final newline
    return mark_safe("".join(out))  # noqa: S308 - every name, value and label above went through text()


def render_input(widget: dict) -> str:
    """django/forms/widgets/input.html."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    html = (
        f'<input type="{text(widget["type"])}" name="{text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'
    )
    return mark_safe(html)  # noqa: S308 - every value above went through text()


def render_textarea(widget: dict) -> str:
    """django/forms/widgets/textarea.html."""
    value = text(widget["value"]) if widget["value"] else ""
    html = f'<textarea name="{text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'
    return mark_safe(html)  # noqa: S308 - every value above went through text()


@lru_cache(maxsize=16)
def _fixed_options(
    language: str, choices: tuple
) -> tuple[tuple[str, ...], tuple[str, ...], dict[str, int]] | None:
    """Each option's HTML, unselected and selected, and the index of the first option of each value; None if
    the list has groups. Keyed by the language too: a lazy label is the same key in every language."""
    plain: list[str] = []
    selected: list[str] = []
    first: dict[str, int] = {}
    for index, (value, label) in enumerate(choices):
        if isinstance(label, (list, tuple)):
            return None
        value = "" if value is None else value
        plain.append(_option(value, {}, label))
        selected.append(_option(value, {"selected": True}, label))
        first.setdefault(str(value), index)
    return tuple(plain), tuple(selected), first


class FixedChoicesSelect(forms.Select):
    """A <select> whose long list is the same on every page (the countries: 250 options, twice on a case page):
    its options are written once per language and list, and only the selected one differs. The HTML is
    Django's Select's, byte for byte (test_renderers.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        from django.utils.translation import get_language

        cached = None
        if self.template_name == SELECT_TEMPLATE and self.option_template_name == OPTION_TEMPLATE:
            try:
                cached = _fixed_options(get_language() or "", tuple(self.choices))
            except TypeError:  # a group's choices are a list: not a cache key, and Django writes groups
                cached = None
        if cached is None:
            return super().render(name, value, attrs, renderer)
        plain, selected, first = cached
        chosen = [first[v] for v in self.format_value(value) if v in first]
        options = list(plain)
        if chosen:  # a single select marks only the first option whose value matches, as Django's does
            options[min(chosen)] = selected[min(chosen)]
        head = f'<select name="{text(name)}"{_attrs(self.build_attrs(self.attrs, attrs))}>'
        return mark_safe(head + "".join(options) + "\n</select>")  # noqa: S308 - escaped by _option/_text


class SinergiFormRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name == SELECT_TEMPLATE:
            html = render_select(context["widget"])
            if html is not None:
                return html
        elif template_name in INPUT_TEMPLATES:
            return render_input(context["widget"])
        elif template_name == TEXTAREA_TEMPLATE:
            return render_textarea(context["widget"])
        return super().render(template_name, context, request=request)
