"""`edgesmith report`: one self-contained HTML page about a model (inline SVG charts from
:mod:`.svg`, sections from every layer of edgesmith: the planner, the C code, the board
runs and the FPGA estimates). It sits above everything it reports on; the metrics the
rest of edgesmith shares live in :mod:`edgesmith.report`."""
