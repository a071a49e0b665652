from django.urls import path

from . import story_pages, views

app_name = "articles"

urlpatterns = [
    path("", views.article_list, name="article_list"),
    path("articles/<int:pk>/<slug:slug>/", views.article_detail, name="article_detail"),
    path("topics/", views.topic_list, name="topic_list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic_detail"),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/<str:domain>/", views.provider_detail, name="provider_detail"),
    path(
        "stories/<int:pk>/",
        views.cached_for_readers(story_pages.story_detail),
        name="story_detail",
    ),
]
