"""The template's answers: the options copier.yml declares, checked by copier.yml's own rules.

An option such as ``api_prefix`` is declared once, in copier.yml, with its validator. `new`
hands the answer to Copier, which runs that validator; plain `copier copy` asks and runs it
too; `add-feature` and `update` read the recorded answer back and check it here with the same
validator, rendered from copier.yml, so no rule is copied by hand. Cheap to import: no Copier.
"""

import re
from collections.abc import Mapping
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from generator.core.errors import BrokenProject
from generator.core.files import read_text

ANSWERS_FILE = ".copier-answers.yml"
"""Written into every rendered project (``_answers_file`` in copier.yml); marks a project root."""
VERSION_KEY = "_fastapi_gen_version"
"""The answers file's record of the generator that rendered the project, for `update`."""


class Database(StrEnum):
    """The databases the template supports; the values are copier.yml's ``database`` choices."""

    sqlite = "sqlite"
    postgresql = "postgresql"


def read_answers(root: Path) -> dict[str, Any]:
    """Every answer the project was rendered with, as Copier recorded them."""
    import yaml

    text = read_text(root / ANSWERS_FILE, root)
    try:
        answers = yaml.safe_load(text)
    except yaml.YAMLError as error:
        problem = " ".join(str(error).split())
        raise BrokenProject(
            f"Cannot read {ANSWERS_FILE}: it is not valid YAML ({problem})."
        ) from None
    if not isinstance(answers, dict):
        raise BrokenProject(f"{ANSWERS_FILE} does not hold the project's answers.")
    return answers


@cache
def _questions() -> Mapping[str, Any]:
    import yaml

    from generator.render.template import template_root

    text = (template_root() / "copier.yml").read_text(encoding="utf-8")
    # libyaml's loader where PyYAML has it: our own file, read on every add-feature.
    loaded = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    return loaded if isinstance(loaded, dict) else {}


def _regex_search(value: object, pattern: str) -> str | None:
    """copier.yml's ``regex_search`` filter (Copier's, from jinja2-ansible-filters)."""
    found = re.search(pattern, str(value))
    return found.group(0) if found else None


def option_problem(name: str, answers: Mapping[str, Any]) -> str | None:
    """What copier.yml's validator of ``name`` says of ``answers[name]``; None when it is fine."""
    question = _questions().get(name)
    validator = question.get("validator") if isinstance(question, dict) else None
    if not validator:
        return None
    import jinja2

    environment = jinja2.Environment(autoescape=False)
    environment.filters["regex_search"] = _regex_search
    message = environment.from_string(validator).render(**answers).strip()
    return message or None


def render_answers(
    staging: Path, data: Mapping[str, Any], *, interactive: bool = False
) -> Mapping[str, Any]:
    """Render the installed template with these answers; `update` renders with recorded ones."""
    from copier.errors import CopierAnswersInterrupt, CopierError, InteractiveSessionError

    from generator.core.errors import InvalidInput, OperationFailed
    from generator.render import copying

    try:
        worker = copying.run_copy(dst_path=staging, data=dict(data), defaults=not interactive)
    except InteractiveSessionError as exc:
        raise InvalidInput(
            "--interactive needs a terminal; give the answers as options instead."
        ) from exc
    except CopierAnswersInterrupt as exc:
        raise OperationFailed("Cancelled; nothing was created.") from exc
    except CopierError as exc:
        raise OperationFailed(f"The template failed: {_one_line(exc)}") from exc
    except ValueError as exc:
        # Copier's bare ValueError: a validator refused an answer, or a question with no default
        # went unanswered under defaults=True.
        raise InvalidInput(f"{_one_line(exc)} (--interactive asks every question).") from exc
    except OSError as exc:
        raise OperationFailed(f"Could not write the project: {exc}") from exc
    _record_version(staging / ANSWERS_FILE)
    return worker.answers.combined


def _record_version(answers_file: Path) -> None:
    """Record the generator version that rendered the project, in place of the template's path.

    Copier records where it read the template (``_src_path``): here the installed package or a
    temporary snapshot, a path of this machine that means nothing on another. `update` needs
    the generator's version instead, which it compares with the installed one.
    """
    import json

    import generator

    text = answers_file.read_text(encoding="utf-8")
    version = f"{VERSION_KEY}: {json.dumps(generator.__version__)}"
    text = re.sub(r"(?m)^_src_path: .*$", version, text)
    answers_file.write_text(text, encoding="utf-8")


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())
