"""The `rumbo` command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.core.management import call_command

from rumbo.cli import main

pytestmark = pytest.mark.django_db


def test_export_plans_shows_what_the_public_may_see(canary, tmp_path, capsys):
    out = tmp_path / "plans.json"
    call_command("export_plans", output=str(out))
    data = json.loads(out.read_text(encoding="utf-8"))
    codes = {p["code"] for p in data["plans"]}
    assert {"crm-sp-2023-2026", "crm-lmap-2023-2027", "un-rn-2023-2024", "public-plan"} <= codes
    assert "closed-plan" not in codes
    assert "CANARY" not in out.read_text(encoding="utf-8")
    lmap = next(p for p in data["plans"] if p["code"] == "crm-lmap-2023-2027")
    assert [line["code"] for line in lmap["elements"]] == ["L1", "L2", "L3", "L4"]
    assert len(lmap["elements"][0]["children"][0]["children"]) == 8


def test_export_as_a_member_includes_members_only_records(cast, canary, tmp_path):
    out = tmp_path / "plans.json"
    call_command("export_plans", username="focal", plans=["closed-plan"], output=str(out))
    assert "CANARY" in out.read_text(encoding="utf-8")


def test_the_rumbo_entry_point_dispatches_to_commands(canary, capsys):
    main(["export-plans", "--plan", "un-rn-2023-2024"])
    data = json.loads(capsys.readouterr().out)
    assert [p["code"] for p in data["plans"]] == ["un-rn-2023-2024"]
    assert len(data["plans"][0]["elements"]) == 2


def test_old_import_previews_and_their_files_are_cleaned(cast):
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from rumbo.tracking.models import ImportSession

    old = ImportSession(token="old", user=cast.secretariat, filename="a.xlsx")
    old.upload.save("old.xlsx", ContentFile(b"x"), save=True)
    ImportSession.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=30)
    )
    recent = ImportSession.objects.create(token="new", user=cast.secretariat, filename="b.xlsx")
    path = Path(old.upload.path)
    call_command("clean_imports", days=14)
    assert list(ImportSession.objects.values_list("token", flat=True)) == [recent.token]
    assert not path.exists()
