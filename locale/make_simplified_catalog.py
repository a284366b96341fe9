"""Write locale/zh_Hans/LC_MESSAGES/django.po from the Traditional Chinese msgids with OpenCC.

Traditional Chinese is the source language, so every msgid is the Traditional text and the
Simplified catalog is its conversion. Run after `makemessages -l zh_Hans`, review the diff,
then `compilemessages -l zh_Hans`:

    .venv/bin/python locale/make_simplified_catalog.py

Every msgstr is rewritten, so the catalog is reproducible: a reviewer's correction goes into
``REVIEWED`` below, never into the .po by hand. A plural entry gets its msgid_plural converted as its one form.
"""

import sys
from pathlib import Path

import opencc

# The UI texts were written in Taiwanese usage (登入, 帳號, 匯出, 欄位), so the catalog takes OpenCC's
# Taiwan-to-mainland conversion with phrases (登录, 账号, 导出, 字段). The report's own text is a
# mainland document and is converted character by character instead (common.languages).
CONVERTER = opencc.OpenCC("tw2sp")

#: Reviewed corrections to tw2sp's output, applied after it: (its phrase, the mainland one).
REVIEWED = [
    ("查找", "查询"),  # 數據查詢 is already mainland usage; tw2sp reads it as Taiwanese.
    ("帐号", "账号"),  # The mainland standard form for an account.
    ("指针", "指标"),  # 指標 here is an indicator, not Taiwanese for a pointer.
    ("数据源", "数据来源"),  # 資料來源 cites a document, not a technical data source.
    ("运行这项", "执行这项"),  # 執行 an action, not run a program.
    ("纪录", "记录"),  # 修改紀錄 is a log: 记录 on the mainland (纪录 is a record set, as in sport).
    ("小数字数", "小数位数"),  # tw2sp reads 位數 as Taiwanese for 数字 (digital).
    ("文字档", "文本文件"),  # A plain-text file upload.
    ("图档", "图片"),  # 下載 PNG 圖檔: an image file.
    ("底线", "下划线"),  # The underscore allowed in a figure code.
    ("提出数据", "提取数据"),  # 提出 here extracts figures from the report's text.
    ("提出的数据", "提取的数据"),
    ("认证与授权", "认证和授权"),  # Django admin's own zh-Hans label for the auth app.
    ("群组", "组"),  # Django admin's own zh-Hans name for auth groups, which the roles are.
    ("预设", "默认"),  # A default ordering.
    ("数据档", "数据文件"),
]

#: The English msgids of templates copied from Django's admin and django-simple-history: our
#: catalog overrides theirs, so these take the zh-Hans wording of Django's admin catalog and of
#: locale/zh_Hant (the history pages), never OpenCC's unchanged English.
FOREIGN = {
    "Remove from sorting": "删除排序",
    "Sorting priority: %(priority_number)s": "排序优先级: %(priority_number)s",
    "Toggle sorting": "正逆序切换",
    "Home": "首页",
    "Search": "搜索",
    "%(counter)s results": "%(counter)s 条结果",
    "%(full_result_count)s total": "总共 %(full_result_count)s",
    "Show all": "显示全部",
    "History": "修改记录",
    "View %(verbose_name)s": "查看%(verbose_name)s",
    "Revert %(verbose_name)s": "还原%(verbose_name)s",
    "Object": "版本",
    "Date/time": "日期时间",
    "Comment": "动作",
    "Changed by": "修改者",
    "Change reason": "修改原因",
    "Changes": "变更内容",
    "None": "—",
    "entries": "个版本",
    # wanzhou_police/foreign_texts.py: Django admin's app-list captions and django-axes.
    "Model name": "模型名称",
    "Add link": "添加链接",
    "Change or view list link": "更改或查看列表链接",
    "access attempt": "登录尝试",
    "access attempts": "登录尝试",
    "access failure": "登录失败",
    "access failures": "登录失败",
    "access log": "登录日志",
    "access logs": "登录日志",
    "access attempt expiration": "登录尝试到期",
    "access attempt expirations": "登录尝试到期",
    "Access Attempt": "登录尝试",
    "Access lock out": "已锁定",
    "Attempt Time": "尝试时间",
    "Failed Logins": "失败次数",
    "Form Data": "表单数据",
    "GET Data": "GET 数据",
    "POST Data": "POST 数据",
    "Meta Data": "请求信息",
    "HTTP Accept": "HTTP Accept",
    "IP Address": "IP 地址",
    "User Agent": "浏览器标识",
    "Path": "路径",
    "Logout Time": "登出时间",
    "Expires At": "到期时间",
    "Locked Out": "已锁定",
    "Not set": "未设置",
    "Clean up expired attempts": "清除已到期的尝试",
}


def convert(text: str) -> str:
    """``text`` (Traditional, Taiwanese usage) in Simplified characters and mainland usage."""
    if text in FOREIGN:
        return FOREIGN[text]
    converted = CONVERTER.convert(text)
    for phrase, mainland in REVIEWED:
        converted = converted.replace(phrase, mainland)
    return converted


CATALOG = Path(__file__).resolve().parent / "zh_Hans" / "LC_MESSAGES" / "django.po"


def entries(text: str) -> list[list[str]]:
    """The catalog split into blank-line separated blocks of lines."""
    return [block.splitlines() for block in text.strip("\n").split("\n\n")]


def joined(lines: list[str], keyword: str) -> tuple[str, int, int] | None:
    """The string value of ``keyword`` (e.g. 'msgid') in a block: (text, first line, last line)."""
    for start, line in enumerate(lines):
        if line.startswith(keyword + " "):
            parts = [line[len(keyword) + 1 :]]
            end = start
            while end + 1 < len(lines) and lines[end + 1].startswith('"'):
                end += 1
                parts.append(lines[end])
            return "".join(part[1:-1] for part in parts), start, end
    return None


def convert_block(lines: list[str]) -> list[str]:
    """One block with its msgstr filled in from the converted msgid (the header block as it is)."""
    msgid = joined(lines, "msgid")
    if msgid is None or msgid[0] == "":
        return lines
    plural = joined(lines, "msgid_plural")
    if plural:
        # Chinese has one plural form (nplurals=1): msgstr[0] serves every count.
        lines = [line for line in lines if not line.startswith("msgstr[") or line.startswith("msgstr[0]")]
    key, source = ("msgstr[0]", plural[0]) if plural else ("msgstr", msgid[0])
    current = joined(lines, key)
    wanted = convert(source)
    if current is not None:
        _text, start, end = current
        lines = [*lines[:start], f'{key} "{wanted}"', *lines[end + 1 :]]
    return [unfuzzy(line) for line in lines if unfuzzy(line) and not line.startswith("#|")]


def unfuzzy(line: str) -> str:
    """``line`` without a fuzzy flag (and the previous msgid, ``#|``, it comes with); "" if nothing is left."""
    if not line.startswith("#,"):
        return line
    flags = [flag.strip() for flag in line[2:].split(",") if flag.strip() != "fuzzy"]
    return "#, " + ", ".join(flags) if flags else ""


def main() -> int:
    text = CATALOG.read_text(encoding="utf-8")
    blocks = entries(text)
    header = [line.replace("Language: \\n", "Language: zh_Hans\\n") for line in blocks[0] if unfuzzy(line)]
    body = [convert_block(block) for block in blocks[1:]]
    CATALOG.write_text("\n\n".join("\n".join(block) for block in [header, *body]) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
