"""Reading the deployment's data files under config/: catalogues, topics, units, bulletins."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from config.settings import CONFIG_DIR
from handlers.domain import BulletinSpec, UnitSpec
from handlers.i18n import LANGUAGES, Catalog

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


class DataFileError(Exception):
    """A data file is missing or malformed; the message names the file and the problem."""


class _UnitEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: str
    kind: str
    name: str = Field(min_length=1, max_length=200)
    short: str | None = None
    police: str | None = None
    duty_desk: bool = False
    aliases: list[str] = []
    replaces: list[str] = []          # slugs of units merged into this one
    effective: date | None = None     # when they were merged (default: the directory's)
    phone: str = Field(default="", max_length=40)
    address: str = Field(default="", max_length=300)
    formed_from: list[str] = []       # the former units' names, as the resolution words them
    source: str = ""                  # where the unit's composition comes from
    children: list[_UnitEntry] = []

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError("slug must be lowercase a-z, 0-9 and '-' (at most 64)")
        return value


class _Directory(BaseModel):
    directory: str
    title: str = ""
    source: str = ""
    effective: date | None = None     # when this directory's `replaces:` take effect
    units: list[_UnitEntry] = Field(min_length=1)


class _BulletinEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    slug: str = Field(pattern=SLUG.pattern)
    topic: str
    title: str = Field(min_length=1, max_length=200)
    published: date
    body: str = Field(min_length=1, max_length=3500)
    issuer: str = Field(min_length=1, max_length=200)     # who says so: residents may check
    source: str = Field(default="", max_length=500)


def _read_yaml(path: Path) -> object:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DataFileError(f"{path}: cannot read ({error.strerror})") from error
    except yaml.YAMLError as error:
        raise DataFileError(f"{path}: not valid YAML ({error})") from error


def _problem(path: Path, error: ValidationError) -> DataFileError:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return DataFileError(f"{path}: {where}: {first['msg']}")


def load_catalog(default: str = "vi", folder: Path = CONFIG_DIR / "locales") -> Catalog:
    texts = {}
    for lang in LANGUAGES:
        data = _read_yaml(folder / f"{lang}.yaml")
        if not isinstance(data, dict):
            raise DataFileError(f"{folder / lang}.yaml: expected key: text pairs")
        texts[lang] = {str(k): str(v) for k, v in data.items()}
    return Catalog(texts, default=default)


def load_topics(path: Path = CONFIG_DIR / "topics.yaml") -> list[str]:
    data = _read_yaml(path)
    if not isinstance(data, list) or not all(isinstance(t, str) and SLUG.match(t) for t in data):
        raise DataFileError(f"{path}: expected a list of topic slugs")
    return data


def load_directory(path: Path) -> tuple[str, list[UnitSpec]]:
    """A directory file as unit specs, parents before children."""
    try:
        directory = _Directory.model_validate(_read_yaml(path))
    except ValidationError as error:
        raise _problem(path, error) from error
    specs: list[UnitSpec] = []

    def walk(entry: _UnitEntry, parent: str | None) -> None:
        short = entry.short or entry.name
        effective = entry.effective or directory.effective
        if entry.replaces and effective is None:
            raise DataFileError(f"{path}: {entry.slug}: 'replaces' needs an 'effective' date")
        specs.append(UnitSpec(slug=entry.slug, name=entry.name, short=short,
                              police=entry.police or entry.name, kind=entry.kind,
                              parent_slug=parent, aliases=tuple(entry.aliases),
                              duty_desk=entry.duty_desk, replaces=tuple(entry.replaces),
                              effective=effective if entry.replaces else None,
                              phone=entry.phone.strip(), address=entry.address.strip()))
        for child in entry.children:
            walk(child, entry.slug)

    for unit in directory.units:
        walk(unit, None)
    slugs = [s.slug for s in specs]
    duplicates = sorted({s for s in slugs if slugs.count(s) > 1})
    if duplicates:
        raise DataFileError(f"{path}: duplicate unit slugs: {', '.join(duplicates)}")
    return directory.directory, specs


def load_bulletins(folder: Path, topics: list[str]) -> list[BulletinSpec]:
    specs: list[BulletinSpec] = []
    for path in sorted(folder.glob("*.yaml")):
        data = _read_yaml(path) or []
        if not isinstance(data, list):
            raise DataFileError(f"{path}: expected a list of bulletins")
        for index, item in enumerate(data):
            try:
                entry = _BulletinEntry.model_validate(item)
            except ValidationError as error:
                raise _problem(path, error) from error
            if entry.topic not in topics:
                raise DataFileError(f"{path}: item {index}: unknown topic {entry.topic!r}")
            specs.append(BulletinSpec(slug=entry.slug, topic=entry.topic, title=entry.title,
                                      body=entry.body.strip(), published=entry.published,
                                      issuer=entry.issuer.strip(), source=entry.source.strip()))
    slugs = [s.slug for s in specs]
    if len(set(slugs)) != len(slugs):
        raise DataFileError(f"{folder}: bulletin slugs must be unique")
    return specs


def load_boundaries(path: Path) -> dict[str, dict]:
    """A GeoJSON FeatureCollection whose features carry `properties.slug` (a unit's slug)
    and a Polygon or MultiPolygon geometry (longitude, latitude order)."""
    import json
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DataFileError(f"{path}: cannot read ({error.strerror})") from error
    except ValueError as error:
        raise DataFileError(f"{path}: not valid JSON ({error})") from error
    shapes: dict[str, dict] = {}
    for index, feature in enumerate(data.get("features", []) if isinstance(data, dict) else []):
        slug = (feature.get("properties") or {}).get("slug")
        geometry = feature.get("geometry") or {}
        if not slug or geometry.get("type") not in ("Polygon", "MultiPolygon"):
            raise DataFileError(f"{path}: feature {index}: needs properties.slug and a "
                                "Polygon or MultiPolygon geometry")
        shapes[slug] = geometry
    if not shapes:
        raise DataFileError(f"{path}: expected a GeoJSON FeatureCollection of unit boundaries")
    return shapes
