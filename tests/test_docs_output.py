"""docs/ shows what the code prints: every marked output block is regenerated and compared.

When this fails, ``nox -s docs`` (``python -m tests.docs_output --write``) rewrites the blocks;
review the diff like any other change.
"""

from __future__ import annotations

import shutil
from collections import Counter

import pytest

from tests import docs_output
from tests.docs_scenarios import SCENARIOS


def test_every_block_names_a_scenario_and_every_scenario_has_one_block() -> None:
    named = Counter(block.name for block in docs_output.blocks())
    assert set(named) == set(SCENARIOS)
    assert [name for name, count in named.items() if count > 1] == []


def test_comparison_ignores_timings_and_hashes_only() -> None:
    one = "ok (1.2 s) at v0.3.0 (163e37f806ea)\n4 passed in 0.84s\n"
    two = "ok (13.0 s) at v0.3.0 (addf4066f195)\n4 passed in 86.03s (0:01:26)\n"
    assert docs_output.comparable(one) == docs_output.comparable(two)
    assert docs_output.comparable("from publish just now, same tree") == docs_output.comparable(
        "from publish 2 min ago, same tree"
    )
    assert docs_output.comparable(one) != docs_output.comparable(one.replace("v0.3.0", "v0.3.1"))


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("uv") is None,
    reason="docs/ show the output with uv on PATH, as in the sessions (build[uv] brings it): "
    "without uv the installs and builds are pip's and say so",
)
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_docs_show_what_the_code_prints(name: str) -> None:
    diffs = docs_output.stale({name})
    assert diffs == [], "docs/ differs from what the code prints (run nox -s docs):\n\n" + (
        "\n\n".join(diffs)
    )
