"""A PDF as its numbered objects, edited and written back with a correct cross-reference table.

Enough for the files reportlab writes (one body, no object streams), which is what the tests and
the fuzzer start from: set a page's /Rotate or /MediaBox, replace a content stream, add pages,
then write the file again so that only the intended damage is in it.
"""
from __future__ import annotations

import re
import zlib

_OBJECT = re.compile(rb"(\d+) 0 obj\s*(.*?)\s*endobj", re.S)
_STREAM = re.compile(rb"^(.*?)stream\r?\n(.*?)\r?\n?endstream$", re.S)
_TRAILER = re.compile(rb"trailer\s*<<(.*?)>>\s*startxref", re.S)


class PdfObjects:
    def __init__(self, data: bytes):
        self.header = data[:data.index(b"\n") + 1]
        self.objects: dict[int, bytes] = {int(m.group(1)): m.group(2)
                                          for m in _OBJECT.finditer(data)}
        trailer = _TRAILER.search(data)
        self.trailer = trailer.group(1) if trailer else b""

    @classmethod
    def read(cls, path) -> "PdfObjects":
        with open(path, "rb") as fh:
            return cls(fh.read())

    # ------------------------------------------------------------------ pages
    def page_ids(self) -> list[int]:
        """Object numbers of the pages, in order (as reportlab's flat page tree lists them)."""
        tree = next(body for body in self.objects.values() if b"/Type /Pages" in body)
        kids = re.search(rb"/Kids\s*\[(.*?)\]", tree, re.S).group(1)
        return [int(n) for n in re.findall(rb"(\d+) 0 R", kids)]

    def set_page_key(self, page: int, key: str, value: str) -> None:
        """Set (or replace) /key on page object `page` (an object number)."""
        body = self.objects[page]
        pattern = re.compile(rb"/" + key.encode() + rb"\s*(\[[^\]]*\]|[^/>\s]+)")
        entry = b"/" + key.encode() + b" " + value.encode()
        if pattern.search(body):
            body = pattern.sub(lambda _: entry, body, count=1)
        else:
            body = body.replace(b"<<", b"<< " + entry, 1)
        self.objects[page] = body

    def content_id(self, page: int) -> int:
        return int(re.search(rb"/Contents\s+(\d+) 0 R", self.objects[page]).group(1))

    # ------------------------------------------------------------------ streams
    def stream(self, oid: int) -> tuple[bytes, bytes]:
        """(dictionary text, raw stream bytes) of stream object `oid`."""
        match = _STREAM.match(self.objects[oid])
        return match.group(1), match.group(2)

    def decoded(self, oid: int) -> bytes:
        """The stream's data, through reportlab's filters (ASCII85, Flate)."""
        head, raw = self.stream(oid)
        if b"/ASCII85Decode" in head:
            import base64
            raw = base64.a85decode(raw.strip().removeprefix(b"<~").removesuffix(b"~>"))
        if b"/FlateDecode" in head:
            raw = zlib.decompress(raw)
        return raw

    def set_stream(self, oid: int, data: bytes, extra: str = "", flate: bool = True) -> None:
        """Replace stream `oid` with `data` (compressed unless `flate` is False)."""
        raw = zlib.compress(data) if flate else data
        self.set_raw_stream(oid, raw, ("/Filter /FlateDecode " if flate else "") + extra)

    def set_raw_stream(self, oid: int, raw: bytes, entries: str = "") -> None:
        self.objects[oid] = (b"<< /Length %d " % len(raw) + entries.encode() + b" >>\nstream\n"
                             + raw + b"\nendstream")

    def add(self, body: bytes) -> int:
        oid = max(self.objects) + 1
        self.objects[oid] = body
        return oid

    def add_page_copies(self, count: int) -> None:
        """`count` more pages, copies of the last page (sharing its content stream)."""
        pages = self.page_ids()
        tree_id = next(i for i, b in self.objects.items() if b"/Type /Pages" in b)
        new = [self.add(self.objects[pages[-1]]) for _ in range(count)]
        kids = b" ".join(b"%d 0 R" % p for p in pages + new)
        body = re.sub(rb"/Kids\s*\[.*?\]", lambda _: b"/Kids [ " + kids + b" ]",
                      self.objects[tree_id], flags=re.S)
        self.objects[tree_id] = re.sub(rb"/Count\s+\d+", b"/Count %d" % (len(pages) + count), body)

    # ------------------------------------------------------------------ writing
    def to_bytes(self) -> bytes:
        out = bytearray(self.header + b"%\xe2\xe3\xcf\xd3\n")
        offsets = {}
        for oid in sorted(self.objects):
            offsets[oid] = len(out)
            out += b"%d 0 obj\n" % oid + self.objects[oid] + b"\nendobj\n"
        size = max(self.objects) + 1
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for oid in range(1, size):
            out += b"%010d 00000 n \n" % offsets[oid] if oid in offsets else b"0000000000 65535 f \n"
        trailer = re.sub(rb"/Size\s+\d+", b"/Size %d" % size, self.trailer)
        out += b"trailer\n<<" + trailer + b">>\nstartxref\n%d\n%%%%EOF\n" % xref
        return bytes(out)

    def write(self, path) -> None:
        with open(path, "wb") as fh:
            fh.write(self.to_bytes())
