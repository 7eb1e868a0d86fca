"""Bot API spec (telegram-bot-api.json) loading, parameter coercion/validation, object synthesis."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).with_name("telegram-bot-api.json")
PRIMITIVES = {"Integer", "Float", "Boolean", "String", "InputFile"}
_INT_RE = re.compile(r"^-?\d{1,20}$")
_FLOAT_RE = re.compile(r"^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")
_CONST_RE = re.compile(r"(?:always|must be)\s+[\"“]?([a-z_]+)[\"”]?")
_FIRST_QUOTED_RE = re.compile(r"[\"“]([a-z_]+)[\"”]")


class ApiError(Exception):
    """An error answer of the Bot API: HTTP status == error_code."""

    def __init__(self, code: int, description: str, parameters: dict | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict:
        body: dict[str, Any] = {"ok": False, "error_code": self.code, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class UploadedFile:
    """A file part of a multipart/form-data request."""

    name: str
    filename: str | None
    content_type: str | None
    data: bytes = field(repr=False)

    @property
    def size(self) -> int:
        return len(self.data)


class _Invalid(Exception):
    def __init__(self, path: str, msg: str):
        super().__init__(msg)
        self.path = path
        self.msg = msg


class Spec:
    def __init__(self, path: Path = SPEC_PATH):
        data = json.loads(path.read_text(encoding="utf-8"))
        self.version: str = data.get("version", "")
        self.methods: dict[str, dict] = data["methods"]
        self.types: dict[str, dict] = data["types"]
        self._lower = {name.lower(): name for name in self.methods}

    def canonical(self, method: str) -> str | None:
        return self._lower.get(method.lower())

    def fields(self, method: str) -> list[dict]:
        return self.methods[method].get("fields", [])

    def returns(self, method: str) -> list[str]:
        return self.methods[method].get("returns", ["Boolean"])

    # ------------------------------------------------------------ top-level parameters
    def coerce_params(self, method: str, raw: dict[str, Any], files: dict[str, UploadedFile]) -> dict:
        """Validate request parameters of `method`; return decoded values (unknown names kept raw)."""
        out = {k: v for k, v in raw.items()}
        for f in self.fields(method):
            name, types = f["name"], f["types"]
            if name in files and "InputFile" in types:
                out[name] = files[name]
                continue
            value = raw.get(name)
            only_string = types == ["String"]
            if value is None or (value == "" and not only_string):
                out.pop(name, None)
                if f["required"]:
                    raise bad(f"{name} is required")
                continue
            out[name] = self._coerce_top(name, types, value)
        return out

    def _coerce_top(self, name: str, types: list[str], value: Any) -> Any:
        errors: list[_Invalid] = []
        decoded: Any = value
        needs_json = any(t not in PRIMITIVES for t in types)
        if needs_json and isinstance(value, str) and not ({"String", "Integer"} & set(types)):
            try:
                decoded = json.loads(value)
            except ValueError:
                what = "reply keyboard markup" if name == "reply_markup" else name
                raise bad(f"can't parse {what} JSON object") from None
        if len(types) > 1 and all(t.startswith("Array of ") for t in types):
            return self._check_mixed_array(name, types, decoded)
        for t in types:
            try:
                if t == "InputFile":
                    raise _Invalid(name, f'file must be uploaded as multipart/form-data part "{name}"')
                return self.check(t, decoded if t not in PRIMITIVES else value, name, top=True)
            except _Invalid as exc:
                errors.append(exc)
        if len(types) > 1 and isinstance(decoded, dict):
            # report the error of the candidate type that shares most keys with the object
            def score(t: str) -> int:
                names = {f["name"] for f in self.types.get(t, {}).get("fields", [])}
                return len(names & set(decoded))

            best = max(range(len(types)), key=lambda i: score(types[i]))
            err = errors[best]
        else:
            err = errors[0]
        if all(t in PRIMITIVES for t in types):
            raise bad(f'parameter "{name}" must be of type {" or ".join(types)}')
        raise bad(f"can't parse {name}: {err.path}: {err.msg}")

    def _check_mixed_array(self, name: str, types: list[str], value: Any) -> list:
        if not isinstance(value, list):
            raise bad(f"can't parse {name}: must be a JSON array")
        out = []
        for i, item in enumerate(value):
            errors = []
            for t in types:
                try:
                    out.append(self.check(t[len("Array of "):], item, f"{name}[{i}]"))
                    break
                except _Invalid as exc:
                    errors.append(exc)
            else:
                raise bad(f"can't parse {name}: {errors[0].path}: {errors[0].msg}")
        return out

    # ------------------------------------------------------------ recursive checking
    def check(self, t: str, value: Any, path: str, top: bool = False) -> Any:
        if t.startswith("Array of "):
            if top and isinstance(value, str):
                try:
                    value = json.loads(value)
                except ValueError:
                    raise _Invalid(path, "can't parse JSON array") from None
            if not isinstance(value, list):
                raise _Invalid(path, f"must be {t}")
            inner = t[len("Array of "):]
            return [self.check(inner, v, f"{path}[{i}]") for i, v in enumerate(value)]
        if t == "Integer":
            if isinstance(value, bool):
                raise _Invalid(path, "must be Integer")
            if isinstance(value, int):
                return value
            if isinstance(value, str) and _INT_RE.match(value.strip()):
                return int(value)
            raise _Invalid(path, "must be Integer")
        if t == "Float":
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return float(value)
            if isinstance(value, str) and _FLOAT_RE.match(value.strip()):
                return float(value)
            raise _Invalid(path, "must be Float")
        if t == "Boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in ("true", "false", "1", "0"):
                return value.strip().lower() in ("true", "1")
            if top and isinstance(value, int) and value in (0, 1):
                return bool(value)
            raise _Invalid(path, "must be Boolean")
        if t in ("String", "InputFile"):
            if isinstance(value, str):
                return value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value)
            raise _Invalid(path, "must be String")
        spec = self.types.get(t)
        if spec is None:
            raise _Invalid(path, f"unknown type {t}")
        if t == "KeyboardButton" and isinstance(value, str):
            return value  # the real server accepts plain strings as reply keyboard buttons
        if not isinstance(value, dict):
            raise _Invalid(path, f"must be a JSON object ({t})")
        if spec.get("subtypes"):
            return self._check_abstract(t, spec, value, path)
        out = dict(value)
        for f in spec.get("fields", []):
            name = f["name"]
            if value.get(name) is None:
                if f["required"]:
                    raise _Invalid(f"{path}.{name}", "field is required")
                continue
            errors = []
            for ft in f["types"]:
                try:
                    out[name] = self.check(ft, value[name], f"{path}.{name}")
                    break
                except _Invalid as exc:
                    errors.append(exc)
            else:
                raise errors[0]
        const = self.discriminator(t)
        if const and out.get(const[0]) != const[1]:
            raise _Invalid(f"{path}.{const[0]}", f'must be "{const[1]}"')
        return out

    def _check_abstract(self, t: str, spec: dict, value: dict, path: str) -> dict:
        subs = spec["subtypes"]
        for sub in subs:
            const = self.discriminator(sub)
            if const and value.get(const[0]) == const[1]:
                return self.check(sub, value, path)
        if not any(self.discriminator(s) for s in subs):
            errors = []
            for sub in subs:
                try:
                    return self.check(sub, value, path)
                except _Invalid as exc:
                    errors.append(exc)
            raise errors[0]
        raise _Invalid(path, f"unsupported {t} type")

    @cache
    def discriminator(self, t: str) -> tuple[str, str] | None:
        """(field, constant) for types whose 'type'/'status'/'source' field is a fixed string."""
        spec = self.types.get(t) or {}
        if spec.get("subtypes") or "subtype_of" not in spec:
            return None
        for f in spec.get("fields", []):
            if f["name"] in ("type", "status", "source") and f["types"] == ["String"]:
                m = _CONST_RE.search(str(f.get("description", "")))
                if m:
                    return f["name"], m.group(1)
        return None

    # ------------------------------------------------------------ synthesis of plausible objects
    def synth(self, t: str, overrides: dict | None = None, _depth: int = 0) -> Any:
        if t.startswith("Array of "):
            return []
        if t == "Integer":
            return 0
        if t == "Float":
            return 0.0
        if t == "Boolean":
            return False
        if t in ("String", "InputFile"):
            return "fake"
        spec = self.types.get(t, {})
        if spec.get("subtypes"):
            return self.synth(spec["subtypes"][0], overrides, _depth)
        out: dict[str, Any] = {}
        const = self.discriminator(t)
        for f in spec.get("fields", []):
            if not f["required"] or _depth > 6:
                continue
            ft = f["types"][0]
            if ft == "String":
                m = _FIRST_QUOTED_RE.search(str(f.get("description", "")))
                out[f["name"]] = m.group(1) if m else "fake"
            else:
                out[f["name"]] = self.synth(ft, None, _depth + 1)
        if const:
            out[const[0]] = const[1]
        out.update(overrides or {})
        return out

    def validate_object(self, t: str, value: Any) -> None:
        """Raise AssertionError if `value` does not match spec type `t` (used to self-check output)."""
        try:
            self.check(t, value, t)
        except _Invalid as exc:
            raise AssertionError(f"{exc.path}: {exc.msg}") from None


_SPEC: Spec | None = None


def get_spec() -> Spec:
    global _SPEC
    if _SPEC is None:
        _SPEC = Spec()
    return _SPEC
