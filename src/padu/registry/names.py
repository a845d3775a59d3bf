"""Indonesian name normalisation, so that spelling variants of one name meet in search and linkage.

`name_key(name)` turns a name as it was written into a search key; `name_key_expr(expr)` does
exactly the same in Polars for bulk imports (a test holds the two equal, on real names and on
generated text). The key is for matching only: it is never shown to anyone.

The steps, in order (each is a plain string or list operation, so both implementations agree):

1. **ASCII, lower case.** Apostrophe-like marks (’ ‘ ʼ ´ `) become ', the text is decomposed
   (NFKD) and everything outside ASCII dropped (é→e), then lower-cased.
2. **Apostrophes vanish** (Ma'ruf → maruf, Nur'aini → nuraini); every other character except
   letters, dots and commas becomes a space (digits, hyphens, slashes).
3. **Degrees after a comma are dropped.** Indonesian spelling (PUEBI) puts academic degrees behind
   the name after a comma ("Budi Santoso, S.Pd., M.Pd."): everything after the first comma that
   follows a letter goes.
4. **Degrees without a comma** ("Ahmad Yani S.Pd") are dropped when they are not the first word: a
   word whose letters (dots removed) are in `DEGREES`, or in `DOTTED_DEGREES` if written with a dot
   (S.E., S.H., M.M. — as plain words "se", "sh", "mm" could be names or initials).
5. **Dots separate words** (M.Yusuf → m yusuf); then leading titles (`TITLES`: H., Hj., Dr., Drs.,
   Ir., Prof., KH, Ny., Tn., and the noble R., R.A., Teuku, Tgk., Cut, Puti, Sutan, Dt.) are
   dropped — unless the name is nothing but titles — and a Minangkabau gelar adat introduced by
   Dt./Datuk/Datuak after the given name is dropped with the rest of the title
   ("Syafrizal Dt. Rajo Lelo" → syafrizal).
6. **Spelling folds** (`FOLDS`, one simultaneous pass of literal replacements):
   - the spelling reforms: oe→u (Soewandi 1947: Soekarno → sukarno), dj→j, tj→c, sj→sy, nj→ny,
     ch→kh (EYD 1972), followed where the next rule applies (ch→kh→h, sj→sy→s). The old j
     (= modern y, Jusuf/Yusuf) is *not* folded: it cannot be told from a modern j; the search
     looks for the other spelling too (below);
   - Arabic loan transliterations that Indonesians write both ways: kh→h (Khairul/Hairul,
     Achmad/Akhmad/Ahmad), sy→s and sh→s (Syamsul/Samsul), dh→d (Ramadhan/Ramadan), th→t
     (Fathimah/Fatimah), dz→z, gh→g, ph→f, q→k (Taufiq/Taufik);
   - a word-final y after a consonant becomes i (Hendry/Hendri, Dedy/Dedi).
7. **Doubled letters collapse** (Muhammad → muhamad, Yusuff → yusuf, Sitti → siti).
8. **Word variants** (`WORD_VARIANTS`): the spellings and abbreviations of Muhammad (Muhamad,
   Mohammad, Mohamad, Muhamat, Moh., Muh., Mhd., M.) become one word, Nurul/Nur → nur,
   Abd./Abdul → abdul.

Folds make different names meet now and then (Panji and Panyi both give "panyi"); that is the
price of recall, and a search ranks by similarity anyway.

Some letters are written both ways in one name and cannot be folded in the key without merging
names that differ (`LETTER_VARIANTS`): the old j for y (Jusuf/Yusuf, Jahja/Yahya), j for z in
Minang and Malay speech (Afrijal/Afrizal, Rijal/Rizal), f for v (Nofrianti/Novrianti, Erfan/Ervan)
and p for f (Yusup/Yusuf, Arip/Arif). The name search looks for those spellings of a one-word
query too (`spelling_variants`), a little behind the spelling typed; a whole name with one such
letter is like enough to the name as it is.

A one-word query with a typo ("Junaudi", "Emel") shares too few trigrams with the name (Junaidi,
Emil) to be found by similarity: the search also looks for the words with the same consonants in
the same order (`consonant_pattern`: vowels are where most slips and regional spellings fall),
and keeps those one edit away (two for a longer word; trigrams.edit_distance). A slip in a
consonant of a one-word query ("Fari" for Fahri) is not found.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Polars is imported lazily: a page that only needs name_key should not load it.
    import polars as pl

APOSTROPHES = "[’‘ʼ´`]"
NON_ASCII = r"[^\x00-\x7f]"
SEPARATORS = r"[^a-z., ]+"
# Everything from the first comma that follows a letter; $1 / \1 keeps the name before it.
AFTER_COMMA = r"^([^,]*[a-z][^,]*),.*"

DEGREES = frozenset(
    [
        "spd",
        "spdi",
        "spdsd",
        "sag",
        "skom",
        "ssos",
        "skep",
        "sked",
        "sfarm",
        "ssi",
        "spsi",
        "sip",
        "shut",
        "spt",
        "ssn",
        "shum",
        "sth",
        "str",
        "skm",
        "skes",
        "sgz",
        "sak",
        "sikom",
        "sds",
        "sstat",
        "smat",
        "spi",
        "sfil",
        "stp",
        "sars",
        "shi",
        "sei",
        "sst",
        "ssy",
        "snd",
        "slp",
        "amd",
        "ama",
        "amdkep",
        "amdkeb",
        "amdkes",
        "amdfarm",
        "amdak",
        "mpd",
        "msi",
        "mkes",
        "mag",
        "mhum",
        "mkom",
        "mpsi",
        "mak",
        "meng",
        "mkn",
        "mfarm",
        "msos",
        "mkep",
        "mked",
        "mip",
        "msc",
        "mba",
        "mph",
        "mars",
        "mti",
        "phd",
        "lc",
    ]
)
DOTTED_DEGREES = frozenset(["se", "sh", "st", "sp", "ss", "mm", "ma", "mh", "mt", "me", "mp"])
GELAR = frozenset(["dt", "dtk", "datuk", "datuak", "datuek"])
# Religious, academic, courtesy and noble titles written before a name (a gelar adat, too).
TITLES = (
    frozenset(
        [
            "h",
            "hj",
            "haji",
            "hajah",
            "hajjah",
            "kh",
            "dr",
            "drg",
            "drs",
            "dra",
            "ir",
            "prof",
            "ny",
            "tn",
        ]
    )
    | frozenset(["r", "rm", "ra", "raden", "t", "teuku", "tgk", "teungku", "cut", "puti", "sutan"])
    | GELAR
)
# One simultaneous pass, like a spelling table (no fold's output is re-read by another; no two
# patterns can overlap). Chains are written out: ch → kh → h is ch → h, sj → sy → s is sj → s.
FOLDS: dict[str, str] = {
    "oe": "u",
    "dj": "j",
    "tj": "c",
    "nj": "ny",
    "sj": "s",
    "sy": "s",
    "sh": "s",
    "ch": "h",
    "kh": "h",
    "dh": "d",
    "th": "t",
    "dz": "z",
    "gh": "g",
    "ph": "f",
    "q": "k",
}
_FOLD_PY = re.compile("|".join(FOLDS))
FINAL_Y = r"([b-df-hj-np-tv-xz])y\b"
_FINAL_Y_PY = re.compile(FINAL_Y)
WORD_VARIANTS: dict[str, str] = {
    **dict.fromkeys(
        [
            "muhamad",
            "mohamad",
            "muhamat",
            "mohamat",
            "muhamed",
            "mohamed",
            "moh",
            "muh",
            "mhd",
            "mohd",
            "muhd",
            "md",
            "m",
        ],
        "muhamad",
    ),
    "nurul": "nur",
    "abd": "abdul",
}

_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_DOUBLED_PY = re.compile(r"([a-z])\1+")
# Polars' regex engine has no back-references: one alternative per letter, replaced by its group.
_DOUBLED_RS = "|".join(f"({c}){c}+" for c in _LETTERS)
_DOUBLED_RS_REPL = "".join(f"${{{i}}}" for i in range(1, len(_LETTERS) + 1))


def _drop_degrees(words: list[str]) -> list[str]:
    out = words[:1]
    for word in words[1:]:
        bare = word.replace(".", "")
        if bare in DEGREES or ("." in word and bare in DOTTED_DEGREES):
            continue
        out.append(word)
    return out


def _drop_titles_and_gelar(words: list[str]) -> list[str]:
    start = 0
    while start < len(words) and words[start] in TITLES:
        start += 1
    if start < len(words):
        words = words[start:]
    for i, word in enumerate(words):
        if i >= 1 and word in GELAR:
            return words[:i]
    return words


def name_key(name: str | None) -> str:
    """The search key of a name: "H. Moh. Ma'ruf Soekarno, S.Pd" → "muhamad maruf sukarno"."""
    return spelling_key(bare_name(name))


def bare_name(name: str | None) -> str:
    """Steps 1–5 of the key: the name's words as written, in lower-case ASCII letters, without
    degrees, titles and gelar ("H. Moh. Ma'ruf, S.Pd" → "moh maruf")."""
    text = re.sub(APOSTROPHES, "'", name or "")
    text = re.sub(NON_ASCII, "", unicodedata.normalize("NFKD", text)).lower()
    text = re.sub(SEPARATORS, " ", text.replace("'", ""))
    text = re.sub(AFTER_COMMA, r"\1", text).replace(",", " ")
    words = _drop_degrees([w for w in text.split(" ") if w])
    words = [w for w in " ".join(words).replace(".", " ").split(" ") if w]
    return " ".join(_drop_titles_and_gelar(words))


def spelling_key(text: str) -> str:
    """Steps 6–8 of the key, on a `bare_name`: spelling folds, doubled letters, word variants."""
    text = _FOLD_PY.sub(_fold, text)
    text = _FINAL_Y_PY.sub(r"\1i", text)
    text = _DOUBLED_PY.sub(r"\1", text)
    return " ".join(WORD_VARIANTS.get(w, w) for w in text.split(" ") if w)


def _fold(match: re.Match) -> str:
    return FOLDS[match.group()]


def _word_alternation(words) -> str:
    return "|".join(sorted(words, key=lambda w: (-len(w), w)))


def _dotted_alternation(words, *, dot_required: bool) -> str:
    """A regex for each of `words` written with dots anywhere (s.pd, s.p.d., spd); with
    `dot_required`, at least one dot must be there (s.e. but not se)."""
    alternatives = []
    for word in sorted(words):
        if not dot_required:
            alternatives.append(r"\.*" + r"\.*".join(word) + r"\.*")
            continue
        # The first gap holding a dot is gap i: no dots before it, any after it.
        for i in range(len(word) + 1):
            gaps = [""] * i + [r"\.+"] + [r"\.*"] * (len(word) - i)
            alternatives.append("".join(g + c for g, c in zip(gaps, word, strict=False)) + gaps[-1])
    return "|".join(alternatives)


def name_key_expr(expr: pl.Expr) -> pl.Expr:
    """`name_key` as a Polars expression over a string column (null gives "").

    The same steps as `name_key`, with the word-level ones written as regular expressions over
    space-separated words (list operations per row are an order of magnitude slower in Polars).
    A word is matched whole by doubling the spaces, so that each word has a space of its own on
    both sides; the first word never has one in front, which keeps it safe from "not first" rules.
    """
    import polars as pl

    def squash(e: pl.Expr) -> pl.Expr:
        return e.str.replace_all(" {2,}", " ").str.strip_chars(" ")

    def padded(e: pl.Expr) -> pl.Expr:
        return e.str.replace_all(" ", "  ", literal=True) + " "

    degrees = _dotted_alternation(DEGREES, dot_required=False)
    dotted = _dotted_alternation(DOTTED_DEGREES, dot_required=True)
    titles = _word_alternation(TITLES)
    gelar = _word_alternation(GELAR)

    text = expr.cast(pl.String).fill_null("").str.replace_all(APOSTROPHES, "'")
    text = text.str.normalize("NFKD").str.replace_all(NON_ASCII, "").str.to_lowercase()
    text = text.str.replace_all("'", "", literal=True).str.replace_all(SEPARATORS, " ")
    text = text.str.replace(AFTER_COMMA, "${1}").str.replace_all(",", " ", literal=True)
    text = padded(squash(text)).str.replace_all(f" (?:{degrees}|{dotted}) ", " ")
    text = squash(text.str.replace_all(".", " ", literal=True))
    only_titles = text.str.contains(f"^(?:(?:{titles})(?: |$))*$")
    text = pl.when(only_titles).then(text).otherwise(text.str.replace(f"^(?:(?:{titles}) )+", ""))
    text = text.str.replace(f" (?:{gelar})(?: .*|$)", "")
    text = text.str.replace_many(FOLDS, leftmost=True)
    text = text.str.replace_all(FINAL_Y, "${1}i")
    text = padded(text.str.replace_all(_DOUBLED_RS, _DOUBLED_RS_REPL)).str.replace("^", " ")
    text = text.str.replace_many(
        {f" {w} ": f" {c} " for w, c in WORD_VARIANTS.items()}, leftmost=True
    )
    return squash(text)


def search_terms(query: str | None) -> list[str]:
    """The distinct words of a query's search key, in order: what a name search looks for."""
    return list(dict.fromkeys(name_key(query).split()))


# A letter of a search key → the letters the same name is also written with. One word at a time,
# one letter swapped throughout the word, so that each variant is one plausible spelling.
LETTER_VARIANTS: dict[str, str] = {"j": "yz", "y": "j", "z": "j", "f": "vp", "v": "f", "p": "f"}
MAX_VARIANTS = 6


def spelling_variants(terms: list[str]) -> list[str]:
    """Other spellings of a query's search key (its `search_terms`) to look for beside it:
    ["jusuf"] → ["yusuf", "zusuf", "jusuv", "jusup"]. At most `MAX_VARIANTS`, those of the
    longest words first (a short word's variants are the least telling)."""
    found: list[str] = []
    order = sorted(range(len(terms)), key=lambda i: (-len(terms[i]), i))
    for i in order:
        word = terms[i]
        for letter in dict.fromkeys(word):
            for other in LETTER_VARIANTS.get(letter, ""):
                variant = _DOUBLED_PY.sub(r"\1", word.replace(letter, other))
                spelled = " ".join([*terms[:i], variant, *terms[i + 1 :]])
                if spelled not in found and variant != word:
                    found.append(spelled)
    return found[:MAX_VARIANTS]


ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def one_slip_keys(name: str) -> set[str]:
    """The search keys of every spelling one slip away from `name` as written: a letter of one of
    its words left out, added, changed, or swapped with the next ("Firti" → fitri, "Aisayh" →
    aisah, "Mohammd Ghazi" → muhamad gazi, "Mmaan" → maman). The slip is undone on the name as
    typed (`bare_name`), before the key folds and collapses letters: "Riin" is rin as a key, two
    slips from rini, but one as typed."""
    words = bare_name(name).split()
    keys = [spelling_key(w) for w in words]
    found: set[str] = set()
    for i, word in enumerate(words):
        for variant in _slip_keys(word):
            found.add(" ".join(k for k in (*keys[:i], variant, *keys[i + 1 :]) if k))
    found.discard("")
    return found


@functools.lru_cache(maxsize=4096)
def _slip_keys(word: str) -> frozenset[str]:
    """The keys of `word` with one slip (a word's variants are the same whichever name holds it)."""
    spellings = {word[:i] + word[i + 1 :] for i in range(len(word))}
    spellings |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    for i in range(len(word) + 1):
        for letter in ALPHABET:
            spellings.add(word[:i] + letter + word[i:])
            if i < len(word):
                spellings.add(word[:i] + letter + word[i + 1 :])
    # The spellings the key changes, keyed in one pass: none of its steps reaches across a space,
    # so the key of the words joined is their keys joined (a fifth of a call per spelling).
    respelt = [s for s in spellings if _RESPELT.search(s)]
    keys = spelling_key(" ".join(respelt)).split(" ") if respelt else []
    if len(keys) != len(respelt):  # pragma: no cover - a spelling keyed to no word or to two
        keys = [spelling_key(s) for s in respelt]
    return frozenset(spellings.difference(respelt)).union(keys)


# A word that spelling_key leaves as it is holds none of these (a tenth of its cost to check).
_RESPELT = re.compile("|".join([*FOLDS, r"([a-z])\1", FINAL_Y, *(f"^{w}$" for w in WORD_VARIANTS)]))


VOWELS = "aiueo"
SOUND_MIN_CONSONANTS = 2
SOUND_MIN_LETTERS = 4


def consonants(word: str) -> str:
    return "".join(c for c in word if c not in VOWELS)


def consonant_pattern(word: str) -> str | None:
    """A regular expression for a search key holding a word with the consonants of `word` in
    the same order and any vowels around them ("junaudi" → j, n, d: junaidi); None for a word
    too short to tell names apart that way. (A pattern for every word one edit away is far
    slower on PostgreSQL: 0.5 s over 76,000 keys, against 10 ms for this one.)"""
    skeleton = consonants(word)
    if len(word) < SOUND_MIN_LETTERS or len(skeleton) < SOUND_MIN_CONSONANTS:
        return None
    vowels = f"[{VOWELS}]*"
    return "(^| )" + vowels + vowels.join(skeleton) + vowels + "( |$)"


def register_name_keys(keys) -> None:
    """Record search keys in the name search's key table (models.NameKey); a key already there
    stays. Services call this when they give a person a name; imports insert theirs in bulk."""
    from .models import NameKey

    NameKey.objects.bulk_create([NameKey(key=k) for k in set(keys) if k], ignore_conflicts=True)
