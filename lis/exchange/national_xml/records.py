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
        self._count_unread(element)
        handler(element)

    def _count_unread(self, element) -> None:
        for child in element.iter():
            unread = UNREAD.get(child.tag, ())
            for name in unread:
                if text(child, name) is not None:
                    self.unread[f"{child.tag}/{name}"] += 1

    def _documents(self, element, collection: str, kind: str) -> tuple:
        return tuple(
            DocumentRecord(kind=text(doc, kind), number=text(doc, "soGiayTo"))
            for doc in element.iterfind(collection)
        )

    def _person(self, element) -> None:
        ident = text(element, "caNhanID")
        self.holders[ident] = HolderRecord(
            ident=ident,
            organisation=False,
            name=text(element, "hoTen"),
            birth_year=text(element, "namSinh"),
            object_code=text(element, "maDoiTuongSuDung"),
            documents=self._documents(
                element, "GiayToTuyThanCollection/GiayToTuyThan", "loaiGiayToTuyThan"
            ),
        )

    def _organisation(self, element) -> None:
        ident = text(element, "toChucID")
        self.holders[ident] = HolderRecord(
            ident=ident,
            organisation=True,
            name=text(element, "tenToChuc"),
            birth_year=None,
            object_code=text(element, "maDoiTuongSuDung"),
            documents=self._documents(
                element, "GiayToToChucCollection/GiayToToChuc", "loaiGiayTo"
            ),
        )

    def _couple(self, element) -> None:
        self.couples[text(element, "voChongID")] = (
            text(element, "voID"),
            text(element, "chongID"),
        )

    def _certificate(self, element) -> None:
        ident = text(element, "giayChungNhanID")
        self.certificates[ident] = CertificateRecord(
            ident=ident,
            serial=text(element, "soPhatHanh"),
            register_number=text(element, "soVaoSo"),
            issue_date=text(element, "ngayCap"),
            status=text(element, "trangThai"),
        )

    def _right(self, element) -> None:
        self.rights[text(element, "thuaDatID")].append(
            RightRecord(
                holder=text(element, "doiTuongID"),
                certificate=text(element, "giayChungNhanID"),
                share=text(element, "tyLe"),
            )
        )

    def _dossier(self, element) -> None:
        self.dossiers += 1

    def holders_of(self, right: RightRecord) -> list[HolderRecord | None]:
        """The persons or organisations a right names; a couple is two persons.

        None stands for an identifier the file does not define (the schema
        refuses such a file when the whole of it has been read).
        """
        idents = self.couples.get(right.holder, (right.holder,))
        return [self.holders.get(ident) for ident in idents]
