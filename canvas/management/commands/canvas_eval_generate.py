"""``manage.py canvas_eval_generate SEED... --count N --out DIR``: derive eval cases from
seed documents by mutation (canvas/evals/generate.py) and write them as one YAML file."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from canvas.evals.cases import dump_cases, load_cases
from canvas.evals.generate import MUTATIONS, generate


class Command(BaseCommand):
    help = "Generate eval cases from seed documents (typos, duplicates, CRLF, NFD, padding, …)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("seeds", nargs="*", help="seed files (.md .py .js .jsx .html); "
                            "default: evals/seeds/*")
        parser.add_argument("--count", type=int, default=60)
        parser.add_argument("--seed", type=int, default=0, help="random seed (same → same)")
        parser.add_argument("--mutation", action="append", choices=sorted(MUTATIONS),
                            help="only these mutations (repeatable)")
        parser.add_argument("--out", default=str(Path(settings.BASE_DIR) / "evals" /
                                                 "generated"))

    def handle(self, *args, **options) -> None:
        seeds = [Path(s) for s in options["seeds"]] or sorted(
            (Path(settings.BASE_DIR) / "evals" / "seeds").glob("*.*"))
        missing = [str(s) for s in seeds if not s.is_file()]
        if missing or not seeds:
            raise CommandError(f"no such seed file: {', '.join(missing) or 'none given'}")
        cases = generate(seeds, options["count"], options["seed"], options["mutation"])
        path = Path(options["out"]) / f"generated-{options['seed']}.yaml"
        dump_cases(cases, path)
        load_cases(path)  # what was written reads back as valid cases
        self.stdout.write(f"{len(cases)} cases in {path}")
