"""Reading typed values from attribute cells, as legacy files store them.

Every cell arrives as the file's text (see `reader`). Numbers may have a
Vietnamese decimal comma, codes may be written as floats (25195.0), dates as
ISO text or dd/mm/yyyy. Each reader returns the value or raises `CellError`
with a reason the import report shows next to the field.
"""

import functools
import math
import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from lis.cadastre.geometry import MAX_PARCEL_AREA_M2
from lis.core.text import to_nfc
from lis.exchange.parcel_import.reader import Undecodable

# Largest values the register keeps: beyond them a number is a mistake.
MAX_SHEET_NUMBER = 99_999
MAX_PARCEL_NUMBER = 999_999
MAX_SCALE = 100_000
FIRST_BIRTH_YEAR = 1880
FIRST_TERM_YEAR = 1945
LAST_TERM_YEAR = 2200


# Unicode's control characters (category Cc).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


class CellError(ValueError):
    """A cell's value cannot be read as what its field must hold."""


def is_blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and not value.strip()


# Files repeat their values (codes, addresses, dates, sheet numbers): each
# distinct value is read once. Readers are pure; errors are not memoised.
_memo = functools.lru_cache(maxsize=1 << 16, typed=True)


@_memo
def text(value: object, max_length: int | None = None) -> str:
    """The cell as NFC text; control characters and excess length refused."""
    if isinstance(value, Undecodable):
        raise CellError(
            _("the text is not valid %(encoding)s; name the file's encoding")
            % {"encoding": value.encoding}
        )
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    result = to_nfc(str(value))
    if _CONTROL.search(result):
        raise CellError(_("the text holds control characters"))
    if max_length is not None and len(result) > max_length:
        raise CellError(
            _("the text has %(length)d characters; the register keeps %(limit)d")
            % {"length": len(result), "limit": max_length}
        )
    return result


def label(value: object) -> str:
    """The cell as shown in a report line, whatever it holds."""
    try:
        return text(value)[:40]
    except CellError:
        return "?"


@_memo
def _whole_number(value: object) -> int:
    if is_blank(value):
        raise CellError(_("the value is missing"))
    raw = text(value)
    if re.fullmatch(r"\d+\.0+", raw):
        raw = raw.split(".")[0]
    if not re.fullmatch(r"\d+", raw) or int(raw) <= 0:
        raise CellError(_("%(value)s is not a positive whole number") % {"value": raw})
    return int(raw)


def bounded_int(maximum: int, minimum: int = 1):
    """A reader of whole numbers within [minimum, maximum]."""

    def read(value: object) -> int:
        number = _whole_number(value)
        if not minimum <= number <= maximum:
            raise CellError(
                _("%(value)d is outside %(low)d–%(high)d")
                % {"value": number, "low": minimum, "high": maximum}
            )
        return number

    return read


sheet_number = bounded_int(MAX_SHEET_NUMBER)
parcel_number = bounded_int(MAX_PARCEL_NUMBER)
_scale_denominator = bounded_int(MAX_SCALE, minimum=100)


def scale(value: object) -> int:
    """A scale denominator, written 2000 or 1:2000."""
    raw = text(value).replace(" ", "")
    if raw.startswith("1:"):
        raw = raw[2:]
    return _scale_denominator(raw.replace(".", ""))


@_memo
def birth_year(value: object) -> int:
    return bounded_int(date.today().year, minimum=FIRST_BIRTH_YEAR)(value)


@_memo
def unit_code(value: object) -> str:
    raw = text(value)
    if not raw:
        raise CellError(_("the value is missing"))
    if not re.fullmatch(r"\d{5}", raw):
        raise CellError(_("%(value)s is not a 5-digit commune code") % {"value": raw})
    return raw


@_memo
def area(value: object) -> Decimal:
    """An area in m², to 0.1 m² as the law prints it.

    Vietnamese writes 1.234,5 (dots group thousands, a comma marks decimals);
    1,234.5 is the English way and is refused rather than guessed.
    """
    if is_blank(value):
        raise CellError(_("the value is missing"))
    shown = text(value)
    raw = shown.replace(" ", "")
    if "," in raw and "." in raw and raw.rindex(".") > raw.rindex(","):
        raise CellError(
            _("%(value)s groups thousands with commas; write 1234,5 or 1234.5")
            % {"value": shown}
        )
    if "," in raw:
        raw = raw.replace(".", "").replace(",", ".")
    try:
        number = Decimal(raw)
    except InvalidOperation as err:
        raise CellError(_("%(value)s is not a number") % {"value": shown}) from err
    if not number.is_finite() or number <= 0:
        raise CellError(_("%(value)s is not a positive area") % {"value": shown})
    if number > MAX_PARCEL_AREA_M2:
        raise CellError(
            _("%(value)s m² is larger than any parcel can be") % {"value": shown}
        )
    rounded = number.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if rounded <= 0:
        raise CellError(_("%(value)s rounds to 0.0 m²") % {"value": shown})
    return rounded


DATE_PATTERNS = ("%Y-%m-%d", "%d/%m/%Y", "%Y/%m/%d", "%d-%m-%Y", "%Y-%m-%dT%H:%M:%S")


@_memo
def legal_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raw = text(value)
    if not raw:
        raise CellError(_("the value is missing"))
    for pattern in DATE_PATTERNS:
        try:
            return datetime.strptime(raw[:19], pattern).date()
        except ValueError:
            continue
    raise CellError(_("%(value)s is not a date (dd/mm/yyyy)") % {"value": raw})


@_memo
def past_date(value: object) -> date:
    """A date that has happened: an issue date cannot lie in the future."""
    found = legal_date(value)
    if found > date.today():
        raise CellError(
            _("%(value)s lies in the future") % {"value": found.strftime("%d/%m/%Y")}
        )
    return found


@_memo
def term(value: object) -> tuple[bool, date | None]:
    """A term of use: "Lâu dài" (long term), a date or a year. Blank: not recorded."""
    raw = text(value)
    if not raw:
        return False, None
    if raw.casefold() in {"lâu dài", "lau dai", "ld", "lâu dai"}:
        return True, None
    if re.fullmatch(r"\d{4}", raw):
        year = int(raw)
        if not FIRST_TERM_YEAR <= year <= LAST_TERM_YEAR:
            raise CellError(_("%(value)s is not a plausible year") % {"value": raw})
        return False, date(year, 12, 31)
    return False, legal_date(raw)
