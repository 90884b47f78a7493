"""The layout model and every form's layout, without any rendering."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from forms_helpers import BLANKS, LABELS, SETTINGS, TODAY, squeeze

from hikisup_xl.forms import (
    application,
    card,
    case_consent,
    certificate,
    consent,
    flyer,
    invitation,
    registration,
    renewal,
    report,
    roster,
)
from hikisup_xl.forms.kinds import KINDS, find_kind
from hikisup_xl.forms.layout import Block, Grid, LayoutError, Sheet, lines_needed, text_units
from hikisup_xl.forms.records import (
    Context,
    Graduate,
    ProgramItem,
    Report,
    Supporter,
    Training,
)

D = dt.date
CTX = Context(SETTINGS, TODAY)
PRINTABLE_MM = (180.0, 267.0)  # A4 less 15 mm margins

PERSON = Supporter(
    reg_no="001",
    kana="やまだ　たろう",
    name="山田　太郎",
    sex="男",
    birth=D(1980, 5, 1),
    postal="400-0031",
    address="甲府市中央一丁目1-1",
    phone="055-223-1234",
    mobile="090-1234-5678",
    email="taro@example.jp",
    cert_no="001",
    motive="家族の経験から",
    skills="社会福祉士",
    applied=D(2025, 7, 20),
    consent=D(2025, 7, 20),
    issued=D(2025, 8, 10),
    period_start=D(2025, 8, 10),
    period_end=D(2027, 8, 9),
    state="登録中",
    memo="",
)
EVENT = Training(
    "F1", "継続研修", "サポーター継続研修", D(2026, 12, 15), None, None, "会議室", "", None
)
REPORT = Report(
    "R1", D(2026, 11, 20), "001", "山田　太郎", "C0001", D(2026, 11, 15), dt.time(10), dt.time(11),
    "ご自宅", "訪問", None, "雑談", "元気", "来週", "確認", "継続", None, None,
)  # fmt: skip


def both(kind: str) -> list[Sheet]:
    """The blank form and a filled one, straight from the form modules."""
    if kind == "application":
        return [application.sheet(None, CTX), application.sheet(EVENT, CTX)]
    if kind == "flyer":
        items = [ProgramItem(dt.time(13, 30), dt.time(14, 30), "講義")]
        return [flyer.sheet(None, (), CTX), flyer.sheet(EVENT, items, CTX)]
    if kind == "certificate":
        grad = Graduate("001", "山田　太郎", D(2025, 7, 10), None)
        return [certificate.sheet(None, CTX), certificate.sheet(grad, CTX)]
    if kind == "roster":
        return [*roster.sheets([], CTX), *roster.sheets([PERSON], CTX)]
    if kind == "case-consent":
        return [case_consent.sheet(None, CTX), case_consent.sheet("C0001", CTX)]
    if kind == "report":
        return [report.sheet(None, CTX), report.sheet(REPORT, CTX)]
    if kind == "invitation":
        return [invitation.sheet(None, EVENT, CTX), invitation.sheet(PERSON, EVENT, CTX)]
    module = {
        "registration": registration,
        "consent": consent,
        "card": card,
        "renewal": renewal,
    }[kind]
    return [module.sheet(None, CTX), module.sheet(PERSON, CTX)]


KIND_KEYS = [k.key for k in KINDS]


@pytest.mark.parametrize("kind", KIND_KEYS)
def test_every_label_of_the_seed_is_on_the_form_in_the_seeds_order(kind: str) -> None:
    for sheet in both(kind):
        text = squeeze("".join(sheet.texts()))
        at = 0
        for label in LABELS[kind]:
            found = text.find(squeeze(label), at)
            assert found >= 0, f"{sheet.name}: 「{label}」 missing or out of order"
            at = found + len(squeeze(label))


@pytest.mark.parametrize("kind", KIND_KEYS)
def test_blank_forms_print_the_seeds_blanks_with_reiwa(kind: str) -> None:
    blank = both(kind)[0]
    text = squeeze("".join(blank.texts()))
    for words in BLANKS[kind]:
        assert squeeze(words) in text, f"{blank.name}: 「{words}」"
    assert "平成" not in text


@pytest.mark.parametrize("kind", KIND_KEYS)
def test_every_form_fits_the_printable_a4_area(kind: str) -> None:
    for sheet in both(kind):
        assert sheet.width_mm == pytest.approx(PRINTABLE_MM[0])
        assert sheet.height_mm <= PRINTABLE_MM[1], sheet.name


def test_a_very_long_text_grows_its_row_instead_of_being_cut() -> None:
    short = report.sheet(REPORT, CTX)
    tall = report.sheet(replace(REPORT, record="長い記録です。" * 60), CTX)
    assert tall.height_mm > short.height_mm + 20
    record = next(b for b in tall.blocks if b.text.startswith("長い記録"))
    assert record.style.wrap


def test_seed_placeholders_are_filled_from_settings() -> None:
    text = "".join(both("case-consent")[0].texts())
    assert "甲府市ひきこもりサポーターによる支援への同意について" in text
    assert "甲府市長　山田　一郎　殿" in text
    assert "甲府市認定のひきこもりサポーター" in text
    assert "担当者：見本　花子" in text and "055-237-1161" in text and "055-237-0000" in text
    assert "〇〇" not in text and "○○" not in text
    cert = "".join(both("certificate")[1].texts())
    assert "甲府市長　山田　一郎" in cert and "令和7年度" in cert


def test_the_case_consent_form_prints_no_case_data_but_its_id() -> None:
    filled = both("case-consent")[1]
    assert [t for t in filled.texts() if "C0001" in t] == ["ケースID：C0001"]


def test_the_chosen_choice_is_boxed_and_bold_the_others_not() -> None:
    sheet = report.sheet(REPORT, CTX)
    marks = {b.text: b for b in sheet.blocks if b.text in ("訪問", "面接", "継続", "終了")}
    assert marks["訪問"].style.bold and not marks["訪問"].frame.empty
    assert marks["継続"].style.bold and not marks["継続"].frame.empty
    assert not marks["面接"].style.bold and marks["面接"].frame.empty
    assert not marks["終了"].style.bold and marks["終了"].frame.empty


def test_roster_pages_hold_ten_people_each_with_the_header_on_every_page() -> None:
    pages = roster.sheets([PERSON] * 23, CTX)
    assert [p.name for p in pages] == ["登録名簿_1", "登録名簿_2", "登録名簿_3"]
    for n, page in enumerate(pages, start=1):
        texts = page.texts()
        assert "登録期間" in texts and "備考" in texts
        assert f"{n}／3" in texts
    assert sum(t == "001" for p in pages for t in p.texts()) == 23


def test_gannen_and_the_fiscal_year_of_a_2019_completion() -> None:
    grad = Graduate("002", "令和　元子", D(2019, 5, 1), None)
    text = "".join(certificate.sheet(grad, CTX).texts())
    assert "令和元年度" in text and "令和元年5月1日" in text and "平成" not in text


def test_overlapping_or_outside_blocks_are_refused() -> None:
    with pytest.raises(LayoutError, match="overlaps"):
        Sheet("x", (5.0, 5.0), (5.0,), (Block(0, 0, "a", cols=2), Block(0, 1, "b")))
    with pytest.raises(LayoutError, match="outside"):
        Sheet("x", (5.0,), (5.0,), (Block(0, 0, "a", cols=2),))


def test_grid_builds_rows_top_to_bottom() -> None:
    g = Grid(cols=4, width_mm=40)
    first = g.row(10)
    rest = g.rows(5, 5)
    g.put(first, 0, "題", cols=4)
    g.fill(30)
    sheet = g.sheet("s")
    assert sheet.col_mm == (10.0,) * 4
    assert sheet.row_mm == (10, 5, 5, 10)
    assert list(rest) == [1, 2]


def test_rows_stay_within_excels_409_points() -> None:
    huge = report.sheet(replace(REPORT, record="とても長い記録。" * 400), CTX)
    assert max(huge.row_mm) == pytest.approx(409 * 25.4 / 72)
    with pytest.raises(LayoutError, match="409"):
        Sheet("x", (5.0,), (150.0,), ())


def test_text_measure() -> None:
    assert text_units("ab漢字") == 3
    # 10 × 3.7 mm fit in 38 mm, but a line is left one em short (proportional Latin glyphs)
    assert lines_needed("あ" * 9, 40.0, 10.5) == 1
    assert lines_needed("あ" * 10, 40.0, 10.5) == 2
    assert lines_needed("あ" * 27, 40.0, 10.5) == 3
    assert lines_needed("a\nb", 40.0, 10.5) == 2


def test_kinds_are_found_by_japanese_english_and_seed_names() -> None:
    assert find_kind("修了証書") is find_kind("certificate") is find_kind("資料３")
    assert find_kind("Case_Consent").name == "当事者同意書"
    assert find_kind(" 登録名簿 ").key == "roster"
