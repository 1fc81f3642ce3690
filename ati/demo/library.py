"""Demo library: the granted answers published, and Article 10 documents in French and Arabic.

Made through the services (propose → prepare → approve), so anonymised, reviewed and
audited like real ones. The redactions are prepared here, in the seeding process, as the
worker would (the demo's worker starts after the seed, and finds them already done).
Idempotent: a document is found by its body and title.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from ati.bodies.models import Membership, PublicBody
from ati.library import services
from ati.library.models import Publication, PublishableOfficial
from ati.requests.models import InformationRequest

PROACTIVE: list[tuple[str, str, str, str, str]] = [
    (
        "min-sante",
        "information_officer",
        "fr",
        "Coordonnées de la personne chargée de l'information",
        "Le Ministère de la Santé et de la Protection sociale a désigné M. Karim Bennani comme "
        "personne chargée de l'information (article 12 de la loi n° 31-13).\n"
        "Adresse : Ministère de la Santé, Rabat. Courriel : dai@sante.demo.ma.\n"
        "Les demandes sont reçues du lundi au vendredi, de 9 h à 16 h.",
    ),
    (
        "min-sante",
        "procurement",
        "fr",
        "Résultats de l'appel d'offres n° 12/2025 — maintenance des scanners",
        "L'appel d'offres ouvert n° 12/2025 relatif à la maintenance des scanners "
        "des hôpitaux régionaux a été attribué pour un montant de 3 480 000 dirhams TTC.\n"
        "Nombre d'offres reçues : 5. Délai d'exécution : 24 mois.",
    ),
    (
        "min-sante",
        "recruitment",
        "fr",
        "Avis de concours : recrutement de 120 infirmiers",
        "Le Ministère organise le 15 mars un concours pour le recrutement de 120 infirmiers "
        "polyvalents, grade 10. Les candidatures sont déposées en ligne jusqu'au 28 février.\n"
        "Conditions : diplôme d'État d'infirmier, âge maximum 45 ans.",
    ),
    (
        "min-sante",
        "statistics",
        "fr",
        "Activité des urgences hospitalières 2025",
        "En 2025, les services d'urgence des hôpitaux publics ont accueilli 4 215 000 patients. "
        "Le délai moyen de prise en charge est de 2 h 40. Les données par région sont publiées "
        "chaque trimestre.",
    ),
    (
        "commune-rabat",
        "budgets",
        "ar",
        "ميزانية جماعة الرباط لسنة 2026",
        "صادق مجلس جماعة الرباط على ميزانية سنة 2026 بمبلغ 1 950 000 000 درهم، منها "
        "420 000 000 درهم مخصصة للاستثمار في الطرق والإنارة العمومية والمساحات الخضراء.",
    ),
    (
        "commune-rabat",
        "licences",
        "ar",
        "شروط الحصول على رخصة البناء",
        "تودع طلبات رخص البناء عبر المنصة الإلكترونية رخص. يرفق الطلب بالتصاميم المعمارية وشهادة "
        "الملكية. تبت اللجنة في أجل أقصاه 30 يوما طبقا للمادة 48 من القانون 12.90.",
    ),
    (
        "commune-rabat",
        "information_officer",
        "ar",
        "معلومات الاتصال بالشخص المكلف بالمعلومات",
        "عينت جماعة الرباط السيد هشام التازي شخصا مكلفا بتلقي طلبات الحصول على المعلومات "
        "ومعالجتها. البريد الإلكتروني: dai@rabat.demo.ma.",
    ),
    (
        "commune-rabat",
        "procurement",
        "fr",
        "Programme prévisionnel des marchés 2026",
        "La Commune de Rabat prévoit 38 marchés en 2026 : voirie (14), éclairage public (9), "
        "espaces verts (8), bâtiments communaux (7). Montant global estimé : 310 000 000 dirhams.",
    ),
    (
        "onee",
        "services",
        "fr",
        "Tarifs de l'eau potable et frais de branchement",
        "Les tarifs de l'eau potable applicables au 1er janvier 2026 sont fixés par tranche de "
        "consommation. Les frais de branchement au réseau s'élèvent à 2 500 dirhams pour un "
        "logement individuel.",
    ),
    (
        "onee",
        "reports",
        "ar",
        "تقرير حول جودة الماء الصالح للشرب 2025",
        "أجرى المكتب الوطني للكهرباء والماء الصالح للشرب 185 000 تحليل لجودة الماء خلال سنة 2025، "
        "وكانت نسبة المطابقة للمعايير 99,6 في المائة.",
    ),
]


def _officer(body: PublicBody) -> object | None:
    membership = Membership.objects.filter(body=body, role="officer").select_related("user").first()
    return membership.user if membership else None


def seed_library() -> None:
    bodies = {
        b.code: b for b in PublicBody.objects.filter(code__in={spec[0] for spec in PROACTIVE})
    }
    for body in bodies.values():
        officer = _officer(body)
        if officer is not None:
            # The body chooses to name its information officer in what it publishes.
            PublishableOfficial.objects.get_or_create(
                body=body,
                name=officer.full_name,  # type: ignore[attr-defined]
                defaults={"role": "information officer"},
            )
    rabat = bodies.get("commune-rabat")
    if rabat is not None:
        PublishableOfficial.objects.get_or_create(
            body=rabat, name="هشام التازي", defaults={"role": "الشخص المكلف بالمعلومات"}
        )
    for code, category, language, title, text in PROACTIVE:
        found = bodies.get(code)
        officer = _officer(found) if found else None
        if (
            found is None
            or officer is None
            or Publication.objects.filter(body=found, title=title).exists()
        ):
            continue
        pub = services.propose_proactive(
            officer, found, category=category, title=title, text=text, language=language
        )
        services.prepare_publication(pub.pk)
        services.approve_and_publish(officer, pub)
    answered = InformationRequest.objects.filter(
        outcome__in=services.PUBLISHABLE_OUTCOMES, publications__isnull=True
    ).select_related("body")
    for req in answered:
        officer = _officer(req.body)
        if officer is None:
            continue
        pub = services.propose_from_request(officer, req)
        services.prepare_publication(pub.pk)
        services.approve_and_publish(officer, pub)
    seed_released_documents()


# --- released documents: a published report (text PDF), a scanned letter left in review ---
REPORT_TITLE = "Rapport d'inspection des urgences hospitalières 2025"
REPORT_PAGES = [
    "<h1>Rapport d'inspection des urgences hospitalières 2025</h1>"
    "<p>Ministère de la Santé et de la Protection sociale — Inspection générale.</p>"
    "<p>En application de l'article 10 de la loi n° 31-13, le Ministère publie le rapport "
    "d'inspection des services d'urgence de 12 hôpitaux régionaux. Le budget consacré aux "
    "urgences a atteint 48 600 000 dirhams en 2025.</p>",
    "<h2>Réclamations traitées</h2><p>La réclamation de Monsieur Youssef Alami "
    "(CIN BK 482913, tél. 06 61 48 29 13) concernant l'attente aux urgences de Fès a été "
    "examinée ; le délai moyen d'attente est passé de 4 h 10 à 2 h 35.</p>"
    "<p>Les équipes de garde ont été renforcées de 140 infirmiers.</p>",
    "<h2>Recommandations</h2><p>Le rapport recommande l'ouverture de deux unités de "
    "tri supplémentaires et la publication trimestrielle des délais d'attente par hôpital.</p>",
]
SCAN_TITLE = "Courrier de réponse numérisé — demande de données sur les ambulances"
SCAN_LINES = [
    "Royaume du Maroc",
    "Ministère de la Santé et de la Protection sociale",
    "Objet : données sur les ambulances, région de Rabat",
    "Madame Salma Berrada,",
    "CIN AE 734512, tél. 0662 45 18 30",
    "En réponse à votre demande, le parc compte 86 ambulances",
    "dont 31 médicalisées. Le budget de maintenance 2025",
    "s'élève à 2 300 000 dirhams.",
]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def report_pdf() -> bytes:
    import weasyprint

    html = "".join(f'<section style="page-break-after:always">{p}</section>' for p in REPORT_PAGES)
    return weasyprint.HTML(string=f"<html lang='fr'><body>{html}</body></html>").write_pdf()


def scanned_letter() -> bytes:
    """A letter as a phone photographs it: grey, slightly turned, JPEG."""
    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1654, 2339), 250)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 38)
    for i, line in enumerate(SCAN_LINES):
        draw.text((160, 220 + i * 84), line, font=font, fill=20)
    image = image.rotate(1.5, expand=True, fillcolor=250)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80, dpi=(200, 200))
    return out.getvalue()


def seed_released_documents() -> None:
    body = PublicBody.objects.filter(code="min-sante").first()
    officer = _officer(body) if body else None
    if body is None or officer is None:
        return
    if not Publication.objects.filter(body=body, title=REPORT_TITLE).exists():
        pub = services.propose_proactive(
            officer,
            body,
            category="reports",
            title=REPORT_TITLE,
            text="Rapport publié avec le document original, dont les données personnelles sont "
            "masquées.",
            uploads=[SimpleUploadedFile("rapport-urgences-2025.pdf", report_pdf())],
        )
        services.prepare_publication(pub.pk)
        services.approve_and_publish(officer, pub)
    if not Publication.objects.filter(body=body, title=SCAN_TITLE).exists():
        pub = services.propose_proactive(
            officer,
            body,
            category="reports",
            title=SCAN_TITLE,
            text="Courrier numérisé proposé à la publication.",
            uploads=[SimpleUploadedFile("courrier-ambulances.jpg", scanned_letter())],
        )
        services.prepare_publication(pub.pk)  # left in review: an officer approves it
