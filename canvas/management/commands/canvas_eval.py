"""``manage.py canvas_eval``: run the eval cases through the real turn pipeline against a
model (or a replay of one) on a throw-away database, and write a Markdown and a JSON report.

    manage.py canvas_eval --base-url http://localhost:11434/v1 --model qwen2.5-coder
    manage.py canvas_eval --replay evals/recordings/reference --report /tmp/r
    manage.py canvas_eval --compare evals/reports/eval-….json --prompt-variant v2
"""

from __future__ import annotations

import sys
from contextlib import ExitStack
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from canvas.assistant.variants import VARIANTS
from canvas.evals import database, report
from canvas.evals.cases import CaseError, load_cases
from canvas.evals.replay import Recordings, ScriptedModel, reference_answers
from canvas.evals.run import CaseRun, Endpoint, run_cases


class Command(BaseCommand):
    help = "Evaluate a model's judgement on the eval cases; write Markdown and JSON reports."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--cases", default=str(Path(settings.BASE_DIR) / "evals" / "cases"),
                            help="a directory of case files (YAML), or one file")
        parser.add_argument("--model", default=None, help="model name (default CANVAS_MODEL)")
        parser.add_argument("--base-url", default=None,
                            help="OpenAI-compatible endpoint (default OPENAI_BASE_URL)")
        parser.add_argument("--repeat", type=int, default=1, help="runs per case")
        parser.add_argument("--only", default=None, help="a tag, case id or id prefix")
        parser.add_argument("--report", default=str(settings.CANVAS_EVAL_REPORTS),
                            help="where to write the reports")
        parser.add_argument("--record", default=None,
                            help="save every model answer in this directory")
        source = parser.add_mutually_exclusive_group()
        source.add_argument("--replay", default=None,
                            help="answer with the answers recorded in this directory "
                                 "(offline, through the fake OpenAI-compatible server)")
        source.add_argument("--reference", action="store_true",
                            help="answer with the cases' reference answers (checks the cases)")
        parser.add_argument("--compare", default=None, help="an earlier JSON report")
        parser.add_argument("--prompt-variant", default=settings.CANVAS_PROMPT_VARIANT,
                            choices=sorted(VARIANTS), help="the prompt and tool schemas")
        parser.add_argument("--label", default="", help="name of this run in the report")
        parser.add_argument("--keep-database", action="store_true",
                            help=("run in the configured database instead of a throw-away "
                                  "one (tests)"))

    def handle(self, *args, **options) -> None:
        try:
            cases = load_cases(options["cases"], options["only"])
        except (CaseError, OSError) as exc:
            raise CommandError(str(exc)) from exc
        if not cases:
            raise CommandError("no cases match")
        if options["record"] and options["replay"]:
            raise CommandError("--record and --replay exclude each other")
        if options["repeat"] < 1:
            raise CommandError("--repeat must be at least 1")
        old = report.load(options["compare"]) if options["compare"] else None
        with ExitStack() as stack:
            endpoint, mode = self._endpoint(options, stack)
            recordings = Recordings(options["record"]) if options["record"] else None

            def on_run(run: CaseRun) -> None:
                if recordings is not None:
                    recordings.save(run, endpoint.model, options["prompt_variant"])

            if not options["keep_database"]:
                stack.enter_context(database.throwaway_database())
            runs = run_cases(cases, endpoint, repeat=options["repeat"],
                             prompt_variant=options["prompt_variant"], progress=self._progress,
                             on_run=on_run)
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        result = report.build(runs, {
            "model": endpoint.model, "label": options["label"] or endpoint.label,
            "base_url": endpoint.base_url if mode == "live" else mode, "mode": mode,
            "prompt_variant": options["prompt_variant"], "cases": options["cases"],
            "only": options["only"], "repeat": options["repeat"]})
        json_path, md_path = report.write(result, options["report"])
        summary = result["summary"]
        self.stdout.write(f"score {summary['passed']}/{summary['scored']} "
                          f"({summary['score']:.1%}), action accuracy "
                          f"{summary['action_accuracy']:.1%}, must-keep violations "
                          f"{summary['keep_violations']}")
        self.stdout.write(f"reports: {md_path} and {json_path}")
        if old is not None:
            self.stdout.write(report.compare(old, result))

    def _endpoint(self, options: dict, stack: ExitStack) -> tuple[Endpoint, str]:
        if options["replay"] or options["reference"]:
            if options["replay"]:
                directory = Path(options["replay"])
                if not directory.is_dir():
                    raise CommandError(f"no recordings in {directory}")
                answers, mode = Recordings(directory).answers, f"replay of {directory}"
                model = options["model"] or directory.name
            else:
                answers, mode, model = reference_answers, "reference answers", "reference"
            scripted = stack.enter_context(ScriptedModel(answers, model))
            return scripted.endpoint(), mode
        base_url = options["base_url"] or settings.OPENAI_BASE_URL
        api_key = settings.OPENAI_API_KEY
        if not base_url and not api_key:
            raise CommandError("no model: pass --base-url (any OpenAI-compatible server), set "
                               "OPENAI_API_KEY, or --replay DIR")
        model = options["model"] or settings.CANVAS_MODEL
        return Endpoint(base_url or "https://api.openai.com/v1", model,
                        api_key or "not-needed", label=model), "live"

    def _progress(self, done: int, total: int, runs: list[CaseRun]) -> None:
        """One line, rewritten: a bar, the running score, the last case."""
        passed = sum(r.passed for r in runs)
        width = 24
        bar = "#" * (width * done // total) + "." * (width - width * done // total)
        last = runs[-1]
        mark = "ok" if last.passed else ("ERR" if last.harness_error else "FAIL")
        line = (f"[{bar}] {done}/{total}  score {passed}/{done} ({passed / done:.0%})  "
                f"{mark} {last.case.id[:40]:<40}")
        # A terminal rewrites one line; a log gets one line per run.
        sys.stderr.write(f"\r{line}" if sys.stderr.isatty() else f"{line.rstrip()}\n")
        sys.stderr.flush()
