"""Shared fixtures: real knowledge files, the spaCy analyser, real databases."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import yaml

from bot.knowledge import Knowledge, load_knowledge
from bot.mediation.analysis import Analyser
from bot.ops.runner import temporary_postgres
from bot.settings import PROJECT_ROOT
from bot.store.migrate import upgrade

KNOWLEDGE_DIR = PROJECT_ROOT / "data" / "knowledge"
# Every training scenario, as the knowledge files list them: a new scenario is tested
# without editing a test.
SCENARIO_IDS = sorted(
    yaml.safe_load(path.read_text(encoding="utf-8"))["id"]
    for path in (KNOWLEDGE_DIR / "scenarios").glob("*.yml")
)


INTEGRATION_DIR = PROJECT_ROOT / "tests" / "integration"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Every test under tests/integration is marked `integration` here, in one place:
    `make test-unit` (-m "not integration") then runs exactly tests/unit."""
    for item in items:
        if INTEGRATION_DIR in item.path.parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    return load_knowledge(KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def analyser(knowledge: Knowledge) -> Analyser:
    """Topics from the lexicon alone: fast, and exact about which word matched."""
    return Analyser(knowledge.topics)


@pytest.fixture(scope="session")
def semantics():
    """The real sentence encoder, loaded once for the whole run."""
    from bot.mediation.semantics import default_semantics

    return default_semantics()


@pytest.fixture(scope="session")
def semantic_analyser(knowledge: Knowledge, semantics) -> Analyser:
    """Topics from meaning, as the action server reads statements."""
    return Analyser(knowledge.topics, semantics)


@pytest.fixture
def sqlite_url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'concordia.db'}"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test."""
    with temporary_postgres() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request) -> str:
    """The storage suite runs against both real databases."""
    url = request.getfixturevalue(f"{request.param}_url")
    upgrade(url)
    return url
