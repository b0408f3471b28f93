"""The phone's outbox, sent in one request (cues/sync.py): JSON in, one answer per item out."""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from cues import sync
from massage.decorators import login_required_or_401
from massage.errors import MALFORMED
from massage.middleware import TOO_LARGE


@login_required_or_401(_lazy("Not sent yet: log in again, and what is waiting is sent then."))
@require_POST
def outbox_sync(request):
    """POST {"sent_at": "<the phone's time now>", "items": [...]}: at most 500 items, each
    answered in order (see cues/sync.py). CSRF as for every other save: the token in the
    X-CSRFToken header."""
    try:
        items, sent_at = sync.read_batch(request.body)
    except sync.TooManyItems as error:
        return JsonResponse({"error": str(error)}, status=TOO_LARGE)
    except sync.BatchError as error:
        return JsonResponse({"error": str(error)}, status=MALFORMED)
    results = sync.sync_batch(user=request.user, items=items, sent_at=sent_at)
    return JsonResponse({"results": results})
