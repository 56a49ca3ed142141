"""Small inline SVG charts for the HTML report: bars, a step line with reference lines, and a
patch grid. Each function returns one ``<svg>`` element as text, drawn here so that the page
needs no script and no network; every label is escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

#: colours of the series, one per index (colour-blind safe palette)
PALETTE = ("#4477aa", "#ee6677", "#228833", "#ccbb44", "#66ccee", "#aa3377")
_FONT = 'font-family="sans-serif" font-size="11"'
#: pixels above a chart for its title
_TITLE = 20


@dataclass(frozen=True)
class Line:
    """A horizontal reference line across a chart, e.g. the arena's lower bound."""

    value: float
    label: str
    colour: str = "#ee6677"
    #: dashes differ between lines, so that two lines at one value both show
    dash: str = "6 4"


def _nice(n: float) -> str:
    """A compact axis label: 12, 3.4k, 5.6M."""
    for div, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if abs(n) >= div:
            return f"{n / div:.3g}{suffix}"
    return f"{n:.3g}"


def _frame(width: int, height: int, title: str, body: list[str]) -> str:
    """The chart with its title drawn above it (``_TITLE`` pixels)."""
    full = height + _TITLE
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{full}" '
            f'viewBox="0 0 {width} {full}" role="img" aria-label="{escape(title)}">')
    caption = (f'<text x="4" y="14" font-family="sans-serif" font-size="13" '
               f'font-weight="bold">{escape(title)}</text>')
    return "\n".join([head, f"<title>{escape(title)}</title>", caption,
                      f'<g transform="translate(0 {_TITLE})">', *body, "</g>", "</svg>"])


def short(label: str, limit: int = 18) -> str:
    """A tick label of at most ``limit`` characters (the full one is in the bar's tooltip)."""
    return label if len(label) <= limit else label[:limit - 1] + "\u2026"


def _axes(left: int, top: int, w: int, h: int, top_value: float) -> list[str]:
    """The y axis from 0 to ``top_value`` with four grid lines, and the x axis."""
    out = []
    for k in range(5):
        y = top + h - h * k / 4
        out.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + w}" y2="{y:.1f}" '
                   'stroke="#ddd"/>')
        out.append(f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" {_FONT}>'
                   f'{_nice(top_value * k / 4)}</text>')
    out.append(f'<line x1="{left}" y1="{top + h}" x2="{left + w}" y2="{top + h}" stroke="#333"/>')
    return out


def bar_chart(values: list[float], labels: list[str], title: str, *, unit: str = "",
              width: int = 500, height: int = 250, colour: str = PALETTE[0]) -> str:
    """One bar per value (a layer), labelled below with ``labels`` (kept short)."""
    rotate = len(values) > 8
    left, top, bottom = (80, 10, 90) if rotate else (56, 10, 24)  # room for slanted labels
    w, h = width - left - 10, height - top - bottom
    peak = max(values, default=0) or 1
    body = _axes(left, top, w, h, peak)
    step = w / max(len(values), 1)
    for i, (v, label) in enumerate(zip(values, labels)):
        bh = h * v / peak
        x = left + i * step
        body.append(f'<rect x="{x + step * 0.1:.1f}" y="{top + h - bh:.1f}" '
                    f'width="{step * 0.8:.1f}" height="{bh:.1f}" fill="{colour}">'
                    f'<title>{escape(label)}: {v:,.0f}{escape(unit)}</title></rect>')
        cx, cy = x + step / 2, top + h + 14
        if not rotate:
            body.append(f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="middle" {_FONT}>'
                        f'{escape(short(label, int(step / 6.5)))}</text>')
        elif len(values) <= 40 or i % 2 == 0:
            body.append(f'<text x="{cx:.1f}" y="{cy:.1f}" text-anchor="end" {_FONT} '
                        f'transform="rotate(-60 {cx:.1f} {cy:.1f})">{escape(short(label))}</text>')
    return _frame(width, height, title, body)


def step_chart(series: dict[str, list[float]], title: str, *, lines: tuple[Line, ...] = (),
               xlabel: str = "step", width: int = 500, height: int = 240) -> str:
    """Each series as a step line over its steps (0..n-1), with horizontal ``lines``."""
    left, top, bottom = 56, 10, 40
    w, h = width - left - 130, height - top - bottom
    peak = max([max(s, default=0) for s in series.values()] + [ln.value for ln in lines]) or 1
    steps = max((len(s) for s in series.values()), default=1)
    body = _axes(left, top, w, h, peak * 1.05)

    def at(i: float, v: float) -> str:
        return f"{left + w * i / steps:.1f},{top + h - h * v / (peak * 1.05):.1f}"

    legend = []
    for k, (name, values) in enumerate(series.items()):
        colour = PALETTE[k % len(PALETTE)]
        points = []
        for i, v in enumerate(values):
            points += [at(i, v), at(i + 1, v)]
        body.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" '
                    f'points="{" ".join(points)}"/>')
        legend.append((name, colour, ""))
    for ln in lines:
        y = at(0, ln.value).split(",")[1]
        body.append(f'<line x1="{left}" y1="{y}" x2="{left + w}" y2="{y}" stroke="{ln.colour}" '
                    f'stroke-dasharray="{ln.dash}" stroke-width="1.5"/>')
        legend.append((ln.label, ln.colour, f' stroke-dasharray="{ln.dash}"'))
    for k, (name, colour, dash) in enumerate(legend):
        y = top + 12 + 18 * k
        body.append(f'<line x1="{left + w + 10}" y1="{y}" x2="{left + w + 30}" y2="{y}" '
                    f'stroke="{colour}" stroke-width="2"{dash}/>')
        body.append(f'<text x="{left + w + 34}" y="{y + 4}" {_FONT}>{escape(name)}</text>')
    every = max(1, round(steps / 10))
    for i in range(0, steps, every):  # a tick under the middle of step i
        x = at(i + 0.5, 0).split(",")[0]
        body.append(f'<text x="{x}" y="{top + h + 14}" text-anchor="middle" {_FONT}>{i}</text>')
    body.append(f'<text x="{left + w / 2}" y="{height - 6}" text-anchor="middle" {_FONT}>'
                f'{escape(xlabel)}</text>')
    return _frame(width, height, title, body)


def patch_grid(size: tuple[int, int], tiles: list[tuple[tuple[int, int], tuple[int, int]]],
               reads: list[tuple[tuple[int, int], tuple[int, int]]], title: str, *,
               box: int = 300) -> str:
    """The model input (``size`` rows x cols) with each patch's tile of the input (solid)
    and the rows/cols it reads (dashed): where reads overlap is the halo. ``tiles`` and
    ``reads`` are ((row start, stop), (col start, stop)) per patch, in input pixels."""
    rows, cols = size
    scale = box / max(rows, cols, 1)
    pad = 12
    body = [f'<rect x="{pad}" y="{pad}" width="{cols * scale:.1f}" height="{rows * scale:.1f}" '
            'fill="#f4f4f4" stroke="#333"/>']
    for k, ((r0, r1), (c0, c1)) in enumerate(reads):
        body.append(f'<rect x="{pad + c0 * scale:.1f}" y="{pad + r0 * scale:.1f}" '
                    f'width="{(c1 - c0) * scale:.1f}" height="{(r1 - r0) * scale:.1f}" '
                    f'fill="{PALETTE[k % 2]}" fill-opacity="0.12" stroke="{PALETTE[k % 2]}" '
                    'stroke-dasharray="3 2"/>')
    for k, ((r0, r1), (c0, c1)) in enumerate(tiles):
        x, y = pad + c0 * scale, pad + r0 * scale
        body.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{(c1 - c0) * scale:.1f}" '
                    f'height="{(r1 - r0) * scale:.1f}" fill="none" stroke="#222"/>')
        body.append(f'<text x="{x + 3:.1f}" y="{y + 12:.1f}" {_FONT}>{k}</text>')
    side = box + 2 * pad
    return _frame(side, side, title, body)


def scatter_chart(points: list[tuple[float, float, str, bool]], title: str, *, xlabel: str,
                  ylabel: str, y_max: float | None = None, width: int = 520,
                  height: int = 280) -> str:
    """One dot per (x, y, label, marked) point on linear axes from 0 (y up to ``y_max`` when
    given); marked points (e.g. a Pareto front) are drawn large in the second colour."""
    left, top, bottom, right = 56, 10, 40, 16
    w, h = width - left - right, height - top - bottom
    x_top = max((p[0] for p in points), default=0) * 1.05 or 1
    y_top = y_max or max((p[1] for p in points), default=0) * 1.05 or 1
    body = _axes(left, top, w, h, y_top)

    def at(x: float, y: float) -> tuple[float, float]:
        return left + w * x / x_top, top + h - h * y / y_top

    for k in range(5):  # x ticks
        x = left + w * k / 4
        body.append(f'<text x="{x:.1f}" y="{top + h + 14}" text-anchor="middle" {_FONT}>'
                    f'{_nice(x_top * k / 4)}</text>')
    for x, y, label, mark in sorted(points, key=lambda p: p[3]):  # marked dots on top
        cx, cy = at(x, y)
        body.append(f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{5 if mark else 3}" '
                    f'fill="{PALETTE[1] if mark else PALETTE[0]}" fill-opacity="0.8">'
                    f'<title>{escape(label)}</title></circle>')
    body.append(f'<text x="{left + w / 2}" y="{height - 6}" text-anchor="middle" {_FONT}>'
                f'{escape(xlabel)}</text>')
    body.append(f'<text x="12" y="{top + h / 2}" text-anchor="middle" {_FONT} '
                f'transform="rotate(-90 12 {top + h / 2})">{escape(ylabel)}</text>')
    return _frame(width, height, title, body)
