from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ReminderSettingsForm(forms.Form):
    digest_enabled = forms.BooleanField(
        label=_("Email me each day what I owe soon and what is late"), required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
