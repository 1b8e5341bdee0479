"""Make strings that came from a model file or script inert in each output: terminal, XML, Markdown.

Layer, model and file names are chosen by whoever wrote the file. In a terminal, an escape
sequence in a name can retitle the window, hide text or write to the clipboard; in a GitHub
workflow log a newline starts a new command; in a pull-request comment HTML loads images from
anywhere and `@name` notifies people. Every renderer passes user-controlled text through one of
these functions; JSON needs nothing (json.dumps escapes control characters).
"""

from __future__ import annotations

import re

# C0 and C1 control characters, DEL, and the invisible format characters that reorder or hide
# text (Trojan Source bidi overrides, zero-width characters, BOM).
_INVISIBLE = "\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
_CONTROL_KEEP_LINES = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_INVISIBLE}]")
# Characters XML 1.0 cannot carry at all, not even as character references.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _visible(m: re.Match[str]) -> str:
    c = m.group(0)
    o = ord(c)
    if c == "\n":
        return "\\n"
    if c == "\t":
        return "\\t"
    if c == "\r":
        return "\\r"
    return f"\\x{o:02x}" if o < 0x100 else f"\\u{o:04x}"


def terminal(text: object, keep_lines: bool = False) -> str:
    """Control and invisible characters written as visible escapes (`\\x1b`, `\\u202e`).

    keep_lines: newlines and tabs stay (multi-line blobs such as tracebacks)."""
    pattern = _CONTROL_KEEP_LINES if keep_lines else _CONTROL
    return pattern.sub(_visible, str(text))


def xml(text: object) -> str:
    """Text that XML 1.0 can hold: characters it cannot are written as visible escapes."""
    return _NOT_XML.sub(_visible, terminal(text, keep_lines=True))


# Markdown: outside code spans, characters that start HTML, a link or image (`[...](url)`), a
# table cell or a mention are escaped; emphasis is left alone (it only changes how text looks).
# Code spans are kept as they are: GitHub renders their content literally.
_MD_PUNCT = re.compile(r"([\\`\[\]|])")
_BACKTICKS = re.compile(r"`+")


def _md_plain(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_PUNCT.sub(r"\\\1", text)
    if text[:1] in ("#", "-", "+", "="):  # would start a heading or a list at a line start
        text = "\\" + text
    # `@user` and `@org/team` notify people in a pull-request comment: a zero-width space after
    # the `@` breaks the mention (GitHub matches mentions in the rendered text).
    return text.replace("@", "@&#8203;")


def markdown(text: object) -> str:
    """Prose for Markdown: code spans kept (CommonMark rules: a run of n backticks closes at the
    next run of exactly n), everything else escaped, newlines folded into spaces."""
    s = terminal(" ".join(str(text).split()))
    out: list[str] = []
    pos = 0
    while pos < len(s):
        m = _BACKTICKS.search(s, pos)
        if m is None:
            out.append(_md_plain(s[pos:]))
            break
        closer = None
        for c in _BACKTICKS.finditer(s, m.end()):
            if len(c.group(0)) == len(m.group(0)):
                closer = c
                break
        if closer is None:  # an unmatched run is literal text
            out.append(_md_plain(s[pos : m.end()]))
            pos = m.end()
            continue
        out.append(_md_plain(s[pos : m.start()]))
        out.append(s[m.start() : closer.end()])
        pos = closer.end()
    return "".join(out)


def markdown_code(text: object) -> str:
    """`text` as one inline code span, whatever backticks it contains."""
    s = terminal(" ".join(str(text).split()))
    longest = max((len(r) for r in _BACKTICKS.findall(s)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or longest else ""
    return f"{fence}{pad}{s}{pad}{fence}"


def github_data(text: object) -> str:
    """Workflow-command data: `%`, CR and LF escaped (GitHub's own rules), controls visible."""
    s = str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return terminal(s)


def github_property(text: object) -> str:
    """Workflow-command property values: data escaping plus `:` and `,`."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def github_line(text: object) -> str:
    """A plain log line: one line, and never read as a workflow command (`::` at its start)."""
    s = terminal(" ".join(str(text).splitlines()))
    return " " + s if s.lstrip().startswith("::") else s


__all__ = ["terminal", "xml", "markdown", "markdown_code", "github_data", "github_property", "github_line"]
