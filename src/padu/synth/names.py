"""Name pools for the synthetic population, and spelling variants for injected duplicates.

Minangkabau naming: most people carry one or two given names and no family name (Yusrizal, Fitri
Yenti); many names of people born 1960–2000 are built from the birth month (Nofrizal for November,
Desrita for December, Afrizal for April); men holding a clan title add "Dt." and the title
(Zulkifli Dt. Rajo Mangkuto); pilgrims carry "H."/"Hj.". Muslim names come in several spellings
(Muhammad/Muhamad/M., Nurul/Nur, Syafi'i/Syafii, Yusuf/Yusuff) — exactly the variation fuzzy name
search and duplicate detection must cope with. Faker's id_ID lists add Javanese, Batak and other
names for families that came from elsewhere; a few Nias names (a known community in Padang) too.

The lists are hand-made for Padu (not copied from a dataset); they aim at plausibility, not at
frequencies measured anywhere.
"""

import re

import numpy as np
import polars as pl

# Generations by birth year: 0 born before 1965, 1 born 1965–1994, 2 born 1995 or later.
GEN_BOUNDS = (1965, 1995)

# fmt: off
MALE = (
    # born before 1965
    (
        "Syamsuddin", "Zainal", "Bakhtiar", "Darwis", "Jamaluddin", "Kamaruddin", "Nasrul",
        "Syafrudin", "Zulkifli", "Anwar", "Basri", "Rusli", "Amiruddin", "Asril", "Bustami",
        "Darmawan", "Djamaluddin", "Effendi", "Hasan Basri", "Idris", "Jalaluddin", "Jusman",
        "Kasim", "Marzuki", "Mukhtar", "Nazaruddin", "Rasyid", "Sabirin", "Sulaiman", "Syahrial",
        "Taufik", "Usman", "Yunus", "Zainuddin", "Ismail", "Yahya", "Abdul Muis", "Abdul Rahman",
        "Ahmad Syafi'i", "Ma'ruf", "Chairul", "Djafar", "Mansur", "Tamrin", "Hamdani", "Nurdin",
        "Arifin", "Bachtiar", "Azwar", "Agusli", "Amrizal", "Asmawi", "Darwin", "Erman", "Firdaus",
        "Gusmal", "Herman", "Irwan", "Jasman", "Khairul", "Lukman", "Masrul", "Nasir", "Syafi'i",
        "Fu'ad", "Nu'man", "Yusuf", "Yusuff", "Sjahrir", "Soetan", "Rajab", "Ramli", "Zulfahmi",
        "Sofyan", "Alimin", "Burhanuddin", "Abu Bakar", "Muchtar", "Nawawi",
    ),
    # born 1965–1994
    (
        "Afrizal", "Yusrizal", "Nofrizal", "Desrizal", "Zulfikar", "Rahmat", "Hendri", "Fauzi",
        "Syahrul", "Doni", "Erwin", "Yudi", "Riko", "Ferdi", "Hendra", "Roni", "Andi", "Budi",
        "Dedi", "Joni", "Yuliandri", "Syafri", "Gusrizal", "Mardianto", "Rudi", "Zulhendri",
        "Yon Hendri", "Irfan", "Ikhwan", "Alfian", "Fadli", "Rizal", "Ridwan", "Arman", "Novri",
        "Afdal", "Yusuf", "Fikri", "Zulkarnaini", "Edi", "Asrul", "Elfi", "Zulkifli", "Syafrudin",
        "Rahmat Hidayat", "Fajri", "Gusti", "Hardi", "Indra", "Jefri", "Khairil", "Mulyadi",
        "Nasrullah", "Oktavianus", "Putra", "Rinaldi", "Suhendri", "Teguh", "Wendi", "Yosef",
        "Zaki", "Ma'ruf", "Syafi'i", "Syafii", "Fadhli", "Hidayatullah", "Ilham", "Rizki", "Rezki",
        "Heru", "Agus", "Yogi", "Erizal", "Nursal", "Defrizal", "Januardi",
    ),
    # born 1995 or later
    (
        "Rizki", "Rizky", "Fadhil", "Fadil", "Rafi", "Alif", "Farhan", "Aditya", "Raka", "Dzaky",
        "Zaky", "Azka", "Arkan", "Fathan", "Haikal", "Zidan", "Rasya", "Habib", "Ilham", "Naufal",
        "Akbar", "Fauzan", "Hafiz", "Hafidz", "Daffa", "Ghazi", "Khalid", "Rayyan", "Al Fatih",
        "Abrisam", "Ahmad", "Fikri", "Reza", "Rafa", "Kenzie", "Arsyad", "Zafran", "Yusuf",
        "Yusuff", "Syauqi", "Ziyad", "Faris", "Hanif", "Luthfi", "Nabil", "Ridho", "Ridwan",
        "Taufiq", "Wildan", "Ammar", "Bima", "Dimas", "Fahri", "Gilang", "Irsyad", "Malik", "Nizam",
        "Qais", "Syahid", "Umar", "Vino", "Zulfan",
    ),
)

FEMALE = (
    # born before 1965
    (
        "Nurhayati", "Rosmaini", "Jamilah", "Rosnida", "Asnimar", "Yusnimar", "Rosmaniar",
        "Syamsinar", "Nurlela", "Nurani", "Fatimah", "Halimah", "Siti Aminah", "Zubaidah", "Rohani",
        "Mariani", "Nursiah", "Darmawati", "Ernawati", "Jusmaniar", "Rosma", "Mardiana", "Ramlah",
        "Yunidar", "Zaitun", "Salmah", "Khadijah", "Nurbaiti", "Syamsidar", "Rukiah", "Maryam",
        "Asmah", "Dahniar", "Erlina", "Gustina", "Hasnah", "Itam", "Jawahir", "Kartini",
        "Lismawati", "Marlis", "Nuraini", "Rosmawati", "Sawiyah", "Upik", "Wirda", "Yusnidar",
        "Zuraida", "Ni'mah", "Rabi'ah", "Nurjanah", "Aminah", "Djusna",
    ),
    # born 1965–1994
    (
        "Yuliana", "Desrita", "Fitri Yenti", "Ratna Dewi", "Yulia Sari", "Elfi", "Yenni", "Rina",
        "Susi", "Novita", "Yusnita", "Erlinda", "Desi", "Rahmi", "Fitriani", "Sri Wahyuni",
        "Nurul Hidayah", "Nur Aini", "Yanti", "Lisa", "Vivi", "Ermita", "Afrida", "Yessi", "Welly",
        "Dewi Sartika", "Syafrida", "Nofriyanti", "Febrianti", "Meri", "Suryani", "Wati", "Lidya",
        "Linda Sari", "Nofia", "Silvia", "Delvi", "Rosa Linda", "Yeni", "Fitri", "Hayati", "Irma",
        "Juwita", "Kurnia", "Leni", "Marlina", "Nelly", "Oktavia", "Puspita", "Rika", "Santi",
        "Tuti", "Vera", "Weni", "Yusra", "Zulfa", "Gusnita", "Elvi", "Emi", "Hermawati", "Ira",
        "Mega", "Rini", "Sri Rahayu", "Yulinda", "Desmawati",
    ),
    # born 1995 or later
    (
        "Aisyah", "Nabila", "Zahra", "Salsabila", "Nayla", "Aqila", "Keisya", "Alya", "Azzahra",
        "Syifa", "Khansa", "Hafizah", "Nadia", "Putri", "Aulia", "Annisa", "Fadhilah", "Raisa",
        "Zaskia", "Naura", "Kayla", "Qanita", "Hanifah", "Adinda", "Fitri", "Nurul Aini",
        "Nur Fadhilah", "Amira", "Balqis", "Cahaya", "Dinda", "Elsa", "Fatimah", "Ghina", "Humaira",
        "Intan", "Jihan", "Kirana", "Latifa", "Mutiara", "Nisa", "Rahma", "Rahmah", "Sakinah",
        "Tasya", "Ulfa", "Wulan", "Yasmin", "Zakiyah",
    ),
)

MALE_SECOND = (
    "Putra", "Pratama", "Saputra", "Hidayat", "Syahputra", "Rahman", "Ramadhan", "Ramadan",
    "Fadillah", "Maulana", "Akbar", "Firmansyah", "Kurniawan", "Hakim", "Hamdani", "Rasyid",
    "Alfarizi", "Ananda", "Syahrial", "Effendi", "Rizal", "Fauzi", "Hidayatullah", "Ilahi",
    "Anugrah", "Permana", "Yusuf",
)
FEMALE_SECOND = (
    "Putri", "Sari", "Wahyuni", "Ramadhani", "Rahmadani", "Febriani", "Aulia", "Azzahra",
    "Maharani", "Lestari", "Oktaviani", "Safitri", "Handayani", "Yanti", "Yenti", "Dewi", "Amelia",
    "Nofita", "Fitriani", "Rahmawati", "Hasanah", "Khairunnisa", "Anggraini", "Permata", "Zahra",
)

# Names built from the birth month (month 1..12), for people born 1960–2000.
MONTH_MALE = (
    ("Januardi", "Janrizal", "Januarman"),
    ("Febrizal", "Febrianto", "Febriadi"),
    ("Marzal", "Marjohan", "Marizal"),
    ("Afrizal", "Aprizal", "Apriadi"),
    ("Meirizal", "Mei Hendri", "Meiriadi"),
    ("Junaidi", "Junirman", "Junaldi"),
    ("Yulrizal", "Yulianto", "Yulhendri"),
    ("Agusrizal", "Agusman", "Agustiar"),
    ("Seprizal", "Septrianto", "Sepriadi"),
    ("Okrizal", "Oktaviandi", "Oktarizal"),
    ("Nofrizal", "Novriadi", "Nofriandi"),
    ("Desrizal", "Desriadi", "Desmaizal"),
)
MONTH_FEMALE = (
    ("Januarti", "Januwita", "Jusnita"),
    ("Febrianti", "Febriyeni", "Febrina"),
    ("Marlina", "Maryenti", "Marnis"),
    ("Afrida", "Aprilia", "Afriyanti"),
    ("Meiliza", "Meriyanti", "Meilinda"),
    ("Juniarti", "Junita", "Juliarni"),
    ("Yulianti", "Yulisna", "Yulinar"),
    ("Agustina", "Agusnita", "Agustini"),
    ("Seprianti", "Septi", "Sepriyeni"),
    ("Oktavia", "Oktaviani", "Oktarina"),
    ("Nofriyanti", "Novita", "Nofrida"),
    ("Desrita", "Desriyanti", "Desmawati"),
)

MUHAMMAD = ("Muhammad ", "Muhammad ", "M. ", "Muhamad ", "Mohammad ", "Muhammad ")
SITI_NUR = ("Siti ", "Siti ", "Nurul ", "Nur ")
GELAR_DATUAK = (
    "Rajo Mangkuto", "Bandaro", "Sinaro", "Rangkayo Basa", "Majo Indo", "Bagindo Basa", "Sati",
    "Marajo", "Tumangguang", "Panghulu Basa", "Malano", "Palindih", "Rajo Bujang", "Gadang",
)

# A few Nias given names and clan names (marga).
NIAS_MALE = (
    "Yosafati", "Fatolosa", "Sozanolo", "Faozanolo", "Aroziduhu", "Yamonaha", "Sökhi", "Yuliman",
)
NIAS_FEMALE = ("Fatima", "Yulimawati", "Nurmawati", "Sriwati", "Marlina", "Rosdiana", "Yuliana")
NIAS_MARGA = (
    "Zebua", "Laoli", "Telaumbanua", "Gulo", "Harefa", "Hulu", "Lase", "Zalukhu", "Ndruru",
    "Waruwu",
)
# fmt: on


def _faker_pools():
    """Faker id_ID's raw name lists (no Faker RNG involved, so the result never depends on it)."""
    from faker.providers.person.id_ID import Provider

    return (
        tuple(Provider.first_names_male),
        tuple(Provider.first_names_female),
        tuple(Provider.last_names_male) + tuple(Provider.last_names_female),
    )


class StringPool:
    """Named lists concatenated into one polars Series; values are drawn as integer indices."""

    def __init__(self, **lists):
        values, self.offset, self.size = [], {}, {}
        for key, items in lists.items():
            self.offset[key] = len(values)
            self.size[key] = len(items)
            values.extend(items)
        self.series = pl.Series(values, dtype=pl.String)

    def draw(self, rng, key, n):
        return self.offset[key] + rng.integers(0, self.size[key], n)

    def pick(self, indices):
        return self.series.gather(pl.Series(indices, dtype=pl.Int64))


class NamePools:
    def __init__(self):
        fm, ff, last = _faker_pools()
        month_m = [m for row in MONTH_MALE for m in row]
        month_f = [m for row in MONTH_FEMALE for m in row]
        self.first = StringPool(
            m0=MALE[0],
            m1=MALE[1],
            m2=MALE[2],
            f0=FEMALE[0],
            f1=FEMALE[1],
            f2=FEMALE[2],
            month_m=month_m,
            month_f=month_f,
            faker_m=fm,
            faker_f=ff,
            nias_m=NIAS_MALE,
            nias_f=NIAS_FEMALE,
        )
        self.prefix = StringPool(
            none=("",), muhammad=MUHAMMAD, siti=SITI_NUR, haji_m=("H. ",), haji_f=("Hj. ",)
        )
        self.after = StringPool(
            none=("",),
            second_m=[" " + x for x in MALE_SECOND],
            second_f=[" " + x for x in FEMALE_SECOND],
            faker=[" " + x for x in last],
            nias=[" " + x for x in NIAS_MARGA],
        )
        self.suffix = StringPool(none=("",), gelar=[" Dt. " + x for x in GELAR_DATUAK])


def make_names(
    rng, pools: NamePools, *, female, birth_year, birth_month, age, ethnic, surname_idx, use_surname
) -> pl.Series:
    """Names for n people, vectorised; returns a polars String Series.

    female: bool[n]; birth_year/birth_month/age: int[n]; ethnic: int[n] (0 Minang, 1 from elsewhere
    with Faker names, 2 Nias); surname_idx: int[n] index of the family's clan/family name;
    use_surname: bool[n] whether this person carries it.
    """
    n = len(female)
    female = np.asarray(female, bool)
    gen = np.where(birth_year < GEN_BOUNDS[0], 0, np.where(birth_year < GEN_BOUNDS[1], 1, 2))
    fp = pools.first
    first = np.zeros(n, np.int64)
    for g in range(3):
        for is_f, key in ((False, f"m{g}"), (True, f"f{g}")):
            m = (gen == g) & (female == is_f)
            first[m] = fp.draw(rng, key, int(m.sum()))
    u = rng.random((6, n))
    # Birth-month names, mostly 1960–2000 (three variants per month).
    month_name = (birth_year >= 1958) & (birth_year <= 2002) & (u[0] < 0.2)
    mm = (np.clip(birth_month, 1, 12) - 1) * 3 + rng.integers(0, 3, n)
    first = np.where(
        month_name, np.where(female, fp.offset["month_f"], fp.offset["month_m"]) + mm, first
    )

    pp = pools.prefix
    prefix = np.full(n, pp.offset["none"])
    muh = ~female & (u[1] < np.choose(gen, (0.05, 0.12, 0.3)))
    prefix = np.where(muh, pp.draw(rng, "muhammad", n), prefix)
    siti = female & (u[1] < np.choose(gen, (0.12, 0.10, 0.10)))
    prefix = np.where(siti, pp.draw(rng, "siti", n), prefix)
    # Pilgrims among older people (the title replaces Muhammad/Siti here, for simplicity).
    haji = (age >= 50) & (u[3] < 0.09)
    prefix = np.where(haji, np.where(female, pp.offset["haji_f"], pp.offset["haji_m"]), prefix)

    ap = pools.after
    second = np.where(female, ap.draw(rng, "second_f", n), ap.draw(rng, "second_m", n))
    after = np.where(u[2] < np.choose(gen, (0.12, 0.33, 0.55)), second, ap.offset["none"])
    sp = pools.suffix
    datuak = ~female & (age >= 45) & (u[4] < 0.16)
    suffix = np.where(datuak, sp.draw(rng, "gelar", n), sp.offset["none"])

    # Families from elsewhere: Faker id_ID names, often with a family name; Nias: always the marga.
    faker_first = np.where(female, fp.draw(rng, "faker_f", n), fp.draw(rng, "faker_m", n))
    nias_first = np.where(female, fp.draw(rng, "nias_f", n), fp.draw(rng, "nias_m", n))
    faker_last = ap.offset["faker"] + surname_idx % ap.size["faker"]
    nias_last = ap.offset["nias"] + surname_idx % ap.size["nias"]
    first = np.select([ethnic == 1, ethnic == 2], [faker_first, nias_first], first)
    after = np.select(
        [ethnic == 1, ethnic == 2],
        [np.where(use_surname, faker_last, ap.offset["none"]), nias_last],
        after,
    )
    other = ethnic != 0
    prefix = np.where(other & ~haji, pp.offset["none"], prefix)
    suffix = np.where(other, sp.offset["none"], suffix)

    frame = pl.DataFrame(
        {"p": pp.pick(prefix), "f": fp.pick(first), "a": ap.pick(after), "s": sp.pick(suffix)}
    )
    return frame.select(pl.concat_str(["p", "f", "a", "s"]).alias("nama")).to_series()


# --- spelling variants (for injected duplicates) -------------------------------------------------

_RULES = (
    (r"\bMuhammad\b", ("Muhamad", "M.", "Mohammad", "Muhammad")),
    (r"\bMuhamad\b", ("Muhammad", "M.")),
    (r"\bM\. ", ("Muhammad ", "Muh. ")),
    (r"\bMohammad\b", ("Muhammad", "Mohamad")),
    (r"\bNurul\b", ("Nur", "Nurul")),
    (r"\bNur\b", ("Nurul",)),
    (r"\bSiti\b ", ("St. ", "")),
    (r"'", ("", "`")),
    (r"ff\b", ("f",)),
    (r"uf\b", ("uff",)),
    (r"ii\b", ("i'i", "i")),
    (r"^H\. ", ("",)),
    (r"^Hj\. ", ("",)),
    (r" Dt\. .*$", ("",)),
    (r"dh", ("d",)),
    (r"(?<=[a-z])d(?=[aiu])", ("dh",)),
    (r"dz", ("z",)),
    (r"\bDj", ("J",)),
    (r"\bJ(?=[a-z])", ("Dj",)),
    (r"sj", ("sy",)),
    (r"sy", ("sj", "s")),
    (r"oe", ("u",)),
    (r"kh", ("ch",)),
    (r"\bCh", ("Kh",)),
    (r"y\b", ("i",)),
    (r"(?<=[a-z])i\b", ("y",)),
    (r"ie\b", ("i",)),
    (r"q", ("k",)),
    (r"tt", ("t",)),
    (r"(?<=[aeiou])l(?=[aeiou])", ("ll",)),
    (r"(?<=[aeiou])n(?=[aeiou])", ("nn",)),
    (r"v", ("f",)),
    (r"f(?=[aeiour])", ("v",)),
    (r"z\b", ("s",)),
)


def spelling_variant(name: str, rng) -> str:
    """Another plausible spelling of a name (Muhammad → M., Yusuf → Yusuff, Ma'ruf → Maruf…)."""
    order = rng.permutation(len(_RULES))
    for i in order:
        pattern, replacements = _RULES[int(i)]
        if re.search(pattern, name):
            replacement = replacements[int(rng.integers(0, len(replacements)))]
            out = re.sub(pattern, replacement, name, count=1).strip()
            out = " ".join(out.split())
            if out and out != name:
                return out
    # Nothing applied: drop the last word of a multi-word name, or double the last consonant.
    parts = name.split()
    if len(parts) > 1:
        return " ".join(parts[:-1])
    return name + name[-1] if name[-1:].isalpha() else name + "i"
