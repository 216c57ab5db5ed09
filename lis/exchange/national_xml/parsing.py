"""Opening exchange files safely.

An exchange file comes from outside the land office. Three layers keep a
hostile one harmless:

1. a size limit, checked before a byte is parsed;
2. defusedxml (expat) reads the prolog and refuses any document type
   declaration outright: no DTD means no entity to expand (billion
   laughs), no external entity (file:///etc/passwd, http://...) and no
   external DTD to fetch;
3. lxml then parses with entity resolution, DTD loading and the network
   off and libxml2's limits for huge documents on, in case the first
   layer ever lets a declaration through.

XInclude is never processed (nothing calls `xinclude()`), and an include
element is refused by the schema like any unknown element.
"""

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import ElementTree as defused
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _
from lxml import etree

from lis.exchange.national_xml.errors import MalformedXMLError, UnsafeXMLError

# Larger than any province's cadastre in one file; the limit needs no
# setting.
MAX_FILE_BYTES = 2 * 1024**3

LXML_OPTIONS = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "collect_ids": False,
    "remove_comments": True,
    "remove_pis": True,
}

Progress = Callable[[str, int, int], None]


def check_size(path: Path) -> int:
    """Return the file's size, or refuse it if empty or over the limit."""
    size = path.stat().st_size
    if size == 0:
        raise MalformedXMLError(_("The file is empty."))
    if size > MAX_FILE_BYTES:
        raise UnsafeXMLError(
            _(
                "The file has %(size)d bytes; an exchange file may have at most"
                " %(limit)d."
            )
            % {"size": size, "limit": MAX_FILE_BYTES}
        )
    return size


def refuse_document_type(path: Path) -> None:
    """Refuse a DOCTYPE (and so every entity) before lxml sees the file."""
    with path.open("rb") as stream:
        events = defused.iterparse(
            stream,
            events=("start",),
            forbid_dtd=True,
            forbid_entities=True,
            forbid_external=True,
        )
        try:
            # A document type can only come before the root element.
            next(events, None)
        except DefusedXmlException as err:
            raise UnsafeXMLError(
                _(
                    "The file declares a document type (<!DOCTYPE ...>): exchange"
                    " files must not, since a DTD can expand entities or read other"
                    " files."
                )
            ) from err
        except ParseError:
            # Not XML to expat: lxml, with its entity and network guards,
            # names the fault with libxml2's clearer words.
            return


def refuse_declared_type(element) -> None:
    """Second layer: refuse a document type lxml did see."""
    info = element.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.system_url:
        raise UnsafeXMLError(
            _(
                "The file declares a document type (<!DOCTYPE ...>): exchange"
                " files must not, since a DTD can expand entities or read other"
                " files."
            )
        )


def malformed(err: etree.XMLSyntaxError) -> MalformedXMLError:
    """The parser's complaint with its line and column, without server paths."""
    entry = err.error_log.last_error if err.error_log else None
    if entry is not None and entry.line:
        line, column, message = entry.line, entry.column, entry.message
    else:
        (line, column), message = err.position, err.msg
    return MalformedXMLError(
        _(
            "The file is not well-formed XML: line %(line)d, column %(column)d:"
            " %(reason)s"
        )
        % {"line": line, "column": column, "reason": message.strip()}
    )


class CountingStream(io.RawIOBase):
    """A file read by the parser, reporting progress by bytes read."""

    def __init__(self, path: Path, phase: str, total: int, progress: Progress):
        self._file = path.open("rb")
        self._phase = phase
        self._total = total
        self._progress = progress
        self._done = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = self._file.read(size)
        self._done += len(data)
        self._progress(self._phase, self._done, self._total)
        return data

    def close(self) -> None:
        self._file.close()
        super().close()


def iterparse(stream, *, tags: list[str], schema=None) -> Iterator:
    """Yield (event, element) at the end of each element named in `tags`."""
    return etree.iterparse(
        stream, events=("end",), tag=tags, schema=schema, **LXML_OPTIONS
    )


def release(element) -> None:
    """Free a handled element and the siblings handled before it."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]
