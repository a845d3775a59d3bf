# The 26 PPKS (formerly PMKS) categories of Permensos 08/2012, Lampiran (DOMAIN.md §3.1).
#
# The names are data, in Indonesian as the regulation writes them, not interface text. A category
# that already exists (by code) is left as an administrator may have edited it; reversing the
# migration removes nothing (categories are never deleted, people refer to them).

from django.db import migrations

SOURCE = "Permensos 08/2012"
CATEGORIES = [
    (1, "Anak Balita Terlantar"),
    (2, "Anak Terlantar"),
    (3, "Anak yang Berhadapan dengan Hukum (ABH)"),
    (4, "Anak Jalanan"),
    (5, "Anak dengan Kedisabilitasan (ADK)"),
    (6, "Anak yang Menjadi Korban Tindak Kekerasan atau Diperlakukan Salah"),
    (7, "Anak yang Memerlukan Perlindungan Khusus (AMPK)"),
    (8, "Lanjut Usia Terlantar"),
    (9, "Penyandang Disabilitas"),
    (10, "Tuna Susila"),
    (11, "Gelandangan"),
    (12, "Pengemis"),
    (13, "Pemulung"),
    (14, "Kelompok Minoritas"),
    (15, "Bekas Warga Binaan Lembaga Pemasyarakatan (BWBLP)"),
    (16, "Orang dengan HIV/AIDS (ODHA)"),
    (17, "Korban Penyalahgunaan NAPZA"),
    (18, "Korban Trafficking (perdagangan orang)"),
    (19, "Korban Tindak Kekerasan"),
    (20, "Pekerja Migran Bermasalah Sosial (PMBS)"),
    (21, "Korban Bencana Alam"),
    (22, "Korban Bencana Sosial"),
    (23, "Perempuan Rawan Sosial Ekonomi (PRSE)"),
    (24, "Fakir Miskin"),
    (25, "Keluarga Bermasalah Sosial Psikologis"),
    (26, "Komunitas Adat Terpencil (KAT)"),
]


def seed(apps, schema_editor):
    PPKSCategory = apps.get_model("registry", "PPKSCategory")
    existing = set(PPKSCategory.objects.values_list("code", flat=True))
    PPKSCategory.objects.bulk_create(
        [
            PPKSCategory(code=code, name=name, source=SOURCE)
            for code, name in CATEGORIES
            if code not in existing
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0002_name_search"),
    ]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
