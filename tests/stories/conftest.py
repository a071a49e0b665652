import pytest

from articles.models import Story


@pytest.fixture
def make_story(make_article):
    """A story of `size` copies of one title, a day apart from 1 March 2024 9:00, each from its
    own source."""

    def factory(title="Talkwise exposed chatbot transcripts", size=3, **fields):
        from datetime import UTC, datetime, timedelta

        story = Story.objects.create(title=title)
        start = datetime(2024, 3, 1, 9, tzinfo=UTC)
        articles = [
            make_article(
                title,
                story=story,
                story_checked=True,
                published_at=start + timedelta(days=n),
                topics=["AI"],
                images=1,
                **fields,
            )
            for n in range(size)
        ]
        story.first_published_at = articles[0].published_at
        story.last_published_at = articles[-1].published_at
        story.save()
        return story, articles

    return factory
