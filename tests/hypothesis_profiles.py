"""Hypothesis profiles: the whole suite's (`make test`, CI) and the edit loop's (`make check`).

Property tests check correctness, not speed (speed lives in bench/): on the
shared 2-core machine a slow example must not fail a test by its deadline,
so neither profile has one. `make check` asks for ``--hypothesis-profile=check``:
a quarter of the examples, enough to catch a broken property while editing;
CI and `make test` run them all.
"""

from __future__ import annotations

from hypothesis import settings

#: Hypothesis's own default number of examples, the whole suite's.
FULL = settings.default.max_examples

settings.register_profile("suite", deadline=None)
settings.register_profile("check", deadline=None, max_examples=FULL // 4)


def examples(full: int) -> int:
    """A test's own number of examples, ``full`` in the whole suite, scaled like
    the default in the loaded profile (so `make check` runs a quarter of them)."""
    return max(10, full * settings.default.max_examples // FULL)
