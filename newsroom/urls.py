from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from articles import api
from articles.dashboard.views import dashboard_view
from articles.feeds import ArticlesFeed, ProviderFeed, RisingFeed, StoryFeed, TopicFeed
from articles.health import healthz
from articles.sitemaps import SITEMAPS, robots_txt

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("dashboard/", dashboard_view, name="dashboard"),
    path("feeds/articles/", ArticlesFeed(), name="feed_articles"),
    path("feeds/topics/<slug:slug>/", TopicFeed(), name="feed_topic"),
    path("feeds/providers/<str:domain>/", ProviderFeed(), name="feed_provider"),
    path("feeds/rising/", RisingFeed(), name="feed_rising"),
    path("feeds/stories/<int:pk>/", StoryFeed(), name="feed_story"),
    path("api/", api.docs, name="api_docs"),
    path("api/articles/", api.article_list, name="api_articles"),
    path("api/articles/<int:pk>/", api.article_detail, name="api_article"),
    path("api/topics/", api.topic_list, name="api_topics"),
    path("api/providers/", api.provider_list, name="api_providers"),
    path("api/stories/", api.story_list, name="api_stories"),
    path("api/dashboard/", api.dashboard_figures, name="api_dashboard"),
    path("api/rising/", api.rising, name="api_rising"),
    path("export/articles.csv", api.export_csv, name="export_articles_csv"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("robots.txt", robots_txt, name="robots_txt"),
    path("", include("articles.urls")),
]
