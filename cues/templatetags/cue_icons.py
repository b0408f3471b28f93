"""``{% load cue_icons %}`` then ``{% cue_icon kind %}``: the small SVG icon for a cue kind.

The icon is decoration (``aria-hidden``): always show the cue's label next to it. An unknown or
empty kind renders nothing rather than raising, so a template never breaks on old data.
"""

from django import template
from django.urls import reverse

from cues import icons
from cues.icons import cue_icon_svg

register = template.Library()


@register.simple_tag
def cue_icon(kind):
    """Safe SVG markup for ``kind`` (a CueKind value, or a CueKind member); "" if unknown."""
    return cue_icon_svg(str(kind) if kind is not None else "")


@register.simple_tag
def cue_icon_use(kind):
    """The same icon drawn from the icons' sprite, which the browser keeps: for a page of many."""
    url = reverse("cues:cue-icons", args=[icons.sprite_version()])
    return icons.cue_icon_use(str(kind) if kind is not None else "", url)
