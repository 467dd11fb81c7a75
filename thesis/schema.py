"""Declared configuration: typed dataclasses loaded from YAML with every problem reported.

`load_yaml(path, cls)` parses a YAML file (keeping the line of every key), builds
an instance of the dataclass `cls`, and collects *all* problems: wrong types,
missing required keys, bad values. Unknown keys are warnings. If anything is
wrong the caller gets one `UserError` listing the first problem and carrying
all of them, so the CLI prints every line and exits once.

A field's docstring lives in `field(metadata={"doc": ...})`; a field's check
in `metadata={"check": callable}` (returns an error message or None).
"""

from __future__ import annotations

import copy
import dataclasses
import types
import typing
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import yaml

from .diagnostics import Diagnostic, Reporter, UserError, display_path
from .files import read_text
from .units import Length


def option(default: Any = dataclasses.MISSING, doc: str = "", check=None, **kw):
    """A declared option: default, one-line doc, optional value check."""
    if isinstance(default, (list, dict)):
        value = default
        kw["default_factory"] = lambda: type(value)(value)
        default = dataclasses.MISSING
    return dataclasses.field(default=default, metadata={"doc": doc, "check": check}, **kw)


# ---------------------------------------------------------------- YAML with lines

# libyaml's C loader when PyYAML was built with it (10x faster), else the pure-Python one.
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _compose_lines(node: yaml.Node, path: tuple, lines: dict) -> None:
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            sub = path + (str(key.value),)
            lines[sub] = key.start_mark.line + 1
            _compose_lines(value, sub, lines)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _compose_lines(item, path + (i,), lines)


def parse_yaml(text: str, path: Path) -> tuple[Any, dict]:
    """YAML data and a map key-path → line; a syntax error is a UserError with its line.
    Remembered by text (a watch reads thesis.yaml and the profile every rebuild): a copy each
    time, the callers change the data."""
    data, lines = _parsed(text, path)
    return copy.deepcopy(data), dict(lines)


@lru_cache(maxsize=32)
def _parsed(text: str, path: Path) -> tuple[Any, dict]:
    try:
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = exc.problem or "invalid YAML"
        raise UserError(f"invalid YAML: {problem}", path, line, "yaml.syntax") from None
    except yaml.YAMLError as exc:
        raise UserError(f"invalid YAML: {exc}", path, None, "yaml.syntax") from None
    lines: dict = {}
    if node is not None:
        _compose_lines(node, (), lines)
    return data, lines


# ---------------------------------------------------------------- building dataclasses

@lru_cache(maxsize=None)
def _type_hints(cls: type) -> dict:
    """A config dataclass's field types (evaluated from their annotations' text: ~0.3 ms a class,
    two dozen classes a build, once per process now)."""
    return typing.get_type_hints(cls)


class _Builder:
    def __init__(self, path: Path, lines: dict):
        self.path, self.lines = path, lines
        self.errors: list[Diagnostic] = []
        self.warnings: list[Diagnostic] = []

    def line(self, keys: tuple) -> int | None:
        while keys and keys not in self.lines:
            keys = keys[:-1]
        return self.lines.get(keys)

    def problem(self, keys: tuple, message: str, warning: bool = False) -> None:
        name = ".".join(str(k) for k in keys) or "(top level)"
        code = "config.unknown-key" if warning else "config.invalid"
        diag = Diagnostic("warning" if warning else "error", f"{name}: {message}",
                          display_path(self.path), self.line(keys), code)
        (self.warnings if warning else self.errors).append(diag)

    def build(self, tp: Any, value: Any, keys: tuple) -> Any:
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if dataclasses.is_dataclass(tp):
            return self.build_dataclass(tp, value, keys)
        if origin in (typing.Union, types.UnionType):
            if value is None and type(None) in args:
                return None
            inner = [a for a in args if a is not type(None)]
            return self.build(inner[0], value, keys)
        if origin is Literal:
            if value not in args:
                choices = ", ".join(repr(a) for a in args)
                self.problem(keys, f"must be one of {choices}, not {value!r}")
            return value
        if origin is list:
            if not isinstance(value, list):
                self.problem(keys, f"must be a list, not {_kind(value)}")
                return []
            return [self.build(args[0], v, keys + (i,)) for i, v in enumerate(value)]
        if origin is dict:
            if not isinstance(value, dict):
                self.problem(keys, f"must be a mapping, not {_kind(value)}")
                return {}
            return {str(k): self.build(args[1], v, keys + (str(k),)) for k, v in value.items()}
        return self.build_scalar(tp, value, keys)

    def build_scalar(self, tp: type, value: Any, keys: tuple) -> Any:
        if tp is Any:
            return value
        if tp is Length:
            try:
                return Length(value)
            except ValueError as exc:
                self.problem(keys, str(exc))
                return None
        if tp is float and isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        if tp is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            return str(value)
        if not isinstance(value, tp) or (tp is int and isinstance(value, bool)):
            self.problem(keys, f"must be {_kind_name(tp)}, not {_kind(value)}")
        return value

    def build_dataclass(self, cls: type, value: Any, keys: tuple) -> Any:
        if value is None:
            value = {}
        if not isinstance(value, dict):
            self.problem(keys, f"must be a mapping, not {_kind(value)}")
            value = {}
        hints = _type_hints(cls)
        fields = {f.name: f for f in dataclasses.fields(cls)}
        for key in value:
            if str(key) not in fields:
                self.problem(keys + (str(key),), "unknown key (ignored)", warning=True)
        kwargs = {}
        for name, f in fields.items():
            sub = keys + (name,)
            if name in value:
                built = self.build(hints[name], value[name], sub)
                check = f.metadata.get("check")
                message = check(built) if check and built is not None else None
                if message:
                    self.problem(sub, message)
                kwargs[name] = built
            elif f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                self.problem(sub, "required key is missing")
                kwargs[name] = None
        return cls(**kwargs)


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", type(None): "empty"}.get(
        type(value), f"{_kind_name(type(value))} {value!r}")


def _kind_name(tp: type) -> str:
    return {str: "text", int: "a whole number", float: "a number", bool: "true or false"}.get(
        tp, getattr(tp, "__name__", str(tp)))


def load_yaml(path: Path, cls: type, reporter: Reporter) -> tuple[Any, dict]:
    """An instance of dataclass `cls` from the YAML file, and its key lines; warnings
    reported, errors raised at once."""
    data, lines = parse_yaml(read_text(path), path)
    return build_config(cls, data, path, lines, reporter), lines


def build_config(cls: type, data: Any, path: Path, lines: dict, reporter: Reporter) -> Any:
    """An instance of dataclass `cls` from parsed data; all errors in one UserError."""
    builder = _Builder(path, lines)
    result = builder.build(cls, data, ())
    for warning in builder.warnings:
        reporter.emit(warning)
    if builder.errors:
        raise UserError.from_diagnostics(builder.errors)
    return result


def deep_merge(base: dict, overlay: dict) -> dict:
    """`base` with `overlay` merged in, mappings recursively (a profile extending another)."""
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
