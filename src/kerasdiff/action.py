"""The GitHub Action's step (action.yml runs `python -m kerasdiff.action`): one comparison, then
the job summary (Markdown), the annotations (on stdout), an optional SARIF file, the
`equivalent` output, and ONE pull-request comment kept up to date (found again by a hidden
marker) when `comment: true` and a token is there.

Inputs arrive as INPUT_<NAME> environment variables (action.yml maps them, so no expression is
ever pasted into a shell line). The REST API is `GITHUB_API_URL` (GitHub's, or a test's server).
"""

from __future__ import annotations

import json
import os
import sys
import urllib.error
import urllib.request
from typing import Mapping, Optional

from kerasdiff.errors import EXIT_DIVERGENT, EXIT_EQUIVALENT, EXIT_TROUBLE, KerasdiffError

MARKER = "<!-- kerasdiff:comment -->"
COMMENT_LIMIT = 65536  # characters GitHub accepts in one comment


def _input(env: Mapping[str, str], name: str) -> str:
    return env.get(f"INPUT_{name.upper().replace('-', '_')}", "").strip()


def _specs(env: Mapping[str, str]) -> tuple[str, str]:
    a, b, against = _input(env, "a"), _input(env, "b"), _input(env, "against")
    if not a:
        raise KerasdiffError("action", "input a is empty", "give the model spec to check (a: models/net.py)")
    if against and b:
        raise KerasdiffError("action", "give b or against, not both", "against: REV compares a at REV with a")
    if against:
        return f"{against}:{a}", a
    if not b:
        raise KerasdiffError(
            "action", "give b or against", "against: origin/${{ github.base_ref }} for a pull request"
        )
    return a, b


def _pull_request(env: Mapping[str, str]) -> Optional[int]:
    path = env.get("GITHUB_EVENT_PATH")
    if not path or not os.path.isfile(path):
        return None
    try:
        with open(path, encoding="utf-8") as fh:
            event = json.load(fh)
    except (OSError, ValueError):
        return None
    number = (event.get("pull_request") or {}).get("number") or event.get("number")
    return int(number) if isinstance(number, int) else None


def _api(env: Mapping[str, str], method: str, path: str, token: str, body: Optional[dict] = None) -> object:
    url = env.get("GITHUB_API_URL", "https://api.github.com").rstrip("/") + path
    req = urllib.request.Request(
        url, method=method, data=json.dumps(body).encode() if body is not None else None
    )
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Accept", "application/vnd.github+json")
    req.add_header("X-GitHub-Api-Version", "2022-11-28")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - the API URL GitHub gives
        data = resp.read()
    return json.loads(data) if data else None


def upsert_comment(env: Mapping[str, str], number: int, markdown: str) -> str:
    """Create the pull request's kerasdiff comment, or update the one the marker finds."""
    repo, token = env.get("GITHUB_REPOSITORY", ""), _input(env, "token")
    body = f"{MARKER}\n{markdown}"
    if len(body) > COMMENT_LIMIT:
        body = body[: COMMENT_LIMIT - 80].rstrip() + "\n\n_(cut at GitHub's comment limit)_\n"
    page = 1
    while True:
        found = _api(env, "GET", f"/repos/{repo}/issues/{number}/comments?per_page=100&page={page}", token)
        comments = found if isinstance(found, list) else []
        for c in comments:
            if isinstance(c, dict) and MARKER in str(c.get("body", "")):
                _api(env, "PATCH", f"/repos/{repo}/issues/comments/{c['id']}", token, {"body": body})
                return "updated"
        if len(comments) < 100:
            break
        page += 1
    _api(env, "POST", f"/repos/{repo}/issues/{number}/comments", token, {"body": body})
    return "created"


def main(env: Optional[Mapping[str, str]] = None) -> int:
    from kerasdiff import pairs
    from kerasdiff.engine import compare_specs
    from kerasdiff.load import revision
    from kerasdiff.report import Format, render
    from kerasdiff.report import pairs as pairs_report
    from kerasdiff.settings import load_pyproject, resolve

    env = os.environ if env is None else env
    try:
        flags = {
            "fail-on": _input(env, "fail-on") or None,
            "ignore": tuple(_input(env, "ignore").replace(",", " ").split()) or None,
            "baseline": _input(env, "baseline") or None,
        }
        settings = resolve(flags, *load_pyproject())
        if _input(env, "pairs"):
            # every pair of the file, one report (the summary, annotations and comment hold all)
            outcomes = pairs.run(pairs.read(_input(env, "pairs"), settings), settings.jobs)
            code = pairs.exit_code(outcomes)
            shown = {
                f: pairs_report.render(outcomes, f) for f in (Format.MARKDOWN, Format.GITHUB, Format.SARIF)
            }
        else:
            a, b = _specs(env)
            report, _ = compare_specs(a, b, settings)
            code = EXIT_EQUIVALENT if report.equivalent else EXIT_DIVERGENT
            shown = {f: render(report, f) for f in (Format.MARKDOWN, Format.GITHUB, Format.SARIF)}
    except KerasdiffError as exc:
        print(f"::error title=kerasdiff::{exc.line()}")
        return EXIT_TROUBLE
    finally:
        revision.cleanup()
    markdown = shown[Format.MARKDOWN]
    summary = env.get("GITHUB_STEP_SUMMARY")
    if summary:
        with open(summary, "a", encoding="utf-8") as fh:
            fh.write(markdown)
    sys.stdout.write(shown[Format.GITHUB])
    sarif = _input(env, "sarif")
    if sarif:
        with open(sarif, "w", encoding="utf-8") as fh:
            fh.write(shown[Format.SARIF])
    out = env.get("GITHUB_OUTPUT")
    if out:
        with open(out, "a", encoding="utf-8") as fh:
            fh.write(f"equivalent={'true' if code == 0 else 'false'}\n")
    if _input(env, "comment").lower() == "true":
        number = _pull_request(env)
        if number is None:
            print("kerasdiff: comment: true, but this run is not for a pull request: no comment")
        elif not _input(env, "token"):
            print("kerasdiff: comment: true, but no token: no comment (give token: ${{ github.token }})")
        else:
            try:
                print(f"kerasdiff: pull request comment {upsert_comment(env, number, markdown)}")
            except (urllib.error.URLError, OSError, ValueError) as exc:
                # the comparison stands; a comment the API refused is a warning, not a failure
                print(f"::warning title=kerasdiff::could not post the pull-request comment: {exc}")
    return code


if __name__ == "__main__":
    sys.exit(main())
