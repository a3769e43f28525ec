"""The client address every rate limit counts by: forwarded headers are trusted only from our
own proxies."""

from django.test import RequestFactory

from greenit.core.limits import client_address


def _request(remote: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_a_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXIES = 0
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_one_proxy_the_address_it_saw_counts(settings):
    settings.TRUSTED_PROXIES = 1
    assert client_address(_request("127.0.0.1", "198.51.100.1")) == "198.51.100.1"


def test_a_forged_entry_before_our_proxys_cannot_choose_the_address(settings):
    settings.TRUSTED_PROXIES = 1
    request = _request("127.0.0.1", "10.9.9.9, 198.51.100.1")
    assert client_address(request) == "198.51.100.1"


def test_two_proxies_take_the_entry_the_outer_one_wrote(settings):
    settings.TRUSTED_PROXIES = 2
    request = _request("10.0.0.2", "6.6.6.6, 198.51.100.1, 10.0.0.1")
    assert client_address(request) == "198.51.100.1"


def test_a_request_that_skipped_the_proxy_or_sent_garbage_counts_by_its_own_address(settings):
    settings.TRUSTED_PROXIES = 2
    assert client_address(_request("203.0.113.7", "198.51.100.1")) == "203.0.113.7"
    settings.TRUSTED_PROXIES = 1
    assert client_address(_request("127.0.0.1", "not-an-address")) == "127.0.0.1"
    assert client_address(_request("127.0.0.1", "")) == "127.0.0.1"
