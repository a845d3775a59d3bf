"""Name search: the spelling-normalised search keys (registry.names), by trigram on PostgreSQL
through the distinct keys (models.NameKey), by prefix elsewhere."""

import re
import weakref

from django.conf import settings
from django.db import connections
from django.db.models import (
    Case,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Length

from ..names import search_terms

NUMBER_LENGTH = 16
_NUMBER_PUNCTUATION = re.compile(r"[\s.\-]")


def clean_number(query: str | None) -> str | None:
    """The query as a NIK/KK number if it is one (16 digits; spaces, dots, dashes ignored)."""
    digits = _NUMBER_PUNCTUATION.sub("", query or "")
    if len(digits) == NUMBER_LENGTH and digits.isascii() and digits.isdigit():
        return digits
    return None


# --- Name search ------------------------------------------------------------------------------
# PostgreSQL: pg_trgm, in two steps. First the search keys like the query are found among the
# distinct keys (NameKey, its GIN index name_key_trgm), each scored once; then their people, by key
# (person_name_key_idx), ranked by their key's score. A query of several words is compared with the
# whole name (similarity ≥ PADU_NAME_SEARCH_THRESHOLD, default 0.5): a full name with a typo or two,
# or its words in another order, is found. A one-word query is partial by nature, so it is compared
# with each stretch of the name (word similarity ≥ PADU_NAME_SEARCH_WORD_THRESHOLD, default 0.6):
# "yusup" finds Muhammad Yusuf Hidayat; whole-word matches first, then shorter names. At most
# PADU_NAME_SEARCH_MAX_KEYS distinct names are taken, the most alike first (a query that broad has
# more matches than anyone reads).
# SQLite: every word of the normalised query must begin a word of `name_key` (LIKE 'word%' or
# '% word%'), so "yus" finds Yusuf. Spelling variants that normalisation folds (Muhammad/M.,
# Nurul/Nur, apostrophes, doubled letters, old spelling) are found; a typo that normalisation
# cannot fold (Yusuf/Yusup) is not, and results are in name order, not ranked.

_thresholds_applied: "weakref.WeakKeyDictionary[object, tuple]" = weakref.WeakKeyDictionary()


def uses_trigram(qs: QuerySet) -> bool:
    return connections[qs.db].vendor == "postgresql"


def name_search_thresholds() -> tuple[float, float]:
    """(similarity, word similarity) cut-offs of the PostgreSQL name search."""
    return (
        float(getattr(settings, "PADU_NAME_SEARCH_THRESHOLD", 0.5)),
        float(getattr(settings, "PADU_NAME_SEARCH_WORD_THRESHOLD", 0.6)),
    )


def name_search(qs: QuerySet, query: str) -> QuerySet:
    terms = search_terms(query)
    if not terms:
        return qs.none()
    if not uses_trigram(qs):
        q = Q()
        for term in terms:
            q &= Q(name_key__startswith=term) | Q(name_key__contains=f" {term}")
        return qs.filter(q)
    condition, score = name_condition(terms, qs.db)
    return qs.filter(condition).annotate(relevance=score)


def name_condition(terms: list[str], alias: str, person: str = ""):
    """PostgreSQL: the condition that finds people by name, and how well each one matches.
    `person` is the way from the queried model to the person ("" for people, "members__")."""
    field = f"{person}name_key"
    groups: dict[float, list[str]] = {}
    for key, score in _matching_keys(terms, alias):
        groups.setdefault(round(score, 6), []).append(key)
    if not groups:
        return Q(pk__in=[]), Value(0.0)
    found = [key for keys in groups.values() for key in keys]
    # One branch per distinct score (a handful for one word, a few dozen for a whole name), the
    # largest first: each row finds its score in a hashed list.
    ordered = sorted(groups.items(), key=lambda item: -len(item[1]))
    score = Case(
        *(When(**{f"{field}__in": keys}, then=Value(value)) for value, keys in ordered),
        default=Value(0.0),
        output_field=FloatField(),
    )
    if len(terms) == 1:
        # Shorter names first among equals: length / 10,000 stays below any step of word
        # similarity for words up to 60 letters.
        score = score - Length(field) / 10000.0
    return Q(**{f"{field}__in": found}), score


def _matching_keys(terms: list[str], alias: str) -> list[tuple[str, float]]:
    """(key, score) of the distinct search keys like the query, the most alike first."""
    from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity

    from ..models import NameKey

    query = " ".join(terms)
    similarity, word_similarity = name_search_thresholds()
    _apply_thresholds(connections[alias])
    keys = NameKey.objects.using(alias)
    # The operator lets the GIN index find candidates at the session's pg_trgm threshold; the
    # explicit comparison holds the setting wherever that threshold was lost.
    if len(terms) == 1:
        keys = keys.filter(key__trigram_word_similar=query).annotate(
            score=TrigramWordSimilarity(query, "key")
        )
        keys = keys.filter(score__gte=word_similarity)
    else:
        keys = keys.filter(key__trigram_similar=query).annotate(
            score=TrigramSimilarity("key", query)
        )
        keys = keys.filter(score__gte=similarity)
    limit = int(getattr(settings, "PADU_NAME_SEARCH_MAX_KEYS", 5000))
    return list(keys.order_by("-score", "key").values_list("key", "score")[:limit])


def _apply_thresholds(connection) -> None:
    """Set pg_trgm's cut-offs (the % and %> operators read them). Outside a transaction once
    per database session; inside one, for the transaction only and every time, since a rollback
    would undo a session-wide setting made there."""
    connection.ensure_connection()
    thresholds = name_search_thresholds()
    in_transaction = not connection.get_autocommit()
    raw = None if in_transaction else connection.connection
    try:
        if raw is not None and _thresholds_applied.get(raw) == thresholds:
            return
    except TypeError:  # a connection object that cannot be weakly referenced: set it every time
        raw = None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT set_config('pg_trgm.similarity_threshold', %s, %s),"
            " set_config('pg_trgm.word_similarity_threshold', %s, %s)",
            [v for t in thresholds for v in (str(t), in_transaction)],
        )
    if raw is not None:
        _thresholds_applied[raw] = thresholds
