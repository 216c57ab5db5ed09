"""Land users, couples, certificates and rights of an exchange file.

They come before the parcels in the file, and are kept in memory (as
small records, by their file identifiers) until the parcels that cite
them are read.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass


def text(element, path: str) -> str | None:
    """The stripped text of a child, or None when absent or empty."""
    found = element.findtext(path)
    if found is None:
        return None
    return found.strip() or None


def children(element) -> dict[str, str | None]:
    """The stripped texts of an element's children, by tag (one pass)."""
    return {
        child.tag: (child.text or "").strip() or None
        for child in element
        if isinstance(child.tag, str)
    }


@dataclass(frozen=True)
class DocumentRecord:
    kind: str  # LoaiGiayTo code
    number: str


@dataclass(frozen=True)
class HolderRecord:
    ident: str
    organisation: bool  # a ToChuc (organisation or community), else a CaNhan
    name: str
    birth_year: str | None
    object_code: str | None
    documents: tuple[DocumentRecord, ...]


@dataclass(frozen=True)
class CertificateRecord:
    ident: str
    serial: str
    register_number: str | None
    issue_date: str
    status: str | None


@dataclass(frozen=True)
class RightRecord:
    holder: str
    certificate: str | None
    share: str | None


# Facts the parcel importer's candidates do not carry, counted so that the
# import report says what it left out. TODO(#3): record them once the
# land-register import carries identity documents' dates and issuers, land
# users' addresses, rights' origins and certificates' issuers, and the
# cadastre keeps sexes, certificate codes, barcodes and signers.
UNREAD = {
    "CaNhan": ("gioiTinh", "diaChi"),
    "ToChuc": ("diaChi",),
    "GiayToTuyThan": ("ngayCap", "noiCap", "maDinhDanhCaNhan"),
    "GiayToToChuc": ("ngayCap", "noiCap"),
    "GiayChungNhan": (
        "MaGiayChungNhan",
        "maVach",
        "nguoiKy",
        "soVaoSoCu",
        "coQuanCap",
    ),
    "QuyenSuDungDat": ("nguonGoc",),
}


class Register:
    """What the parcels of the file refer to, by file identifier."""

    def __init__(self) -> None:
        self.holders: dict[str, HolderRecord] = {}
        self.couples: dict[str, tuple[str, str]] = {}
        self.certificates: dict[str, CertificateRecord] = {}
        self.rights: dict[str, list[RightRecord]] = defaultdict(list)
        self.unread: Counter = Counter()
        self.dossiers = 0

    def add(self, element) -> None:
        """Keep one record element (CaNhan, ToChuc, VoChong, ...)."""
        handler = {
            "CaNhan": self._person,
            "ToChuc": self._organisation,
            "VoChong": self._couple,
            "GiayChungNhan": self._certificate,
            "QuyenSuDungDat": self._right,
            "HoSoDangKyDatDai": self._dossier,
        }[element.tag]
        values = children(element)
        self._count_unread(element.tag, values)
        handler(element, values)

    def _count_unread(self, tag: str, values: dict) -> None:
        for name in UNREAD.get(tag, ()):
            if values.get(name) is not None:
                self.unread[f"{tag}/{name}"] += 1

    def _documents(self, element, collection: str, kind: str) -> tuple:
        documents = []
        for document in element.iterfind(collection):
            values = children(document)
            self._count_unread(document.tag, values)
            documents.append(
                DocumentRecord(kind=values[kind], number=values["soGiayTo"])
            )
        return tuple(documents)

    def _person(self, element, values: dict) -> None:
        ident = values["caNhanID"]
        self.holders[ident] = HolderRecord(
            ident=ident,
            organisation=False,
            name=values["hoTen"],
            birth_year=values.get("namSinh"),
            object_code=values.get("maDoiTuongSuDung"),
            documents=self._documents(
                element, "GiayToTuyThanCollection/GiayToTuyThan", "loaiGiayToTuyThan"
            ),
        )

    def _organisation(self, element, values: dict) -> None:
        ident = values["toChucID"]
        self.holders[ident] = HolderRecord(
            ident=ident,
            organisation=True,
            name=values["tenToChuc"],
            birth_year=None,
            object_code=values.get("maDoiTuongSuDung"),
            documents=self._documents(
                element, "GiayToToChucCollection/GiayToToChuc", "loaiGiayTo"
            ),
        )

    def _couple(self, element, values: dict) -> None:
        self.couples[values["voChongID"]] = (values["voID"], values["chongID"])

    def _certificate(self, element, values: dict) -> None:
        ident = values["giayChungNhanID"]
        self.certificates[ident] = CertificateRecord(
            ident=ident,
            serial=values["soPhatHanh"],
            register_number=values.get("soVaoSo"),
            issue_date=values["ngayCap"],
            status=values.get("trangThai"),
        )

    def _right(self, element, values: dict) -> None:
        self.rights[values["thuaDatID"]].append(
            RightRecord(
                holder=values["doiTuongID"],
                certificate=values.get("giayChungNhanID"),
                share=values.get("tyLe"),
            )
        )

    def _dossier(self, element, values: dict) -> None:
        self.dossiers += 1

    def holders_of(self, right: RightRecord) -> list[HolderRecord | None]:
        """The persons or organisations a right names; a couple is two persons.

        None stands for an identifier the file does not define (the schema
        refuses such a file when the whole of it has been read).
        """
        idents = self.couples.get(right.holder, (right.holder,))
        return [self.holders.get(ident) for ident in idents]
