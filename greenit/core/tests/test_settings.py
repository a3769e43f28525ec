"""Settings are typed and strict: what cannot be read stops the start, naming the variable."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ImproperlyConfigured

from greenit.core.env import env_bool, env_float, env_int, env_required

ROOT = django_settings.BASE_DIR.parent


def test_a_typo_in_a_yes_or_no_setting_is_refused_not_read_as_no(monkeypatch):
    monkeypatch.setenv("SECURE_COOKIES", "ture")
    with pytest.raises(ImproperlyConfigured, match="SECURE_COOKIES='ture'.*true.*false"):
        env_bool("SECURE_COOKIES")


@pytest.mark.parametrize(("value", "expected"), [("Yes", True), ("0", False), ("", True)])
def test_yes_or_no_settings_read_the_usual_words_and_empty_means_the_default(
    monkeypatch, value, expected
):
    monkeypatch.setenv("SECURE_COOKIES", value)
    assert env_bool("SECURE_COOKIES", default=True) is expected


def test_a_whole_number_setting_refuses_anything_else(monkeypatch):
    monkeypatch.setenv("PAGE_SIZE", "5O")
    with pytest.raises(ImproperlyConfigured, match="PAGE_SIZE='5O' is not a whole number"):
        env_int("PAGE_SIZE", 50)
    monkeypatch.setenv("PAGE_SIZE", "25")
    assert env_int("PAGE_SIZE", 50) == 25


@pytest.mark.parametrize("value", ["half", "nan", "inf"])
def test_a_number_setting_refuses_what_is_not_a_number(monkeypatch, value):
    monkeypatch.setenv("IMPACT_REUSE_REPLACEMENT_SHARE", value)
    with pytest.raises(ImproperlyConfigured, match="IMPACT_REUSE_REPLACEMENT_SHARE"):
        env_float("IMPACT_REUSE_REPLACEMENT_SHARE", 0.5)


def test_a_required_setting_names_itself_when_missing(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY is not set"):
        env_required("SECRET_KEY", why="")


def _start(tmp_path, **env: str) -> subprocess.CompletedProcess:
    """Import the settings in a fresh process, as a production start does."""
    clean = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "EMAIL_BACKEND")}
    clean |= {"DEBUG": "false", "GREENIT_DATA_DIR": str(tmp_path / "data"), **env}
    return subprocess.run(
        [sys.executable, "-c", "import greenit.settings"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
    )


def test_with_debug_off_it_refuses_to_start_without_a_secret_key_and_writes_nothing(tmp_path):
    started = _start(tmp_path, EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
    assert started.returncode != 0
    assert "SECRET_KEY is not set" in started.stderr
    assert not (tmp_path / "data").exists()


def test_with_debug_off_printing_e_mail_must_be_chosen_on_purpose(tmp_path):
    refused = _start(tmp_path, SECRET_KEY="s" * 50)
    assert refused.returncode != 0
    assert "EMAIL_BACKEND is not set" in refused.stderr
    console = "django.core.mail.backends.console.EmailBackend"
    assert _start(tmp_path, SECRET_KEY="s" * 50, EMAIL_BACKEND=console).returncode == 0
    assert not (tmp_path / "data").exists()


def test_a_typo_stops_the_start_naming_the_variable(tmp_path):
    started = _start(tmp_path, DEBUG="true", PAGE_SIZE="fifty")
    assert started.returncode != 0
    assert "PAGE_SIZE='fifty' is not a whole number" in started.stderr
