"""The IATI file from the plan page and from the command line."""

from __future__ import annotations

import re
from typing import Any

import pytest
from lxml import etree

from rumbo.cli import main
from rumbo.core.visibility import Visibility
from rumbo.testing.http import client_for, url

pytestmark = pytest.mark.django_db


def without_time(body: bytes) -> bytes:
    return re.sub(rb'generated-datetime="[^"]*"', b"", body)


def test_everyone_downloads_the_same_public_file(cast: Any, full: Any, iati_schema: Any) -> None:
    bodies = []
    for who in ("public", "focal", "secretariat"):
        response = client_for(getattr(cast, who)).get(url("plan_iati", code="iati-plan"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/xml"
        assert response["Content-Disposition"] == 'attachment; filename="iati-plan-iati.xml"'
        assert iati_schema.validate(etree.fromstring(response.content))
        bodies.append(without_time(response.content))
    # A member reading it gets the public's view, not their own.
    assert bodies[0] == bodies[1] == bodies[2]
    assert b"CANARY" not in bodies[2]


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_plan_page_links_to_the_file_of_a_public_plan(cast: Any, full: Any, lang: str) -> None:
    link = url("plan_iati", lang, code="iati-plan")
    page = client_for(cast.public).get(url("plan_detail", lang, code="iati-plan"))
    label = {"es": "Archivo de actividades IATI (XML)", "en": "IATI activity file (XML)"}[lang]
    assert f'<a href="{link}" download>{label}</a>' in page.content.decode()


def test_a_plan_not_public_has_no_file_and_no_link(cast: Any, canary: Any) -> None:
    secretariat = client_for(cast.secretariat)
    assert canary.closed_plan.visibility == Visibility.MEMBERS
    page = secretariat.get(url("plan_detail", code="closed-plan"))
    assert page.status_code == 200
    assert "iati.xml" not in page.content.decode()
    hidden = secretariat.get(url("plan_iati", code="closed-plan"))
    missing = secretariat.get(url("plan_iati", code="no-such-plan"))
    assert hidden.status_code == missing.status_code == 404


def test_the_command_writes_the_file(full: Any, iati_schema: Any, tmp_path: Any, capsys) -> None:
    out = tmp_path / "plan.xml"
    main(["iati", "--plan", "iati-plan", "--output", str(out)])
    root = etree.parse(str(out)).getroot()
    assert iati_schema.validate(root)
    assert root.xpath("iati-activity/iati-identifier/text()")[:2] == [
        "XM-CRM-iati-plan",
        "XM-CRM-iati-plan-A1",
    ]
    assert list(tmp_path.iterdir()) == [out]  # nothing left beside it


def test_a_bad_plan_code_says_so_in_one_line_and_writes_nothing(
    committed: Any, canary: Any, tmp_path: Any, capsys
) -> None:
    for code in ("no-such-plan", "closed-plan"):
        out = tmp_path / "plan.xml"
        with pytest.raises(SystemExit) as exc:
            main(["iati", "--plan", code, "--output", str(out)])
        assert exc.value.code == 2
        err = capsys.readouterr().err
        assert err.strip().splitlines() == [f"CommandError: No public plan with code '{code}'."]
        assert list(tmp_path.iterdir()) == []
