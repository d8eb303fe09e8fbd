"""How the Rasa server serves the model: loaded for prediction only
(components/inference_load.py) and parsed beside the event loop
(components/nlu_thread.py), each giving exactly what Rasa's own code gives."""

from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from rasa.core.agent import Agent
from rasa.core.processor import MessageProcessor
from rasa.utils.tensorflow.models import RasaModel

import components  # noqa: F401  (installs the load, as Rasa's import of it does)
from bot.ops.rasa_model import model_path
from bot.settings import Settings
from components import inference_load, nlu_thread

ROOT = Path(__file__).resolve().parents[2]

# Typed the way people type, beside the training data's own sentences.
TEXTS = [
    "hi",
    "Our farmers need the river water in the dry season",
    "the Northern Alliance wants the checkpoints gone; the ministry wants security",
    "I don't know what you mean",
    "can we go back a step?",
    "what could both sides live with",
    "ok",
    "no",
    "¿dónde estamos?",
    "   ",
    "!!!!",
    "a" * 400,
]


def training_examples(count: int) -> list[str]:
    lines = []
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("    - "):
                lines.append(line[6:].strip())
    return lines[:: max(1, len(lines) // count)][:count]


@pytest.fixture(scope="module")
def model() -> Path:
    settings = Settings.from_env()
    path = model_path(settings.root, settings.models_dir)
    if not path.exists():
        pytest.fail(f"no trained model at {path}: run `make train` first (`make test` does)")
    return path


def diet(agent: Agent) -> Any:
    nodes = agent.processor.graph_runner._instantiated_nodes  # type: ignore[union-attr]
    (node,) = [n for name, n in nodes.items() if "DIETClassifier" in name]
    return node._component.model


@pytest.fixture(scope="module")
def agent(model) -> Agent:
    return Agent.load(str(model))


def parses(agent: Agent, texts: list[str]) -> list[dict]:
    async def parse_all() -> list[dict]:
        return [await agent.parse_message(text) for text in texts]

    return asyncio.run(parse_all())


def test_a_served_model_predicts_exactly_as_rasas_load(model, agent, monkeypatch):
    texts = TEXTS + training_examples(80)
    ours = agent
    monkeypatch.setattr(RasaModel, "load", classmethod(inference_load._RASA_LOAD))
    rasas = Agent.load(str(model))

    # The mechanism: Rasa's load trained one step (a training graph, Adam's two slots
    # per weight); ours has neither (at most the optimizer's step counter, restored).
    weights = len(diet(rasas).trainable_weights)
    assert diet(rasas).train_function is not None
    assert len(diet(rasas).optimizer.variables()) > 2 * weights
    assert diet(ours).train_function is None and len(diet(ours).optimizer.variables()) <= 1

    for text, mine, theirs in zip(texts, parses(ours, texts), parses(rasas, texts), strict=True):
        assert mine["intent"] == theirs["intent"], text
        assert mine["intent_ranking"] == theirs["intent_ranking"], text
        assert mine["entities"] == theirs["entities"], text


class FakeStatus:
    def __init__(self, matched: bool) -> None:
        self.matched = matched

    def expect_partial(self) -> None:
        pass

    def assert_existing_objects_matched(self) -> None:
        if not self.matched:
            raise AssertionError("Unresolved object in checkpoint: dense/kernel")


def fake_model(matched: bool) -> type:
    class Fake:
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            self.ran = False

        def compile(self, run_eagerly: bool | None = None) -> None:
            pass

        def load_weights(self, _file: str) -> FakeStatus:
            return FakeStatus(matched)

        def run_inference(self, _data: Any) -> None:
            self.ran = True

    return Fake


@pytest.fixture
def rasas_load(monkeypatch) -> list[tuple]:
    calls: list[tuple] = []
    monkeypatch.setattr(inference_load, "_RASA_LOAD", lambda *args, **kw: calls.append(args))
    return calls


def test_a_variable_missing_from_the_checkpoint_falls_back_to_rasas_load(rasas_load, caplog):
    inference_load.load_for_prediction(fake_model(matched=False), "m.tf", "example", "predict")
    assert len(rasas_load) == 1
    assert "not in m.tf" in caplog.text and "loading it the way Rasa does" in caplog.text


def test_fine_tuning_and_no_prediction_example_keep_rasas_load(rasas_load):
    load = inference_load.load_for_prediction
    load(fake_model(True), "m.tf", "example", "predict", True)  # finetune_mode
    load(fake_model(True), "m.tf", "example", None)
    assert len(rasas_load) == 2
    model = load(fake_model(True), "m.tf", "example", "predict")
    assert model.ran and len(rasas_load) == 2


def meaning(parse: dict) -> tuple:
    """What a parse says (each parse has its own message id)."""
    return parse["text"], parse["intent"], parse["intent_ranking"], parse["entities"]


def test_messages_are_parsed_in_the_nlu_thread_as_rasa_parses_them(agent, monkeypatch):
    threads: list[str] = []
    graph = MessageProcessor._parse_message_with_graph

    def recording(self, *args, **kwargs):
        threads.append(threading.current_thread().name)
        return graph(self, *args, **kwargs)

    monkeypatch.setattr(MessageProcessor, "_parse_message_with_graph", recording)
    ours = parses(agent, TEXTS)
    assert len(threads) == len(TEXTS) and all(name.startswith("nlu") for name in threads)

    monkeypatch.setattr(MessageProcessor, "parse_message", nlu_thread._RASA_PARSE)
    rasas = parses(agent, TEXTS)
    assert threads[len(TEXTS) :] == [threading.main_thread().name] * len(TEXTS)
    assert [meaning(p) for p in ours] == [meaning(p) for p in rasas]


def test_the_event_loop_runs_other_work_while_a_message_is_parsed(agent, monkeypatch):
    graph = MessageProcessor._parse_message_with_graph

    def slow(self, *args, **kwargs):  # a long parse: its compute plus 0.2 s
        time.sleep(0.2)
        return graph(self, *args, **kwargs)

    monkeypatch.setattr(MessageProcessor, "_parse_message_with_graph", slow)

    async def ticks_during_a_parse() -> int:
        parse = asyncio.ensure_future(agent.parse_message("our farmers need the river"))
        ticks = 0
        while not parse.done():
            ticks += 1
            await asyncio.sleep(0.01)
        await parse
        return ticks

    assert asyncio.run(ticks_during_a_parse()) >= 5  # Rasa's parse blocks the loop: 1
    monkeypatch.setattr(MessageProcessor, "parse_message", nlu_thread._RASA_PARSE)
    assert asyncio.run(ticks_during_a_parse()) <= 2
