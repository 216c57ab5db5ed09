"""Numbers, areas, shares and angles as the portal prints them.

Areas use the active language's separators with thousands grouped
(Vietnamese: 1.234,5 m²); coordinates use its decimal separator without
grouping, as survey tables print them.
"""

from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django import template
from django.utils.formats import get_format
from django.utils.numberformat import format as format_number

register = template.Library()


def _number(value, places: int, grouping: int = 0) -> str:
    if value is None or value == "":
        return "—"
    exact = (
        Decimal(value)
        if isinstance(value, (Decimal, int, float))
        else Decimal(str(value))
    )
    # Django's number format cuts extra decimals; survey tables round.
    rounded = exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return format_number(
        rounded,
        decimal_sep=get_format("DECIMAL_SEPARATOR"),
        decimal_pos=places,
        grouping=grouping,
        thousand_sep=get_format("THOUSAND_SEPARATOR"),
        force_grouping=grouping > 0,
    )


@register.filter
def grouped(value, places: int = 1) -> str:
    """1234.5 → "1.234,5" in Vietnamese, "1,234.5" in English."""
    return _number(value, int(places), grouping=3)


@register.filter
def area_m2(value, places: int = 1) -> str:
    """1234.5 → "1.234,5 m²" in Vietnamese."""
    text = grouped(value, places)
    return text if text == "—" else f"{text} m²"


@register.filter
def fixed(value, places: int = 3) -> str:
    """A coordinate with `places` decimals and no grouping: "1275700,000"."""
    return _number(value, int(places))


@register.filter
def share(value) -> str:
    """A holder's share: 0.5 → "1/2 (50%)", 1 → "100%"."""
    if value is None:
        return "—"
    amount = Decimal(str(value))
    hundredths = (amount * 100).quantize(Decimal("0.01"))
    whole = hundredths == hundredths.to_integral_value()
    percent = f"{_number(hundredths, 0 if whole else 2)}%"
    # Shares are stored to 6 decimals: 1/3 is kept as 0.333333.
    fraction = Fraction(amount).limit_denominator(100)
    if amount == 1 or abs(Fraction(amount) - fraction) > Fraction(5, 10**7):
        return percent
    return f"{fraction.numerator}/{fraction.denominator} ({percent})"


@register.filter
def dms(value, axis: str = "lat") -> str:
    """Decimal degrees as degrees, minutes, seconds: 11°32'05,6400"N."""
    if value is None:
        return "—"
    degrees = float(value)
    if axis == "lat":
        hemisphere = "N" if degrees >= 0 else "S"
    else:
        hemisphere = "E" if degrees >= 0 else "W"
    ten_thousandths = round(abs(degrees) * 3600 * 10_000)
    d, rest = divmod(ten_thousandths, 3600 * 10_000)
    m, s = divmod(rest, 60 * 10_000)
    seconds = f"{s // 10_000:02d}{get_format('DECIMAL_SEPARATOR')}{s % 10_000:04d}"
    return f"{d}°{m:02d}'{seconds}\"{hemisphere}"
