"""What the stories app announces to the apps above it.

Stories sit below moderation and social, so a decision on a story does not call their services:
it sends `story_decided`, and each app records its part (the moderation log, the author's
notification) in a receiver connected in its AppConfig.ready(). Signals are sent inside the
decision's transaction, so a receiver's write commits or rolls back with the decision.
"""

from django.dispatch import Signal

# Sent when a moderator approves, rejects or unpublishes someone else's story, after the state
# change and inside its transaction. Arguments: story, moderator, action ("approve" | "reject" |
# "unpublish"), reason (what the author is told; may be empty for an approval).
story_decided = Signal()
