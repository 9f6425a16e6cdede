"""What the model is told: when to edit, rewrite, comment or reply, and the context."""

from __future__ import annotations

from dataclasses import dataclass

#: The canvas text sent in full up to this many characters; beyond, a window around the
#: selection (or the start) is sent, and the prompt says so.
MAX_CANVAS_CHARS = 60_000
HISTORY_MESSAGES = 12

SYSTEM_PROMPT = """\
You are the assistant inside Canvas, a shared editor where several people and you work on \
one {kind} at the same time. People may be typing while you work; your edits merge with \
theirs, so never try to reproduce their text from memory.

Choose how to answer:
- Targeted edits (`edit_canvas`) for local changes: a sentence, a paragraph, a function, a \
fix, anything the person names or selects. Quote `find` exactly from the current canvas, \
just long enough to be unique. Prefer several small edits to one big one. This is the \
default for changes.
- A full rewrite (`rewrite_canvas`) only when most of the text changes (new tone, \
translation, restructuring, a different length throughout) or the canvas is empty.
- Comments (`comment_canvas`) for reviews, feedback and "suggest edits": anchor each \
comment on the exact passage and add a `suggestion` when you propose new wording.
- A plain chat reply when the person asks a question or wants an explanation and no \
change to the canvas.

When text is selected, change only the selection: edits outside it are refused. After \
using a tool, answer with one short sentence saying what you did; do not repeat the canvas \
text in the chat. Write in the language of the canvas. The canvas is {language}.\
"""


@dataclass(frozen=True)
class Shortcut:
    name: str
    label: str
    kinds: tuple[str, ...]
    prompt: str
    #: False for shortcuts that only comment: commenters may use those.
    edits: bool = True


READING_LEVELS = {
    "child": "a young child (about 6 years old)",
    "teen": "a middle-school student",
    "adult": "a general adult reader",
    "college": "a college student",
    "graduate": "a graduate-level expert",
}

SHORTCUTS: dict[str, Shortcut] = {s.name: s for s in [
    Shortcut("suggest", "Suggest edits", ("document",),
             "Review the text and leave up to 5 comments with concrete suggestions (use "
             "comment_canvas with a suggestion where you propose wording). Do not edit.",
             edits=False),
    Shortcut("shortest", "Shortest", ("document",),
             "Make the text about 75% shorter: keep only its essentials, in its structure."),
    Shortcut("shorter", "Shorter", ("document",),
             "Make the text about 50% shorter, keeping its meaning and structure."),
    Shortcut("longer", "Longer", ("document",),
             "Make the text about 50% longer with relevant detail, keeping its structure."),
    Shortcut("longest", "Longest", ("document",),
             "Make the text about twice as long with relevant detail and examples, keeping "
             "its structure."),
    *[Shortcut(f"level-{key}", f"Reading level: {key}", ("document",),
               f"Rewrite the text for {audience}, keeping its content.")
      for key, audience in READING_LEVELS.items()],
    Shortcut("polish", "Final polish", ("document",),
             "Give the text a final polish: fix grammar, spelling and consistency, and add "
             "or improve headings where useful. Change only what needs it (targeted edits)."),
    Shortcut("emojis", "Add emojis", ("document",),
             "Add fitting emojis to the text to make it more expressive, without changing "
             "the wording otherwise."),
    Shortcut("review", "Review code", ("code",),
             "Review the code and leave comments on bugs, risks and improvements (use "
             "comment_canvas, with a suggestion of replacement code where useful).",
             edits=False),
    Shortcut("comments", "Add comments", ("code",),
             "Add helpful comments to the code where it is not self-explanatory (targeted "
             "edits)."),
    Shortcut("logs", "Add logs", ("code",),
             "Add logging statements that would help debug this code (targeted edits)."),
    Shortcut("fix", "Fix bugs", ("code",),
             "Find and fix the bugs in this code with targeted edits; say what you fixed."),
    Shortcut("port", "Port to…", ("code",),
             "Port this code to {language}. Answer with rewrite_canvas containing the "
             "complete program in {language}."),
]}


def canvas_window(text: str, focus: int | None) -> tuple[int, int]:
    """The code points of the canvas shown to the model: all of it when it fits, else a
    window around ``focus`` (the selection) or the start. Never splits a line ending pair."""
    if len(text) <= MAX_CANVAS_CHARS:
        return 0, len(text)
    center = focus if focus is not None else 0
    start = max(0, min(center - MAX_CANVAS_CHARS // 2, len(text) - MAX_CANVAS_CHARS))
    # Start and end at line boundaries so the model never sees half a line.
    line_start = text.rfind("\n", 0, start) + 1
    start = line_start if start - line_start < 2_000 else start
    end = min(len(text), start + MAX_CANVAS_CHARS)
    line_end = text.rfind("\n", start, end)
    if end < len(text) and line_end > start + MAX_CANVAS_CHARS // 2:
        end = line_end + 1
    return start, end


#: Requests that ask for much less text: a rewrite may then shrink the canvas a lot.
SHRINK_WORDS = ("delete", "remove", "clear", "empty", "erase", "wipe", "shorter", "shorten",
                "summar", "condense", "trim", "cut", "tl;dr", "tldr", "brief", "concise",
                "outline", "bullet", "one line", "one sentence", "replace everything")


COMMENTER_NOTE = ("The person asking may comment but not change the text: answer in the chat "
                  "or leave comments with comment_canvas (with a suggestion where you propose "
                  "wording). Do not edit or rewrite the canvas.")


def asks_to_shrink(request: str) -> bool:
    lowered = request.lower()
    return any(word in lowered for word in SHRINK_WORDS)


def build_messages(*, kind: str, language: str, text: str, request: str,
                   selection: str | None, window: tuple[int, int],
                   history: list[dict], extra_instructions: str = "",
                   system_prompt: str = SYSTEM_PROMPT) -> list[dict]:
    """The chat messages for one turn; ``window`` is what ``canvas_window`` chose;
    ``system_prompt`` is the variant's (variants.py)."""
    start, end = window
    context = ["<canvas>", text[start:end], "</canvas>"]
    if (start, end) != (0, len(text)):
        context.insert(0, f"The canvas has {len(text)} characters; you see characters "
                          f"{start} to {end}. Edit only text you can see; a rewrite replaces "
                          "only what you see.")
    if selection:
        context += ["The person selected this text; change only inside it:",
                    "<selection>", selection, "</selection>"]
    if extra_instructions:
        context.append(extra_instructions)
    messages = [{"role": "system", "content": system_prompt.format(kind=kind,
                                                                   language=language)}]
    messages += history[-HISTORY_MESSAGES:]
    messages.append({"role": "user", "content": "\n".join(context) + "\n\n" + request})
    return messages
