"""The `byline` command: Django's manage.py with Byline's own subcommands.

byline run            serve the site (migrate, demo content, production server)
byline serve          the production server alone (systemd; migrations are a deploy step)
byline migrate        apply database migrations
byline createadmin    create a staff account
byline import FILE..  import stories from Markdown with front matter
byline demo           load the demo content (once)
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "byline.settings.base")
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        execute_from_command_line(argv or sys.argv)
    except ImproperlyConfigured as error:
        # A bad environment variable: say which, without a traceback.
        sys.stderr.write(f"byline: configuration error: {error}\n")
        raise SystemExit(2) from None


if __name__ == "__main__":
    main()
