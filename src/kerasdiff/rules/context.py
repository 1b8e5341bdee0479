"""What every checker receives: the alignment (and the graphs as compared), the probe's outcome,
the findings of the earlier phase, and facts derived once from the alignment."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Optional

from kerasdiff.align import Alignment
from kerasdiff.findings import Finding
from kerasdiff.graph import Graph


@dataclass
class Context:
    al: Alignment
    probe: Optional[dict] = None  # the --probe outcome, when it ran
    earlier: tuple[Finding, ...] = ()  # findings of the first phase (for `after` checkers)
    nested: bool = False  # comparing the inner graphs of two wrapper layers
    a_pos: dict = field(default_factory=dict, init=False)  # call key -> index in canonical order
    a_calls_of: dict = field(default_factory=dict, init=False)  # layer key -> its call keys
    b_calls_of: dict = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.a_pos = {k: i for i, k in enumerate(self.al.a_order)}
        acm, bcm = self.a.call_map(), self.b.call_map()
        for k in self.al.a_order:
            self.a_calls_of.setdefault(acm[k].layer, []).append(k)
        for k in self.al.b_order:
            self.b_calls_of.setdefault(bcm[k].layer, []).append(k)

    @property
    def a(self) -> Graph:
        return self.al.a

    @property
    def b(self) -> Graph:
        return self.al.b

    @cached_property
    def swaps(self) -> Any:
        """Adjacent layers applied in the other order (kerasdiff.rules.placement)."""
        from kerasdiff.rules.placement import swaps

        return swaps(self)

    @cached_property
    def fusions(self) -> Any:
        """Gap runs that are one edit around an activation (kerasdiff.rules.placement)."""
        from kerasdiff.rules.placement import fusions

        return fusions(self)


__all__ = ["Context"]
