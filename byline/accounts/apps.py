from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "byline.accounts"
    label = "accounts"

    def ready(self) -> None:
        from byline.accounts import receivers
        from byline.accounts.models import User
        from byline.core import renditions

        receivers.connect()
        renditions.register_image_field(User, "avatar")
