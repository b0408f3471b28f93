from massage.views.accounts import *  # noqa: F403
from massage.views.families import *  # noqa: F403
from massage.views.library import *  # noqa: F403
from massage.views.site import *  # noqa: F403
from massage.views.studio import *  # noqa: F403
from massage.views.teaching import *  # noqa: F403
