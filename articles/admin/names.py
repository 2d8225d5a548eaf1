"""Names in an article's text that are not in the archive: one click creates the actor
and links it to the article as mentioned.

The article's change page lists the proposals (`suggestions.name_proposals`); each is a
small form that posts here. `urls(model_admin)` gives the URL to add to the
ArticleAdmin's own.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.urls import path, reverse

from actors.models import Actor

from ..services import actor_create_mentioned

NAME_MAX_LENGTH = Actor._meta.get_field("name").max_length


def create_actor_view(model_admin, request, object_id):
    """Create the actor the form names (`name`, `kind`) and link it as mentioned.

    Needs the right to change the article and to add actors. Bad input (no name, a
    name too long, an unknown kind, a name the archive already has) changes nothing
    and says why.
    """
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    article = model_admin.get_object(request, object_id)
    if article is None:
        messages.error(request, "That article does not exist.")
        return HttpResponseRedirect(reverse("admin:articles_article_changelist"))
    if not (
        model_admin.has_change_permission(request, article)
        and request.user.has_perm("actors.add_actor")
    ):
        raise PermissionDenied
    name = " ".join(request.POST.get("name", "").split())
    kind = request.POST.get("kind", "")
    problem = ""
    if not name:
        problem = "Give the actor's name"
    elif len(name) > NAME_MAX_LENGTH:
        problem = f"An actor's name has at most {NAME_MAX_LENGTH} characters"
    elif kind not in Actor.Kind.values:
        problem = "Choose the kind of actor from the list"
    if problem:
        message = f"{problem}: nothing was created."
        return model_admin._answer(request, article, messages.ERROR, message)
    page_is_current = model_admin._page_is_current(request, article)
    try:
        actor = actor_create_mentioned(article=article, name=name, kind=kind)
    except ValidationError as error:
        text = " ".join(" ".join(errors) for errors in error.message_dict.values())
        return model_admin._answer(request, article, messages.ERROR, f"{text} Nothing was created.")
    article.refresh_from_db(fields=["version"])
    return model_admin._answer(
        request,
        article,
        messages.SUCCESS,
        f"Created {actor.name} ({actor.get_kind_display().lower()}) and added it to the actors "
        "mentioned. Edit the actor to add a description, country or aliases.",
        mentioned={"id": actor.pk, "name": actor.name},
        version=article.version if page_is_current else None,
    )


def urls(model_admin) -> list:
    opts = model_admin.model._meta
    return [
        path(
            "<path:object_id>/create-actor/",
            model_admin.admin_site.admin_view(
                lambda request, object_id: create_actor_view(model_admin, request, object_id)
            ),
            name=f"{opts.app_label}_{opts.model_name}_create_actor",
        )
    ]
