"""A sweep of bad and tricky inputs through the installed `fastapi-gen`, as a user types them.

Each refused input runs the venv's console script in a subprocess, in a copy of one project
rendered once, and must exit 1 or 2 with exactly one line on stderr, no traceback, and every
file as it was. Interrupts are sent at chosen moments of `new`, `add-feature` and
`remove-feature` (by an audit hook that signals the process at its Nth file operation) and
must leave the tree as it was, or, once the change is made, complete. The accepted tricky
inputs all go into one project, whose own checks (ruff, mypy --strict, pytest, alembic) run
once at the end.
"""

import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.feature_support import Snapshot, snapshot

BIN = Path(sys.executable).parent
CLI = BIN / "fastapi-gen"
Arg = str | bytes
Setup = Callable[[Path], None]
"""Breaks the project copy (its root is the argument) before the command runs."""

ORDER = ["add-feature", "orders", "title:str:120"]


@dataclass(frozen=True)
class Case:
    id: str
    args: Sequence[Arg]
    exit_code: int
    says: str = ""
    """A fragment the error line must hold."""
    setup: Setup | None = None
    outside: bool = False
    """Run beside the project rather than inside it (for `new` and --project)."""


def run(
    args: Sequence[Arg], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CLI), *args],
        cwd=cwd,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        capture_output=True,
        text=True,
        errors="replace",
        check=False,
        timeout=120,
    )


def ok(args: Sequence[Arg], cwd: Path) -> str:
    result = run(args, cwd)
    assert result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    assert result.stderr == "", result.stderr
    return result.stdout


# -- Breaking a project ---------------------------------------------------------------------------


def write(relative: str, content: bytes | str) -> Setup:
    def setup(root: Path) -> None:
        path = root / relative
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode() if isinstance(content, str) else content
        path.write_bytes(data)

    return setup


def directory(relative: str) -> Setup:
    def setup(root: Path) -> None:
        path = root / relative
        if path.exists() or path.is_symlink():
            path.unlink()
        path.mkdir(parents=True)
        (path / "inside.txt").write_text("not a file the generator can read\n")

    return setup


def remove(relative: str) -> Setup:
    return lambda root: (root / relative).unlink()


def link(relative: str, target: str) -> Setup:
    def setup(root: Path) -> None:
        path = root / relative
        if path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(target)

    return setup


def answers_with(line: str, replacement: str) -> Setup:
    def setup(root: Path) -> None:
        path = root / ".copier-answers.yml"
        text = path.read_text()
        assert line in text
        path.write_text(text.replace(line, replacement))

    return setup


ANSWERS = ".copier-answers.yml"
MANIFEST = ".fastapi-gen.json"
MODELS = "app/features/customers/models.py"
VERSION = "migrations/versions/0002_customers.py"
NOT_UTF8 = b"caf\xe9 = 1\n"
GOOD_RECORD = '"owned": true, "revision": "0002", "files": {}'


def manifest(features: str) -> Setup:
    return write(MANIFEST, '{"features": ' + features + "}")


# -- The refused inputs ---------------------------------------------------------------------------

NEW: list[Case] = [
    Case("new-empty", ["new", ""], 2, "empty"),
    Case("new-blank", ["new", "   "], 2, "empty"),
    Case("new-digit", ["new", "9lives"], 2, "start with a letter"),
    Case("new-keyword", ["new", "class"], 2, "keyword"),
    Case("new-dot", ["new", "my.api"], 2, "may only contain"),
    Case("new-300", ["new", "a" * 300], 2, "the most is 60"),
    Case("new-61", ["new", "a" * 61], 2, "the most is 60"),
    Case("new-package-26", ["new", "a" * 26], 2, "the most is 25"),
    Case("new-spaced-package", ["new", "My Very Long Api Name Here X"], 2, "the most is 25"),
    Case("new-newline", ["new", "a\nb"], 2, "may only contain"),
    Case("new-accent", ["new", "naïve"], 2, "may only contain"),
    Case("new-slash", ["new", "x/y"], 2, "may only contain"),
    Case("new-parent", ["new", "../escape"], 2, "start with a letter"),
    Case("new-dash", ["new", "-"], 2, "start with a letter"),
    Case("new-not-utf8", ["new", b"caf\xe9"], 2, "may only contain"),
    Case("new-shell", ["new", "$(touch x)"], 2, "start with a letter"),
    Case("new-output-missing", ["new", "shop", "-o", "missing"], 2, "does not exist"),
    Case("new-output-file", ["new", "shop", "-o", "file.txt"], 2, "is not a directory",
         setup=write("../file.txt", "x")),
    Case("new-output-too-long", ["new", "shop", "-o", "d" * 300], 2, "File name too long"),
    Case("new-target-taken", ["new", "shop"], 2, "is not empty", setup=write("../shop/x", "x")),
    Case("new-target-file", ["new", "shop"], 2, "is not a directory", setup=write("../shop", "x")),
    Case("new-target-dangling-link", ["new", "shop"], 2, "is not a directory",
         setup=link("../shop", "nowhere")),
    Case("new-description", ["new", "shop", "--description", "two\nlines"], 2, "single line"),
    Case("new-interactive", ["new", "shop", "--interactive"], 2, "needs a terminal"),
]  # fmt: skip

FEATURE_NAMES: list[Case] = [
    Case(f"name-{label}", ["add-feature", name, "title"], 2, says)
    for label, name, says in [
        ("digit", "9lives", "must start with a letter"),
        ("keyword", "class", "Python keyword"),
        ("users", "users", "taken by the project"),
        ("core", "core", "taken by the project"),
        ("app", "app", "taken by the project"),
        ("tests", "tests_", "taken by the project"),
        ("a", "a", "gives 'as', a Python keyword"),
        ("i", "i", "gives 'is', a Python keyword"),
        ("l", "l", "E741"),
        ("ls", "ls", "E741"),
        ("o", "o", "E742"),
        ("strs", "strs", "gives 'str'"),
        ("types", "types", "gives 'type'"),
        ("class-name", "AsyncSession", "would define a class AsyncSession"),
        ("roles", "roles", "would define a class Role"),
        ("auth-table", "refresh-tokens", "would create a table the project already has"),
        ("61", "a" * 61, "longer than 60 characters"),
        ("too-long-a-line", "a" * 25, "would generate a line of"),
        ("dot", "my.feature", "is not a valid name"),
        ("empty", "", "is not a valid name"),
        ("space", "x y", "is not a valid name"),
        ("accent", "naïve", "is not a valid name"),
        ("newline", "a\nb", "is not a valid name"),
        ("exists", "customers", "already exists"),
        ("exists-singular", "customer", "already exists"),
        ("exists-pascal", "Customers", "already exists"),
    ]
] + [
    Case("name-not-utf8", ["add-feature", b"caf\xe9", "title"], 2, "is not a valid name"),
    Case("name-identifier", ["add-feature", "b" * 30, "c" * 30 + ":index"], 2,
         "would need the database name 'ix_"),
    Case("name-fk-identifier", ["add-feature", "orders", "r" * 45 + ":ref:customers"], 2,
         "would need the database name 'fk_orders_"),
    Case("name-no-fields", ["add-feature", "orders"], 2, "at least one field"),
    Case("name-hand-made", ["add-feature", "widgets", "title"], 2, "already exists",
         setup=write("app/features/widgets/__init__.py", "")),
]  # fmt: skip

BAD_FIELDS = [
    ("x:bogus", "unknown type 'bogus'"),
    ("id:int", "'id' is already used"),
    ("metadata:json", "already used"),
    ("model_x:str", "already used"),
    ("mro:str", "already used"),
    ("l:str", "E741"),
    ("a" * 61, "longer than 60 characters"),
    ("Title:str", "snake_case"),
    ("a\tb", "control characters"),
    ("total:decimal:2:5", "scale cannot be larger"),
    ("d:decimal:16:2", "the precision is at most 15"),
    ("d:decimal:5:2:default=1234.5", "does not fit decimal(5, 2)"),
    ("d:decimal:5:0:default=1e5", "does not fit decimal(5, 0)"),
    ("d:decimal:3:3:default=1", "does not fit decimal(3, 3)"),
    ("d:decimal:4:2:default=1.234", "does not fit"),
    ("d:decimal:default=nan", "not a finite number"),
    ("status:enum", "enum needs its values"),
    ("e:enum:a:b:default=c", "is not one of a, b"),
    ("e:enum:a:b:unique", "cannot be unique"),
    ("e:enum:draft:optional:final", "comma list"),
    ("e:enum:a,b:c", "not both"),
    ("e:enum:a,,b", "must be snake_case"),
    ("e:enum:A,B", "must be snake_case"),
    ("n:int:default=five", "not a valid int"),
    ("n:int:default=2147483648", "between -2147483648 and 2147483647"),
    ("n:int:default=-2147483649", "between -2147483648 and 2147483647"),
    ("n:int:default=99999999999999999999", "between -2147483648 and 2147483647"),
    ("n:int:default=5:optional", "put it last"),
    ("n:int:optional:optional", "given twice"),
    ("f:float:default=nan", "not a finite number"),
    ("f:float:default=inf", "not a finite number"),
    ("f:float:default=1e400", "not a finite number"),
    ("t:str:0", "positive whole number"),
    ("t:str:\u00b2", "positive whole number"),
    ("t:str:10485761", "the length is at most 10485760"),
    ("t:str:1:2", "str takes one argument"),
    ("s:str:3:default=abcd", "longer than 3 characters"),
    ("s:str:601:unique", "cannot be unique or indexed"),
    ("s:str:1000:index", "cannot be unique or indexed"),
    ("long_default:str:120:default=" + "y" * 110, "would generate a line of"),
    ("b:bool:default=yes", "'true' or 'false'"),
    ("b:bool:unique", "cannot be unique"),
    ("j:json:index", "cannot be indexed"),
    ("j:json:unique", "cannot be unique"),
    ("j:json:default=x", "cannot have a default"),
    ("t:text:index", "cannot be indexed"),
    ("t:text:unique", "cannot be unique"),
    ("w:datetime:default=2024-01-01T00:00:00", "needs a timezone"),
    ("w:datetime:default=0001-01-01T00:00:00+01:00", "in UTC"),
    ("d:date:default=2024-02-30", "not a valid date"),
    ("u:uuid:default=xyz", "not a valid uuid"),
    ("n:int:wat", "takes no arguments"),
    ("name:str:unique:x", "unknown modifier 'x'"),
    ("r:ref:customers:default=1", "cannot have a default"),
    ("r:ref:nothing", "no feature 'nothing'"),
    ("r_id:ref:customers", "name the reference 'r'"),
    ("r:ref:users:unique", "cannot be unique"),
    ("owner:ref:users", "already used"),
]
FIELDS: list[Case] = [
    Case(f"field-{number:02d}", ["add-feature", "orders", token], 2, says)
    for number, (token, says) in enumerate(BAD_FIELDS)
] + [
    Case("field-not-utf8", ["add-feature", "orders", b"caf\xe9:str"], 2, "not UTF-8"),
    Case("field-twice", ["add-feature", "orders", "n:int", "n:str"], 2, "already used by"),
    Case("field-column-twice", ["add-feature", "orders", "customer:ref:customers",
                                "customer_id:int"], 2, "already used by"),
]  # fmt: skip

BROKEN: list[Case] = [
    # The answers file
    Case("answers-missing", ORDER, 2, "is not inside a fastapi-gen project",
         setup=remove(ANSWERS)),
    Case("answers-directory", ORDER, 1, "it is a directory", setup=directory(ANSWERS)),
    Case("answers-not-utf8", ORDER, 1, "not UTF-8", setup=write(ANSWERS, NOT_UTF8)),
    Case("answers-bad-yaml", ORDER, 1, "not valid YAML", setup=write(ANSWERS, "a: [b")),
    Case("answers-list", ORDER, 1, "does not hold", setup=write(ANSWERS, "- 1\n")),
    Case("answers-empty", ORDER, 1, "does not hold", setup=write(ANSWERS, "")),
    Case("answers-auth-type", ORDER, 1, "'auth' must be true or false",
         setup=answers_with("auth: true", "auth: 'yes'")),
    Case("answers-database", ORDER, 1, "'database' must be",
         setup=answers_with("database: sqlite", "database: mysql")),
    Case("answers-dangling-link", ORDER, 1, "does not exist",
         setup=link(ANSWERS, "nowhere.yml")),
    Case("answers-link-loop", ORDER, 1, "Too many levels of symbolic links",
         setup=link(ANSWERS, ANSWERS)),
    # The manifest
    Case("manifest-not-utf8", ORDER, 1, "not UTF-8", setup=write(MANIFEST, NOT_UTF8)),
    Case("manifest-directory", ORDER, 1, "it is a directory", setup=directory(MANIFEST)),
    Case("manifest-bad-json", ORDER, 1, "not valid JSON", setup=write(MANIFEST, "{not json")),
    Case("manifest-list", ORDER, 1, "no \"features\" object", setup=write(MANIFEST, "[]")),
    Case("manifest-features-list", ORDER, 1, "no \"features\" object", setup=manifest("[]")),
    Case("manifest-record-list", ORDER, 1, "is not an object", setup=manifest('{"customers": []}')),
    Case("manifest-fields-type", ORDER, 1, "not a list of strings",
         setup=manifest('{"customers": {"fields": "name", ' + GOOD_RECORD + "}}")),
    Case("manifest-fields-items", ORDER, 1, "not a list of strings",
         setup=manifest('{"customers": {"fields": [1], ' + GOOD_RECORD + "}}")),
    Case("manifest-owned-type", ORDER, 1, "'owned' of 'customers'",
         setup=manifest('{"customers": {"fields": [], "owned": "yes", "revision": "0002"}}')),
    Case("manifest-revision-type", ORDER, 1, "the revision of 'customers'",
         setup=manifest('{"customers": {"fields": [], "owned": true, "revision": 2}}')),
    Case("manifest-files-type", ORDER, 1, "the files of 'customers'",
         setup=manifest('{"customers": {"fields": [], "owned": true, "revision": "0002", '
                        '"files": []}}')),
    Case("manifest-unknown-key", ORDER, 1, "unknown keys (extra)",
         setup=manifest('{"customers": {"fields": [], ' + GOOD_RECORD + ', "extra": 1}}')),
    Case("manifest-deep", ORDER, 1, "nested too deeply", setup=write(MANIFEST, "[" * 100_000)),
    Case("manifest-dangling-link", ORDER, 1, "does not exist", setup=link(MANIFEST, "nowhere")),
    Case("manifest-escaping-path", ["remove-feature", "customers", "--force"], 1,
         "the files of 'customers'",
         setup=manifest('{"customers": {"fields": [], "owned": true, "revision": "0002", '
                        '"files": {"../outside.txt": "0"}}}')),
    Case("manifest-absolute-path", ["remove-feature", "customers", "--force"], 1,
         "the files of 'customers'",
         setup=manifest('{"customers": {"fields": [], "owned": true, "revision": "0002", '
                        '"files": {"/etc/hostname": "0"}}}')),
    # The models
    Case("models-not-utf8", ORDER, 1, "models.py: it is not UTF-8", setup=write(MODELS, NOT_UTF8)),
    Case("models-directory", ORDER, 1, "models.py: it is a directory", setup=directory(MODELS)),
    Case("models-syntax", ORDER, 1, "invalid Python at line 1", setup=write(MODELS, "class (:\n")),
    Case("models-null-byte", ORDER, 1, "invalid Python", setup=write(MODELS, b"x = 1\0\n")),
    # The migrations
    Case("migration-not-utf8", ORDER, 1, "0002_customers.py: it is not UTF-8",
         setup=write(VERSION, NOT_UTF8)),
    Case("migration-directory", ORDER, 1, "it is a directory",
         setup=directory("migrations/versions/0009_odd.py")),
    Case("migration-syntax", ORDER, 1, "invalid Python", setup=write(VERSION, "revision = (\n")),
    Case("migration-computed-id", ORDER, 1, "not plain strings",
         setup=write(VERSION, "revision = make_id()\n")),
    Case("migration-null-byte", ORDER, 1, "invalid Python", setup=write(VERSION, b"x\0 = 1\n")),
    Case("migration-heads", ORDER, 2, "several heads",
         setup=write("migrations/versions/0009_branch.py",
                     'revision = "0009"\ndown_revision = "0001"\n')),
    # pyproject.toml
    Case("pyproject-missing", ORDER, 1, "pyproject.toml: it does not exist",
         setup=remove("pyproject.toml")),
    Case("pyproject-directory", ORDER, 1, "it is a directory", setup=directory("pyproject.toml")),
    Case("pyproject-not-utf8", ORDER, 1, "not UTF-8", setup=write("pyproject.toml", NOT_UTF8)),
    Case("pyproject-bad-toml", ORDER, 1, "not valid TOML", setup=write("pyproject.toml", "[x")),
    Case("pyproject-line-length", ORDER, 1, "line-length",
         setup=write("pyproject.toml", '[tool.ruff]\nline-length = "long"\n')),
    # A feature's own files, for remove-feature
    Case("remove-models-directory", ["remove-feature", "notes"], 1, "it is a directory",
         setup=directory("app/features/notes/models.py")),
    Case("remove-edited-not-utf8", ["remove-feature", "notes"], 2, "edited since it was added",
         setup=write("app/features/notes/models.py", NOT_UTF8)),
    Case("remove-referenced", ["remove-feature", "customers"], 2, "notes refer to it"),
    Case("remove-not-latest", ["remove-feature", "customers", "--dry-run"], 2,
         "is not the latest"),
    Case("remove-missing", ["remove-feature", "orders"], 2, "There is no feature 'orders'"),
    Case("remove-hand-made", ["remove-feature", "widgets"], 2, "not created by add-feature",
         setup=write("app/features/widgets/__init__.py", "")),
    Case("remove-bad-name", ["remove-feature", "9lives"], 2, "must start with a letter"),
    # Where the files go
    Case("write-file-for-directory", ORDER, 1, "Could not change tests/features/orders/",
         setup=write("tests/features/orders", "")),
    Case("write-test-taken", ORDER, 2, "would overwrite tests/features/orders/test_orders.py",
         setup=write("tests/features/orders/test_orders.py", "")),
    Case("write-versions-file", ORDER, 1, "Could not change migrations/versions/",
         setup=write("migrations/versions", "")),
    # Which project
    Case("project-file", [*ORDER, "--project", "shop/pyproject.toml"], 2, "is not a directory",
         outside=True),
    Case("project-missing", [*ORDER, "--project", "nowhere"], 2, "is not a directory",
         outside=True),
    Case("project-too-long", [*ORDER, "--project", "p" * 300], 2, "File name too long",
         outside=True),
    Case("project-not-a-project", [*ORDER, "--project", "."], 2,
         "is not inside a fastapi-gen project", outside=True),
    Case("project-features-file", ORDER, 2, "is not inside a fastapi-gen project",
         setup=write("app/features", "")),
]  # fmt: skip

REFUSED = NEW + FEATURE_NAMES + FIELDS + BROKEN


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One project made by the installed command, with two features (one refers to the other)."""
    parent = tmp_path_factory.mktemp("pristine")
    ok(["new", "shop", "--no-git"], parent)
    project = parent / "shop"
    ok(["add-feature", "customers", "name:str:120", "email:str:unique"], project)
    ok(["add-feature", "notes", "body:text", "customer:ref:customers"], project)
    return project


def case_tree(pristine: Path, tmp_path: Path) -> tuple[Path, Path]:
    """A private copy: (the directory holding it, the project)."""
    project = tmp_path / "shop"
    shutil.copytree(pristine, project, symlinks=True)
    return tmp_path, project


def assert_one_line_refusal(
    result: subprocess.CompletedProcess[str], exit_code: int, says: str
) -> None:
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output
    assert result.returncode == exit_code, output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("Error: "), lines[0]
    assert says in lines[0], lines[0]
    assert result.stdout == "", result.stdout


@pytest.mark.parametrize("case", REFUSED, ids=[case.id for case in REFUSED])
def test_refused_inputs_change_nothing(pristine: Path, tmp_path: Path, case: Case) -> None:
    parent, project = case_tree(pristine, tmp_path)
    is_new = case.args[0] == "new"
    if is_new:  # `new` runs in an empty directory beside the copy
        parent = tmp_path / "out"
        parent.mkdir()
        project = parent / "unused"
        project.mkdir()
    if case.setup is not None:
        case.setup(project)
    before = snapshot(tmp_path)

    result = run(case.args, parent if case.outside or is_new else project)

    assert_one_line_refusal(result, case.exit_code, case.says)
    assert snapshot(tmp_path) == before


def test_git_missing_is_one_line(tmp_path: Path) -> None:
    result = run(["new", "shop"], tmp_path, env={"PATH": str(tmp_path / "no-bin")})
    assert_one_line_refusal(result, 1, "git is not installed")
    assert list(tmp_path.iterdir()) == []


# -- Interrupts -----------------------------------------------------------------------------------

HOOK = """
import os, signal, sys

_under = os.environ.get("SWEEP_UNDER")
if _under:
    _at = int(os.environ["SWEEP_AT"])
    _signal = getattr(signal, os.environ["SWEEP_SIGNAL"])
    _events = {
        "open", "os.rename", "os.replace", "os.remove", "os.mkdir", "os.rmdir", "os.chmod",
        "os.scandir", "os.listdir", "os.symlink", "shutil.rmtree", "shutil.copyfile",
        "subprocess.Popen",
    }
    _seen = 0

    def _touches(args):
        for arg in args:
            if isinstance(arg, (str, bytes, os.PathLike)):
                if os.fsdecode(arg).startswith(_under):
                    return True
        return False

    def _hook(event, args):
        global _seen
        if event in _events and _touches(args):
            _seen += 1
            if _seen == _at:
                os.kill(os.getpid(), _signal)

    def _report():
        with open(os.environ["SWEEP_COUNT"], "w") as out:
            out.write(str(_seen))

    sys.addaudithook(_hook)
    if os.environ.get("SWEEP_COUNT"):
        import atexit
        atexit.register(_report)
"""

COMMANDS = {
    "new": ["new", "demo", "--no-git"],
    "add-feature": ["add-feature", "orders", "title:str:120", "total:decimal:10:2"],
    "remove-feature": ["remove-feature", "notes"],
}
SIGNALS = ("SIGINT", "SIGTERM", "SIGHUP")
MOMENTS = (0.05, 0.25, 0.45, 0.65, 0.85, 1.0)
"""Where in the command's file operations the signal lands, as a share of all of them. The
last ones fall among the renames that commit the change, where signals are held back: those
runs must complete."""


def interrupted_run(
    command: str, tree: Path, hook: Path, at: int, signal_name: str, count: Path | None = None
) -> subprocess.CompletedProcess[str]:
    workdir = tree / ("out" if command == "new" else "shop")
    env = {
        "PYTHONPATH": str(hook),
        "SWEEP_UNDER": str(tree),
        "SWEEP_AT": str(at),
        "SWEEP_SIGNAL": signal_name,
        "SWEEP_COUNT": str(count or ""),
    }
    return run(COMMANDS[command], workdir, env)


def interrupt_tree(pristine: Path, tmp_path: Path, name: str) -> Path:
    tree = tmp_path / name
    tree.mkdir()
    shutil.copytree(pristine, tree / "shop", symlinks=True)
    (tree / "out").mkdir()
    return tree


_COUNTS: dict[str, tuple[int, Snapshot]] = {}


def uninterrupted(command: str, pristine: Path, tmp_path: Path, hook: Path) -> tuple[int, Snapshot]:
    """How many file operations the command makes when left alone, and the tree it leaves."""
    if command not in _COUNTS:
        tree = interrupt_tree(pristine, tmp_path, "uninterrupted")
        count = tmp_path / "count"
        result = interrupted_run(command, tree, hook, 0, "SIGTERM", count)
        assert result.returncode == 0, result.stdout + result.stderr
        _COUNTS[command] = (int(count.read_text()), snapshot(tree))
    return _COUNTS[command]


@pytest.mark.parametrize("signal_name", SIGNALS)
@pytest.mark.parametrize("command", list(COMMANDS))
def test_interrupts_leave_the_tree_as_it_was(
    pristine: Path, tmp_path: Path, command: str, signal_name: str
) -> None:
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(HOOK)
    operations, after = uninterrupted(command, pristine, tmp_path, hook)
    assert operations > 10

    interrupted = 0
    for moment in MOMENTS:
        tree = interrupt_tree(pristine, tmp_path, f"at-{moment}")
        before = snapshot(tree)
        at = max(1, round(operations * moment))
        result = interrupted_run(command, tree, hook, at, signal_name)
        output = result.stdout + result.stderr
        where = f"{signal_name} at operation {at} of {operations}: "
        assert "Traceback" not in output, where + output
        if result.returncode == 0:  # the signal came once the change was being committed
            assert snapshot(tree).keys() == after.keys(), where
            continue
        assert result.returncode == 1, where + output
        assert result.stderr.splitlines() == [
            f"Error: Interrupted ({signal_name}); nothing was changed."
        ], where + output
        assert snapshot(tree) == before, where
        interrupted += 1
    assert interrupted >= len(MOMENTS) // 2


# -- Accepted tricky inputs -----------------------------------------------------------------------

ACCEPTED: list[list[str]] = [
    ["add-feature", "x", "title"],  # one letter: xes, X
    ["add-feature", "s", "label:str:1"],  # a plural of its own: ses, Se
    ["add-feature", "b", "n:int"],
    ["add-feature", "equipment", "name"],  # singular and plural alike
    ["add-feature", "v2-items", "label:str:1:index"],
    ["add-feature", "OrderItem", "quantity:int:unique:index"],
    ["add-feature", "people", "name:str:600:unique"],  # the longest str that may be unique
    ["add-feature", "ids", "n:int"],
    ["add-feature", "combos", "a_int:int:unique:index", "a_float:float:unique",
     "a_date:date:unique:optional", "a_dt:datetime:unique", "a_uuid:uuid:unique:index",
     "a_dec:decimal:unique", "a_bool:bool:index", "an_enum:enum:p:q:index",
     "a_json:json:optional", "a_text:text:optional:default=hi", "a_str:str:unique:default=x"],
    ["add-feature", "bounds", "top:int:default=2147483647", "bottom:int:default=-2147483648",
     "big:decimal:15:0:default=999999999999999", "tiny:decimal:15:15:default=0.999999999999999",
     "whole:decimal:6:6:default=0.000001",
     "huge:float:default=1e308", "sub:float:default=5e-324",
     "late:datetime:default=9999-12-31T23:59:59+00:00", "early:date:default=0001-01-01",
     "sci:decimal:5:0:default=1e4", "spelled:decimal:5:2:default=1.50",
     "quoted:str:default=it's \"quoted\" \\ back", "wide:str:8:default=日本語",
     "colon:str:default=a:b:c", "empty:str:default=", "huge_text:str:10485760:optional"],
    ["add-feature", "tickets", "kind:enum:optional,unique,index:default=unique",
     "single:enum:index,:optional", "legacy:enum:draft:final:optional"],
    ["add-feature", "orders", "customer:ref:customers", "buyer:ref:customer:optional",
     "reviewer:ref:users:optional:index", "title:str:120"],
    ["add-feature", "Tag", "label:str:40:unique", "author:ref:users:optional", "--public"],
    ["add-feature", "items", "date:date", "datetime:datetime", "decimal:decimal", "any:json",
     "annotated:str", "field:str", "query:str", "session:str", "select:str", "mapped:str"],
    ["add-feature", "abcdefghijklmnopq", "abcdefghijklmnopqrstuvwxyz_abcd:str:unique"],
    ["add-feature", "abcdefghijklmnopqrstuvwx", "label", "--public"],  # the longest public
    ["add-feature", "temps", "title"],
    ["remove-feature", "temps"],
    ["remove-feature", "notes", "--force", "--dry-run"],
]  # fmt: skip


def project_check(project: Path, *command: str, env: dict[str, str]) -> str:
    executable = str(BIN / command[0]) if (BIN / command[0]).exists() else command[0]
    result = subprocess.run(
        [executable, *command[1:]],
        cwd=project,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} failed:\n{output}"
    return output


@pytest.mark.slow
def test_accepted_tricky_inputs_render_a_project_whose_checks_pass(
    pristine: Path, tmp_path: Path
) -> None:
    _, project = case_tree(pristine, tmp_path)
    for args in ACCEPTED:
        ok(args, project)

    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'migrations.db'}",
        "MYPY_CACHE_DIR": str(tmp_path / "mypy-cache"),
    }
    project_check(project, "ruff", "check", "--no-cache", ".", env=env)
    project_check(project, "ruff", "format", "--check", "--no-cache", ".", env=env)
    assert "Success: no issues found" in project_check(project, "mypy", env=env)
    output = project_check(project, "python", "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "-n", "2", env=env)  # fmt: skip
    assert " passed" in output
    assert "skipped" not in output
    assert "failed" not in output
    for command in (("upgrade", "head"), ("downgrade", "base"), ("upgrade", "head")):
        project_check(project, "alembic", *command, env=env)
    assert "No new upgrade operations" in project_check(project, "alembic", "check", env=env)


def test_the_sweep_is_wide() -> None:
    """The issue asks for at least 100 bad or tricky inputs."""
    interrupt_runs = len(COMMANDS) * len(SIGNALS) * len(MOMENTS)
    assert len(REFUSED) + 1 + interrupt_runs + len(ACCEPTED) >= 150
