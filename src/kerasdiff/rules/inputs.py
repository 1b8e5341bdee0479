"""Input rules: shape, dtype, number of inputs, implicit vs explicit declaration."""

from __future__ import annotations

from typing import Any, Iterator

from kerasdiff.findings import Finding, make
from kerasdiff.graph import fmt_shape
from kerasdiff.rules import checker
from kerasdiff.rules.context import Context


@checker("KD191", "KD192", "KD193", "KD202", "KD903")
def check(ctx: Context) -> Iterator[Finding]:
    a, b = ctx.a, ctx.b
    if len(a.inputs) != len(b.inputs):
        yield make(
            "KD192",
            a_path="(inputs)",
            b_path="(inputs)",
            attribute="inputs",
            a_value=len(a.inputs),
            b_value=len(b.inputs),
            message=f"A takes {len(a.inputs)} input(s), B takes {len(b.inputs)}",
            position=-1,
            anchors_a=tuple(f"in:{i}" for i in range(len(a.inputs))),
            anchors_b=tuple(f"in:{i}" for i in range(len(b.inputs))),
            score=50.0,
        )
    implicit_reported = False
    for i, j in ctx.al.input_pairs:
        if i is None or j is None:
            continue
        ia, ib = a.inputs[i], b.inputs[j]
        common: dict[str, Any] = dict(
            a_path=f"input {i} ({ia.name})",
            b_path=f"input {j} ({ib.name})",
            a_source=ia.origin,
            b_source=ib.origin,
            position=-1,
            anchors_a=(f"in:{i}",),
            anchors_b=(f"in:{j}",),
        )
        if ia.shape != ib.shape and ia.shape is not None and ib.shape is not None:
            yield make(
                "KD191",
                attribute="shape",
                a_value=list(ia.shape[1:]),
                b_value=list(ib.shape[1:]),
                message=f"input {i}: shape {fmt_shape(ia.shape)} in A, {fmt_shape(ib.shape)} in B",
                **common,
            )
        if ia.dtype != ib.dtype:
            yield make(
                "KD202",
                attribute="dtype",
                a_value=ia.dtype,
                b_value=ib.dtype,
                message=f"input {i}: dtype {ia.dtype} in A, {ib.dtype} in B",
                **common,
            )
        if ia.implicit != ib.implicit and not implicit_reported:
            implicit_reported = True
            how = {True: "implicitly (input_shape= on the first layer)", False: "with keras.Input"}
            yield make(
                "KD193",
                attribute="declaration",
                a_value="implicit" if ia.implicit else "explicit",
                b_value="implicit" if ib.implicit else "explicit",
                message=f"input declared {how[ia.implicit]} in A, {how[ib.implicit]} in B",
                **{**common, "position": 10**9},
            )
        if not ia.auto_name and not ib.auto_name and ia.name != ib.name:
            yield make(
                "KD903",
                attribute="name",
                a_value=ia.name,
                b_value=ib.name,
                message=f"input {i} is named '{ia.name}' in A, '{ib.name}' in B",
                **{**common, "position": 10**9},
            )
