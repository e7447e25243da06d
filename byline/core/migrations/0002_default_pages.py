"""The footer pages every Byline site starts with; operators edit them in the admin."""

from django.db import migrations

PAGES = [
    ("contact", "Contact", 1, """
We are a small team and we read every message.

- **General questions and feedback:** write to the address on the Support page.
- **Reporting a story or a comment:** use the *Report* link next to it, so a moderator sees it
  with its context. Reports are handled in the order they arrive.
- **Press and partnerships:** tell us who you are and what you have in mind.

If you run this site, edit this page in the admin under *Static pages*.
"""),
    ("privacy", "Privacy Policy", 2, """
This site runs Byline, an open-source storytelling platform. This policy says what we keep
about you and why.

## What we keep

- **Your account:** handle, display name, e-mail address, a salted hash of your password (never
  the password itself), and the profile fields you fill in (bio, website, avatar).
- **What you publish:** stories, drafts and their revisions, comments, reader insights, likes and
  follows.
- **Reading statistics:** we count page views per story without storing who read what.
  Signed-in activity that you see yourself (your insights, your notifications) is stored with
  your account.
- **Technical logs:** request logs with the time, address and page, kept for a short time to keep
  the site secure and working.

## What we do not do

We do not sell your data, show third-party advertising, or load trackers from other companies.
Images you upload have their metadata (including GPS location) removed before they are stored.

## Your choices

You can change your profile, export everything you wrote, and delete your account at any time
from your settings. When you delete your account you choose whether your published stories are
removed or kept under "deleted account".

## Cookies

We use one session cookie to keep you signed in and one to protect forms against forgery.
No other cookies.
"""),
    ("terms", "Terms of Use", 3, """
By using this site you agree to these terms. They are short on purpose.

## Your content

You keep the rights to everything you publish. By publishing, you give this site permission to
show your work to its readers, in feeds and in search, for as long as you keep it published.
You can unpublish or delete your work at any time.

## Be a good neighbour

Do not publish anything that is illegal, that you do not have the right to publish, that harasses
or threatens people, that reveals someone's private information, or that is spam. Moderators may
hide content or suspend accounts that break these rules; every decision is recorded with a reason.

## No warranty

The site is provided as it is. We work hard to keep it available and your work safe, and we keep
backups, but we cannot promise that it will never be unavailable.

## Changes

If these terms change in a way that matters, we will say so on the site before the change takes
effect.
"""),
    ("support", "Support", 4, """
## Getting started

1. **Join** with a handle, your name and an e-mail address, and confirm the address.
2. **Write** a story: a title, an optional subtitle, a hero image with a caption and a credit,
   a community and up to five tags.
3. **Submit** it. On sites with review turned on, a moderator reads it first; you are told the
   decision, and the reason if it needs changes.

## Common questions

**How is reading time worked out?** About 265 words a minute, plus a few seconds for each image,
rounded up.

**What are reader insights?** Signed-in readers can give one overall rating and any of a few
"top insights". Creators see every count.

**Can I take my stories with me?** Yes: your settings page exports everything you wrote as
Markdown files with your images.

Still stuck? Write to the site's operators through the Contact page.
"""),
]


def create_pages(apps, schema_editor):
    from byline.core.rendering import render_markdown

    StaticPage = apps.get_model("core", "StaticPage")
    for slug, title, order, body in PAGES:
        body = body.strip() + "\n"
        StaticPage.objects.get_or_create(
            slug=slug,
            defaults={"title": title, "footer_order": order, "body": body, "body_html": render_markdown(body)},
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]
