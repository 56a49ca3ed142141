"""UF2 images (Microsoft's USB flashing format) for boards that boot from a mass-storage drive.

A UF2 file is a list of 512-byte blocks, each carrying 256 bytes of the image,
its flash address and a family ID that tells the bootloader the chip.
"""

from __future__ import annotations

import struct

UF2_MAGIC_START0 = 0x0A324655
UF2_MAGIC_START1 = 0x9E5D5157
UF2_MAGIC_END = 0x0AB16F30
UF2_FLAG_FAMILY_ID_PRESENT = 0x00002000
PAYLOAD_BYTES = 256
BLOCK_BYTES = 512
_HEADER = struct.Struct("<8I")


def bin_to_uf2(image: bytes, base_address: int, family_id: int) -> bytes:
    """The UF2 file that writes ``image`` at ``base_address``."""
    chunks = [image[i:i + PAYLOAD_BYTES] for i in range(0, len(image), PAYLOAD_BYTES)]
    blocks = []
    for index, chunk in enumerate(chunks):
        header = _HEADER.pack(UF2_MAGIC_START0, UF2_MAGIC_START1, UF2_FLAG_FAMILY_ID_PRESENT,
                              base_address + index * PAYLOAD_BYTES, PAYLOAD_BYTES, index,
                              len(chunks), family_id)
        payload = chunk.ljust(BLOCK_BYTES - _HEADER.size - 4, b"\x00")
        blocks.append(header + payload + struct.pack("<I", UF2_MAGIC_END))
    return b"".join(blocks)


def uf2_to_bin(data: bytes) -> tuple[int, bytes]:
    """Base address and image of a UF2 file whose blocks are contiguous (for tests)."""
    blocks = [data[i:i + BLOCK_BYTES] for i in range(0, len(data), BLOCK_BYTES)]
    base, image = None, bytearray()
    for block in blocks:
        magic0, magic1, _, address, size, _, _, _ = _HEADER.unpack_from(block)
        if (magic0, magic1) != (UF2_MAGIC_START0, UF2_MAGIC_START1):
            raise ValueError("not a UF2 block")
        base = address if base is None else base
        image += block[_HEADER.size:_HEADER.size + size]
    return base or 0, bytes(image)
