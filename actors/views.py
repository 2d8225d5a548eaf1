from django.shortcuts import get_object_or_404, render

from articles.browse import count_by, list_page, published_statement_count

from .filters import ActorFilter
from .models import Actor


def actor_detail(request, slug):
    actor = get_object_or_404(Actor.objects.for_detail(), slug=slug)
    return render(request, "actors/actor_detail.html", {"actor": actor})


def actor_list(request):
    return list_page(
        request,
        queryset=Actor.objects.for_listing().annotate(
            statement_count=published_statement_count("speaker")
        ),
        filterset_class=ActorFilter,
        kind="actors",
        template="actors/actor_list.html",
        noun=("actor", "actors"),
        facets=[
            ("Kinds", count_by("kind", "kind", choices=Actor.Kind.choices)),
            ("Countries", count_by("country", "country")),
        ],
    )
