"""Vietnamese text in legacy encodings: TCVN3 (ABC), VNI-Windows, Windows-1258.

Before Unicode, cadastral data was typed in 8-bit font encodings: TCVN3
(TCVN 5712:1993, the ABC fonts .VnTime, .VnArial…) mostly in the north and
in state software, VNI-Windows (VNI-Times…) mostly in the south. Their bytes
reach the importer in two forms, both handled here as `str`:

- a file's raw bytes, each read as one character (latin-1): a .dbf with no
  .cpg, or one whose .cpg says "1252";
- Unicode made by a tool that read the legacy bytes as Windows-1252 and
  wrote them to a UTF-8 GeoPackage: "NguyÔn V¨n An", "Nguyeãn Vaên An".

Both views agree on bytes A0–FF, where nearly every legacy letter lives; the
few TCVN3 codes in 80–9F are recognised in both views. The code tables are
data: `data/vietnamese_legacy_encodings.csv` (sources in its README).

Whether a column is legacy text is decided by the syllables it makes: a
Vietnamese syllable is an onset, a rhyme and at most one tone, and ends in
c, ch, p or t only with the sắc or nặng tone. Text read in the wrong
encoding breaks that grammar ("V¨n", "Nguyeãn", "Nguyờịn"); the right
conversion restores it. See `detect_legacy_encoding` for the thresholds.
"""

import csv
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

TCVN3 = "tcvn3"
VNI = "vni"
LEGACY_ENCODINGS = (TCVN3, VNI)
# How the import report names what it converted.
ENCODING_NAMES = {TCVN3: "TCVN3", VNI: "VNI", "cp1258": "Windows-1258"}

TABLE_PATH = Path(__file__).parent / "data" / "vietnamese_legacy_encodings.csv"

# Detection thresholds (see `detect_legacy_encoding`).
MIN_VOTES = 2
MIN_SHARE = 0.8

# TCVN 5712:1993 (VN1) also codes the five tone marks as combining characters.
_TCVN3_MARKS = {
    0xB0: "\u0300",
    0xB1: "\u0309",
    0xB2: "\u0303",
    0xB3: "\u0301",
    0xB4: "\u0323",
}
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
_STOP_TONES = {"\u0301", "\u0323"}  # sắc, nặng
_STOP_CODAS = ("c", "ch", "p", "t")
_VOWELS = "aăâeêioôơuưy"
_MARKED_VOWELS = "ăâêôơư"
_UNICODE = "unicode"

# Onsets, longest first; "" for a syllable that starts with its vowel.
_ONSETS = (
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
    "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v",
    "x", "",
)  # fmt: skip
# Rhymes (tone left out) that end in a vowel.
_OPEN_RHYMES = set(
    "a e ê i y o ô ơ u ư ai ao au ay âu ây eo êu ia iu oa oe oi ôi ơi ua uê ui"
    " uơ uy ưa ưi ưu iêu yêu oai oao oay oeo uây uôi uya uyu ươi ươu".split()
)
# Vowels and the consonants that may close them.
_CLOSED_RHYMES = {
    "a": "c ch m n ng nh p t",
    "ă": "c m n ng p t",
    "â": "c m n ng p t",
    "e": "c m n ng p t",
    "ê": "ch m n nh p t",
    "i": "ch m n nh p t",
    "o": "c m n ng p t",
    "ô": "c m n ng p t",
    "ơ": "m n p t",
    "u": "c m n ng p t",
    "ư": "c m n ng t",
    "iê": "c m n ng p t",
    "yê": "c m n ng p t",
    "uô": "c m n ng t",
    "ươ": "c m n ng p t",
    "oa": "c ch m n ng nh p t",
    "oă": "c m n ng t",
    "oe": "n t",
    "oo": "c ng",
    "uâ": "n ng t",
    "uê": "ch nh",
    "uy": "ch n nh t",
    "uyê": "n t",
}
_RHYMES = _OPEN_RHYMES | {
    vowel + coda for vowel, codas in _CLOSED_RHYMES.items() for coda in codas.split()
}
# A word: what is neither space, digit nor punctuation, where legacy letters
# include characters Unicode calls punctuation (¨ · ¸ ­). Typographic
# quotes and dashes separate words, although the rare upper-case TCVN3
# letters at 91–97 look like them in Windows-1252.
_WORD = re.compile(r"[^\s0-9!-/:-@\[-`{-~\u00a0\u2013\u2014\u2018-\u201d\u2022\u2026]+")


def _cp1252_view(byte: int) -> str | None:
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return None


def _views(byte: int) -> set[str]:
    """The characters a legacy byte turns into: latin-1 and Windows-1252."""
    return {chr(byte)} | ({view} if (view := _cp1252_view(byte)) else set())


_EIGHT_BIT = frozenset(ch for byte in range(256) for ch in _views(byte))
# A run of letters, once converted.
_LETTERS = re.compile(r"[^\W\d_]+")


@dataclass(frozen=True)
class _Tcvn3Table:
    letters: dict[str, str]  # character → letter (or VN1 combining mark)
    translation: dict[int, str]  # the same, for str.translate
    lower: frozenset[str]  # characters of lower-case letters
    lower_only: frozenset[str]  # of those, the toned ones (no VN3 capital)
    known_case: dict[int, str]  # translation that blanks `lower` out


@cache
def _tcvn3_table() -> _Tcvn3Table:
    letters: dict[str, str] = {}
    for row in _rows():
        for view in _views(int(row["tcvn3"], 16)):
            letters[view] = row["letter"]
    for byte, mark in _TCVN3_MARKS.items():
        letters[chr(byte)] = mark
    lower = frozenset(ch for ch, letter in letters.items() if letter.islower())
    # ă â ê ô ơ ư đ have capitals of their own (Ă Â Ê Ô Ơ Ư Đ): lower case
    # is meant, unless the whole value is in capitals.
    lower_only = frozenset(ch for ch in lower if letters[ch] not in "ăâêôơưđ")
    translation = {ord(ch): letter for ch, letter in letters.items()}
    return _Tcvn3Table(
        letters=letters,
        translation=translation,
        lower=lower,
        lower_only=lower_only,
        known_case=translation | {ord(ch): "\0" for ch in lower},
    )


@cache
def _vni_table() -> dict[str, str]:
    """VNI character or pair of characters → letter."""
    return {
        bytes.fromhex(row["vni"]).decode("cp1252"): row["letter"] for row in _rows()
    }


def _rows() -> list[dict[str, str]]:
    with TABLE_PATH.open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def could_be_legacy(text: str) -> bool:
    """Whether every character of `text` can come from an 8-bit byte."""
    return _EIGHT_BIT.issuperset(text)


def tcvn3_to_unicode(text: str) -> str:
    """Convert TCVN3 (ABC) text to NFC Unicode.

    The ABC fonts code the toned letters in lower case only: an upper-case
    font (.VnTimeH) draws the same codes as capitals, and the font is not in
    the data. Their case is therefore taken from the text around them (see
    `_restore_case`). Ă Â Ê Ô Ơ Ư Đ have codes of their own, as do the
    upper-case toned letters of the standard's full table (VN1).
    """
    table = _tcvn3_table()
    converted = text.translate(table.translation)
    if not table.lower.isdisjoint(text):
        converted = _restore_case(text, converted, table)
    return unicodedata.normalize("NFC", converted)


def _restore_case(text: str, converted: str, table: _Tcvn3Table) -> str:
    """Give the converted lower-case letters the case of their context.

    In a value written in capitals ("NGUYÔN V¨N AN") they become capitals.
    In a value whose words all start with a capital ("Ph¹m ¸nh"), a toned
    letter that starts a word becomes one ("Phạm Ánh"); so does one that
    starts a value with a capital elsewhere ("Êp 3, x· T©n Thµnh": "Ấp 3,
    xã Tân Thành"). Otherwise they stay lower case, as an ABC font showed
    them. `converted` is `text` translated character for character.
    """
    # The letters whose case the bytes tell, lower-case ones blanked out.
    masked = text.translate(table.known_case)
    words = [m.span() for m in _LETTERS.finditer(converted)]
    known = [masked[a:b].replace("\0", "") for a, b in words]
    long_words = [letters for letters in known if len(letters) >= 2]
    capitals = bool(long_words) and all(letters.isupper() for letters in long_words)
    initials = "".join(masked[a] for a, _ in words).replace("\0", "")
    title = initials.isupper()
    chars = list(converted)
    for index, ((start, end), letters) in enumerate(zip(words, known)):
        if capitals and letters.upper() == letters:
            chars[start:end] = converted[start:end].upper()
        elif text[start] in table.lower_only and (
            title or index == 0 and initials.lower() != initials
        ):
            chars[start] = converted[start].upper()
    return "".join(chars)


def vni_to_unicode(text: str) -> str:
    """Convert VNI-Windows text (a base letter and mark bytes) to NFC Unicode."""
    table, pattern = _vni_table(), _vni_pattern()
    converted = pattern.sub(lambda match: table[match.group()], text)
    return unicodedata.normalize("NFC", converted)


def _vni(text: str) -> tuple[str, int]:
    """The converted text, and how many non-ASCII characters no VNI letter
    accounts for (a mark with no letter before it: "Lê", "Lý")."""
    table, pattern = _vni_table(), _vni_pattern()
    converted = pattern.sub(lambda match: table[match.group()], text)
    stray = sum(1 for ch in pattern.sub("", text) if not ch.isascii())
    return unicodedata.normalize("NFC", converted), stray


@cache
def _vni_pattern() -> re.Pattern:
    # Pairs before single characters: "ôù" is ớ, "ô" alone ơ.
    sequences = sorted(_vni_table(), key=len, reverse=True)
    return re.compile("|".join(map(re.escape, sequences)))


_CONVERTERS = {TCVN3: tcvn3_to_unicode, VNI: vni_to_unicode}


def _reading(word: str, encoding: str) -> str | None:
    """`word` converted from `encoding`, or None if the encoding cannot have
    written it."""
    if encoding == VNI:
        converted, stray = _vni(word)
        return None if stray else converted
    table = _tcvn3_table().letters
    if any(not ch.isascii() and ch not in table for ch in word):
        return None
    return tcvn3_to_unicode(word)


def legacy_to_unicode(text: str, encoding: str) -> str:
    """Convert `text` read from `encoding` ("tcvn3" or "vni") to NFC Unicode."""
    return _CONVERTERS[encoding](text)


def decode_windows_1258(data: bytes) -> str:
    """Decode Windows-1258 bytes to NFC.

    The code page has precomposed forms for a few toned letters only and
    writes the others as a letter and a combining tone mark ("ễ" is ê and
    U+0303), which Python's codec keeps as two characters.
    """
    return unicodedata.normalize("NFC", data.decode("cp1258"))


def _letters(word: str) -> tuple[str, int | None, str | None] | None:
    """`word` in lower case without its tone, the index of the letter that
    carries the tone and the tone; None if it has more than one tone."""
    letters: list[str] = []
    toned = tone = None
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONES:
            if tone is not None or not letters:
                return None
            toned, tone = len(letters) - 1, ch
        elif unicodedata.combining(ch) and letters:
            letters[-1] = unicodedata.normalize("NFC", letters[-1] + ch)
        else:
            letters.append(ch)
    return "".join(letters), toned, tone


def _tone_places(rhyme: str) -> set[int]:
    """Where a rhyme carries its tone: on its last vowel with a mark (ươ: ơ),
    else on its only or last vowel before a consonant, else on the first of
    two vowels (oa, oe, uy: either) or the middle of three."""
    vowels = len(rhyme) - len(rhyme.lstrip(_VOWELS))
    marked = [i for i in range(vowels) if rhyme[i] in _MARKED_VOWELS]
    if marked:
        return {marked[-1]}
    if vowels == 1 or rhyme.startswith("oo"):
        return set(range(vowels))
    if vowels < len(rhyme):
        return {vowels - 1}
    if vowels == 2:
        return {0, 1} if rhyme in ("oa", "oe", "uy") else {0}
    return {1}


@lru_cache(maxsize=65_536)
def is_vietnamese_syllable(word: str) -> bool:
    """Whether `word` is a well-formed Vietnamese syllable (any case).

    Onset + rhyme from the tables above, at most one tone, on the vowel the
    rhyme puts it on (both places of oa, oe, uy are accepted: hòa, hoà),
    and a rhyme closed by c, ch, p or t carries the sắc or nặng tone.
    Loanwords and ethnic-minority names may fail: the test is for telling
    encodings apart, not for spelling.
    """
    split = _letters(word)
    if split is None:
        return False
    bare, toned, tone = split
    for onset in _ONSETS:
        if not bare.startswith(onset):
            continue
        # "gi" before i drops one i: giếng is gi + iêng.
        starts = (len(onset), len(onset) - 1) if onset == "gi" else (len(onset),)
        for start in starts:
            rhyme = bare[start:] if start == len(onset) else "i" + bare[len(onset) :]
            if rhyme not in _RHYMES:
                continue
            if toned is not None and toned - start not in _tone_places(rhyme):
                continue
            if rhyme.endswith(_STOP_CODAS) and tone not in _STOP_TONES:
                continue
            return True
    return False


def _words(text: str) -> list[str]:
    """Words that can tell encodings apart: non-ASCII, and of two characters
    at least (a lone "·" or "ª" would read as a TCVN3 letter)."""
    return [w for w in _WORD.findall(text) if len(w) >= 2 and not w.isascii()]


@lru_cache(maxsize=65_536)
def _vote(word: str) -> str | None:
    """Which reading of `word` makes a syllable: "unicode", an encoding, or
    None when both or neither do."""
    as_is = is_vietnamese_syllable(word)
    if not could_be_legacy(word):
        return _UNICODE if as_is else None
    legacy = []
    for encoding in LEGACY_ENCODINGS:
        converted = _reading(word, encoding)
        if converted not in (None, word) and is_vietnamese_syllable(converted):
            legacy.append(encoding)
    if as_is:
        return None if legacy else _UNICODE
    return legacy[0] if len(legacy) == 1 else None


def detect_legacy_encoding(samples: Iterable[str]) -> str | None:
    """Tell whether text values (one column) are TCVN3, VNI or neither.

    Each word with a non-ASCII character votes for the reading that makes it
    a Vietnamese syllable: as it is ("Lê", "Phước"), as TCVN3 ("V¨n" →
    "Văn") or as VNI ("Vaên" → "Văn"). A word that makes a syllable both as
    it is and converted ("Lê" → "Lờ"), or in no reading, does not vote.
    An encoding is returned when it has at least MIN_VOTES votes and at
    least MIN_SHARE of all votes, so that one odd value does not flip a
    column and a short value does not decide alone. Otherwise None: a
    missed conversion can be named by the user; a wrong one garbles names.
    """
    votes: Counter = Counter()
    for sample in samples:
        for word in _words(sample):
            if (vote := _vote(word)) is not None:
                votes[vote] += 1
    best = max(LEGACY_ENCODINGS, key=lambda encoding: votes[encoding])
    if votes[best] >= MIN_VOTES and votes[best] >= MIN_SHARE * votes.total():
        return best
    return None


def _syllable_count(text: str) -> int:
    return sum(1 for word in _words(text) if is_vietnamese_syllable(word))


def _gain(text: str, encoding: str) -> tuple[str, int]:
    """The value converted, and how many more syllables it makes than before."""
    if text.isascii() or not could_be_legacy(text):
        return text, 0
    converted = legacy_to_unicode(text, encoding)
    if converted == text:
        return text, 0
    return converted, _syllable_count(converted) - _syllable_count(text)


class LegacyColumn:
    """Converts the values of a column detected as `encoding`.

    A value is converted when the conversion makes more of its words
    Vietnamese syllables. When it makes as many ("Phan Thò An", VNI for
    Phan Thị An, where "Thò" is a syllable too; "Lê", Unicode, or TCVN3 for
    "Lờ"), the column decides: the value is converted if every word the
    conversion changes was met in a sample value that the conversion did
    improve; otherwise it is kept. A Unicode value ("Phước", "Lê") in a
    legacy column stays as it is.
    """

    CACHE_SIZE = 65_536

    def __init__(self, encoding: str, samples: Iterable[str]) -> None:
        self.encoding = encoding
        self._legacy_words: set[str] = set()
        for sample in samples:
            if _gain(sample, encoding)[1] > 0:
                self._legacy_words.update(_words(sample))
        self._cache: dict[str, str] = {}

    def convert(self, text: str) -> str:
        """`text` in Unicode, converted or kept as it is (see the class)."""
        if text in self._cache:
            return self._cache[text]
        converted, gain = _gain(text, self.encoding)
        if gain < 0 or gain == 0 and not self._legacy_tie(text):
            converted = text
        if len(self._cache) < self.CACHE_SIZE:
            self._cache[text] = converted
        return converted

    def _legacy_tie(self, text: str) -> bool:
        """Whether a value that reads as well both ways is legacy text: its
        changed words were met in legacy values, and none of its words is a
        syllable only as it is ("Lê" cannot be VNI)."""
        changed = []
        for word in _words(text):
            converted = _reading(word, self.encoding)
            if is_vietnamese_syllable(word) and (
                converted is None or not is_vietnamese_syllable(converted)
            ):
                return False
            if converted != word:
                changed.append(word)
        return bool(changed) and all(w in self._legacy_words for w in changed)
