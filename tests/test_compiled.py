"""Compiled templates are reused, never stale, and a cache that cannot be written is no error."""

from pathlib import Path

import jinja2

from generator.render.compiled import DiskCache, compile_once


def environment(templates: Path, cache: Path, *, trim_blocks: bool = False) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        bytecode_cache=DiskCache(cache),
        autoescape=False,
        trim_blocks=trim_blocks,
    )


def test_a_compiled_template_is_reused_and_an_edit_is_seen(tmp_path: Path) -> None:
    templates, cache = tmp_path / "templates", tmp_path / "cache"
    templates.mkdir()
    (templates / "a.jinja").write_text("{% if x %}\n{{ x }}!\n{% endif %}\n")

    first = environment(templates, cache).get_template("a.jinja").render(x="one")
    [stored] = cache.iterdir()
    again = environment(templates, cache).get_template("a.jinja").render(x="one")
    assert first == again == "\none!\n"
    # other settings compile other code: they do not share the entry
    trimmed = environment(templates, cache, trim_blocks=True).get_template("a.jinja")
    assert trimmed.render(x="one") == "one!\n"
    assert len(list(cache.iterdir())) == 2

    (templates / "a.jinja").write_text("{{ x }}?\n")
    assert environment(templates, cache).get_template("a.jinja").render(x="two") == "two?"
    assert stored.exists()


def test_a_cache_that_cannot_be_written_is_no_error(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "a.jinja").write_text("{{ x }}")
    (tmp_path / "file").write_text("")

    rendered = environment(templates, tmp_path / "file" / "cache").get_template("a.jinja")
    assert rendered.render(x=1) == "1"


def test_a_repeated_string_is_compiled_once() -> None:
    env = jinja2.Environment(autoescape=False)
    compile_once(env)
    assert env.from_string("{{ x }}") is env.from_string("{{ x }}")
    assert env.from_string("{{ x }}").render(x=2) == "2"
