"""The model's fingerprint: a changed featurizer or encoder must not keep the old model."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.ops.rasa_model import code_fingerprint, fingerprint, rasa_cache_dir

CONFIG = """language: en
pipeline:
  - name: WhitespaceTokenizer
  - name: components.sentence_featurizer.SentenceEncoderFeaturizer
  - name: DIETClassifier
policies:
  - name: RulePolicy
"""


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project with the files `rasa train` reads, its components and an encoder."""
    project = tmp_path / "project"
    for name, text in {
        "config.yml": CONFIG,
        "domain.yml": "version: '3.1'\n",
        "data/nlu/greet.yml": "nlu: []\n",
        "data/rules/start.yml": "rules: []\n",
        "data/stories/happy.yml": "stories: []\n",
        "components/sentence_featurizer.py": "# featurizer\n",
        "components/tracker_store.py": "# not part of the pipeline\n",
        "bot/mediation/encoder.py": "# encoder\n",
    }.items():
        path = project / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    encoder = tmp_path / "encoder"
    encoder.mkdir()
    (encoder / "config.json").write_text("{}", encoding="utf-8")
    (encoder / "model.safetensors").write_bytes(b"\x00" * 1024)
    monkeypatch.setenv("CONCORDIA_ENCODER_DIR", str(encoder))
    return project


def _changes(root: Path, path: Path, text: bytes) -> tuple[bool, bool]:
    """Whether writing `text` to `path` changes the model fingerprint and Rasa's cache."""
    model, cache = fingerprint(root), rasa_cache_dir(root)
    path.write_bytes(text)
    return fingerprint(root) != model, rasa_cache_dir(root) != cache


def test_a_changed_featurizer_or_encoder_means_a_new_model_and_a_new_cache(root, tmp_path):
    assert _changes(root, root / "components/sentence_featurizer.py", b"# v2\n") == (True, True)
    assert _changes(root, root / "bot/mediation/encoder.py", b"# v2\n") == (True, True)
    weights = tmp_path / "encoder" / "model.safetensors"
    assert _changes(root, weights, b"\x01" * 1024) == (True, True)


def test_changed_training_data_means_a_new_model_but_keeps_the_cache(root):
    assert _changes(root, root / "data/nlu/greet.yml", b"nlu: [x]\n") == (True, False)
    assert _changes(root, root / "domain.yml", b"version: '3.1'\n# x\n") == (True, False)


def test_code_outside_the_pipeline_changes_nothing(root):
    assert _changes(root, root / "components/tracker_store.py", b"# v2\n") == (False, False)


def test_the_fingerprint_does_not_depend_on_where_the_project_is(root, tmp_path):
    import shutil

    moved = tmp_path / "elsewhere"
    shutil.copytree(root, moved)
    assert fingerprint(moved) == fingerprint(root)
    assert code_fingerprint(moved) == code_fingerprint(root)
