"""The README's verification examples for subscribers work on a real delivery."""

import re
from pathlib import Path
from typing import Any

from registry.settings import PROJECT_ROOT
from registry.wiring import Services
from tests.conftest import Keys
from tests.webhooks.conftest import publish, subscribe
from tests.webhooks.receiver import receiving

SECTION = "## Webhooks: being told what changed"


def readme_python() -> list[str]:
    text = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index(SECTION) :]
    section = section[: section.index("\n## ", len(SECTION))]
    return re.findall(r"```python\n(.*?)```", section, re.DOTALL)


def test_readme_verification_examples_accept_a_real_delivery(
    services: Services, keys: Keys, tmp_path: Path
) -> None:
    with receiving() as receiver:
        _, secret = subscribe(services, keys.supplier, receiver.url)
        publish(services, keys)
        services.webhooks.worker.run_once()
        [item] = receiver.bodies()
    library, by_hand = readme_python()
    names: dict[str, Any] = {}
    exec(library.replace('"whsec_..."', repr(secret)), names)  # noqa: S102 - the README's code
    exec(by_hand, names)  # noqa: S102 - the README's code

    assert names["receive"](item.body, item.headers)["data"]["id"] == "example-tool"
    assert names["verify"](secret, item.headers, item.body) is True
    assert names["verify"](secret, item.headers, item.body + b" ") is False
