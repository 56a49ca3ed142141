"""Boards: board files, firmware builds, emulated runs, instruction counts, flashing."""

from .registry import Board, BoardError, default_board, get_board, list_boards, load_board

__all__ = ["Board", "BoardError", "default_board", "get_board", "list_boards", "load_board"]
