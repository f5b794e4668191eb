"""The HTML book: the notebooks' pages, the index, the navigation between them.

Called by scripts/notebooks.py (`--html DIR`) with the executed notebooks; the export itself lives
here so that the book's pages can change without touching the notebook executor.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat

MATHJAX_URL = "mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"


def title_and_summary(nb, fallback: str) -> tuple[str, str]:
    title, summary = fallback, nb.metadata.get("summary", "")
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        for line in cell.source.splitlines():
            if line.startswith("# "):
                title = re.sub(r"[`*]", "", line[2:]).strip()  # plain text: no Markdown marks
                break
        break
    return title, summary


def nav(pages: list[dict], i: int, bottom: bool) -> str:
    prev = f'<a href="{pages[i - 1]["file"]}">← {html.escape(pages[i - 1]["title"])}</a>' if i > 0 else ""
    nxt = (
        f'<a href="{pages[i + 1]["file"]}">{html.escape(pages[i + 1]["title"])} →</a>'
        if i + 1 < len(pages)
        else ""
    )
    cls = "book-nav bottom" if bottom else "book-nav"
    return (
        f'<nav class="{cls}"><span class="prev">{prev}</span>'
        f'<span class="home"><a href="index.html">Contents</a></span><span class="next">{nxt}</span></nav>'
    )


INDEX = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Logistic regression is a neural network</title>
<style>
 body {{ font-family: system-ui, sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.5; color: #222; }}
 h1 {{ font-size: 1.8em; }} ol {{ padding-left: 1.2em; }} li {{ margin: 0.8em 0; }}
 a {{ color: #1a5fb4; text-decoration: none; font-weight: 600; }} .summary {{ display: block; color: #444; }}
 footer {{ margin-top: 2em; font-size: 0.9em; color: #555; }}
</style></head>
<body>
<h1>Logistic regression is a neural network</h1>
<p>An executable walk through the tutorial in TypeScript on Deno: every page below was produced by
running its notebook through the Deno Jupyter kernel.</p>
<ol>
{items}
</ol>
{extra}
<footer>Built from the notebooks in <code>notebooks/</code> by <code>deno task book</code>.</footer>
</body></html>
"""


def export_html(results: list[dict], out: Path, extra_links: list[tuple[str, str, str]]) -> None:
    from nbconvert import HTMLExporter

    out.mkdir(parents=True, exist_ok=True)
    pages = []
    for r in results:
        nb = nbformat.reads(r["nb"], as_version=4)
        name = Path(r["path"]).stem
        title, summary = title_and_summary(nb, name)
        pages.append({"nb": nb, "file": f"{name}.html", "title": title, "summary": summary})
    exporter = HTMLExporter(
        template_name="book",
        extra_template_basedirs=[str(Path(__file__).parent / "templates")],
        mathjax_url=MATHJAX_URL,
    )
    for i, page in enumerate(pages):
        resources = {
            "metadata": {"name": page["title"]},
            "book_nav": nav(pages, i, False),
            "book_nav_bottom": nav(pages, i, True),
        }
        body, _ = exporter.from_notebook_node(page["nb"], resources=resources)
        tmp = out / (page["file"] + ".tmp")
        tmp.write_text(body, encoding="utf-8")
        tmp.replace(out / page["file"])
    items = "\n".join(
        f'<li><a href="{p["file"]}">{html.escape(p["title"])}</a>'
        f'<span class="summary">{html.escape(p["summary"])}</span></li>'
        for p in pages
    )
    extra = "".join(
        f'<p><a href="{href}">{html.escape(text)}</a> {html.escape(desc)}</p>' for href, text, desc in extra_links
    )
    (out / "index.html").write_text(INDEX.format(items=items, extra=extra), encoding="utf-8")
