from django.shortcuts import get_object_or_404, render

from .models import Article, Event, Outlet, Place, Statement


def home(request):
    statements = Statement.objects.published().for_listing()[:20]
    return render(request, "home.html", {"statements": statements})


def statement_detail(request, pk):
    statement = get_object_or_404(Statement.objects.published().for_detail(), pk=pk)
    return render(request, "articles/statement_detail.html", {"statement": statement})


def article_detail(request, slug):
    article = get_object_or_404(Article.objects.published().for_detail(), slug=slug)
    return render(request, "articles/article_detail.html", {"article": article})


def event_detail(request, slug):
    event = get_object_or_404(Event.objects.published().for_detail(), slug=slug)
    return render(request, "articles/event_detail.html", {"event": event})


def outlet_detail(request, slug):
    outlet = get_object_or_404(Outlet, slug=slug)
    return render(request, "articles/outlet_detail.html", {"outlet": outlet})


def place_detail(request, slug):
    place = get_object_or_404(Place, slug=slug)
    return render(request, "articles/place_detail.html", {"place": place})
