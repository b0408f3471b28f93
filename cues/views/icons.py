from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from cues import icons

YEAR = 365 * 24 * 3600


@require_safe
def cue_icons(request, version):
    """Every cue icon in one SVG file, the same for everyone; its address carries its version,
    so the browser (and any cache) keeps it a year. An old version leads to the current one."""
    current = icons.sprite_version()
    if version != current:
        return redirect("cues:cue-icons", version=current)
    response = HttpResponse(icons.sprite_svg(), content_type="image/svg+xml")
    patch_cache_control(response, public=True, max_age=YEAR, immutable=True)
    return response
