"""The report's SVG charts: well-formed, one mark per value, sized by the values, escaped."""

import xml.etree.ElementTree as ET

from edgesmith.html_report import svg

NS = {"s": "http://www.w3.org/2000/svg"}


def _parse(text: str) -> ET.Element:
    return ET.fromstring(text)


def test_bars_are_proportional_and_labels_escaped():
    root = _parse(svg.bar_chart([10, 40, 0, 20], ["a", "<b&c>", "c", "d"], "MACs <per> layer"))
    bars = root.findall(".//s:rect", NS)
    assert len(bars) == 4
    heights = [float(b.get("height")) for b in bars]
    assert heights[2] == 0 and heights[1] == max(heights)
    assert abs(heights[0] * 4 - heights[1]) < 0.2 and abs(heights[3] * 2 - heights[1]) < 0.2
    texts = [t.text for t in root.iter(f"{{{NS['s']}}}text")]
    assert "<b&c>" in texts and "MACs <per> layer" in texts
    assert [b.find("s:title", NS).text for b in bars][1] == "<b&c>: 40"


def test_step_chart_draws_each_step_and_reference_lines():
    root = _parse(svg.step_chart({"live": [5, 9, 2]}, "arena",
                                 lines=(svg.Line(9, "lower bound"), svg.Line(10, "arena"))))
    (line,) = root.findall(".//s:polyline", NS)
    points = [tuple(map(float, p.split(","))) for p in line.get("points").split()]
    assert len(points) == 6  # a flat segment per step
    ys = [y for _, y in points]
    assert ys[0] == ys[1] and ys[2] == ys[3] < ys[0] < ys[4]
    dashed = [ln for ln in root.findall(".//s:line", NS) if ln.get("stroke-dasharray")]
    assert len(dashed) == 4  # two lines and their legend marks
    # the lower-bound line is drawn at the height of the peak step (both are 9)
    assert float(dashed[0].get("y1")) == ys[2]


def test_patch_grid_draws_tiles_and_reads():
    tiles = [((0, 4), (0, 4)), ((0, 4), (4, 8)), ((4, 8), (0, 4)), ((4, 8), (4, 8))]
    reads = [((0, 5), (0, 5)), ((0, 5), (3, 8)), ((3, 8), (0, 5)), ((3, 8), (3, 8))]
    root = _parse(svg.patch_grid((8, 8), tiles, reads, "2x2"))
    rects = root.findall(".//s:rect", NS)
    assert len(rects) == 1 + 4 + 4
    assert sum(1 for r in rects if r.get("stroke-dasharray")) == 4
    labels = [t.text for t in root.iter(f"{{{NS['s']}}}text")]
    assert labels[1:] == ["0", "1", "2", "3"]
