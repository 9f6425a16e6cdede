"""Deriving eval cases from seed documents by mutation, so the set can grow to hundreds.

Each mutation plants something in a clean seed and knows the right answer: a typo to fix
(in prose, or in code comments), a duplicated block to remove, line endings turned CRLF,
accents decomposed (NFD), long padding around the passage, or a person typing somewhere
random while the model works. Every generated case carries its reference answer, so
``canvas_eval --reference`` proves it can pass before any model is measured on it.
"""

from __future__ import annotations

import random
import re
import unicodedata
from collections.abc import Callable
from pathlib import Path

LANGUAGES = {".md": ("document", "markdown"), ".txt": ("document", "markdown"),
             ".py": ("code", "python"), ".js": ("code", "javascript"),
             ".jsx": ("code", "jsx"), ".html": ("code", "html")}
CODE_CHECK = {"python": ["py_compile"], "javascript": ["node_check"], "jsx": ["preview"]}
COMMENT = re.compile(r"^\s*(#|//)")


class NoMutation(ValueError):
    """This seed offers nothing for this mutation (no word to misspell, no block)."""


def _words(text: str, language: str) -> list[tuple[int, str]]:
    """Words that can carry a typo: long, alphabetic, once in the text, in prose or in a
    code comment (never in code, which would stop compiling)."""
    found = []
    offset = 0
    for line in text.splitlines(keepends=True):
        prose = language == "markdown" or COMMENT.match(line)
        if prose and not line.lstrip().startswith(("#!", "```")):
            for match in re.finditer(r"\b[a-z]{6,}\b", line):
                if len(re.findall(rf"\b{match.group()}\b", text)) == 1:
                    found.append((offset + match.start(), match.group()))
        offset += len(line)
    return found


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 2)
    swapped = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return swapped if swapped != word else word[:i] + word[i + 1:]


def _line_of(text: str, at: int) -> tuple[int, int]:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return start, len(text) if end < 0 else end


def _planted_typo(text: str, language: str, rng: random.Random) -> tuple[str, dict]:
    words = _words(text, language)
    if not words:
        raise NoMutation("no word to misspell")
    at, word = rng.choice(words)
    wrong = _typo(word, rng)
    mutated = text[:at] + wrong + text[at + len(word):]
    start, end = _line_of(mutated, at)
    line = mutated[start:end]
    fixed = line.replace(wrong, word, 1)
    others = [ln for ln in mutated.splitlines() if ln.strip() and ln != line][:3]
    case = {
        "request": f"Fix the spelling of “{wrong}”.",
        "expect": {"action": "edit", "match": [re.escape(fixed)], "keep": others,
                   "max_changed": 0.05},
        "reference": {"text": "Fixed the typo.", "calls": [
            {"edit_canvas": {"edits": [{"find": line.strip(), "replace": fixed.strip()}]}}]},
    }
    return mutated, case


def typo(text: str, language: str, rng: random.Random) -> tuple[str, dict]:
    mutated, case = _planted_typo(text, language, rng)
    return mutated, {**case, "tags": ["generated", "typo", "local"]}


def duplicated_block(text: str, language: str, rng: random.Random) -> tuple[str, dict]:
    blocks = [b for b in text.split("\n\n") if b.strip() and text.count(b) == 1
              and not b.lstrip().startswith(("#", "\"\"\"", "//", "from ", "import "))]
    if not blocks:
        raise NoMutation("no block to duplicate")
    block = rng.choice(blocks)
    twice = block + "\n\n" + block
    mutated = text.replace(block, twice, 1)
    first_line = block.strip().splitlines()[0]
    return mutated, {
        "tags": ["generated", "duplicate", "local", "delete"],
        "request": f"The block starting “{first_line[:60]}” is there twice by mistake; "
                   "remove one copy.",
        "expect": {"action": "edit", "no_match": [re.escape(twice)],
                   "match": [re.escape(block)], "max_changed": 0.5,
                   "code": CODE_CHECK.get(language, [])},
        "reference": {"text": "Removed the copy.", "calls": [
            {"edit_canvas": {"edits": [{"find": twice, "replace": block}]}}]},
    }


def crlf(text: str, language: str, rng: random.Random) -> tuple[str, dict]:
    mutated, case = _planted_typo(text, language, rng)
    windows = mutated.replace("\n", "\r\n")
    case["expect"]["no_match"] = [r"[^\r]\n"]  # no bare line feed crept in
    return windows, {**case, "tags": ["generated", "crlf", "typo", "normalization"]}


def nfd(text: str, language: str, rng: random.Random) -> tuple[str, dict]:
    mutated, case = _planted_typo(text, language, rng)
    decomposed = unicodedata.normalize("NFD", mutated)
    case["expect"]["match"] = [unicodedata.normalize("NFD", p) for p in case["expect"]["match"]]
    case["expect"]["keep"] = [unicodedata.normalize("NFD", k) for k in case["expect"]["keep"]]
    # The reference quotes composed text, as models write it: placement must normalize.
    return decomposed, {**case, "tags": ["generated", "nfd", "typo", "normalization"]}


def padding(text: str, language: str, rng: random.Random) -> tuple[str, dict]:
    mutated, case = _planted_typo(text, language, rng)
    if language != "markdown":
        raise NoMutation("padding lines would not be code")
    # The model sees the first MAX_CANVAS_CHARS (60k) of a canvas without a selection: the
    # typo stays inside that window, the padding after it reaches well beyond.
    before = rng.choice([0, 20_000, 45_000])
    return mutated, {**case, "tags": ["generated", "long", "typo"], "filler_before": before,
                     "filler_after": 90_000 - before}


def concurrent(text: str, language: str, rng: random.Random) -> tuple[str, dict]:
    mutated, case = _planted_typo(text, language, rng)
    if language != "markdown":
        raise NoMutation("a person's prose in code would not compile")
    lines = [ln for ln in mutated.splitlines() if ln.strip()]
    anchor = rng.choice(lines)
    if mutated.count(anchor) != 1:
        raise NoMutation("the line chosen for the person is not unique")
    words = rng.choice(["(see also the wiki)", "Ask Sam.", "TODO: check this."])
    case["people"] = [{"when": rng.choice(["prompt_built", "first_call"]), "after": anchor,
                       "insert": f" {words}"}]
    case["expect"]["match"] = [*case["expect"]["match"], re.escape(words)]
    case["expect"]["keep"] = [k for k in case["expect"]["keep"] if k != anchor]
    case["expect"]["max_changed"] = 0.1
    return mutated, {**case, "tags": ["generated", "people", "concurrent", "typo"]}


MUTATIONS: dict[str, Callable[[str, str, random.Random], tuple[str, dict]]] = {
    "typo": typo, "duplicate": duplicated_block, "crlf": crlf, "nfd": nfd,
    "padding": padding, "concurrent": concurrent}


def generate(seeds: list[Path], count: int, seed: int = 0,
             mutations: list[str] | None = None) -> list[dict]:
    """``count`` raw cases (as ``cases.parse_case`` reads them), cycling through the seeds
    and the mutations; the same arguments give the same cases."""
    rng = random.Random(seed)
    names = mutations or list(MUTATIONS)
    texts = [(path, path.read_text(encoding="utf-8")) for path in seeds]
    cases: list[dict] = []
    attempts = 0
    while len(cases) < count and attempts < count * 20:
        attempts += 1
        path, text = texts[attempts % len(texts)]
        name = names[(attempts // len(texts)) % len(names)]  # every pairing in turn
        kind, language = LANGUAGES.get(path.suffix, ("document", "markdown"))
        try:
            canvas, case = MUTATIONS[name](text, language, rng)
        except NoMutation:
            continue
        case_id = f"gen-{seed}-{len(cases) + 1:03d}-{name}-{path.stem}"
        cases.append({"id": case_id, "kind": kind, "language": language,
                      "canvas": canvas, **case, "note": f"generated from {path.name} ({name})"})
    return cases
