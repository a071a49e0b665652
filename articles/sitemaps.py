"""/sitemap.xml (an index of sections, each paginated by Django's sitemap framework) and
/robots.txt. Crawlers are anonymous: only what any reader may see is listed."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from .models import Article, Provider, Topic


class ArticleSitemap(Sitemap):
    changefreq = "monthly"
    # Rendering the sitemap template costs ~0.1 ms a URL: pages of 5,000 answer in about half
    # a second (the protocol allows 50,000).
    limit = 5_000

    def items(self):
        return Article.objects.visible().only("pk", "slug", "updated_at").order_by("pk")

    def lastmod(self, article):
        return article.updated_at

    def get_latest_lastmod(self):
        # The default calls lastmod() on every article of the section: one aggregate instead.
        return self.items().aggregate(latest=Max("updated_at"))["latest"]


class TopicSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return Topic.objects.public_to(None).only("slug").order_by("pk")


class ProviderSitemap(Sitemap):
    changefreq = "daily"
    limit = 5_000

    def items(self):
        return Provider.objects.public_to(None).only("domain").order_by("pk")


SITEMAPS = {"articles": ArticleSitemap, "topics": TopicSitemap, "providers": ProviderSitemap}


@require_safe
def robots_txt(request):
    sitemap_url = request.build_absolute_uri(reverse("sitemap"))
    return render(request, "robots.txt", {"sitemap_url": sitemap_url}, content_type="text/plain")
