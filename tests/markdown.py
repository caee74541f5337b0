"""Reading the commands out of a README or AGENTS.md, for tests that hold them to the truth."""

import re


def bash_blocks(markdown: str, heading: str) -> list[list[str]]:
    """The ```bash blocks of the section `## heading` (up to the next `## `), as their lines."""
    parts = re.split(rf"(?m)^## {re.escape(heading)}\n", markdown, maxsplit=1)
    assert len(parts) == 2, f"no section '## {heading}'"
    section = re.split(r"(?m)^## ", parts[1], maxsplit=1)[0]
    blocks = re.findall(r"```bash\n(.*?)```", section, re.DOTALL)
    assert blocks, f"no bash block under '## {heading}'"
    return [[line for line in block.splitlines() if line.strip()] for block in blocks]
