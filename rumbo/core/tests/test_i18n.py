from __future__ import annotations

from django.utils import translation

from rumbo.core.templatetags.rumbo import t, tj


class Obj:
    title_es = "Pilar"
    title_en = ""


def test_text_in_the_current_language():
    with translation.override("es"):
        assert t(Obj(), "title") == "Pilar"


def test_missing_translation_falls_back_with_a_visible_mark():
    with translation.override("en"):
        html = t(Obj(), "title")
    assert '<span lang="es">Pilar</span>' in html
    assert 'class="pending"' in html


def test_mapping_values_and_escaping():
    with translation.override("en"):
        assert tj({"es": "Tema", "en": "Topic <b>"}) == "Topic &lt;b&gt;"
