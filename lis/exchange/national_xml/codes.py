"""Our code values and the exchange file's, both ways [U: invented names]."""

from lis.cadastre.models import CertificateStatus, DocumentKind, LandUserKind

DOCUMENT_KIND_CODES = {
    DocumentKind.CMND: "CMND",
    DocumentKind.CCCD: "CCCD",
    DocumentKind.PASSPORT: "HoChieu",
    DocumentKind.BUSINESS_REGISTRATION: "MaSoDoanhNghiep",
    DocumentKind.OTHER: "Khac",
}
DOCUMENT_KINDS = {code: kind for kind, code in DOCUMENT_KIND_CODES.items()}

CERTIFICATE_STATUS_CODES = {
    CertificateStatus.VALID: "ConHieuLuc",
    CertificateStatus.CANCELLED: "DaHuy",
    CertificateStatus.REPLACED: "DaThayThe",
}
IN_FORCE = CERTIFICATE_STATUS_CODES[CertificateStatus.VALID]

# Land users written as ToChuc; the others are CaNhan.
ORGANISATION_KINDS = {LandUserKind.ORGANISATION, LandUserKind.COMMUNITY}
