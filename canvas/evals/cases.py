"""Eval cases: what a person asks of which canvas, what people do meanwhile, what must hold.

Cases are YAML files in ``evals/cases/`` (a file holds one case or a list of them); the
format is documented in ``evals/README.md``. Loading checks every field, so a typo in a
case is an error naming the file and the case, not a silently weaker test.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ACTIONS = ("reply", "edit", "rewrite", "comment")
#: When people's edits happen during the turn (hooks of canvas.assistant.observer).
WHEN = ("prompt_built", "first_call")
CODE_CHECKS = ("py_compile", "node_check", "preview")
ROLES = ("owner", "editor", "commenter")


class CaseError(ValueError):
    """A case file does not say what the harness needs."""


@dataclass(frozen=True)
class PersonEdit:
    """One edit a person makes while the model works, located by a quote of the text."""

    when: str  # one of WHEN
    quote: str  # where: the first occurrence of this text (as it is at that moment)
    insert: str | None = None  # text to insert ...
    position: str = "after"  # ... "before" or "after" the quote
    replace: str | None = None  # or the quote's replacement ("" deletes it)

    @property
    def inserted(self) -> str:
        return self.insert if self.insert is not None else (self.replace or "")


@dataclass(frozen=True)
class Expectations:
    actions: tuple[str, ...]
    match: tuple[str, ...] = ()  # regexes (re.M) that must match the text afterwards
    no_match: tuple[str, ...] = ()  # regexes that must not
    keep: tuple[str, ...] = ()  # quotes that must stay untouched (hard failure)
    max_changed: float | None = None  # the largest fraction of the text that may change
    allowed: tuple[str, ...] = ()  # passages the request allows to change (else: any)
    comments: tuple[str, ...] = ()  # passages that must carry a comment
    code: tuple[str, ...] = ()  # checks of CODE_CHECKS on the text afterwards
    said: tuple[str, ...] = ()  # regexes (case-insensitive) the chat reply must match
    status: str = "done"


@dataclass(frozen=True)
class Case:
    id: str
    source: str  # the file it came from
    kind: str  # "document" | "code"
    language: str
    canvas: str
    request: str
    expect: Expectations
    tags: tuple[str, ...] = ()
    selection: str | None = None  # the selected text ...
    selection_occurrence: int = 1  # ... its n-th occurrence
    shortcut: str = ""
    port_language: str = ""  # the "port" shortcut's target language
    role: str = "owner"  # the asker's role
    history: tuple[tuple[str, str], ...] = ()  # (role, text) of earlier chat
    people: tuple[PersonEdit, ...] = ()
    reference: tuple[dict, ...] = ()  # a correct answer per model round (see replay.py)
    note: str = ""

    def matches(self, only: str | None) -> bool:
        """``--only``: a tag, a case id or an id prefix."""
        return not only or only in self.tags or self.id == only or self.id.startswith(only)


def _tuple(value: Any, what: str) -> tuple:
    if value is None:
        return ()
    if isinstance(value, (str, dict)):
        return (value,)
    if isinstance(value, list):
        return tuple(value)
    raise CaseError(f"{what} must be a string or a list")


def _expectations(raw: Any) -> Expectations:
    if not isinstance(raw, dict):
        raise CaseError("`expect` must be a mapping")
    unknown = set(raw) - {"action", "match", "no_match", "keep", "max_changed", "allowed",
                          "comments", "code", "status", "unchanged", "said"}
    if unknown:
        raise CaseError(f"unknown expectations: {', '.join(sorted(unknown))}")
    actions = _tuple(raw.get("action"), "expect.action")
    if not actions or any(a not in ACTIONS for a in actions):
        raise CaseError(f"expect.action must be one or more of {', '.join(ACTIONS)}")
    for pattern in (*_tuple(raw.get("match"), "match"), *_tuple(raw.get("no_match"), "no"),
                    *_tuple(raw.get("said"), "said")):
        try:
            re.compile(pattern)
        except re.error as exc:
            raise CaseError(f"bad regex {pattern!r}: {exc}") from exc
    code = _tuple(raw.get("code"), "expect.code")
    if any(c not in CODE_CHECKS for c in code):
        raise CaseError(f"expect.code must be among {', '.join(CODE_CHECKS)}")
    max_changed = raw.get("max_changed")
    if raw.get("unchanged"):
        max_changed = 0.0
    if max_changed is not None and not (isinstance(max_changed, (int, float))
                                        and 0 <= max_changed <= 1):
        raise CaseError("expect.max_changed must be a fraction between 0 and 1")
    return Expectations(
        actions=actions, match=_tuple(raw.get("match"), "match"),
        no_match=_tuple(raw.get("no_match"), "no_match"), keep=_tuple(raw.get("keep"), "keep"),
        max_changed=max_changed, allowed=_tuple(raw.get("allowed"), "allowed"),
        comments=_tuple(raw.get("comments"), "comments"), code=code,
        said=_tuple(raw.get("said"), "said"),
        status=raw.get("status", "done"))


def _person_edit(raw: Any) -> PersonEdit:
    if not isinstance(raw, dict):
        raise CaseError("each of `people` must be a mapping")
    when = raw.get("when", "prompt_built")
    if when not in WHEN:
        raise CaseError(f"people.when must be one of {', '.join(WHEN)}")
    for position in ("after", "before"):
        if position in raw:
            if not isinstance(raw.get("insert"), str):
                raise CaseError("people: `after`/`before` need an `insert` string")
            return PersonEdit(when, raw[position], insert=raw["insert"], position=position)
    if "replace" in raw:
        return PersonEdit(when, raw["replace"], replace=raw.get("with", ""))
    if "delete" in raw:
        return PersonEdit(when, raw["delete"], replace="")
    raise CaseError("people: each edit needs `after`/`before` + `insert`, `replace` + `with`, "
                    "or `delete`")


FILLER_LINE = "Line {n:05d}: the quick brown fox jumps over the lazy dog.\n"


def _filler(chars: int, start: int = 0) -> str:
    """About ``chars`` characters of numbered lines: a long canvas without a long file."""
    if not chars:
        return ""
    count = -(-int(chars) // len(FILLER_LINE.format(n=0)))
    return "".join(FILLER_LINE.format(n=start + i) for i in range(count))


def nth(text: str, quote: str, occurrence: int) -> int:
    """Where the ``occurrence``-th (from 1) ``quote`` starts in ``text``; -1 if it does not."""
    at = -1
    for _ in range(occurrence):
        at = text.find(quote, at + 1)
        if at < 0:
            return -1
    return at


def parse_case(raw: Any, source: str) -> Case:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise CaseError(f"{source}: each case needs an `id`")
    try:
        kind = raw.get("kind", "document")
        language = raw.get("language", "markdown" if kind == "document" else "python")
        if not isinstance(raw.get("canvas", ""), str):
            raise CaseError("`canvas` must be text")
        if not raw.get("request") and not raw.get("shortcut"):
            raise CaseError("a case needs a `request` or a `shortcut`")
        role = raw.get("role", "owner")
        if role not in ROLES:
            raise CaseError(f"role must be one of {', '.join(ROLES)}")
        history = tuple((h["role"], h["text"]) for h in raw.get("history", []))
        if any(r not in ("user", "assistant") for r, _ in history):
            raise CaseError("history roles are `user` or `assistant`")
        selection = raw.get("selection")
        canvas = _filler(raw.get("filler_before", 0)) + raw.get("canvas", "") \
            + _filler(raw.get("filler_after", 0), start=50_000)
        occurrence = int(raw.get("selection_occurrence", 1))
        if selection is not None and canvas.count(selection) < occurrence:
            raise CaseError("`selection` is not in the canvas (that many times)")
        expect = _expectations(raw.get("expect"))
        for quote in (*expect.keep, *expect.allowed, *expect.comments):
            if quote not in canvas:
                raise CaseError(f"expected passage {quote!r} is not in the canvas")
        reference = raw.get("reference", ())
        if isinstance(reference, dict):
            reference = (reference,)
        return Case(
            id=raw["id"], source=source, kind=kind, language=language, canvas=canvas,
            request=raw.get("request", ""), expect=expect,
            tags=tuple(raw.get("tags", ())), selection=selection,
            selection_occurrence=occurrence,
            shortcut=raw.get("shortcut", ""), port_language=raw.get("port_language", ""),
            role=role, history=history,
            people=tuple(_person_edit(p) for p in raw.get("people", [])),
            reference=tuple(reference), note=raw.get("note", ""))
    except CaseError as exc:
        raise CaseError(f"{source}: case {raw['id']}: {exc}") from None
    except (KeyError, TypeError) as exc:
        raise CaseError(f"{source}: case {raw['id']}: malformed ({exc!r})") from None


def load_cases(path: str | Path, only: str | None = None) -> list[Case]:
    """Every case under ``path`` (a directory, searched recursively, or one file), sorted by
    file then as written; ``only`` keeps those with that tag or id (prefix)."""
    path = Path(path)
    files = sorted(path.rglob("*.y*ml")) if path.is_dir() else [path]
    cases: list[Case] = []
    seen: dict[str, str] = {}
    for file in files:
        with open(file, encoding="utf-8") as stream:
            data = yaml.safe_load(stream)
        for raw in data if isinstance(data, list) else [data] if data else []:
            case = parse_case(raw, str(file))
            if case.id in seen:
                raise CaseError(f"{file}: case id {case.id} is also in {seen[case.id]}")
            seen[case.id] = str(file)
            if case.matches(only):
                cases.append(case)
    return cases


def dump_cases(cases: list[dict], path: Path) -> None:
    """Write raw cases (as ``parse_case`` reads them) as YAML, multi-line text as blocks."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as stream:
        yaml.dump(cases, stream, Dumper=_BlockDumper, allow_unicode=True, sort_keys=False,
                  width=100)


class _BlockDumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    # Block style keeps canvases readable; YAML cannot block-quote trailing spaces, CR or
    # other special characters, which then stay double-quoted.
    if "\n" in value and "\r" not in value and not any(
            line != line.rstrip(" \t") for line in value.split("\n")):
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_BlockDumper.add_representer(str, _str)


__all__ = ["ACTIONS", "CODE_CHECKS", "WHEN", "Case", "CaseError", "Expectations",
           "PersonEdit", "dump_cases", "load_cases", "parse_case"]
