"""The standard PDF stream filters, decoded within a limit on what they produce. Pure Python, no Django.

    for piece in pdf_filters.decode("FlateDecode", body, limit=budget):   # raises FilterOverflow past limit
        ...

Used by the upload check (`core.pdf_scan`) to read what a PDF reader would read: a script hidden behind
`/Filter [/ASCIIHexDecode /FlateDecode]` is found like one in a plain Flate stream. Only the filters that carry
dictionaries and text are decoded; the image filters (DCT, JPX, JBIG2, CCITTFax) hold pixels and are left as
they are. A filter's output is produced a piece at a time and counted against `limit`, so a small stream that
expands to gigabytes (a Flate, LZW or run-length bomb) stops at the limit instead of filling memory.
"""

from __future__ import annotations

import base64
import binascii
import zlib
from collections.abc import Iterator

PIECE = 1024 * 1024
_WHITESPACE = b"\x00\t\n\x0c\r "


class FilterOverflow(Exception):
    """The filter would produce more than the limit it was given."""


class FilterBroken(Exception):
    """The data is not valid for its filter (a reader gives up there too, or guesses)."""


# Short names are those of inline images; some readers accept them on streams too, so they are read as well.
_NAMES = {
    "FlateDecode": "flate",
    "Fl": "flate",
    "ASCIIHexDecode": "hex",
    "AHx": "hex",
    "ASCII85Decode": "a85",
    "A85": "a85",
    "LZWDecode": "lzw",
    "LZW": "lzw",
    "RunLengthDecode": "rle",
    "RL": "rle",
}


def decodable(name: str) -> bool:
    return name in _NAMES


def predicts(name: str, parameters: dict[str, int]) -> bool:
    """Whether the output of filter `name` under these /DecodeParms still has a predictor to undo."""
    return _NAMES.get(name) in ("flate", "lzw") and parameters.get("Predictor", 1) > 1


def decode(
    name: str, data: bytes | memoryview, *, limit: int, parameters: dict[str, int] | None = None
) -> Iterator[bytes]:
    """The decoded pieces of `data` under filter `name` (one `decodable` answers True for), before any
    predictor (`unpredict`). Raises FilterOverflow once more than `limit` bytes came out, FilterBroken when
    the data is not of that filter (after yielding what decoded before the fault)."""
    kind = _NAMES[name]
    if kind == "flate":
        pieces = _flate(data)
    elif kind == "lzw":
        pieces = _lzw(bytes(data), early_change=(parameters or {}).get("EarlyChange", 1))
    elif kind == "rle":
        pieces = _run_length(bytes(data))
    elif kind == "hex":
        pieces = iter((_ascii_hex(bytes(data)),))
    else:
        pieces = iter((_ascii85(bytes(data)),))
    return _bounded(pieces, limit)


def _bounded(pieces: Iterator[bytes], limit: int) -> Iterator[bytes]:
    produced = 0
    for piece in pieces:
        produced += len(piece)
        if produced > limit:
            raise FilterOverflow(f"more than {limit} bytes")
        yield piece


def _flate(data: bytes | memoryview) -> Iterator[bytes]:
    inflater = zlib.decompressobj()
    try:
        # Fed a piece at a time: zlib copies the input it has not used yet on every call.
        for start in range(0, len(data), PIECE):
            pending: bytes | memoryview = data[start : start + PIECE]
            while pending and not inflater.eof:
                out = inflater.decompress(pending, PIECE)
                if not out:
                    break
                pending = inflater.unconsumed_tail
                yield out
            if inflater.eof:
                return
    except zlib.error as error:
        raise FilterBroken(str(error)) from error


def _ascii_hex(data: bytes) -> bytes:
    digits = data.split(b">", 1)[0].translate(None, _WHITESPACE)
    if len(digits) % 2:
        digits += b"0"  # a last odd digit is followed by 0 (PDF 32000-1, 7.4.2)
    try:
        return binascii.unhexlify(digits)
    except binascii.Error as error:
        raise FilterBroken(str(error)) from error


def _ascii85(data: bytes) -> bytes:
    # A PDF stream has no "<~" and ends at "~>"; a85decode's adobe mode wants both, so the frame is cut here.
    body = data.split(b"~>", 1)[0].strip(_WHITESPACE)
    if body.startswith(b"<~"):
        body = body[2:]
    try:
        return base64.a85decode(body, ignorechars=_WHITESPACE)
    except ValueError as error:
        raise FilterBroken(str(error)) from error


def _run_length(data: bytes) -> Iterator[bytes]:
    out = bytearray()
    position, size = 0, len(data)
    while position < size:
        length = data[position]
        if length == 128:  # end of data
            break
        if length < 128:
            out += data[position + 1 : position + 2 + length]
            position += 2 + length
        else:
            out += data[position + 1 : position + 2] * (257 - length)
            position += 2
        if len(out) >= PIECE:
            yield bytes(out)
            out.clear()
    yield bytes(out)


def _lzw(data: bytes, *, early_change: int = 1) -> Iterator[bytes]:
    """PDF's LZW (PDF 32000-1, 7.4.4): 9 to 12 bit codes, most significant bit first, 256 clears the table,
    257 ends the data; with EarlyChange 1 (the default) the code grows one entry early."""
    table: list[bytes] = [bytes([n]) for n in range(256)] + [b"", b""]
    width, previous = 9, b""
    out = bytearray()
    bits = count = 0
    for byte in data:
        bits, count = (bits << 8) | byte, count + 8
        while count >= width:
            count -= width
            code = (bits >> count) & ((1 << width) - 1)
            bits &= (1 << count) - 1
            if code == 256:
                del table[258:]
                width, previous = 9, b""
                continue
            if code == 257:
                yield bytes(out)
                return
            if code < len(table) and code not in (256, 257):
                entry = table[code]
            elif code == len(table) and previous:
                entry = previous + previous[:1]
            else:
                raise FilterBroken(f"LZW code {code} not in the table")
            if previous and len(table) < 4096:
                table.append(previous + entry[:1])
            previous = entry
            out += entry
            if len(table) + early_change >= (1 << width) and width < 12:
                width += 1
        if len(out) >= PIECE:
            yield bytes(out)
            out.clear()
    yield bytes(out)


def unpredict(data: bytes, parameters: dict[str, int]) -> bytes:
    """Undoes a TIFF (2) or PNG (10 to 15) predictor, which stores each byte as its difference to a neighbour:
    a script under one is no longer its letters until this is undone. A byte at a time in Python, about a
    megabyte a second: the caller limits how much it hands over."""
    predictor = parameters.get("Predictor", 1)
    colors = max(parameters.get("Colors", 1), 1)
    bits = max(parameters.get("BitsPerComponent", 8), 1)
    columns = max(parameters.get("Columns", 1), 1)
    pixel = max(colors * bits // 8, 1)
    row_size = (colors * bits * columns + 7) // 8
    if predictor == 2:
        if bits != 8:
            return data  # sub-byte TIFF differences: only images use them
        out = bytearray(data)
        for row_start in range(0, len(out), row_size):
            for index in range(row_start + pixel, min(row_start + row_size, len(out))):
                out[index] = (out[index] + out[index - pixel]) & 0xFF
        return bytes(out)
    if predictor < 10:
        return data
    out = bytearray()
    above = bytearray(row_size)
    for start in range(0, len(data), row_size + 1):
        kind = data[start]
        row = bytearray(data[start + 1 : start + 1 + row_size])
        for index in range(len(row)):
            left = row[index - pixel] if index >= pixel else 0
            up = above[index]
            if kind == 1:
                row[index] = (row[index] + left) & 0xFF
            elif kind == 2:
                row[index] = (row[index] + up) & 0xFF
            elif kind == 3:
                row[index] = (row[index] + (left + up) // 2) & 0xFF
            elif kind == 4:
                corner = above[index - pixel] if index >= pixel else 0
                row[index] = (row[index] + _paeth(left, up, corner)) & 0xFF
            elif kind != 0:
                raise FilterBroken(f"PNG predictor row type {kind}")
        out += row
        above = row + bytearray(row_size - len(row))
    return bytes(out)


def _paeth(left: int, up: int, corner: int) -> int:
    estimate = left + up - corner
    to_left, to_up, to_corner = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
    if to_left <= to_up and to_left <= to_corner:
        return left
    return up if to_up <= to_corner else corner
