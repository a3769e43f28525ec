"""Local file storage that says so when the disk is full, instead of failing with a 500 and
leaving half a file behind.

A write that runs out of room (ENOSPC, or EDQUOT: over quota; EFBIG: file too big for the
file system) removes what it had written and raises `StorageFull`, a ValidationError: the
service that was saving stops before it writes its row, the page shows the message, the API
answers 422, a task records the failure. When room is made, the same upload works."""

import errno
import os

from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils.translation import gettext_lazy as _

FULL = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


class StorageFull(ValidationError):
    pass


class LocalStorage(FileSystemStorage):
    def _save(self, name, content):
        path = self.path(name)
        existed = os.path.exists(path)
        try:
            return super()._save(name, content)
        except OSError as error:
            if error.errno not in FULL:
                raise
            if not existed and os.path.exists(path):
                os.remove(path)  # the partial file this write created
            raise StorageFull(
                _(
                    "The server has no room to store this file just now; nothing was saved. "
                    "Try again later, or tell an administrator."
                ),
                code="storage_full",
            ) from error
