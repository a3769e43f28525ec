"""QuickSelect writes a select in Python; it must write what Django's template writes, with
groups, a chosen value, escaped labels, attributes and both languages."""

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from greenit.core.forms import QuickSelect

CHOICES = [
    ("", _("Any state")),
    ("a&b", "Dell <Inc.>"),
    (_("Received"), [("r1", "联想"), ("r2", _("Ready"))]),
    (3, "Three"),
]


class Both(forms.Form):
    django = forms.ChoiceField(label="Django", choices=CHOICES, required=False)
    quick = forms.ChoiceField(
        label="Quick",
        choices=CHOICES,
        required=False,
        widget=QuickSelect(attrs={"class": "wide", "data-x": '"quoted"', "disabled": True}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["django"].widget.attrs = dict(self.fields["quick"].widget.attrs)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("value", [None, "", "a&b", "r2", "3", "not a choice"])
def test_quick_select_writes_what_django_writes(language, value):
    data = None if value is None else {"django": value, "quick": value}
    form = Both(data)
    with translation.override(language):
        django = str(form["django"]).replace("django", "NAME")
        quick = str(form["quick"]).replace("quick", "NAME")
    assert quick == django
    assert "&lt;Inc.&gt;" in quick and 'value="a&amp;b"' in quick
    if value in ("a&b", "r2", "3"):
        assert quick.count(" selected") == 1
