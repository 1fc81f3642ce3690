"""The redaction categories as the reviewer reads them, in the page's language."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

LABELS = {
    "identity": _("Applicant's identity"),
    "cin": _("National identity card number"),
    "residence_card": _("Residence card number"),
    "passport": _("Passport number"),
    "phone": _("Phone number"),
    "email": _("E-mail address"),
    "iban": _("IBAN"),
    "rib": _("Bank account (RIB)"),
    "birth_date": _("Date of birth"),
    "address": _("Private address"),
    "person": _("Name of a person"),
    "cnss": _("Social security (CNSS) number"),
    "ppr": _("Civil-servant (PPR) number"),
    "customer_number": _("Customer or contract number"),
    "vehicle_plate": _("Vehicle plate"),
    "plot": _("Lot or plot number"),
    "land_title": _("Land title number"),
    "other": _("Other personal data"),
}

DETECTORS = {
    "applicant": _("the applicant's identity"),
    "pattern": _("a pattern"),
    "title": _("a civil title"),
    "label": _("a label"),
    "ner": _("the name model"),
    "names": _("a name found elsewhere"),
    "cue": _("a context word"),
    "gazetteer": _("the list of names"),
    "reviewer": _("the reviewer"),
}


def label(category: str) -> str:
    return str(LABELS.get(category, category.replace("_", " ")))


def detector(source: str) -> str:
    return ", ".join(str(DETECTORS.get(s, s)) for s in source.split("+") if s)
