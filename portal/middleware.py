class ChineseFirstMiddleware:
    """Chinese first: the language is zh-hans unless the visitor chose English (cookie or URL).

    Put before ``LocaleMiddleware``. Many residents' phones are set to English while they read a
    Chinese board; the browser's Accept-Language therefore does not switch the language, only the
    visitor's explicit choice (the language link on every page) does.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
