"""{places} in the catalogues names the kinds of place the directory in use has."""
from bot.datafiles import load_catalog


def test_the_seed_directory_has_towns_the_2025_one_wards():
    catalog = load_catalog()
    catalog.use_places(["commune", "town", "district"])
    assert catalog.t("vi", "tip.place_other") == "🏘 Xã, thị trấn khác"
    catalog.use_places(["ward", "commune", "commune"])
    assert catalog.t("vi", "tip.place_other") == "🏘 Xã, phường khác"
    assert "Việc xảy ra ở xã, phường nào?" in catalog.t("vi", "tip.commune_prompt")
    assert "commune or ward" in catalog.t("en", "commune.prompt")
    assert "📍 Đổi xã, phường" in catalog.all_labels("settings.commune")
