"""Soak and faults (issue #14): many people typing for minutes on the production stack.

The clean soak must end with no error, no divergence, no lost character, flat server
memory; the faulted one must, after each fault, converge with every character any client
typed. Both print their figures in the stress summary (tests/stress/report.py).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bench._harness import machine_busy_seconds
from tests.fakes.openai_server import FakeOpenAI
from tests.stress import report
from tests.stress.soak import Soak, model_answer, progress, setting
from tests.stress.stack import Stack

pytestmark = [pytest.mark.stress, pytest.mark.django_db(transaction=True),
              pytest.mark.timeout(0)]

MIB = 2**20
#: Memory is "flat" when no server process grew more than this over the second half.
FLAT_GROWTH = 32 * MIB


@pytest.fixture
def soak(stress_services, request) -> Iterator[Soak]:
    postgres, redis = stress_services
    # Kept after the run (pytest's tmp_path is rotated away by later runs).
    tmp_path = Path(tempfile.mkdtemp(prefix=f"canvas-stress-{request.node.name}-"))
    with FakeOpenAI() as model:
        model.responder = model_answer
        stack = Stack(tmp_path, postgres, redis, model).start()
        runner = Soak(stack, int(setting("STRESS_CANVASES", 20)),
                      int(setting("STRESS_EDITORS", 10)), setting("STRESS_RATE", 5),
                      int(setting("STRESS_GENERATORS", 2)))
        try:
            yield runner
        finally:
            runner.close()
            stack.stop()
            progress(f"logs of this run: {tmp_path}")


def size(soak: Soak) -> str:
    return f"{soak.n_canvases}x{soak.n_editors} @{soak.rate:g}/s"


def test_soak(soak: Soak) -> None:
    minutes = setting("STRESS_MINUTES", 10)
    soak.connect()
    soak.stack.log_problems()  # start-up noise is not the soak's
    rss_start = soak.stack.rss()
    cpu_before, gen_before = soak.stack.cpu_seconds(), soak.generator_cpu()
    machine_before = machine_busy_seconds()
    progress(f"soak: {size(soak)} for {minutes:g} min")
    started = time.monotonic()
    soak.type_for(minutes * 60)
    elapsed = time.monotonic() - started
    server_cpu = soak.stack.cpu_seconds() - cpu_before
    generator_cpu = soak.generator_cpu() - gen_before
    rest_cpu = machine_busy_seconds() - machine_before - server_cpu - generator_cpu
    soak.wait_for_turns()
    result = soak.converge()
    stats = soak.stats()  # after convergence: what is still unfinished never arrived
    rss_end = soak.stack.rss()
    outcomes, posts = soak.turn_outcomes(), soak.post_statuses()
    problems = soak.stack.log_problems()
    missing = soak.missing_markers(result.texts)

    # Memory: start, peak and end of each server process; growth over the second half.
    half = [rss for t, rss in soak.rss_samples if t >= started + elapsed / 2][:1] or [rss_start]
    memory, growth = [], {}
    for name in rss_start:
        peak = max([rss.get(name, 0) for _, rss in soak.rss_samples] + [rss_end.get(name, 0)])
        memory.append(f"{name} {rss_start[name] / MIB:.0f}/{peak / MIB:.0f}/"
                      f"{rss_end.get(name, 0) / MIB:.0f}")
        growth[name] = rss_end.get(name, 0) - half[0].get(name, 0)
    errors = (sum(stats["counters"].values()) + stats["unfinished"] + len(problems)
              + sum(n for status, n in posts.items() if status != 200)
              + sum(n for outcome, n in outcomes.items() if outcome != "done/edit")
              + len(missing))
    flat = all(g <= FLAT_GROWTH for g in growth.values())
    ok = result.ok and errors == 0 and flat and not result.diverged

    report.add(f"soak {size(soak)}, {minutes:g} min", ok,
               f"{stats['typed']:,} keys, lost {result.lost}, diverged "
               f"{len(result.diverged)}, errors {errors}; p50/p99/max "
               f"{stats['p50']:.0f}/{stats['p99']:.0f}/{stats['max']:.0f} ms")
    report.add("  turns (1/canvas/min)", not missing and set(outcomes) <= {"done/edit"},
               f"{sum(outcomes.values())} turns: {dict(outcomes)}; posts {dict(posts)}")
    report.add("  RSS MiB start/peak/end", flat,
               ", ".join(memory) + "; 2nd-half growth max "
               f"{max(growth.values(), default=0) / MIB:+.1f}")
    report.add("  CPU (2 cores)", True,
               f"servers {server_cpu / elapsed * 100:.0f}%, load generator "
               f"{generator_cpu / elapsed * 100:.0f}%, rest of the machine (PostgreSQL, "
               f"Redis, this test, other work) {rest_cpu / elapsed * 100:.0f}% (100% = a "
               f"core); typing lag p99 {stats['send_lag_p99']:.0f} ms")
    progress(f"soak done: {stats['counters']}, codes {dict(stats['close_codes'])}, "
             f"problems {problems[:5]}, missing {missing[:5]}")
    assert result.ok, f"diverged {result.diverged[:3]}, lost {result.lost}"
    assert errors == 0, (f"client counters {stats['counters']}, unfinished "
                         f"{stats['unfinished']}, posts {posts}, turns {outcomes}, missing "
                         f"{missing[:5]}, log {problems[:5]}")
    assert flat, f"server memory grew in the second half: {growth}"


def kill_worker_mid_turn(soak: Soak) -> str:
    """Kill the worker while it streams a turn; that turn must end failed, saying so."""
    from canvas.models import Message

    marker = soak.ask_assistant(soak.canvases[0], prefix="S")
    deadline = time.monotonic() + 30
    while not Message.objects.filter(reply_to__text=f"Add marker {marker}",
                                     started__isnull=False).exists():
        assert time.monotonic() < deadline, "the slow turn never started"
        time.sleep(0.1)
    soak.stack.kill_worker()
    return marker


FAULTS = [
    ("kill -9 ASGI process 1", lambda soak: soak.stack.kill_asgi(0)),
    ("kill -9 Celery worker mid-turn", kill_worker_mid_turn),
    ("kill -9 Redis", lambda soak: soak.stack.kill_redis()),
    ("PostgreSQL down (pg_ctl stop -m fast)", lambda soak: soak.stack.postgres_outage()),
]
#: Seconds of typing after a service is back that still count as "during" the fault.
SETTLE = 10.0


def test_faults_during_the_soak(soak: Soak) -> None:
    from django.db import connections

    from canvas.models import Message

    typing = setting("STRESS_FAULT_TYPING", 30)  # seconds typed after each recovery
    soak.connect()
    progress(f"faults: {size(soak)}")
    soak.type_for(typing)
    before = soak.stats(reset=True)
    baseline = soak.converge()
    report.add(f"faults {size(soak)}: before", baseline.ok,
               f"converged in {baseline.seconds:.1f} s; p99 {before['p99']:.0f} ms")
    failures, interrupted = [], None
    for name, fault in FAULTS:
        progress(f"fault: {name}")
        soak.load.ask("type")
        time.sleep(3)
        soak.stats(reset=True)
        started = time.monotonic()
        marker = fault(soak)
        interrupted = marker or interrupted
        connections.close_all()  # the test's own connection may have been cut
        back = time.monotonic() - started
        soak.type_for(SETTLE, pause=False)
        during = soak.stats(reset=True)
        soak.type_for(typing)
        after = soak.stats(reset=True)
        soak.wait_for_turns(timeout=60)
        result = soak.converge()
        c = during["counters"]
        if not result.ok:
            failures.append(f"{name}: diverged {result.diverged[:3]}, lost {result.lost}, "
                            f"doubled markers {result.doubled_markers}")
        report.add(f"  {name}", result.ok,
                   f"back after {back:.0f} s; converged {result.seconds:.1f} s after typing "
                   f"stopped, lost {result.lost}; drops {c['disconnects']}, refused "
                   f"{c['connect_failures']}, close codes {dict(during['close_codes'])}; "
                   f"p99 during/after {during['p99']:.0f}/"
                   f"{after['p99']:.0f} ms")
        soak.stack.log_problems()
    outcomes, posts = soak.turn_outcomes(), soak.post_statuses()
    stuck = sum(n for outcome, n in outcomes.items() if outcome.startswith("streaming"))
    killed = Message.objects.filter(reply_to__text=f"Add marker {interrupted}").first()
    said = killed is not None and killed.status == "failed" and "interrupted" in killed.error
    report.add("  turns during faults", stuck == 0 and said,
               f"{dict(outcomes)}; posts {dict(posts)}; killed turn: "
               f"{killed.status if killed else '?'} {killed.error[:40] if killed else ''!r}")
    assert not failures, failures
    assert stuck == 0, f"turns left streaming: {outcomes}"
    assert said, "the turn whose worker was killed must end failed, saying it was interrupted"
