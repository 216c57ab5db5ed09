"""Vietnamese name parts and fictional company names for sample owners.

Family names follow their rough frequency in Vietnam (Nguyễn about 38 %).
Middle names carry the gender as usual ("Văn", "Thị"), and married women
keep their own family name. Company names are composed from neutral words
and are fictional; a match with a real company would be a coincidence.
All text is NFC.
"""

import unicodedata

import numpy as np

FAMILY_NAMES: tuple[tuple[str, float], ...] = (
    ("Nguyễn", 38.0),
    ("Trần", 11.0),
    ("Lê", 9.5),
    ("Phạm", 7.0),
    ("Hoàng", 4.0),
    ("Huỳnh", 3.0),
    ("Phan", 4.5),
    ("Vũ", 2.5),
    ("Võ", 2.5),
    ("Đặng", 2.1),
    ("Bùi", 2.0),
    ("Đỗ", 1.4),
    ("Hồ", 1.3),
    ("Ngô", 1.3),
    ("Dương", 1.0),
    ("Lý", 0.5),
    ("Đinh", 0.8),
    ("Trương", 0.8),
    ("Lâm", 0.5),
    ("Mai", 0.5),
    ("Tạ", 0.3),
)

MALE_MIDDLE: tuple[tuple[str, float], ...] = (
    ("Văn", 55.0),
    ("Hữu", 8.0),
    ("Đức", 8.0),
    ("Minh", 7.0),
    ("Quốc", 5.0),
    ("Thanh", 5.0),
    ("Công", 4.0),
    ("Xuân", 4.0),
    ("Ngọc", 4.0),
)

FEMALE_MIDDLE: tuple[tuple[str, float], ...] = (
    ("Thị", 70.0),
    ("Ngọc", 7.0),
    ("Thu", 5.0),
    ("Thanh", 5.0),
    ("Kim", 5.0),
    ("Mỹ", 4.0),
    ("Bích", 4.0),
)

MALE_GIVEN: tuple[str, ...] = (
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Hùng",
    "Hải",
    "Long",
    "Minh",
    "Nam",
    "Phong",
    "Quang",
    "Sơn",
    "Tâm",
    "Thắng",
    "Tuấn",
    "Việt",
    "Hoàng",
    "Khánh",
    "Lâm",
    "Phúc",
    "Tài",
    "Thành",
    "Trung",
    "Vinh",
    "Đức",
    "Hiếu",
    "Lộc",
    "Nghĩa",
    "Phước",
    "Toàn",
    "Thịnh",
    "Hưng",
    "Tín",
    "Trí",
    "Sang",
    "Tùng",
)

FEMALE_GIVEN: tuple[str, ...] = (
    "Anh",
    "Bình",
    "Chi",
    "Dung",
    "Hà",
    "Hạnh",
    "Hằng",
    "Hoa",
    "Hương",
    "Lan",
    "Liên",
    "Linh",
    "Loan",
    "Mai",
    "Nga",
    "Ngọc",
    "Nhung",
    "Oanh",
    "Phượng",
    "Thảo",
    "Thủy",
    "Trang",
    "Tuyết",
    "Vân",
    "Yến",
    "Xuân",
    "Hồng",
    "Huệ",
    "Cúc",
    "Đào",
    "Nhàn",
    "Thu",
)

COMPANY_FORMS: tuple[str, ...] = (
    "Công ty TNHH MTV",
    "Công ty TNHH",
    "Công ty Cổ phần",
)

COMPANY_TRADES: tuple[str, ...] = (
    "Cao su",
    "Nông nghiệp",
    "Điều",
    "Hồ tiêu",
    "Lâm nghiệp",
    "Nông lâm sản",
)

COMPANY_WORDS: tuple[str, ...] = (
    "Suối Mây",
    "Hòa Lâm",
    "Phú Lộc Xanh",
    "Thiện Nhân",
    "Minh Phát",
    "Hòa An",
    "Bình Minh Xanh",
    "Hưng Phát",
    "An Khang",
    "Đồi Xanh",
    "Tân Hưng Thịnh",
    "Lộc Điền Xanh",
    "Đất Đỏ",
    "Rừng Vàng",
)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _choose(rng: np.random.Generator, table: tuple, size: int) -> np.ndarray:
    names = np.array([nfc(name) for name, _ in table], dtype=object)
    weights = np.array([weight for _, weight in table])
    return rng.choice(names, size=size, p=weights / weights.sum())


def person_names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    """Return one full name ("Nguyễn Văn An") per entry of `female`."""
    size = len(female)
    family = _choose(rng, FAMILY_NAMES, size)
    middle = np.where(
        female, _choose(rng, FEMALE_MIDDLE, size), _choose(rng, MALE_MIDDLE, size)
    )
    male_given = np.array([nfc(n) for n in MALE_GIVEN], dtype=object)
    female_given = np.array([nfc(n) for n in FEMALE_GIVEN], dtype=object)
    given = np.where(
        female,
        female_given[rng.integers(0, len(female_given), size)],
        male_given[rng.integers(0, len(male_given), size)],
    )
    return np.array(
        [f"{f} {m} {g}" for f, m, g in zip(family, middle, given)], dtype=object
    )


def company_names(rng: np.random.Generator, count: int) -> list[str]:
    """Return `count` distinct fictional company names."""
    names: list[str] = []
    while len(names) < count:
        name = " ".join(
            (
                COMPANY_FORMS[rng.integers(len(COMPANY_FORMS))],
                COMPANY_TRADES[rng.integers(len(COMPANY_TRADES))],
                COMPANY_WORDS[rng.integers(len(COMPANY_WORDS))],
            )
        )
        if nfc(name) not in names:
            names.append(nfc(name))
    return names
