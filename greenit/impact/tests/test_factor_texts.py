"""The words of the impact factors data file show in Chinese on Chinese pages."""

from django.utils import translation

from greenit.impact import factor_texts, factors


def test_every_text_of_the_data_file_is_in_the_catalogue():
    missing = factor_texts.file_texts(factors.file_factors()) - set(factor_texts.TEXTS)
    assert not missing, f"add these to impact/factor_texts.py and translate them: {missing}"


def test_every_text_of_the_data_file_has_a_chinese_translation():
    with translation.override("zh-hans"):
        untranslated = [t for t in factor_texts.TEXTS if factor_texts.translated(t) == t]
    assert not untranslated


def test_a_text_typed_in_an_override_shows_as_typed():
    with translation.override("zh-hans"):
        assert factor_texts.translated("Measured by our own scales") == (
            "Measured by our own scales"
        )
