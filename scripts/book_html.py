"""The HTML book: the notebooks' pages, the index, the references, the navigation between them.

Called by scripts/notebooks.py (`--html DIR`) with the executed notebooks; the export itself lives
here so that the book's pages can change without touching the notebook executor. It writes, in DIR:

    index.html            the book's claim with its figure, the original tutorial, the chapters
    NN-name.html          one page per notebook (nbconvert, template scripts/templates/book/)
    references.html       the tutorial's sources and the documentation the chapters rely on
    book.css              the style of every page (scripts/templates/book/book.css)
    figures/*.svg         every figure, as an image the pages show and link to full size
    notebooks/*.ipynb     the notebooks themselves, linked from their pages

On a notebook's page each figure is `<figure class="book-figure">` holding
`<a href="figures/NN-name-K.svg"><img src="figures/NN-name-K.svg" alt="…"></a>` (K counts the page's
figures from 1, in order), inside the output's `<div data-mime-type="image/svg+xml">`; the alt text
is the output's text/plain. Scripts added to a page later (a `<script type="module">` before
`</body>`) find the figures that way.
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import nbformat

MATHJAX_URL = "mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe"
TEMPLATES = Path(__file__).parent / "templates"
BOOK_TITLE = "Logistic regression is a neural network"
# The figure the index shows: a notebook's cell tagged `figure:NAME` (see notebooks.py), also stored
# as notebooks/figures/NAME.svg for the README.
INDEX_FIGURE = "weights-over-epochs"
# What nbconvert writes as the alt text of an image that has none; no figure of the book may show it.
NBCONVERT_PLACEHOLDER = "No description has been provided for this image"

# The tutorial this book retells, and where its notebook is published.
TUTORIAL = {
    "title": "Logistic Regression is a Neural Network",
    "author": "Phillips-M",
    "repository": "https://github.com/Phillips-M/random-projects",
    "file": "logistic_regression_neural_network.ipynb",
}


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


def split_title(title: str) -> tuple[str, str]:
    """'4 · The statistician's route' -> ('4', "The statistician's route"); no number -> ('', title)."""
    m = re.match(r"^(\d+)\s*·\s*(.*)$", title)
    return (m.group(1), m.group(2)) if m else ("", title)


def nav(prev: dict | None, nxt: dict | None, bottom: bool = False) -> str:
    """The bar at the top (and bottom) of a page: the previous chapter, the contents and the
    references, the next chapter."""

    def link(p: dict | None, rel: str) -> str:
        if p is None:
            return f'<span class="book-nav-{rel}"></span>'
        arrow = "← Previous" if rel == "prev" else "Next →"
        return (
            f'<a class="book-nav-{rel}" rel="{rel}" href="{p["file"]}">'
            f'<span class="book-nav-dir">{arrow}</span>'
            f'<span class="book-nav-title">{html.escape(p["title"])}</span></a>'
        )

    cls = "book-nav book-nav-bottom" if bottom else "book-nav"
    label = "Chapters, end of page" if bottom else "Chapters"
    return (
        f'<nav class="{cls}" aria-label="{label}">{link(prev, "prev")}'
        f'<span class="book-nav-home"><a href="index.html">Contents</a>'
        f'<a href="references.html">References</a></span>{link(nxt, "next")}</nav>'
    )


def chapter_nav(pages: list[dict], i: int, bottom: bool = False) -> str:
    prev = pages[i - 1] if i > 0 else None
    nxt = pages[i + 1] if i + 1 < len(pages) else None
    return nav(prev, nxt, bottom)


class Figures:
    """The nbconvert filter `book_figure`: writes each SVG output of a page to figures/ and returns
    the HTML that shows it, an <img> whose alt text is the output's text/plain, linked to the SVG
    so that a reader on a small screen can open it full size."""

    def __init__(self, out: Path):
        self.dir = out / "figures"
        self.page = ""
        self.nb = None
        self.count = 0

    def start(self, page: str, nb) -> None:
        self.page, self.nb, self.count = page, nb, 0

    def __call__(self, output, cell) -> str:
        svg = output["data"]["image/svg+xml"]
        svg = svg if isinstance(svg, str) else "".join(svg)
        alt = output["data"].get("text/plain", "")
        alt = (alt if isinstance(alt, str) else "".join(alt)).strip()
        if not alt or alt == NBCONVERT_PLACEHOLDER:
            where = self.nb.cells.index(cell) + 1 if self.nb is not None and cell in self.nb.cells else "?"
            raise ValueError(
                f"{self.page}: the figure of cell {where} has no alt text: give its output a text/plain "
                "that describes the figure in a sentence or two"
            )
        self.count += 1
        name = f"{self.page}-{self.count}.svg"
        self.dir.mkdir(parents=True, exist_ok=True)
        (self.dir / name).write_text(svg, encoding="utf-8")
        return figure_html(f"figures/{name}", svg, alt)


def svg_size(svg: str) -> tuple[str, str]:
    """The width and height attributes of an SVG's root element ('' when absent)."""
    root = re.search(r"<svg\b[^>]*>", svg)
    attrs = root.group(0) if root else ""
    w = re.search(r'\swidth="([\d.]+)"', attrs)
    h = re.search(r'\sheight="([\d.]+)"', attrs)
    return (w.group(1) if w else "", h.group(1) if h else "")


def figure_html(src: str, svg: str, alt: str) -> str:
    w, h = svg_size(svg)
    size = f' width="{w}" height="{h}"' if w and h else ""
    return (
        f'<figure class="book-figure"><a class="book-figure-link" href="{src}" '
        f'title="Open the figure on its own, full size">'
        f'<img src="{src}" alt="{html.escape(alt, quote=True)}"{size} decoding="async"></a>'
        f'<figcaption class="book-figure-open"><a href="{src}">Open the figure full size</a>'
        f"</figcaption></figure>"
    )


def slug(text: str, taken: set[str]) -> str:
    """A readable id for a heading: lower case, words joined by '-', unique on the page."""
    base = re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-") or "section"
    s, k = base, 2
    while s in taken:
        s, k = f"{base}-{k}", k + 1
    taken.add(s)
    return s


def finish_page(body: str, page: dict) -> str:
    """Gives the headings short ids and fills the side column: the page's contents (its h2
    headings), its notebook, the references."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, features="html.parser")
    main = soup.select_one("main.book-main")
    taken: set[str] = set()
    toc = []
    for h in main.select("h1, h2, h3"):
        for a in h.select("a.anchor-link"):
            a.decompose()
        text = h.get_text(" ", strip=True)
        new_id = slug(text, taken)
        h["id"] = new_id
        anchor = soup.new_tag("a", attrs={"class": "anchor-link", "href": f"#{new_id}"})
        anchor["aria-label"] = f"Link to this section: {text}"
        anchor.string = "#"
        h.append(anchor)
        if h.name == "h2":
            inner = "".join(str(c) for c in h.contents if c is not anchor)
            toc.append(f'<li><a href="#{new_id}">{inner}</a></li>')
    aside = soup.select_one("aside.book-aside")
    notebook = page["notebook"]
    aside.append(
        BeautifulSoup(
            '<details class="book-toc" id="book-toc"><summary>On this page</summary>'
            f'<ol>{"".join(toc)}</ol></details>'
            # Open on a wide screen, where it is a side column; folded on a phone, above the text.
            '<script>if (matchMedia("(min-width: 75rem)").matches) '
            'document.getElementById("book-toc").open = true;</script>'
            '<p class="book-notebook">This page is a notebook: '
            f'<a href="notebooks/{notebook}" type="application/x-ipynb+json" download>{notebook}</a>. '
            "Open in JupyterLab: <code>deno task lab</code>.</p>",
            features="html.parser",
        )
    )
    return str(soup)


def plain_page(title: str, body: str, next_page: dict | None) -> str:
    """A page of the book that is not a notebook (the index, the references)."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<link rel="stylesheet" href="book.css">
</head>
<body class="book-plain">
{nav(None, next_page)}
<main class="book-main">
{body}
</main>
<footer class="book-footer">Built from the notebooks in <code>notebooks/</code> by <code>deno task book</code>.</footer>
</body>
</html>
"""


def index_body(pages: list[dict], figure: str, extra_links: list[tuple[str, str, str]]) -> str:
    t = TUTORIAL
    items = "\n".join(
        f'<li><a href="{p["file"]}"><span class="book-chapter-number">{html.escape(split_title(p["title"])[0])}</span> '
        f'<span class="book-chapter-title">{html.escape(split_title(p["title"])[1])}</span></a>'
        f'<span class="book-chapter-summary">{html.escape(p["summary"])}</span></li>'
        for p in pages
    )
    extra = "".join(
        f'<li><a href="{href}">{html.escape(text)}</a> {html.escape(desc)}</li>' for href, text, desc in extra_links
    )
    return f"""<h1>{html.escape(BOOK_TITLE)}</h1>
<p class="book-lead">A logistic regression fitted by R's <code>glm</code> and a neural network with one
sigmoid unit, trained by Adam, land on the same ten weights. That is no coincidence: minimising the
network's loss, binary cross-entropy, is maximising the Bernoulli log-likelihood that <code>glm</code>
maximises. The two are one model fitted to one objective by two different optimisers.</p>
{figure}
<p>The figure is from <a href="05-adam-by-hand.html">chapter 5</a>: Adam written by hand, its ten
weights (solid lines) settling over a thousand epochs onto the coefficients that <code>glm</code>
reaches in four iterations (dashed lines).</p>
<h2 id="the-tutorial">The tutorial</h2>
<p>This book retells <cite>{html.escape(t["title"])}</cite>, an R notebook by {html.escape(t["author"])}
(<a href="{t["repository"]}">{html.escape(t["repository"].removeprefix("https://"))}</a>, file
<code>{html.escape(t["file"])}</code>). The tutorial simulates a thousand rows of data, fits them with
<code>glm</code> and with a one-unit Keras network, and then writes Adam from scratch to show that
ascending the log-likelihood gives the same weights. Here its R code is TypeScript running on Deno:
each chapter is a Jupyter notebook, executed to make its page, and its numbers are checked against
GNU R's output and the tutorial's printouts. Its sources, and the documentation the chapters rely on, are collected in the
<a href="references.html">references</a>.</p>
<h2 id="chapters">Chapters</h2>
<ol class="book-chapters">
{items}
</ol>
<h2 id="more">Also here</h2>
<ul>
<li><a href="references.html">References</a>: the paper, the documentation and the articles behind the chapters.</li>
{extra}
<li>The notebooks: each page links to its own. Open them in JupyterLab with
<code>deno task lab</code>.</li>
</ul>"""


# The references page: the tutorial's own sources first, then the documentation of what the chapters
# reproduce. Each entry: (HTML of the citation, URL or None, what it is used for).
REFERENCES: list[tuple[str, str, list[tuple[str, str | None, str]]]] = [
    (
        "the-tutorial",
        "The tutorial",
        [
            (
                f'{TUTORIAL["author"]}. <cite>{TUTORIAL["title"]}</cite>. An R notebook, '
                f'<code>{TUTORIAL["file"]}</code> in the repository random-projects on GitHub.',
                TUTORIAL["repository"],
                "The book's starting point: the data, the Keras network, glm and the Adam loop.",
            ),
        ],
    ),
    (
        "optimisation",
        "Adam and the optimisers",
        [
            (
                "Diederik P. Kingma and Jimmy Ba (2015). <cite>Adam: A Method for Stochastic "
                "Optimization</cite>. 3rd International Conference on Learning Representations "
                "(ICLR 2015). arXiv:1412.6980.",
                "https://arxiv.org/abs/1412.6980",
                "Algorithm 1 is the loop of chapter 5; its defaults (α = 0.001, β₁ = 0.9, β₂ = 0.999) are "
                "Keras' and the tutorial's.",
            ),
            (
                "Keras documentation: <cite>Adam</cite> (<code>keras.optimizers.Adam</code>).",
                "https://keras.io/api/optimizers/adam/",
                "Keras' form of the update, with ε = 10⁻⁷ outside the bias correction, used in chapter 3.",
            ),
            (
                "Keras source: <code>keras/src/optimizers/adam.py</code>.",
                "https://github.com/keras-team/keras/blob/master/keras/src/optimizers/adam.py",
                "The exact arithmetic that chapter 3 follows to land on the tutorial's Keras weights.",
            ),
        ],
    ),
    (
        "keras",
        "The network in Keras",
        [
            (
                "Keras documentation: <cite>Dense layer</cite> (<code>keras.layers.Dense</code>).",
                "https://keras.io/api/layers/core_layers/dense/",
                "The one-unit layer of chapter 3: kernel, activation, <code>use_bias</code>.",
            ),
            (
                "Keras documentation: <cite>Probabilistic losses</cite>, "
                "<code>binary_crossentropy</code> and <code>BinaryCrossentropy</code>.",
                "https://keras.io/api/losses/probabilistic_losses/",
                "The loss of chapters 2 and 3, averaged over the rows of a batch.",
            ),
            (
                "<cite>keras</cite>: R interface to Keras, on CRAN.",
                "https://cran.r-project.org/package=keras",
                "The package the tutorial's R code calls (<code>layer_dense</code>, "
                "<code>optimizer_adam</code>, <code>fit</code>).",
            ),
        ],
    ),
    (
        "glm",
        "R's glm and iteratively reweighted least squares",
        [
            (
                "R documentation: <cite>Fitting Generalized Linear Models</cite> "
                "(<code>glm</code>, <code>glm.fit</code>), package stats.",
                "https://stat.ethz.ch/R-manual/R-devel/library/stats/html/glm.html",
                "The function whose fit chapter 4 reproduces step by step.",
            ),
            (
                "R documentation: <cite>Auxiliary for Controlling GLM Fitting</cite> "
                "(<code>glm.control</code>).",
                "https://stat.ethz.ch/R-manual/R-devel/library/stats/html/glm.control.html",
                "<code>epsilon</code> and <code>maxit</code>, set by the tutorial to 10⁻¹⁰ and 25.",
            ),
            (
                "R documentation: <cite>Summarizing Generalized Linear Model Fits</cite> "
                "(<code>summary.glm</code>).",
                "https://stat.ethz.ch/R-manual/R-devel/library/stats/html/summary.glm.html",
                "The printout that chapter 4 reproduces line by line.",
            ),
            (
                "R source: <code>src/library/stats/R/glm.R</code>.",
                "https://github.com/wch/r-source/blob/trunk/src/library/stats/R/glm.R",
                "The code of <code>glm.fit</code> that <code>lib/glm/</code> follows.",
            ),
            (
                "P. McCullagh and J. A. Nelder (1989). <cite>Generalized Linear Models</cite>, second "
                "edition. Monographs on Statistics and Applied Probability 37. London: Chapman and Hall.",
                None,
                "Section 2.5, the algorithm for fitting generalized linear models: iteratively "
                "reweighted least squares, which R's <code>glm.fit</code> implements.",
            ),
        ],
    ),
    (
        "data",
        "The data",
        [
            (
                "R documentation: <cite>Random Number Generation</cite> (<code>set.seed</code>, "
                "<code>RNGkind</code>).",
                "https://stat.ethz.ch/R-manual/R-devel/library/base/html/Random.html",
                "Mersenne-Twister and inversion, which chapter 1 reproduces bit for bit.",
            ),
        ],
    ),
    (
        "background",
        "Background articles the tutorial cites",
        [
            (
                "Sebastian Raschka. <cite>What is the relation between Logistic Regression and Neural "
                "Networks and when to use which?</cite> Machine Learning FAQ.",
                "https://sebastianraschka.com/faq/docs/logisticregr-neuralnet.html",
                "",
            ),
            (
                "Sebastian Raschka (2015). <cite>Single-Layer Neural Networks and Gradient Descent</cite>.",
                "http://sebastianraschka.com/Articles/2015_singlelayer_neurons.html",
                "",
            ),
            (
                "Shakir Mohamed (2015). <cite>A Statistical View of Deep Learning (I): Recursive GLMs</cite>.",
                "http://blog.shakirm.com/2015/01/a-statistical-view-of-deep-learning-i-recursive-glms/",
                "",
            ),
            (
                "Wikipedia: <cite>Iteratively reweighted least squares</cite>, "
                "<cite>Scoring algorithm</cite> (Fisher scoring), <cite>Newton's method</cite>.",
                "https://en.wikipedia.org/wiki/Iteratively_reweighted_least_squares",
                "The second-order route of chapter 4; the tutorial also links "
                '<a href="https://en.wikipedia.org/wiki/Scoring_algorithm">Scoring algorithm</a> and '
                "<a href=\"https://en.wikipedia.org/wiki/Newton%27s_method\">Newton's method</a>.",
            ),
            (
                "Wikipedia: <cite>Stochastic gradient descent</cite>, section Adam.",
                "https://en.wikipedia.org/wiki/Stochastic_gradient_descent#Adam",
                "",
            ),
            (
                "Wikipedia: <cite>Maximum likelihood estimation</cite>.",
                "https://en.wikipedia.org/wiki/Maximum_likelihood_estimation",
                "",
            ),
            (
                "Wikipedia: <cite>Activation function</cite>, <cite>Backpropagation</cite>.",
                "https://en.wikipedia.org/wiki/Activation_function",
                'See also <a href="https://en.wikipedia.org/wiki/Backpropagation">Backpropagation</a>.',
            ),
            (
                "Wikipedia: <cite>Convex function</cite>, <cite>Separation (statistics)</cite>.",
                "https://en.wikipedia.org/wiki/Convex_function",
                "Why the log-likelihood has at most one maximum, and when it has none (chapter 6); see "
                'also <a href="https://en.wikipedia.org/wiki/Separation_(statistics)">Separation '
                "(statistics)</a>.",
            ),
        ],
    ),
    (
        "tools",
        "The tools this book is built with",
        [
            ("Deno, and its Jupyter kernel (<code>deno jupyter</code>).", "https://docs.deno.com/runtime/reference/cli/jupyter/", ""),
            ("Project Jupyter: JupyterLab, nbconvert.", "https://jupyter.org/", ""),
            ("Observable Plot, which draws every figure.", "https://observablehq.com/plot/", ""),
            ("MathJax 2, which typesets the mathematics.", "https://docs.mathjax.org/en/v2.7-latest/", ""),
        ],
    ),
]


def references_body() -> str:
    parts = [
        "<h1>References</h1>",
        "<p>The sources of the tutorial this book retells, and the documentation of what the chapters "
        "reproduce. Links lead outside the book.</p>",
    ]
    for anchor, heading, entries in REFERENCES:
        parts.append(f'<h2 id="{anchor}">{html.escape(heading)}</h2>\n<ul class="book-references">')
        for cite, url, note in entries:
            link = f' <a class="book-reference-url" href="{html.escape(url)}">{html.escape(url)}</a>' if url else ""
            note_html = f'<span class="book-reference-note">{note}</span>' if note else ""
            parts.append(f"<li>{cite}{link}{note_html}</li>")
        parts.append("</ul>")
    return "\n".join(parts)


def index_figure(pages: list[dict], out: Path) -> str:
    """The index's figure: notebooks/figures/INDEX_FIGURE.svg, with its alt text from the notebook
    cell that draws it."""
    for p in pages:
        for cell in p["nb"].cells:
            if f"figure:{INDEX_FIGURE}" not in cell.get("metadata", {}).get("tags", []):
                continue
            for o in cell.get("outputs", []):
                data = o.get("data", {})
                if "image/svg+xml" in data:
                    svg = data["image/svg+xml"]
                    svg = svg if isinstance(svg, str) else "".join(svg)
                    alt = data.get("text/plain", "")
                    alt = (alt if isinstance(alt, str) else "".join(alt)).strip()
                    (out / "figures").mkdir(parents=True, exist_ok=True)
                    (out / "figures" / f"{INDEX_FIGURE}.svg").write_text(svg, encoding="utf-8")
                    return figure_html(f"figures/{INDEX_FIGURE}.svg", svg, alt)
    raise ValueError(f"no notebook cell is tagged figure:{INDEX_FIGURE}, the figure of the book's index")


def write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def export_html(results: list[dict], out: Path, extra_links: list[tuple[str, str, str]]) -> None:
    from nbconvert import HTMLExporter

    out.mkdir(parents=True, exist_ok=True)
    for stale in ("figures", "notebooks"):
        shutil.rmtree(out / stale, ignore_errors=True)
    (out / "notebooks").mkdir()
    pages = []
    for r in results:
        nb = nbformat.reads(r["nb"], as_version=4)
        name = Path(r["path"]).stem
        title, summary = title_and_summary(nb, name)
        shutil.copyfile(r["path"], out / "notebooks" / f"{name}.ipynb")
        pages.append(
            {"nb": nb, "name": name, "file": f"{name}.html", "notebook": f"{name}.ipynb", "title": title, "summary": summary}
        )
    shutil.copyfile(TEMPLATES / "book" / "book.css", out / "book.css")
    figures = Figures(out)
    exporter = HTMLExporter(
        template_name="book",
        extra_template_basedirs=[str(TEMPLATES)],
        mathjax_url=MATHJAX_URL,
    )
    exporter.register_filter("book_figure", figures)
    for i, page in enumerate(pages):
        resources = {
            "metadata": {"name": page["title"]},
            "book_nav": chapter_nav(pages, i),
            "book_nav_bottom": chapter_nav(pages, i, bottom=True),
            "book_aside": '<aside class="book-aside" aria-label="This page"></aside>',
        }
        figures.start(page["name"], page["nb"])
        body, _ = exporter.from_notebook_node(page["nb"], resources=resources)
        write(out / page["file"], finish_page(body, page))
    write(out / "index.html", plain_page(BOOK_TITLE, index_body(pages, index_figure(pages, out), extra_links), pages[0]))
    write(out / "references.html", plain_page(f"References · {BOOK_TITLE}", references_body(), None))
