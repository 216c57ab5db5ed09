"""Certificate serial numbers (số phát hành) in one canonical spelling.

Old certificates (TT 23/2014) carry two Vietnamese letters and six digits,
written "BĐ 123456", "bđ123456" or "BĐ  123456" by different hands; they
are one serial. Đ stays distinct from D: the letters name the series.
"""

import re

from lis.core.text import to_nfc

_LETTERS_DIGITS = re.compile(r"^([^\W\d_]+)(\d+)$")


def canonical_serial(text: str) -> str:
    """Upper case, no spaces, and one space between letters and digits."""
    compact = "".join(to_nfc(text).upper().split())
    match = _LETTERS_DIGITS.match(compact)
    return f"{match.group(1)} {match.group(2)}" if match else compact
