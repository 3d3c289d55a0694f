"""A message in both languages, written once.

A catalogue keeps each message as an ``(English, Vietnamese)`` pair of ``str.format`` templates
with the same fields; :class:`Text` is one such pair with the values of its fields, worded in a
language only when it is shown (``text("vi")``; ``str(text)`` is the English). A field's value
may itself be a :class:`Text` (worded in the same language), so an error can carry "what is
allowed" or a unit name without choosing a language too early.

Code that raises or collects a message builds one ``Text``; the CLI, the API and the files word
it in the language of the reader. Nothing here knows where the catalogues are.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from typing import Any

from roster.lang import pick

Pair = tuple[str, str]


class Text(str):
    """An ``(English, Vietnamese)`` template pair and the values of its fields.

    A ``Text`` is the English string itself (so code and tests that read a message as a
    ``str`` see the English, as before); ``text("vi")`` words it in Vietnamese."""

    pair: Pair
    fields: dict[str, Any]

    def __new__(cls, pair: Pair, /, **fields: Any) -> Text:
        obj = super().__new__(cls, _format(pair[0], fields, "en"))
        obj.pair = pair
        obj.fields = fields
        return obj

    def __call__(self, lang: str | None = "en") -> str:
        """The message in ``lang`` (``vi``, or anything else for English)."""
        return _format(pick(lang, *self.pair), self.fields, lang)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.pair, self.fields))


def _rebuild(pair: Pair, fields: dict[str, Any]) -> Text:
    return Text(pair, **fields)


def _format(template: str, fields: Mapping[str, Any], lang: str | None) -> str:
    return template.format(**{k: word(v, lang) for k, v in fields.items()})


def word(value: Any, lang: str | None) -> Any:
    """``value`` worded in ``lang`` when it is a :class:`Text` (or a ValueError carrying one);
    any other value as it is."""
    if isinstance(value, Text):
        return value(lang)
    if isinstance(value, ValueError) and value.args and isinstance(value.args[0], Text):
        return value.args[0](lang)
    return value


def verbatim(value: Any) -> Text:
    """A value that reads the same in both languages (a name, a library's own message)."""
    return Text(("{value}", "{value}"), value=value)


def template_fields(template: str) -> set[str]:
    """The names of the ``str.format`` fields of ``template`` (``{n}``, ``{value!r}``)."""
    return {
        name.split(".")[0].split("[")[0]
        for _, name, _, _ in string.Formatter().parse(template)
        if name is not None
    }


def catalogue_problems(catalogue: Mapping[str, Pair]) -> list[str]:
    """What is wrong with a catalogue: an entry without both languages, or whose two templates
    have different fields (a test asserts there is nothing). An entry may read the same in
    both (a name such as ``HTTP API``, a template of fields only)."""
    out = []
    for key, pair in catalogue.items():
        if not (isinstance(pair, tuple) and len(pair) == 2 and all(p.strip() for p in pair)):
            out.append(f"{key}: needs a non-empty English and Vietnamese text")
            continue
        en, vi = pair
        try:
            fields_en, fields_vi = template_fields(en), template_fields(vi)
        except ValueError as e:
            out.append(f"{key}: bad template ({e})")
            continue
        if fields_en != fields_vi:
            out.append(f"{key}: fields differ: en {sorted(fields_en)}, vi {sorted(fields_vi)}")
    return out
