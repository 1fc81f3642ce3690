# ruff: noqa: S608 - SQL is composed from constants of this module; values are parameters
"""Full-text search of the library, on the database in use: no other server.

SQLite: the FTS5 table `library_fts`, ranked by `bm25()`, snippets by `snippet()`.
PostgreSQL: `library_publication.search_vector` (GIN), built with the document's
language configuration (french, arabic, english), ranked by `ts_rank`, snippets
made in Python with the same stemmers (ati/library/snippets.py). Both index and
query the same normalised text (`text.normalise`), so that Arabic is found
whatever its diacritics or alef and taa marbuta forms.

Only published documents are in the index: `index_publication` and
`remove_publication` are called by the publish and unpublish services.
User input never reaches the engine's query syntax: it is split into words,
each quoted (FTS5) or passed to `plainto_tsquery` (PostgreSQL).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, connections, router
from django.db.models import Count
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import DocumentPage, Publication
from .snippets import START, STOP, restore_spelling, snippet, stem
from .text import normalise, terms


def reading() -> Any:
    """The connection the ORM reads publications from now: the replica for a request the
    library's views sent there (ati/core/replica.py), the primary otherwise."""
    return connections[router.db_for_read(Publication)]


PG_CONFIG = {"fr": "french", "ar": "arabic", "en": "english"}
FACETS = ("body", "category", "year", "language", "outcome")
FACET_COLUMNS = {
    "body": "body_id",
    "category": "category",
    "year": "year",
    "language": "language",
    "outcome": "outcome",
}
#: Counting every match of a common word costs more than the page itself: past this, "1000+".
COUNT_CAP = 1000
#: Bounds of the numbers a search takes from a URL: past them the database's integers
#: overflow (a 500), and no library has that many pages of 20 documents.
MAX_PAGE = 100_000
MAX_ID = 2**31 - 1


@dataclass
class Hit:
    publication: Publication
    score: float
    snippet: SafeString
    #: The page of a released document where the words are, when they are on one.
    page: DocumentPage | None = None
    page_position: int = 0


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)
    #: True when `total` is COUNT_CAP and more documents match: then the facet counts are
    #: those of the COUNT_CAP candidates (lower bounds).
    more: bool = False

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total


def _highlighted(raw: str) -> SafeString:
    """Escape a snippet, then turn the engine's markers into <mark>."""
    return mark_safe(escape(raw).replace(START, "<mark>").replace(STOP, "</mark>"))


#: (id, score, body_id, category, year, language, outcome)
Candidate = tuple[int, float, int | None, str | None, int | None, str | None, str | None]
CANDIDATE_COLUMNS = "p.body_id, p.category, p.year, p.language, p.outcome"


def _filters_sql(filters: dict[str, Any], alias: str = "p") -> tuple[str, list[Any]]:
    clauses, params = [], []
    for name, value in filters.items():
        if name in FACET_COLUMNS and value not in (None, ""):
            clauses.append(f"{alias}.{FACET_COLUMNS[name]} = %s")
            params.append(value)
    return "".join(f" AND {c}" for c in clauses), params


class Backend:
    """The queries one database needs; `search()` composes them."""

    def index(self, pub: Publication) -> None:
        raise NotImplementedError

    def index_many(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        raise NotImplementedError

    def remove(self, pub_id: int) -> None:
        raise NotImplementedError

    def candidates(
        self,
        words: Sequence[str],
        filters: dict[str, Any],
        any_word: bool,
        limit: int,
        facets: bool = True,
    ) -> list[Candidate]:
        """Up to `limit` matching documents in the index's cheapest order (SQLite: newest
        first; PostgreSQL: table order), each with its score (lower is
        better) and its facet columns (None without `facets` where that is cheaper).
        The score is computed for these rows only."""
        raise NotImplementedError

    def snippets(
        self, words: Sequence[str], pubs: dict[int, Publication], any_word: bool
    ) -> dict[int, str]:
        raise NotImplementedError


def indexed_text(pub: Publication) -> str:
    """What the index holds of a document: its public text, then its pages' public texts."""
    page_texts = DocumentPage.objects.filter(
        document__publication_id=pub.pk, document__excluded=False
    ).order_by("document__position", "document_id", "number")
    return "\n\n".join([pub.public_text, *page_texts.values_list("public_text", flat=True)])


class SQLiteBackend(Backend):
    def index(self, pub: Publication) -> None:
        self.index_many([(pub.pk, pub.language, pub.title, indexed_text(pub))])

    def index_many(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        data = [(pk, normalise(title), normalise(body)) for pk, _lang, title, body in rows]
        with connection.cursor() as cursor:
            cursor.executemany("DELETE FROM library_fts WHERE rowid = %s", [(d[0],) for d in data])
            cursor.executemany(
                "INSERT INTO library_fts (rowid, title, body) VALUES (%s, %s, %s)", data
            )

    def remove(self, pub_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM library_fts WHERE rowid = %s", [pub_id])

    @staticmethod
    def fts_query(words: Sequence[str], any_word: bool = False) -> str:
        # Each word quoted: FTS5 operators and column filters typed by a user are plain words.
        quoted = ['"' + w.replace('"', '""') + '"' for w in words]
        return (" OR " if any_word else " ").join(quoted)

    def candidates(
        self,
        words: Sequence[str],
        filters: dict[str, Any],
        any_word: bool,
        limit: int,
        facets: bool = True,
    ) -> list[Candidate]:
        # FTS5 walks its doclists in rowid order itself (no sort) and stops at LIMIT;
        # bm25() is evaluated for the rows returned only. The facet columns come from a
        # covering index (migration 0004): in the table they sit behind the long texts.
        extra, extra_params = _filters_sql(filters)
        if facets or extra:
            columns = CANDIDATE_COLUMNS
            from_sql = (
                "library_fts JOIN library_publication p INDEXED BY library_pub_facets_idx "
                "ON p.id = library_fts.rowid"
            )
        else:
            columns, from_sql = "NULL, NULL, NULL, NULL, NULL", "library_fts"
        sql = (
            f"SELECT library_fts.rowid, bm25(library_fts, 5.0, 1.0), {columns} "
            f"FROM {from_sql} WHERE library_fts MATCH %s{extra} "
            "ORDER BY library_fts.rowid DESC LIMIT %s"
        )
        with reading().cursor() as cursor:
            cursor.execute(sql, [self.fts_query(words, any_word), *extra_params, limit])
            return cursor.fetchall()

    def snippets(
        self, words: Sequence[str], pubs: dict[int, Publication], any_word: bool
    ) -> dict[int, str]:
        ids = list(pubs)
        if not ids:
            return {}
        # One walk of the doclists over the page's rowid range (`rowid IN (…)` alone would
        # restart the query for each id); `+rowid IN` filters before snippet() runs.
        marks = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, snippet(library_fts, 1, char(2), char(3), '…', 32) "
            f"FROM library_fts WHERE library_fts MATCH %s AND rowid BETWEEN %s AND %s "
            f"AND +rowid IN ({marks})"
        )
        with reading().cursor() as cursor:
            cursor.execute(sql, [self.fts_query(words, any_word), min(ids), max(ids), *ids])
            # The index holds the normalised text: show the document's own spelling.
            return {
                pk: restore_spelling(text, pubs[pk].public_text) for pk, text in cursor.fetchall()
            }


class PostgreSQLBackend(Backend):
    VECTOR = (
        "setweight(to_tsvector(%s::regconfig, %s), 'A') || "
        "setweight(to_tsvector(%s::regconfig, %s), 'B')"
    )

    def index(self, pub: Publication) -> None:
        self.index_many([(pub.pk, pub.language, pub.title, indexed_text(pub))])

    def index_many(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        data = []
        for pk, language, title, body in rows:
            config = PG_CONFIG.get(language, "simple")
            data.append((config, normalise(title), config, normalise(body), pk))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE library_publication SET search_vector = {self.VECTOR} WHERE id = %s", data
            )

    def remove(self, pub_id: int) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE library_publication SET search_vector = NULL WHERE id = %s", [pub_id]
            )

    @staticmethod
    def _tsquery(config: str, any_word: bool) -> str:
        if any_word:
            # Words joined by OR, each through plainto_tsquery (no syntax reaches the parser).
            return (
                f"(SELECT coalesce(string_agg(plainto_tsquery('{config}', w)::text, ' | ')"
                f", '')::tsquery FROM unnest(%s::text[]) AS w "
                f"WHERE plainto_tsquery('{config}', w)::text <> '')"
            )
        return f"plainto_tsquery('{config}', %s)"

    def candidates(
        self,
        words: Sequence[str],
        filters: dict[str, Any],
        any_word: bool,
        limit: int,
        facets: bool = True,
    ) -> list[Candidate]:
        value: Any = list(words) if any_word else " ".join(words)
        extra, extra_params = _filters_sql(filters)
        # One branch per language, each the GIN index's own condition: `language = … AND
        # search_vector @@ …` OR-ed in one WHERE made PostgreSQL re-check every match
        # (detoasting each tsvector). No ORDER BY: the scan stops at the LIMIT instead of
        # visiting every matching row (heap pages are what costs); ts_rank runs in the
        # outer query, over the LIMITed rows only.
        branches = " UNION ALL ".join(
            f"SELECT p.id, p.search_vector, {CANDIDATE_COLUMNS}, q.q "
            f"FROM library_publication p, (SELECT {self._tsquery(cfg, any_word)} AS q) q "
            f"WHERE p.language = '{lang}' AND p.state = 'published' "
            f"AND p.search_vector @@ q.q{extra}"
            for lang, cfg in PG_CONFIG.items()
        )
        sql = (
            "SELECT c.id, -ts_rank(c.search_vector, c.q), "
            f"c.body_id, c.category, c.year, c.language, c.outcome FROM ({branches} LIMIT %s) c"
        )
        with reading().cursor() as cursor:
            cursor.execute(sql, [*[value, *extra_params] * len(PG_CONFIG), limit])
            return cursor.fetchall()

    def snippets(
        self, words: Sequence[str], pubs: dict[int, Publication], any_word: bool
    ) -> dict[int, str]:
        # Made from the page's texts, already loaded (ati/library/snippets.py).
        return {pk: snippet(p.public_text, p.language, words) for pk, p in pubs.items()}


def backend() -> Backend:
    return PostgreSQLBackend() if connection.vendor == "postgresql" else SQLiteBackend()


def index_publication(pub: Publication) -> None:
    backend().index(pub)


def remove_publication(pub_id: int) -> None:
    backend().remove(pub_id)


def _excerpt(text: str, length: int = 240) -> SafeString:
    short = text if len(text) <= length else text[:length].rsplit(" ", 1)[0] + " …"
    return _highlighted(short)


def _facets_without_query(filters: dict[str, Any]) -> dict[str, list[tuple[Any, int]]]:
    qs = Publication.objects.published().filter(
        **{FACET_COLUMNS[k]: v for k, v in filters.items() if k in FACET_COLUMNS and v}
    )
    result = {}
    for name in FACETS:
        column = FACET_COLUMNS[name]
        rows = qs.order_by().values_list(column).annotate(n=Count("pk")).order_by("-n", column)
        result[name] = [(value, n) for value, n in rows if value not in (None, "")]
    return result


def search(
    query: str,
    *,
    filters: dict[str, Any] | None = None,
    page: int = 1,
    per_page: int = 20,
    with_facets: bool = True,
    any_word: bool = False,
) -> SearchResult:
    """One page of published documents matching every word of `query`, best first."""
    filters = {k: v for k, v in (filters or {}).items() if k in FACET_COLUMNS and v}
    page = min(max(1, page), MAX_PAGE)
    words = terms(query)
    if not words:
        qs = (
            Publication.objects.published()
            .select_related("body")
            .filter(**{FACET_COLUMNS[k]: v for k, v in filters.items()})
        )
        total = qs.count()
        pubs = list(qs[(page - 1) * per_page : page * per_page])
        hits = [Hit(p, 0.0, _excerpt(p.public_text)) for p in pubs]
        facets = _facets_without_query(filters) if with_facets else {}
        return SearchResult(query, hits, total, page, per_page, facets)

    engine = backend()
    # One pass over the index: the first COUNT_CAP + 1 matches it yields, scored. They give the
    # count ("more than 1000" past it), the facets and the ranked pages. Up to COUNT_CAP
    # matches the ranking is exact; past it, the best of those COUNT_CAP are shown
    # (ranking every match of a common word costs more than the page itself).
    rows = engine.candidates(
        words, filters, any_word, COUNT_CAP + 1, facets=with_facets and not any_word
    )
    more = len(rows) > COUNT_CAP
    rows = rows[:COUNT_CAP]
    ranked = sorted(rows, key=lambda row: (row[1], -row[0]))
    page_rows = ranked[(page - 1) * per_page : page * per_page]
    ids = [row[0] for row in page_rows]
    # The page needs neither the original (unredacted) text nor the index's vector.
    pubs = (
        Publication.objects.select_related("body")
        .defer("original_text", "redactions", "search_vector")
        .in_bulk(ids)
    )
    snippets = engine.snippets(words, pubs, any_word)
    hits = [
        Hit(pubs[row[0]], -float(row[1]), _highlighted(snippets.get(row[0]) or ""))
        for row in page_rows
        if row[0] in pubs
    ]
    _find_pages(hits, words, any_word)
    if any_word:
        return SearchResult(query, hits, len(hits), page, per_page, {})
    facets = _facets_of(rows) if with_facets else {}
    return SearchResult(query, hits, len(rows), page, per_page, facets, more)


_WORD = re.compile(r"\w+")


def _find_pages(hits: list[Hit], words: Sequence[str], any_word: bool) -> None:
    """Name the page of a released document where each hit's words are (one query).

    The index holds a document's pages with its text; which page matched is found here,
    with the page's own language's stemmer, and its snippet replaces the document's.
    """
    ids = [h.publication.pk for h in hits]
    if not ids:
        return
    rows = (
        DocumentPage.objects.filter(document__publication_id__in=ids, document__excluded=False)
        .exclude(public_text="")
        .select_related("document")
        .only("pk", "number", "language", "public_text", "thumbnail", "document__publication_id")
        .order_by("document__position", "document_id", "number")
    )
    by_pub: dict[int, list[DocumentPage]] = {}
    for page in rows:
        by_pub.setdefault(page.document.publication_id, []).append(page)
    for hit in hits:
        for position, page in enumerate(by_pub.get(hit.publication.pk, []), start=1):
            wanted = {stem(page.language, w) for w in words}
            found = {stem(page.language, w) for w in _WORD.findall(normalise(page.public_text))}
            if (wanted & found) if any_word else wanted <= found:
                hit.page, hit.page_position = page, position
                hit.snippet = _highlighted(snippet(page.public_text, page.language, words))
                break


def _facets_of(rows: list[Candidate]) -> dict[str, list[tuple[Any, int]]]:
    """Facet counts of the candidates: exact up to COUNT_CAP matches, lower bounds past it."""
    result = {}
    for i, name in enumerate(FACETS, start=2):
        counts = Counter(row[i] for row in rows if row[i] not in (None, ""))
        result[name] = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return result


def similar_publications(text: str, limit: int = 3) -> list[Hit]:
    """Published documents sharing the most distinctive words of `text` (at submission)."""
    words = sorted({w for w in terms(text, limit=200) if len(w) >= 5}, key=lambda w: (-len(w), w))[
        :8
    ]
    if not words:
        return []
    return search(" ".join(words), per_page=limit, with_facets=False, any_word=True).hits
