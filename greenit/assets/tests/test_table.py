"""The device table's rows are built in Python for speed (templatetags/asset_table.py); they
must read exactly as the template that wrote them before: same links, labels, language marks
and tick boxes, in both languages."""

import re

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from greenit.assets.models import Asset, State

pytestmark = pytest.mark.django_db

# The row template as it was, kept as the reference the Python rows are held to.
REFERENCE = (
    "{% load i18n %}{% for a in assets %}"
    '<tr>{% if select %}<td><input type="checkbox" name="tag" value="{{ a.tag }}" '
    'id="tick-{{ a.tag }}"{% if a.tag in ticked %} checked{% endif %}><label '
    'for="tick-{{ a.tag }}" class="visually-hidden">{% blocktranslate with tag=a.display_tag %}'
    'Tick {{ tag }}{% endblocktranslate %}</label></td>{% endif %}<td><a class="tag" '
    "href=\"{% url 'assets:detail' a.tag %}\">{{ a.display_tag }}</a></td><td>"
    "{{ a.category_label }}</td><td>{{ a.make|lang_span }} {{ a.model|lang_span }}</td><td>"
    '<code>{{ a.serial|default:"—" }}</code></td><td><span class="state state-{{ a.state }}">'
    '{{ a.state_label }}</span></td><td>{{ a.state_changed_at|date:"Y-m-d" }}</td></tr>'
    "{% endfor %}"
)


def _rows(html: str) -> list[str]:
    body = html.replace("\n", "").partition("<tbody>")[2] or html
    return [row.strip() for row in re.findall(r"<tr>.*?</tr>", body)]


@pytest.fixture
def assets(donation, make_asset):
    make_asset(donation, make="联想", model="ThinkPad <X1>", serial="S&1")
    make_asset(donation, category="monitor_lcd", make="Dell", model="", serial="")
    make_asset(donation, make="", model="华为 MateBook", serial="S-3", state=State.EXPECTED)
    return list(Asset.objects.order_by("pk"))


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("select", [False, True])
def test_rows_read_as_the_template_wrote_them(assets, language, select):
    ticked = [assets[0].tag]
    with translation.override(language):
        new = render_to_string(
            "assets/table.html", {"assets": assets, "select": select, "ticked": ticked}
        )
        old = Template(REFERENCE).render(
            Context({"assets": assets, "select": select, "ticked": ticked})
        )
    assert _rows(new) == _rows(old)
    assert len(_rows(new)) == 3
    assert "&lt;X1&gt;" in new and "S&amp;1" in new
    assert (" checked" in new) is select


def test_an_empty_table_says_so():
    html = render_to_string("assets/table.html", {"assets": [], "select": True})
    assert "No devices match." in html and 'colspan="7"' in html
