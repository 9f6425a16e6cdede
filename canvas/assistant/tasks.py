"""Celery tasks of the assistant (``canvas.assistant.tasks.run_turn``)."""

from celery import shared_task

from .turns import TurnRunner


@shared_task(name="canvas.assistant.tasks.run_turn", acks_late=True,
             reject_on_worker_lost=True)
def run_turn(message_id: int) -> None:
    """Run the assistant turn ``message_id`` (an assistant Message in status streaming)."""
    TurnRunner(message_id).run()
