"""split_for_channel keeps every part within the limit and every character of the text."""
from __future__ import annotations

import random
import unicodedata

import pytest

from broadcasts.splitting import (TELEGRAM_TEXT, ZALO_TEXT, TextLimit, split_for_channel,
                                  utf16_len)

WORDS = ("Công an xã Tân Yên cảnh báo người dân về thủ đoạn lừa đảo qua mạng, giả danh cán bộ "
         "ngân hàng, yêu cầu chuyển tiền vào tài khoản lạ. Tuyệt đối không cung cấp mã OTP! "
         "Hãy gọi 113 hoặc báo ngay cho công an xã gần nhất? Cháy nổ, ma túy, tín dụng đen…"
         ).split()
EMOJI = ["🚨", "⚠️", "👮‍♂️", "👨‍👩‍👧‍👦", "📞", "🔥", "👍🏽", "🇻🇳", "❗", "🏍️", "1️⃣"]
SEPARATORS = [" ", " ", " ", " ", "\n", "\n\n", ". ", "! ", "  ", "\n \n", "\t"]
LIMITS = [TextLimit(n, utf16_len) for n in (2, 3, 7, 16, 40, 100, 333)] + [
    TextLimit(n) for n in (2, 5, 17, 64, 250)] + [TELEGRAM_TEXT, ZALO_TEXT]


def random_bulletin(rng: random.Random) -> str:
    """Vietnamese words (sometimes decomposed, NFD), emoji, newlines and odd spacing."""
    pieces = []
    for _ in range(rng.randint(0, 400)):
        word = rng.choice(WORDS) if rng.random() < 0.85 else rng.choice(EMOJI)
        if rng.random() < 0.1:
            word = unicodedata.normalize("NFD", word)
        if rng.random() < 0.02:
            word = word * rng.randint(5, 60)  # a "word" longer than a small limit
        pieces.append(word + rng.choice(SEPARATORS))
    return "".join(pieces)


@pytest.mark.parametrize("seed", range(40))
def test_parts_fit_and_nothing_is_lost(seed):
    rng = random.Random(seed)
    for _ in range(10):
        text = random_bulletin(rng)
        limit = rng.choice(LIMITS)
        parts = split_for_channel(text, limit)
        assert "".join(parts) == text
        assert all(part and limit.measure(part) <= limit.max_units for part in parts)


def test_a_text_within_the_limit_is_one_part():
    assert split_for_channel("Cảnh báo lừa đảo 🚨", TELEGRAM_TEXT) == ["Cảnh báo lừa đảo 🚨"]
    assert split_for_channel("", TELEGRAM_TEXT) == []


def test_telegram_counts_utf16_units_not_characters():
    assert utf16_len("🚨") == 2 and utf16_len("ả") == 1 and utf16_len("a\u0309") == 2
    text = "🚨" * 2048  # 2,048 characters, 4,096 units: exactly one message
    assert split_for_channel(text, TELEGRAM_TEXT) == [text]
    parts = split_for_channel(text + "🚨", TELEGRAM_TEXT)
    assert [utf16_len(p) for p in parts] == [4096, 2]
    assert len(split_for_channel("🚨" * 2000, ZALO_TEXT)) == 1  # Zalo counts characters


def test_paragraphs_are_preferred_to_lines_sentences_and_words():
    para1 = "Câu một. Câu hai dài hơn một chút.\nDòng thứ hai của đoạn một."
    para2 = "Đoạn hai bắt đầu ở đây."
    parts = split_for_channel(f"{para1}\n\n{para2}", len(para1) + 5)
    assert parts == [para1 + "\n\n", para2]


def test_sentences_before_words_and_no_stub_parts():
    text = "Không chuyển tiền cho người lạ. Gọi ngay 113 khi thấy dấu hiệu đáng ngờ nhé"
    parts = split_for_channel(text, 50)
    assert parts[0] == "Không chuyển tiền cho người lạ. "
    assert all(len(p) <= 50 for p in parts) and "".join(parts) == text
    # A line break near the start would make a stub; a later sentence end is used instead.
    text = "Tin\nCông an xã cảnh báo. Người dân cần cảnh giác với các cuộc gọi lạ"
    assert split_for_channel(text, 30)[0] == "Tin\nCông an xã cảnh báo. "


def test_words_are_not_cut_when_a_space_exists():
    text = "cảnh giác " * 30
    for part in split_for_channel(text, 37):
        assert part.endswith(" ")


def test_a_hard_cut_keeps_accents_and_emoji_whole():
    nfd = unicodedata.normalize("NFD", "ĐƯỜNGDÂYNÓNG" * 4)  # no spaces: must be cut hard
    for part in split_for_channel(nfd, 7):
        assert not unicodedata.category(part[0]).startswith("M")
    family = "👨‍👩‍👧‍👦" * 5
    parts = split_for_channel(family, TextLimit(16, utf16_len))  # 16 units end inside the 2nd
    assert parts == ["👨‍👩‍👧‍👦"] * 5


def test_limits_that_cannot_hold_a_character_are_refused():
    with pytest.raises(ValueError):
        split_for_channel("abc", 1)
