# The site's own date formats by language (FORMAT_MODULE_PATH), and the short day-and-month
# format, translated like any string: Django's "M" capitalises ("5 Dec"), which Spanish does not
# ("5 dic", from "j b"). Templates write it `|date:_("j M")`.
from django.utils.translation import gettext_lazy as _

DAY_MONTH = _("j M")
