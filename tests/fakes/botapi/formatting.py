"""Text rules of the Bot API: UTF-16 length, parse_mode parsing (HTML, MarkdownV2, Markdown)."""
from __future__ import annotations

import re

from .spec import bad


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the way Telegram counts message length and entity offsets."""
    return len(text.encode("utf-16-le")) // 2


class ParseError(Exception):
    pass


HTML_TAGS = {
    "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline", "ins": "underline",
    "s": "strikethrough", "strike": "strikethrough", "del": "strikethrough", "a": "text_link",
    "code": "code", "pre": "pre", "tg-spoiler": "spoiler", "span": "spoiler",
    "blockquote": "blockquote", "tg-emoji": "custom_emoji",
}
_TAG_RE = re.compile(
    r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z_-]+(?:\s*=\s*(?:\"[^\"]*\"|'[^']*'|[^\s>\"']+))?)*)\s*>"
)
_ATTR_RE = re.compile(r"([a-zA-Z_-]+)(?:\s*=\s*(?:\"([^\"]*)\"|'([^']*)'|([^\s>\"']+)))?")
_ENTITY_RE = re.compile(r"&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0  # utf-16 position in plain text
        self.entities: list[dict] = []

    def add(self, s: str) -> None:
        self.parts.append(s)
        self.pos += utf16_len(s)

    def close(self, etype: str, start: int, **extra) -> None:
        if self.pos > start:
            self.entities.append({"type": etype, "offset": start, "length": self.pos - start, **extra})

    def result(self) -> tuple[str, list[dict]]:
        self.entities.sort(key=lambda e: (e["offset"], -e["length"]))
        return "".join(self.parts), self.entities


def _boff(text: str, i: int) -> int:
    return len(text[:i].encode("utf-8"))


def parse_html(text: str) -> tuple[str, list[dict]]:
    out = _Builder()
    stack: list[tuple[str, int, dict]] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "<":
            m = _TAG_RE.match(text, i)
            if not m:
                raise ParseError(f"Unexpected end of name token at byte offset {_boff(text, i)}")
            closing, name, attrs = m.group(1), m.group(2).lower(), m.group(3)
            if closing:
                if not stack:
                    raise ParseError(f"Unexpected end tag at byte offset {_boff(text, i)}")
                top, start, extra = stack.pop()
                if top != name:
                    raise ParseError(
                        f'Unmatched end tag at byte offset {_boff(text, i)}, expected "</{top}>", found "</{name}>"'
                    )
                etype = HTML_TAGS[top]
                if top == "a" and "url" not in extra:
                    pass  # <a> without href is ignored by Telegram
                else:
                    out.close(etype, start, **extra)
            else:
                if name not in HTML_TAGS:
                    raise ParseError(f'Unsupported start tag "{name}" at byte offset {_boff(text, i)}')
                attr = {a.group(1).lower(): a.group(2) or a.group(3) or a.group(4) or "" for a in _ATTR_RE.finditer(attrs)}
                extra: dict = {}
                if name == "span" and attr.get("class") != "tg-spoiler":
                    raise ParseError(f'Tag "span" must have class "tg-spoiler" at byte offset {_boff(text, i)}')
                if name == "a" and attr.get("href"):
                    extra["url"] = attr["href"]
                if name == "tg-emoji":
                    if not attr.get("emoji-id"):
                        raise ParseError(f'Tag "tg-emoji" must have attribute "emoji-id" at byte offset {_boff(text, i)}')
                    extra["custom_emoji_id"] = attr["emoji-id"]
                if name == "blockquote" and "expandable" in attr:
                    extra["_expandable"] = True
                stack.append((name, out.pos, extra))
            i = m.end()
        elif c == "&":
            m = _ENTITY_RE.match(text, i)
            if not m:
                raise ParseError(
                    f"Character '&' at byte offset {_boff(text, i)} must be escaped as &amp; (unsupported HTML entity)"
                )
            ent = m.group(1)
            if ent.startswith("#x"):
                out.add(chr(int(ent[2:], 16)))
            elif ent.startswith("#"):
                out.add(chr(int(ent[1:])))
            else:
                out.add(_NAMED[ent])
            i = m.end()
        else:
            j = i
            while j < len(text) and text[j] not in "<&":
                j += 1
            out.add(text[i:j])
            i = j
    if stack:
        raise ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    plain, ents = out.result()
    for e in ents:
        if e.pop("_expandable", False):
            e["type"] = "expandable_blockquote"
    return plain, ents


_MDV2_RESERVED = set("_*[]()~`>#+-=|{}.!")
_MDV2_TOGGLES = [("```", "pre"), ("||", "spoiler"), ("__", "underline"), ("*", "bold"),
                 ("_", "italic"), ("~", "strikethrough"), ("`", "code")]


def parse_markdown_v2(text: str) -> tuple[str, list[dict]]:
    out = _Builder()
    stack: list[tuple[str, str, int, int]] = []  # (token, etype, utf16 start, index in text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        in_code = bool(stack) and stack[-1][1] in ("pre", "code")
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) < 127:
            out.add(text[i + 1])
            i += 2
            continue
        if in_code:
            tok = stack[-1][0]
            if text.startswith(tok, i):
                _, etype, start, _ = stack.pop()
                out.close(etype, start)
                i += len(tok)
            else:
                out.add(c)
                i += 1
            continue
        if c == "]" and any(s[0] == "[" for s in stack):
            if stack[-1][0] != "[":
                raise ParseError(f"Can't find end of {stack[-1][1]} entity at byte offset {_boff(text, stack[-1][3])}")
            _, _, start, _ = stack.pop()
            if not text.startswith("(", i + 1):
                raise ParseError("Character ']' is reserved and must be escaped with the preceding '\\'")
            j, url = i + 2, []
            while j < n and text[j] != ")":
                if text[j] == "\\" and j + 1 < n:
                    j += 1
                url.append(text[j])
                j += 1
            if j >= n:
                raise ParseError(f"Can't find end of a url at byte offset {_boff(text, i + 2)}")
            out.close("text_link", start, url="".join(url))
            i = j + 1
            continue
        if c == "[":
            stack.append(("[", "text_link", out.pos, i))
            i += 1
            continue
        if c == ">" and (i == 0 or text[i - 1] == "\n"):
            i += 1  # blockquote marker at line start
            continue
        for tok, etype in _MDV2_TOGGLES:
            if text.startswith(tok, i):
                if stack and stack[-1][0] == tok:
                    _, etype, start, _ = stack.pop()
                    out.close(etype, start)
                elif any(s[0] == tok for s in stack):
                    raise ParseError(f"Can't find end of {stack[-1][1]} entity at byte offset {_boff(text, stack[-1][3])}")
                else:
                    stack.append((tok, etype, out.pos, i))
                    if tok == "```":  # optional language on the opening line
                        k = i + 3
                        while k < n and text[k] not in "\n`":
                            k += 1
                        i = k + 1 if k < n and text[k] == "\n" else i + 3
                        break
                i += len(tok)
                break
        else:
            if c in _MDV2_RESERVED:
                raise ParseError(f"Character '{c}' is reserved and must be escaped with the preceding '\\'")
            out.add(c)
            i += 1
    if stack:
        raise ParseError(f"Can't find end of {stack[-1][1]} entity at byte offset {_boff(text, stack[-1][3])}")
    return out.result()


def parse_markdown(text: str) -> tuple[str, list[dict]]:
    """Legacy Markdown: *bold* _italic_ `code` ```pre``` [text](url)."""
    out = _Builder()
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.add(text[i + 1])
            i += 2
            continue
        tok = "```" if text.startswith("```", i) else c
        if tok in ("*", "_", "`", "```"):
            end = text.find(tok, i + len(tok))
            if end < 0:
                raise ParseError(f"Can't find end of the entity starting at byte offset {_boff(text, i)}")
            start = out.pos
            out.add(text[i + len(tok):end])
            out.close({"*": "bold", "_": "italic", "`": "code", "```": "pre"}[tok], start)
            i = end + len(tok)
            continue
        if c == "[":
            m = re.compile(r"\[([^\]]*)\]\(([^)]*)\)").match(text, i)
            if not m:
                raise ParseError(f"Can't find end of the entity starting at byte offset {_boff(text, i)}")
            start = out.pos
            out.add(m.group(1))
            out.close("text_link", start, url=m.group(2))
            i = m.end()
            continue
        out.add(c)
        i += 1
    return out.result()


def parse_text(text: str, parse_mode: str | None, entities: list | None = None) -> tuple[str, list[dict]]:
    """Apply parse_mode like the server; raise ApiError 400 on parse errors."""
    if not parse_mode:
        return text, list(entities or [])
    mode = parse_mode.lower()
    parser = {"html": parse_html, "markdownv2": parse_markdown_v2, "markdown": parse_markdown}.get(mode)
    if parser is None:
        raise bad("unsupported parse_mode")
    try:
        return parser(text)
    except ParseError as exc:
        raise bad(f"can't parse entities: {exc}") from None


_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_URL_RE = re.compile(r"(?<!\S)https?://[^\s<>]+")


def auto_entities(text: str) -> list[dict]:
    """Entities the server detects in user-sent text: bot commands and URLs."""
    ents = []
    for regex, etype in ((_COMMAND_RE, "bot_command"), (_URL_RE, "url")):
        for m in regex.finditer(text):
            ents.append({"type": etype, "offset": utf16_len(text[: m.start()]), "length": utf16_len(m.group(0))})
    return sorted(ents, key=lambda e: e["offset"])


def check_length(plain: str, *, caption: bool = False) -> None:
    size = utf16_len(plain)
    if caption:
        if size > 1024:
            raise bad("message caption is too long")
        return
    if not plain.strip():
        raise bad("message text is empty")
    if size > 4096:
        raise bad("message is too long")
