"""The API reference names no private class, yet shows what public classes inherit from one.

A public class built on a private base (a shared implementation, e.g. the NVP protocols'
cut-off cycling) is rendered with ``show_bases: false`` and lists the public methods it
inherits from that base in ``inherited_members``. Checked on the page's options, without
building the site (``make docs`` does that).
"""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
API_PAGE = ROOT / "docs" / "reference" / "api.md"
# One block per module: "::: module" and the options indented beneath it.
BLOCK = re.compile(r"^::: (\S+)\n((?:    .*\n)*)", re.M)


def _global_options() -> dict:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text())
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "mkdocstrings" in plugin:
            return plugin["mkdocstrings"]["handlers"]["python"].get("options", {})
    return {}


def _page_options() -> dict[str, dict]:
    """Module -> its rendering options (the site's defaults, updated by the block's own)."""
    defaults = _global_options()
    blocks = {}
    for module, body in BLOCK.findall(API_PAGE.read_text(encoding="utf-8")):
        own = yaml.safe_load(re.sub(r"^    ", "", body, flags=re.M)) if body.strip() else None
        blocks[module] = {**defaults, **((own or {}).get("options") or {})}
    return blocks


def _is_private(cls: type) -> bool:
    return cls.__module__.startswith("solidna") and any(
        part.startswith("_") for part in (*cls.__module__.split("."), cls.__name__)
    )


def _inherited_from_private(cls: type) -> set[str]:
    """Public methods and properties that ``cls`` takes from a private class of the package."""
    names = set()
    for attr in dir(cls):
        owner = next((k for k in cls.__mro__ if attr in vars(k)), cls)
        member = vars(owner).get(attr)
        is_method = inspect.isfunction(member) or isinstance(member, property)
        if is_method and not attr.startswith("_") and owner is not cls and _is_private(owner):
            names.add(attr)
    return names


def _problems(options: dict[str, dict]) -> list[str]:
    problems = []
    for module, opts in options.items():
        mod = importlib.import_module(module)
        for name in getattr(mod, "__all__", []):
            cls = getattr(mod, name, None)
            if not inspect.isclass(cls) or cls.__module__ != module:
                continue
            private = [b.__qualname__ for b in cls.__bases__ if _is_private(b)]
            if private and opts.get("show_bases", True):
                problems.append(f"{module}.{name}: private base {private} shown (show_bases)")
            missing = _inherited_from_private(cls) - set(opts.get("inherited_members") or [])
            if missing:
                problems.append(f"{module}.{name}: inherited {sorted(missing)} not rendered")
    return problems


def test_no_private_base_is_shown_and_what_it_gives_is():
    problems = _problems(_page_options())
    assert not problems, "\n".join(problems)


def test_the_check_sees_the_nvp_protocols_private_base():
    """Without its options the NVP block would show _CutoffCycling and hide half_cycles."""
    nvp = "solidna.protocols.nvp"
    drop = ("show_bases", "inherited_members")
    bare = {k: v for k, v in _page_options()[nvp].items() if k not in drop}
    problems = _problems({nvp: bare})
    assert any("GalvanostaticCycling: private base ['_CutoffCycling']" in p for p in problems)
    assert any("RateTest: inherited ['half_cycles']" in p for p in problems)
