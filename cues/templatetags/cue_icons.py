"""``{% load cue_icons %}`` then ``{% cue_icon kind %}``: the small SVG icon for a cue kind.

The icon is decoration (``aria-hidden``): always show the cue's label next to it. An unknown or
empty kind renders nothing rather than raising, so a template never breaks on old data.
"""

from django import template

from cues.icons import cue_icon_svg

register = template.Library()


@register.simple_tag
def cue_icon(kind):
    """Safe SVG markup for ``kind`` (a CueKind value, or a CueKind member); "" if unknown."""
    return cue_icon_svg(str(kind) if kind is not None else "")
