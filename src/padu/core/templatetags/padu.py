from django import template

from padu.core.formats import rupiah as format_rupiah

register = template.Library()


@register.filter
def rupiah(amount):
    """{{ person.income|rupiah }} → Rp 1.250.000"""
    return format_rupiah(amount)
