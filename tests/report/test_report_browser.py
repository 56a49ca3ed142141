"""The report pages in a real headless Chromium (Debian's, started here): they load without a
console message, the numbers the browser reads back equal `plan --json` and `inspect --json`,
and a screenshot is written. Slow: the pages come from the patch search and QEMU."""

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.report.conftest import page_data

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0", "--hide-scrollbars"]
#: how Chromium logs what a page writes to its console (errors, warnings, uncaught exceptions)
CONSOLE = re.compile(r":CONSOLE[:(]\d*\)?\] (.*)")


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the browser test: install Debian's chromium (.ci/run)")
        pytest.skip("no /usr/bin/chromium here (apt-get install chromium); CI runs this test")
    return CHROMIUM


def browse(chromium: Path, page: Path, tmp_path: Path, *actions: str) -> tuple[str, list[str]]:
    """Load ``page`` once with ``actions`` (e.g. --dump-dom); (stdout, console messages)."""
    profile = tmp_path / f"profile{len(list(tmp_path.iterdir()))}"
    proc = subprocess.run([str(chromium), *FLAGS, f"--user-data-dir={profile}",
                           "--window-size=1100,1500", *actions, page.resolve().as_uri()],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, CONSOLE.findall(proc.stderr)


def test_console_messages_are_caught(chromium, tmp_path):
    """The check below can fail: a page that throws is seen."""
    bad = tmp_path / "bad.html"
    bad.write_text("<!DOCTYPE html><p>x</p><script>no_such_function();</script>")
    _, console = browse(chromium, bad, tmp_path, "--dump-dom")
    assert len(console) == 1 and "no_such_function" in console[0]


def test_vww_page_in_the_browser(chromium, vww_page, vww_commands, tmp_path):
    dom, console = browse(chromium, vww_page, tmp_path, "--dump-dom")
    assert console == []
    data = page_data(dom)  # as the browser parsed the page
    inspect, plan, patch = vww_commands["inspect"], vww_commands["plan"], vww_commands["patch"]
    assert data["totals"] == inspect["totals"]
    assert [(o["index"], o["type"], o["macs"], o["weight_bytes"], o["shape"]) for o in data["ops"]] \
        == [(o["index"], o["type"], o["macs"], o["weight_bytes"], o["shape"])
            for o in inspect["ops"]]
    memory = data["memory"]
    for key in ("arena_bytes", "lower_bound_bytes", "ram_bytes", "steps"):
        assert memory[key] == plan[key], key
    assert memory["lower_bound_bytes"] == inspect["totals"]["activation_lower_bound_bytes"]
    ours = data["patch"]
    for key in ("split", "grid", "halo", "peak_bytes", "layer_based_peak_bytes", "extra_macs"):
        assert ours[key] == patch[key], key
    assert ours["patches"] == len(patch["patches"]) == patch["grid"] ** 2
    assert ours["generated_code_ram_bytes"] == patch["generated_code"]["ram_bytes"]
    assert data["board"]["ran"] and f"{data['board']['instructions']:,} instructions" in dom
    # what the page shows is what it embeds
    assert f"arena {plan['arena_bytes']:,} B" in dom
    assert f"{patch['grid']}x{patch['grid']} patches" in dom


def test_screenshots(chromium, vww_page, jet_page, tmp_path):
    for page in (vww_page, jet_page):
        shot = tmp_path / f"{page.stem}.png"
        _, console = browse(chromium, page, tmp_path, f"--screenshot={shot}")
        assert console == []
        png = shot.read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
        assert (width, height) == (1100, 1500)
        assert len(png) > 20_000  # charts and text, not a blank page
