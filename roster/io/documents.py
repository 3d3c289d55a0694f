"""YAML documents: a lenient loader that keeps each value's line, and the mapping of pydantic
errors to issues that name the file, line and field."""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from roster.errors import Allowed, Issue, IssueCollector
from roster.input_messages import T, pydantic_text
from roster.text import Text

# YAML
# ============================================================================================

_INT_TAG = "tag:yaml.org,2002:int"
_FLOAT_TAG = "tag:yaml.org,2002:float"


class _Loader(yaml.SafeLoader):
    """A safe loader that reads ``13:30`` as text, not as the YAML 1.1 base-60 number 810."""


def _lenient_timestamp(loader: yaml.SafeLoader, node: yaml.Node) -> Any:
    """A date such as 2021-02-30 stays text, so it is reported as 'not a date' on its field."""
    assert isinstance(node, yaml.ScalarNode)  # the resolver tags only scalars as timestamps
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _lenient_timestamp)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT_TAG, _FLOAT_TAG)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _INT_TAG,
    re.compile(r"^(?:[-+]?(?:0|[1-9][0-9_]*)|0o[0-7]+|0x[0-9a-fA-F]+)$"),
    list("-+0123456789"),
)
_Loader.add_implicit_resolver(
    _FLOAT_TAG,
    re.compile(
        r"^(?:[-+]?(?:[0-9][0-9_]*)?\.[0-9_]+(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


@dataclass
class YamlDoc:
    """A parsed YAML file: its data and its node tree (for line numbers)."""

    file: str
    data: Any
    node: yaml.Node | None


def read_yaml(path: Path, issues: IssueCollector) -> YamlDoc | None:
    name = path.name
    if not path.is_file():
        issues.add(name, None, None, T("file.not_in_folder"))
        return None
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        issues.add(name, None, None, T("file.not_utf8"))
        return None
    except OSError as e:
        issues.add(name, None, None, T("file.unreadable", why=e.strerror or e))
        return None
    try:
        node = yaml.compose(text, Loader=_Loader)
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None) or getattr(e, "context_mark", None)
        row = mark.line + 1 if mark is not None else None
        problem = getattr(e, "problem", None) or str(e)
        context = getattr(e, "context", None)
        msg = T(
            "file.yaml_syntax",
            problem=problem,
            context=T("file.yaml_context", context=context) if context else "",
            column=T("file.yaml_column", column=mark.column + 1) if mark is not None else "",
        )
        issues.add(name, row, None, msg)
        return None
    return YamlDoc(name, data, node)


def yaml_line(node: yaml.Node | None, loc: Sequence[Any]) -> int | None:
    """The 1-based line of the node at ``loc`` (as far as it can be followed)."""
    if node is None:
        return None
    line = node.start_mark.line + 1
    for key in loc:
        nxt = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if k.value == str(key):
                    nxt = v
                    line = k.start_mark.line + 1
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(key, int)
            and 0 <= key < len(node.value)
        ):
            nxt = node.value[key]
            line = nxt.start_mark.line + 1
        if nxt is None:
            break
        node = nxt
    return line


def loc_path(loc: Sequence[Any], data: Any) -> str:
    """A readable path for a pydantic ``loc``: ``posts[seal].demands[0].min``. List items that
    have an ``id`` are named by it."""
    out = ""
    cur = data
    for key in loc:
        if isinstance(key, int):
            label = str(key)
            item = cur[key] if isinstance(cur, list) and 0 <= key < len(cur) else None
            if isinstance(item, dict) and isinstance(item.get("id"), str | int):
                label = str(item["id"])
            out += f"[{label}]"
            cur = item
        else:
            out += ("." if out else "") + str(key)
            cur = cur.get(key) if isinstance(cur, dict) else None
    return out


def _unwrap_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model class inside an annotation such as ``list[Post] | None``."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _unwrap_model(arg)
        if found is not None:
            return found
    if isinstance(annotation, types.UnionType):
        for arg in annotation.__args__:
            found = _unwrap_model(arg)
            if found is not None:
                return found
    return None


def _model_at(model: type[BaseModel], loc: Sequence[Any]) -> type[BaseModel] | None:
    """The model class that holds the last key of ``loc`` (to list its allowed fields)."""
    cur: type[BaseModel] | None = model
    for key in loc[:-1]:
        if cur is None:
            return None
        if isinstance(key, int):
            continue
        f = cur.model_fields.get(str(key))
        if f is None:
            # a dict key (e.g. a contract name): stay on the dict's value model
            continue
        cur = _unwrap_model(f.annotation)
    return cur


def pydantic_issues(
    err: ValidationError,
    file: str,
    model: type[BaseModel],
    data: Any,
    prefix: Sequence[Any] = (),
    node: yaml.Node | None = None,
    row: int | None = None,
) -> list[Issue]:
    """Translate a pydantic error into issues on ``file``: the field is the dotted path of the
    error's ``loc`` (after ``prefix``), the row the spreadsheet row or the YAML line."""
    out: list[Issue] = []
    for e in err.errors():
        loc = tuple(e.get("loc", ()))
        full = tuple(prefix) + loc
        path = loc_path(full, _wrap(prefix, data))
        msg = error_text(e)
        allowed: Allowed = None
        if e.get("type") == "extra_forbidden":
            holder = _model_at(model, loc)
            msg = (
                T("yaml.unknown_field", name=str(loc[-1])) if loc else T("yaml.unknown_field_bare")
            )
            if holder is not None:
                allowed = list(holder.model_fields)
        elif e.get("type") == "missing":
            msg = T("yaml.missing")
        line = row if row is not None else yaml_line(node, full)
        out.append(Issue(file, line, path or None, msg, allowed))
    return out


def error_text(e: Any) -> Text:
    """One pydantic error as a text in both languages, with the value given when it is a plain
    value (``Input should be ... (got 'x')``)."""
    msg = pydantic_text(e)
    if "input" in e and e.get("type") not in ("model_type", "dict_type", "list_type"):
        value = e["input"]
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            msg = T("yaml.got", text=msg, value=value)
    return msg


def _wrap(prefix: Sequence[Any], data: Any) -> Any:
    """Rebuild the document around ``data`` so that ``loc_path`` can follow ``prefix``."""
    for key in reversed(prefix):
        data = {key: data}
    return data


# ============================================================================================
