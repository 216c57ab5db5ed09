"""Legacy Vietnamese encodings: the code tables, the converters, the detector.

Legacy text is written as one character per byte (latin-1), as it reaches
the importer: "NguyÔn V¨n An" is TCVN3 for Nguyễn Văn An.
"""

import csv
import itertools
import subprocess
import unicodedata

import pytest

from lis.core.legacy_text import (
    TABLE_PATH,
    LegacyColumn,
    decode_windows_1258,
    detect_legacy_encoding,
    is_vietnamese_syllable,
    legacy_to_unicode,
    tcvn3_to_unicode,
    vni_to_unicode,
)

TONES = ["", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323"]
VOWELS = ["a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y"]


def _table() -> list[dict[str, str]]:
    with TABLE_PATH.open(encoding="utf-8", newline="") as source:
        return list(csv.DictReader(source))


def _vietnamese_letters() -> set[str]:
    lower = {
        unicodedata.normalize("NFC", vowel + tone)
        for vowel, tone in itertools.product(VOWELS, TONES)
    } - set("aeiouy")
    lower.add("đ")
    return lower | {letter.upper() for letter in lower}


def _latin1(hex_bytes: str) -> str:
    return bytes.fromhex(hex_bytes).decode("latin-1")


# --- Tables --------------------------------------------------------------------


def test_table_holds_the_134_vietnamese_letters_once_each():
    letters = [row["letter"] for row in _table()]

    assert len(letters) == 134
    assert set(letters) == _vietnamese_letters()
    assert all(unicodedata.is_normalized("NFC", letter) for letter in letters)


def test_table_codes_are_distinct_in_each_encoding():
    rows = _table()

    assert len({row["tcvn3"] for row in rows}) == 134
    assert len({row["vni"] for row in rows}) == 134


def test_tcvn3_codes_are_those_of_the_system_tcvn5712_charmap():
    # glibc's TCVN5712-1 is table VN1 of TCVN 5712:1993, whose lower-case
    # letters are the VN3 codes of the ABC fonts.
    rows = _table()

    decoded = {
        row["letter"]: subprocess.run(
            ["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"],
            input=bytes.fromhex(row["tcvn3"]),
            capture_output=True,
            check=True,
        ).stdout.decode("utf-8")
        for row in rows
    }

    assert decoded == {row["letter"]: row["letter"] for row in rows}


def test_vni_codes_follow_the_base_letter_and_mark_rule():
    # VNI writes a toned vowel as its base letter (ơ and ư as ô and ö) and
    # one mark byte; i, đ and ỵ have single bytes.
    tone_marks = dict(zip(TONES, ["", "ù", "ø", "û", "õ", "ï"]))
    circumflex = dict(zip(TONES, ["â", "á", "à", "å", "ã", "ä"]))
    breve = dict(zip(TONES, ["ê", "é", "è", "ú", "ü", "ë"]))
    i_forms = dict(zip(TONES, ["i", "í", "ì", "æ", "ó", "ò"]))

    def vni(letter: str) -> str:
        if letter == "đ":
            return "ñ"
        decomposed = unicodedata.normalize("NFD", letter)
        tone = next((c for c in decomposed if c in TONES[1:]), "")
        bare = "".join(c for c in decomposed if c not in TONES[1:])
        vowel = unicodedata.normalize("NFC", bare)
        if vowel == "i":
            return i_forms[tone]
        if vowel == "y" and tone == "\u0323":
            return "î"
        if vowel in "âêô":
            return {"â": "a", "ê": "e", "ô": "o"}[vowel] + circumflex[tone]
        if vowel == "ă":
            return "a" + breve[tone]
        return {"ơ": "ô", "ư": "ö"}.get(vowel, vowel) + tone_marks[tone]

    table = {row["letter"]: _latin1(row["vni"]) for row in _table()}

    assert table == {
        letter: vni(letter.lower()) if letter.islower() else vni(letter.lower()).upper()
        for letter in _vietnamese_letters()
    }


# --- Converters ----------------------------------------------------------------


def test_tcvn3_converter_reads_every_letter_of_the_table():
    rows = _table()

    converted = {row["letter"]: tcvn3_to_unicode(_latin1(row["tcvn3"])) for row in rows}

    assert converted == {row["letter"]: row["letter"] for row in rows}


def test_vni_converter_reads_every_letter_of_the_table():
    rows = _table()

    converted = {row["letter"]: vni_to_unicode(_latin1(row["vni"])) for row in rows}

    assert converted == {row["letter"]: row["letter"] for row in rows}


@pytest.mark.parametrize(
    ("tcvn3", "unicode"),
    [
        ("NguyÔn V¨n An", "Nguyễn Văn An"),
        ("TrÇn ThÞ Hång", "Trần Thị Hồng"),
        ("§ång Xoµi", "Đồng Xoài"),
        ("Ph\xadêng T©n Phó", "Phường Tân Phú"),
        ("X· §ak ¥", "Xã Đak Ơ"),
        ("Êp 3, x· T©n Thµnh", "Ấp 3, xã Tân Thành"),
        ("Ph¹m ¸nh", "Phạm Ánh"),
        ("¸nh", "ánh"),
        ("NGUYÔN V¨N AN", "NGUYỄN VĂN AN"),
        ("PH¦êNG LéC NINH", "PHƯỜNG LỘC NINH"),
        ("Lª", "Lê"),
        ("Ap 3", "Ap 3"),
    ],
)
def test_tcvn3_text_is_converted_with_the_case_of_its_context(tcvn3, unicode):
    converted = tcvn3_to_unicode(tcvn3)

    assert converted == unicode
    assert unicodedata.is_normalized("NFC", converted)


def test_tcvn3_full_table_capitals_and_combining_marks_are_read():
    # VN1 codes: 0x80 À, 0xC4 Ấ; B3 is a combining acute after a base letter.
    converted = tcvn3_to_unicode("\x80n \xc4p Lo\xb3c")

    assert converted == "Àn Ấp Lóc"


@pytest.mark.parametrize(
    ("vni", "unicode"),
    [
        ("Nguyeãn Vaên An", "Nguyễn Văn An"),
        ("Ñoàng Xoaøi", "Đồng Xoài"),
        ("Phöôùc Long", "Phước Long"),
        ("Traàn Thò Hoàng", "Trần Thị Hồng"),
        ("AÁp 3, xaõ Taân Thaønh", "Ấp 3, xã Tân Thành"),
        ("NGUYEÃN VAÊN AN", "NGUYỄN VĂN AN"),
        ("Xaõ Bình Taân", "Xã Bình Tân"),
        ("Ap 3", "Ap 3"),
    ],
)
def test_vni_text_is_converted(vni, unicode):
    converted = vni_to_unicode(vni)

    assert converted == unicode
    assert unicodedata.is_normalized("NFC", converted)


def test_legacy_to_unicode_dispatches_by_encoding_name():
    assert legacy_to_unicode("V¨n", "tcvn3") == "Văn"
    assert legacy_to_unicode("Vaên", "vni") == "Văn"


def test_windows_1258_is_decoded_to_nfc():
    # ễ is ê (0xEA) and a combining tilde (0xDE) in the code page.
    data = b"Nguy\xea\xden V\xe3n \xc2n"

    decoded = decode_windows_1258(data)

    assert decoded == "Nguyễn Văn Ân"
    assert len(decoded) == 13
    assert len(data.decode("cp1258")) == 14


# --- Syllables -----------------------------------------------------------------


@pytest.mark.parametrize(
    "word",
    [
        "Lê", "Phước", "Bình", "Nguyễn", "Hòa", "Hoà", "Thủy", "Thuỷ", "huỳnh",
        "giếng", "gì", "quốc", "Bắc", "Lộc", "người", "rượu", "thuở", "Huế",
        "khuỷu", "xoáy", "Điểu", "Ấp", "NGHĨA", "xoong",
    ],
)  # fmt: skip
def test_vietnamese_syllables_are_recognised(word):
    assert is_vietnamese_syllable(word) is True


@pytest.mark.parametrize(
    "word",
    [
        "V¨n",  # TCVN3 read as it is: ¨ is no letter
        "Vaên",  # VNI read as it is: no rhyme "aê"
        "Xaõ",  # VNI: the tone on o of "ao"
        "Nguyờịn",  # two tones (Windows-1258 bytes read as TCVN3)
        "bac",  # c closes only a sắc or nặng syllable
        "Bàc",
        "Hoaøng",
    ],
)
def test_broken_syllables_are_refused(word):
    assert is_vietnamese_syllable(word) is False


# --- Detector ------------------------------------------------------------------

UNICODE_COLUMN = [
    "Nguyễn Văn An",
    "Lê Thị Hồng",
    "Trần Thị Phước",
    "Ấp 3, xã Tân Thành",
    "Phường Tân Phú",
    "Lê",
    "Ap 3",
]
TCVN3_COLUMN = [
    "NguyÔn V¨n An",
    "Lª ThÞ Hång",
    "TrÇn ThÞ Ph\xadíc",
    "Êp 3, x· T©n Thµnh",
    "Ph\xadêng T©n Phó",
    "Ap 3",
]
VNI_COLUMN = [
    "Nguyeãn Vaên An",
    "Leâ Thò Hoàng",
    "Traàn Thò Phöôùc",
    "AÁp 3, xaõ Taân Thaønh",
    "Phöôøng Taân Phuù",
    "Ap 3",
]


def test_detector_names_tcvn3():
    assert detect_legacy_encoding(TCVN3_COLUMN) == "tcvn3"


def test_detector_names_vni():
    assert detect_legacy_encoding(VNI_COLUMN) == "vni"


def test_detector_leaves_unicode_alone():
    assert detect_legacy_encoding(UNICODE_COLUMN) is None


@pytest.mark.parametrize(
    "samples",
    [
        ["Lê"],
        ["Lê Hà", "Tân Hòa", "Hoàng Toàn", "Bình Thành"],  # only latin-1 letters
        ["Hòa", "Hoàng"],  # VNI would read Hịa, Hồng
        ["Tổ 3 – Khu phố 2", "“Bàu Sen”", "Khu 2 · Tổ 3", "Diện tích 50 m²"],
        ["Ap 3", "Khu pho 2"],
        ["Café Hà", "Müller", "José"],
        [],
    ],
)
def test_detector_does_not_take_unicode_or_ascii_for_legacy_text(samples):
    assert detect_legacy_encoding(samples) is None


def test_detector_needs_two_words_of_evidence():
    # One word is not enough to decide a column; two are.
    assert detect_legacy_encoding(["Lª"]) is None
    assert detect_legacy_encoding(["Lª V¨n"]) == "tcvn3"


def test_one_legacy_value_does_not_flip_a_unicode_column():
    samples = UNICODE_COLUMN * 3 + ["NguyÔn V¨n An"]

    assert detect_legacy_encoding(samples) is None


def test_detector_keeps_legacy_despite_an_odd_unicode_value():
    samples = TCVN3_COLUMN + ["Lê Văn Hùng"]

    assert detect_legacy_encoding(samples) == "tcvn3"


def test_windows_1258_bytes_are_not_taken_for_tcvn3_or_vni():
    # Nguyễn Văn Ân in Windows-1258, read one character per byte.
    samples = [b"Nguy\xea\xden V\xe3n \xc2n".decode("latin-1")] * 5

    assert detect_legacy_encoding(samples) is None


def test_detector_leaves_every_unicode_name_of_a_sample_register_alone():
    # 20 surnames × 8 middle names × 30 given names, Binh Phuoc communes.
    surnames = (
        "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý"
        " Điểu Lâm Hà Thái"
    ).split()
    middles = "Văn Thị Hữu Đức Minh Ngọc Thanh Kim".split()
    givens = (
        "An Bình Cường Dũng Hà Hạnh Hòa Hùng Hương Khánh Lan Long Mai Nam Nhung"
        " Phúc Phương Sơn Tâm Thảo Thủy Tuấn Tú Vân Yến Ánh Út Tân Lê Hoàng"
    ).split()
    names = [" ".join(n) for n in itertools.product(surnames, middles, givens)]

    detected = [name for name in names if detect_legacy_encoding([name]) is not None]

    assert len(names) == 4800
    assert detected == []
    assert detect_legacy_encoding(names) is None


# --- Column conversion ---------------------------------------------------------


def test_legacy_column_converts_its_values():
    column = LegacyColumn("tcvn3", TCVN3_COLUMN)

    assert column.convert("NguyÔn V¨n An") == "Nguyễn Văn An"
    assert column.convert("Ap 3") == "Ap 3"


def test_legacy_column_keeps_unicode_values():
    column = LegacyColumn("tcvn3", TCVN3_COLUMN)

    assert column.convert("Lê") == "Lê"
    assert column.convert("Trần Thị Phước") == "Trần Thị Phước"
    assert column.convert("Lê Hà") == "Lê Hà"


def test_legacy_column_reads_a_value_both_readings_allow_as_its_column_does():
    # "Thò" is a syllable as it is, and VNI for "Thị": met in a value that
    # only VNI makes Vietnamese, it is read as VNI elsewhere too.
    column = LegacyColumn("vni", ["Nguyeãn Thò Lan", "Leâ Vaên An"])

    assert column.convert("Phan Thò An") == "Phan Thị An"


def test_legacy_column_keeps_a_tie_it_has_no_evidence_for():
    column = LegacyColumn("vni", ["Nguyeãn Vaên An", "Leâ Vaên Huøng"])

    assert column.convert("Phan Thò An") == "Phan Thò An"


def test_legacy_column_keeps_a_value_vni_cannot_have_written():
    # "Lê": a lone ê is no VNI letter, so the value is Unicode.
    column = LegacyColumn("vni", ["Nguyeãn Thò Hoàng", "Leâ Vaên An"])

    assert column.convert("Lê Minh Hoàng") == "Lê Minh Hoàng"
