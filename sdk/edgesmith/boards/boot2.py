"""The RP2040's second stage boot (boot2): its checksum, written after the link.

The boot ROM runs the first 256 bytes of flash only if the CRC-32 in their last
4 bytes (little-endian) matches the first 252: polynomial 0x04C11DB7, initial
value 0xFFFFFFFF, no reflection, no final XOR (the CRC-32/MPEG-2 variant; RP2040
datasheet, boot sequence). The linker leaves a zero word there
(``boards/linker/cortex_m.ld.jinja``); :func:`seal_boot2` puts the CRC into the
ELF and rewrites the BIN and HEX from it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

BOOT2_BYTES = 256
BOOT2_CODE_BYTES = 252


def crc32_mpeg2(data: bytes) -> int:
    crc = 0xFFFFFFFF
    for byte in data:
        crc ^= byte << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7 if crc & 0x80000000 else crc << 1) & 0xFFFFFFFF
    return crc


def sealed_boot2(block: bytes) -> bytes:
    """The 256-byte boot2 block with its checksum in place."""
    if len(block) != BOOT2_BYTES:
        raise ValueError(f"boot2 must be {BOOT2_BYTES} bytes, got {len(block)}")
    code = block[:BOOT2_CODE_BYTES]
    return code + crc32_mpeg2(code).to_bytes(4, "little")


def seal_boot2(folder: Path, objcopy: str) -> None:
    """Write the checksum into ``folder``'s firmware.elf, then its BIN and HEX anew."""
    elf, block = folder / "firmware.elf", folder / "boot2.bin"
    subprocess.run([objcopy, "-O", "binary", "--only-section=.boot2", str(elf), str(block)],
                   check=True, capture_output=True)
    block.write_bytes(sealed_boot2(block.read_bytes()))
    subprocess.run([objcopy, f"--update-section=.boot2={block}", str(elf)], check=True,
                   capture_output=True)
    block.unlink()
    for fmt, name in (("binary", "firmware.bin"), ("ihex", "firmware.hex")):
        subprocess.run([objcopy, "-O", fmt, str(elf), str(folder / name)], check=True,
                       capture_output=True)
