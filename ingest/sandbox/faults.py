"""Fault injection by configuration: which requests fail, how, and when.

A ``FaultSpec`` is a list of rules plus an optional maintenance window. Each rule matches a method and a
path pattern (``*`` wildcards, matched against the path below ``/api/v2``, e.g. ``/assay-results*``) and
either draws an outcome from probabilities with a seeded RNG, or consumes a script in order. The first
matching rule decides. The string syntax (CLI ``--faults``) is documented in ``ingest/sandbox/README.md``::

    POST /assay-results*: 500=0.1 drop=0.05 latency=0.2; GET /tasks/*: script=503,503,ok; maintenance=30
"""

from __future__ import annotations

import fnmatch
import json
import random
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ingest.errors import ConfigError

Outcome = Literal["ok", "429", "500", "502", "503", "drop", "commit_then_502"]
OUTCOMES: tuple[str, ...] = get_args(Outcome)
_PROBABILITY_OUTCOMES = tuple(o for o in OUTCOMES if o != "ok")


class FaultRule(BaseModel):
    """One rule: requests matching ``method`` and ``path`` get ``script`` outcomes or random ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    method: str = "*"
    path: str = "*"
    probabilities: dict[Outcome, float] = Field(default_factory=dict)
    latency: float = Field(default=0.0, ge=0.0)
    script: tuple[Outcome, ...] | None = None

    @field_validator("probabilities")
    @classmethod
    def _check_probabilities(cls, value: dict[str, float]) -> dict[str, float]:
        if "ok" in value:
            raise ValueError("'ok' is what remains; give only the fault outcomes a probability")
        if any(p < 0 or p > 1 for p in value.values()) or sum(value.values()) > 1.0 + 1e-9:
            raise ValueError(f"probabilities must each be in 0..1 and sum to at most 1, got {value}")
        return value

    @field_validator("method")
    @classmethod
    def _upper_method(cls, value: str) -> str:
        return value.upper()

    def matches(self, method: str, path: str) -> bool:
        return fnmatch.fnmatchcase(method.upper(), self.method) and fnmatch.fnmatchcase(path, self.path)


class FaultSpec(BaseModel):
    """The whole fault configuration; the default injects nothing."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    rules: tuple[FaultRule, ...] = ()
    #: Every request answers 503 for this many seconds after the spec is applied.
    maintenance_seconds: float = Field(default=0.0, ge=0.0)

    @classmethod
    def parse(cls, text: str) -> FaultSpec:
        """Parse the CLI string form (see module docstring), or load a YAML/JSON file if ``text`` is one."""
        candidate = Path(text)
        if text.strip() and candidate.suffix.lower() in (".yaml", ".yml", ".json") and candidate.is_file():
            return cls.from_file(candidate)
        return _parse_string(text)

    @classmethod
    def from_file(cls, path: Path) -> FaultSpec:
        try:
            text = path.read_text(encoding="utf-8")
            raw: Any = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
        except (OSError, ValueError, yaml.YAMLError) as exc:
            raise ConfigError(f"Cannot read the fault file '{path}': {exc}.", file=path) from exc
        try:
            return cls.model_validate(raw or {})
        except ValidationError as exc:
            raise ConfigError(f"The fault file '{path}' is invalid: {exc}.", file=path) from exc


def _parse_string(text: str) -> FaultSpec:
    rules: list[FaultRule] = []
    maintenance = 0.0
    for chunk in (c.strip() for c in text.split(";")):
        if not chunk:
            continue
        if chunk.startswith("maintenance="):
            maintenance = _number(chunk.removeprefix("maintenance="), chunk)
            continue
        target, sep, actions = chunk.partition(":")
        if not sep:
            raise ConfigError(
                f"Fault rule '{chunk}' has no ':'; expected '[METHOD] PATH: outcome=p ...' or "
                f"'[METHOD] PATH: script=a,b,...' or 'maintenance=SECONDS'."
            )
        words = target.split()
        if len(words) not in (1, 2):
            raise ConfigError(f"Fault rule target '{target.strip()}' must be 'PATH' or 'METHOD PATH'.")
        method, path = ("*", words[0]) if len(words) == 1 else (words[0], words[1])
        rule: dict[str, Any] = {"method": method, "path": path, "probabilities": {}}
        for action in actions.split():
            key, eq, value = action.partition("=")
            if not eq:
                raise ConfigError(f"Fault action '{action}' in rule '{chunk}' must look like key=value.")
            if key == "script":
                rule["script"] = tuple(v.strip() for v in value.split(",") if v.strip())
            elif key == "latency":
                rule["latency"] = _number(value, chunk)
            elif key in _PROBABILITY_OUTCOMES:
                rule["probabilities"][key] = _number(value, chunk)
            else:
                raise ConfigError(
                    f"Fault action '{key}' in rule '{chunk}' is unknown; expected script, latency or one of "
                    f"{list(_PROBABILITY_OUTCOMES)}."
                )
        try:
            rules.append(FaultRule.model_validate(rule))
        except ValidationError as exc:
            raise ConfigError(f"Fault rule '{chunk}' is invalid: {exc}.") from exc
    return FaultSpec(rules=tuple(rules), maintenance_seconds=maintenance)


def _number(value: str, chunk: str) -> float:
    try:
        return float(value)
    except ValueError as exc:
        raise ConfigError(f"Fault rule '{chunk}' has '{value}' where a number was expected.") from exc


@dataclass(frozen=True)
class FaultDecision:
    outcome: Outcome
    latency: float = 0.0


@dataclass
class FaultInjector:
    """Decides the fault for each request; thread-safe; scripts and the RNG restart with each new spec."""

    spec: FaultSpec
    seed: int
    started_at: float
    _rng: random.Random = field(init=False)
    _script_positions: dict[int, int] = field(init=False, default_factory=dict)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def in_maintenance(self, now: float) -> float:
        """Seconds of maintenance left (0 when none)."""
        return max(0.0, self.started_at + self.spec.maintenance_seconds - now)

    def decide(self, method: str, path: str) -> FaultDecision:
        with self._lock:
            for index, rule in enumerate(self.spec.rules):
                if not rule.matches(method, path):
                    continue
                if rule.script is not None:
                    position = self._script_positions.get(index, 0)
                    self._script_positions[index] = position + 1
                    outcome: Outcome = rule.script[position] if position < len(rule.script) else "ok"
                    return FaultDecision(outcome, rule.latency)
                draw = self._rng.random()
                cumulative = 0.0
                for name, probability in rule.probabilities.items():
                    cumulative += probability
                    if draw < cumulative:
                        return FaultDecision(name, rule.latency)
                return FaultDecision("ok", rule.latency)
        return FaultDecision("ok")
