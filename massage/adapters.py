from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Sign-up lands on "create your family" unless the user came through an invitation link."""

    def get_signup_redirect_url(self, request):
        next_url = request.POST.get("next") or request.GET.get("next")
        if next_url and self.is_safe_url(next_url):
            return next_url
        return "/families/new/"
