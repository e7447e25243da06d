"""What the accounts app announces to the apps above it (they connect receivers in ready())."""

from django.dispatch import Signal

# Sent after a password reset, change or first set, once the account's other sessions are
# ended. Arguments: user, reason ("password_reset" | "password_changed" | "password_set").
# Receivers end what they keep for the account (the API app revokes its tokens) and return a
# sentence for the account holder ("2 API tokens were revoked"), or None when nothing ended.
credentials_changed = Signal()

# Sent inside user_delete's transaction, before the account row goes. Arguments: user,
# sentinel (the "Deleted account" that keeps what stays), keep_stories (the holder's choice).
# Receivers move what stays to the sentinel and return the names of stored files to delete
# once the deletion commits (or an empty list). Whatever still points at the user afterwards
# goes with the account (on_delete=CASCADE).
account_deleting = Signal()
