"""What an uploaded workbook may cost, checked before any of it is parsed.

A .xlsx file is a zip of XML parts, and what reading it costs depends on what is inside, not
on the size of the upload: a 1 MB file can hold a 1 GB sheet, a million rows, millions of
shared strings, or elements that the XML parser keeps until the end of a part. So before
openpyxl sees a file, Rumbo:

1. reads the zip's directory: the number of parts, each part's uncompressed size, their total
   and each part's compression ratio (sizes as the zip declares them, which is all that
   Python's zipfile ever gives back: it stops at the declared size and checks the CRC);
2. streams each XML part once through a byte-level scanner (``bytes.count`` and regular
   expressions over 1 MiB chunks; no tree is built) that counts what the parser would hold:
   rows, cells and elements per row in sheets, entries in the shared strings, and the
   elements outside rows, which openpyxl keeps until it reaches the end of the part.

Anything over a limit is refused with a message that names the limit. Measured on Rumbo's own
export of 100,000 rows (``write_matrix``, 16 columns): the sheet's XML is 101.9 MB
(1,019 bytes a row), 9.5 MB compressed (10.7:1), 1.55 million cells, 4.35 million elements;
scanning it takes about 2 s, against 80–130 s for the import preview itself. The same rows
saved by openpyxl compress 11.0:1, a 20,000 × 16 block of styled empty cells 15.8:1, and
200,000 empty rows with a style (a sheet formatted far down) 28:1.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl.utils import range_boundaries

MB = 1024 * 1024
CHUNK = MB


class WorkbookError(Exception):
    """The file as a whole cannot be read (not a workbook, no matrix sheet, missing columns)."""


class LimitExceeded(WorkbookError):
    """The file is a workbook, but reading it would cost more than Rumbo allows."""


@dataclass(frozen=True)
class Limits:
    # Rumbo's export has 10 parts; a workbook with many sheets, images and charts, hundreds.
    parts: int = 1_000
    # The zip's directory is read whole by zipfile: 1 MiB holds over 10,000 entries.
    directory_bytes: int = MB
    # A sheet or the shared strings, uncompressed: 200,000 rows (the row limit) of the
    # export at the measured 1,019 bytes a row are 204 MB.
    part_bytes: int = 256 * MB
    total_bytes: int = 320 * MB
    # Any other XML part (styles, workbook, drawings, charts) is parsed whole: a few MB at most
    # in real files.
    other_part_bytes: int = 16 * MB
    # Real sheets compress 10–28:1 (measured above); XML repeated to fill memory, up to
    # 1,000:1. At 100:1 a 1 MB upload brings at most 100 MB of XML: a sheet of long texts
    # compressed 80:1 was measured at 110 MB read in full (test_upload_limits.py).
    # Checked on parts over 1 MiB: a small part may compress well without costing anything.
    ratio: int = 100
    ratio_floor: int = MB
    rows: int = 200_000
    # 200,000 rows of 20 columns (the export has 16: 1.55 million cells in 100,000 rows).
    cells: int = 4_000_000
    # Inside one row: an export row has at most 49 (16 cells of 3 elements); a row with rich
    # text runs, a few hundred. openpyxl holds one row at a time.
    row_elements: int = 50_000
    # Outside rows (in a sheet) or in a part without rows, which the parser keeps: the
    # export's sheet has 32; merged cells, column widths and validations add thousands.
    loose_elements: int = 50_000
    # Text and attributes outside rows: openpyxl turns a list of ranges (`sqref`) into
    # about 36 bytes of objects per byte.
    loose_bytes: int = MB
    merges: int = 10_000
    # Distinct texts of the workbook (a 200,000-row matrix saved by Excel has about 600,000).
    shared_strings: int = 1_000_000
    # One tag with its attributes.
    tag_bytes: int = MB


IMPORT_LIMITS = Limits()


@dataclass
class PartScan:
    name: str
    root: str = ""
    rows: int = 0
    last_row: int = 0
    cells: int = 0
    strings: int = 0
    loose_elements: int = 0
    loose_bytes: int = 0
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class WorkbookScan:
    parts: dict[str, PartScan] = field(default_factory=dict)

    def part(self, name: str) -> PartScan | None:
        return self.parts.get(name)


def _mb(n: int) -> str:
    return f"{n / MB:,.0f} MB"


def _too_large(message: str, *, hint: bool = True) -> LimitExceeded:
    if hint:
        message += " " + _("Split the workbook, or save it again as .xlsx with only the matrix.")
    return LimitExceeded(message)


def _too_many_strings(limits: Limits) -> LimitExceeded:
    return _too_large(
        _("The workbook has more than %(n)s different texts.") % {"n": f"{limits.shared_strings:,}"}
    )


def unreadable(error: str = "XML") -> WorkbookError:
    """A workbook that cannot be read; `error` names what failed (the XML, or an error's
    class)."""
    return WorkbookError(
        _("This workbook cannot be read (%(error)s). Save it again as .xlsx and retry.")
        % {"error": error}
    )


def not_a_workbook() -> WorkbookError:
    return WorkbookError(
        _("This file is not an Excel workbook (.xlsx). Save it as .xlsx and try again.")
    )


# -- the zip's directory ------------------------------------------------------------------------
_EOCD = b"PK\x05\x06"


def _directory_size(fp: IO[bytes]) -> int | None:
    """The size of the zip's central directory, from the end record that zipfile will use
    (found the same way: at the very end, or else the last one in the final 64 KiB)."""
    fp.seek(0, 2)
    size = fp.tell()
    if size < 22:
        return None
    fp.seek(size - 22)
    record = fp.read(22)
    if not (record.startswith(_EOCD) and record[-2:] == b"\x00\x00"):
        fp.seek(max(0, size - 22 - 65_535))
        tail = fp.read()
        at = tail.rfind(_EOCD)
        if at < 0 or len(tail) - at < 22:
            return None
        record = tail[at : at + 22]
    return int.from_bytes(record[12:16], "little")


def _check_directory(zf: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    infos = zf.infolist()
    if len(infos) > limits.parts:
        raise _too_large(_("The workbook has more than %(n)s parts.") % {"n": f"{limits.parts:,}"})
    total = 0
    for info in infos:
        size = info.file_size
        total += size
        if size > limits.part_bytes:
            raise _too_large(
                _("A part of the workbook is larger than %(size)s once uncompressed.")
                % {"size": _mb(limits.part_bytes)}
            )
        if size > limits.ratio_floor and size > limits.ratio * max(info.compress_size, 1):
            raise _too_large(
                _(
                    "A part of the workbook is compressed more than %(ratio)s to 1, as no "
                    "spreadsheet is."
                )
                % {"ratio": limits.ratio}
            )
    if total > limits.total_bytes:
        raise _too_large(
            _("The workbook is larger than %(size)s once uncompressed.")
            % {"size": _mb(limits.total_bytes)}
        )
    return infos


# -- the XML parts ------------------------------------------------------------------------------
_NAME = rb"(?:[A-Za-z_][\w.\-]*:)?"
_ROOT_RE = re.compile(rb"<" + _NAME + rb"([A-Za-z_][\w.\-]*)")
# A complete start tag, attribute values quoted (they may hold ">" but never "<").
_START_TAG_RE = re.compile(
    rb"<[^\s<>/!?=\"']+(?:\s+[^\s<>/=\"']+\s*=\s*(?:\"[^\"<]*\"|'[^'<]*'))*\s*(/?)>"
)


def _tag_patterns(name: bytes) -> tuple[re.Pattern[bytes], re.Pattern[bytes], re.Pattern[bytes]]:
    """Start or end tags of an element: without a namespace prefix (fast: the common case),
    with any prefix (used on a chunk only when the prefixed form appears in it), and the
    test for that."""
    return (
        re.compile(rb"<(/?)" + name + rb"(?=[\s/>])"),
        re.compile(rb"<(/?)" + _NAME + name + rb"(?=[\s/>])"),
        re.compile(rb":" + name + rb"[\s/>]"),
    )


_CELL = _tag_patterns(b"c")
_MERGE_RE = re.compile(
    rb"<" + _NAME + rb"mergeCell\s[^<>]*?\bref\s*=\s*[\"']([A-Z]{1,3}\d+:[A-Z]{1,3}\d+)[\"']"
)
_ROW_NUMBER_RE = re.compile(rb"\sr\s*=\s*[\"'](\d{1,9})[\"']")
_REGION = {name: _tag_patterns(name) for name in (b"row", b"si")}
# Parts whose repeated element openpyxl reads and clears one at a time.
_REGION_OF_ROOT = {b"worksheet": b"row", b"dialogsheet": b"row", b"sst": b"si"}
_SPECIALS = ((b"<!--", b"-->"), (b"<![CDATA[", b"]]>"), (b"<?", b"?>"))
# A shared string as Excel writes most of them: counted in bulk, not one by one.
_SIMPLE_SI_RE = re.compile(rb"<si><t(?:\s+xml:space=\"preserve\")?>[^<]*</t></si>")


def _find(
    patterns: tuple[re.Pattern[bytes], ...], buf: bytes, start: int, end: int
) -> list[re.Match[bytes]]:
    plain, prefixed, has_prefix = patterns
    pattern = prefixed if has_prefix.search(buf, start, end) else plain
    return list(pattern.finditer(buf, start, end))


def _count_tags(
    patterns: tuple[re.Pattern[bytes], ...], tag: bytes, buf: bytes, start: int, end: int
) -> int:
    """Start tags of an element (`tag` is "<" and its name), counted at C speed unless a
    prefixed form appears."""
    _plain, prefixed, has_prefix = patterns
    if has_prefix.search(buf, start, end):
        return sum(1 for m in prefixed.finditer(buf, start, end) if not m.group(1))
    return sum(buf.count(tag + c, start, end) for c in (b" ", b">", b"/", b"\t", b"\n", b"\r"))


def _looks_like_xml(head: bytes) -> bool:
    """Whether a parser would take this part for XML (then it is scanned as XML)."""
    return head.lstrip(b" \t\r\n\xef\xbb\xbf")[:1] == b"<" or not head.strip()


class _PartScanner:
    """Counts what one XML part holds, fed in chunks. Every "<" outside comments, CDATA and
    processing instructions starts a tag (XML allows "<" nowhere else), so tags are counted
    with ``bytes.count`` and found with regular expressions, never parsed one by one."""

    def __init__(self, name: str, limits: Limits, size: int) -> None:
        self.limits = limits
        self.size = size
        self.scan = PartScan(name)
        self.carry = b""
        self.closer = b""  # inside a comment, CDATA or instruction: what ends it
        self.region: tuple[re.Pattern[bytes], ...] | None = None
        self.depth = 0  # of the region element (row or si)
        self.region_elements = 0
        self.started = False

    # -- limits ---------------------------------------------------------------------------------
    def _loose(self, buf: bytes, start: int, end: int) -> None:
        s, lim = self.scan, self.limits
        elements = self._count(buf, start, end)
        s.loose_elements += elements
        if elements and s.root == "worksheet":
            # Whitespace between tags is not kept; tags and text are.
            spaces = sum(buf.count(c, start, end) for c in (b" ", b"\n", b"\r", b"\t"))
            s.loose_bytes += end - start - spaces
            self._merges(buf, start, end)
        if s.loose_elements > lim.loose_elements:
            raise _too_large(
                _("A part of the workbook has more than %(n)s elements outside its rows.")
                % {"n": f"{lim.loose_elements:,}"}
            )
        if s.loose_bytes > lim.loose_bytes:
            raise _too_large(
                _("A sheet has more than %(size)s of settings outside its rows.")
                % {"size": _mb(lim.loose_bytes)}
            )

    def _in_region(self, elements: int) -> None:
        self.region_elements += elements
        if self.region_elements > self.limits.row_elements:
            raise _too_large(
                _("A row of the workbook has more than %(n)s elements.")
                % {"n": f"{self.limits.row_elements:,}"}
            )

    def _open_region(self, buf: bytes, at: int, end: int) -> None:
        s, lim = self.scan, self.limits
        self.region_elements = 0
        if s.root == "sst":
            s.strings += 1
            if s.strings > lim.shared_strings:
                raise _too_many_strings(lim)
            return
        s.rows += 1
        if s.rows > lim.rows:
            raise _too_large(
                _("The sheet has more than %(n)s rows; split it and import each part.")
                % {"n": f"{lim.rows:,}"},
                hint=False,
            )
        number = _ROW_NUMBER_RE.search(buf, at, end)
        # As openpyxl numbers rows: the `r` attribute, or one after the previous row.
        s.last_row = int(number.group(1)) if number else s.last_row + 1

    # -- tags -----------------------------------------------------------------------------------
    def _count(self, buf: bytes, start: int, end: int) -> int:
        return buf.count(b"<", start, end) - buf.count(b"</", start, end)

    def _tags(self, buf: bytes, start: int, end: int) -> None:
        """Tags in buf[start:end], which holds whole tags only (and no comment)."""
        if start >= end:
            return
        s = self.scan
        if not self.started:
            root = _ROOT_RE.search(buf, start, end)
            if root is None:
                return  # whitespace before the root element
            self.started = True
            s.root = root.group(1).decode("ascii", "replace")
            region = _REGION_OF_ROOT.get(root.group(1))
            self.region = _REGION[region] if region else None
            if self.region is None and self.size > self.limits.other_part_bytes:
                raise _too_large(
                    _("A part of the workbook is larger than %(size)s once uncompressed.")
                    % {"size": _mb(self.limits.other_part_bytes)}
                )
        if s.root == "worksheet":
            s.cells += _count_tags(_CELL, b"<c", buf, start, end)
            if s.cells > self.limits.cells:
                raise _too_large(
                    _("The sheet has more than %(n)s cells.") % {"n": f"{self.limits.cells:,}"}
                )
        if self.region is None:
            self._loose(buf, start, end)
            return
        if s.root == "sst":
            if self.depth:
                # The entry left open by the previous chunk, to its end.
                close = buf.find(b"</si>", start, end)
                if close >= 0:
                    self._regions(buf, start, close + 5)
                    start = close + 5
            if self.depth == 0:
                # Plain entries, up to the last one that starts here, are counted in bulk
                # when nothing else opens an entry among them (none can hide in another).
                last = buf.rfind(b"<si", start, end)
                last = last if last >= 0 else end
                rest, simple = _SIMPLE_SI_RE.subn(b"", buf[start:last])
                if simple and self.region[1].search(rest) is None:
                    s.strings += simple
                    if s.strings > self.limits.shared_strings:
                        raise _too_many_strings(self.limits)
                    self._loose(rest, 0, len(rest))
                    start = last
        self._regions(buf, start, end)

    def _regions(self, buf: bytes, start: int, end: int) -> None:
        """Tags in buf[start:end] of a part made of regions (rows or shared strings)."""
        if self.region is None:
            return
        pos = start
        for match in _find(self.region, buf, start, end):
            at = match.start()
            if self.depth:
                self._in_region(self._count(buf, pos, at))
            else:
                self._loose(buf, pos, at)
            if match.group(1):  # an end tag
                self.depth = max(self.depth - 1, 0)
                pos = at + 1
                continue
            tag = _START_TAG_RE.match(buf, at)
            if tag is None:
                raise unreadable()
            if self.depth == 0:
                self._open_region(buf, at, tag.end())
            if self.depth:
                self._in_region(1)
            if not tag.group(1):  # not self-closing
                self.depth += 1
            pos = tag.end()
        if self.depth:
            self._in_region(self._count(buf, pos, end))
        else:
            self._loose(buf, pos, end)

    def _merges(self, buf: bytes, start: int, end: int) -> None:
        found = _MERGE_RE.findall(buf, start, end)
        if not found:
            return
        merges = self.scan.merges
        if len(merges) + len(found) > self.limits.merges:
            raise _too_large(
                _("A sheet has more than %(n)s merged ranges.") % {"n": f"{self.limits.merges:,}"}
            )
        for ref in found:
            merges.append(range_boundaries(ref.decode("ascii")))

    # -- chunks ---------------------------------------------------------------------------------
    def feed(self, chunk: bytes, final: bool = False) -> None:
        buf = self.carry + chunk
        self.carry = b""
        pos = 0
        while pos < len(buf):
            if self.closer:
                end = buf.find(self.closer, pos)
                if end < 0:
                    keep = len(self.closer) - 1
                    self.carry = buf[max(pos, len(buf) - keep) :] if not final else b""
                    if final:
                        raise unreadable()
                    return
                pos = end + len(self.closer)
                self.closer = b""
                continue
            lt = buf.find(b"<!", pos)
            q = buf.find(b"<?", pos)
            special = min((i for i in (lt, q) if i >= 0), default=-1)
            if special < 0:
                cut = len(buf) if final else self._whole_tags_end(buf, pos)
                self._tags(buf, pos, cut)
                self.carry = buf[cut:]
                return
            self._tags(buf, pos, special)
            head = buf[special : special + 9]
            for opener, closer in _SPECIALS:
                if head.startswith(opener):
                    self.closer = closer
                    pos = special + len(opener)
                    break
            else:
                if not final and len(buf) - special < 9:
                    self.carry = buf[special:]
                    return
                # A document type declaration (entities that expand into elements) or other
                # markup that spreadsheets never hold.
                raise unreadable()

    def _whole_tags_end(self, buf: bytes, pos: int) -> int:
        """Where the complete tags of buf end: before its last "<", unless that tag is
        complete too."""
        last = buf.rfind(b"<", pos)
        if last < 0:
            return len(buf)
        if len(buf) - last > self.limits.tag_bytes:
            raise unreadable()
        tag = _START_TAG_RE.match(buf, last)
        if tag is not None:
            return len(buf)
        end_tag = buf.find(b">", last)
        if buf.startswith(b"</", last) and end_tag >= 0:
            return len(buf)
        return last


def _scan_part(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> PartScan | None:
    with zf.open(info) as stream:
        head = stream.read(CHUNK)
        if not _looks_like_xml(head[:65_536]):
            return None  # an image or other binary part: openpyxl does not parse it
        if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in head[:4]:
            raise unreadable()  # UTF-16: Excel writes UTF-8, and the scanner reads bytes
        scanner = _PartScanner(info.filename, limits, info.file_size)
        chunk = head
        while chunk:
            scanner.feed(chunk)
            chunk = stream.read(CHUNK)
        scanner.feed(b"", final=True)
    return scanner.scan


def check_workbook(source: Path | str | IO[bytes], limits: Limits = IMPORT_LIMITS) -> WorkbookScan:
    """Refuse a file that is not a workbook or that would cost more than `limits` to read;
    otherwise what it holds, per part (merged ranges of each sheet included)."""
    handle: Any = open(source, "rb") if isinstance(source, Path | str) else source  # noqa: SIM115
    try:
        handle.seek(0)
        if not zipfile.is_zipfile(handle):
            raise not_a_workbook()
        directory = _directory_size(handle)
        if directory is None or directory > limits.directory_bytes:
            raise _too_large(
                _("The workbook has more than %(n)s parts.") % {"n": f"{limits.parts:,}"}
            )
        handle.seek(0)
        try:
            with zipfile.ZipFile(handle) as zf:
                infos = _check_directory(zf, limits)
                scan = WorkbookScan()
                for info in infos:
                    if info.is_dir():
                        continue
                    part = _scan_part(zf, info, limits)
                    if part is not None:
                        scan.parts[info.filename] = part
                return scan
        except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
            raise unreadable(exc.__class__.__name__) from exc
    finally:
        if isinstance(source, Path | str):
            handle.close()
        else:
            handle.seek(0)
