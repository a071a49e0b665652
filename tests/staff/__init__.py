"""Tests of the staff side: the admin, curation operations, merges, uploads, import health.

Helpers shared by the modules here (plain functions, not fixtures, so they can be imported).
"""

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse

ARTICLES = reverse("admin:articles_article_changelist")
TOPICS = reverse("admin:articles_topic_changelist")
PROVIDERS = reverse("admin:articles_provider_changelist")
IMPORT_RUNS = reverse("admin:articles_importrun_changelist")
UPLOAD = reverse("admin:articles_importrun_upload")


def make_editor(username="editor"):
    """A staff user in the "Editors" group that migration 0002 creates."""
    user = get_user_model().objects.create_user(username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def run_action(client, url, action, objects, **data):
    """POST an admin action for `objects` from the changelist at `url`, as its button does."""
    payload = {"action": action, "index": 0, ACTION_CHECKBOX_NAME: [obj.pk for obj in objects]}
    return client.post(url, {**payload, **data})


def apply_action(client, url, action, objects, **data):
    """POST the form of an action's intermediate page (its "apply" button)."""
    payload = {"action": action, "apply": "1", ACTION_CHECKBOX_NAME: [obj.pk for obj in objects]}
    return client.post(url, {**payload, **data})


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []
