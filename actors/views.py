from django.shortcuts import get_object_or_404, render

from .models import Actor


def actor_detail(request, slug):
    actor = get_object_or_404(Actor.objects.for_detail(), slug=slug)
    return render(request, "actors/actor_detail.html", {"actor": actor})
