"""No lost update: every editable model carries a version, and a save based on an older one is refused.

Chosen over django-concurrency: the version column and its conditional UPDATE are
a few lines here, and the part editors see (who changed which field since the
form was loaded, stored against submitted, typed values kept) is ours either way,
read from django-simple-history, which django-concurrency does not know about.

Three layers:

- ``Versioned.save()`` writes ``UPDATE … WHERE pk = … AND version = <loaded>``
  and bumps the version; zero rows means someone saved first: ``StaleVersion``.
  This is the last guard for every write path.
- ``VersionedForm`` carries the version the page was loaded with (a hidden field)
  and every field's loaded value (``show_hidden_initial``). Its ``clean()`` locks
  the row, compares versions and, on a conflict, explains it per field
  (``conflict_messages``) and re-renders with the editor's typed values kept, the
  untouched fields refreshed and the new version, so saving again re-applies them.
- ``ChangeSetRecord`` gives every history row the id of the save it belongs to,
  so a save that changes several rows is one change set.
"""

import uuid
from decimal import Decimal

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models, transaction
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record

#: POST names of fields a versioned form never marks with a hidden initial value.
UNVERSIONED_FIELDS = frozenset({"version", "change_reason"})

DELETED = _("「%(object)s」在您開啟表單後已被刪除，這次儲存沒有寫入。")
MISSING_VERSION = _("表單缺少版本資訊，無法確認「%(object)s」是否已被他人修改：請重新載入頁面再修改。")
CONFLICT = _(
    "「%(object)s」在您開啟表單後已被 %(users)s 修改（%(when)s，版本 %(loaded)s → %(stored)s），這次儲存沒有寫入。"
)
FIELD_CONFLICT = _("%(field)s：目前儲存的是%(stored)s，您送出的是%(submitted)s。")
KEPT = _("您填入的值已保留，其餘欄位已更新為目前儲存的內容；核對後再按一次「儲存」即以您填入的值為準。")
SOMEONE = _("他人")
EMPTY = _("（空白）")


class StaleVersion(Exception):
    """A save whose version is no longer the stored one: someone else saved the row first."""

    def __init__(self, obj):
        super().__init__(f"{obj._meta.label} {obj.pk}: version {obj.version} is stale")
        self.obj = obj


class Versioned(models.Model):
    """A model whose updates are conditional on the version they were loaded with."""

    # Editable only so a form may name it: ``VersionedForm`` declares it as a hidden field.
    version = models.PositiveIntegerField(
        _("版本"), default=1, help_text=_("每次儲存加一；表單據此拒絕以過期內容覆蓋他人的修改。")
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        """Insert, or update only if the stored version is still ``self.version``, then bump it.

        Raises ``StaleVersion`` (and leaves ``self.version`` as it was) when the row
        has been saved by someone else since.
        """
        if self._state.adding:
            return super().save(*args, **kwargs)
        expected = self.version
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "version"}
        self.version = expected + 1
        self._expected_version = expected
        try:
            super().save(*args, **kwargs)
        except BaseException:
            self.version = expected
            raise
        finally:
            del self._expected_version

    def _do_update(self, base_qs, using, pk_val, *args, **kwargs):
        expected = getattr(self, "_expected_version", None)
        if expected is None:
            return super()._do_update(base_qs, using, pk_val, *args, **kwargs)
        if super()._do_update(base_qs.filter(version=expected), using, pk_val, *args, **kwargs):
            return True
        if base_qs.filter(pk=pk_val).exists():
            raise StaleVersion(self)
        return False


class ChangeSetRecord(models.Model):
    """Base of the history models: the id shared by every history row of one save."""

    change_set = models.UUIDField(_("這次儲存"), null=True, blank=True, db_index=True, editable=False)

    class Meta:
        abstract = True


def new_change_set() -> uuid.UUID:
    return uuid.uuid4()


def _record_change_set(sender, instance, history_instance, **kwargs):
    if hasattr(history_instance, "change_set"):
        history_instance.change_set = getattr(instance, "_change_set", None)


pre_create_historical_record.connect(_record_change_set, dispatch_uid="common.versioning.change_set")


def locked(model, pk):
    """The stored row ``pk`` of ``model``, locked until the transaction ends when inside one; or None."""
    rows = model._default_manager.filter(pk=pk)
    if transaction.get_connection().in_atomic_block:
        rows = rows.select_for_update()
    return rows.first()


def value_text(value) -> str:
    """A stored or submitted value as an editor reads it in a conflict message, quoted: 「17920」, 「是」, （空白）."""
    if value is None or value == "":
        return str(EMPTY)
    if isinstance(value, bool):
        value = _("是") if value else _("否")
    elif isinstance(value, Decimal):
        value = format(value.normalize(), "f")
    return f"「{value}」"


def _field_value(obj, field) -> object:
    """The value of model ``field`` on ``obj`` as a person reads it: choices by label, relations by name."""
    if field.choices:
        return dict(field.flatchoices).get(getattr(obj, field.attname), getattr(obj, field.attname))
    if field.is_relation:
        return getattr(obj, field.name)
    return getattr(obj, field.attname)


def conflict_messages(form, stored) -> list[str]:
    """Who changed ``stored`` since ``form`` was loaded, and each field they changed: stored against submitted.

    The loaded state is the history row of the submitted version; without one every
    field whose stored value differs from the submitted one is listed.
    """
    loaded_version = form.cleaned_data.get("version")
    history = getattr(stored, "history", None)
    newer, loaded = [], None
    if history is not None:
        newer = list(history.filter(version__gt=loaded_version).select_related("history_user").order_by("history_id"))
        loaded = history.filter(version=loaded_version).order_by("-history_id").first()
    users = sorted({record.history_user.get_username() for record in newer if record.history_user}) or [SOMEONE]
    when = timezone.localtime(newer[-1].history_date) if newer else None
    messages = [
        CONFLICT
        % {
            "object": stored,
            "users": "、".join(str(user) for user in users),
            "when": f"{when:%Y-%m-%d %H:%M}" if when else "—",
            "loaded": loaded_version,
            "stored": stored.version,
        }
    ]
    for name in form.fields:
        if name in UNVERSIONED_FIELDS:
            continue
        try:
            field = stored._meta.get_field(name)
        except Exception:  # a form-only field such as DELETE: nothing stored to compare
            continue
        now = _field_value(stored, field)
        before = _field_value(loaded.instance, field) if loaded is not None else None
        submitted = form.cleaned_data.get(name, form.data.get(form.add_prefix(name)))
        if isinstance(submitted, models.Model) or not field.choices:
            shown = submitted
        else:
            shown = dict(field.flatchoices).get(submitted, submitted)
        changed_since = (before != now) if loaded is not None else (_comparable(shown) != _comparable(now))
        if changed_since:
            messages.append(
                FIELD_CONFLICT
                % {"field": field.verbose_name, "stored": value_text(now), "submitted": value_text(shown)}
            )
    messages.append(str(KEPT))
    return messages


def _comparable(value):
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def refresh_to_stored(form, stored, data) -> None:
    """Re-base ``form`` on ``stored`` in the mutable POST ``data``: new version, new hidden
    initial values, and the stored value in every field the editor did not change."""
    typed = set(form.changed_data)
    values = form.stored_initial(stored)
    for name, field in form.fields.items():
        if name in UNVERSIONED_FIELDS or name not in values:
            continue
        value = values[name]
        if field.show_hidden_initial:
            data[form.add_initial_prefix(name)] = "" if value is None else str(value)
        if name in typed:
            continue
        key = form.add_prefix(name)
        if isinstance(field, forms.BooleanField):
            if value:
                data[key] = "on"
            else:
                data.pop(key, None)
        else:
            data[key] = "" if value is None else str(value)
    data[form.add_prefix("version")] = str(stored.version)


class VersionedForm(forms.ModelForm):
    """A model form that refuses to save over a newer version of its row.

    ``version_check_deferred`` is set by forms whose rows are locked and checked
    together (``metrics.forms`` does this for figures, under the lock of their
    linked rates); ``check_version`` is then theirs to call.
    """

    version = forms.IntegerField(label=_("版本"), widget=forms.HiddenInput, required=False, min_value=0)

    version_check_deferred = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        if instance.pk is not None:
            # A history revert form edits an old copy of the row: the page is based on the version stored now.
            if hasattr(instance, "_history"):
                current = type(instance)._default_manager.filter(pk=instance.pk).values_list("version", flat=True)
                self.initial["version"] = current.first()
            else:
                self.initial.setdefault("version", instance.version)
        for name, field in self.fields.items():
            if name not in UNVERSIONED_FIELDS:
                field.show_hidden_initial = True

    @cached_property
    def changed_data(self):
        """The fields the editor changed; the version is what the page was loaded with, not an edit."""
        return [name for name in super().changed_data if name != "version"]

    def clean(self):
        cleaned = super().clean()
        # A new row has no pk yet: None, or "" for a model keyed by its own text (a unit) until the form fills it.
        if not self.version_check_deferred and self.instance.pk not in (None, ""):
            for message in self.version_problems(locked(type(self.instance), self.instance.pk)):
                self.add_error(None, message)
        return cleaned

    def version_problems(self, stored, data=None) -> list[str]:
        """Messages when the submitted version is not that of ``stored`` (the locked row); empty if the save may go on.

        On a conflict the form is re-based on ``stored`` in ``data`` (the mutable POST
        data it shares with its formset), or in a copy of its own data.
        """
        if stored is None:
            return [DELETED % {"object": self.instance}]
        submitted = self.cleaned_data.get("version")
        if submitted is None:
            return [MISSING_VERSION % {"object": stored}]
        if submitted == stored.version:
            return []
        messages = conflict_messages(self, stored)
        self.data = self.data.copy() if data is None else data
        refresh_to_stored(self, stored, self.data)
        return messages

    def stored_initial(self, stored) -> dict:
        """The form values of ``stored``, used when the form is re-based on it after a conflict."""
        return model_to_dict(stored)

    def _update_errors(self, errors):
        """Model errors about a field this form does not show (a list row shows two) become form errors."""
        if hasattr(errors, "error_dict"):
            shown = {field: messages for field, messages in errors.error_dict.items() if field in self.fields}
            hidden = [
                message
                for field, messages in errors.error_dict.items()
                if field not in self.fields
                for message in messages
            ]
            errors = forms.ValidationError({**shown, **({NON_FIELD_ERRORS: hidden} if hidden else {})})
        super()._update_errors(errors)

    def _post_clean(self):
        super()._post_clean()
        # The conditional UPDATE compares with the version the editor loaded, not the one read for this request.
        if self.instance.pk is not None and self.cleaned_data.get("version") is not None:
            self.instance.version = self.cleaned_data["version"]
