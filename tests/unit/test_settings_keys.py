"""Cloud vision and the coaching LLM are configured apart; a shared key serves both; components
never read the environment again after the entry point did."""

from mesh.settings import MeshSettings
from svc_coach.settings import CoachSettings
from wastecoach.settings import AllSettings


def _clear(monkeypatch) -> None:
    for name in ("API_KEY", "BASE_URL", "MODEL", "VISION_MODEL"):
        for prefix in ("", "VISION_", "COACH_"):
            monkeypatch.delenv(f"WASTECOACH_{prefix}OPENAI_{name}", raising=False)


def test_vision_and_coaching_have_their_own_keys_models_and_endpoints(monkeypatch):
    _clear(monkeypatch)
    monkeypatch.setenv("WASTECOACH_VISION_OPENAI_API_KEY", "vision-key")
    monkeypatch.setenv("WASTECOACH_VISION_OPENAI_BASE_URL", "http://vision.internal/v1")
    monkeypatch.setenv("WASTECOACH_COACH_OPENAI_API_KEY", "coach-key")
    monkeypatch.setenv("WASTECOACH_COACH_OPENAI_MODEL", "small-model")
    settings = AllSettings()
    assert (settings.vision_openai_api_key, settings.vision_openai_base_url) == (
        "vision-key",
        "http://vision.internal/v1",
    )
    assert (settings.coach_openai_api_key, settings.coach_openai_base_url) == ("coach-key", None)
    assert (settings.vision_openai_model, settings.coach_openai_model) == ("gpt-4o", "small-model")


def test_the_shared_variables_still_serve_both(monkeypatch):
    _clear(monkeypatch)
    monkeypatch.setenv("WASTECOACH_OPENAI_API_KEY", "one-key")
    monkeypatch.setenv("WASTECOACH_OPENAI_MODEL", "coach-model")
    monkeypatch.setenv("WASTECOACH_OPENAI_VISION_MODEL", "vision-model")
    settings = AllSettings()
    assert settings.vision_openai_api_key == settings.coach_openai_api_key == "one-key"
    assert (settings.vision_openai_model, settings.coach_openai_model) == ("vision-model", "coach-model")


def test_a_component_does_not_read_the_environment_again(monkeypatch, tmp_path):
    _clear(monkeypatch)
    read = MeshSettings(data_dir=tmp_path)
    monkeypatch.setenv("WASTECOACH_COACH_OPENAI_API_KEY", "set-after-start")
    coach = CoachSettings.from_mesh(read)
    assert coach.coach_openai_api_key is None and coach.data_dir == tmp_path
