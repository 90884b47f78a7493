"""Tests for hikisup_xl.core.text (width, kana, names, 〒, phone, e-mail)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hikisup_xl.core.text import (
    clean_spaces,
    has_fullwidth_ascii,
    has_halfwidth_kana,
    is_kana,
    is_mobile,
    is_valid_email,
    name_key,
    nfkc,
    normalize_phone,
    normalize_postal,
    to_hiragana,
)

# --------------------------------------------------------------------------- width / spaces


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("１２３ＡＢＣａｂｃ", "123ABCabc"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ヤマダ タロウ"),
        ("ｶﾞｷﾞｸﾞ", "ガギグ"),
        ("山田\u3000太郎", "山田 太郎"),
        ("（火）", "(火)"),
        ("", ""),
    ],
)
def test_nfkc(text: str, expected: str) -> None:
    assert nfkc(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  山田  太郎  ", "山田 太郎"),
        ("山田\u3000\u3000太郎", "山田\u3000太郎"),
        ("\u3000山田\u3000太郎\u3000", "山田\u3000太郎"),
        ("a   b c", "a b c"),
        ("a \u3000 b", "a b"),
        ("", ""),
        ("   ", ""),
        ("\t山田\n", "山田"),
    ],
)
def test_clean_spaces(text: str, expected: str) -> None:
    assert clean_spaces(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ヤマダ タロウ", "やまだ たろう"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "やまだ たろう"),
        ("スーパー", "すーぱー"),
        ("ァィゥェォッャュョヮ", "ぁぃぅぇぉっゃゅょゎ"),
        ("ヴ", "ゔ"),
        ("ヵヶ", "ゕゖ"),
        ("山田・タロウ", "山田・たろう"),
        ("ひらがな", "ひらがな"),
        ("ABC", "ABC"),
    ],
)
def test_to_hiragana(text: str, expected: str) -> None:
    assert to_hiragana(text) == expected


# --------------------------------------------------------------------------- name_key


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("山田　太郎", "山田太郎"),
        ("山田 太郎", "山田太郎"),
        (" 山田  太郎 ", "山田太郎"),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "やまだたろう"),
        ("ヤマダ　タロウ", "やまだたろう"),
        ("ヤマダ・タロウ", "やまだたろう"),
        ("Ｙａｍａｄａ Ｔａｒｏ", "yamadataro"),
        ("YAMADA taro", "yamada TARO"),
        ("ｶﾞｯｺｳ", "がっこう"),
    ],
)
def test_name_key_equal(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("山田太郎", "山田次郎"),
        ("やまだたろう", "やまだたろお"),
        ("山田太郎", "やまだたろう"),  # kanji and reading are different keys
        ("カ", "ガ"),
    ],
)
def test_name_key_different(a: str, b: str) -> None:
    assert name_key(a) != name_key(b)


def test_name_key_examples() -> None:
    assert name_key("ﾔﾏﾀﾞ ﾀﾛｳ") == "やまだたろう"
    assert name_key("山田　太郎") == "山田太郎"
    assert name_key("") == ""


# --------------------------------------------------------------------------- kana / width checks


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("やまだ たろう", True),
        ("ヤマダ　タロウ", True),
        ("ﾔﾏﾀﾞ ﾀﾛｳ", True),
        ("ヤマダ・タロウ", True),
        ("スーパー", True),
        ("ゔぁ", True),
        ("山田", False),
        ("やまだ太郎", False),
        ("yamada", False),
        ("ヤマダ1", False),
        ("", False),
        ("   ", False),
        ("\u3000", False),
        ("ヤマダ\nタロウ", False),
    ],
)
def test_is_kana(text: str, expected: bool) -> None:
    assert is_kana(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("ﾔﾏﾀﾞ", True), ("ｰ", True), ("｡", True), ("ヤマダ", False), ("abc", False), ("", False)],
)
def test_has_halfwidth_kana(text: str, expected: bool) -> None:
    assert has_halfwidth_kana(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ＡＢＣ", True),
        ("１２３", True),
        ("ａ", True),
        ("！", True),
        ("～", True),
        ("山田\u3000太郎", False),
        ("abc", False),
        ("ヤマダ", False),
        ("", False),
    ],
)
def test_has_fullwidth_ascii(text: str, expected: bool) -> None:
    assert has_fullwidth_ascii(text) is expected


# --------------------------------------------------------------------------- 〒


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234567", "123-4567"),
        ("123-4567", "123-4567"),
        ("〒123-4567", "123-4567"),
        ("〒 123-4567", "123-4567"),
        ("123ー4567", "123-4567"),
        ("123ｰ4567", "123-4567"),
        ("123－4567", "123-4567"),
        ("123‐4567", "123-4567"),
        ("123–4567", "123-4567"),
        ("123—4567", "123-4567"),
        ("123−4567", "123-4567"),
        ("１２３４５６７", "123-4567"),
        ("〒１２３－４５６７", "123-4567"),
        (" 400-0031 ", "400-0031"),
        ("123 4567", "123-4567"),
        ("123456", None),
        ("12345678", None),
        ("12-34567", None),
        ("123--4567", None),
        ("123-456a", None),
        ("〒", None),
        ("", None),
        ("abc-defg", None),
        ("٣٤٥٦٧٨٩", None),
    ],
)
def test_normalize_postal(text: str, expected: str | None) -> None:
    assert normalize_postal(text) == expected


# --------------------------------------------------------------------------- phone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("090-1234-5678", "090-1234-5678"),
        ("09012345678", "090-1234-5678"),
        ("０９０－１２３４－５６７８", "090-1234-5678"),
        ("０９０ー１２３４ー５６７８", "090-1234-5678"),
        ("090ｰ1234ｰ5678", "090-1234-5678"),
        ("090−1234−5678", "090-1234-5678"),
        ("090 1234 5678", "090-1234-5678"),
        ("080-1234-5678", "080-1234-5678"),
        ("070-1234-5678", "070-1234-5678"),
        ("+81 90-1234-5678", "090-1234-5678"),
        ("03-1234-5678", "03-1234-5678"),
        ("0312345678", "03-1234-5678"),
        ("03(1234)5678", "03-1234-5678"),
        ("(03)1234-5678", "03-1234-5678"),
        ("０３（１２３４）５６７８", "03-1234-5678"),
        ("055-223-1234", "055-223-1234"),
        ("0552231234", "055-223-1234"),
        ("06-6123-4567", "06-6123-4567"),
        ("011-223-4567", "011-223-4567"),
        ("0466-12-3456", "0466-12-3456"),
        ("050-1234-5678", "050-1234-5678"),
        ("0120-123-456", "0120-123-456"),
        # phonenumbers regroups free-dial numbers (commonly written 0120-12-3456)
        ("0120-12-3456", "0120-123-456"),
    ],
)
def test_normalize_phone(text: str, expected: str) -> None:
    assert normalize_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "03-1234-5678 内線123",
        "03-1234-5678（内線123）",
        "03-1234-5678 ext. 12",
        "03-1234-5678#12",
        "03-1234-567",
        "090-1234-567",
        "090-1234-56789",
        "1234-5678",
        "110",
        "119",
        "+1 650 253 0000",  # valid, but not a Japanese number
        "+44 20 7946 0958",
        "090-1234-5678 / 03-1234-5678",
        "-",
        "+",
        "0" * 40,
    ],
)
def test_normalize_phone_rejects(text: str) -> None:
    assert normalize_phone(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("090-1234-5678", True),
        ("０８０ー１２３４ー５６７８", True),
        ("07012345678", True),
        ("+81 90 1234 5678", True),
        ("03-1234-5678", False),
        ("050-1234-5678", False),
        ("0120-123-456", False),
        ("090-1234-567", False),
        ("", False),
    ],
)
def test_is_mobile(text: str, expected: bool) -> None:
    assert is_mobile(text) is expected


# --------------------------------------------------------------------------- e-mail


@pytest.mark.parametrize(
    "text",
    [
        "a@b.jp",
        "taro.yamada@example.co.jp",
        "taro+volunteer@city.example.lg.jp",
        "TARO_Y-1@Example.JP",
        "taro..yamada@docomo.ne.jp",
        "a@xn--eckwd4c7c.jp",
        "a@123.example.jp",
    ],
)
def test_email_valid(text: str) -> None:
    assert is_valid_email(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "",
        "a",
        "a@b",
        "@b.jp",
        "a@",
        "a@@b.jp",
        "a@b@c.jp",
        "a@.b.jp",
        "a@b.jp.",
        "a@b..jp",
        ".a@b.jp",
        "a.@b.jp",
        "a b@c.jp",
        " a@b.jp",
        "a@b.jp ",
        "a@b_c.jp",
        "a@-b.jp",
        "a@b-.jp",
        "ａ@b.jp",
        "a＠b.jp",
        "a@ｂ.jp",
        "やまだ@example.jp",
        "a@例え.jp",
        "a@b.jp,c@d.jp",
        "a" * 65 + "@b.jp",
    ],
)
def test_email_invalid(text: str) -> None:
    assert is_valid_email(text) is False


# --------------------------------------------------------------------------- properties

_JP_TEXT = st.text(
    alphabet=st.sampled_from(
        "あいうえおがぱアイウエオガパヴヵｱｲｳｶﾞﾊﾟｰー・･ 　山田太郎ABCabcＡＢＣ０１２"
        "0123456789-‐−–—－〒()（）+@.\u0308\u3099"
    ),
    max_size=20,
)
_ANY_TEXT = st.one_of(st.text(), _JP_TEXT)


@settings(max_examples=300)
@given(_ANY_TEXT)
def test_name_key_idempotent(text: str) -> None:
    key = name_key(text)
    assert name_key(key) == key
    assert not any(ch.isspace() for ch in key)
    assert "・" not in key


@settings(max_examples=300)
@given(_ANY_TEXT)
def test_name_key_ignores_width_and_script(text: str) -> None:
    assert name_key(text) == name_key(to_hiragana(text))
    assert name_key(text) == name_key(nfkc(text))


@settings(max_examples=300)
@given(_ANY_TEXT)
def test_normalize_postal_total(text: str) -> None:
    result = normalize_postal(text)
    assert result is None or (len(result) == 8 and result[3] == "-")
    if result is not None:
        assert normalize_postal(result) == result


@settings(max_examples=300)
@given(st.one_of(_ANY_TEXT, st.from_regex(r"\+?0[0-9]{1,4}-?[0-9]{1,4}-?[0-9]{3,5}")))
def test_normalize_phone_total(text: str) -> None:
    result = normalize_phone(text)
    if result is not None:
        assert normalize_phone(result) == result
        assert result.startswith("0")
    assert isinstance(is_mobile(text), bool)


@settings(max_examples=300)
@given(_ANY_TEXT)
def test_other_functions_total(text: str) -> None:
    assert isinstance(is_valid_email(text), bool)
    assert isinstance(is_kana(text), bool)
    assert isinstance(has_halfwidth_kana(text), bool)
    assert isinstance(has_fullwidth_ascii(text), bool)
    cleaned = clean_spaces(text)
    assert clean_spaces(cleaned) == cleaned
    assert isinstance(to_hiragana(text), str)
