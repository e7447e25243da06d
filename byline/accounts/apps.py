from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "byline.accounts"
    label = "accounts"

    def ready(self) -> None:
        from byline.accounts import receivers

        receivers.connect()
