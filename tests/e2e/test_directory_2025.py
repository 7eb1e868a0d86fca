"""The 2025 directory end to end: a fresh install greets as the province police, the former
communes' names find the new commune, and an old leaflet's deep link still works."""
from __future__ import annotations

import asyncio

from bot.cli.units import reorganise_command
from config.settings import CONFIG_DIR
from storage.tables.core import UnitRow
from tests.conftest import wipe
from tests.e2e.test_console import chat
from tests.storage import reorganisation_data as data


async def test_a_fresh_install_greets_as_the_2025_police(app, database_url):
    await wipe(app)                       # nothing loaded: the process loads the default
    out = await chat(database_url, ["cao thuong", "xong"], user="fresh")
    assert "Đây là kênh thông tin của Công an tỉnh Bắc Ninh." in out
    assert "huyện Tân Yên" not in out
    assert "Đã chọn Xã Tân Yên" in out
    assert "Địa bàn: Xã Tân Yên." in out
    async with app.uow() as uow:
        units = await uow.units.selectable()
        sub = await uow.subscribers.get("console", "fresh")
        chosen = await uow.units.by_id(sub.unit_id)
    assert len(units) == 99 and chosen.slug == "xa-tan-yen"


async def test_tan_yen_typed_finds_the_new_commune(app, database_url):
    await wipe(app)
    out = await chat(database_url, ["tan yen", "xong"], user="typist")
    assert "Đã chọn Xã Tân Yên" in out


async def test_an_old_deep_link_leads_to_the_new_commune(app, database_url, capsys):
    await reorganise_command(app, CONFIG_DIR / "units" / "bac-ninh-2025.yaml", False)
    capsys.readouterr()
    out = await chat(database_url, ["/start cao-thuong", "xong"], user="leaflet")
    assert "Đây là kênh thông tin của Công an tỉnh Bắc Ninh." in out
    assert "Đã chọn Xã Tân Yên" in out
    assert "Cao Thượng" not in out.split("Đã chọn")[1]


async def test_the_emergency_screen_shows_the_commune_police_contact(app, database_url, capsys):
    await data.build(app)
    await reorganise_command(app, CONFIG_DIR / "units" / "bac-ninh-2025.yaml", False)
    capsys.readouterr()
    async with app.uow() as uow:
        unit = await uow.units.by_slug("xa-tan-yen")
        row = await uow.session.get(UnitRow, unit.id)
        row.phone, row.address = "0204 3878 123", "Tổ dân phố Hòa Bình, xã Tân Yên"
        await uow.commit()
    out = await chat(database_url, ["tan yen", "xong", "/khancap"], user="caller")
    assert "👮 Công an xã Tân Yên" in out
    assert "☎️ Điện thoại: 0204 3878 123" in out
    assert "🏢 Trụ sở: Tổ dân phố Hòa Bình, xã Tân Yên" in out
    assert "👮 Công an tỉnh Bắc Ninh" in out             # the duty desk, not listed yet
    assert "Chưa có số điện thoại, địa chỉ trong danh bạ của bot" in out



SQUARE = {"type": "Polygon", "coordinates": [[[106.0, 21.3], [106.2, 21.3], [106.2, 21.5],
                                              [106.0, 21.5], [106.0, 21.3]]]}


async def test_a_location_in_an_old_commune_routes_to_its_successor_and_the_receipt_names_it(
        app, capsys, tmp_path):
    from handlers.messages import Kind
    from tests.fakes.resident import Resident
    from tests.storage.test_directory_and_library import run_cli
    await reorganise_command(app, CONFIG_DIR / "units" / "bac-ninh-2025.yaml", False)
    capsys.readouterr()
    shapes = tmp_path / "communes.geojson"
    shapes.write_text('{"type": "FeatureCollection", "features": ['
                      '{"type": "Feature", "properties": {"slug": "cao-thuong"}, "geometry": '
                      + str(SQUARE).replace("'", '"') + '}, {"type": "Feature", "properties": '
                      '{"slug": "xa-nha-nam"}, "geometry": {"type": "Polygon", "coordinates": '
                      '[[[105.0, 21.0], [105.1, 21.0], [105.1, 21.1], [105.0, 21.0]]]}}]}',
                      encoding="utf-8")
    out = await run_cli(app.settings.database_url, "units", "boundaries", str(shapes))
    assert out.strip() == "2 boundaries imported"        # old and new communes alike
    r = Resident(app, "r-location")
    await r.onboard("nha nam")
    await r.command("tobao")
    await r.press("tiếp tục")
    await r.press("Ma túy")
    await r.send(Kind.LOCATION, location=(21.4, 106.1))
    assert "thuộc Xã Tân Yên" in r.texts()
    await r.type("Có người buôn bán ma túy gần chợ")
    await r.press("Bỏ qua")
    await r.press("ẩn danh")
    await r.press("Gửi tin báo")
    assert "Tin báo đã được gửi tới Công an xã Tân Yên (tin báo #" in r.texts()


async def test_on_telegram_a_moved_resident_is_told_once_and_an_old_deep_link_works(
        app, database_url, capsys):
    from tests.e2e.harness import running_bot
    from tests.e2e.test_telegram import has, onboard
    from tests.fakes.botapi.server import FakeBotApi
    async with FakeBotApi() as api, running_bot(database_url, api):
        await onboard(api, 7101, "Cao Thượng")             # on the seed-era directory
        await reorganise_command(app, CONFIG_DIR / "units" / "bac-ninh-2025.yaml", False)
        capsys.readouterr()
        told = await api.wait_for(7101, has("đã được sáp nhập vào Xã Tân Yên"))
        assert "Thị trấn Cao Thượng" in told.text and "Công an xã Tân Yên" in told.text
        api.user_sends(7102, "/start cao-thuong")           # a leaflet printed before
        await api.wait_for(7102, has("Đây là kênh thông tin của Công an tỉnh Bắc Ninh."))
        await api.wait_for(7102, has("Đã chọn Xã Tân Yên"))
        await asyncio.sleep(1.5)                          # the drain had time to repeat itself
        merged = [m for m in api.messages_to(7101) if "đã được sáp nhập" in (m.text or "")]
    assert len(merged) == 1


async def test_the_cli_dry_run_then_run_then_list_shows_history(app, database_url):
    from tests.storage.test_directory_and_library import run_cli
    await data.build(app)
    planned = await run_cli(database_url, "units", "reorganise",
                            "config/units/bac-ninh-2025.yaml", "--dry-run")
    assert planned.splitlines()[-1] == "dry run: nothing was changed"
    applied = await run_cli(database_url, "units", "reorganise", "config/units/bac-ninh-2025.yaml")
    assert applied.splitlines() == planned.splitlines()[:-1]
    listing = await run_cli(database_url, "units", "list")
    assert "xa-tan-yen" in listing and "Công an xã Tân Yên" in listing
    assert "cao-thuong     Thị trấn Cao Thượng -> xa-tan-yen (history)" in listing


async def test_prompts_name_the_kinds_of_place_the_2025_directory_has(app, database_url):
    """Since 2025 the units are xã and phường: no prompt speaks of a 'thị trấn'."""
    await wipe(app)
    out = await chat(database_url, ["ha noi xyz", "tan yen", "xong", "/caidat"], user="kinds")
    assert "Bạn đang sống ở xã, phường nào?" in out
    assert 'Không tìm thấy xã, phường nào tên "ha noi xyz"' in out
    assert "Đổi xã, phường" in out
    assert "thị trấn" not in out.lower()


async def test_telegram_prompts_name_xa_and_phuong(app, database_url):
    from tests.e2e.harness import running_bot
    from tests.fakes.botapi.server import FakeBotApi
    await wipe(app)
    directory = CONFIG_DIR / "units" / "bac-ninh-2025.yaml"
    async with FakeBotApi() as api, running_bot(database_url, api, units_file=directory):
        api.user_sends(7100, "/start")
        prompt = await api.wait_for(7100, lambda m: "Bạn đang sống ở" in (m.text or ""))
        api.user_sends(7100, "ha noi xyz")
        missing = await api.wait_for(7100, lambda m: "Không tìm thấy" in (m.text or ""))
    assert "Bạn đang sống ở xã, phường nào?" in prompt.text
    assert 'Không tìm thấy xã, phường nào tên "ha noi xyz"' in missing.text
    assert "thị trấn" not in prompt.text + missing.text
