"""Grader configurations per type: manifest ↔ flat attributes ↔ ``GraderConfigInput``.

A grader's configuration is flattened into dotted attributes prefixed with its type
(``judge.criteria``, ``prebuilt.model``, ``remote.url`` ...), so that the default
per-attribute comparison reports exactly the field that changed, and attributes the
manifest leaves out (judge templates, examples) stay unmanaged. Used only by
``kinds/grader.py``; imports only the stdlib and the judge templates.
"""

from __future__ import annotations

from typing import Any

from adaptive_plan.kinds._judge_templates import SYSTEM_TEMPLATE, USER_TEMPLATE

TYPES = ("judge", "prebuilt", "remote", "custom", "function")

# type -> (attribute field, required?) in the order of the input type
FIELDS: dict[str, tuple[str, ...]] = {
    "judge": ("model", "criteria", "examples", "system_template", "user_template"),
    "prebuilt": ("criteria", "model"),
    "remote": ("url",),
    "custom": ("description",),
    "function": ("source", "description"),
}

# Values sent for fields that neither the manifest nor the live grader provide.
DEFAULTS: dict[str, dict[str, Any]] = {
    "judge": {"examples": [], "system_template": SYSTEM_TEMPLATE, "user_template": USER_TEMPLATE},
    "custom": {"description": None},
    "function": {"description": None},
}

# The graderConfig selection of the live read; aliases avoid the field conflicts between
# union members (``criteria`` is a String on judges and an object on prebuilt graders).
LIVE_SELECTION = """graderConfig {
      __typename
      ... on JudgeConfigOutput {
        judgeCriteria: criteria
        examples { input { role content } output pass reasoning }
        systemTemplate userTemplate
        model { key }
      }
      ... on PrebuiltConfigOutput { prebuiltCriteria: criteria { key } model { key } }
      ... on RemoteConfigOutput { url }
      ... on CustomConfigOutput { customDescription: description }
      ... on FunctionConfigOutput { sourceCode functionDescription: description }
    }"""


def grader_type(entry: dict[str, Any]) -> str:
    """The one configuration key a declared grader has (the schema enforces exactly one)."""
    for name in TYPES:
        if name in entry:
            return name
    raise ValueError(f"grader {entry.get('key')!r} declares none of {', '.join(TYPES)}")


def normalise_examples(examples: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Judge examples in one shape for both sides: order kept (it is the prompt's order)."""
    return [
        {
            "input": [
                {"role": turn["role"], "content": str(turn["content"])} for turn in example.get("input") or []
            ],
            "output": example["output"],
            "pass": bool(example["pass"]),
            "reasoning": example.get("reasoning") or None,
        }
        for example in examples or []
    ]


def desired_config_attrs(kind: str, config: dict[str, Any]) -> dict[str, Any]:
    """Flat attributes for the fields a declared configuration sets."""
    attrs: dict[str, Any] = {}
    for field in FIELDS[kind]:
        if field not in config:
            continue
        value = config[field]
        if field == "examples":
            value = normalise_examples(value)
        elif kind == "prebuilt" and field == "criteria":
            value = str(value).lower()
        elif field == "description":
            value = value or None
        attrs[f"{kind}.{field}"] = value
    return attrs


def live_config_attrs(config: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """(type, flat attributes) of a live ``graderConfig`` union value."""
    typename = config.get("__typename")
    if typename == "JudgeConfigOutput":
        return "judge", {
            "judge.model": (config.get("model") or {}).get("key"),
            "judge.criteria": config.get("judgeCriteria"),
            "judge.examples": normalise_examples(config.get("examples")),
            "judge.system_template": config.get("systemTemplate"),
            "judge.user_template": config.get("userTemplate"),
        }
    if typename == "PrebuiltConfigOutput":
        criteria = (config.get("prebuiltCriteria") or {}).get("key")
        return "prebuilt", {
            "prebuilt.criteria": criteria.lower() if criteria else None,
            "prebuilt.model": (config.get("model") or {}).get("key"),
        }
    if typename == "RemoteConfigOutput":
        return "remote", {"remote.url": config.get("url")}
    if typename == "CustomConfigOutput":
        return "custom", {"custom.description": config.get("customDescription") or None}
    if typename == "FunctionConfigOutput":
        return "function", {
            "function.source": config.get("sourceCode"),
            "function.description": config.get("functionDescription") or None,
        }
    return None, {}


# Fields whose empty value means "not set" (an empty list, a null or empty description); every
# other field is written even when empty, because the API accepts an empty ``criteria``/``url``.
OPTIONAL_WHEN_EMPTY = frozenset({"examples", "description"})


def manifest_config(kind: str, attrs: dict[str, Any]) -> dict[str, Any]:
    """The manifest form of a grader's flat configuration attributes (for export), leaving
    out what ``config_input`` would send anyway (the defaults) and empty descriptions."""
    defaults = DEFAULTS.get(kind, {})
    config: dict[str, Any] = {}
    for field in FIELDS[kind]:
        value = attrs.get(f"{kind}.{field}")
        if value is None or (field in defaults and value == defaults[field]):
            continue
        if field in OPTIONAL_WHEN_EMPTY and not value:
            continue
        config[field] = [_example_entry(item) for item in value] if field == "examples" else value
    return config


def _example_entry(example: dict[str, Any]) -> dict[str, Any]:
    entry = {"input": [dict(turn) for turn in example["input"]], "output": example["output"]}
    entry["pass"] = example["pass"]
    if example.get("reasoning"):
        entry["reasoning"] = example["reasoning"]
    return entry


def config_input(kind: str, desired: dict[str, Any], actual: dict[str, Any] | None = None) -> dict[str, Any]:
    """A complete ``GraderConfigInput``: declared values, else the live ones, else the defaults.

    The input types require every field (``JudgeConfigInput.examples``, the templates), so an
    update re-sends what the manifest leaves unmanaged exactly as it is live.
    """
    live = actual if actual is not None and actual.get("type") == kind else {}
    values: dict[str, Any] = {}
    for field in FIELDS[kind]:
        path = f"{kind}.{field}"
        if path in desired:
            values[field] = desired[path]
        elif live.get(path) is not None:
            values[field] = live[path]
        else:
            values[field] = DEFAULTS.get(kind, {}).get(field)
    return {kind: _wire(kind, values)}


def _wire(kind: str, values: dict[str, Any]) -> dict[str, Any]:
    if kind == "judge":
        return {
            "model": values["model"],
            "criteria": values["criteria"],
            "examples": [_example_input(example) for example in values["examples"] or []],
            "systemTemplate": values["system_template"],
            "userTemplate": values["user_template"],
        }
    if kind == "prebuilt":
        return {"key": str(values["criteria"]).upper(), "model": values["model"]}
    if kind == "remote":
        return {"url": values["url"]}
    if kind == "custom":
        return {"description": values["description"]}
    return {"sourceCode": values["source"], "description": values["description"]}


def _example_input(example: dict[str, Any]) -> dict[str, Any]:
    return {
        "input": [{"role": turn["role"], "content": turn["content"]} for turn in example["input"]],
        "output": example["output"],
        "pass": example["pass"],
        "reasoning": example.get("reasoning"),
    }
