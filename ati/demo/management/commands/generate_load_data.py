"""Fill the database with national-scale data for benchmarks (see ati/demo/loadgen.py).

manage.py generate_load_data --bodies 500 --requests 1000000 --documents 100000
manage.py generate_load_data --quick     # one tenth
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from ati.demo.loadgen import Plan, generate


class Command(BaseCommand):
    help = "Fill the database with realistic data at national scale (bulk inserts)."

    def add_arguments(self, parser: CommandParser) -> None:
        full = Plan()
        parser.add_argument("--bodies", type=int, default=None, help=f"default {full.bodies}")
        parser.add_argument("--requests", type=int, default=None, help=f"default {full.requests}")
        parser.add_argument("--documents", type=int, default=None, help=f"default {full.documents}")
        parser.add_argument("--quick", action="store_true", help="one tenth of the default scale")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None)
        parser.add_argument("--seed", type=int, default=3113)

    def handle(self, *args: Any, **opts: Any) -> None:
        plan = Plan.quick() if opts["quick"] else Plan()
        for name in ("bodies", "requests", "documents"):
            if opts[name] is not None:
                setattr(plan, name, opts[name])
        if opts["today"]:
            plan.today = opts["today"]
        plan.seed = opts["seed"]
        started = time.perf_counter()
        report = generate(plan, log=lambda line: self.stdout.write(line), progress=True)
        for key, value in sorted(report.counts.items()):
            self.stdout.write(f"  {key}: {value:,}")
        self.stdout.write(self.style.SUCCESS(f"generated in {time.perf_counter() - started:.1f} s"))
