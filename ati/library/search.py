# ruff: noqa: S608 - SQL is composed from constants of this module; values are parameters
"""Full-text search of the library, on the database in use: no other server.

SQLite: the FTS5 table `library_fts`, ranked by `bm25()`, snippets by `snippet()`.
PostgreSQL: `library_publication.search_vector` (GIN), built with the document's
language configuration (french, arabic, english), ranked by `ts_rank`, snippets
by `ts_headline`. Both index and query the same normalised text (`text.normalise`),
so that Arabic is found whatever its diacritics or alef and taa marbuta forms.

Only published documents are in the index: `index_publication` and
`remove_publication` are called by the publish and unpublish services.
User input never reaches the engine's query syntax: it is split into words,
each quoted (FTS5) or passed to `plainto_tsquery` (PostgreSQL).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Publication
from .text import normalise, terms

PG_CONFIG = {"fr": "french", "ar": "arabic", "en": "english"}
FACETS = ("body", "category", "year", "language", "outcome")
FACET_COLUMNS = {
    "body": "body_id",
    "category": "category",
    "year": "year",
    "language": "language",
    "outcome": "outcome",
}
START, STOP = "\x02", "\x03"
#: Counting every match of a common word costs more than the page itself: past this, "1000+".
COUNT_CAP = 1000


@dataclass
class Hit:
    publication: Publication
    score: float
    snippet: SafeString


@dataclass
class SearchResult:
    query: str
    hits: list[Hit]
    total: int
    page: int
    per_page: int
    facets: dict[str, list[tuple[Any, int]]] = field(default_factory=dict)
    #: True when `total` is COUNT_CAP and more documents match.
    more: bool = False

    @property
    def has_next(self) -> bool:
        return self.page * self.per_page < self.total


def _highlighted(raw: str) -> SafeString:
    """Escape a snippet, then turn the engine's markers into <mark>."""
    return mark_safe(escape(raw).replace(START, "<mark>").replace(STOP, "</mark>"))


def _filters_sql(filters: dict[str, Any], alias: str = "p") -> tuple[str, list[Any]]:
    clauses, params = [], []
    for name, value in filters.items():
        if name in FACET_COLUMNS and value not in (None, ""):
            clauses.append(f"{alias}.{FACET_COLUMNS[name]} = %s")
            params.append(value)
    return "".join(f" AND {c}" for c in clauses), params


class Backend:
    """The queries one database needs; `search()` composes them."""

    def id_column(self, join: bool) -> str:
        return "p.id"

    def index(self, pub: Publication) -> None:
        raise NotImplementedError

    def index_many(self, rows: Iterable[tuple[int, str, str, str]]) -> None:
        raise NotImplementedError

    def remove(self, pub_id: int) -> None:
        raise NotImplementedError

    def match(
        self, words: Sequence[str], any_word: bool, join: bool = True
    ) -> tuple[str, str, list[Any], str]:
        """(FROM clause, WHERE clause, params, score expression) — lower score is better."""
        raise NotImplementedError

    def snippets(self, words: Sequence[str], ids: list[int], any_word: bool) -> dict[int, str]:
        raise NotImplementedError

    def ranked_ids(
        self,
        words: Sequence[str],
        filters: dict[str, Any],
        limit: int,
        offset: int,
        any_word: bool = False,
    ) -> list[tuple[int, float]]:
        from_sql, where, params, score = self.match(words, any_word, join=bool(filters))
        extra, extra_params = _filters_sql(filters)
        pk = self.id_column(bool(filters))
        sql = (
            f"SELECT {pk}, {score} AS score FROM {from_sql} WHERE {where}{extra} "
            f"ORDER BY score, {pk} DESC LIMIT %s OFFSET %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *extra_params, limit, offset])
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

    def count(self, words: Sequence[str], filters: dict[str, Any]) -> int:
        from_sql, where, params, _ = self.match(words, False, join=bool(filters))
        extra, extra_params = _filters_sql(filters)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM {from_sql} WHERE {where}{extra} "
                f"LIMIT {COUNT_CAP + 1}) AS matches",
                [*params, *extra_params],
            )
            return int(cursor.fetchone()[0])

    def facet(
        self, name: str, words: Sequence[str], filters: dict[str, Any]
    ) -> list[tuple[Any, int]]:
        from_sql, where, params, _ = self.match(words, False)
        extra, extra_params = _filters_sql(filters)
        column = FACET_COLUMNS[name]
        sql = (
            f"SELECT p.{column}, count(*) FROM {from_sql} WHERE {where}{extra} "
            f"GROUP BY p.{column} ORDER BY count(*) DESC, p.{column}"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*params, *extra_params])
            return [(value, n) for value, n in cursor.fetchall() if value not in (None, "")]


class SQLiteBackend(Backend):
    def id_column(self, join: bool) -> str:
        return "p.id" if join else "library_fts.rowid"

    def index(self, pub: Publication) -> None:
        self.index_many([(pub.pk, pub.language, pub.title, pub.public_text)])

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

    def match(
        self, words: Sequence[str], any_word: bool, join: bool = True
    ) -> tuple[str, str, list[Any], str]:
        # Without filters the index alone answers (its rowid is the publication's id).
        return (
            "library_fts JOIN library_publication p ON p.id = library_fts.rowid"
            if join
            else "library_fts",
            "library_fts MATCH %s",
            [self.fts_query(words, any_word)],
            "bm25(library_fts, 5.0, 1.0)",
        )

    def snippets(self, words: Sequence[str], ids: list[int], any_word: bool) -> dict[int, str]:
        if not ids:
            return {}
        marks = ", ".join(["%s"] * len(ids))
        sql = (
            f"SELECT rowid, snippet(library_fts, 1, char(2), char(3), '…', 32) "
            f"FROM library_fts WHERE library_fts MATCH %s AND rowid IN ({marks})"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [self.fts_query(words, any_word), *ids])
            return dict(cursor.fetchall())


class PostgreSQLBackend(Backend):
    VECTOR = (
        "setweight(to_tsvector(%s::regconfig, %s), 'A') || "
        "setweight(to_tsvector(%s::regconfig, %s), 'B')"
    )

    def index(self, pub: Publication) -> None:
        self.index_many([(pub.pk, pub.language, pub.title, pub.public_text)])

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

    def match(
        self, words: Sequence[str], any_word: bool, join: bool = True
    ) -> tuple[str, str, list[Any], str]:
        value: Any = list(words) if any_word else " ".join(words)
        queries = ", ".join(
            f"{self._tsquery(cfg, any_word)} AS q_{lang}" for lang, cfg in PG_CONFIG.items()
        )
        from_sql = f"library_publication p CROSS JOIN (SELECT {queries}) q"
        where = " OR ".join(
            f"(p.language = '{lang}' AND p.search_vector @@ q.q_{lang})" for lang in PG_CONFIG
        )
        score = (
            "-ts_rank(p.search_vector, CASE p.language "
            + " ".join(f"WHEN '{lang}' THEN q.q_{lang}" for lang in PG_CONFIG)
            + " END)"
        )
        return from_sql, f"p.state = 'published' AND ({where})", [value] * len(PG_CONFIG), score

    def snippets(self, words: Sequence[str], ids: list[int], any_word: bool) -> dict[int, str]:
        if not ids:
            return {}
        pubs = Publication.objects.filter(pk__in=ids).values_list("pk", "language", "public_text")
        rows = [(pk, PG_CONFIG.get(lang, "simple"), normalise(text)) for pk, lang, text in pubs]
        joiner = " | " if any_word else " & "
        sql = (
            "SELECT t.id, ts_headline(t.cfg::regconfig, t.txt, "
            "to_tsquery(t.cfg::regconfig, %s), "
            "'StartSel=\x02, StopSel=\x03, MaxWords=40, MinWords=20, MaxFragments=2, "
            'FragmentDelimiter=" … "\') '
            "FROM unnest(%s::bigint[], %s::text[], %s::text[]) AS t(id, cfg, txt)"
        )
        # to_tsquery over words we quoted ourselves: each word is a quoted lexeme.
        query = joiner.join("'" + w.replace("'", "''").replace("\\", "") + "'" for w in words)
        with connection.cursor() as cursor:
            cursor.execute(
                sql, [query, [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows]]
            )
            return dict(cursor.fetchall())


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
    page = max(1, page)
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
    ranked = engine.ranked_ids(words, filters, per_page, (page - 1) * per_page, any_word)
    ids = [pk for pk, _ in ranked]
    snippets = engine.snippets(words, ids, any_word)
    pubs = Publication.objects.select_related("body").in_bulk(ids)
    hits = [
        Hit(pubs[pk], -score, _highlighted(snippets.get(pk) or ""))
        for pk, score in ranked
        if pk in pubs
    ]
    if any_word:
        return SearchResult(query, hits, len(hits), page, per_page, {})
    total = len(hits) + (page - 1) * per_page
    if len(hits) == per_page or page > 1:
        total = engine.count(words, filters)
    more = total > COUNT_CAP
    facets = {name: engine.facet(name, words, filters) for name in FACETS} if with_facets else {}
    return SearchResult(query, hits, min(total, COUNT_CAP), page, per_page, facets, more)


def similar_publications(text: str, limit: int = 3) -> list[Hit]:
    """Published documents sharing the most distinctive words of `text` (at submission)."""
    words = sorted({w for w in terms(text, limit=200) if len(w) >= 5}, key=lambda w: (-len(w), w))[
        :8
    ]
    if not words:
        return []
    return search(" ".join(words), per_page=limit, with_facets=False, any_word=True).hits
