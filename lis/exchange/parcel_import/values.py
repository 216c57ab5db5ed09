"""Reading typed values from attribute cells, as legacy files store them.

Numbers may arrive as text with a decimal comma, codes as floats (25195.0),
dates as ISO text or dd/mm/yyyy. Each reader returns the value or raises
`CellError` with a reason the import report shows next to the field.
"""

import math
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from lis.core.text import to_nfc


class CellError(ValueError):
    """A cell's value cannot be read as what its field must hold."""


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


def text(value: object) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return to_nfc(str(value))


def positive_int(value: object) -> int:
    if is_blank(value):
        raise CellError(_("the value is missing"))
    raw = text(value)
    if not re.fullmatch(r"\d+", raw) or int(raw) <= 0:
        raise CellError(_("%(value)s is not a positive whole number") % {"value": raw})
    return int(raw)


def optional_int(value: object) -> int | None:
    return None if is_blank(value) else positive_int(value)


def unit_code(value: object) -> str:
    raw = text(value)
    if not raw:
        raise CellError(_("the value is missing"))
    if not re.fullmatch(r"\d{5}", raw):
        raise CellError(_("%(value)s is not a 5-digit commune code") % {"value": raw})
    return raw


def area(value: object) -> Decimal:
    """An area in m², to 0.1 m² as the law prints it."""
    if is_blank(value):
        raise CellError(_("the value is missing"))
    raw = text(value).replace(" ", "")
    if "," in raw:
        # Vietnamese writes 1.234,5: dots group thousands, a comma decimals.
        raw = raw.replace(".", "").replace(",", ".")
    try:
        number = Decimal(raw)
    except InvalidOperation as err:
        raise CellError(_("%(value)s is not a number") % {"value": text(value)}) from err
    if not number.is_finite() or number <= 0:
        raise CellError(_("%(value)s is not a positive area") % {"value": text(value)})
    return number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def legal_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        raise CellError(_("the value is missing"))
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y", "%Y-%m-%dT%H:%M:%S"):
        try:
            return datetime.strptime(raw[:19], pattern).date()
        except ValueError:
            continue
    raise CellError(_("%(value)s is not a date (dd/mm/yyyy)") % {"value": raw})


def term(value: object) -> tuple[bool, date | None]:
    """A term of use: "Lâu dài" (long term), a date or a year. Blank: not recorded."""
    raw = text(value)
    if not raw:
        return False, None
    if raw.casefold() in {"lâu dài", "lau dai", "ld", "lâu dai"}:
        return True, None
    if re.fullmatch(r"\d{4}", raw):
        return False, date(int(raw), 12, 31)
    return False, legal_date(raw)
