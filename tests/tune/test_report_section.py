"""The HTML report's tune section: one dot per measured trial (the Pareto front marked), the
front as a table and in the page's JSON; a missing table is refused (exit 2)."""

import xml.etree.ElementTree as ET

from edgesmith.html_report.page import ReportOptions, build_report, render_report
from edgesmith.tune.pareto import pareto_front
from edgesmith.tune.report_data import report_data
from edgesmith.tune.results import write_results
from edgesmith.tune.space import DEFAULTS

from tests.helpers.cli_run import cli
from tests.report.conftest import page_data
from tests.tune.conftest import small_cnn

NS = {"s": "http://www.w3.org/2000/svg"}


def rows():
    def row(trial, patch, accuracy, instructions, ram, status="ok"):
        measured = status == "ok"
        return {**DEFAULTS, "trial": trial, "patch": patch, "status": status,
                "accuracy": accuracy, "float_accuracy": 0.9 if measured else None,
                "accuracy_drop": 0.9 - accuracy if measured else None,
                "instructions": instructions, "m4_cycles": instructions, "ram": ram,
                "flash": 9000 if measured else None, "arena_bytes": ram, "seconds": 1.0}
    return [row("a1", "none", 0.9, 60000, 17000), row("b2", "auto", 0.9, 240000, 16700),
            row("c3", "2:2", 0.8, 250000, 16800),
            row("d4", "1:2", None, None, None, status="failed: does not fit")]


def test_the_section_plots_every_measured_trial_and_tables_the_front(tmp_path):
    table = tmp_path / "tune.csv"
    write_results(table, rows())
    report = build_report(small_cnn(), ReportOptions(tune=report_data(table)))
    (section,) = [s for s in report.sections if s.id == "tune"]
    chart = ET.fromstring(section.charts[0])
    dots = chart.findall(".//s:circle", NS)
    assert len(dots) == 3
    assert sorted(d.get("r") for d in dots) == ["3", "5", "5"]  # c3 is dominated by b2
    assert [r[0] for r in section.table.rows] == ["a1", "b2"]
    data = page_data(render_report(report))
    front = pareto_front(rows()[:3])
    assert [r["trial"] for r in data["tune"]["pareto_front"]] == [r["trial"] for r in front]
    assert data["tune"]["trials"] == 4 and data["tune"]["measured"] == 3


def test_report_with_a_missing_table_exits_2(cnn_files, tmp_path):
    proc = cli(tmp_path, "report", str(cnn_files["model"]), "-o", "r.html", "--tune", "none.csv")
    assert proc.returncode == 2 and "no such results table" in proc.stderr
    assert not (tmp_path / "r.html").exists()
