"""Uploads are bounded: a small hostile workbook is refused before it is parsed, quickly and in
little memory, with a message naming the limit; real workbooks still import.

The hostile files are built here, never stored: written as a stream, or (for the zip bomb) as
one deflated block repeated, so that building them costs neither time nor memory. Memory is
measured in a fresh process (its peak resident size, `ru_maxrss`, after and before the read),
so that the figure belongs to that read alone.
"""

from __future__ import annotations

import json
import os
import random
import string
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from rumbo.testing.http import client_for, url
from rumbo.tracking.matrix import MatrixFilters, matrix_queryset, rows
from rumbo.tracking.models import ImportSession
from rumbo.tracking.xlsx.columns import header_labels
from rumbo.tracking.xlsx.limits import IMPORT_LIMITS, LimitExceeded, WorkbookError, check_workbook
from rumbo.tracking.xlsx.writer import write_matrix

ROOT = Path(__file__).resolve().parents[3]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MEMORY_BOUND_MB = 200
TIME_BOUND_S = 10.0


# -- building workbooks ---------------------------------------------------------------------------
@dataclass
class Repeated:
    """A part made of `head`, then `block` `times` over, then `tail`."""

    head: bytes
    block: bytes
    times: int
    tail: bytes


def _deflate(data: bytes, final: bool) -> bytes:
    # Raw deflate ending on a byte boundary: pieces compressed this way can be concatenated.
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    return co.compress(data) + co.flush(zlib.Z_FINISH if final else zlib.Z_FULL_FLUSH)


def _member(data: bytes | Repeated) -> tuple[int, int, Iterator[bytes]]:
    """(crc, uncompressed size, deflated pieces) of one part."""
    if isinstance(data, bytes):
        return zlib.crc32(data), len(data), iter([_deflate(data, final=True)])
    crc = zlib.crc32(data.head)
    for _ in range(data.times):
        crc = zlib.crc32(data.block, crc)
    crc = zlib.crc32(data.tail, crc)
    size = len(data.head) + len(data.block) * data.times + len(data.tail)
    block = _deflate(data.block, final=False)
    pieces = [_deflate(data.head, final=False), *([block] * data.times), _deflate(data.tail, True)]
    return crc, size, iter(pieces)


def write_zip(path: Path, parts: dict[str, bytes | Repeated]) -> Path:
    """A zip written by hand (deflated parts), so that a repeated part is never held whole."""
    directory = []
    with path.open("wb") as out:
        for name, data in parts.items():
            crc, size, pieces = _member(data)
            encoded = name.encode()
            offset = out.tell()
            out.write(
                struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, 0, 0, 0, len(encoded), 0)
            )
            out.write(encoded)
            start = out.tell()
            for piece in pieces:
                out.write(piece)
            packed = out.tell() - start
            end = out.tell()
            out.seek(offset + 14)
            out.write(struct.pack("<III", crc, packed, size))
            out.seek(end)
            directory.append(
                struct.pack(
                    "<IHHHHHHIIIHHHHHII",
                    0x02014B50,
                    20,
                    20,
                    0,
                    8,
                    0,
                    0,
                    crc,
                    packed,
                    size,
                    len(encoded),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + encoded
            )
        at = out.tell()
        for entry in directory:
            out.write(entry)
        size = out.tell() - at
        n = len(directory)
        out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, size, at, 0))
    return path


def _text_cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


def header_row() -> bytes:
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    cells = b"".join(_text_cell(f"{letters[i]}1", h) for i, h in enumerate(header_labels("es")))
    return b'<row r="1">' + cells + b"</row>"


def sheet_head(last_row: int, extra: bytes = b"") -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{MAIN}">'
        f'<dimension ref="A1:P{last_row}"/>'
    ).encode() + extra


def workbook_parts(sheet: bytes | Repeated, strings: bytes | Repeated | None = None) -> dict:
    types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        + (
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            if strings is not None
            else ""
        )
        + "</Types>"
    )
    rels = (
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
        f'Type="{DOC_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    book = (
        f'<workbook xmlns="{MAIN}" xmlns:r="{DOC_RELS}"><sheets>'
        '<sheet name="Matriz" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    book_rels = (
        f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{DOC_RELS}/worksheet" '
        'Target="worksheets/sheet1.xml"/>'
        + (
            f'<Relationship Id="rId2" Type="{DOC_RELS}/sharedStrings" Target="sharedStrings.xml"/>'
            if strings is not None
            else ""
        )
        + "</Relationships>"
    )
    parts: dict[str, bytes | Repeated] = {
        "[Content_Types].xml": types.encode(),
        "_rels/.rels": rels.encode(),
        "xl/workbook.xml": book.encode(),
        "xl/_rels/workbook.xml.rels": book_rels.encode(),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if strings is not None:
        parts["xl/sharedStrings.xml"] = strings
    return parts


def streamed_zip(path: Path, parts: dict[str, Iterable[bytes] | bytes]) -> Path:
    """A zip written with zipfile, each part streamed in pieces."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, data in parts.items():
            with zf.open(name, "w") as out:
                for piece in [data] if isinstance(data, bytes) else data:
                    out.write(piece)
    return path


def data_rows(first: int, last: int, cells: int = 4) -> Iterator[bytes]:
    """Rows of small numbers, in batches."""
    batch: list[bytes] = []
    for r in range(first, last + 1):
        values = "".join(f'<c r="{chr(65 + c)}{r}"><v>{r % 97 + c}</v></c>' for c in range(cells))
        batch.append(f'<row r="{r}">{values}</row>'.encode())
        if len(batch) == 10_000:
            yield b"".join(batch)
            batch = []
    yield b"".join(batch)


def rows_workbook(path: Path, n: int, *, cells: int = 4, tail: bytes = b"") -> Path:
    parts = workbook_parts(b"")
    sheet = [
        sheet_head(n) + b"<sheetData>" + header_row(),
        *data_rows(2, n, cells),
        b"</sheetData>" + tail + b"</worksheet>",
    ]
    return streamed_zip(path, {**parts, "xl/worksheets/sheet1.xml": sheet})  # type: ignore[dict-item]


# -- the hostile files -----------------------------------------------------------------------------
def zip_bomb(path: Path) -> Path:
    """About 1 MB holding a 1.1 GB sheet: rows of a 64 KiB text, repeated."""
    row = b"<row>" + _text_cell("A2", "x" * 65_536) + b"</row>"
    sheet = Repeated(
        sheet_head(20_000) + b"<sheetData>" + header_row(),
        row * 16,
        1_100,
        b"</sheetData></worksheet>",
    )
    return write_zip(path, workbook_parts(sheet))


def million_rows(path: Path) -> Path:
    return rows_workbook(path, 1_000_000, cells=1)


def many_strings(path: Path) -> Path:
    strings = [
        f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">'.encode(),
        *(
            b"".join(f"<si><t>texto {i}-{j}</t></si>".encode() for j in range(10_000))
            for i in range(120)
        ),
        b"</sst>",
    ]
    sheet = sheet_head(2) + b"<sheetData>" + header_row() + b"</sheetData></worksheet>"
    parts = workbook_parts(sheet, strings=b"")
    return streamed_zip(path, {**parts, "xl/sharedStrings.xml": strings})  # type: ignore[dict-item]


def many_parts(path: Path) -> Path:
    sheet = sheet_head(2) + b"<sheetData>" + header_row() + b"</sheetData></worksheet>"
    parts = workbook_parts(sheet)
    for i in range(IMPORT_LIMITS.parts + 500):
        parts[f"xl/media/image{i}.png"] = b"\x89PNG"
    return write_zip(path, parts)


def loose_elements(path: Path) -> Path:
    """Rows, and between them elements that the parser would keep to the end."""
    junk = b"".join(f'<x a="{i}"/>'.encode() for i in range(100_000))
    parts = workbook_parts(b"")
    sheet = [
        sheet_head(3) + b"<sheetData>" + header_row(),
        *data_rows(2, 2),
        junk,
        *data_rows(3, 3),
        b"</sheetData></worksheet>",
    ]
    return streamed_zip(path, {**parts, "xl/worksheets/sheet1.xml": sheet})  # type: ignore[dict-item]


def wide_row(path: Path) -> Path:
    cells = b"".join(f'<c r="A2"><v>{i}</v></c>'.encode() for i in range(100_000))
    sheet = sheet_head(2) + b"<sheetData>" + header_row() + b'<row r="2">' + cells + b"</row>"
    return write_zip(path, workbook_parts(sheet + b"</sheetData></worksheet>"))


def entities(path: Path) -> Path:
    doctype = b'<!DOCTYPE worksheet [<!ENTITY r "<row><c><v>1</v></c></row>">]>'
    sheet = (
        b'<?xml version="1.0"?>'
        + doctype
        + f'<worksheet xmlns="{MAIN}"><sheetData>'.encode()
        + header_row()
        + b"&r;" * 1000
        + b"</sheetData></worksheet>"
    )
    return write_zip(path, workbook_parts(sheet))


def merge_bomb(path: Path) -> Path:
    """A legitimate-looking sheet whose single merged range covers the whole grid."""
    merged = b'<mergeCells><mergeCell ref="A2:XFD1048576"/></mergeCells>'
    return rows_workbook(path, 1_000, tail=merged)


def long_texts(path: Path) -> Path:
    """About 1 MB of rows whose long texts compress 80:1, just under the ratio limit: the most
    text a small file can bring past the limits (89 MB of XML)."""
    rng = random.Random(1)

    def text_rows() -> Iterator[bytes]:
        for start in range(2, 45_002, 5_000):
            yield b"".join(
                _text_cell(
                    f"E{r}", "".join(rng.choices(string.ascii_letters, k=12)) + "x" * 2_000
                ).join((f'<row r="{r}">'.encode(), b"</row>"))
                for r in range(start, start + 5_000)
            )

    parts = workbook_parts(b"")
    sheet = [
        sheet_head(45_001) + b"<sheetData>" + header_row(),
        *text_rows(),
        b"</sheetData></worksheet>",
    ]
    return streamed_zip(path, {**parts, "xl/worksheets/sheet1.xml": sheet})  # type: ignore[dict-item]


def many_small_rows(path: Path) -> Path:
    """As many rows of small numbers as fit in about 1 MB."""
    return rows_workbook(path, 60_000)


HOSTILE = {
    "zip bomb": (zip_bomb, "once uncompressed"),
    "1,000,000 rows": (million_rows, "200,000 rows"),
    "shared strings": (many_strings, "1,000,000 different texts"),
    "too many parts": (many_parts, "1,000 parts"),
    "elements outside rows": (loose_elements, "50,000 elements outside its rows"),
    "one huge row": (wide_row, "row of the workbook has more than 50,000 elements"),
    "entities": (entities, "cannot be read"),
}


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("hostile")


@pytest.fixture(scope="module")
def built(files):
    """Each file built once for the module."""
    made: dict[str, Path] = {}

    def build(maker) -> Path:  # type: ignore[no-untyped-def]
        if maker.__name__ not in made:
            made[maker.__name__] = maker(files / f"{maker.__name__}.xlsx")
        return made[maker.__name__]

    return build


# -- measured in a fresh process ---------------------------------------------------------------
MEASURE = """
import json, re, resource, sys, time
from pathlib import Path
import django
django.setup()
from django.utils import translation
from rumbo.tracking.xlsx.importer import Preview, Problem
from rumbo.tracking.xlsx.limits import WorkbookError
from rumbo.tracking.xlsx.marking import mark_problems
from rumbo.tracking.xlsx.reader import find_matrix_sheet, iter_rows, open_workbook

def status_kb(key):
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{key}:\\s+(\\d+) kB", text, re.MULTILINE).group(1))

path, what, lang = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
translation.activate(lang)
try:
    Path("/proc/self/clear_refs").write_text("5")  # the peak starts again from here
    before = status_kb("VmRSS")
    peak = lambda: status_kb("VmHWM")
except OSError:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
error, rows = "", 0
try:
    if what == "read":
        book = open_workbook(path)
        try:
            sheet = find_matrix_sheet(book)
            rows = len(list(iter_rows(path, book, sheet)))  # held, as the import holds them
        finally:
            book.close()
    else:
        preview = Preview(sheet="Matriz", problems=[Problem(2, "A (Plan)", "x")])
        rows = int(mark_problems(path, str(path) + ".marked.xlsx", preview))
except WorkbookError as exc:
    error = str(exc)
seconds = time.perf_counter() - start
grown = (peak() - before) / 1024
print(json.dumps({"seconds": seconds, "mb": grown, "error": error, "rows": rows}))
"""


def measure(path: Path, what: str = "read", lang: str = "en") -> dict:
    """Read `path` (as the import does, or to mark it) in a fresh process: its time, the
    growth of its peak memory, the refusal if any, and the rows read (or 1 if marked)."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("RUMBO_", "DJANGO_"))},
        "DJANGO_SETTINGS_MODULE": "rumbo.settings",
        "RUMBO_DEBUG": "1",
        "RUMBO_VAR_DIR": str(path.parent / "var"),
    }
    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path), what, lang],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(f"{path.name} ({what}): {result}")  # the figures, with pytest -s
    return result


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_workbook_is_refused_quickly_in_little_memory(built, kind):
    maker, message = HOSTILE[kind]
    path = built(maker)
    result = measure(path)
    assert message in result["error"], result
    assert result["seconds"] < TIME_BOUND_S, result
    assert result["mb"] < MEMORY_BOUND_MB, result


def test_the_zip_bomb_is_small_and_huge(built):
    path = built(zip_bomb)
    with zipfile.ZipFile(path) as zf:
        sheet = zf.getinfo("xl/worksheets/sheet1.xml")
    assert path.stat().st_size < 2 * 2**20
    assert sheet.file_size > 2**30


def test_a_million_rows_are_refused_before_openpyxl_parses_them(built):
    path = built(million_rows)
    start = time.perf_counter()
    with pytest.raises(LimitExceeded):
        check_workbook(path)
    assert time.perf_counter() - start < TIME_BOUND_S


@pytest.mark.parametrize(
    ("maker", "rows"), [(merge_bomb, 999), (long_texts, 45_000), (many_small_rows, 59_999)]
)
def test_what_passes_the_limits_is_read_within_the_bound(built, maker, rows):
    path = built(maker)
    assert path.stat().st_size < 1.5 * 2**20
    result = measure(path)
    assert not result["error"], result
    assert result["rows"] == rows
    assert result["mb"] < MEMORY_BOUND_MB, result


def test_a_workbook_too_large_to_mark_is_refused_before_loading(files, built):
    path = rows_workbook(files / "to-mark.xlsx", 60_000)
    result = measure(path, "mark")
    assert "20,000 rows" in result["error"], result
    assert result["seconds"] < TIME_BOUND_S and result["mb"] < 50, result
    bomb = measure(built(zip_bomb), "mark")
    assert "once uncompressed" in bomb["error"], bomb
    assert bomb["seconds"] < TIME_BOUND_S and bomb["mb"] < 50, bomb


def test_the_refusal_speaks_the_page_language(built):
    path = built(million_rows)
    with translation.override("es"), pytest.raises(LimitExceeded) as spanish:
        check_workbook(path)
    assert "200,000 filas" in str(spanish.value)
    with translation.override("en"), pytest.raises(LimitExceeded) as english:
        check_workbook(path)
    assert "200,000 rows" in str(english.value)
    with translation.override("es"), pytest.raises(LimitExceeded) as bomb:
        check_workbook(built(zip_bomb))
    assert "ocupa más de 256 MB una vez descomprimida" in str(bomb.value)


# -- through the pages -----------------------------------------------------------------------------
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "more than 200,000 rows"), ("es", "más de 200,000 filas")],
)
def test_the_import_form_names_the_limit_and_keeps_nothing(cast, built, lang, expected):
    path = built(million_rows)
    client = client_for(cast.secretariat)
    before = ImportSession.objects.count()
    start = time.perf_counter()
    response = client.post(
        url("matrix_import", lang), {"file": SimpleUploadedFile("m.xlsx", path.read_bytes())}
    )
    assert time.perf_counter() - start < TIME_BOUND_S
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert response.context["form"].errors["file"]
    assert ImportSession.objects.count() == before


@pytest.mark.django_db
def test_the_marked_download_of_a_hostile_session_answers_at_once(cast, built):
    bomb = built(zip_bomb)
    session = ImportSession(token="hostile-token", user=cast.secretariat, filename="m.xlsx")
    session.preview = {"sheet": "Matriz", "problems": [{"row": 2, "column": "A", "message": "x"}]}
    with bomb.open("rb") as handle:
        session.upload.save("hostile.xlsx", File(handle), save=False)
    session.save()
    client = client_for(cast.secretariat)
    start = time.perf_counter()
    response = client.get(url("matrix_import_marked", "en", token=session.token))
    assert time.perf_counter() - start < TIME_BOUND_S
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "too large to be given back marked" in page
    session.upload.delete(save=False)


@pytest.mark.django_db
def test_an_exported_matrix_passes_the_limits_and_imports(cast, canary, tmp_path):
    path = tmp_path / "export.xlsx"
    qs = matrix_queryset(cast.secretariat, MatrixFilters(plan="public-plan"))
    write_matrix(str(path), rows(cast.secretariat, qs), lang="es", max_years=3)
    scan = check_workbook(path)
    assert scan.parts["xl/worksheets/sheet1.xml"].rows == 4  # header and three activities
    response = client_for(cast.secretariat).post(
        url("matrix_import", "es"), {"file": SimpleUploadedFile("m.xlsx", path.read_bytes())}
    )
    assert response.status_code == 302


def test_not_a_workbook_is_still_a_workbook_error(tmp_path):
    path = tmp_path / "text.xlsx"
    path.write_bytes(b"Region;Year\n")
    with pytest.raises(WorkbookError) as refused:
        check_workbook(path)
    assert not isinstance(refused.value, LimitExceeded)
