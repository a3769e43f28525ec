"""The `greenit` command: Django's manage.py for this project, e.g. `greenit demo`,
`greenit migrate`, `greenit createsuperuser`. `greenit help` lists every command."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greenit.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
