#!/usr/bin/env bash
# Renders a report as a GitHub issue would show it, to a PNG to look at: CommonMark with tables
# (markdown-it-py), GitHub-like CSS (monospace code blocks, bordered tables, <details> closed as in an
# issue), screenshot by headless Chromium. Installs nothing.
# Needs: python3 with markdown-it-py (Debian: python3-markdown-it; PyPI: markdown-it-py) and
#        chromium (Debian: chromium); fonts-dejavu-core for the block glyphs of the chart.
# Usage: scripts/render-report.sh REPORT.md out.png [--open] [--height PIXELS]
#   --open: every <details> open, to check what the folded tables look like.
set -euo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 REPORT.md out.png [--open] [--height PIXELS]" >&2
  exit 2
fi
report="$1"; png="$2"; shift 2
open=0; height=3000
while [ $# -gt 0 ]; do
  case "$1" in
    --open) open=1 ;;
    --height) height="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -f "$report" ] || { echo "no such file: $report" >&2; exit 2; }

missing=()
# The first python3 on PATH may be another interpreter than Debian's, which has python3-markdown-it.
python=""
for candidate in python3 /usr/bin/python3; do
  if "$candidate" -c 'import markdown_it' 2>/dev/null; then python="$candidate"; break; fi
done
[ -n "$python" ] || missing+=("markdown-it-py for python3 (apt-get install python3-markdown-it, or pip install markdown-it-py)")
browser=""
for candidate in chromium chromium-browser google-chrome; do
  if command -v "$candidate" >/dev/null 2>&1; then browser="$candidate"; break; fi
done
[ -n "$browser" ] || missing+=("headless Chromium (apt-get install chromium)")
if [ ${#missing[@]} -gt 0 ]; then
  echo "render-report.sh needs:" >&2
  printf '  - %s\n' "${missing[@]}" >&2
  exit 3
fi

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
html="$scratch/report.html"
"$python" - "$report" "$html" "$open" <<'PY'
import html, sys
from markdown_it import MarkdownIt

source, target, open_all = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
text = open(source, encoding="utf-8").read()
# CommonMark as GitHub parses it: raw HTML blocks (<details>), fenced code, GFM tables.
body = MarkdownIt("commonmark", {"html": True}).enable("table").render(text)
if open_all:
    body = body.replace("<details>", "<details open>")
css = """
body { font-family: -apple-system, 'Segoe UI', 'Noto Sans', Helvetica, Arial, sans-serif; font-size: 14px; line-height: 1.5;
       color: #1f2328; background: #fff; max-width: 1012px; margin: 24px auto; padding: 0 16px; }
h1, h2 { border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
h1 { font-size: 2em; } h2 { font-size: 1.5em; margin-top: 24px; }
code, pre { font-family: ui-monospace, SFMono-Regular, 'SF Mono', Menlo, Consolas, 'Liberation Mono', 'DejaVu Sans Mono', monospace;
            font-size: 85%; }
code { background: rgba(129,139,152,.12); padding: .2em .4em; border-radius: 6px; }
pre { background: #f6f8fa; padding: 16px; border-radius: 6px; overflow: auto; line-height: 1.45; }
pre code { background: none; padding: 0; font-size: 100%; }
table { border-collapse: collapse; display: block; overflow: auto; max-width: 100%; margin: 0 0 16px; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
th { font-weight: 600; } tr:nth-child(2n) { background: #f6f8fa; }
blockquote { color: #59636e; border-left: .25em solid #d1d9e0; margin: 0; padding: 0 1em; }
details { margin: 0 0 16px; } summary { cursor: pointer; }
"""
page = f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{html.escape(source)}</title><style>{css}</style></head><body>{body}</body></html>"
open(target, "w", encoding="utf-8").write(page)
PY

# Root needs --no-sandbox; the screenshot is the window's size, so tall reports want --height.
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars --window-size="1200,$height" \
  --screenshot="$(realpath -m "$png")" "file://$html" >/dev/null 2>&1
[ -s "$png" ] || { echo "Chromium wrote no screenshot" >&2; exit 1; }
echo "$png"
