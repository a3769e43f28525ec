"""On PostgreSQL an import stores its devices on a second connection while the checker goes on
with the next rows (writing.py). What the one-transaction import promised still holds: all
or nothing, the import's record in the same commit, errors raised where the caller sees them,
and no thread or connection left behind."""

import functools
import threading
import time

import pytest
from django.db import IntegrityError, connection

from greenit.assets import lifecycle
from greenit.assets.models import Asset, CustodyEvent, Make
from greenit.imports import checking, services, writing
from greenit.imports.models import AssetImport

from .helpers import ENGLISH, csv_bytes, english_rows

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 23  # checked, handed over and stored 5 at a time: five hand-overs, five writes


@pytest.fixture(autouse=True)
def _small_chunks(settings, tmp_path, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("writing alongside the check: PostgreSQL only")
    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setattr(checking, "LOOKUP_EVERY", 5)
    monkeypatch.setattr(checking, "PROGRESS_EVERY", 5)  # handed over as often
    monkeypatch.setattr(
        lifecycle, "enter_many", functools.partial(lifecycle.enter_many, chunk_size=5)
    )


@pytest.fixture
def writes(monkeypatch):
    """The threads that wrote asset rows, one entry per chunk written."""
    seen: list[str] = []
    insert = lifecycle._insert

    def spy(connection, table, *args):
        if table == Asset._meta.db_table:
            seen.append(threading.current_thread().name)
        return insert(connection, table, *args)

    monkeypatch.setattr(lifecycle, "_insert", spy)
    return seen


def _wait_for(writes: list[str]) -> None:
    """The checker waits until the writer has stored a chunk (it would otherwise often have
    checked all 23 rows before the writer's thread got going)."""
    deadline = time.monotonic() + 10
    while not writes and time.monotonic() < deadline:
        time.sleep(0.01)


def _checker_waits_at(row_number: int, writes: list[str], monkeypatch, *, then=None) -> None:
    check_row = checking.check_row
    seen = []

    def waiting(row, **kwargs):
        seen.append(row)
        if len(seen) == row_number:
            _wait_for(writes)
            if then:
                then()
        return check_row(row, **kwargs)

    monkeypatch.setattr(checking, "check_row", waiting)


def _upload(donation, actor, rows):
    return services.import_upload(
        donation=donation, data=csv_bytes(ENGLISH, rows), filename="list.csv", actor=actor
    )


def _nothing_written(donation) -> bool:
    return (
        not Asset.objects.filter(donation=donation).exists()
        and not CustodyEvent.objects.filter(asset__donation=donation).exists()
        and not Make.objects.exists()
    )


def test_rows_are_stored_by_the_writer_and_committed_with_the_import(donation, lena, writes):
    threads = threading.active_count()
    asset_import = _upload(donation, lena, english_rows(ROWS))

    services.run_import(asset_import=asset_import, actor=lena)

    assert writes == ["import-writer"] * 5
    asset_import.refresh_from_db()
    assert asset_import.status == AssetImport.Status.DONE
    assert (asset_import.created_count, asset_import.total_rows) == (ROWS, ROWS)
    assert Asset.objects.filter(donation=donation).count() == ROWS
    assert CustodyEvent.objects.filter(asset__donation=donation).count() == ROWS
    assert Make.objects.filter(name="Lenovo").exists()  # the catalogue, in the same commit
    assert threading.active_count() == threads


def test_a_bad_last_row_rolls_back_what_the_writer_had_stored(donation, lena, writes, monkeypatch):
    rows = english_rows(ROWS)
    rows[-1][-1] = "heavy"  # the weight of the very last row
    asset_import = _upload(donation, lena, rows)
    _checker_waits_at(ROWS, writes, monkeypatch)

    services.run_import(asset_import=asset_import, actor=lena)

    assert writes, "the first chunks were written before the bad row was read"
    asset_import.refresh_from_db()
    assert asset_import.status == AssetImport.Status.FAILED
    assert [(e["line"], e["field"]) for e in asset_import.errors] == [(ROWS + 1, "weight_kg")]
    assert asset_import.created_count == 0
    assert _nothing_written(donation)


def test_a_failing_write_is_raised_to_the_caller_and_leaves_nothing(
    donation, lena, monkeypatch, writes
):
    insert = lifecycle._insert
    calls = []

    def second_fails(connection, table, *args):
        calls.append(table)
        if len(calls) == 3:  # the second chunk's assets
            raise IntegrityError("duplicate key value violates unique constraint")
        return insert(connection, table, *args)

    threads = threading.active_count()
    asset_import = _upload(donation, lena, english_rows(ROWS))
    monkeypatch.setattr(lifecycle, "_insert", second_fails)

    with pytest.raises(IntegrityError):
        services.run_import(asset_import=asset_import, actor=lena)

    asset_import.refresh_from_db()
    assert asset_import.status == AssetImport.Status.FAILED
    assert _nothing_written(donation)
    assert threading.active_count() == threads


def test_a_failing_check_abandons_the_writer(donation, lena, monkeypatch, writes):
    threads = threading.active_count()
    asset_import = _upload(donation, lena, english_rows(ROWS))

    def fail():
        raise RuntimeError("the checker broke")

    _checker_waits_at(18, writes, monkeypatch, then=fail)

    with pytest.raises(RuntimeError, match="checker broke"):
        services.run_import(asset_import=asset_import, actor=lena)

    assert writes, "the writer had stored the first chunks"
    asset_import.refresh_from_db()
    assert asset_import.status == AssetImport.Status.FAILED
    assert _nothing_written(donation)
    assert threading.active_count() == threads


def test_the_same_file_again_creates_nothing(donation, lena):
    data = csv_bytes(ENGLISH, english_rows(ROWS))
    first = services.import_upload(donation=donation, data=data, filename="a.csv", actor=lena)
    services.run_import(asset_import=first, actor=lena)
    again = services.import_upload(donation=donation, data=data, filename="a.csv", actor=lena)

    services.run_import(asset_import=again, actor=lena)

    again.refresh_from_db()
    assert (again.status, again.created_count, again.unchanged_count) == ("done", 0, ROWS)
    assert Asset.objects.filter(donation=donation).count() == ROWS


def test_inside_a_transaction_the_import_writes_on_its_own_connection_only(donation, lena, writes):
    from django.db import transaction

    asset_import = _upload(donation, lena, english_rows(7))
    with transaction.atomic():
        assert not writing.may_write_alongside()
        services.run_import(asset_import=asset_import, actor=lena)

    assert set(writes) == {threading.current_thread().name}
    assert Asset.objects.filter(donation=donation).count() == 7
