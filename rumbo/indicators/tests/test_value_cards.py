"""The values to review and to report, laid out for a phone: every cell of a value carries its
column's header (translated) as a label, which the style sheet shows when each row becomes a
card under 40rem. The layout itself is measured in a browser (tests/test_e2e_indicators.py)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from rumbo.indicators import services
from rumbo.testing.http import client_for, url

from .conftest import report

pytestmark = pytest.mark.django_db

LABELS = {
    "review": {
        "en": ["Period", "Country", "Value", "Decision"],
        "es": ["Período", "País", "Valor", "Decisión"],
    },
    "report": {
        "en": ["Plan", "Period due", "State", "Action"],
        "es": ["Plan", "Período que se reporta", "Estado", "Acción"],
    },
}


def _row(html: str, marker: str) -> str:
    return html.split(marker, 1)[1].split("</tr>", 1)[0]


@pytest.mark.parametrize("lang", ["es", "en"])
@pytest.mark.parametrize("page", ["review", "report"])
def test_each_cell_of_a_value_is_labelled_with_its_column_header(cast, orgs, ind, page, lang):
    m = services.measurement_submit(
        actor=cast.focal, measurement=report(cast.focal, ind.count, "2025", orgs.gtm, value=4)
    )
    who = cast.secretariat if page == "review" else cast.focal
    with translation.override(lang):
        html = client_for(who).get(url(f"indicator_{page}", lang)).content.decode()
    assert '<div class="scroll value-cards">' in html
    headers = re.findall(r'<th scope="col">([^<]+)</th>', html.split("</thead>")[0])
    labels = LABELS[page][lang]
    assert headers[1:] == labels  # the first column heads each card
    row = _row(html, f'id="value-{m.pk}"' if page == "review" else '<span class="code">C1</span>')
    assert re.findall(r'<td data-label="([^"]+)"', row) == labels
    if page == "review":  # the decision spans the card, under the value
        assert f'<td data-label="{labels[-1]}" class="wide decision">' in row
