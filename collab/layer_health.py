"""Whether this process's channel layer works, said once when it stops and once when it is
back, instead of a traceback for every send and every listener.

A 5-second Redis outage in the stress test logged about 1,700 warnings with tracebacks
(each replica's sends and listeners, every retry); the log poll heals what the layer
loses meanwhile, so one line for the outage and one for the recovery say all there is.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)


class LayerHealth:
    def __init__(self) -> None:
        self.down = False
        self.failures = 0

    def failed(self, what: str, room: str) -> None:
        """Call from an ``except`` block: ``what`` on the layer failed for ``room``."""
        self.failures += 1
        if self.down:
            logger.debug("channel layer %s failed for %s", what, room, exc_info=True)
            return
        self.down = True
        logger.warning("channel layer %s failed for %s; further failures are not logged "
                       "until it works again", what, room, exc_info=True)

    def worked(self) -> None:
        if self.down:
            self.down = False
            logger.warning("channel layer works again, after %d failures", self.failures)
            self.failures = 0


#: This process's (one channel layer per process).
health = LayerHealth()
