"""How long a free text may be: one limit per kind of text, checked by the services.

The database's text columns have no length, so these numbers are the only bound. The
services check every free text they are given (`check_texts`), so a text too long is
refused the same way from the pages, the API, the admin and the management commands;
the forms and the API serializers take the same numbers as their `max_length`, so that
people meet the limit (and the browser's counter) before the service refuses.

Lengths are counted as the services store the text: without the surrounding spaces,
as forms and serializers count them too.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

#: A title, the name of a body.
LINE = 300
#: A postal address, a phrase to redact.
PHRASE = 500
#: Why a request is urgent.
SHORT = 2_000
#: A question, the reason of an extension, a transfer, a withdrawal or an unpublication,
#: what must change in a draft, what an answer withholds.
REASON = 5_000
#: What is asked, a clarification, a message, the reasons of a complaint or an appeal,
#: a decision of the head, observations, minutes, a note.
STATEMENT = 10_000
#: An answer and its draft, the commission's reasons and the decision it publishes.
ANSWER = 20_000
#: A document a body publishes of its own motion.
DOCUMENT = 200_000

#: How an error names each field, by the name services, forms and the API give it.
LABELS: dict[str, Promise] = {
    "information_requested": gettext_lazy("The information requested"),
    "urgency_reason": gettext_lazy("Why it is urgent"),
    "address": gettext_lazy("The postal address"),
    "question": gettext_lazy("The question"),
    "answer": gettext_lazy("The clarification"),
    "reason": gettext_lazy("The reason"),
    "comment": gettext_lazy("What must change"),
    "text": gettext_lazy("The text"),
    "withheld": gettext_lazy("What is withheld"),
    "holder": gettext_lazy("The body that holds the information"),
    "reasons": gettext_lazy("The reasons"),
    "note": gettext_lazy("The note"),
    "minutes": gettext_lazy("The minutes"),
    "phrase": gettext_lazy("The phrase"),
    "title": gettext_lazy("The title"),
}


def text_errors(**texts: tuple[str | None, int]) -> dict[str, ValidationError]:
    """The errors of the texts given as `field=(value, limit)`, by field (none: {})."""
    errors: dict[str, ValidationError] = {}
    for field, (value, limit) in texts.items():
        if not value:
            continue
        label = LABELS.get(field, field)
        length = len(value.strip())
        if length > limit:
            errors[field] = ValidationError(
                _("%(field)s is limited to %(limit)s characters (this one has %(length)s).")
                % {
                    "field": label,
                    "limit": number_format(limit, force_grouping=True),
                    "length": number_format(length, force_grouping=True),
                },
                code="max_length",
            )
        elif "\x00" in value:
            # PostgreSQL cannot store it: refused here rather than as a database error.
            errors[field] = ValidationError(
                _("%(field)s contains a NUL character, which cannot be stored.") % {"field": label},
                code="null_characters_not_allowed",
            )
    return errors


def check_texts(**texts: tuple[str | None, int]) -> None:
    """Refuse, before anything is written, every text longer than its limit.

    `check_texts(reason=(reason, REASON))`: a ValidationError naming each field and its
    limit, as pages and the API show (400 with `fields`).
    """
    errors = text_errors(**texts)
    if errors:
        raise ValidationError(errors)
