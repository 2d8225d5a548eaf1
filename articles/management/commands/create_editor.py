import getpass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.services import EDITORS_GROUP, editor_create


class Command(BaseCommand):
    help = (
        "Create a staff user in the Editors group: may add and change archive records, "
        "not users or permissions. Prompts for the password; never takes it as an argument."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--email", default="", help="The editor's e-mail address.")

    def handle(self, *args, username: str, email: str, **options):
        if not Group.objects.filter(name=EDITORS_GROUP).exists():
            raise CommandError(f"The {EDITORS_GROUP} group is missing: run `manage.py migrate`.")
        if get_user_model().objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} already exists.")
        for _attempt in range(3):
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ. Try again.")
                continue
            try:
                editor_create(username=username, email=email, password=password)
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            self.stdout.write(f"Created the editor {username!r}; they log in at /admin/.")
            return
        raise CommandError("No editor created: no acceptable password given.")
