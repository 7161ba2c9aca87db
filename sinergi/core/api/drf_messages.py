"""DRF messages missing from its own Indonesian catalogue, listed here so that ours translates them.

Never imported: `makemessages` reads the strings, and Django's merged catalogue then finds the translations in
sinergi/core/locale. Keep the text exactly as DRF writes it.
"""

from django.utils.translation import gettext_noop as _

MESSAGES = [
    _('"{input}" is not a valid path choice.'),
    _("A valid number is required."),
    _("A valid biginteger is required."),
    _("Datetime value out of range."),
    _("Ensure this field has at least {min_length} elements."),
    _("Ensure this field has no more than {max_length} elements."),
    _('Enter a valid "slug" consisting of Unicode letters, numbers, underscores, or hyphens.'),
    _("Expected a date but got a datetime."),
    _("Expected a datetime but got a date."),
    _('Expected a list of items but got type "{input_type}".'),
    _("Incorrect type. Expected pk value, received {data_type}."),
    _("Invalid data. Expected a dictionary, but got {datatype}."),
    _('Invalid datetime for the timezone "{timezone}".'),
    _("Invalid input."),
    _("Invalid page."),
    _("Invalid value."),
    _("Must be a valid UUID."),
    _("Must be a valid boolean."),
    _("Not a valid string."),
    _("Object with {slug_name}={value} does not exist."),
    _("String value too large."),
    _("The submitted data was not a file. Check the encoding type on the form."),
    _("This dictionary may not be empty."),
    _("This list may not be empty."),
    _("This value does not match the required pattern."),
    _("A page number within the paginated result set."),
    _("Number of results to return per page."),
]
