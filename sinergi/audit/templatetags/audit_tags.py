from django import template

register = template.Library()


@register.filter
def change_label(key: str) -> str:
    """The name of a key of an entry's `changes` in the reader's language ("to_agency" -> "to agency")."""
    from sinergi.audit.summaries import change_label as label

    return label(key)


@register.filter
def join_value(value) -> str:
    """A value from an entry's `changes` as one short line: lists joined by commas, mappings as key=value."""
    if isinstance(value, list | tuple):
        return ", ".join(join_value(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}={join_value(item)}" for key, item in value.items())
    return "" if value is None else str(value)


@register.filter
def summary_text(summary: str) -> str:
    """An entry's summary as a sentence in the reader's language ("case viewed as participant")."""
    from sinergi.audit.summaries import summary_label

    return summary_label(summary)
