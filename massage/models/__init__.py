from massage.models.families import Baby, Family, Invitation, Membership
from massage.models.users import User

__all__ = ["Baby", "Family", "Invitation", "Membership", "User"]
