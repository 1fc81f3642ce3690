from django import template

from ati.library import labels

register = template.Library()


@register.filter
def redaction_label(category: str) -> str:
    """A redaction category in the reader's language ("person" → "Nom d'une personne")."""
    return labels.label(category)


@register.filter
def detector_label(source: str) -> str:
    return labels.detector(source)
