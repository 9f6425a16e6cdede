"""The model as co-editor: prompts, tools, placing edits, and running a turn."""
