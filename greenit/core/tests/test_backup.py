"""`greenit backup` and `greenit restore`: an archive of the database, the uploaded files and
the signing key that puts everything back, checked table by table; a damaged archive, a
database of the other kind or a database that already holds data are refused with the fix."""

import io
import json
import shutil
import tarfile

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from greenit.assets import lifecycle
from greenit.assets.models import Asset, CustodyEvent, State
from greenit.core import backup
from greenit.donations.models import DonationPhoto

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def site(alice, make_donation, make_asset, east_auto, media):
    donation = make_donation(east_auto)
    laptop = make_asset(donation, serial="BK0001", state=State.EXPECTED)
    lifecycle.transition(laptop, State.RECEIVED, actor=alice)
    photo = DonationPhoto(donation=donation)
    photo.image.save("boxes.jpg", ContentFile(b"\xff\xd8 a photo"), save=True)
    return {"donation": donation, "laptop": laptop, "photo": photo}


def _backup(tmp_path) -> object:
    out = io.StringIO()
    call_command("backup", output=tmp_path / "backups", stdout=out)
    (archive,) = (tmp_path / "backups").glob("greenit-backup-*.tar.gz")
    assert str(archive) in out.getvalue()
    return archive


def test_a_backup_restores_every_row_file_and_the_signing_key(site, tmp_path, media, settings):
    pdf_signing = tmp_path / "pdf-signing"  # a copy: the restore writes into it
    shutil.copytree(settings.SIGNING_PDF_DIR, pdf_signing)
    settings.SIGNING_PDF_DIR = pdf_signing
    pdf_key = (pdf_signing / "key.pem").read_bytes()
    archive = _backup(tmp_path)
    before = backup.table_counts()
    key = settings.SIGNING_KEY_FILE.read_bytes()
    with tarfile.open(archive) as tar:
        names = set(tar.getnames())
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert backup.DB_PARTS[connection.vendor] in names
    assert "signing_key.pem" in names
    assert {"pdf-signing/key.pem", "pdf-signing/cert.pem", "pdf-signing/chain.pem"} <= names
    assert any(n.startswith("media/") and n.endswith(".jpg") for n in names)
    assert manifest["counts"]["assets_custodyevent"] == 2
    assert (archive.stat().st_mode & 0o777) == 0o600  # holds the signing key

    # Disaster: the devices, the photo and the key are gone.
    Asset.objects.filter(pk=site["laptop"].pk).update(state=State.RECYCLED)
    (media / site["photo"].image.name).unlink()
    settings.SIGNING_KEY_FILE.unlink()
    shutil.rmtree(pdf_signing)
    out = io.StringIO()
    call_command("restore", str(archive), force=True, stdout=out)

    assert "every table's row count matches the manifest" in out.getvalue()
    assert backup.table_counts() == before
    assert Asset.objects.get(pk=site["laptop"].pk).state == State.RECEIVED
    events = CustodyEvent.objects.filter(asset=site["laptop"]).values_list("to_state", flat=True)
    assert list(events) == [State.EXPECTED, State.RECEIVED]
    assert (media / site["photo"].image.name).read_bytes() == b"\xff\xd8 a photo"
    assert settings.SIGNING_KEY_FILE.read_bytes() == key
    assert (pdf_signing / "key.pem").read_bytes() == pdf_key
    assert (pdf_signing / "key.pem").stat().st_mode & 0o777 == 0o600


def test_restore_refuses_a_database_that_holds_data_unless_forced(site, tmp_path):
    archive = _backup(tmp_path)
    with pytest.raises(CommandError, match="already holds data.*--force"):
        call_command("restore", str(archive), stdout=io.StringIO())


def test_a_damaged_archive_is_refused_and_nothing_is_changed(site, tmp_path):
    archive = _backup(tmp_path)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(damaged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == backup.DB_PARTS[connection.vendor]:
                data = data[:-100] + bytes(b ^ 0xFF for b in data[-100:])  # always differs
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    Asset.objects.filter(pk=site["laptop"].pk).update(location="shelf 9")
    with pytest.raises(CommandError, match="damaged"):
        call_command("restore", str(damaged), force=True, stdout=io.StringIO())
    assert Asset.objects.get(pk=site["laptop"].pk).location == "shelf 9"


def test_a_file_that_is_not_a_backup_is_refused_with_what_it_is(tmp_path):
    junk = tmp_path / "notes.tar.gz"
    junk.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="not a greenit backup"):
        call_command("restore", str(junk), stdout=io.StringIO())
    with pytest.raises(CommandError, match="no such file"):
        call_command("restore", str(tmp_path / "missing.tar.gz"), stdout=io.StringIO())


def test_a_backup_of_the_other_kind_of_database_is_refused(site, tmp_path):
    archive = _backup(tmp_path)
    other = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    forged = tmp_path / "other.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(forged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "manifest.json":
                data = json.dumps({**json.loads(data), "vendor": other}).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match=f"backup is of a {other} database"):
        call_command("restore", str(forged), force=True, stdout=io.StringIO())


def test_the_signing_key_can_be_left_out(site, tmp_path):
    call_command("backup", output=tmp_path / "b", without_signing_key=True, stdout=io.StringIO())
    (archive,) = (tmp_path / "b").glob("*.tar.gz")
    with tarfile.open(archive) as tar:
        assert "signing_key.pem" not in tar.getnames()


# ---------------------------------------------------------------- under load, staged, key


def _write_organisations(stop, written: list[int]) -> None:
    """A writer on its own connection, as the app and the worker would be."""
    from django.db import OperationalError, connections

    from greenit.accounts.models import Organisation

    try:
        while not stop.is_set():
            try:
                org = Organisation.objects.create(name=f"Load {len(written)}")
                written.append(org.pk)
            except OperationalError:  # SQLite: the copy holds a lock for a moment
                pass
    finally:
        connections.close_all()


def test_a_backup_taken_while_a_writer_runs_restores(site, tmp_path):
    import threading

    from greenit.accounts.models import Organisation

    archives = []
    for attempt in range(3):
        stop, written = threading.Event(), []
        writer = threading.Thread(target=_write_organisations, args=(stop, written))
        writer.start()
        try:
            while len(written) < 5:
                pass
            out = tmp_path / f"b{attempt}"
            call_command("backup", output=out, stdout=io.StringIO())
            while len(written) < 10 * (attempt + 1):
                pass
        finally:
            stop.set()
            writer.join()
        (archive,) = out.glob("*.tar.gz")
        archives.append(archive)
    for archive in archives:
        with tarfile.open(archive) as tar:
            manifest = json.loads(tar.extractfile("manifest.json").read())
        out = io.StringIO()
        call_command("restore", str(archive), force=True, stdout=out)
        assert "matches the manifest" in out.getvalue()
        assert Organisation.objects.count() == manifest["counts"]["accounts_organisation"]
        assert backup.table_counts() == manifest["counts"]


def test_rows_written_right_after_the_dump_are_not_in_the_manifest(site, tmp_path, monkeypatch):
    """Deterministic form of the load test: a row arrives between the copy and the count."""
    from greenit.accounts.models import Organisation

    if connection.vendor == "postgresql":
        run = backup._run

        def dump_then_write(command, env):
            run(command, env)
            _write_in_another_connection()

        monkeypatch.setattr(backup, "_run", dump_then_write)
    else:
        counts = backup._sqlite_counts

        def write_then_count(path):
            Organisation.objects.create(name="Arrived after the copy")
            return counts(path)

        monkeypatch.setattr(backup, "_sqlite_counts", write_then_count)
    archive = _backup(tmp_path)
    monkeypatch.undo()
    call_command("restore", str(archive), force=True, stdout=io.StringIO())
    assert not Organisation.objects.filter(name="Arrived after the copy").exists()


def _write_in_another_connection() -> None:
    import threading

    from django.db import connections

    from greenit.accounts.models import Organisation

    def write():
        try:
            Organisation.objects.create(name="Arrived after the copy")
        finally:
            connections.close_all()

    writer = threading.Thread(target=write)
    writer.start()
    writer.join()


def _tampered(archive, tmp_path, change) -> object:
    forged = tmp_path / "tampered.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(forged, "w:gz") as dst:
        for member in src.getmembers():
            data = src.extractfile(member).read()
            if member.name == "manifest.json":
                data = json.dumps(change(json.loads(data))).encode()
                member.size = len(data)
            dst.addfile(member, io.BytesIO(data))
    return forged


@pytest.mark.parametrize("table", ["assets_asset", "assets_custodyevent", "accounts_user"])
def test_an_archive_that_does_not_match_its_manifest_leaves_the_site_as_it_was(
    site, tmp_path, media, settings, table
):
    archive = _backup(tmp_path)

    def one_more(manifest):
        manifest["counts"][table] += 1
        return manifest

    forged = _tampered(archive, tmp_path, one_more)
    # After the backup: a change the refused restore must not undo, a file, a new key.
    Asset.objects.filter(pk=site["laptop"].pk).update(location="shelf 9")
    (media / site["photo"].image.name).unlink()
    settings.SIGNING_KEY_FILE.write_bytes(b"the new key")
    before = backup.table_counts()
    with pytest.raises(CommandError, match=f"does not match.*{table}.*as it was"):
        call_command("restore", str(forged), force=True, stdout=io.StringIO())
    assert backup.table_counts() == before
    assert Asset.objects.get(pk=site["laptop"].pk).location == "shelf 9"
    assert not (media / site["photo"].image.name).exists()
    assert settings.SIGNING_KEY_FILE.read_bytes() == b"the new key"


def test_the_secret_key_is_not_in_the_archive_and_a_different_one_is_reported(
    site, tmp_path, settings
):
    settings.SECRET_KEY = "the old site's secret key, long enough to be a real one 1234567890"
    archive = _backup(tmp_path)
    with tarfile.open(archive) as tar:
        for member in tar.getmembers():
            assert settings.SECRET_KEY.encode() not in tar.extractfile(member).read()
        manifest = json.loads(tar.extractfile("manifest.json").read())
    assert manifest["secret_key"] == backup.secret_key_fingerprint(settings.SECRET_KEY)
    out = io.StringIO()
    call_command("restore", str(archive), force=True, stdout=out)
    assert "SECRET_KEY differs" not in out.getvalue()
    settings.SECRET_KEY = "a new site's secret key, just as long as the old one 0987654321"
    out = io.StringIO()
    call_command("restore", str(archive), force=True, stdout=out)
    assert "SECRET_KEY differs" in out.getvalue()
    assert "SECRET_KEY_FALLBACKS" in out.getvalue()
