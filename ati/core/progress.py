"""Progress of long work: a bar on a terminal, plain periodic lines otherwise.

Operators run the long commands (`generate_load_data`, `refresh_stats`,
`erase_expired_personal_data`, a calendar change's recomputation) from a
terminal, where tqdm draws a bar, or from cron and Celery, whose logs want one
readable line every `every` seconds rather than a bar's carriage returns.

    with Progress("requests", total=n) as progress:
        for batch in batches:
            ...
            progress.update(len(batch))
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from types import TracebackType
from typing import IO, Any


class Progress:
    def __init__(
        self,
        desc: str,
        total: int | None = None,
        *,
        unit: str = "rows",
        stream: IO[str] | None = None,
        every: float = 10.0,
        enabled: bool = True,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.desc, self.total, self.unit, self.every = desc, total, unit, every
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self.enabled, self.clock = enabled, clock
        self._bar: Any = None
        self._started = self._last = clock()
        if enabled and _is_terminal(self.stream):
            from tqdm import tqdm

            self._bar = tqdm(
                total=total, desc=desc, unit=f" {unit}", file=self.stream, unit_scale=True
            )

    def update(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.update(n)
            return
        now = self.clock()
        if self.enabled and now - self._last >= self.every:
            self._last = now
            self._line()

    def _line(self, final: bool = False) -> None:
        elapsed = self.clock() - self._started
        of = f" of {self.total:,}" if self.total else ""
        pct = f" ({self.done / self.total:.0%})" if self.total else ""
        rate = f", {self.done / elapsed:,.0f}/s" if elapsed > 0 else ""
        state = "done" if final else "…"
        self.stream.write(
            f"{self.desc}: {self.done:,}{of} {self.unit}{pct} in {elapsed:.0f} s{rate} {state}\n"
        )
        self.stream.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        elif self.enabled:
            # Short work stays quiet: the closing line only follows periodic ones.
            if self.clock() - self._started >= self.every:
                self._line(final=True)
            self.enabled = False

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


class Silent(Progress):
    """For callers that want no progress at all (tests, services called from code)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__("", enabled=False)
