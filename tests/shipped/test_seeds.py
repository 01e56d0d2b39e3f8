"""seeds/: the seed articles' facts as data, each naming the article it comes from."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import ROOT

SEED_FILE = re.compile(r"\d{3}_[0-9a-f]{16}\.txt")
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"


def load() -> dict:
    return yaml.safe_load((ROOT / "seeds" / "site31-incident.yaml").read_text(encoding="utf-8"))


def test_every_fact_is_complete_and_names_a_listed_source() -> None:
    data = load()
    sources = data["sources"]
    assert sources and all(SEED_FILE.fullmatch(name) for name in sources)
    ids = [f["id"] for f in data["facts"]]
    assert len(ids) == len(set(ids)), "fact ids must be unique"
    for fact in data["facts"]:
        assert {"id", "kind", "what", "source", "confidence"} <= set(fact), fact["id"]
        assert fact["confidence"] in {"stated", "reported-claim", "inferred"}, fact["id"]
        assert fact["source"] and all(s in sources for s in fact["source"]), fact["id"]


def test_the_key_incident_facts_are_there() -> None:
    facts = {f["id"]: f for f in load()["facts"]}
    launch = facts["ms28-launch"]
    assert str(launch["date"]) == "2025-11-27"
    whats = " ".join(f["what"] for f in facts.values()).lower()
    for needle in ("february 2026", "crs-34", "crs-35", "march 2026"):
        assert needle in whats, needle


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="the shared seed articles are not here")
def test_sources_are_the_seed_articles_and_no_text_is_copied() -> None:
    data = load()
    articles = {p.name: p.read_text(encoding="utf-8") for p in SHARED_SEEDS.glob("*.txt")}
    assert set(data["sources"]) <= set(articles)
    for fact in data["facts"]:
        words = fact["what"].split()
        # no run of 12 words of a fact's text appears verbatim in its article
        for source in fact["source"]:
            text = " ".join(articles[source].split())
            for i in range(max(0, len(words) - 11)):
                assert " ".join(words[i : i + 12]) not in text, (fact["id"], source)
