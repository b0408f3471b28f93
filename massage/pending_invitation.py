"""An invitation link opened before signing up or logging in, kept in the session until used.

Opening the link remembers it; accepting or declining it forgets it. Whichever way the invitee
then signs up or logs in (the invitation's own buttons, or the header's "Sign up" and "Log in"),
massage.adapters joins them to the family right after. Logging out forgets it with the session.
"""

SESSION_KEY = "pending_invitation"


def remember(request, token: str) -> None:
    request.session[SESSION_KEY] = token


def forget(request, token: str | None = None) -> None:
    """Forget the remembered invitation (only if it is ``token``, when one is given)."""
    if token is None or request.session.get(SESSION_KEY) == token:
        request.session.pop(SESSION_KEY, None)


def take(request) -> str | None:
    """The remembered invitation's token, forgotten as it is taken."""
    return request.session.pop(SESSION_KEY, None)
