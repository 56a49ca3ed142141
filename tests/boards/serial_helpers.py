"""What the serial-board tests share: QEMU serving a board's UART on loopback, a TCP proxy
that corrupts one byte, and a peer that never answers."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from contextlib import contextmanager

from edgesmith.boards.serial_run import free_tcp_port, qemu_serial_command


def _wait_listening(port: int, proc: subprocess.Popen) -> None:
    """Until QEMU accepts on ``port``; the probe's connection starts the guest, and QEMU
    listens again once it is closed."""
    deadline = time.monotonic() + 10
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            time.sleep(0.2)  # QEMU notices the hang-up and listens again
            return
        except OSError:
            assert proc.poll() is None, proc.stderr.read().decode(errors="replace")
            assert time.monotonic() < deadline, "QEMU did not open its serial socket"
            time.sleep(0.05)


@contextmanager
def qemu_serving(image):
    """QEMU booting ``image`` with the board's UART on a loopback port: yields the port."""
    port = free_tcp_port()
    proc = subprocess.Popen(qemu_serial_command(image, port), stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_listening(port, proc)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        proc.stderr.close()


@contextmanager
def corrupting_proxy(target_port: int, *, to_board: int | None = None,
                     to_host: int | None = None):
    """A loopback proxy to ``target_port`` that flips the bits of the byte at offset
    ``to_board`` of what the host sends, or ``to_host`` of what the board sends."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)

    def pump(src, dst, corrupt_at):
        seen = 0
        try:
            while data := src.recv(4096):
                if corrupt_at is not None and seen <= corrupt_at < seen + len(data):
                    data = bytearray(data)
                    data[corrupt_at - seen] ^= 0xFF
                seen += len(data)
                dst.sendall(bytes(data))
        except OSError:
            pass
        finally:
            for s in (src, dst):
                s.close()

    def serve():
        try:
            host, _ = listener.accept()
        except OSError:
            return
        board = socket.create_connection(("127.0.0.1", target_port))
        threading.Thread(target=pump, args=(board, host, to_host), daemon=True).start()
        pump(host, board, to_board)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()


@contextmanager
def silent_peer():
    """A loopback port that accepts a connection and never says anything."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
