"""`byline demo`: load the demo content written for Byline, once.

Stories come from byline/demo/stories/*.md through the same importer as `byline import`; images
are generated with Pillow; comments, ratings and insights come from byline/demo/comments.yaml.
Running it again finds the content already there and adds nothing.
"""

import secrets
import shutil
import tempfile
from pathlib import Path

import yaml
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand
from django.db import transaction

from byline.accounts.models import User
from byline.comments.models import Comment
from byline.comments.services import comment_create
from byline.communities.models import Community
from byline.insights.services import insight_add, rating_set
from byline.stories.importer import import_story, parse_story_file
from byline.stories.models import Story

DEMO_DIR = Path(__file__).resolve().parents[3] / "demo"
ADMIN_HANDLE = "admin"


class Command(BaseCommand):
    help = "Load the demo content (stories, creators, communities, comments, insights) once."

    def handle(self, *args, **options):
        from byline.demo.images import make_avatar, make_image

        if User.objects.filter(username=ADMIN_HANDLE).exists():
            self.stdout.write("Demo content is already loaded; nothing added.")
            return

        imported = 0
        with tempfile.TemporaryDirectory() as tmp:
            workdir = Path(tmp)
            for source in sorted((DEMO_DIR / "stories").glob("*.md")):
                copy = workdir / source.name
                shutil.copyfile(source, copy)
                meta = yaml.safe_load(source.read_text(encoding="utf-8").split("---", 2)[1])
                if meta.get("hero_image"):
                    target = workdir / meta["hero_image"]
                    target.parent.mkdir(parents=True, exist_ok=True)
                    make_image(target, seed=meta["title"], kind="hero")
                result = import_story(parse_story_file(copy))
                imported += result.created

            for community in Community.objects.filter(logo=""):
                path = workdir / f"logo-{community.slug}.png"
                make_image(path, seed=community.name, kind="logo")
                community.logo.save(f"{community.slug}.png", ContentFile(path.read_bytes()))
            for creator in User.objects.filter(avatar="", stories__isnull=False).distinct():
                path = workdir / f"avatar-{creator.username}.png"
                make_avatar(path, seed=creator.username)
                creator.avatar.save(f"{creator.username}.png", ContentFile(path.read_bytes()))

        self._load_reactions()
        password = self._create_admin()
        self.stdout.write(
            f"Demo content loaded: {imported} stories by "
            f"{User.objects.filter(stories__isnull=False).distinct().count()} creators in "
            f"{Community.objects.count()} communities. Demo admin: '{ADMIN_HANDLE}' / '{password}'."
        )

    @transaction.atomic
    def _load_reactions(self) -> None:
        reactions_file = DEMO_DIR / "comments.yaml"
        if not reactions_file.exists():
            return
        for entry in yaml.safe_load(reactions_file.read_text(encoding="utf-8")) or []:
            story = Story.objects.filter(title=entry["story"]).first()
            if story is None or Comment.objects.filter(story=story).exists():
                continue
            for item in entry.get("comments") or []:
                self._comment(story, item, parent=None)
            for handle, value in (entry.get("ratings") or {}).items():
                reader = User.objects.filter(username=handle).first()
                if reader and reader != story.author:
                    # Through the services, so Story.insight_count and notifications follow.
                    rating_set(story=story, reader=reader, value=value)
            for handle, kinds in (entry.get("insights") or {}).items():
                reader = User.objects.filter(username=handle).first()
                if reader and reader != story.author:
                    for kind in kinds:
                        insight_add(story=story, reader=reader, kind=kind)

    def _comment(self, story: Story, item: dict, parent: Comment | None) -> None:
        author = User.objects.filter(username=item["author"]).first()
        if author is None:
            return
        comment = comment_create(story=story, author=author, body=item["body"], parent=parent)
        for reply in item.get("replies") or []:
            self._comment(story, reply, parent=comment)

    def _create_admin(self) -> str:
        password = secrets.token_urlsafe(9)
        admin = User.objects.create_superuser(
            username=ADMIN_HANDLE,
            email="admin@example.org",
            password=password,
            display_name="Site admin",
        )
        from allauth.account.models import EmailAddress

        EmailAddress.objects.create(user=admin, email=admin.email, primary=True, verified=True)
        password_file = settings.DATA_DIR / "demo-admin-password"
        password_file.write_text(password + "\n")
        password_file.chmod(0o600)
        return password
