"""Checking an exchange file against the schema, naming each error's line.

libxml2 validates a streamed document without line numbers, and reports a
syntax error met after a schema error as "no element found". So the file
is checked in one streamed pass of its own: well-formedness first (line
and column), then each record (ThongTinChung, CaNhan, DC_ThuaDat, ...)
against its global declaration in the schema, with the record's lines,
the place of every element between records, and the identifiers and
references between records (`references`). What else only the whole
document shows (the order and number of the collections, the root's
attribute) is validated while the file is read (`reader`), and reported
without a line.
"""

from dataclasses import dataclass
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

from lis.exchange.errors import ImportRefusedError
from lis.exchange.national_xml import parsing
from lis.exchange.national_xml.errors import SchemaInvalidError
from lis.exchange.national_xml.references import References
from lis.exchange.national_xml.schema import (
    COLLECTIONS,
    GML,
    HEADER,
    PARCEL,
    RECORDS,
    ROOT,
    SCHEMA_NAME,
    exchange_schema,
)

MAX_LISTED_ERRORS = 20
_PARENT_OF = {HEADER: ROOT, **{record: c for c, record in COLLECTIONS.items()}}
_CHILDREN_OF = {
    ROOT: {HEADER, *COLLECTIONS},
    **{c: {r} for c, r in COLLECTIONS.items()},
}


@dataclass(frozen=True)
class FileFacts:
    size: int
    parcels: int
    srs_name: str | None
    encoding: str


def schema_message(entry) -> str:
    """libxml2's message as a report line: "element 'x': ...", no full stop."""
    text = entry.message.strip().rstrip(".")
    if text.startswith("Element "):
        text = "element " + text[len("Element ") :]
    return text


def refuse(errors: list[str], more: bool = False) -> SchemaInvalidError:
    lines = errors[:MAX_LISTED_ERRORS]
    if more or len(errors) > MAX_LISTED_ERRORS:
        lines.append(_("(further errors not listed)"))
    message = _("The file does not follow the exchange schema %(schema)s:") % {
        "schema": SCHEMA_NAME
    }
    return SchemaInvalidError("\n".join([message, *lines]), errors=errors)


class _Scan:
    def __init__(self) -> None:
        self.schema = exchange_schema()
        self.errors: list[str] = []
        self.parcels = 0
        self.srs_name: str | None = None
        self.checked_root = False
        self.references = References(self.error)

    def full(self) -> bool:
        return len(self.errors) > MAX_LISTED_ERRORS

    def error(self, line: int | None, message: str) -> None:
        self.errors.append(
            _("line %(line)s: %(message)s") % {"line": line, "message": message}
        )

    def root(self, element) -> None:
        parsing.refuse_declared_type(element)
        root = element.getroottree().getroot()
        self.check_root(root)
        self.checked_root = True

    def check_root(self, root) -> None:
        if root.tag != ROOT:
            self.error(
                root.sourceline,
                _("the root element is '%(found)s'; an exchange file's is '%(root)s'")
                % {"found": root.tag, "root": ROOT},
            )
            raise refuse(self.errors)

    def unexpected(self, element, parent) -> None:
        self.error(
            element.sourceline,
            _("element '%(element)s' is not expected inside '%(parent)s'")
            % {"element": element.tag, "parent": parent.tag},
        )

    def siblings_before(self, element) -> None:
        """Elements between two handled records are out of place."""
        parent = element.getparent()
        allowed = _CHILDREN_OF.get(parent.tag, set())
        for sibling in element.itersiblings(preceding=True):
            if isinstance(sibling.tag, str) and sibling.tag not in allowed:
                self.unexpected(sibling, parent)

    def record(self, element) -> None:
        self.placed(element, _PARENT_OF[element.tag])
        valid = self.schema.validate(element)
        for entry in [] if valid else self.schema.error_log:
            self.error(entry.line, schema_message(entry))
        self.references.check(element, valid)
        if element.tag == PARCEL:
            self.parcels += 1
            if self.srs_name is None:
                surface = element.find(f"hinhThua/{GML}MultiSurface")
                if surface is not None:
                    self.srs_name = surface.get("srsName")
        parsing.release(element)

    def placed(self, element, parent_tag: str) -> None:
        parent = element.getparent()
        if parent.tag != parent_tag:
            self.unexpected(element, parent)
        self.siblings_before(element)

    def container(self, element) -> None:
        if element.tag != ROOT:
            self.placed(element, ROOT)
        allowed = _CHILDREN_OF[element.tag]
        for child in element:
            if isinstance(child.tag, str) and child.tag not in allowed:
                self.unexpected(child, element)
        if element.tag != ROOT:
            parsing.release(element)


def inspect_file(path: Path, progress: parsing.Progress) -> FileFacts:
    """Check the file's safety, well-formedness and records; count parcels.

    Raises `UnsafeXMLError`, `MalformedXMLError` or `SchemaInvalidError`.
    """
    size = parsing.check_size(path)
    parsing.refuse_document_type(path)
    scan = _Scan()
    stream = parsing.CountingStream(path, "validate", size, progress)
    context = parsing.iterparse(stream, tags=[*RECORDS, *COLLECTIONS, ROOT])
    try:
        for _event, element in context:
            if not scan.checked_root:
                scan.root(element)
            if element.tag in _PARENT_OF:
                scan.record(element)
            else:
                scan.container(element)
            if scan.full():
                raise refuse(scan.errors, more=True)
    except etree.XMLSyntaxError as err:
        raise parsing.malformed(err) from err
    finally:
        stream.close()
    if not scan.checked_root:
        scan.check_root(context.root)
    scan.references.finish()
    if scan.errors:
        raise refuse(scan.errors)
    return FileFacts(
        size=size,
        parcels=scan.parcels,
        srs_name=scan.srs_name,
        encoding=context.root.getroottree().docinfo.encoding or "UTF-8",
    )


def validate_file(path: Path, progress: parsing.Progress) -> FileFacts:
    """Validate a file against the whole schema: records, then the document."""
    facts = inspect_file(path, progress)
    etree.clear_error_log()
    with path.open("rb") as stream:
        try:
            for _event, element in parsing.iterparse(
                stream, tags=RECORDS, schema=exchange_schema()
            ):
                parsing.release(element)
        except etree.XMLSyntaxError as err:
            raise whole_document_error(err) from err
    return facts


def whole_document_error(err: etree.XMLSyntaxError) -> ImportRefusedError:
    """The error of a streamed validation of the whole document."""
    errors = [
        schema_message(entry)
        for entry in err.error_log
        if entry.domain_name == "SCHEMASV"
    ]
    return refuse(errors) if errors else parsing.malformed(err)
