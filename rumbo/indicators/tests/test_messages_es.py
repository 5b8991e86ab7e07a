"""The messages a focal point reads when a value is refused, in Spanish, with Spanish numbers."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from .conftest import D, report


def test_a_breakdown_that_does_not_add_up_is_explained_in_spanish(cast, orgs, ind):
    women, men = ind.cats["women"].pk, ind.cats["men"].pk
    with translation.override("es"), pytest.raises(ValidationError) as exc:
        report(
            cast.focal,
            ind.count,
            "2023",
            orgs.gtm,
            value=D("1500.5"),
            parts={women: {"value": D(1000)}, men: {"value": D("400.5")}},
        )
    message = " ".join(exc.value.message_dict["breakdown:sex"])
    assert "El desglose por sexo suma 1400,5, no 1500,5" in message


def test_a_wrong_period_is_explained_in_spanish(cast, orgs, ind):
    with translation.override("es"), pytest.raises(ValidationError) as exc:
        report(cast.focal, ind.count, "2023-Q1", orgs.gtm, value=1)
    assert exc.value.message_dict["period"] == [
        "T1 2023 no es un periodo de reporte de este indicador (se reporta: anual)."
    ]
