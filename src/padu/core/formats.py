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
