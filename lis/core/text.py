"""Vietnamese text: NFC storage and diacritic-free search keys.

Names are stored in Unicode NFC. Search ignores tone marks and vowel marks,
and folds đ/Đ to d, so that "Nguyễn", "Nguyen" and "NGUYEN" match.
"""

import re
import unicodedata

_D_FOLD = str.maketrans({"đ": "d", "Đ": "D"})
_SPACES = re.compile(r"\s+")


def to_nfc(text: str) -> str:
    """Return `text` in NFC with runs of white space collapsed and trimmed."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def search_key(text: str) -> str:
    """Return the diacritic-free, upper-case key used to search names."""
    decomposed = unicodedata.normalize("NFD", to_nfc(text).translate(_D_FOLD))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.upper()


def compact_key(text: str) -> str:
    """Return `search_key` without spaces or punctuation (serials, codes)."""
    return re.sub(r"[^0-9A-Z]", "", search_key(text))
