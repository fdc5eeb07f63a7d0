"""Settings from the environment (python-dotenv loads `.env`), validated with clear messages."""

from __future__ import annotations

import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

DEFAULT_API_URL = "https://api.github.com"
# Every environment variable the app reads, in the order of README.md's settings table (the
# docs tests check the table, .env.example and the code against this list).
SETTINGS = (
    "OWNER_TOKEN",
    "SECRET_KEY",
    "GITHUB_TOKEN",
    "GIST_ID",
    "GITHUB_API_URL",
    "GIST_CACHE_SECONDS",
    "STUDY_GUIDE_DATA_DIR",
    "TRUST_PROXY",
    "HOST",
    "PORT",
    "LLM_API_URL",
    "LLM_API_KEY",
    "LLM_MODEL",
    "LLM_TIMEOUT",
)


class ConfigError(RuntimeError):
    """A setting is missing or wrong; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    owner_token: str
    owner_token_generated: bool
    secret_key: str
    github_token: str
    gist_id: str
    github_api_url: str
    data_dir: Path
    gist_cache_seconds: float
    trust_proxy: int = 0
    max_volume_bytes: int = 2 * 1024 * 1024
    llm_api_url: str = ""  # an OpenAI-compatible base URL with /v1; empty: drafting is off
    llm_api_key: str = ""
    llm_model: str = ""
    llm_timeout: float = 60.0

    @property
    def max_volume_size(self) -> str:
        """The largest volume, as people read it ("2 MB")."""
        return f"{self.max_volume_bytes // 1_048_576} MB"

    @property
    def backend(self) -> str:
        return "gist" if self.github_token else "local"


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    """Settings from `environ` (default: the process environment after loading `.env`)."""
    if environ is None:
        load_dotenv(Path.cwd() / ".env")
        environ = dict(os.environ)
    data_dir = Path(environ.get("STUDY_GUIDE_DATA_DIR") or "instance").resolve()
    github_token = environ.get("GITHUB_TOKEN", "").strip()
    gist_id = environ.get("GIST_ID", "").strip()
    if bool(github_token) != bool(gist_id):
        missing, present = ("GIST_ID", "GITHUB_TOKEN") if github_token else ("GITHUB_TOKEN",
                                                                              "GIST_ID")
        raise ConfigError(
            f"{present} is set but {missing} is not. Set both to keep volumes in a GitHub gist, "
            f"or unset {present} to use local storage in {data_dir}.")
    try:
        cache_seconds = float(environ.get("GIST_CACHE_SECONDS", "30"))
    except ValueError:
        raise ConfigError("GIST_CACHE_SECONDS must be a number of seconds, such as 30.") from None
    if cache_seconds < 0:
        raise ConfigError("GIST_CACHE_SECONDS cannot be negative.")
    trust_proxy = environ.get("TRUST_PROXY", "0").strip() or "0"
    if not trust_proxy.isdigit():
        raise ConfigError("TRUST_PROXY must be the number of proxies in front of the app "
                          "(0 when none, 1 behind one nginx or Caddy).")
    owner_token = environ.get("OWNER_TOKEN", "").strip()
    if owner_token and len(owner_token) < 12:
        raise ConfigError("OWNER_TOKEN is shorter than 12 characters: choose a longer secret, "
                          "or unset it to have one generated.")
    return Settings(
        owner_token=owner_token or secrets.token_urlsafe(24),
        owner_token_generated=not owner_token,
        secret_key=environ.get("SECRET_KEY", "").strip() or stored_secret_key(data_dir),
        github_token=github_token,
        gist_id=gist_id,
        github_api_url=(environ.get("GITHUB_API_URL") or DEFAULT_API_URL).rstrip("/"),
        data_dir=data_dir,
        gist_cache_seconds=cache_seconds,
        trust_proxy=int(trust_proxy),
        **llm_settings(environ),
    )


def llm_settings(environ: dict[str, str]) -> dict:
    """The model server for drafts: all of LLM_* checked together, or drafting off."""
    url = environ.get("LLM_API_URL", "").strip().rstrip("/")
    key = environ.get("LLM_API_KEY", "").strip()
    model = environ.get("LLM_MODEL", "").strip()
    try:
        timeout = float(environ.get("LLM_TIMEOUT", "60") or "60")
    except ValueError:
        raise ConfigError("LLM_TIMEOUT must be a number of seconds, such as 60.") from None
    if timeout <= 0:
        raise ConfigError("LLM_TIMEOUT must be more than 0 seconds.")
    if key and not (key.isascii() and key.isprintable()):
        raise ConfigError("LLM_API_KEY holds characters an HTTP header cannot carry: copy the "
                          "key again, without spaces or quotes around it.")
    if not url:
        return {"llm_timeout": timeout}
    if not url.startswith(("http://", "https://")):
        raise ConfigError("LLM_API_URL must be an http(s) base URL ending in /v1, such as "
                          "https://api.openai.com/v1 or http://127.0.0.1:11434/v1.")
    if not model:
        raise ConfigError("LLM_API_URL is set but LLM_MODEL is not: name the model to draft "
                          "with (such as gpt-4o-mini), or unset LLM_API_URL.")
    return {"llm_api_url": url, "llm_api_key": key, "llm_model": model, "llm_timeout": timeout}


def stored_secret_key(data_dir: Path) -> str:
    """The session-signing key kept in the data folder, made once on first start."""
    path = data_dir / "secret_key"
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when several workers start at once, exactly one writes the key.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
            handle.flush()
            os.fsync(handle.fileno())
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)  # another worker is between create and write
    raise ConfigError(f"{path} is empty: delete it to have a new key made, or set SECRET_KEY.")


def mask(token: str) -> str:
    """At most the first 4 and last 4 characters of a secret."""
    if len(token) <= 12:
        return "•" * 8
    return f"{token[:4]}…{token[-4:]}"
