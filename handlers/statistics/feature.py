"""The statistics feature: /thongke and /ghinhan, their screens, and staff-only menu items."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from handlers.dialogue import Turn
from handlers.features import Feature, MenuItem
from handlers.statistics.access import staff
from handlers.statistics.chat_record import (CategoryScreen, ConfirmScreen, CountScreen,
                                             DateScreen, ExtraScreen, NoteScreen, Recorder)
from handlers.statistics.chat_stats import PeriodScreen, RangeScreen, StatsReport
from handlers.statistics.chat_units import UnitPickScreen
from handlers.statistics.chat_files import FilesScreen
from handlers.ports import Chart, ReportFile


def is_staff(turn: Turn) -> bool:
    return staff(turn) is not None


def statistics_feature(chart: Chart | None = None,
                       clock: Callable[[], datetime] | None = None,
                       report_file: ReportFile | None = None) -> Feature:
    """`chart` renders the PNG shown with a summary, `report_file` the Word and Excel files
    offered after it; `clock` fixes "today" in tests."""
    report = StatsReport(chart, clock)
    recorder = Recorder(report.today)
    picker = UnitPickScreen({"stats": report.pick_unit, "act": recorder.pick_unit})
    screens = [picker, PeriodScreen(report), RangeScreen(report), FilesScreen(report_file),
               *(cls(recorder) for cls in (CategoryScreen, DateScreen, CountScreen, ExtraScreen,
                                           NoteScreen, ConfirmScreen))]
    return Feature(
        name="statistics",
        screens=screens,
        commands={"thongke": report.start, "ghinhan": recorder.start},
        # Staff may not have finished a resident's onboarding; the commands check roles anyway.
        open_commands=frozenset({"thongke", "ghinhan"}),
        menu=[MenuItem("stats", report.start, 60, visible=is_staff),
              MenuItem("stats_record", recorder.start, 61, visible=is_staff)])
