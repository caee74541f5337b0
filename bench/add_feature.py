"""Benchmark ``fastapi-gen add-feature`` and the test suite of a project with ten features.

Wall-clock medians of fresh processes, as a user meets them. A default project (SQLite, auth)
is rendered once, outside the timings, and copied for every run, so each run adds to a project
that has never seen the feature. The ten-feature project mixes every field type and modifier
and a reference chain (customers <- orders <- order-items); its tests run with this
environment's Python, which must hold the project's dependencies (the ``dev`` extra does).
As in bench/cli.py, rows are quoted beside ``fastapi-gen --help`` measured in the same run,
and ``--baseline CHECKOUT`` times another checkout interleaved with this one.
Not a test: run ``python bench/add_feature.py [--repeat N] [--quick] [--baseline DIR]``.
Targets (issue 3): add-feature under 1 s, the ten-feature suite under 30 s; issue 11: the
three-field add-feature in 0.25 s.
"""

import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

from cli import (
    YARDSTICK,
    Variant,
    arguments,
    compare,
    console_script,
    measure,
    measure_pytest,
    print_table,
    run,
    variants_to_time,
)

ORDERS = ["orders", "total:decimal", "status:enum:pending:paid", "note:str:optional"]

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


def main() -> None:
    options = arguments(__doc__ or "")
    repeat, command = options.repeat, console_script()
    variants = variants_to_time(options.baseline)
    timings = compare(
        YARDSTICK,
        repeat,
        variants,
        lambda variant, _: lambda: run([command, "--help"], env=variant.env),
    )

    with tempfile.TemporaryDirectory(prefix="fastapi-gen-bench-") as tmp:
        work = Path(tmp)
        run([command, "new", "fresh", "--output", work, "--no-lock"])
        fresh = work / "fresh"

        def in_copy(
            kind: str, *line: str, orders: bool = False
        ) -> Callable[[Variant, int], Callable[[], object]]:
            """Run `line` in a new copy of the fresh project (given orders first, if asked)."""

            def setup(variant: Variant, number: int) -> Callable[[], object]:
                copy = work / f"{kind}-{variant.name}-{number}"
                shutil.copytree(fresh, copy, symlinks=True)
                if orders:
                    run([command, "add-feature", *ORDERS], cwd=copy, env=variant.env)
                return lambda: run([command, *line], cwd=copy, env=variant.env)

            return setup

        timings += compare(
            "fastapi-gen add-feature orders (3 fields)",
            repeat,
            variants,
            in_copy("add", "add-feature", *ORDERS),
        )
        timings += compare(
            "fastapi-gen remove-feature orders",
            repeat,
            variants,
            in_copy("remove", "remove-feature", "orders", orders=True),
        )
        tests = 0
        if not options.quick:
            ten = work / "ten"
            shutil.copytree(fresh, ten, symlinks=True)
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
