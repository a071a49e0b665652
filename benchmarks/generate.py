"""Deterministic synthetic article files in the import format, shaped like the real corpus.

    python benchmarks/generate.py DIR --files 10000 --seed 1

The same seed and count always give byte-identical files. Sizes follow the corpus: a long title,
an excerpt of a few hundred characters, 1-4 topics out of a couple of dozen, a provider out of a
few hundred, an image on most articles, `related` entries on about a fifth of them (pointing at
other generated articles or at outside stories, which become stubs), quality/heat on about half,
a `secured` blob on every one, and a Markdown body on a few.
"""

import argparse
import base64
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

TOPICS = [
    "AI",
    "Machine Learning",
    "Computer Vision",
    "Natural Language Processing",
    "Robotics",
    "AI Ethics",
    "AI Hardware",
    "AI in Healthcare",
    "AI in Finance",
    "AI in Autos",
    "AI in Education",
    "AI in Security",
    "Deep Learning",
    "Reinforcement Learning",
    "Generative AI",
    "Speech Recognition",
    "Data Science",
    "Big Data",
    "Cloud AI",
    "Edge AI",
    "Chatbots",
    "Autonomous Vehicles",
]
WORDS = (  # noqa: SIM905 - a word list reads better as one text
    "model data network learning market research report growth new global system vision "
    "language robot cloud chip training inference startup funding launch study agents "
    "privacy regulation health finance industry analysis forecast platform open source "
    "billion users release benchmark accuracy dataset transformer neural computing edge"
).split()
START = datetime(2019, 12, 1, tzinfo=UTC)


def sentence(rng, words):
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize()


def slugify(text):
    return "-".join(text.lower().split())


def providers(rng, count=300):
    result = []
    for n in range(count):
        name = f"{sentence(rng, 2)} News {n}"
        entry = {"name": name, "domain": f"news{n}.example.com"}
        if n % 3 == 0:
            entry["images"] = [
                {"url": f"https://news{n}.example.com/logo-50.png", "width": 50, "height": 50}
            ]
        result.append(entry)
    return result


def yaml_string(text):
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML string


def provider_lines(provider, indent):
    pad = " " * indent
    lines = [f"{pad}name: {yaml_string(provider['name'])}", f"{pad}domain: {provider['domain']}"]
    if provider.get("images"):
        lines.append(f"{pad}images:")
    for image in provider.get("images", []):
        lines += [
            f"{pad}  - url: {image['url']}",
            f"{pad}    width: {image['width']}",
            f"{pad}    height: {image['height']}",
        ]
    return lines


def article(rng, n, count, provider_pool):
    title = f"{sentence(rng, rng.randint(6, 14))} {n}"
    when = START + timedelta(minutes=37 * n + rng.randint(0, 30))
    url = f"https://news.example.com/{when:%Y/%m}/{slugify(title)}"
    lines = [
        "---",
        "category: news",
        f"title: {yaml_string(title)}",
        f"excerpt: {yaml_string(sentence(rng, rng.randint(30, 50)) + ' ...')}",
        f"publishedDateTime: {when:%Y-%m-%dT%H:%M:%SZ}",
    ]
    if rng.random() < 0.5:
        lines.append(f"originalUrl: {url}?source=feed")
    lines.append(f"webUrl: {url}")
    if rng.random() < 0.3:
        lines += [f"ampWebUrl: {url}/amp", f"cdnAmpWebUrl: https://cdn.example.com/amp/{n}"]
    lines.append("type: article")
    if rng.random() < 0.55:
        score = rng.randint(0, 161)
        lines += [f"quality: {score}", f"heat: {rng.choice([score, -1])}"]
        lines.append(f"published: {rng.choice(['true', 'false'])}")
    lines += ["", "provider:", *provider_lines(rng.choice(provider_pool), 2)]
    lines += ["", "topics:"]
    lines += [f"  - {topic}" for topic in rng.sample(TOPICS, rng.randint(1, 4))]
    if rng.random() < 0.8:
        lines += ["", "images:"]
        for image in range(rng.randint(1, 2)):
            lines += [
                f"  - url: https://img.example.com/{n}-{image}.jpg",
                f"    width: {rng.choice([600, 800, 1200])}",
                f"    height: {rng.choice([315, 450, 630])}",
                f"    title: {yaml_string(title)}",
            ]
    if rng.random() < 0.2:
        lines += ["", "related:"]
        for _ in range(rng.randint(1, 3)):
            other = rng.randrange(count * 2)  # half of them point outside the generated set
            related_when = START + timedelta(minutes=37 * other)
            lines += [
                f"  - title: {yaml_string(sentence(rng, 8))}",
                f"    excerpt: {yaml_string(sentence(rng, 30))}",
                f"    publishedDateTime: {related_when:%Y-%m-%dT%H:%M:%SZ}",
                f"    webUrl: https://elsewhere.example.org/story/{other}",
                "    type: article",
                "    provider:",
                *provider_lines(rng.choice(provider_pool), 6),
                f"    quality: {rng.randint(0, 100)}",
            ]
    secured = base64.b64encode(rng.randbytes(224)).decode()
    lines += ["", f'secured: "{secured};{base64.b64encode(rng.randbytes(16)).decode()}"', "---"]
    if rng.random() < 0.05:
        lines += ["", *(f"{sentence(rng, 40)}.\n" for _ in range(rng.randint(1, 4)))]
    return f"{when:%Y-%m-%d}-{slugify(title)[:80]}.md", "\n".join(lines) + "\n"


def generate(directory, count, seed=1):
    """Write `count` article files into `directory`; return their paths in order."""
    rng = random.Random(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    provider_pool = providers(rng)
    paths = []
    for n in range(count):
        name, text = article(rng, n, count, provider_pool)
        path = directory / name
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def change(paths, fraction, seed=2):
    """Edit `fraction` of the files in place (a new excerpt); return the edited paths."""
    rng = random.Random(seed)
    chosen = sorted(rng.sample(list(paths), round(len(paths) * fraction)))
    for path in chosen:
        lines = path.read_text(encoding="utf-8").split("\n")
        lines = [
            f"excerpt: {yaml_string(sentence(rng, 40))}" if line.startswith("excerpt:") else line
            for line in lines
        ]
        path.write_text("\n".join(lines), encoding="utf-8")
    return chosen


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("directory")
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    paths = generate(args.directory, args.files, args.seed)
    print(f"{len(paths)} files written to {args.directory}")


if __name__ == "__main__":
    main()
