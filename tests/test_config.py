import pytest

from study_guide.config import ConfigError, load_settings, mask


def test_half_configured_gist_is_a_start_up_error(tmp_path):
    with pytest.raises(ConfigError, match="GITHUB_TOKEN is set but GIST_ID is not"):
        load_settings({"GITHUB_TOKEN": "ghp_x", "STUDY_GUIDE_DATA_DIR": str(tmp_path)})
    with pytest.raises(ConfigError, match="GIST_ID is set but GITHUB_TOKEN is not"):
        load_settings({"GIST_ID": "abc", "STUDY_GUIDE_DATA_DIR": str(tmp_path)})


def test_local_storage_is_the_default(tmp_path):
    settings = load_settings({"STUDY_GUIDE_DATA_DIR": str(tmp_path)})
    assert settings.backend == "local"
    assert settings.github_api_url == "https://api.github.com"
    assert settings.data_dir == tmp_path.resolve()


def test_owner_token_is_generated_when_unset(tmp_path):
    first = load_settings({"STUDY_GUIDE_DATA_DIR": str(tmp_path)})
    second = load_settings({"STUDY_GUIDE_DATA_DIR": str(tmp_path)})
    assert first.owner_token_generated and len(first.owner_token) >= 24
    assert first.owner_token != second.owner_token


def test_short_owner_token_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="shorter than 12"):
        load_settings({"OWNER_TOKEN": "short", "STUDY_GUIDE_DATA_DIR": str(tmp_path)})


def test_secret_key_is_generated_once_into_the_data_folder(tmp_path):
    first = load_settings({"STUDY_GUIDE_DATA_DIR": str(tmp_path)}).secret_key
    second = load_settings({"STUDY_GUIDE_DATA_DIR": str(tmp_path)}).secret_key
    assert first == second == (tmp_path / "secret_key").read_text()
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_bad_cache_seconds_is_explained(tmp_path):
    with pytest.raises(ConfigError, match="GIST_CACHE_SECONDS"):
        load_settings({"GIST_CACHE_SECONDS": "soon", "STUDY_GUIDE_DATA_DIR": str(tmp_path)})


def test_mask_shows_at_most_four_characters_each_end():
    assert mask("ghp_abcdefghijklmnopqrstuvwxyz0123") == "ghp_…0123"
    assert mask("short") == "••••••••"


def test_drafting_is_off_unless_llm_api_url_is_set(tmp_path):
    settings = load_settings({"STUDY_GUIDE_DATA_DIR": str(tmp_path)})
    assert settings.llm_api_url == "" and settings.llm_timeout == 60


def test_llm_settings_are_checked_together(tmp_path):
    base = {"STUDY_GUIDE_DATA_DIR": str(tmp_path)}
    with pytest.raises(ConfigError, match="LLM_MODEL is not"):
        load_settings(base | {"LLM_API_URL": "http://127.0.0.1:11434/v1"})
    with pytest.raises(ConfigError, match="ending in /v1"):
        load_settings(base | {"LLM_API_URL": "127.0.0.1:11434", "LLM_MODEL": "m"})
    with pytest.raises(ConfigError, match="LLM_API_KEY holds characters"):
        load_settings(base | {"LLM_API_KEY": "sk-abc…def"})
    with pytest.raises(ConfigError, match="LLM_TIMEOUT"):
        load_settings(base | {"LLM_TIMEOUT": "soon"})
    settings = load_settings(base | {"LLM_API_URL": "https://api.openai.com/v1/",
                                     "LLM_MODEL": "gpt-4o-mini", "LLM_TIMEOUT": "30"})
    assert settings.llm_api_url == "https://api.openai.com/v1" and settings.llm_timeout == 30
