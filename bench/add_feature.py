"""Benchmark ``fastapi-gen add-feature`` and the test suite of a project with ten features.

Wall-clock medians of fresh processes, as a user meets them. A default project (SQLite, auth)
is rendered once, outside the timings, and copied for every run, so each run adds to a project
that has never seen the feature. The ten-feature project mixes every field type and modifier
and a reference chain (customers <- orders <- order-items); its tests run with this
environment's Python, which must hold the project's dependencies (the ``dev`` extra does).
Not a test: run ``python bench/add_feature.py [--repeat N]``. Targets (issue 3): add-feature
under 1 s, the ten-feature suite under 30 s.
"""

import argparse
import shutil
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path

from cli import Timing, console_script, measure, measure_pytest, print_table, run

ORDERS = ["orders", "title:str:120", "total:decimal:10:2", "status:enum:pending:paid"]

TEN_FEATURES = [
    [
        "customers",
        "name:str:120:index",
        "email:str:unique",
        "tier:enum:basic:gold:default=basic",
        "vip:bool:default=false",
        "notes:text:optional",
    ],
    [
        "orders",
        "title:str:80",
        "total:decimal:10:2",
        "status:enum:pending:paid:shipped:default=pending",
        "placed_on:date:optional",
        "customer:ref:customers",
    ],
    ["order-items", "quantity:int:default=1", "price:decimal:8:2", "order:ref:orders"],
    ["products", "sku:str:40:unique", "name:str", "weight:float:optional", "extra:json:optional"],
    ["categories", "name:str:60:unique", "description:text:optional"],
    ["reviews", "rating:int", "body:text:optional", "product:ref:products:optional"],
    ["people", "full_name:str", "born_on:date:optional", "badge:uuid:unique:index"],
    ["events", "title:str", "starts_at:datetime", "ends_at:datetime:optional"],
    ["invoices", "number:str:20:unique", "amount:decimal", "issued_on:date", "paid:bool"],
    ["tags", "label:str:40:unique", "author:ref:users:optional", "--public"],
]


def measure_each(
    label: str, repeat: int, prepare: Callable[[int], Path], once: Callable[[Path], object]
) -> Timing:
    """Time `once` on what `prepare` returns for each run; `prepare` is not timed."""
    seconds: list[float] = []
    for number in range(repeat):
        target = prepare(number)
        seconds += measure(label, 1, partial(once, target)).seconds
    return Timing(label, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (default 5)")
    repeat = parser.parse_args().repeat
    command = console_script()
    timings: list[Timing] = []

    with tempfile.TemporaryDirectory(prefix="fastapi-gen-bench-") as tmp:
        work = Path(tmp)
        run([command, "new", "fresh", "--output", work, "--no-git"])
        fresh = work / "fresh"

        def copy_of_fresh(number: int) -> Path:
            copy = work / f"add{number}"
            shutil.copytree(fresh, copy)
            return copy

        def with_orders(number: int) -> Path:
            copy = work / f"remove{number}"
            shutil.copytree(fresh, copy)
            run([command, "add-feature", *ORDERS], cwd=copy)
            return copy

        timings.append(
            measure_each(
                "fastapi-gen add-feature orders (3 fields)",
                repeat,
                copy_of_fresh,
                lambda project: run([command, "add-feature", *ORDERS], cwd=project),
            )
        )
        timings.append(
            measure_each(
                "fastapi-gen remove-feature orders",
                repeat,
                with_orders,
                lambda project: run([command, "remove-feature", "orders"], cwd=project),
            )
        )

        ten = work / "ten"
        shutil.copytree(fresh, ten)
        timings.append(
            measure(
                "the 10 add-feature commands, in sequence",
                1,
                lambda: [
                    run([command, "add-feature", *feature], cwd=ten) for feature in TEN_FEATURES
                ],
            )
        )
        suite, tests = measure_pytest("pytest of the project with 10 features", repeat, ten)
        timings.append(suite)

    print_table(timings)
    if tests:
        per_test = timings[-1].median / tests * 1000
        print(f"\nThe ten-feature project runs {tests} tests: {per_test:.1f} ms per test.")


if __name__ == "__main__":
    main()
