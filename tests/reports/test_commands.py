"""The set-up commands `make run` calls: seed_report, setup_roles, ensure_local_admin."""

import hashlib
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from common.roles import ROLE_PERMISSIONS
from metrics.models import Figure
from reports.models import Report, SourceText
from tests.conftest import source_path_2021
from tests.factories import make_report

pytestmark = pytest.mark.django_db


def run(command: str, *args, **options) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out, **options)
    return out.getvalue()


def test_seed_report_loads_the_fixture_and_records_one_baseline_per_object():
    run("seed_report", "wanzhou_2021")
    assert Report.objects.get().year == 2021
    assert Figure.objects.count() == 54
    assert Figure.history.filter(history_type="+").count() == 54
    assert Figure.history.first().history_change_reason == "由報告數據檔載入的初始版本"


def test_seed_report_relabels_baselines_recorded_with_the_old_english_reason():
    run("seed_report", "wanzhou_2021")
    Figure.history.update(history_change_reason="fixture baseline")
    run("seed_report", "wanzhou_2021")
    assert set(Figure.history.values_list("history_change_reason", flat=True)) == {"由報告數據檔載入的初始版本"}


def test_seed_report_again_keeps_editors_changes_and_adds_no_history():
    run("seed_report", "wanzhou_2021")
    figure = Figure.objects.get(code="crackdown.guns_seized")
    figure.value, figure.correction_reason = Decimal("21"), "更正"
    figure.save()
    history_rows = Figure.history.count()
    output = run("seed_report", "wanzhou_2021")
    assert "already loaded" in output
    assert Figure.objects.get(code="crackdown.guns_seized").value == Decimal("21")
    assert Figure.history.count() == history_rows


def test_seed_report_unknown_fixture_is_a_clear_error():
    with pytest.raises(CommandError, match="wanzhou_1999.json"):
        run("seed_report", "wanzhou_1999")


def test_setup_roles_is_idempotent_and_gives_each_group_exactly_its_permissions():
    run("setup_roles")
    run("setup_roles")
    assert Group.objects.count() == len(ROLE_PERMISSIONS) == 4
    for role, names in ROLE_PERMISSIONS.items():
        granted = {
            f"{app}.{codename}"
            for app, codename in Group.objects.get(name=role).permissions.values_list(
                "content_type__app_label", "codename"
            )
        }
        assert granted == set(names)


def test_setup_roles_removes_a_permission_added_by_hand():
    run("setup_roles")
    viewer = Group.objects.get(name="viewer")
    viewer.permissions.add(*Group.objects.get(name="editor").permissions.all())
    run("setup_roles")
    assert viewer.permissions.count() == len(ROLE_PERMISSIONS["viewer"])


def test_setup_roles_names_a_permission_the_database_lacks_and_changes_no_group(monkeypatch):
    roles = {"viewer": ("metrics.view_figure", "metrics.publish_everything")}
    monkeypatch.setattr("reports.management.commands.setup_roles.ROLE_PERMISSIONS", roles)
    with pytest.raises(CommandError, match=r"metrics\.publish_everything does not exist\. Run `manage\.py migrate`"):
        run("setup_roles")
    assert not Group.objects.exists()


def test_ensure_local_admin_uses_the_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("WANZHOU_ADMIN_PASSWORD", "a-chosen-password")
    output = run("ensure_local_admin")
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password("a-chosen-password")
    assert "a-chosen-password" not in output


def test_ensure_local_admin_prints_a_generated_password_once(monkeypatch):
    monkeypatch.delenv("WANZHOU_ADMIN_PASSWORD", raising=False)
    first = run("ensure_local_admin")
    password = first.split("password: ", 1)[1].split()[0]
    assert get_user_model().objects.get(username="admin").check_password(password)
    second = run("ensure_local_admin")
    assert password not in second and "already exists" in second


def test_attach_source_attaches_a_file_and_again_is_a_no_op(tmp_path):
    report = make_report(2030)
    path = tmp_path / "report.txt"
    path.write_text("標題\n第二段\n", encoding="utf-8")
    first = run("attach_source", "2030", str(path))
    source = SourceText.objects.get(report=report)
    assert f"已為 2030 年度報告附上原文：2 段，SHA-256 {source.checksum}，來源 {path}。" in first
    again = run("attach_source", "2030", str(path))
    assert f"2030 年度報告已附上同一份原文（SHA-256 {source.checksum}）：沒有變更。" in again
    assert SourceText.objects.get(report=report).attached_at == source.attached_at


def test_attach_source_attaches_the_2021_text_with_the_files_checksum(source_text_2021, report_2021):
    path = source_path_2021()
    run("attach_source", "2021", str(path))
    assert report_2021.source_text.checksum == hashlib.sha256(path.read_bytes()).hexdigest()
    assert report_2021.source_text.paragraph_count == 22


@pytest.mark.parametrize(
    ("year", "content", "message"),
    [
        ("1999", "甲".encode(), "沒有 1999 年度的工作報告。"),
        ("2030", None, "無法讀取"),
        ("2030", "甲".encode("big5"), "檔案不是 UTF-8 編碼的文字檔。"),
        ("2030", "字".encode() * 200_001, "原文有 200,001 字，超過上限 200,000 字。"),
        ("2030", b"x" * 800_004, "檔案太大"),
        ("2030", b"\n\n", "原文是空的。"),
    ],
)
def test_attach_source_refuses_with_a_clear_message(tmp_path, year, content, message):
    make_report(2030)
    path = tmp_path / "report.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run("attach_source", year, str(path))
    assert not SourceText.objects.exists()
