"""The developer's outbox: with DEBUG on, e-mail is written to files and /outbox/ shows it to
staff; with DEBUG off the page does not exist."""

import importlib

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from greenit.home import urls as home_urls
from greenit.home.outbox import sent_mail


def _send_to_files(folder, subject: str, body: str, to: str) -> None:
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend", EMAIL_FILE_PATH=folder
    ):
        mail.send_mail(subject, body, "greenit@example.org", [to])


def test_messages_are_read_back_newest_first_with_chinese_intact(tmp_path):
    _send_to_files(tmp_path, "First", "one", "a@example.org")
    _send_to_files(
        tmp_path, "您的捐赠 D2026-00001 已接受", "谢谢！\n第二行", "王芳 <wang@example.org>"
    )
    mails = sent_mail(tmp_path)
    assert [m.subject for m in mails] == ["您的捐赠 D2026-00001 已接受", "First"]
    assert mails[0].body.strip() == "谢谢！\n第二行"
    assert "wang@example.org" in mails[0].to
    assert sent_mail(tmp_path / "missing") == []


@pytest.mark.django_db
def test_staff_read_the_outbox_others_may_not(client, tmp_path, lena):
    _send_to_files(tmp_path, "Set your password", "https://example.org/set/abc", "li@school.cn")
    with override_settings(EMAIL_FILE_PATH=tmp_path):
        assert client.get(reverse("home:outbox")).status_code in (302, 403)
        client.force_login(lena)
        page = client.get(reverse("home:outbox")).content.decode()
    assert "Set your password" in page and "https://example.org/set/abc" in page


def test_the_outbox_does_not_exist_without_debug():
    try:
        with override_settings(DEBUG=False):
            importlib.reload(home_urls)
            assert "outbox" not in {p.name for p in home_urls.urlpatterns}
    finally:
        with override_settings(DEBUG=True):
            importlib.reload(home_urls)
    assert "outbox" in {p.name for p in home_urls.urlpatterns}
