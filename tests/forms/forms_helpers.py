"""Shared data for the forms tests: the seed's words per form, a small world, PDF text helpers."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import World, base_world, world_rows, write_workbook

from hikisup_xl.core.settings import Settings
from hikisup_xl.forms.pdf import find_soffice

D = dt.date
TODAY = D(2026, 11, 26)
SETTINGS = Settings(
    body_name="甲府市",
    mayor_name="甲府市長　山田　一郎",
    department="福祉保健部 障害福祉課",
    staff="見本　花子",
    phone="055-237-1161",
    extension="1234",
    fax="055-237-0000",
    warn_days=60,
)
WS = re.compile(r"\s+")

# Every label of each form in the seed (資料2–9), in the seed's words and order, with the
# seed's spacing removed ('氏  名' is 氏名). 〇〇-placeholders the forms fill from 設定 are left
# out here and checked as filled values.
LABELS: dict[str, tuple[str, ...]] = {
    # 資料2 表面 (the flyer's front; its back is the application form below)
    "flyer": (
        "年度",
        "ひきこもりについての理解を深め、ひきこもり状態にあるご本人やご家族に寄り添い、"
        "ひきこもり支援の取組みに協力していただけるひきこもりサポーターの養成研修を開催します。",
        "関心のある方は、ぜひご参加ください。",
        "日時",
        "会場",
        "対象者",
        "内容",
        "時間",
        "内容",
        "（※研修修了者には修了証を発行いたします。）",
        "＊参加希望の方は、",
        "までに FAX または郵送（裏面申込書）でお申し込みください。",
        "◇ 申込・問い合わせ ◇",
        "電話",
        "FAX",
    ),
    "application": (
        "ひきこもりサポーター養成研修",
        "参加申込書",
        "申込・問い合わせ",
        "FAX",
        "申込〆切日：",
        "氏名",
        "住所または所属",
        "連絡先",
    ),
    "certificate": (
        "年度",
        "修了番号",
        "ひきこもりサポーター養成研修",
        "修了証書",
        "様",
        "あなたは、",
        "年度ひきこもりサポーター養成研修を受講し修了したことを証します",
        "印",
    ),
    "registration": (
        "ひきこもりサポーター登録申込書",
        "様",
        "下記のとおりひきこもりサポーターの登録を申し込みます。",
        "ふりがな",
        "氏名",
        "印",
        "生年月日",
        "住所",
        "連絡先",
        "電話",
        "電話（携帯）",
        "E-Mail：",
        "修了番号",
        "サポーターに",
        "なろうと思っ",
        "た動機・理由",
        "資格",
        "特技",
    ),
    "consent": (
        "同意書",
        "私は、",
        "認定のひきこもりサポーターとして活動を行うに当たり、下記の事項に同意します。",
        "記",
        "１",
        "名簿への登録のため、私の氏名、性別、生年月日、住所、連絡先等の個人情報を名簿に登載し、"
        "ひきこもり派遣事業を実施に供用することを承諾します。",
        "２",
        "ひきこもりサポーター派遣事業の実施機関の指示のもとに活動します。",
        "また、活動における約束、時間等を遵守します。",
        "３",
        "活動において知り得た個人情報等について、外部に漏らしません。",
        "また、ひきこもりサポーターを辞めた後も同様に、活動において知り得た個人情報等について、"
        "外部に漏らしません。",
        "４",
        "ひきこもりサポーターの信用を失墜する行為をしません。",
        "５",
        "ひきこもりサポーターの活動の知識・技能のステップアップのための研修等に積極的に参加します。",
        "本人署名",
    ),
    "card": (
        "ひきこもりサポーター登録証",
        "様",
        "ひきこもりサポーターとして下記のとおり登録します。",
        "登録番号",
        "登録期間",
        "ふりがな",
        "氏名",
        "（生年月日）",
        "住所",
        "連絡先",
        "備考",
        "印",
    ),
    "roster": (
        "ひきこもりサポーター登録名簿",
        "登録",
        "番号",
        "登録期間",
        "氏名（性別）",
        "（生年月日）",
        "住所",
        "連絡先",
        "備考",
    ),
    "case-consent": (
        "ひきこもりサポーターによる支援への同意について",
        "殿",
        "私は、",
        "認定のひきこもりサポーターによる支援を受けるにあたり、次の事項に同意します。",
        "○",
        "私の氏名、性別、生年月日、住所、連絡先、相談内容、生活歴、既往歴等の個人情報のうち、"
        "支援に必要と市町村が認める情報をひきこもりサポーターに提供されることに承諾します。",
        "支援内容や支援方針等に関する私の意見や希望等は、市町村担当者やひきこもりサポーター等に"
        "伝えるよう努力し、そこに変更が生じた場合にも同様に対応します。",
        "私への支援にあたり、支援内容や支援方針等を検討するための会議が開催されることを承諾し、"
        "要請があれば参加もしくは私の意見、希望等を市町村担当者やひきこもりサポーター等に"
        "伝えるよう努力します。",
        "私が支援を受ける際の約束や支援内容等は市町村担当者やひきこもりサポーターとよく話し合い、"
        "共有し、皆で決めたことは守ります。",
        "私が支援を受ける際、その支援内容により発生する実費は自己負担します。",
        "本人署名",
        "お問い合わせ先",
        "担当者：",
        "連絡先：（ＴＥＬ）",
        "（ＦＡＸ）",
    ),
    "report": (
        "ひきこもりサポーター活動報告書",
        "報告日：",
        "サポーター氏名：",
        "対象者氏名",
        "活動日時",
        "活動場所",
        "活動種別",
        "訪問・面接・外出同行・関係者会議等",
        "その他（",
        "具体的活動内容",
        "記録",
        "（対象者の様子や活動による反応、サポーター自身の所感等）",
        "次回",
        "（次回の約束や対象者からの要望、意見等）",
        "今後の活動内容",
        "（市町村担当者との確認や打ち合わせ事項等）",
        "今後の方針",
        "継続・中断・終了",
        "その他（",
        "備考",
    ),
    "renewal": (
        "ひきこもりサポーター登録期間満了のお知らせ",
        "記",
        "登録番号",
        "氏名",
        "登録期間",
        "提出書類",
        "ひきこもりサポーター登録申込書、同意書",
        "提出期限",
        "以上",
        "お問い合わせ先",
    ),
    "invitation": (
        "のご案内",
        "記",
        "名称",
        "日時",
        "会場",
        "内容",
        "申込先",
        "以上",
        "お問い合わせ先",
    ),
}

# What the seed's blank forms print in their fields (年 月 日 blanks now with 令和, 〒 －, the
# choices), checked on the blank forms.
BLANKS: dict[str, tuple[str, ...]] = {
    "flyer": (
        "令和　　年度",
        "令和　　年　　月　　日（　）",
        "　　時　　分～　　時　　分（受付：　　時～）",
        "＊参加希望の方は、　　月　　日（　）までに",
        # the seed's two examples of 対象者 (例１・例２) stand when 対象者 is blank
        "・ひきこもり本人や家族等に対する支援に関心のある方",
        "・民生・児童委員",
    ),
    "application": ("申込〆切日：月日（）", "1", "2", "3", "4", "5", "6"),
    "certificate": ("令和年度", "令和年月日", "甲府市長山田一郎"),
    "registration": ("令和年月日", "（男・女）", "年月日", "〒－", "（－－）", "＠"),
    "consent": ("令和年月日",),
    "card": (
        "令和年月日から",
        "令和年月日まで",
        "（男・女）",
        "（年月日生）",
        "〒－",
        "電話番号（）",
    ),
    "roster": ("令和年月日から", "令和年月日まで", "（男・女）", "（年月日）", "〒－"),
    "case-consent": ("令和年月日",),
    "report": ("令和年月日（）", "時分～時分"),
    "renewal": ("令和年月日から令和年月日まで",),
    "invitation": (),
}


def squeeze(text: str) -> str:
    """Text without any whitespace (ASCII, 全角 space, line and page breaks)."""
    return WS.sub("", text)


def world() -> dict[str, list[tuple[object, ...]]]:
    """world_dicts() as table rows."""
    return world_rows(world_dicts())


def world_dicts() -> World:
    """base_world plus the rows every form needs, all dated after 2019-05-01 but the births."""
    w = base_world()
    w["trainings"] += [
        {
            "training_id": "T9",
            "kind": "養成研修",
            "title": "第5回ひきこもりサポーター養成研修",
            "date": D(2027, 7, 10),
            "start": dt.time(13, 30),
            "end": dt.time(16, 30),
            "reception": dt.time(13, 0),
            "venue": "甲府市福祉センター",
            "deadline": D(2027, 6, 25),
        },
        {
            "training_id": "F1",
            "kind": "継続研修",
            "title": "サポーター継続研修",
            "date": D(2026, 12, 15),
            "start": dt.time(14, 0),
            "end": dt.time(16, 0),
            "venue": "甲府市役所 会議室",
            "content": "事例検討",
            "deadline": D(2026, 12, 1),
        },
    ]
    # T9's timetable, typed out of order: the flyer prints it by time
    w["program"] = [
        {
            "training_id": "T9",
            "start": dt.time(14, 40),
            "end": dt.time(16, 30),
            "content": "演習「サポーターとしての関わり方」（グループワーク）",
        },
        {
            "training_id": "T9",
            "start": dt.time(13, 30),
            "end": dt.time(14, 30),
            "content": "講義「ひきこもりの理解と支援」",
        },
        {"training_id": "T1", "content": "別の研修の内容"},
    ]
    w["trainees"] += [
        {
            "training_id": "T1",
            "name": "令和　元子",
            "attendance": "出席",
            "completed": D(2019, 5, 1),
            "cert_no": "002",
        },
        {"training_id": "T1", "name": "欠席　次郎", "attendance": "欠席"},
    ]
    reg = w["register"][0]
    reg.update(
        sex="男",
        postal="400-0031",
        phone="055-223-1234",
        email="taro@example.jp",
        motive="家族の経験から地域の役に立ちたい",
        skills="社会福祉士",
        applied=D(2025, 7, 20),
        memo="初回面談済み",  # internal: the roster prints it, the card does not
        card_memo="研修講師も可",
    )
    w["register"] += [
        {
            "reg_no": "002",
            "kana": "すずき　はなこ",
            "name": "鈴木　花子",
            "sex": "女",
            "birth": D(1975, 2, 3),
            "address": "甲府市北町二丁目2-2",
            "mobile": "080-2222-3333",
            "cert_no": "002",
            "issued": D(2025, 1, 10),
            "period_start": D(2025, 1, 10),
            "period_end": D(2027, 1, 9),  # within 60 days of TODAY: expiring
            "state": "期限間近",
        },
        {
            "reg_no": "003",
            "kana": "さとう　じろう",
            "name": "佐藤　次郎",
            "sex": "男",
            "birth": D(1960, 4, 4),
            "address": "甲府市南町3-3",
            "issued": D(2025, 4, 1),
            "period_start": D(2025, 4, 1),
            "period_end": D(2027, 3, 31),
            "state": "辞退",
            "ended": D(2026, 6, 1),
        },
        {  # waiting for a 登録番号
            "kana": "たかはし　みき",
            "name": "高橋　美希",
            "sex": "女",
            "birth": D(1990, 9, 9),
            "address": "甲府市東町4-4",
            "applied": D(2026, 11, 1),
            "state": "申込中",
        },
    ]
    w["reports"][0].update(
        place="ご自宅",
        kind="外出同行",
        content="散歩に同行",
        record="落ち着いた様子で会話ができた",
        next="来週同じ時間に訪問",
        plan="担当者と次回の内容を確認",
        policy="その他",
        policy_other="様子を見る",
    )
    return w


def make_book(directory: Path, name: str = "管理.xlsx") -> Path:
    return write_workbook(directory / name, world(), SETTINGS)


# --------------------------------------------------------------------------- PDF tools

TOOLS = ("pdftotext", "pdfinfo", "pdffonts", "pdftoppm")


def need_pdf_tools() -> str:
    """The soffice program; skip (or, with CI=true, fail) when LibreOffice or poppler is absent."""
    soffice = find_soffice()
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if soffice is None:
        missing.insert(0, "LibreOffice (soffice)")
    if missing:
        message = f"rendering forms to PDF needs {', '.join(missing)}"
        if os.environ.get("CI", "").lower() in ("true", "1"):
            pytest.fail(message + "; CI installs them (.ci/run), so this must not be skipped")
        pytest.skip(message)
    assert soffice is not None
    return soffice


def pdf_pages(pdf: Path, mode: str) -> list[str]:
    """Text of each page (`mode` is pdftotext's -raw or -layout)."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", mode, str(pdf), "-"],
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    pages = out.split("\f")
    return pages[:-1] if pages and not pages[-1].strip() else pages


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
    match = re.search(r"^Pages:\s+(\d+)", info.stdout, re.MULTILINE)
    assert match, info.stdout
    return int(match.group(1))


def page_size(pdf: Path) -> tuple[float, float]:
    """Width and height of the first page, in points."""
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, check=True, text=True)
    match = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info.stdout)
    assert match, info.stdout
    return float(match.group(1)), float(match.group(2))


def fonts(pdf: Path) -> str:
    return subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True).stdout
