"""The public forms. Limits are written into the fields so the browser shows them before anything is sent."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from sinergi.portal.images import MAX_PHOTO_BYTES, MAX_PHOTOS, NotAnImage, clean_photo
from sinergi.portal.offer import MAX_OFFER_CHARS
from sinergi.portal.services import MAX_SHORT_CHARS, MAX_TEXT_CHARS


class MultiplePhotoInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Up to MAX_PHOTOS photos; each is checked by its first bytes and re-encoded without metadata."""

    widget = MultiplePhotoInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": "image/jpeg,image/png,image/webp", "multiple": True})

    def clean(self, data, initial=None):
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        if len(files) > MAX_PHOTOS:
            raise forms.ValidationError(_("Attach at most %(n)d photos.") % {"n": MAX_PHOTOS})
        cleaned = []
        for upload in files:
            if upload.size > MAX_PHOTO_BYTES:
                raise forms.ValidationError(
                    _("A photo is too large (at most %(mb)d MB).") % {"mb": MAX_PHOTO_BYTES // (1024 * 1024)}
                )
            try:
                cleaned.append(clean_photo(upload.read()))
            except NotAnImage as exc:
                raise forms.ValidationError(
                    _("“%(name)s” is not a photo we can read: attach a JPEG, PNG or WebP picture.")
                    % {"name": (upload.name or "")[:60]}
                ) from exc
        return cleaned


class OfferForm(forms.Form):
    text = forms.CharField(
        label=_("The job offer"),
        help_text=_("Paste the whole message or post, as you received it (at most %(n)s characters).")
        % {"n": "10.000"},
        max_length=MAX_OFFER_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Paste the job offer to check."),
            "max_length": _("The text is too long: paste at most 10,000 characters (the offer itself)."),
        },
    )


class CompanyForm(forms.Form):
    q = forms.CharField(
        label=_("Company name or licence number"),
        max_length=120,
        help_text=_("For example: PT Bina Karya, or SIP3MI-…"),
        error_messages={"max_length": _("Type at most 120 characters.")},
    )


class ReportForm(forms.Form):
    what_happened = forms.CharField(
        label=_("What happened?"),
        help_text=_(
            "The offer, the promises, money asked, where people were taken, when. Do not write your own "
            "name here if you want to stay anonymous."
        ),
        max_length=MAX_TEXT_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Tell us what happened.")},
    )
    where = forms.CharField(
        label=_("Where? (village, district or regency)"),
        help_text=_("Type a place name and press “Find the place” to choose it from the list."),
        max_length=MAX_SHORT_CHARS,
        required=False,
    )
    region = forms.ChoiceField(label=_("Which place do you mean?"), required=False, widget=forms.RadioSelect)
    who = forms.CharField(
        label=_("Who was involved? (recruiter, company, people taken)"),
        max_length=MAX_TEXT_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    contact_name = forms.CharField(
        label=_("Your name (optional)"), max_length=MAX_SHORT_CHARS, required=False
    )
    contact_phone = forms.CharField(
        label=_("Your phone or WhatsApp (optional)"), max_length=40, required=False
    )
    contact_email = forms.EmailField(
        label=_("Your e-mail (optional)"), max_length=MAX_SHORT_CHARS, required=False
    )
    photos = PhotosField(
        label=_("Photos (optional, at most 3)"),
        help_text=_("Screenshots of the offer, a ticket, a document. Place and camera data are removed."),
    )
    # A field people never see (hidden by the style sheet, skipped by the keyboard); bots fill it.
    leave_empty = forms.CharField(label=_("Leave this field empty"), required=False, max_length=200)
    token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=100)

    def __init__(self, *args, region_choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [*(region_choices or []), ("", _("None of these"))]
        self.fields["leave_empty"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})

    def clean_contact_phone(self):
        from sinergi.people.identifiers import InvalidPhoneNumber, normalise_phone

        raw = self.cleaned_data["contact_phone"].strip()
        if not raw:
            return ""
        try:
            return normalise_phone(raw)
        except InvalidPhoneNumber as exc:
            raise forms.ValidationError(_("This is not a phone number (e.g. 0812-3456-7890).")) from exc

    def clean_leave_empty(self):
        if self.cleaned_data["leave_empty"]:
            raise forms.ValidationError(
                _("The form could not be sent. Leave the last field empty and send again.")
            )
        return ""


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        help_text=_("The code you received when you sent the report, e.g. K7QM-3XTA-9PWD-HV4N-E2RC."),
        max_length=60,
        error_messages={"required": _("Type your tracking code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class AddInformationForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput, max_length=60)
    text = forms.CharField(
        label=_("Information to add"),
        max_length=MAX_TEXT_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photos = PhotosField(label=_("Photos (optional, at most 3)"))
