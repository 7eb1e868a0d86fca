"""Numbers an officer reads at the console are written the Vietnamese way (issue 12): a limit
is "20.000" and "4.000 ký tự", never "20000"; a count typed as "1.200" is understood."""
from __future__ import annotations

from tests.e2e.test_console import chat
from tests.e2e.test_console_officer import OFFICER, console_officer


async def test_limits_are_written_with_grouped_thousands(app, database_url, monkeypatch):
    monkeypatch.setenv("BOT_SECRET_KEY", app.settings.secret_key.get_secret_value())
    await console_officer(app)
    out = await chat(database_url, [
        "/phatcanhbao", "Cảnh báo lừa đảo. " * 300, "menu",
        "/ghinhan", "1", "hom nay", "3", "30000", "1.200", "1"], user=OFFICER)
    assert "dài quá (4.000 ký tự trở xuống" in out
    assert "phải từ 1 đến 20.000" in out
    assert "4000" not in out and "20000" not in out
    assert "1.200" in out.split("phải từ 1 đến 20.000", 1)[1]      # the corrected figure, shown
