import datetime

import pytest
from django.template import Context, Template
from django.utils import formats, translation

from padu.core.formats import megabytes, rupiah


def test_rupiah_indonesian_grouping():
    with translation.override("id"):
        assert rupiah(1250000) == "Rp\u00a01.250.000"
        assert rupiah(0) == "Rp\u00a00"
        assert rupiah(-5000) == "-Rp\u00a05.000"
        assert rupiah(None) == ""


def test_rupiah_english_grouping():
    with translation.override("en"):
        assert rupiah(1250000) == "Rp\u00a01,250,000"


def test_rupiah_filter_in_template():
    with translation.override("id"):
        out = Template("{% load padu %}{{ amount|rupiah }}").render(Context({"amount": 1250000}))
    assert out == "Rp\u00a01.250.000"


def test_indonesian_long_date():
    with translation.override("id"):
        assert formats.date_format(datetime.date(2025, 10, 30)) == "30 Oktober 2025"
    with translation.override("en"):
        assert formats.date_format(datetime.date(2025, 10, 30)) == "30 October 2025"


def test_indonesian_number_format():
    with translation.override("id"):
        assert (
            formats.number_format(1234567.5, decimal_pos=1, use_l10n=True, force_grouping=True)
            == "1.234.567,5"
        )


@pytest.mark.parametrize(
    ("size", "indonesian"),
    [
        (512 * 1024, "0,5"),
        (2 * 1024 * 1024, "2"),
        (int(2.5 * 1024 * 1024), "2,5"),
        (200 * 1024 * 1024, "200"),
        (1024**3, "1.024"),
        (20 * 1024, "0,02"),
    ],
)
def test_megabytes_never_rounds_a_limit_to_zero(size, indonesian):
    with translation.override("id"):
        assert megabytes(size) == indonesian
