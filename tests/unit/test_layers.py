"""The layering rules of docs/architecture hold (import-linter contracts in pyproject.toml)."""
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def contracts() -> list[dict]:
    with open(ROOT / "pyproject.toml", "rb") as file:
        return tomllib.load(file)["tool"]["importlinter"]["contracts"]


def test_the_contracts_state_the_whole_order_and_the_adapters_independence():
    kinds = {contract["type"] for contract in contracts()}
    assert {"layers", "independence", "forbidden"} <= kinds
    [layers] = [c for c in contracts() if c["type"] == "layers"]
    assert layers["layers"][0] == "bot"
    [independent] = [c for c in contracts() if c["type"] == "independence"]
    assert {"bot.telegram", "bot.zalo", "bot.console"} <= set(independent["modules"])


def test_import_contracts_hold():
    lint = shutil.which("lint-imports") or str(Path(sys.executable).parent / "lint-imports")
    result = subprocess.run([lint, "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Contracts: {len(contracts())} kept, 0 broken" in result.stdout
