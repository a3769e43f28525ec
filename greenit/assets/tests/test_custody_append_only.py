"""The chain of custody is append-only: the model, its querysets, the admin and the database
itself refuse to change or remove a custody event."""

import pytest
from django.contrib import admin
from django.db import DatabaseError, connection, transaction
from django.db.models import ProtectedError
from django.test import RequestFactory
from django.urls import reverse

from greenit.accounts.models import User
from greenit.assets import lifecycle
from greenit.assets.admin import CustodyEventInline
from greenit.assets.models import Asset, CustodyEvent, State
from greenit.core.append_only import AppendOnly

TABLE = connection.ops.quote_name(CustodyEvent._meta.db_table)


@pytest.fixture
def event(laptop, alice) -> CustodyEvent:
    return lifecycle.transition(laptop, State.SANITIZED, actor=alice, note="nwipe, verified")


def _as_written(event: CustodyEvent) -> None:
    stored = CustodyEvent.objects.get(pk=event.pk)
    assert (stored.note, stored.to_state) == ("nwipe, verified", State.SANITIZED)


def test_a_new_event_can_be_written(laptop, alice):
    before = CustodyEvent.objects.count()
    CustodyEvent.objects.create(asset=laptop, actor=alice, from_state="", to_state="received")
    assert CustodyEvent.objects.count() == before + 1


def test_saving_an_existing_event_is_refused(event):
    event.note = "nothing happened"
    with pytest.raises(AppendOnly):
        event.save()
    _as_written(event)


def test_deleting_an_event_is_refused(event):
    with pytest.raises(AppendOnly):
        event.delete()
    _as_written(event)


def test_queryset_update_and_delete_are_refused(event, laptop):
    with pytest.raises(AppendOnly):
        CustodyEvent.objects.filter(pk=event.pk).update(note="nothing happened")
    with pytest.raises(AppendOnly):
        CustodyEvent.objects.all().delete()
    with pytest.raises(AppendOnly):
        laptop.events.update(note="nothing happened")
    with pytest.raises(AppendOnly):
        laptop.events.all().delete()
    _as_written(event)


def test_bulk_update_is_refused(event):
    event.note = "nothing happened"
    with pytest.raises(AppendOnly), transaction.atomic():
        CustodyEvent.objects.bulk_update([event], ["note"])
    _as_written(event)


def test_a_device_with_a_history_cannot_be_deleted(laptop):
    with pytest.raises((ProtectedError, AppendOnly)), transaction.atomic():
        laptop.delete()
    assert Asset.objects.filter(pk=laptop.pk).exists()


def test_the_database_refuses_a_raw_update(event):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET note = %s WHERE id = %s", ["forged", event.pk])  # noqa: S608
    _as_written(event)


def test_the_database_refuses_a_raw_delete(event):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])  # noqa: S608
    _as_written(event)


def test_the_database_still_takes_a_raw_insert(laptop):
    before = CustodyEvent.objects.count()
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {TABLE} (asset_id, at, from_state, to_state, location, note) "  # noqa: S608
            "VALUES (%s, CURRENT_TIMESTAMP, '', 'received', '', 'migrated')",
            [laptop.pk],
        )
    assert CustodyEvent.objects.count() == before + 1


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser(username="root", password="root-Pa55word!")


def test_the_admin_offers_no_add_change_or_delete_even_to_a_superuser(superuser, event):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    model_admin = admin.site._registry[CustodyEvent]
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_change_permission(request, event)
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_delete_permission(request, event)
    assert model_admin.has_view_permission(request, event)


def test_the_asset_admin_shows_the_history_read_only(superuser, event):
    request = RequestFactory().get("/admin/")
    request.user = superuser
    inline = CustodyEventInline(Asset, admin.site)
    assert not inline.can_delete
    assert not inline.has_add_permission(request, event.asset)
    assert not inline.has_change_permission(request, event.asset)


def test_the_admin_pages_refuse_to_change_or_delete_an_event(client, superuser, event):
    client.force_login(superuser)
    change = reverse("admin:assets_custodyevent_change", args=[event.pk])
    page = client.get(change)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    assert client.post(change, {"note": "forged"}).status_code == 403
    delete = reverse("admin:assets_custodyevent_delete", args=[event.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:assets_custodyevent_changelist")
    response = client.post(
        changelist, {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"}
    )
    assert response.status_code in (200, 302, 403)
    _as_written(event)
