"""The legal profiles and calendars ati ships with, as data.

`install_legal_data()` is called by the data migration (with the historical
models), by the test factories and by seed_demo; it is idempotent: rows are
found by their code or key and created only when missing, so a profile an
administrator edited is never overwritten.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.text import slugify

#: Years the shipped calendars cover: Law 31-13 came into force on 12 March 2019.
YEARS = range(2019, 2036)

WD, CD, MO = "working_days", "calendar_days", "months"


@dataclass(frozen=True)
class FixedHoliday:
    key: str
    month: int
    day: int
    fr: str
    ar: str
    en: str
    since: int = 0


#: law-31-13.md § 3: the fixed public holidays of Morocco.
MOROCCO_FIXED = [
    FixedHoliday("new-year", 1, 1, "Nouvel an", "رأس السنة الميلادية", "New Year's Day"),
    FixedHoliday(
        "independence-manifesto",
        1,
        11,
        "Manifeste de l'indépendance",
        "ذكرى تقديم وثيقة الاستقلال",
        "Proclamation of Independence Day",
    ),
    FixedHoliday(
        "amazigh-new-year",
        1,
        14,
        "Nouvel an amazigh",
        "رأس السنة الأمازيغية",
        "Amazigh New Year",
        since=2024,
    ),
    FixedHoliday("labour-day", 5, 1, "Fête du Travail", "عيد الشغل", "Labour Day"),
    FixedHoliday("throne-day", 7, 30, "Fête du Trône", "عيد العرش", "Throne Day"),
    FixedHoliday(
        "oued-eddahab",
        8,
        14,
        "Allégeance d'Oued Eddahab",
        "ذكرى استرجاع إقليم وادي الذهب",
        "Oued Eddahab Day",
    ),
    FixedHoliday(
        "revolution-day",
        8,
        20,
        "Révolution du Roi et du Peuple",
        "ذكرى ثورة الملك والشعب",
        "Revolution of the King and the People",
    ),
    FixedHoliday("youth-day", 8, 21, "Fête de la Jeunesse", "عيد الشباب", "Youth Day"),
    # Declared in late 2025 (after 31 October 2025): first observed in 2026.
    FixedHoliday("unity-day", 10, 31, "Fête de l'Unité", "عيد الوحدة", "Unity Day", since=2026),
    FixedHoliday(
        "green-march",
        11,
        6,
        "Anniversaire de la Marche verte",
        "ذكرى المسيرة الخضراء",
        "Green March",
    ),
    FixedHoliday(
        "independence-day", 11, 18, "Fête de l'Indépendance", "عيد الاستقلال", "Independence Day"
    ),
]

#: Islamic holidays, keyed by their English name in the `holidays` package.
ISLAMIC = {
    "Islamic New Year": (
        "islamic-new-year",
        "1er Moharram (Nouvel an de l'Hégire)",
        "فاتح محرم (رأس السنة الهجرية)",
        "1 Muharram (Islamic New Year)",
    ),
    "Eid al-Fitr": ("eid-al-fitr", "Aïd al-Fitr", "عيد الفطر", "Eid al-Fitr"),
    "Eid al-Adha": ("eid-al-adha", "Aïd al-Adha", "عيد الأضحى", "Eid al-Adha"),
    "Prophet's Birthday": (
        "mawlid",
        "Aïd al-Mawlid (naissance du Prophète)",
        "عيد المولد النبوي الشريف",
        "Mawlid (the Prophet's birthday)",
    ),
}


def morocco_fixed(years: Iterable[int]) -> list[dict[str, Any]]:
    return [
        {
            "key": f"{h.key}-{year}",
            "date": date(year, h.month, h.day),
            "label_fr": h.fr,
            "label_ar": h.ar,
            "label_en": h.en,
            "kind": "fixed",
            "status": "confirmed",
        }
        for year in years
        for h in MOROCCO_FIXED
        if year >= h.since
    ]


def islamic_proposals(years: Iterable[int]) -> list[dict[str, Any]]:
    """Estimated Islamic holidays of Morocco, from the `holidays` package.

    Keyed by Hijri year and day ("eid-al-fitr-1447-1"), so that a holiday keeps
    its identity when an administrator moves it, and a Gregorian year holding
    the same feast twice (2033) gets two keys. Dates the package gives without
    "(estimated)" are observed dates and come in confirmed.
    """
    # Imported here: `holidays` loads every country's calendar (11 MB in each web
    # worker, issue #19); only installing or proposing a calendar needs it.
    import holidays as holidays_lib
    from hijridate import Gregorian

    found: dict[tuple[str, int], list[tuple[date, bool]]] = defaultdict(list)
    for day, names in holidays_lib.Morocco(years=list(years), language="en_US").items():
        for name in names.split("; "):
            base = name.replace(" (estimated)", "")
            if base in ISLAMIC:
                hijri_year = Gregorian(day.year, day.month, day.day).to_hijri().year
                found[(base, hijri_year)].append((day, "(estimated)" in name))
    rows = []
    for (base, hijri_year), days in sorted(found.items(), key=lambda kv: min(kv[1])):
        key, fr, ar, en = ISLAMIC[base]
        for index, (day, estimated) in enumerate(sorted(days), start=1):
            rows.append(
                {
                    "key": f"{key}-{hijri_year}-{index}",
                    "date": day,
                    "label_fr": fr,
                    "label_ar": ar,
                    "label_en": en,
                    "kind": "islamic",
                    "status": "proposed" if estimated else "confirmed",
                    "estimated_date": day,
                }
            )
    return rows


def country_holidays(
    country: str, subdivision: str, years: Iterable[int], french: bool = False
) -> list[dict[str, Any]]:
    """Public holidays of another country, as the `holidays` package lists them."""
    import holidays as holidays_lib  # imported here, as in islamic_proposals

    kwargs: dict[str, Any] = {"years": list(years)}
    if subdivision:
        kwargs["subdiv"] = subdivision
    english = holidays_lib.country_holidays(country, language="en_US", **kwargs)
    local = holidays_lib.country_holidays(country, language="fr", **kwargs) if french else None
    rows = []
    for day, names in sorted(english.items()):
        en_names = names.split("; ")
        fr_names = local[day].split("; ") if local is not None else en_names
        if len(fr_names) != len(en_names):
            fr_names = en_names
        for en, fr in zip(en_names, fr_names, strict=True):
            rows.append(
                {
                    "key": f"{slugify(en)[:60]}-{day.isoformat()}",
                    "date": day,
                    "label_fr": fr,
                    "label_ar": "",
                    "label_en": en,
                    "kind": "public",
                    "status": "confirmed",
                }
            )
    return rows


CALENDARS: list[dict[str, Any]] = [
    {
        "code": "ma",
        "name_fr": "Maroc",
        "name_ar": "المغرب",
        "name_en": "Morocco",
        "weekend": "5,6",
        "holidays_country": "MA",
    },
    {
        "code": "fr",
        "name_fr": "France",
        "name_ar": "فرنسا",
        "name_en": "France",
        "weekend": "5,6",
        "holidays_country": "FR",
    },
    {
        "code": "gb-eng",
        "name_fr": "Angleterre (Royaume-Uni)",
        "name_ar": "إنجلترا (المملكة المتحدة)",
        "name_en": "England (United Kingdom)",
        "weekend": "5,6",
        "holidays_country": "GB",
        "holidays_subdivision": "ENG",
    },
    {
        "code": "us-federal",
        "name_fr": "États-Unis (jours fériés fédéraux)",
        "name_ar": "الولايات المتحدة (العطل الفدرالية)",
        "name_en": "United States (federal holidays)",
        "weekend": "5,6",
        "holidays_country": "US",
    },
    {
        "code": "in-central",
        "name_fr": "Inde (administration centrale)",
        "name_ar": "الهند (الإدارة المركزية)",
        "name_en": "India (central government)",
        "weekend": "5,6",
        "holidays_country": "IN",
    },
]


def _periods(**periods: tuple[int, str] | None) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for name, value in periods.items():
        fields[f"{name}_amount"] = value[0] if value else None
        fields[f"{name}_unit"] = value[1] if value else WD
    return fields


#: (code, names, calendar, version fields, grounds)
# fmt: off
PROFILES: list[dict[str, Any]] = [
    {
        "code": "ma-31-13",
        "name_fr": "Loi 31-13 relative au droit d'accès à l'information (Maroc)",
        "name_ar": "القانون 31.13 المتعلق بالحق في الحصول على المعلومات (المغرب)",
        "name_en": "Law 31-13 on the right of access to information (Morocco)",
        "is_default": True,
        "calendar": "ma",
        "version": {
            "valid_from": date(2019, 3, 12),
            "max_extensions": 1,
            "clarification_mode": "restart",
            "notes": (
                "law-31-13.md § 2. To confirm: complaint to the head (20 wd), head's answer "
                "(15 wd), commission's decision (30 days), court window (60 days)."
            ),
            **_periods(
                response=(20, WD),
                extension=(20, WD),
                urgent_response=(3, WD),
                urgent_extension=(3, WD),
                complaint_window=(20, WD),
                head_decision=(15, WD),
                commission_window=(30, CD),
                commission_decision=(30, CD),
                court_window=(60, CD),
            ),
        },
        "grounds": [
            # (code, article, kind, to_confirm, fr, ar, en)
            ("national-defence", "Art. 7", "exception", False,
             "Défense nationale", "الدفاع الوطني", "National defence"),
            ("state-security", "Art. 7", "exception", False,
             "Sûreté intérieure et extérieure de l'État", "أمن الدولة الداخلي والخارجي",
             "Internal and external state security"),
            ("private-life", "Art. 7", "exception", False,
             "Vie privée et données à caractère personnel (sauf consentement de la personne)",
             "الحياة الخاصة للأفراد والمعطيات ذات الطابع الشخصي (ما لم يوافق الشخص المعني)",
             "Private life and personal data (unless the person consents)"),
            ("fundamental-rights", "Art. 7", "exception", False,
             "Droits et libertés fondamentaux", "الحقوق والحريات الأساسية",
             "Fundamental rights and freedoms"),
            ("protection-of-sources", "Art. 7", "exception", False,
             "Protection des sources d'information", "حماية مصادر المعلومات",
             "Protection of sources"),
            ("foreign-relations", "Art. 7", "exception", False,
             "Relations avec un autre État ou une organisation internationale",
             "العلاقات مع دولة أخرى أو منظمة دولية", "Relations with another state or an "
             "international organisation"),
            ("monetary-economic-policy", "Art. 7", "exception", False,
             "Politique monétaire, économique ou financière de l'État",
             "السياسة النقدية أو الاقتصادية أو المالية للدولة",
             "Monetary, economic or financial policy"),
            ("intellectual-property", "Art. 7", "exception", False,
             "Propriété industrielle, droit d'auteur et droits voisins",
             "حقوق الملكية الصناعية وحقوق المؤلف والحقوق المجاورة",
             "Industrial property, copyright and related rights"),
            ("protection-of-victims", "Art. 7", "exception", False,
             "Protection des victimes, des témoins, des experts et des dénonciateurs (loi 37-10)",
             "حماية الضحايا والشهود والخبراء والمبلغين (القانون 37.10)",
             "Protection of victims, witnesses, experts and whistle-blowers (Law 37-10)"),
            ("special-law-secrecy", "Art. 7", "exception", False,
             "Confidentialité prévue par une loi spéciale",
             "السرية المنصوص عليها بموجب نص تشريعي خاص", "Confidentiality set by a special law"),
            ("council-deliberations", "Art. 7", "exception", False,
             "Délibérations du Conseil des ministres et du Conseil de gouvernement",
             "مداولات المجلس الوزاري ومجلس الحكومة",
             "Deliberations of the Council of Ministers or of the Government Council"),
            ("administrative-investigations", "Art. 7", "exception", False,
             "Enquêtes et investigations administratives", "الأبحاث والتحريات الإدارية",
             "Administrative investigations"),
            ("judicial-proceedings", "Art. 7", "exception", True,
             "Procédures judiciaires et procédures préliminaires", "سير المساطر القضائية والمساطر "
             "التمهيدية المتعلقة بها", "Judicial proceedings"),
            ("fair-competition", "Art. 7", "exception", True,
             "Libre concurrence et concurrence loyale", "مبادئ المنافسة الحرة والمشروعة",
             "Fair competition"),
            ("not-available", "", "other", False,
             "Information non disponible", "المعلومات غير متوفرة", "Information not available"),
            ("already-published", "", "other", False,
             "Information déjà publiée (lien indiqué)", "المعلومات سبق نشرها (مع بيان الرابط)",
             "Already published (link given)"),
            ("repeat-request", "", "other", False,
             "Demande répétée par la même personne au cours de la même année",
             "طلب متكرر من نفس الشخص خلال نفس السنة",
             "Repeat request by the same person within the year"),
            ("unclear-request", "", "other", False,
             "Demande imprécise, la demande de précision étant restée sans réponse",
             "طلب غير واضح بعد أن ظل طلب التوضيح دون جواب",
             "Request too unclear (a clarification request went unanswered)"),
            ("in-preparation", "", "other", False,
             "Information en cours d'élaboration", "معلومات في طور الإعداد",
             "Information still being prepared"),
            ("national-archives", "", "other", False,
             "Information détenue par Archives du Maroc", "معلومات محفوظة لدى مؤسسة أرشيف المغرب",
             "Held by the national archives (Archives du Maroc)"),
        ],
    },
    {
        "code": "fr-crpa",
        "name_fr": "Code des relations entre le public et l'administration (France)",
        "name_ar": "مدونة العلاقات بين الجمهور والإدارة (فرنسا)",
        "name_en": "Code of relations between the public and the administration (France)",
        "calendar": "fr",
        "version": {
            "valid_from": date(2016, 1, 1),
            "max_extensions": 0,
            "clarification_mode": "restart",
            "notes": (
                "Silence for one month is a refusal (R311-13). CADA within 2 months, opinion "
                "within 1 month (advisory, R343-3), then the administrative court (2 months)."
            ),
            **_periods(
                response=(1, MO),
                commission_window=(2, MO),
                commission_decision=(1, MO),
                court_window=(2, MO),
            ),
        },
        "grounds": [
            ("secret-deliberations", "L311-5", "exception", False,
             "Secret des délibérations du Gouvernement", "سرية مداولات الحكومة",
             "Secrecy of Government deliberations"),
            ("national-defence", "L311-5", "exception", False,
             "Secret de la défense nationale", "سر الدفاع الوطني", "National defence secrecy"),
            ("foreign-policy", "L311-5", "exception", False,
             "Conduite de la politique extérieure de la France", "إدارة السياسة الخارجية لفرنسا",
             "Conduct of France's foreign policy"),
            ("state-security", "L311-5", "exception", False,
             "Sûreté de l'État, sécurité publique, sécurité des personnes",
             "أمن الدولة والأمن العام وسلامة الأشخاص",
             "State security, public safety, safety of persons"),
            ("private-life", "L311-6", "exception", False,
             "Protection de la vie privée", "حماية الحياة الخاصة", "Protection of private life"),
            ("business-secrets", "L311-6", "exception", False,
             "Secret des affaires", "سرية الأعمال", "Business secrets"),
        ],
    },
    {
        "code": "uk-foia",
        "name_fr": "Freedom of Information Act 2000 (Royaume-Uni)",
        "name_ar": "قانون حرية المعلومات لسنة 2000 (المملكة المتحدة)",
        "name_en": "Freedom of Information Act 2000 (United Kingdom)",
        "calendar": "gb-eng",
        "version": {
            "valid_from": date(2005, 1, 1),
            "max_extensions": 1,
            "clarification_mode": "restart",
            "notes": (
                "s.10: 20 working days. Extension 'reasonable' for the public-interest test "
                "(ICO guidance: up to 20 more working days). Internal review asked within 40 "
                "working days, answered in 20 (Code of Practice s.45). ICO complaint within 3 "
                "months; First-tier Tribunal appeal within 28 days of the decision notice."
            ),
            **_periods(
                response=(20, WD),
                extension=(20, WD),
                complaint_window=(40, WD),
                head_decision=(20, WD),
                commission_window=(3, MO),
                court_window=(28, CD),
            ),
        },
        "grounds": [
            ("vexatious", "s.14", "other", False,
             "Demande vexatoire ou répétée", "طلب كيدي أو متكرر", "Vexatious or repeated request"),
            ("accessible-otherwise", "s.21", "other", False,
             "Information accessible par d'autres moyens", "معلومات متاحة بوسائل أخرى",
             "Information accessible by other means"),
            ("national-security", "s.24", "exception", False,
             "Sécurité nationale", "الأمن القومي", "National security"),
            ("personal-information", "s.40", "exception", False,
             "Données personnelles", "المعطيات الشخصية", "Personal information"),
            ("commercial-interests", "s.43", "exception", False,
             "Intérêts commerciaux", "المصالح التجارية", "Commercial interests"),
        ],
    },
    {
        "code": "us-foia",
        "name_fr": "Freedom of Information Act (États-Unis)",
        "name_ar": "قانون حرية المعلومات (الولايات المتحدة)",
        "name_en": "Freedom of Information Act (United States)",
        "calendar": "us-federal",
        "version": {
            "valid_from": date(1967, 7, 4),
            "max_extensions": 1,
            "clarification_mode": "resume",
            "notes": (
                "5 U.S.C. 552(a)(6): 20 working days, +10 in unusual circumstances with written "
                "notice; the clock is tolled once for clarification (resume). Expedited "
                "processing: decided within 10 calendar days. Administrative appeal within 90 "
                "days, decided in 20 working days; then federal court (6 years)."
            ),
            **_periods(
                response=(20, WD),
                extension=(10, WD),
                urgent_response=(10, CD),
                complaint_window=(90, CD),
                head_decision=(20, WD),
                court_window=(72, MO),
            ),
        },
        "grounds": [
            ("b1-national-security", "(b)(1)", "exception", False,
             "Informations classifiées (défense nationale, politique étrangère)",
             "معلومات مصنفة سرية (الدفاع الوطني والسياسة الخارجية)",
             "Classified national defence or foreign policy information"),
            ("b5-deliberative-process", "(b)(5)", "exception", False,
             "Documents internes préparatoires", "وثائق داخلية تحضيرية",
             "Inter-agency or intra-agency deliberative memoranda"),
            ("b6-personal-privacy", "(b)(6)", "exception", False,
             "Vie privée", "الحياة الخاصة", "Personal privacy"),
            ("b7-law-enforcement", "(b)(7)", "exception", False,
             "Dossiers d'enquête des services répressifs", "ملفات أجهزة إنفاذ القانون",
             "Law enforcement records"),
        ],
    },
    {
        "code": "in-rti",
        "name_fr": "Right to Information Act 2005 (Inde)",
        "name_ar": "قانون الحق في المعلومات لسنة 2005 (الهند)",
        "name_en": "Right to Information Act 2005 (India)",
        "calendar": "in-central",
        "version": {
            "valid_from": date(2005, 10, 12),
            "max_extensions": 0,
            "clarification_mode": "resume",
            "notes": (
                "s.7: 30 days; 48 hours where life or liberty is concerned (2 calendar days); "
                "time taken to pay fees is excluded (resume). First appeal within 30 days, "
                "decided within 30 (up to 45); second appeal to the CIC within 90 days."
            ),
            **_periods(
                response=(30, CD),
                urgent_response=(2, CD),
                complaint_window=(30, CD),
                head_decision=(30, CD),
                commission_window=(90, CD),
            ),
        },
        "grounds": [
            ("s8-1-a-sovereignty", "s.8(1)(a)", "exception", False,
             "Souveraineté, intégrité et sécurité de l'Inde", "سيادة الهند ووحدتها وأمنها",
             "Sovereignty, integrity and security of India"),
            ("s8-1-d-commercial", "s.8(1)(d)", "exception", False,
             "Secret commercial et propriété intellectuelle", "السر التجاري والملكية الفكرية",
             "Commercial confidence and intellectual property"),
            ("s8-1-j-privacy", "s.8(1)(j)", "exception", False,
             "Informations personnelles sans intérêt public", "معلومات شخصية لا صلة لها بالمصلحة "
             "العامة", "Personal information unrelated to any public interest"),
        ],
    },
]
# fmt: on


def _models(apps: Any = None) -> tuple[Any, Any, Any, Any, Any]:
    if apps is None:
        from django.apps import apps as django_apps

        apps = django_apps
    return (
        apps.get_model("law", "Calendar"),
        apps.get_model("law", "Holiday"),
        apps.get_model("law", "LegalProfile"),
        apps.get_model("law", "LegalProfileVersion"),
        apps.get_model("law", "ExceptionGround"),
    )


def holiday_rows(calendar_code: str, years: Iterable[int]) -> list[dict[str, Any]]:
    """Every holiday ati proposes for a shipped calendar and these years."""
    years = list(years)
    if calendar_code == "ma":
        return morocco_fixed(years) + islamic_proposals(years)
    spec = next(c for c in CALENDARS if c["code"] == calendar_code)
    return country_holidays(
        spec["holidays_country"],
        spec.get("holidays_subdivision", ""),
        years,
        french=calendar_code == "fr",
    )


def install_legal_data(apps: Any = None, years: Iterable[int] = YEARS) -> None:
    """Create the shipped calendars, holidays, profiles and grounds that are missing."""
    Calendar, Holiday, LegalProfile, LegalProfileVersion, ExceptionGround = _models(apps)
    years = list(years)
    calendars = {}
    for spec in CALENDARS:
        calendar, _ = Calendar.objects.get_or_create(code=spec["code"], defaults=spec)
        calendars[calendar.code] = calendar
        Holiday.objects.bulk_create(
            [Holiday(calendar=calendar, **row) for row in holiday_rows(calendar.code, years)],
            ignore_conflicts=True,
        )
    for spec in PROFILES:
        profile, _ = LegalProfile.objects.get_or_create(
            code=spec["code"],
            defaults={
                "name_fr": spec["name_fr"],
                "name_ar": spec["name_ar"],
                "name_en": spec["name_en"],
                "is_default": spec.get("is_default", False)
                and not LegalProfile.objects.filter(is_default=True).exists(),
            },
        )
        version, _ = LegalProfileVersion.objects.get_or_create(
            profile=profile,
            version=1,
            defaults={"calendar": calendars[spec["calendar"]], **spec["version"]},
        )
        ExceptionGround.objects.bulk_create(
            [
                ExceptionGround(
                    version=version,
                    code=code,
                    article=article,
                    kind=kind,
                    to_confirm=to_confirm,
                    label_fr=fr,
                    label_ar=ar,
                    label_en=en,
                    position=position,
                )
                for position, (code, article, kind, to_confirm, fr, ar, en) in enumerate(
                    spec["grounds"], start=1
                )
            ],
            ignore_conflicts=True,
        )
