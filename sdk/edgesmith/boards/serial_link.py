"""The serial link protocol, host side (boards/harness/es_link.h, boards/README.md).

Every message is one frame, integers little-endian::

    b"ES" | type u8 | seq u8 | length u32 | CRC-32 of those 8 bytes | payload | CRC-32 of payload

The host sends HELLO requests and INPUT frames; the board answers each with a
HELLO, an OUTPUT (after TRACE frames on a traced build) or an ERROR frame
carrying the request's sequence number. :class:`SerialLink` speaks it over
pyserial, so ``port`` is a device (``/dev/ttyACM0``, ``COM3``) or any pyserial
URL (``socket://127.0.0.1:4321``). Every failure is an :class:`LinkError`
saying what went wrong on the link: a corrupted frame is a
:class:`LinkChecksumError`, never taken for a model mismatch.
"""

from __future__ import annotations

import struct
import time
import zlib
from dataclasses import dataclass

from ..errors import EdgesmithError

MAGIC = b"ES"
VERSION = 1
_HEAD = struct.Struct("<2sBBI")
_CRC = struct.Struct("<I")
HEADER_BYTES = _HEAD.size + _CRC.size
BAUD = 115200
#: seconds to wait for a board's answer, unless told otherwise
DEFAULT_TIMEOUT = 10.0
#: seconds between HELLO requests while the board does not answer
HELLO_RETRY = 0.5
HELLO_REQUEST, INPUT, HELLO, OUTPUT, TRACE, ERROR = (ord(c) for c in "hiHOTE")
FLAG_DUMP_OPS = 1
#: the HELLO's cycle counter codes (board_config.CYCLE_COUNTER_CODES)
CYCLE_COUNTERS = {0: "none", 1: "dwt", 2: "systick"}
#: ERROR frame codes (enum es_link_error) the board reports, and what they mean
_CORRUPTED = {1: "frame header", 2: "payload", 3: "bytes outside any frame"}
_BOARD_ERRORS = {4: "the board refused the request", 5: "the model returned es_status {}",
                 6: "the firmware took a hard fault", 7: "the model's init failed on the board"}


class LinkError(EdgesmithError):
    """The serial link or the board behind it failed (exit code 2)."""


class LinkChecksumError(LinkError):
    """A frame arrived corrupted, at the host or at the board."""


class LinkTimeoutError(LinkError):
    """The board did not answer in time."""


class BoardRunError(LinkError):
    """The firmware reported an error of its own (fault, model status, bad request)."""


def crc32(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def encode_frame(kind: int, seq: int, payload: bytes = b"") -> bytes:
    head = _HEAD.pack(MAGIC, kind, seq & 0xFF, len(payload))
    return head + _CRC.pack(crc32(head)) + payload + _CRC.pack(crc32(payload))


@dataclass(frozen=True)
class Hello:
    """What the firmware says about itself in its first message."""

    version: int
    cycle_counter: str
    trace: bool
    clock_setup_skipped: bool
    clock_hz: int
    model_hash: bytes
    input_bytes: tuple[int, ...]
    output_bytes: tuple[int, ...]
    patches: int
    board: str
    model: str

    @classmethod
    def decode(cls, payload: bytes) -> Hello:
        version, _, counter, flags, clock = struct.unpack_from("<BBBBI", payload, 0)
        if version != VERSION:
            raise LinkError(f"the firmware speaks serial protocol version {version}; this "
                            f"edgesmith speaks {VERSION}",
                            hint="rebuild and flash the firmware with this edgesmith (--flash)")
        model_hash = payload[8:16]
        n_in, n_out, patches = struct.unpack_from("<BBH", payload, 16)
        sizes = struct.unpack_from(f"<{n_in + n_out}I", payload, 20)
        at = 20 + 4 * (n_in + n_out)
        names = []
        for _ in range(2):
            length = payload[at]
            names.append(payload[at + 1:at + 1 + length].decode("ascii", "replace"))
            at += 1 + length
        return cls(version, CYCLE_COUNTERS.get(counter, "none"), bool(flags & 1),
                   bool(flags & 2), clock, bytes(model_hash), tuple(sizes[:n_in]),
                   tuple(sizes[n_in:]), patches, names[0], names[1])


def open_port(port: str, timeout: float):
    """A pyserial port (device or URL), or a LinkError saying why it cannot be opened."""
    try:
        import serial
    except ImportError:
        raise LinkError("talking to a board over a serial port needs pyserial, which is not "
                        "installed", hint="pip install pyserial") from None
    try:
        return serial.serial_for_url(port, baudrate=BAUD, timeout=min(timeout, 0.5))
    except (serial.SerialException, ValueError, OSError) as exc:
        raise LinkError(f"cannot open serial port {port}: {exc}",
                        hint="give the board's port: /dev/ttyACM0 or /dev/ttyUSB0 on Linux, "
                             "/dev/cu.usbmodem* on macOS, COM3 on Windows, or a pyserial URL "
                             "such as socket://HOST:PORT; is the board plugged in?") from None


class SerialLink:
    """One open connection to harness firmware (use as a context manager)."""

    def __init__(self, port: str, timeout: float = DEFAULT_TIMEOUT, *, connection=None):
        self.port, self.timeout = port, timeout
        self._serial = connection if connection is not None else open_port(port, timeout)
        self._seq = 0

    def __enter__(self) -> SerialLink:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        self._serial.close()

    def hello(self) -> Hello:
        """Ask the firmware who it is. The request is repeated every HELLO_RETRY seconds: a
        UART drops what arrives before the firmware enables it, and a board may still be
        booting. Noise, stale frames and the board's complaints about them are skipped."""
        self._serial.reset_input_buffer()
        deadline = time.monotonic() + self.timeout
        while True:
            seq = self._send(HELLO_REQUEST, b"")
            attempt = min(deadline, time.monotonic() + HELLO_RETRY)
            try:
                while True:
                    self._skip_to_magic(attempt)
                    try:
                        kind, got, payload = self._read_rest(attempt)
                    except LinkChecksumError:
                        continue
                    if kind == HELLO and got == seq:
                        return Hello.decode(payload)
                    if kind == ERROR and got == seq:
                        self._raise_board_error(payload)
            except LinkTimeoutError:
                if time.monotonic() >= deadline:
                    raise

    def run(self, payload: bytes) -> tuple[bytes, list[bytes]]:
        """Send one INPUT frame; returns the OUTPUT payload and any TRACE payloads before it."""
        seq = self._send(INPUT, payload)
        traces = []
        while True:
            kind, got, answer = self._read_frame(time.monotonic() + self.timeout)
            if kind == ERROR:
                self._raise_board_error(answer)
            if got != seq:
                raise LinkChecksumError(f"a frame answering request {got} arrived while "
                                        f"waiting for request {seq}")
            if kind == OUTPUT:
                return answer, traces
            if kind != TRACE:
                raise LinkError(f"unexpected frame type {chr(kind)!r} from the board")
            traces.append(answer)

    # -- framing ---------------------------------------------------------------------------
    def _send(self, kind: int, payload: bytes) -> int:
        self._seq = self._seq % 255 + 1  # 0 is the board's own (stray bytes before a frame)
        self._serial.write(encode_frame(kind, self._seq, payload))
        self._serial.flush()
        return self._seq

    def _read_exactly(self, count: int, deadline: float) -> bytes:
        data = bytearray()
        while len(data) < count:
            chunk = self._serial.read(count - len(data))
            data += chunk
            if not chunk and time.monotonic() > deadline:
                raise LinkTimeoutError(
                    f"no answer from the board on {self.port} within {self.timeout:g} s "
                    f"(got {len(data)} of {count} bytes)",
                    hint="is the board flashed with this model's firmware (--flash) and "
                         "running? Check the port and the cable; press reset")
        return bytes(data)

    def _skip_to_magic(self, deadline: float) -> None:
        matched = 0
        while matched < len(MAGIC):
            byte = self._read_exactly(1, deadline)
            matched = matched + 1 if byte[0] == MAGIC[matched] else int(byte == MAGIC[:1])

    def _read_frame(self, deadline: float) -> tuple[int, int, bytes]:
        magic = self._read_exactly(len(MAGIC), deadline)
        if magic != MAGIC:
            raise LinkChecksumError(f"corrupted data from the board on {self.port}: "
                                    f"{magic!r} where a frame starts",
                                    hint="check the cable and the baud rate; run again")
        return self._read_rest(deadline)

    def _read_rest(self, deadline: float) -> tuple[int, int, bytes]:
        rest = self._read_exactly(HEADER_BYTES - len(MAGIC), deadline)
        head = MAGIC + rest[:_HEAD.size - len(MAGIC)]
        (check,) = _CRC.unpack_from(rest, _HEAD.size - len(MAGIC))
        if crc32(head) != check:
            raise LinkChecksumError(f"checksum failure: a frame header from the board on "
                                    f"{self.port} arrived corrupted",
                                    hint="check the cable; run again")
        _, kind, seq, length = _HEAD.unpack(head)
        body = self._read_exactly(length + _CRC.size, deadline)
        if crc32(body[:length]) != _CRC.unpack_from(body, length)[0]:
            raise LinkChecksumError(f"checksum failure: a {length}-byte payload from the board "
                                    f"on {self.port} arrived corrupted",
                                    hint="check the cable; run again")
        return kind, seq, body[:length]

    def _raise_board_error(self, payload: bytes) -> None:
        code, detail = struct.unpack_from("<II", payload, 0)
        said = payload[8:].decode("ascii", "replace")
        if code in _CORRUPTED:
            raise LinkChecksumError(f"checksum failure: the board received a corrupted "
                                    f"{_CORRUPTED[code]} ({said})",
                                    hint="check the cable; run again")
        if code not in _BOARD_ERRORS:
            raise BoardRunError(f"the board reported error code {code}: {said}")
        raise BoardRunError(f"{_BOARD_ERRORS[code].format(detail)} ({said})")
