"""Anonymisation of the texts a body publishes (pure functions, no database).

Law 31-13 § 1 and Law 09-08: the applicant's identity is personal data and is
never published, nor are other private persons' identifiers. Detection is
rule-based (see docs/decisions/0005-anonymisation.md for why no NER model):

* the applicant's own identity, known from the request, always;
* patterns for identifiers: CIN, residence card, passport, phone numbers in the
  usual Moroccan written forms, e-mail, IBAN, RIB, dates of birth, street
  addresses;
* names of private persons introduced by a civil title (M., Mme, Monsieur,
  Madame, السيد, السيدة …) or a "nom :" label.

What must stay stays: an allow-list (names of public bodies, officials named in
their role when the body chooses so) and built-in public patterns (article
numbers, amounts, request references) veto the pattern matches that fall inside
them. The applicant's identity is never vetoed.

Each redaction is replaced by a visible marker naming its category, in the
language of the text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

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


@dataclass(frozen=True)
class Redaction:
    start: int
    end: int
    category: str
    original: str

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


# --- detection -----------------------------------------------------------------------

_Span = tuple[int, int, str]


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


def detect(text: str, *, identities: Sequence[str] = (), allow: Sequence[str] = ()) -> list[_Span]:
    """Every span to redact, before merging: (start, end, category)."""
    found: list[_Span] = []
    for pattern in identity_patterns(identities):
        found += [(m.start(), m.end(), "identity") for m in pattern.finditer(text)]

    vetoable: list[_Span] = []

    def add(pattern: re.Pattern[str], category: str, group: bool = False) -> None:
        for m in pattern.finditer(text):
            start, end = _group_or_whole(m) if group else (m.start(), m.end())
            if end > start:
                vetoable.append((*_strip_trailing(text, start, end), category))

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
    add(PERSON_FR, "person", group=True)
    add(PERSON_LABEL, "person", group=True)
    for m in PERSON_AR.finditer(text):
        span = _arabic_name(m)
        if span:
            vetoable.append((*span, "person"))

    # What must stay: public patterns and the allow-list veto the pattern matches inside them.
    kept_spans: list[tuple[int, int]] = []
    for pattern in PUBLIC_PATTERNS:
        kept_spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    for phrase in allow:
        if phrase and phrase.strip():
            source = _token_pattern(phrase)
            if source:
                kept_spans += [
                    (m.start(), m.end()) for m in re.finditer(source, text, re.IGNORECASE)
                ]
    for start, end, category in vetoable:
        if any(ks <= start and end <= ke for ks, ke in kept_spans):
            continue
        # A name whose words are all inside an allowed phrase (an official, a body) stays.
        found.append((start, end, category))
    return found


def merge(spans: Iterable[_Span]) -> list[_Span]:
    """Overlapping or touching spans become one, with the highest-priority category."""
    merged: list[list[Any]] = []
    for start, end, category in sorted(spans, key=lambda s: (s[0], -s[1])):
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            if PRIORITY.get(category, 99) < PRIORITY.get(last[2], 99):
                last[2] = category
        else:
            merged.append([start, end, category])
    return [(s, e, c) for s, e, c in merged]


def find_redactions(
    text: str, *, identities: Sequence[str] = (), allow: Sequence[str] = ()
) -> list[Redaction]:
    """The proposed redactions of a text, merged, in order, with the original values."""
    return [
        Redaction(s, e, c, text[s:e])
        for s, e, c in merge(detect(text, identities=identities, allow=allow))
    ]


def apply(text: str, redactions: Iterable[Redaction | dict[str, Any]], *, language: str) -> str:
    """The text with each redaction replaced by its visible marker."""
    spans = []
    for r in redactions:
        d = r if isinstance(r, dict) else r.as_dict()
        spans.append((int(d["start"]), int(d["end"]), str(d["category"])))
    out, position = [], 0
    for start, end, category in merge(spans):
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
) -> Result:
    """Redact `text`: the applicant's `identities` always, then every pattern not allowed."""
    redactions = find_redactions(text, identities=identities, allow=allow)
    return Result(apply(text, redactions, language=language), redactions)
