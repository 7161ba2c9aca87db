"""A region picker for any form: type a name or a code, choose from the list the server sends back (HTMX).

Usage in another app's form::

    from sinergi.regions.choices import RegionLevel
    from sinergi.regions.widgets import RegionChoiceField

    class ShelterForm(forms.Form):
        # Any level:
        region = RegionChoiceField(label=_("Region"), required=False)
        # Only villages, only inside South Kalimantan:
        village = RegionChoiceField(label=_("Village"), levels=[RegionLevel.VILLAGE], parent="63")

The cleaned value is a `Region` (or None); the submitted value is its dotted code ("63.71.01.1001"), so a
form can be pre-filled with `initial={"region": "63.71"}` or a Region instance. Put `{{ form.media }}` in the
page's `{% block extra_head %}` so the small script that clears a stale choice is loaded; the choosing itself
is done by HTMX and sinergi.js, which every page already has.

The widget renders a hidden input carrying the code (named like the field) and a visible search box that is
deliberately not part of the form (`form="…"` pointing nowhere), so two pickers in one form, or a picker in a
filter form that also has a `q` field, never send stray parameters.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from sinergi.regions.models import Region


class RegionAutocompleteWidget(forms.Widget):
    """Hidden code input + HTMX search box + result list. See the module docstring."""

    template_name = "regions/widgets/region_autocomplete.html"

    class Media:
        js = ["regions/region_autocomplete.js"]

    def __init__(
        self,
        attrs: dict | None = None,
        *,
        levels: Iterable[int] | None = None,
        parent: str | None = None,
        placeholder: str | None = None,
    ):
        super().__init__(attrs)
        self.levels = [int(level) for level in levels] if levels else []
        self.parent = parent or ""
        self.placeholder = placeholder

    def format_value(self, value):
        if isinstance(value, Region):
            return value.code
        return "" if value is None else str(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        code = context["widget"]["value"]
        region = Region.objects.filter(code=code).only("code", "path_name", "name").first() if code else None
        query = {}
        if self.levels:
            query["level"] = ",".join(str(level) for level in self.levels)
        if self.parent:
            query["parent"] = self.parent
        context["widget"].update(
            {
                "label": (region.path_name or region.name) if region else "",
                "url": reverse("regions:autocomplete"),
                "hx_vals": json.dumps(query) if query else "",
                "placeholder": self.placeholder or _("Type a name or a code…"),
            }
        )
        return context

    def value_from_datadict(self, data, files, name):
        return data.get(name) or None


class RegionChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField over Region keyed by the dotted code, with the autocomplete widget.

    `levels` and `parent` limit both what the autocomplete offers and what the field accepts.
    """

    default_error_messages = {
        "invalid_choice": _("Choose a region from the list."),
    }

    def __init__(
        self,
        *,
        levels: Iterable[int] | None = None,
        parent: str | None = None,
        placeholder: str | None = None,
        **kwargs,
    ):
        levels = [int(level) for level in levels] if levels else []
        queryset = Region.objects.all()
        if levels:
            queryset = queryset.filter(level__in=levels)
        if parent:
            queryset = queryset.filter(code__startswith=parent + ".")
        kwargs.setdefault(
            "widget", RegionAutocompleteWidget(levels=levels, parent=parent, placeholder=placeholder)
        )
        super().__init__(queryset=queryset, to_field_name="code", **kwargs)
