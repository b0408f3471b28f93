from massage.models.families import Baby, Family, Invitation, Membership
from massage.models.library import Focus, FocusTag, Routine, Step
from massage.models.users import User

__all__ = [
    "Baby",
    "Family",
    "Focus",
    "FocusTag",
    "Invitation",
    "Membership",
    "Routine",
    "Step",
    "User",
]
