"""The NHS.UK frontend's compiled CSS, JS and images, served by the app itself.

The CSS loads the Frutiger web font from assets.nhs.uk; pages must make no third-party
requests, so the `@font-face` rules are removed and the font stack falls back to the
system fonts it already lists (Arial, sans-serif).
"""

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from registry.settings import PROJECT_ROOT

log = logging.getLogger("catalogue.assets")

DIST = PROJECT_ROOT / "node_modules" / "nhsuk-frontend" / "dist" / "nhsuk"
OWN_STATIC = Path(__file__).resolve().parent / "static"
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")


@dataclass(frozen=True)
class Assets:
    """What the pages link to; `available` is False when `npm ci` has not been run."""

    css: str
    js: Path | None
    images: Path | None

    @property
    def available(self) -> bool:
        return self.js is not None


def load_assets(dist: Path = DIST) -> Assets:
    css_files = sorted(dist.glob("nhsuk-frontend-*.min.css")) if dist.is_dir() else []
    js_files = sorted(dist.glob("nhsuk-frontend-*.min.js")) if dist.is_dir() else []
    if not css_files or not js_files:
        log.warning(
            "NHS.UK frontend assets not found in %s (run `npm ci`); the catalogue is served "
            "as plain semantic HTML with a minimal stylesheet.",
            dist,
        )
        return Assets((OWN_STATIC / "fallback.css").read_text(encoding="utf-8"), None, None)
    css = _FONT_FACE.sub("", css_files[-1].read_text(encoding="utf-8"))
    css += "\n" + (OWN_STATIC / "catalogue.css").read_text(encoding="utf-8")
    return Assets(css, js_files[-1], dist / "assets" / "images")
