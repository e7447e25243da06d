from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST

from byline.insights.services import insight_add, insight_remove, rating_remove, rating_set
from byline.social.actions import public_story_or_404, section_response


@login_required
@require_POST
def give(request: HttpRequest, story_id: int) -> HttpResponse:
    """One button press in the "Add your insights" panel. `action` is one of
    rate:<key>, unrate, add:<key>, remove:<key>: explicit, so a repeated or parallel request
    never flips a choice back."""
    story = public_story_or_404(story_id)
    verb, _, key = request.POST.get("action", "").partition(":")
    error = None
    try:
        if verb == "rate":
            rating_set(story=story, reader=request.user, value=key)
        elif verb == "unrate":
            rating_remove(story=story, reader=request.user)
        elif verb == "add":
            insight_add(story=story, reader=request.user, kind=key)
        elif verb == "remove":
            insight_remove(story=story, reader=request.user, kind=key)
        else:
            raise ValidationError("Choose a rating or an insight.")
    except ValidationError as exc:
        error = exc.messages[0]
    return section_response(
        request,
        story=story,
        template="insights/_story_insights.html",
        anchor="story-insights",
        extra={"insights_error": error} if error else None,
        status=400 if error else 200,
    )
