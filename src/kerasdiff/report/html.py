"""`--format html`: one self-contained page (inline CSS, JavaScript and SVG; no network) showing
A and B side by side, laid out by the alignment: a row per matched call, gaps where one side has
a layer the other lacks, each node coloured by its most severe finding, edges for connections,
nested models and long runs collapsible, the details of a node on click.

Layout: our own, because the alignment already is the layout. The rows are the alignment's
order (matched calls side by side), so no general graph-layout library is needed, and none is
inlined: the page stays small (the two 1,040-layer NASNetLarge models: about 2 MB) and its first
view is one DOM pass. Edges are SVG curves in each column's margin, drawn for the visible rows.

Every user string (layer names, paths, values) reaches the page as JSON data in a
`<script type="application/json">` block with `<`, `>` and `&` escaped, and is put into the
page with textContent only; a Content-Security-Policy forbids any request."""

from __future__ import annotations

import html
import json
import re
from typing import Any, Optional

from kerasdiff import __version__
from kerasdiff.catalog import SEVERITY_RANK
from kerasdiff.findings import show
from kerasdiff.graph import Graph
from kerasdiff.report.interface import Report, model_summary

# More rows than this: sections start collapsed (those holding a finding stay open).
COLLAPSE_ABOVE = 150
# A run of top-level rows longer than this is cut into sections of this size.
SECTION = 40


def _node(g: Graph, side: str, call: Any, calls_of: dict, diff: Optional[dict]) -> dict:
    lay = g.layer_map().get(call.layer)
    shape = call.output_shapes[0] if call.output_shapes else None
    uses = calls_of.get(call.layer, [])
    return {
        "side": side,
        "call": call.key,
        "key": call.layer,
        "cls": lay.cls if lay else "?",
        "name": lay.name if lay else call.layer,
        "block": lay.block if lay else "",
        "shape": show(list(shape)) if shape is not None else "?",
        "params": lay.params if lay else None,
        "origin": lay.origin if lay else None,
        "dtype": lay.dtype if lay else None,
        "config": {k: show(v) for k, v in (lay.config if lay else {}).items()},
        "inputs": list(call.inputs),
        "use": [uses.index(call.key) + 1, len(uses)] if len(uses) > 1 else None,
        "diff": diff,
    }


def _paths(path: str) -> list[str]:
    """The layers a finding's path names: "conv2d (+5 more: conv2d_2, conv2d_4, ...)" is several."""
    m = re.fullmatch(r"(.+?) \(\+\d+ more: (.*)\)", path or "")
    if not m:
        return [path]
    return [m.group(1), *(p for p in m.group(2).split(", ") if p != "...")]


def _finding(i: int, f: Any) -> dict:
    paths_a = {p for q in (f.a_path, *(d[0] for d in f.details)) for p in _paths(q)}
    paths_b = {p for q in (f.b_path, *(d[1] for d in f.details)) for p in _paths(q)}
    return {
        "i": i,
        "code": f.code,
        "severity": f.severity,
        "title": f.title,
        "message": f.message,
        "why": f.why,
        "fix": f.fix,
        "a_source": f.a_source,
        "b_source": f.b_source,
        "a_paths": sorted(p for p in paths_a if p),
        "b_paths": sorted(p for p in paths_b if p),
        "attribute": f.attribute,
    }


def _on(node: dict, paths: list[str]) -> bool:
    key, block = node["key"], node["block"]
    return any(p == key or (block and (p == block or block.startswith(p + "/"))) for p in paths)


def _rows(report: Report) -> list[tuple[Optional[str], Optional[str]]]:
    """The alignment's rows, plus the calls it folded away (an Activation layer merged into the
    layer before it), each right after the row of its input, on its own side."""
    rows = list(report.rows) or [
        (a, b) for a, b in zip([c.key for c in report.a.calls], [c.key for c in report.b.calls])
    ]
    for side, g in ((0, report.a), (1, report.b)):
        placed = {r[side] for r in rows if r[side] is not None}
        for c in g.calls:
            if c.key in placed:
                continue
            src = c.inputs[0].rpartition(":")[0] if c.inputs else ""
            at = next((i for i, r in enumerate(rows) if r[side] == src), len(rows) - 1)
            rows.insert(at + 1, (c.key, None) if side == 0 else (None, c.key))
            placed.add(c.key)
    return rows


def data_of(report: Report) -> dict:
    """Everything the page shows, as plain data (tests read it back from the page)."""
    probe = report.probe or {}
    diffs_a = {d["a"]: d for d in probe.get("calls") or []}
    diffs_b = {d["b"]: d for d in probe.get("calls") or []}
    findings = [_finding(i, f) for i, f in enumerate(report.findings)]
    nodes: list[dict] = []
    index: dict[tuple[str, str], int] = {}
    for side, g, diffs in (("a", report.a, diffs_a), ("b", report.b, diffs_b)):
        calls_of: dict[str, list[str]] = {}
        for c in g.calls:
            calls_of.setdefault(c.layer, []).append(c.key)
        for c in g.calls:
            d = diffs.get(c.key)
            index[side, c.key] = len(nodes)
            nodes.append(
                _node(g, side, c, calls_of, {"max": d["max_abs_diff"], "equal": d["equal"]} if d else None)
            )
    for n in nodes:
        # a finding on a layer, or on the nested model that holds it (KD181 names the block)
        on = [f for f in findings if _on(n, f["a_paths"] if n["side"] == "a" else f["b_paths"])]
        n["findings"] = [f["i"] for f in on]
        n["severity"] = min((f["severity"] for f in on), key=lambda s: SEVERITY_RANK[s], default="equal")
        n["inputs"] = [index.get((n["side"], r.rpartition(":")[0])) for r in n["inputs"]]
    rows = []
    for a, b in _rows(report):
        ia = index.get(("a", a)) if a else None
        ib = index.get(("b", b)) if b else None
        if ia is not None and ib is not None:
            nodes[ia]["other"], nodes[ib]["other"] = ib, ia
        block = (nodes[ia]["block"] if ia is not None else "") or (
            nodes[ib]["block"] if ib is not None else ""
        )
        rows.append({"a": ia, "b": ib, "block": block})
    first = probe.get("first_divergence") or None
    return {
        "version": __version__,
        "verdict": report.verdict(),
        "equivalent": report.equivalent,
        "a": model_summary(report.a),
        "b": model_summary(report.b),
        "findings": findings,
        "nodes": nodes,
        "rows": rows,
        "collapse_above": COLLAPSE_ABOVE,
        "section": SECTION,
        "probe": {
            "ran": bool(probe.get("ran")),
            "equal": probe.get("equal"),
            "first": [first.get("a_path"), first.get("b_path")] if first else None,
            "note": probe.get("reason") or "",
        }
        if probe
        else None,
    }


def _json_for_script(value: Any) -> str:
    # Inside <script> nothing may close the element or open a comment: escape <, >, & (and the
    # two line separators JavaScript treats as newlines) as JSON \u escapes.
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
    for ch, esc in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(ch, esc)
    return text


def render(report: Report, color: bool = False, width: int = 100) -> str:
    data = data_of(report)
    title = html.escape(f"kerasdiff: {report.a.spec or 'A'} vs {report.b.spec or 'B'}")
    # replace, not str.format: the CSS and the script are full of braces
    page = _PAGE.replace("@TITLE@", title).replace("@CSS@", _CSS).replace("@JS@", _JS)
    return page.replace("@DATA@", _json_for_script(data))


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>@TITLE@</title>
<style>@CSS@</style>
</head>
<body>
<header id="head"></header>
<section id="findings"></section>
<main id="view"><div id="graph"></div><aside id="details"><p class="hint">Click a layer for its settings, findings and source lines.</p></aside></main>
<script type="application/json" id="kerasdiff-data">@DATA@</script>
<script>@JS@</script>
</body>
</html>
"""

_CSS = """
:root{--err:#d73a49;--warn:#d9a400;--info:#3b82f6;--eq:#2e9d5b;--gap:#f3f3f3;--ink:#1f2328;--mute:#6a737d}
*{box-sizing:border-box}body{margin:0;font:14px/1.4 system-ui,sans-serif;color:var(--ink)}
header{padding:12px 16px;border-bottom:1px solid #ddd}header h1{font-size:18px;margin:0 0 4px}
.verdict.bad{color:var(--err)}.verdict.good{color:var(--eq)}.sides{color:var(--mute);font-size:13px}
#findings{padding:8px 16px;border-bottom:1px solid #ddd;max-height:30vh;overflow:auto}
#findings ol{margin:0;padding-left:20px}#findings li{margin:2px 0;cursor:pointer}
#findings li:hover{text-decoration:underline}.code{font-family:monospace;font-weight:600}
.sev-error{color:var(--err)}.sev-warning{color:var(--warn)}.sev-info{color:var(--info)}
main{display:flex;align-items:flex-start}#graph{flex:1;padding:8px 16px;position:relative}
#details{width:38%;max-width:560px;position:sticky;top:0;max-height:100vh;overflow:auto;padding:8px 16px;border-left:1px solid #ddd}
.cols{display:grid;grid-template-columns:1fr 1fr;column-gap:48px;font-weight:600;margin-bottom:4px}
.row{display:grid;grid-template-columns:1fr 1fr;column-gap:48px;margin:3px 0}
.node{border:2px solid var(--eq);border-left-width:8px;border-radius:6px;padding:3px 8px;cursor:pointer;background:#fff;position:relative;min-height:36px}
.node.error{border-color:var(--err);background:#fdf0f1}.node.warning{border-color:var(--warn);background:#fff9e6}.node.info{border-color:var(--info)}
.node.sel{outline:3px solid #222}.node .k{font-weight:600}.node .m{color:var(--mute);font-size:12px}
.node .diff{float:right;font-size:12px;font-family:monospace}.node .diff.bad{color:var(--err);font-weight:700}
.node.first{box-shadow:0 0 0 3px var(--err)}
.gap{border:2px dashed #ccc;border-radius:6px;background:var(--gap);min-height:36px;color:#999;font-size:12px;padding:8px}
.group{margin:6px 0;border:1px solid #e3e3e3;border-radius:6px}
.group>.ghead{padding:4px 8px;background:#fafafa;cursor:pointer;user-select:none;display:flex;gap:8px}
.group>.ghead .tw{font-family:monospace}.group.closed>.gbody{display:none}.group>.gbody{padding:0 6px}
.badge{font-size:11px;padding:0 5px;border-radius:8px;background:#eee;color:#333}
.badge.error{background:var(--err);color:#fff}.badge.warning{background:var(--warn)}
svg#edges{position:absolute;left:0;top:0;pointer-events:none;overflow:visible}
#details h2{font-size:16px;margin:8px 0}#details table{border-collapse:collapse;width:100%;font-size:12px}
#details td,#details th{border-bottom:1px solid #eee;padding:2px 4px;text-align:left;vertical-align:top;word-break:break-word}
#details tr.differs td{background:#fdf0f1;font-weight:600}.hint{color:var(--mute)}
#details .f{border-left:4px solid var(--err);padding:4px 8px;margin:6px 0;background:#fafafa}
#details .f.warning{border-color:var(--warn)}#details .f.info{border-color:var(--info)}
"""

_JS = r"""
(function(){
const D = JSON.parse(document.getElementById('kerasdiff-data').textContent);
const el = (tag, cls, text) => { const e = document.createElement(tag); if (cls) e.className = cls; if (text !== undefined && text !== null) e.textContent = String(text); return e; };
const rank = {error: 0, warning: 1, info: 2, equal: 3};
const nodeEls = new Map();
// header: the verdict and the two models
const head = document.getElementById('head');
head.appendChild(el('h1', 'verdict ' + (D.equivalent ? 'good' : 'bad'), D.verdict)).id = 'verdict';
for (const [label, s] of [['A', D.a], ['B', D.b]]) {
  head.appendChild(el('div', 'sides', `${label}: ${s.spec}  ${s.name} (${s['class']}, ${s.framework}), ${s.params == null ? '?' : s.params.toLocaleString('en')} params, ${s.layers} layers`));
}
if (D.probe) {
  head.appendChild(el('div', 'sides', D.probe.ran ? ('--probe: ' + (D.probe.equal ? 'outputs equal' : 'outputs differ; first divergence ' + (D.probe.first ? D.probe.first.join(' / ') : 'at the model output'))) : ('--probe not run ' + D.probe.note)));
}
// findings list: each links to its node
const fl = document.getElementById('findings');
if (!D.findings.length) fl.appendChild(el('p', 'hint', 'No differences found.'));
const ol = el('ol');
for (const f of D.findings) {
  const li = el('li', 'sev-' + f.severity); li.dataset.finding = f.i;
  li.appendChild(el('span', 'code', f.code + ' ')); li.appendChild(el('span', null, f.title + ': ' + f.message));
  li.addEventListener('click', () => { const n = D.nodes.findIndex(n => n.findings.includes(f.i)); if (n >= 0) select(n, true); else showFinding(f); });
  ol.appendChild(li);
}
fl.appendChild(ol);
// groups: nested models by their path; long top-level runs in sections
const groups = [];
for (let i = 0; i < D.rows.length; i++) {
  const r = D.rows[i]; const last = groups[groups.length - 1];
  const key = r.block || '';
  if (last && last.key === key && (key || last.rows.length < D.section)) last.rows.push(i);
  else groups.push({key, rows: [i]});
}
const big = D.rows.length > D.collapse_above;
const graph = document.getElementById('graph');
const cols = el('div', 'cols'); cols.appendChild(el('div', null, 'A  ' + D.a.spec)); cols.appendChild(el('div', null, 'B  ' + D.b.spec));
graph.appendChild(cols);
const svgNS = 'http://www.w3.org/2000/svg';
const svg = document.createElementNS(svgNS, 'svg'); svg.id = 'edges'; graph.appendChild(svg);
function nodeBox(i) {
  const n = D.nodes[i]; const b = el('div', 'node ' + n.severity); b.dataset.node = i; b.dataset.side = n.side; b.dataset.key = n.key;
  if (D.probe && D.probe.first && D.probe.first[n.side === 'a' ? 0 : 1] === n.key) { b.classList.add('first'); b.title = 'first divergence (--probe)'; }
  if (n.diff) { const d = el('span', 'diff' + (n.diff.equal ? '' : ' bad'), n.diff.max == null ? 'shape differs' : 'max|diff| ' + Number(n.diff.max).toExponential(1)); b.appendChild(d); }
  b.appendChild(el('div', 'k', n.key)); b.appendChild(el('div', 'm', `${n.cls}  ${n.shape}` + (n.use ? `  shared: call ${n.use[0]} of ${n.use[1]}` : '')));
  b.addEventListener('click', () => select(i, false));
  nodeEls.set(i, b); return b;
}
for (const g of groups) {
  const worst = g.rows.flatMap(i => [D.rows[i].a, D.rows[i].b]).filter(x => x !== null).map(x => D.nodes[x].severity).sort((p, q) => rank[p] - rank[q])[0] || 'equal';
  const box = el('div', 'group'); box.dataset.block = g.key;
  const gh = el('div', 'ghead'); const tw = el('span', 'tw', '\u25be');
  const first = D.rows[g.rows[0]], lastr = D.rows[g.rows[g.rows.length - 1]];
  const name = g.key ? `${g.key} (nested model)` : `${nameOf(first)} \u2026 ${nameOf(lastr)}`;
  gh.appendChild(tw); gh.appendChild(el('span', null, name)); gh.appendChild(el('span', 'badge', g.rows.length + ' rows'));
  if (worst !== 'equal') gh.appendChild(el('span', 'badge ' + worst, worst));
  box.appendChild(gh); const body = el('div', 'gbody'); box.appendChild(body);
  const closed = big && worst !== 'error';
  if (closed) { box.classList.add('closed'); tw.textContent = '\u25b8'; }
  const fill = () => { if (body.childElementCount) return; for (const i of g.rows) body.appendChild(rowEl(D.rows[i])); };
  if (!closed) fill();
  gh.addEventListener('click', () => { fill(); const c = box.classList.toggle('closed'); tw.textContent = c ? '\u25b8' : '\u25be'; draw(); });
  if (groups.length > 1 || g.key) graph.appendChild(box); else { fill(); graph.appendChild(body); }
  g.box = box;
}
function nameOf(r) { const i = r.a !== null ? r.a : r.b; return i === null ? '' : D.nodes[i].key; }
function rowEl(r) {
  const row = el('div', 'row');
  for (const i of [r.a, r.b]) row.appendChild(i === null ? el('div', 'gap', 'no counterpart') : nodeBox(i));
  return row;
}
// edges: a curve from each visible input to its consumer, in the column's outer margin
function draw() {
  while (svg.firstChild) svg.removeChild(svg.firstChild);
  const base = graph.getBoundingClientRect();
  svg.setAttribute('width', base.width); svg.setAttribute('height', graph.scrollHeight);
  for (const [i, e] of nodeEls) {
    if (!e.offsetParent) continue;
    const n = D.nodes[i]; const to = e.getBoundingClientRect();
    for (const j of n.inputs) {
      const src = nodeEls.get(j); if (j === null || !src || !src.offsetParent) continue;
      const fr = src.getBoundingClientRect();
      const left = n.side === 'a'; const x = (left ? to.left - 4 : to.right + 4) - base.left;
      const y1 = fr.top + fr.height / 2 - base.top, y2 = to.top + to.height / 2 - base.top;
      const bend = Math.min(40, 8 + Math.abs(y2 - y1) / 12) * (left ? -1 : 1);
      const p = document.createElementNS(svgNS, 'path');
      p.setAttribute('d', `M ${x} ${y1} C ${x + bend} ${y1}, ${x + bend} ${y2}, ${x} ${y2}`);
      p.setAttribute('fill', 'none'); p.setAttribute('stroke', '#9aa'); p.setAttribute('stroke-width', '1.2');
      svg.appendChild(p);
    }
  }
}
// details of one node: class, settings A vs B (differences marked), findings, source lines
const details = document.getElementById('details');
function select(i, scroll) {
  const n = D.nodes[i];
  const grp = groups.find(g => g.rows.some(r => D.rows[r].a === i || D.rows[r].b === i));
  if (grp && grp.box.classList.contains('closed')) grp.box.querySelector('.ghead').click();
  for (const e of document.querySelectorAll('.node.sel')) e.classList.remove('sel');
  const me = nodeEls.get(i); if (me) { me.classList.add('sel'); if (scroll) me.scrollIntoView({block: 'center'}); }
  const o = n.other !== undefined ? D.nodes[n.other] : null; if (o && nodeEls.get(n.other)) nodeEls.get(n.other).classList.add('sel');
  const A = n.side === 'a' ? n : o, B = n.side === 'b' ? n : o;
  details.replaceChildren();
  details.appendChild(el('h2', null, (A ? A.key : '(none)') + '  \u2194  ' + (B ? B.key : '(none)')));
  const t = el('table'); const hr = el('tr'); for (const h of ['', 'A', 'B']) hr.appendChild(el('th', null, h)); t.appendChild(hr);
  const line = (k, a, b, differs) => { const tr = el('tr', (differs === undefined ? a !== b : differs) ? 'differs' : ''); tr.dataset.key = k; for (const v of [k, a, b]) tr.appendChild(el('td', null, v)); t.appendChild(tr); };
  line('class', A ? A.cls : '', B ? B.cls : ''); line('output shape', A ? A.shape : '', B ? B.shape : '');
  line('params', A && A.params != null ? A.params : '', B && B.params != null ? B.params : '');
  line('dtype', A ? A.dtype : '', B ? B.dtype : '');
  line('source', A ? (A.origin || '') : '', B ? (B.origin || '') : '', false);
  if (A && A.diff || B && B.diff) { const d = (A || B).diff; const v = d.max == null ? 'shapes differ' : 'max|diff| ' + Number(d.max).toExponential(2); line('--probe output', v, d.equal ? 'equal' : 'differs', !d.equal); }
  const keys = [...new Set([...(A ? Object.keys(A.config) : []), ...(B ? Object.keys(B.config) : [])])];
  for (const k of keys) line(k, A && k in A.config ? A.config[k] : '(not set)', B && k in B.config ? B.config[k] : '(not set)');
  details.appendChild(t);
  const fs = [...new Set([...(A ? A.findings : []), ...(B ? B.findings : [])])];
  if (!fs.length) details.appendChild(el('p', 'hint', 'No finding on this layer.'));
  for (const k of fs) showFinding(D.findings[k], true);
}
function showFinding(f, append) {
  if (!append) details.replaceChildren();
  const box = el('div', 'f ' + f.severity); box.dataset.finding = f.i;
  box.appendChild(el('div', 'code', f.code + ' ' + f.title)); box.appendChild(el('div', null, f.message));
  box.appendChild(el('div', null, 'why: ' + f.why)); box.appendChild(el('div', null, 'fix: ' + f.fix));
  if (f.a_source || f.b_source) box.appendChild(el('div', 'hint', `A ${f.a_source || '-'}   B ${f.b_source || '-'}`));
  details.appendChild(box);
}
window.kerasdiff = {data: D, select, draw};
requestAnimationFrame(draw);
window.addEventListener('resize', draw);
})();
"""
