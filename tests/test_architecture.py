"""The shape of the code, enforced: one seam per framework, the catalogue as the one rule table,
report formats independent of the rules (no TensorFlow here)."""

from __future__ import annotations

import ast
import os
import subprocess
import sys

from kerasdiff import catalog, rules
from kerasdiff.load import registry
from kerasdiff.load.interface import Framework

SRC = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src", "kerasdiff")
FRAMEWORK_IMPORTS = {"keras", "tensorflow", "tf_keras", "sklearn", "torch", "jax", "h5py"}


def _modules():
    for folder, _, files in os.walk(SRC):
        for f in files:
            if f.endswith(".py"):
                path = os.path.join(folder, f)
                rel = os.path.relpath(path, SRC).replace(os.sep, "/")
                with open(path, encoding="utf-8") as fh:
                    yield rel, ast.parse(fh.read(), path)


def _framework_folder(rel: str) -> bool:
    return any(rel.startswith(f"load/{fw.name}/") for fw in registry.frameworks())


def test_no_code_outside_a_framework_folder_names_a_framework():
    names = {fw.name for fw in registry.frameworks()} | {"tf_keras", "torch"}
    offences = []
    for rel, tree in _modules():
        if _framework_folder(rel):
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                mods = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                offences += [
                    f"{rel}:{node.lineno} imports {m}" for m in mods if m.split(".")[0] in FRAMEWORK_IMPORTS
                ]
            if isinstance(node, ast.Compare):
                for c in [node.left, *node.comparators]:
                    if isinstance(c, ast.Constant) and c.value in names:
                        offences.append(f"{rel}:{node.lineno} compares with {c.value!r}")
    # The registry is the one place that names them: one registration line each.
    offences = [o for o in offences if not o.startswith("load/registry.py")]
    assert not offences, "\n".join(offences)


def test_report_formats_do_not_depend_on_the_rules():
    for rel, tree in _modules():
        if not rel.startswith("report/"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("kerasdiff.rules"):
                raise AssertionError(f"{rel}:{node.lineno} imports {node.module}")


def test_every_code_has_exactly_one_checker_and_every_checker_only_catalogued_codes():
    plugin = [c for fw in registry.frameworks() for c in fw.checkers()]
    declared: dict[str, list[str]] = {}
    for chk in (*rules.checkers(), *plugin):
        assert chk.codes <= set(catalog.BY_CODE), chk.name
        for code in chk.codes:
            declared.setdefault(code, []).append(chk.name)
    missing = [r.code for r in catalog.RULES if r.code not in declared]
    assert not missing, f"codes no checker produces: {missing}"
    # A code may be declared by the layer checker too (inner graphs of wrappers report every
    # structural code), but no two top-level checkers own the same code.
    owners = {code: [n for n in names if not n.endswith("layers.check")] for code, names in declared.items()}
    assert all(len(v) <= 1 for v in owners.values()), {k: v for k, v in owners.items() if len(v) > 1}


def test_catalogue_metadata_is_complete_and_consistent():
    for r in catalog.RULES:
        assert r.kind in catalog.KINDS and r.kind in catalog.KIND_INFO, r.code
        assert r.section in catalog.SECTIONS
        if r.absorbed_by:
            target = catalog.get(r.absorbed_by)
            assert target.kind == "framework-semantics", r.code
        assert r.what and r.why and r.fix and r.example, r.code
    assert not set(catalog.REMOVED) & set(catalog.BY_CODE), "a removed code was reused"


def test_frameworks_implement_the_seam_and_import_nothing_heavy():
    for fw in registry.frameworks():
        assert isinstance(fw, Framework) and fw.name and fw.label
    code = (
        "import sys; import kerasdiff.load.registry as r; [fw.checkers() for fw in r.frameworks()]; "
        "import kerasdiff.engine, kerasdiff.cli; "
        "bad = [m for m in ('tensorflow', 'keras', 'sklearn', 'torch', 'h5py') if m in sys.modules]; "
        "assert not bad, bad"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
