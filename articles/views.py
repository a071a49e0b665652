from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render

from .models import Article, Provider, Topic


def _page(request, queryset):
    return Paginator(queryset, 20).get_page(request.GET.get("page"))


def article_list(request):
    articles = Article.objects.visible_to(request.user).for_listing()
    return render(request, "articles/article_list.html", {"page_obj": _page(request, articles)})


def article_detail(request, pk, slug):
    article = get_object_or_404(Article.objects.visible_to(request.user).for_listing(), pk=pk)
    if slug != article.slug:
        return redirect(article, permanent=True)
    return render(request, "articles/article_detail.html", {"article": article})


def topic_list(request):
    return render(request, "articles/topic_list.html", {"topics": Topic.objects.all()})


def topic_detail(request, slug):
    topic = get_object_or_404(Topic, slug=slug)
    articles = Article.objects.visible_to(request.user).for_listing().filter(topics=topic)
    return render(
        request,
        "articles/article_list.html",
        {"page_obj": _page(request, articles), "topic": topic},
    )


def provider_list(request):
    return render(request, "articles/provider_list.html", {"providers": Provider.objects.all()})


def provider_detail(request, domain):
    provider = get_object_or_404(Provider, domain=domain.lower())
    articles = Article.objects.visible_to(request.user).for_listing().filter(provider=provider)
    return render(
        request,
        "articles/article_list.html",
        {"page_obj": _page(request, articles), "provider": provider},
    )
