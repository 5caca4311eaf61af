"""Settings come in sections, one per component, never merged: each setting lives in one section,
under the flat variable ops know; cloud vision and the coaching LLM are configured apart (a shared
key serves both); nothing but the entry point reads the environment."""

import pytest

from mesh.settings import ENV_PREFIX, MeshSettings
from svc_coach.settings import CoachSettings
from wastecoach.settings import Settings


def _clear(monkeypatch) -> None:
    for name in ("API_KEY", "BASE_URL", "MODEL", "VISION_MODEL"):
        for prefix in ("", "VISION_", "COACH_"):
            monkeypatch.delenv(f"WASTECOACH_{prefix}OPENAI_{name}", raising=False)


def _variables(field_name: str, field) -> set[str]:
    """The variables a setting is read from: its aliases, else WASTECOACH_<NAME>."""
    choices = getattr(field.validation_alias, "choices", None)
    return set(choices) if choices else {f"{ENV_PREFIX}{field_name.upper()}"}


def test_no_two_sections_define_the_same_setting():
    seen: dict[str, str] = {}
    for section, info in Settings.model_fields.items():
        for name in info.annotation.model_fields:
            assert name not in seen, f"{name} is in both {seen[name]} and {section}"
            seen[name] = section


def test_each_variable_sets_one_setting_but_the_shared_openai_ones():
    owners: dict[str, set[str]] = {}
    for info in Settings.model_fields.values():
        for name, field in info.annotation.model_fields.items():
            for variable in _variables(name, field):
                owners.setdefault(variable, set()).add(name)
    shared = {variable: names for variable, names in owners.items() if len(names) > 1}
    assert shared == {
        "WASTECOACH_OPENAI_API_KEY": {"vision_openai_api_key", "coach_openai_api_key"},
        "WASTECOACH_OPENAI_BASE_URL": {"vision_openai_base_url", "coach_openai_base_url"},
    }


def test_the_flat_variables_fill_their_sections(monkeypatch, tmp_path):
    monkeypatch.setenv("WASTECOACH_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("WASTECOACH_SCAN_RATE_PER_MINUTE", "7")
    monkeypatch.setenv("WASTECOACH_OUTBOX_INTERVAL_S", "2.5")
    monkeypatch.setenv("WASTECOACH_PREFETCH_Q_AI", "9")
    monkeypatch.setenv("WASTECOACH_APP_REDIRECT_ALLOWLIST", '["wastecoach://signin"]')
    settings = Settings.from_env()
    assert settings.mesh.data_dir == tmp_path
    assert settings.edge.scan_rate_per_minute == 7
    assert settings.waste.outbox_interval_s == 2.5
    assert settings.consumers.prefetch("q.ai") == 9
    assert settings.auth.app_redirect_allowlist == ["wastecoach://signin"]


def test_vision_and_coaching_have_their_own_keys_models_and_endpoints(monkeypatch):
    _clear(monkeypatch)
    monkeypatch.setenv("WASTECOACH_VISION_OPENAI_API_KEY", "vision-key")
    monkeypatch.setenv("WASTECOACH_VISION_OPENAI_BASE_URL", "http://vision.internal/v1")
    monkeypatch.setenv("WASTECOACH_COACH_OPENAI_API_KEY", "coach-key")
    monkeypatch.setenv("WASTECOACH_COACH_OPENAI_MODEL", "small-model")
    settings = Settings.from_env()
    vision, coach = settings.consumers, settings.coach
    assert (vision.vision_openai_api_key, vision.vision_openai_base_url) == (
        "vision-key",
        "http://vision.internal/v1",
    )
    assert (coach.coach_openai_api_key, coach.coach_openai_base_url) == ("coach-key", None)
    assert (vision.vision_openai_model, coach.coach_openai_model) == ("gpt-4o", "small-model")


def test_the_shared_variables_still_serve_both(monkeypatch):
    _clear(monkeypatch)
    monkeypatch.setenv("WASTECOACH_OPENAI_API_KEY", "one-key")
    monkeypatch.setenv("WASTECOACH_OPENAI_MODEL", "coach-model")
    monkeypatch.setenv("WASTECOACH_OPENAI_VISION_MODEL", "vision-model")
    settings = Settings.from_env()
    vision, coach = settings.consumers, settings.coach
    assert vision.vision_openai_api_key == coach.coach_openai_api_key == "one-key"
    assert (vision.vision_openai_model, coach.coach_openai_model) == ("vision-model", "coach-model")


def test_settings_built_in_code_do_not_read_the_environment(monkeypatch, tmp_path):
    _clear(monkeypatch)
    monkeypatch.setenv("WASTECOACH_COACH_OPENAI_API_KEY", "from-the-environment")
    monkeypatch.setenv("WASTECOACH_LOG_LEVEL", "DEBUG")
    settings = Settings(mesh=MeshSettings(data_dir=tmp_path))
    assert settings.coach.coach_openai_api_key is None and settings.mesh.log_level == "INFO"
    assert CoachSettings().coach_openai_api_key is None


@pytest.mark.parametrize(
    ("variable", "value", "says"),
    [
        ("WASTECOACH_SCAN_RATE_PER_MINUTE", "abc", "valid integer"),
        ("WASTECOACH_SCAN_RATE_PER_MINUTE", "-5", "greater than 0"),
        ("WASTECOACH_LOG_LEVEL", "LOUD", "DEBUG, INFO"),
        ("WASTECOACH_VISION_MODE", "bogus", "'cascade'"),
        ("WASTECOACH_APP_REDIRECT_ALLOWLIST", "not-json", "not valid JSON"),
    ],
)
def test_a_value_a_setting_cannot_take_stops_the_start_with_one_line_naming_it(
    monkeypatch, variable, value, says
):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SystemExit) as stopped:
        Settings.from_env()
    message = str(stopped.value)
    assert message.startswith(variable) and says in message and "\n" not in message


def test_a_variable_no_setting_reads_is_named():
    environ = {
        "WASTECOACH_SCAN_RATE": "5",  # a typo of WASTECOACH_SCAN_RATE_PER_MINUTE
        "WASTECOACH_SCAN_RATE_PER_MINUTE": "5",
        "WASTECOACH_OPENAI_API_KEY": "shared",  # an alias of two settings
        "WASTECOACH_VISION_CACHE": "/tmp/features",  # read by `wastecoach vision`
        "HOME": "/root",
    }
    assert Settings.unknown_variables(environ) == ["WASTECOACH_SCAN_RATE"]
