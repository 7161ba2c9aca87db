"""Looks for active content in a PDF the way a reader would find it. Pure Python, no Django.

    pdf_scan.pdf_check(data)        # raises PdfRefused("active" | "encrypted" | "too_much_unpacked")

Active content is JavaScript, launch actions, embedded files, rich media and XFA forms, named anywhere in the
file: in its dictionaries, with their #xx escapes written out (a reader reads /J#61vaScript as /JavaScript),
and inside its streams, decoded through their whole filter chain (`core.pdf_filters`: Flate, ASCIIHex,
ASCII85, LZW, run-length, with their predictors), because an object stream hides dictionaries, /JS among them.
Everything unpacked from one file, and every stream each time it is tried, counts against MAX_UNPACKED_BYTES,
so a compressed bomb, or a file built to be decoded many ways, costs bounded memory and time.

The file is not parsed as a reader would: an attacker writes it for the reader, and a parser that differs from
the reader's somewhere is a way past the check. What could decide how a stream is read (its /Filter, its
/DecodeParms, its /Length) is read from everything between the stream before and this one, and every
candidate is tried: a decoy in a string costs one more try, never a miss. An encrypted PDF is refused: its strings and streams cannot be read without the password, so nothing
in them could be checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from sinergi.core import pdf_filters

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Predictors are undone in Python, about a megabyte a second: an object stream is far smaller than this.
MAX_PREDICTED_BYTES = 8 * 1024 * 1024
_OVERLAP = 1024  # longer than any escaped name the check looks for

_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")
_NAME = re.compile(rb"/[^\x00\t\n\x0c\r ()<>\[\]{}/%]*#[^\x00\t\n\x0c\r ()<>\[\]{}/%]*")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
# The trailer (or the cross-reference stream's dictionary, which stands for it) names the encryption
# dictionary: by reference or inline. /EncryptMetadata is another name and does not match.
_ENCRYPT = re.compile(rb"/Encrypt\s*(?:\d+\s+\d+\s+R|<<)")
_FILTER_VALUE = rb"(\[[^\]]*\]|/[^\s/\[\]<>()%{}]+)"
_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()%{}]+|\d+\s+\d+\s+R)")
_FILTER_NAME = re.compile(rb"/([^\s/\[\]<>()%{}]+)")
_OBJECT = re.compile(rb"(?<!\d)(\d+)\s+(\d+)\s+obj\s*" + _FILTER_VALUE)
_PARMS = re.compile(rb"/DecodeParms\s*(\[.*?\]|<<.*?>>)", re.S)
_PARMS_ENTRY = re.compile(rb"<<(.*?)>>|null", re.S)
_NUMBER = re.compile(rb"/(Predictor|Colors|BitsPerComponent|Columns|EarlyChange)\s+(\d+)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?:\s+(\d+)\s+R)?")
_NUMBER_OBJECT = re.compile(rb"(?<!\d)(\d+)\s+(\d+)\s+obj\s*(\d+)\s*endobj")
# A reader finds an object stream's objects through /First and /N. An outline item has /First too, but as a
# reference and without /N, so outlines before a picture do not make it one.
_OBJECT_STREAM = re.compile(rb"/ObjStm\b|/First\s+\d+(?!\s+\d+\s+R)")
_FIRST, _COUNT = re.compile(rb"/First\b"), re.compile(rb"/N\b")


class PdfRefused(ValueError):
    """A PDF refused by the check. `code` is stable: `active`, `encrypted` or `too_much_unpacked`."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def pdf_check(data: bytes, *, max_unpacked: int | None = None) -> None:
    """Raises PdfRefused when `data` (a whole PDF file) is encrypted or holds active content."""
    named = _names(data)
    if _ENCRYPT.search(named):
        raise PdfRefused("encrypted")
    if _ACTIVE.search(named):
        raise PdfRefused("active")
    _Scan(data, MAX_UNPACKED_BYTES if max_unpacked is None else max_unpacked).run()


def _names(data: bytes) -> bytes:
    return _NAME.sub(
        lambda name: _ESCAPE.sub(lambda escape: bytes([int(escape.group(1), 16)]), name.group()), data
    )


def _active(data: bytes) -> bool:
    return bool(_ACTIVE.search(_names(data)))


class _Scan:
    """One file's streams, each decoded every way it may be read, within the file's budget."""

    def __init__(self, data: bytes, unpacked: int):
        self.data = data
        self.unpacked = unpacked
        self.predicted = MAX_PREDICTED_BYTES
        self._objects: dict[tuple[bytes, bytes], bytes] | None = None
        self._numbers: dict[tuple[bytes, bytes], bytes] | None = None

    def run(self) -> None:
        data, position = self.data, 0
        while match := _STREAM.search(data, position):
            start = match.end()
            first_end = data.find(b"endstream", start)
            first_end = len(data) if first_end < 0 else first_end
            window = _names(data[position : match.start()])
            for end in self._ends(window, start, first_end):
                self._check_stream(memoryview(data)[start:end], window)
            position = first_end  # the shortest body: no stream keyword after it is skipped

    def _ends(self, window: bytes, start: int, first_end: int) -> list[int]:
        """Where the stream may end: at the first `endstream`, or further on where a direct /Length says, when
        `endstream` follows there (a body of A85 text may hold the word itself; a reader goes by /Length)."""
        ends = [first_end]
        for match in _LENGTH.finditer(window):
            length: bytes | None = match.group(1)
            if match.group(2) is not None:  # an indirect length (`/Length 12 0 R`), as pdfTeX writes it
                length = self._number_objects().get((match.group(1), match.group(2)))
            if length is None:
                continue
            end = start + int(length)
            if (
                end > first_end
                and self.data[end : end + 16].lstrip().startswith(b"endstream")
                and end not in ends
            ):
                ends.append(end)
        return ends

    def spend(self, size: int) -> None:
        self.unpacked -= size
        if self.unpacked < 0:
            raise PdfRefused("too_much_unpacked")

    def _chains(self, window: bytes) -> list[list[str]]:
        """The filter chains the stream after `window` may have: every /Filter value before it, and Flate
        always (what the check did before it read chains)."""
        chains: list[list[str]] = []
        for match in _FILTER.finditer(window):
            value: bytes | None = match.group(1)
            if value is not None and value.endswith(b"R"):
                number, generation = value.split()[:2]
                value = self._indirect_objects().get((number, generation))
            if value is not None:
                chains.append([name.decode("latin-1") for name in _FILTER_NAME.findall(value)])
        chains.append(["FlateDecode"])
        unique: list[list[str]] = []
        for chain in chains:
            if chain not in unique:
                unique.append(chain)
        return unique

    def _number_objects(self) -> dict[tuple[bytes, bytes], bytes]:
        """Every object whose body is a number (what a /Length reference points to), read once."""
        if self._numbers is None:
            self._numbers = {
                (match.group(1), match.group(2)): match.group(3)
                for match in _NUMBER_OBJECT.finditer(self.data)
            }
        return self._numbers

    def _indirect_objects(self) -> dict[tuple[bytes, bytes], bytes]:
        """Every object whose body is an array or a name (what a /Filter reference may point to), read once."""
        if self._objects is None:
            self._objects = {
                (match.group(1), match.group(2)): _names(match.group(3))
                for match in _OBJECT.finditer(self.data)
            }
        return self._objects

    def _check_stream(self, body: memoryview, window: bytes) -> None:
        # Only an object stream holds dictionaries (the rest is pages, fonts, pictures): the slow predictors are
        # undone for those alone.
        object_stream = bool(_OBJECT_STREAM.search(window)) or bool(
            _FIRST.search(window) and _COUNT.search(window)
        )
        for chain in self._chains(window):
            decodable = []
            for name in chain:
                if not pdf_filters.decodable(name):
                    break  # an image filter (or Crypt): what comes after it cannot be text either
                decodable.append(name)
            if not decodable:
                continue
            candidates = _parameters(window, len(chain)) if object_stream else [[{} for _ in chain]]
            for parameters in candidates:
                self.spend(len(body))  # every try reads the body: a thousand decoys cost a thousand bodies
                self._decode_chain(body, decodable, parameters)

    def _decode_chain(self, body: memoryview, chain: list[str], parameters: list[dict[str, int]]) -> None:
        data: bytes | memoryview = body
        try:
            for index, name in enumerate(chain):
                pieces = pdf_filters.decode(
                    name, data, limit=max(self.unpacked, 0), parameters=parameters[index]
                )
                if pdf_filters.predicts(name, parameters[index]):
                    # A predictor works on rows of the whole output: it is undone once the filter is done.
                    whole = b"".join(pieces)
                    self.predicted -= len(whole)
                    if self.predicted < 0:
                        raise PdfRefused("too_much_unpacked")
                    pieces = iter((pdf_filters.unpredict(whole, parameters[index]),))
                if index == len(chain) - 1:
                    self._scan_pieces(pieces)
                    return
                # An intermediate result (the Flate data under an ASCIIHex frame) is kept whole for the next one.
                data = b"".join(pieces)
                self.spend(len(data))
        except pdf_filters.FilterOverflow as overflow:
            raise PdfRefused("too_much_unpacked") from overflow
        except pdf_filters.FilterBroken:
            pass  # not of the filter it claims (a reader fails too), or a decoy chain

    def _scan_pieces(self, pieces: Iterator[bytes]) -> None:
        """Looks through decoded pieces, each with the end of the one before, so a name cut in two is found."""
        tail = b""
        try:
            for piece in pieces:
                self.spend(len(piece))
                window = tail + piece
                if _active(window):
                    raise PdfRefused("active")
                tail = window[-_OVERLAP:]
        except pdf_filters.FilterBroken:
            pass  # what decoded before the fault was looked at


def _parameters(window: bytes, count: int) -> list[list[dict[str, int]]]:
    """The candidates for each filter's /DecodeParms numbers (a predictor, LZW's EarlyChange): none at all, and
    one per /DecodeParms before the stream (a dictionary for a single filter, or an array with one dictionary or
    null per filter)."""
    candidates: list[list[dict[str, int]]] = [[{} for _ in range(count)]]
    for match in _PARMS.finditer(window):
        value = match.group(1)
        entries = (
            [entry.group(1) or b"" for entry in _PARMS_ENTRY.finditer(value)]
            if value.startswith(b"[")
            else [value]
        )
        parsed = [
            {name.decode(): int(number) for name, number in _NUMBER.findall(entry)} for entry in entries
        ]
        candidate = (parsed + [{} for _ in range(count)])[:count]
        if candidate not in candidates:
            candidates.append(candidate)
    return candidates
