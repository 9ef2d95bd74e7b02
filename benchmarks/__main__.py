"""Run the benchmarks, each in its own process so that memory and timings never mix.

    python -m benchmarks                 every benchmarks/*_bench.py that defines main()
    python -m benchmarks engine [ARGS]   one of them (ARGS go to it), e.g. --quick
    python -m benchmarks --list          their names

A benchmark that crashes is reported and the others still run; the exit status is 1 if
any crashed, 2 for an unknown name, else 0 (timings never fail a run).
"""
from __future__ import annotations

import ast
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
# Runs `main()` of the module named in argv[1] with the remaining arguments as its argv.
_RUNNER = ("import importlib, sys; name = sys.argv[1]; sys.argv = [name, *sys.argv[2:]]; "
           "code = importlib.import_module(name).main(); sys.exit(code if isinstance(code, int) else 0)")


def discover() -> dict[str, str]:
    """Benchmark name ("engine") -> module ("benchmarks.engine_bench"), for every
    *_bench.py defining a top-level main(); read without importing (imports are heavy)."""
    found = {}
    for path in sorted(HERE.glob("*_bench.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        if any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == "main" for n in tree.body):
            found[path.stem.removesuffix("_bench")] = f"{HERE.name}.{path.stem}"
    return found


def run_one(name: str, module: str, args: list[str]) -> int:
    print(f"=== {name} ({module}) ===", flush=True)
    started = time.perf_counter()
    code = subprocess.call([sys.executable, "-c", _RUNNER, module, *args], cwd=REPO)
    status = "ok" if code == 0 else f"exit {code}"
    print(f"=== {name}: {status} in {time.perf_counter() - started:.1f} s ===\n", flush=True)
    return code


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    benchmarks = discover()
    if argv and argv[0] in ("-h", "--help", "--list"):
        print(__doc__ if argv[0] != "--list" else "\n".join(benchmarks))
        return 0
    if argv:
        name, args = argv[0], argv[1:]
        if name not in benchmarks:
            print(f"unknown benchmark {name!r}; known: {', '.join(benchmarks) or 'none'}", file=sys.stderr)
            return 2
        return 1 if run_one(name, benchmarks[name], args) else 0
    failed = [name for name, module in benchmarks.items() if run_one(name, module, [])]
    if failed:
        print(f"crashed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
