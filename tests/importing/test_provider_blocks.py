"""Each article keeps its own `provider` block as its file wrote it; the provider row (keyed by
domain) stays the one identity that filters, pages and merges use."""

import io

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command

from articles.ingest.runner import run_import
from articles.models import Article, Provider, ProviderAlias

from . import write_article

pytestmark = pytest.mark.django_db

SMALL_LOGO = {"url": "https://cdn.example/sd-50.png", "width": 50, "height": 50}


def front_matter_of(path):
    return yaml.safe_load(path.read_text().split("---\n")[1])


def exported(tmp_path):
    out = tmp_path / "out"
    call_command("export_articles", str(out), stdout=io.StringIO())
    fronts = [front_matter_of(path) for path in sorted((out / "articles").iterdir())]
    return {front["title"]: front for front in fronts}


def two_spellings(folder):
    write_article(
        folder,
        "2024-03-01-one.md",
        title="One",
        provider={"name": "Science Daily", "domain": "sciencedaily.com", "images": [SMALL_LOGO]},
    )
    write_article(
        folder,
        "2024-03-02-two.md",
        title="Two",
        provider={"name": "ScienceDaily", "domain": "sciencedaily.com"},
    )


def test_two_files_spelling_one_provider_differently_both_come_back_as_written(tmp_path):
    two_spellings(tmp_path / "in")
    run_import([tmp_path / "in"])

    assert Provider.objects.get().domain == "sciencedaily.com"  # one identity
    files = exported(tmp_path)
    assert files["One"]["provider"] == {
        "name": "Science Daily",
        "domain": "sciencedaily.com",
        "images": [SMALL_LOGO],
    }
    assert files["Two"]["provider"] == {
        "name": "ScienceDaily",
        "domain": "sciencedaily.com",
    }


def test_an_organization_record_does_not_overwrite_the_articles_blocks(tmp_path):
    two_spellings(tmp_path / "in")
    organizations = tmp_path / "in" / "organizations"
    organizations.mkdir()
    (organizations / "sciencedaily.com.md").write_text(
        "---\ntaxonomy: organization\n_id: sciencedaily.com\nname: ScienceDaily News\n"
        "domain: sciencedaily.com\nimages:\n  - url: /assets/sd-50.png\n    width: 50\n"
        "    height: 50\n---\n"
    )
    run_import([tmp_path / "in"])

    assert Provider.objects.get().name == "ScienceDaily News"
    files = exported(tmp_path)
    assert files["One"]["provider"]["name"] == "Science Daily"
    assert files["Two"]["provider"] == {
        "name": "ScienceDaily",
        "domain": "sciencedaily.com",
    }


def test_after_a_merge_the_block_still_comes_back_with_its_own_domain(tmp_path, make_provider):
    kept = make_provider("wired.com", name="WIRED")
    ProviderAlias.objects.create(domain="wired.co.uk", provider=kept)
    write_article(tmp_path / "in", "a.md", provider={"name": "Wired UK", "domain": "wired.co.uk"})
    run_import([tmp_path / "in"])

    assert Article.objects.get().provider == kept
    [front] = exported(tmp_path).values()
    assert front["provider"] == {"name": "Wired UK", "domain": "wired.co.uk"}


def test_a_provider_changed_by_staff_is_exported_as_the_new_provider(tmp_path, make_provider):
    write_article(tmp_path / "in", "a.md", provider={"name": "Old", "domain": "old.example"})
    run_import([tmp_path / "in"])
    article = Article.objects.get()
    article.provider = make_provider("new.example", name="New")
    article.edited_by_staff = True
    article.save()

    [front] = exported(tmp_path).values()
    assert front["provider"] == {"name": "New", "domain": "new.example"}


def test_pages_show_the_curated_name_and_the_first_logo_a_page_can_show(client, tmp_path, settings):
    two_spellings(tmp_path / "in")
    run_import([tmp_path / "in"])
    provider = Provider.objects.get()
    provider.name = "ScienceDaily (curated)"
    provider.images = [{"url": "/assets/sd-50.png", "width": 50, "height": 50}]
    provider.save()
    one = Article.objects.get(title="One")
    two = Article.objects.get(title="Two")

    # The provider's logo is site-relative and there is no base URL: the article's own logo.
    html = client.get(one.get_absolute_url()).content.decode()
    assert "ScienceDaily (curated)" in html
    assert 'src="https://cdn.example/sd-50.png"' in html
    # No usable logo at all: a letter badge, never a broken image.
    html = client.get(two.get_absolute_url()).content.decode()
    assert 'class="logo logo--medium logo--letter" aria-hidden="true">S</span>' in html
    assert "/assets/sd-50.png" not in html

    settings.NEWSROOM_ASSET_BASE_URL = "https://sciencedaily.example"
    cache.clear()  # reader pages are cached by data version, which a setting does not change
    html = client.get(two.get_absolute_url()).content.decode()
    assert 'src="https://sciencedaily.example/assets/sd-50.png"' in html
    listing = client.get("/").content.decode()
    assert listing.count('src="https://sciencedaily.example/assets/sd-50.png"') == 2
