"""Run hand-written mutants: apply one edit, run the tests named for it, put the file back.

Used by tests/walk_mutants.py (area checks, against the URL walk) and tests/rule_mutants.py (each
rule in its one home). CAUGHT means a test failed with the edit in place.
"""

from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from collections.abc import Iterable


def run(mutants: Iterable[tuple[str, str, str, str, list[str]]]) -> None:
    """Each mutant is (label, file, text, mutated text, pytest arguments); the command line's words
    choose mutants by a part of their label."""
    only = sys.argv[1:]
    for label, path, old, new, tests in mutants:
        if only and not any(o in label for o in only):
            continue
        p = pathlib.Path(path)
        src = p.read_text()
        assert old in src, label
        p.write_text(src.replace(old, new, 1))
        try:
            command = [".venv/bin/pytest", "-q", "-x", "-p", "no:cacheprovider", *tests]
            r = subprocess.run(command, capture_output=True, text=True, env=os.environ)
            last = r.stdout.strip().splitlines()[-1] if r.stdout.strip() else r.stderr.strip()[-200:]
            print(f"{'CAUGHT' if r.returncode else 'MISSED'}  {label}: {last}", flush=True)
        finally:
            p.write_text(src)
