"""Indonesian display formats that Django's locale formats do not cover."""

from decimal import Decimal

from django.utils.formats import number_format


def rupiah(amount: int | Decimal | None) -> str:
    """`Rp 1.250.000` in Indonesian, `Rp 1,250,000` in English; whole rupiah, no decimals."""
    if amount is None or amount == "":
        return ""
    value = int(Decimal(amount).quantize(Decimal(1)))
    sign = "-" if value < 0 else ""
    digits = number_format(abs(value), decimal_pos=0, use_l10n=True, force_grouping=True)
    return f"{sign}Rp\u00a0{digits}"


def megabytes(size: int) -> str:
    """A size in MB for a message: `200`, `1.024`, and below 10 MB one decimal where it counts
    (`0,5`, `2`), so that a limit under 1 MB is not told as "0 MB"."""
    value = size / (1024 * 1024)
    decimals = 0 if value >= 10 or value == int(value) else 1 if value >= 0.1 else 2
    return number_format(round(value, decimals), decimal_pos=decimals, force_grouping=True)
