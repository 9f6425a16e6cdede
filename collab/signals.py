"""Extension points of the sync server, for the rest of the app to hook into."""

from django.dispatch import Signal

#: People stopped editing a canvas for a while, or everyone left it. Sent from a thread
#: (it may touch the database) with ``canvas_id``, ``text`` and ``user_id`` (the last editor).
editing_paused = Signal()

#: Updates of a room were appended to the log, inside the appending transaction (sent
#: with ``room``): the app may mark the room as changed.
updates_appended = Signal()
