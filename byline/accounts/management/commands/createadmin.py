import secrets

from django.core.management.base import BaseCommand, CommandError

from byline.accounts.models import User, handle_validator


class Command(BaseCommand):
    help = "Create a staff account (superuser) that can sign in to the site and /admin/."

    def add_arguments(self, parser):
        parser.add_argument("handle")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password", help="Omit to generate a strong one (it is printed once)."
        )

    def handle(self, *args, handle, email, password, **options):
        try:
            handle_validator(handle)
        except Exception as error:
            raise CommandError(f"handle: {error.messages[0]}") from None
        if User.objects.filter(username__iexact=handle).exists():
            raise CommandError(f"An account with the handle @{handle} already exists.")
        password = password or secrets.token_urlsafe(12)
        user = User.objects.create_superuser(username=handle, email=email, password=password)
        if email:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        self.stdout.write(f"Created @{user.username}. Password: {password}")
