from django.http import HttpResponse


def home(request):
    # Placeholder until the public board lands (issue 4).
    return HttpResponse("居委公开平台")
