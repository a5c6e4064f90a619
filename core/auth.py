from allauth.account.adapter import DefaultAccountAdapter


class NoSignupAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by the committee in the admin; there is no public sign-up."""

    def is_open_for_signup(self, request):
        return False
