"""The forms of the report import: the report and its text, then one form per proposed figure."""

from decimal import Decimal

from django import forms
from django.core.validators import RegexValidator
from django.forms.utils import ErrorDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from common.source_text import MAX_PARAGRAPH_CHARS, MAX_TEXT_BYTES, MAX_TEXT_CHARS, normalized
from metrics.choices import Qualifier
from metrics.formatting import grouped_number
from metrics.importing.matching import MAX_PROPOSALS, MAX_SECTIONS
from metrics.models import CODE_PATTERN, Figure, Unit
from reports.models import FIRST_YEAR, LAST_YEAR, Report, Section


def import_text(text: str) -> str:
    """``text`` as the import reads it, as a report's text is kept (``common.source_text.normalized``): every line
    break a line feed, other control characters (NUL…) dropped, which the admin site would refuse when the
    reviewed text is posted again. Its limits are ``common.source_text``'s, so what the import reads can be kept."""
    return normalized(text)


def _too_long(count: int | None = None) -> forms.ValidationError:
    """The error for a text of ``count`` characters, or for a file too large to read (``count`` None)."""
    params = {"limit": grouped_number(Decimal(MAX_TEXT_CHARS))}
    if count is None:
        message = _("檔案太大：報告原文最多 %(limit)s 字。請把原文分成幾部分，每次匯入一部分。")
    else:
        message = _("報告原文有 %(count)s 字，超過上限 %(limit)s 字。請把原文分成幾部分，每次匯入一部分。")
        params["count"] = grouped_number(Decimal(count))
    return forms.ValidationError(message, code="too_long", params=params)


def check_text(text: str) -> None:
    """``ValidationError`` for a text over ``MAX_TEXT_CHARS`` characters or with a line over ``MAX_PARAGRAPH_CHARS``."""
    if len(text) > MAX_TEXT_CHARS:
        raise _too_long(len(text))
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_PARAGRAPH_CHARS:
            raise forms.ValidationError(
                _("第 %(n)s 段有 %(count)s 字，超過每段上限 %(limit)s 字。原文須一段一行：請確認換行沒有遺失。"),
                code="paragraph_too_long",
                params={
                    "n": number,
                    "count": grouped_number(Decimal(len(line))),
                    "limit": grouped_number(Decimal(MAX_PARAGRAPH_CHARS)),
                },
            )


class ImportTextField(forms.CharField):
    """The report's text, cleaned by ``import_text`` before it is checked: a NUL is dropped, not refused.

    No ``max_length``: a browser would cut a longer paste short without a word (``maxlength``);
    the server says how long the text is instead.
    """

    def to_python(self, value):
        return import_text(super().to_python(value))

    def validate(self, value):
        super().validate(value)
        check_text(value)


def read_upload(upload) -> str:
    """The uploaded file's text (UTF-8, a BOM allowed) as ``import_text`` leaves it.

    ``ValidationError`` when it is not UTF-8 or longer than ``MAX_TEXT_CHARS`` characters; a file of more
    than ``MAX_TEXT_BYTES`` is refused without being read.
    """
    if upload.size > MAX_TEXT_BYTES:
        raise _too_long()
    try:
        text = import_text(upload.read(MAX_TEXT_BYTES + 1).decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise forms.ValidationError(_("檔案不是 UTF-8 編碼的文字檔。"), code="encoding") from None
    check_text(text)
    return text


class ImportReportForm(forms.Form):
    """Year, agency, title and the text, pasted or uploaded (UTF-8, one paragraph a line), not both.

    The text is at most ``MAX_TEXT_CHARS`` characters, counted alike for a paste and an upload.
    """

    year = forms.IntegerField(label=_("年度"), min_value=FIRST_YEAR, max_value=LAST_YEAR)
    agency = forms.CharField(label=_("發布機關"), max_length=100, initial="萬州區公安局")
    title = forms.CharField(label=_("標題"), max_length=200)
    source_name = forms.CharField(label=_("來源文件"), max_length=200, required=False)
    text = ImportTextField(
        label=_("報告原文"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "lang": "zh-Hant"}),
        help_text=format_lazy(
            _("貼上原文，一段一行；或上傳 UTF-8 文字檔（兩者擇一）。最多 {chars} 字、{figures} 筆數據。"),
            chars=grouped_number(Decimal(MAX_TEXT_CHARS)),
            figures=MAX_PROPOSALS,
        ),
    )
    upload = forms.FileField(label=_("上傳文字檔"), required=False)

    def clean_year(self):
        year = self.cleaned_data["year"]
        if Report.objects.filter(year=year).exists():
            raise forms.ValidationError(_("已有 %(year)s 年度的報告；一年只能有一份。") % {"year": year})
        return year

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("upload")
        pasted = self.has_error("text") or bool(cleaned.get("text", "").strip())
        if upload is not None:
            if pasted:
                raise forms.ValidationError(
                    _("請只用一種方式提供原文：清空「報告原文」欄再上傳檔案，或不選檔案直接貼上。"), code="both"
                )
            try:
                cleaned["text"] = read_upload(upload)
            except forms.ValidationError as error:
                self.add_error("upload", error)
                return cleaned
            if not cleaned.get("source_name"):
                cleaned["source_name"] = upload.name[:200]
        elif self.has_error("text"):
            return cleaned
        if not cleaned["text"].strip():
            raise forms.ValidationError(_("請貼上報告原文或上傳文字檔。"), code="required")
        return cleaned


class ImportRowForm(forms.Form):
    """One proposed figure: accepted or not, and as edited."""

    accept = forms.BooleanField(label=_("採用"), required=False)
    slug = forms.ChoiceField(label=_("章節"), choices=())
    code = forms.CharField(
        label=_("指標代碼"),
        max_length=80,
        validators=[RegexValidator(CODE_PATTERN, _("指標代碼須為「章節代號.名稱」（小寫英文字母、數字與底線）。"))],
    )
    name = forms.CharField(label=_("指標名稱"), max_length=100, widget=forms.TextInput(attrs={"lang": "zh-Hant"}))
    theme = forms.CharField(label=_("主題"), max_length=50, widget=forms.TextInput(attrs={"lang": "zh-Hant"}))
    name_en = forms.CharField(
        label=_("指標名稱（英文）"),
        max_length=Figure._meta.get_field("name_en").max_length,
        required=False,
        widget=forms.TextInput(attrs={"lang": "en"}),
    )
    theme_en = forms.CharField(
        label=_("主題（英文）"),
        max_length=Figure._meta.get_field("theme_en").max_length,
        required=False,
        widget=forms.TextInput(attrs={"lang": "en"}),
    )
    headline = forms.BooleanField(label=_("重點數據"), required=False)
    value = forms.DecimalField(label=_("數值"), max_digits=16, decimal_places=2, min_value=0)
    unit = forms.CharField(
        label=_("單位"),
        max_length=Unit._meta.get_field("code").max_length,
        widget=forms.TextInput(attrs={"lang": "zh-Hant"}),
        help_text=_("原文寫的單位；平台還沒有的單位在建立報告時一併新增。"),
    )
    qualifier = forms.ChoiceField(label=_("精確度"), choices=Qualifier.choices)
    paragraph = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=32767)
    quote = forms.CharField(label=_("原文引句"), max_length=300, widget=forms.TextInput(attrs={"lang": "zh-Hant"}))
    confidence = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=100)

    def __init__(self, *args, headings=(), **kwargs):
        """``headings``: the text's (``matching.find_headings``), the sections a row may be placed in."""
        super().__init__(*args, **kwargs)
        self.fields["slug"].choices = [(heading.slug, heading.text) for heading in headings]

    def has_changed(self):
        # Every row is a proposal to review, changed or not; an untouched row still counts.
        return True

    def full_clean(self):
        """A rejected row is not checked: what the editor leaves out cannot block the import."""
        super().full_clean()
        if self.is_bound and not self.cleaned_data.get("accept"):
            self._errors = ErrorDict()


class BaseImportRowFormSet(forms.BaseFormSet):
    def accepted(self) -> list[dict]:
        return [form.cleaned_data for form in self.forms if form.cleaned_data.get("accept")]

    def clean(self):
        """Accepted rows need a code unique in the report. A unit the portal has no row for is added
        when the report is created (``metrics.services.create_report``)."""
        if any(self.errors):
            return
        seen = {}
        for form in self.forms:
            data = form.cleaned_data
            if not data.get("accept"):
                continue
            code = data["code"]
            if code in seen:
                form.add_error("code", _("代碼「%(code)s」重複：每個代碼只能用一次。") % {"code": code})
            seen[code] = form
        if not seen:
            raise forms.ValidationError(_("沒有採用任何數據：至少採用一筆才能建立報告。"))


#: At most ``MAX_PROPOSALS`` rows, whatever TOTAL_FORMS says: Django builds no more forms than ``absolute_max``.
ImportRowFormSet = forms.formset_factory(
    ImportRowForm,
    formset=BaseImportRowFormSet,
    extra=0,
    max_num=MAX_PROPOSALS,
    absolute_max=MAX_PROPOSALS,
    validate_max=True,
)


class ImportHeadingForm(forms.Form):
    """One heading of the text as a section: its English heading, carried from last year's section of its topic."""

    heading_en = forms.CharField(
        label=_("標題（英文）"),
        max_length=Section._meta.get_field("heading_en").max_length,
        required=False,
        widget=forms.TextInput(attrs={"lang": "en"}),
    )

    def has_changed(self):
        return True


class BaseImportHeadingFormSet(forms.BaseFormSet):
    def __init__(self, *args, headings=(), **kwargs):
        """``headings``: the text's, one form each, in order; a post with another count is refused."""
        self.headings = list(headings)
        super().__init__(*args, **kwargs)

    def clean(self):
        if any(self.errors):
            return
        if len(self.forms) != len(self.headings):
            raise forms.ValidationError(
                _("原文的小標題有 %(count)s 個，與審閱頁不同：請重新讀取原文。") % {"count": len(self.headings)},
                code="headings_changed",
            )


#: At most ``MAX_SECTIONS`` headings, as ``matching.find_headings`` reads.
ImportHeadingFormSet = forms.formset_factory(
    ImportHeadingForm,
    formset=BaseImportHeadingFormSet,
    extra=0,
    max_num=MAX_SECTIONS,
    absolute_max=MAX_SECTIONS,
    validate_max=True,
)
