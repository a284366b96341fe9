"""The token page's form: a name and how long the token lives."""

from django import forms
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken

LIFETIME_CHOICES = [("30", _("30 天")), ("90", _("90 天")), ("365", _("一年"))]

#: Tokens a user may hold unrevoked at once: enough for a few machines, few enough to review.
MAX_ACTIVE_TOKENS = 10


class TokenForm(forms.Form):
    name = forms.CharField(label=_("名稱"), max_length=100, help_text=_("例如用在哪台電腦或哪個專案。"))
    days = forms.TypedChoiceField(label=_("有效期限"), choices=LIFETIME_CHOICES, coerce=int, initial="90")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if "\x00" in name or not name:
            raise forms.ValidationError(_("請輸入名稱。"))
        return name

    def clean(self):
        if ApiToken.objects.active().filter(user=self.user).count() >= MAX_ACTIVE_TOKENS:
            raise forms.ValidationError(
                _("有效權杖已達 %(count)s 個；請先撤銷不用的權杖。") % {"count": MAX_ACTIVE_TOKENS}
            )
        return super().clean()
