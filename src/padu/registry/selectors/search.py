"""Name search: the spelling-normalised search keys (registry.names), by trigram similarity through
the distinct keys (models.NameKey): pg_trgm on PostgreSQL, registry.trigrams elsewhere."""

import datetime
import re
import weakref

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.db.models import (
    Case,
    FloatField,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Greatest, Length
from django.utils import timezone

from padu.core.scoping import scope_codes
from padu.regions.selectors import kecamatan_choices, village_choices

from .. import trigrams
from ..disclosure import sees_numbers
from ..names import (
    bare_name,
    consonant_pattern,
    consonants,
    name_key,
    one_slip_keys,
    search_terms,
    spelling_variants,
)
from ..search_box import Search, parse_search

NUMBER_LENGTH = 16
_NUMBER_PUNCTUATION = re.compile(r"[\s.\-]")


def clean_number(query: str | None) -> str | None:
    """The query as a NIK/KK number if it is one (16 digits; spaces, dots, dashes ignored)."""
    digits = _NUMBER_PUNCTUATION.sub("", query or "")
    if len(digits) == NUMBER_LENGTH and digits.isascii() and digits.isdigit():
        return digits
    return None


# --- What the search box holds beside a name (registry.search_box) ------------------------------

PLACES_SECONDS = 300


def search_places(user) -> list[tuple[str, str]]:
    """(code, name) of the kecamatan and kelurahan a user may name in the search box: those of
    his area. Cached for five minutes per area (the region tree changes only with a new decree)."""
    key = f"padu:registry:search-places:{timezone.localdate()}:" + ",".join(scope_codes(user))
    found = cache.get(key)
    if found is None:
        found = [
            *kecamatan_choices(user=user).values_list("code", "name"),
            *village_choices(user=user).values_list("code", "name"),
        ]
        cache.set(key, found, PLACES_SECONDS)
    return found


def read_search(user, text: str) -> Search:
    """The search box's text as `user` may search (raises search_box.SearchError)."""
    return parse_search(text, places=search_places(user), birth=sees_numbers(user))


def search_q(search: Search, *, person: str, family: str) -> Q:
    """What the search box holds beside the name, as a condition: `person` is the way from the
    queried model to the person found by name, `family` to his family (a place is the queried
    row's own region: a person's is his family's)."""
    q = Q()
    if search.birth_date is not None:
        q &= Q(**{f"{person}birth_date": search.birth_date})
    if search.birth_year is not None:
        q &= Q(
            **{
                f"{person}birth_date__gte": datetime.date(search.birth_year, 1, 1),
                f"{person}birth_date__lte": datetime.date(search.birth_year, 12, 31),
            }
        )
    if search.places:
        within = Q()
        for code in search.places:
            within |= Q(region_id=code) | Q(region__code__startswith=f"{code}.")
        q &= within
    if search.rt is not None:
        q &= Q(**{f"{family}rt": search.rt})
    if search.rw is not None:
        q &= Q(**{f"{family}rw": search.rw})
    return q


# --- Name search ------------------------------------------------------------------------------
# In two steps, on every database. First the search keys like the query are found among the
# distinct keys (NameKey), each scored once; then their people, by key (person_name_key_idx),
# ranked by their key's score. A query of several words is compared with the whole name
# (similarity ≥ PADU_NAME_SEARCH_THRESHOLD, default 0.5): a full name with a typo or two, or its
# words in another order, is found. A one-word query is partial by nature, so it is compared with
# each stretch of the name (word similarity ≥ PADU_NAME_SEARCH_WORD_THRESHOLD, default 0.6): "yusup"
# finds Muhammad Yusuf Hidayat, "yus" finds Yusuf; whole-word matches first, then shorter names.
# For a one-word query, the other spellings of its letters (names.spelling_variants: Jusuf for
# Yusuf, Afrijal for Afrizal) are looked for as well, scored VARIANT_WEIGHT times their
# similarity, so that the spelling typed comes first, and the words with its consonants a slip
# away (names.consonant_pattern: Junaudi for Junaidi), just above the threshold. At most
# PADU_NAME_SEARCH_MAX_KEYS distinct names are taken, the most alike first (a query that broad has
# more matches than anyone reads).
# PostgreSQL scores the keys with pg_trgm (the GIN index name_key_trgm finds them); elsewhere
# (SQLite) every key is read, those sharing enough trigrams with the query are kept (a substring
# test per trigram) and registry.trigrams scores them in Python, as pg_trgm would.

VARIANT_WEIGHT = 0.9
# Then the keys are ranked by the closeness of the whole name (`_closeness`), the same way on
# every database:
# - a key one slip from the name as typed (names.one_slip_keys: "Firti" for Fitri, "Mohammd Ghazi"
#   for Muhamad Gazi, a letter left out, added, changed or swapped) scores SLIP_SCORE, as a
#   letter's other spelling does, less SLIP_STEP for each letter between the key and the name as
#   typed ("Riin" is one swap from Rini, two letters from Rina): trigrams find few of those in a
#   short name, where a slip changes most of its trigrams;
# - a one-word query's stretch of a name that is no word of it ("man" in Ivan Mansur, which
#   pg_trgm's word similarity scores 1) scores at most PARTIAL_SCORE: below the word itself, its
#   other spellings and its slips;
# - a whole name's words in another order score ORDER_STEP below the name in the order typed.
SLIP_SCORE = VARIANT_WEIGHT
SLIP_STEP = 0.001
SLIP_STEPS = 9
PARTIAL_SCORE = 0.85
ORDER_STEP = 0.001
# A one-word query's sound-alike words (names.consonant_pattern): at most 1 edit away for words
# up to SOUND_SHORT_WORD letters, 2 for longer ones; scored threshold + up to SOUND_SCORE.
SOUND_SHORT_WORD = 6
SOUND_SCORE = 0.1

_thresholds_applied: "weakref.WeakKeyDictionary[object, tuple]" = weakref.WeakKeyDictionary()


def name_search_thresholds() -> tuple[float, float]:
    """(similarity, word similarity) cut-offs of the name search."""
    return (
        float(getattr(settings, "PADU_NAME_SEARCH_THRESHOLD", 0.5)),
        float(getattr(settings, "PADU_NAME_SEARCH_WORD_THRESHOLD", 0.6)),
    )


def name_search(qs: QuerySet, query: str, among: list[str] | None = None) -> QuerySet:
    """`qs` (people) narrowed to the names like `query`, each with its `relevance`; `among`: the
    keys to compare, when they are few (`narrowed_keys`)."""
    if not search_terms(query):
        return qs.none()
    condition, score, _keys = name_condition(query, qs.db, among=among)
    return qs.filter(condition).annotate(relevance=score)


def name_condition(query: str, alias: str, person: str = "", among=None):
    """The condition that finds people by the name `query` (as typed), how well each one
    matches, and the keys found. `person` is the way from the queried model to the person ("" for
    people, "members__"); `among`: the only keys to compare (`narrowed_keys`), or None for all."""
    field = f"{person}name_key"
    terms = search_terms(query)
    groups: dict[float, list[str]] = {}
    pairs = matching_keys(query, alias) if among is None else close_keys(query, among)
    for key, score in pairs:
        groups.setdefault(round(score, 6), []).append(key)
    if not groups:
        return Q(pk__in=[]), Value(0.0), []
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
    return Q(**{f"{field}__in": found}), score, found


def matching_keys(typed: str, alias: str) -> list[tuple[str, float]]:
    """(key, score) of the distinct search keys like the name `typed`, the most alike first."""
    from ..models import NameKey

    terms = search_terms(typed)
    query = " ".join(terms)
    # A whole name with one letter spelt otherwise is still like it (Jusuf Hidayat: 0.68); a
    # word alone is not (Jusuf: 0.5), and only there are the other spellings looked for.
    variants = spelling_variants(terms) if len(terms) == 1 else []
    wanted = [(query, 1.0), *((v, VARIANT_WEIGHT) for v in variants)]
    slips = one_slip_keys(typed)
    similarity, word_similarity = name_search_thresholds()
    threshold = word_similarity if len(terms) == 1 else similarity
    sound = terms[0] if len(terms) == 1 else None
    if connections[alias].vendor == "postgresql":
        found, slips = _postgres_keys(wanted, slips, alias, threshold, whole=sound is None)
        if sound:
            pattern = consonant_pattern(sound)
            keys = NameKey.objects.using(alias).filter(key__regex=pattern) if pattern else []
            found = _with_sound_alike(found, sound, keys, threshold)
    else:
        table = connections[alias].ops.quote_name(NameKey._meta.db_table)
        with connections[alias].cursor() as cursor:  # plain rows: a tenth of the ORM's cost
            cursor.execute(f"SELECT key FROM {table}")  # noqa: S608 - a quoted table name
            keys = [row[0] for row in cursor.fetchall()]
        found = _scored_keys(wanted, keys, threshold, whole=sound is None)
        if sound and (pattern := consonant_pattern(sound)):
            alike = re.compile(pattern)
            found = _with_sound_alike(found, sound, filter(alike.search, keys), threshold)
        slips = slips.intersection(keys)
    found = _closeness(typed, wanted, found, slips, threshold)
    return found[: int(getattr(settings, "PADU_NAME_SEARCH_MAX_KEYS", 5000))]


def _closeness(typed: str, wanted, found, slips, threshold: float) -> list[tuple[str, float]]:
    """`found` ((key, score) by trigrams and sound) and the `slips` (keys one slip from the name
    `typed`), scored by the closeness of the whole name (above), the most alike first. A slip
    scoring below the `threshold` is left out, as a key trigrams score below it is: an office
    that raises the threshold past SLIP_SCORE asks for the names as typed only."""
    query = wanted[0][0]
    whole = name_key(typed)
    scores = {}
    for key, score in found:
        words = key.split()
        if " " not in query and not any(spelling in words for spelling, _w in wanted):
            score = min(score, PARTIAL_SCORE)
        elif score > 1 - 1e-9 and key != whole and sorted(words) == sorted(whole.split()):
            score = 1.0 - ORDER_STEP
        scores[key] = score
    bare = bare_name(typed)
    for key in slips:
        score = SLIP_SCORE - SLIP_STEP * min(trigrams.edit_distance(bare, key), SLIP_STEPS)
        if score >= threshold - 1e-9:
            scores[key] = max(scores.get(key, 0.0), score)
    return sorted(scores.items(), key=lambda item: (-item[1], item[0]))


# When what the box holds beside the name narrows it well (a date of birth; a birth year, or an
# RT/RW, with a place) and leaves at most NARROWED_KEYS distinct names, each is compared with the
# query in Python: by trigrams as everywhere, and word by word by edit distance, so that a slip
# trigrams miss ("Fari" for Fahri, "Nur Lsia" for Nur Lisa) still finds the one person it can be.
NARROWED_KEYS = 2000


def narrowed_keys(people: QuerySet, search: Search) -> list[str] | None:
    """The distinct name keys of `people` (already narrowed by `search`), if it narrows and
    they are at most NARROWED_KEYS; else None (the name search compares every key)."""
    if not (search.birth_date or (search.places and (search.birth_year or search.rt or search.rw))):
        return None  # a year or a place alone leaves thousands of names in a city
    keys = list(
        people.order_by().values_list("name_key", flat=True).distinct()[: NARROWED_KEYS + 1]
    )
    return keys if len(keys) <= NARROWED_KEYS else None


def close_keys(typed: str, keys: list[str]) -> list[tuple[str, float]]:
    """(key, score) of those of `keys` like the name `typed`: as matching_keys scores them, or, a
    little above the threshold, when every word of the query is a word of the key one edit away
    (two for a word of more than SOUND_SHORT_WORD letters)."""
    terms = search_terms(typed)
    query = " ".join(terms)
    variants = spelling_variants(terms) if len(terms) == 1 else []
    wanted = [(query, 1.0), *((v, VARIANT_WEIGHT) for v in variants)]
    similarity, word_similarity = name_search_thresholds()
    threshold = word_similarity if len(terms) == 1 else similarity
    scores = dict(_scored_keys(wanted, keys, threshold, whole=len(terms) > 1))
    letters = sum(len(t) for t in terms)
    for key in keys:
        words = key.split()
        distance = 0
        for term in terms:
            allowed = 1 if len(term) <= SOUND_SHORT_WORD else 2
            nearest = min((trigrams.edit_distance(term, w) for w in words), default=allowed + 1)
            if nearest > allowed:
                break
            distance += nearest
        else:
            score = threshold + SOUND_SCORE * (1 - distance / letters)
            scores[key] = max(scores.get(key, 0.0), score)
    slips = one_slip_keys(typed).intersection(keys)
    return _closeness(typed, wanted, scores.items(), slips, threshold)


def _with_sound_alike(found: list, word: str, keys, threshold: float) -> list:
    """`found` and those of `keys` (holding a word of the consonants of `word`:
    names.consonant_pattern) with such a word a few edits from `word`, scored just above the
    threshold: the closer, the higher."""
    if isinstance(keys, QuerySet):
        keys = keys.values_list("key", flat=True)
    allowed = 1 if len(word) <= SOUND_SHORT_WORD else 2
    scores = dict(found)
    skeleton = consonants(word)
    for key in keys:
        distance = min(
            (trigrams.edit_distance(word, w) for w in key.split() if consonants(w) == skeleton),
            default=allowed + 1,
        )
        if distance <= allowed:
            score = threshold + SOUND_SCORE * (1 - distance / len(word))
            scores[key] = max(scores.get(key, 0.0), score)
    return list(scores.items())


def _postgres_keys(wanted, slips: set[str], alias: str, threshold: float, *, whole: bool):
    """(key, score) of the keys like a spelling in `wanted` by pg_trgm, and those of the
    spellings `slips` that are keys: one read of the keys for both."""
    from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity

    from ..models import NameKey

    _apply_thresholds(connections[alias])
    # The operator lets the GIN index find candidates at the session's pg_trgm threshold; the
    # explicit comparison holds the setting wherever that threshold was lost.
    lookup = "key__trigram_similar" if whole else "key__trigram_word_similar"
    condition = Q()
    scores = []
    for text, weight in wanted:
        condition |= Q(**{lookup: text})
        similar = TrigramSimilarity("key", text) if whole else TrigramWordSimilarity(text, "key")
        scores.append(similar if weight == 1.0 else similar * weight)
    score = Greatest(*scores) if len(scores) > 1 else scores[0]
    keys = NameKey.objects.using(alias).filter(condition).annotate(score=score)
    keys = keys.filter(score__gte=threshold).order_by("-score", "key")
    limit = int(getattr(settings, "PADU_NAME_SEARCH_MAX_KEYS", 5000))
    similar, params = keys.values_list("key", "score")[:limit].query.get_compiler(alias).as_sql()
    table = connections[alias].ops.quote_name(NameKey._meta.db_table)
    # The slips joined to the keys, read by index (key IN (…) of a thousand spellings reads every
    # key: 4× slower at 76,000 keys), in the same statement: a slip has no score (NULL). They go
    # as one text split by the database (a key is letters and spaces): psycopg writes a list of
    # 400 strings as an array in 7 ms, a quarter of the search.
    sql = (
        f"({similar}) UNION ALL (SELECT k.key, NULL FROM unnest(string_to_array(%s, '|')) s(key)"  # noqa: S608 - the ORM's SQL and a quoted table name
        f" JOIN {table} k ON k.key = s.key)"
    )
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [*params, "|".join(sorted(slips))])
        rows = cursor.fetchall()
    return [row for row in rows if row[1] is not None], {k for k, score in rows if score is None}


def _scored_keys(wanted, keys: list[str], threshold: float, *, whole: bool) -> list:
    """Without pg_trgm: every key is read (a city's demo has a few thousand), those sharing
    enough trigrams with a spelling are kept (a trigram is a substring of the key padded with a
    space on each side: "  y" is " y"; trigrams.least_shared), and scored. Testing substrings in
    Python costs a seventh of the same test in SQL (SQLite's instr, 7,680 keys)."""
    spellings = []
    every: set[str] = set()
    inner: set[str] | None = set()
    for text, weight in wanted:
        patterns = {trigrams.substring(t) for t in trigrams.trigrams(text)}
        need = trigrams.least_shared(text, threshold / weight)
        spellings.append((trigrams.trigrams(text), weight, patterns, need))
        every |= patterns
        # Where a key cannot share enough trigrams without one of the three letters of a word,
        # one regular expression (run in C) sets most keys aside before the count.
        letters = {p for p in patterns if " " not in p}
        if inner is not None and need > len(patterns) - len(letters):
            inner |= letters
        else:
            inner = None
    tests = sorted(every)
    first = re.compile("|".join(sorted(inner))).search if inner else None
    found = []
    for key in keys:
        if first is not None and first(key) is None:
            continue
        padded = f" {key} "
        present = {p for p in tests if p in padded}
        for _q, _w, patterns, need in spellings:
            if len(present & patterns) >= need:
                break
        else:
            continue
        if whole:
            mine = trigrams.trigrams(key)
            score = max(w * trigrams.set_similarity(q, mine) for q, w, _p, _n in spellings)
        elif f" {wanted[0][0]} " in padded:
            score = 1.0  # the word itself: no stretch of the key is closer
        else:
            ordered = trigrams.ordered_trigrams(key)
            score = max(w * trigrams.extent_similarity(q, ordered) for q, w, _p, _n in spellings)
        if score >= threshold - 1e-9:
            found.append((key, score))
    return found


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
