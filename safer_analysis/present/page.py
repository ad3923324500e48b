"""The HTML page every report and the board pack's index are set in: one stylesheet, no scripts."""

from __future__ import annotations

import html
import re

STYLE = """
:root { --text: #0b0c0c; --muted: #505a5f; --link: #1d4f91; --rule: #b1b4b6; --band: #f3f2f1; }
* { box-sizing: border-box; }
body { margin: 0; font-family: Arial, Helvetica, sans-serif; font-size: 1.05rem; line-height: 1.5;
       color: var(--text); background: #ffffff; overflow-wrap: break-word; }
a { color: var(--link); text-decoration: underline; overflow-wrap: anywhere; }
a:focus { outline: 3px solid #ffdd00; background: #ffdd00; color: var(--text); }
main:focus { outline: none; }
.skip-link { position: absolute; left: -999px; top: 0; padding: .5rem 1rem; background: #ffdd00; }
.skip-link:focus { left: 1rem; }
header.sa-masthead { background: #12436d; color: #ffffff; padding: 1rem 1.5rem; }
header.sa-masthead a { color: #ffffff; }
header.sa-masthead p { margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 1rem 0 .5rem; text-wrap: balance; }
h2 { font-size: 1.5rem; margin-top: 2.5rem; border-top: 1px solid var(--rule); padding-top: 1rem;
     text-wrap: balance; }
h3 { font-size: 1.2rem; }
nav.sa-toc { background: var(--band); padding: .75rem 1.25rem; margin: 1rem 0; }
nav.sa-toc h2 { font-size: 1.1rem; margin: 0; border: 0; padding: 0; }
.sa-kicker { color: var(--muted); font-weight: bold; margin: 0; }
dl.sa-titleblock { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: .15rem 1rem;
    margin: .5rem 0 1rem; }
dl.sa-titleblock dt { font-weight: bold; }
dl.sa-titleblock dd { margin: 0; }
.sa-banner { border-left: 6px solid #f46a25; background: #fff4eb; padding: .75rem 1rem; margin: 1rem 0; }
.sa-summary { border-left: 6px solid #12436d; background: var(--band); padding: .25rem 1rem; }
.sa-note { color: var(--text); font-style: italic; }
.sa-table-wrap { overflow-x: auto; margin: 1rem 0 1.5rem;
  /* a shadow at a side where columns are hidden, so a reader sees the table scrolls (at high zoom) */
  background: linear-gradient(to right, #fff 30%, rgba(255,255,255,0)),
              linear-gradient(to right, rgba(255,255,255,0), #fff 70%) 100% 0,
              radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.25), rgba(0,0,0,0)),
              radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.25), rgba(0,0,0,0)) 100% 0;
  background-repeat: no-repeat; background-color: #fff;
  background-size: 40px 100%, 40px 100%, 14px 100%, 14px 100%;
  background-attachment: local, local, scroll, scroll; }
.sa-table-wrap:focus-visible { outline: 3px solid #ffdd00; box-shadow: inset 0 0 0 2px var(--text); }
/* tables fit their column: headings and text wrap, only a figure's own cell never does */
table.sa-table { border-collapse: collapse; margin: 0; width: 100%; font-size: .9rem; line-height: 1.35; }
table.sa-table caption { text-align: left; font-weight: bold; padding-bottom: .4rem; }
table.sa-table th, table.sa-table td { border-bottom: 1px solid var(--rule); padding: .35rem .4rem;
    text-align: left; vertical-align: top; }
table.sa-table thead th { border-bottom: 2px solid var(--text); vertical-align: bottom; }
table.sa-table .num { text-align: right; font-variant-numeric: tabular-nums; }
table.sa-table td.num, table.sa-table tbody th.num, table.sa-table tfoot .num { white-space: nowrap; }
table.sa-table tfoot th, table.sa-table tfoot td { font-weight: bold; border-top: 2px solid var(--text); }
table.sa-table.sa-dense { font-size: .85rem; }
table.sa-dense th, table.sa-dense td { padding: .3rem .3rem; }
figure.sa-chart { margin: 1.5rem 0; }
figure.sa-chart img { max-width: 100%; height: auto; }
.sa-chart-title { display: block; font-weight: bold; font-size: 1.1rem; }
.sa-chart-subtitle { display: block; color: var(--muted); }
.sa-chart-source { color: var(--muted); font-size: .9rem; margin-top: .25rem; }
footer.sa-footer { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 2rem; color: var(--muted);
    border-top: 1px solid var(--rule); font-size: .9rem; }
code { background: var(--band); padding: 0 .2rem; }
pre { white-space: pre-wrap; }
.sa-risks { border-left: 6px solid #801650; background: #f9eef3; padding: .25rem 1rem; margin: 1rem 0; }
.sa-risks h2, .sa-risks h3 { border: 0; margin-top: .75rem; padding-top: 0; }
.sa-rag { font-weight: bold; }
.sa-rag-green { background: #d9efe3; border-left: 6px solid #00703c; }
.sa-rag-amber { background: #fdebd3; border-left: 6px solid #b45b00; }
.sa-rag-red { background: #f6d7d2; border-left: 6px solid #a3221b; }
.sa-status { font-weight: bold; white-space: nowrap; padding: 0 .35rem; }
.sa-status-illustrative, .sa-status-synthetic { background: #fdebd3; }
.sa-status-draft, .sa-status-planned { background: #e8e4f3; }
.sa-status-real { background: #d9efe3; }
.sa-appendix { margin-top: 3rem; }
details.sa-details { margin: 1rem 0; }
details.sa-details > summary { cursor: pointer; font-weight: bold; padding: .25rem 0; }
.sa-glossary dt { font-weight: bold; margin-top: .5rem; }
.sa-glossary dd { margin: 0 0 0 1rem; }
img.sa-narrow { display: none; }
.sa-map-key { display: none; }
.sa-map-key p { margin: .5rem 0 .25rem; font-weight: bold; }
.sa-map-key ol { columns: 2; column-gap: 1.5rem; margin: 0; padding-left: 1.75rem; font-size: .9rem; }
@media (max-width: 40rem) {
  body { font-size: 1rem; }
  header.sa-masthead { padding: .75rem 1rem; }
  main { padding: .75rem 1rem 2rem; }
  h1 { font-size: 1.6rem; }
  h2 { font-size: 1.3rem; }
  table.sa-table { font-size: .9rem; }
  table.sa-table td, table.sa-table th { overflow-wrap: anywhere; }
  /* a table of many columns reflows: each row a block, each cell under its column's name */
  table.sa-stack, table.sa-stack caption, table.sa-stack tbody, table.sa-stack tfoot, table.sa-stack tr,
  table.sa-stack th, table.sa-stack td { display: block; width: auto; }
  table.sa-stack thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0);
      white-space: nowrap; }
  table.sa-stack tr { border-bottom: 2px solid var(--rule); padding: .35rem 0; }
  table.sa-stack tfoot tr { border-top: 2px solid var(--text); }
  table.sa-stack th, table.sa-stack td, table.sa-stack tfoot th, table.sa-stack tfoot td { border: 0;
      padding: .1rem 0; text-align: left; white-space: normal; }
  table.sa-stack td[data-label] { display: grid; grid-template-columns: minmax(0, 45%) minmax(0, 1fr);
      column-gap: .75rem; }
  table.sa-stack td[data-label]::before { content: attr(data-label); font-weight: normal; color: var(--muted);
      white-space: normal; text-align: left; }
  table.sa-stack td:empty { display: none; }
  table.sa-table.sa-stack th { text-align: left; }
  figure.sa-chart img.sa-wide { display: none; }
  figure.sa-chart img.sa-narrow { display: block; }
  figure.sa-chart .sa-map-key { display: block; }
}
/* Print (and the PDF made from the page): A4, no navigation, nothing split that reads as one */
@page { size: A4; margin: 18mm 16mm 20mm;
  @top-center { content: string(marking); font: bold 9pt Arial, Helvetica, sans-serif; }
  @bottom-center { content: string(marking); font: bold 9pt Arial, Helvetica, sans-serif; }
  @bottom-right { content: "Page " counter(page) " of " counter(pages); font: 8.5pt Arial, Helvetica, sans-serif;
      color: #505a5f; } }
/* the pack's protective marking, at the top and foot of every printed page */
.sa-marking { string-set: marking content(); }
@media print {
  body { font-size: 10.5pt; line-height: 1.4; }
  a { color: var(--text); }
  /* where a link leads to another file, the paper says where (a page's own links need no address) */
  main a[href]:not([href^="#"]):not(.sa-url)::after { content: " (" attr(href) ")"; font-size: .85em;
      color: var(--muted); overflow-wrap: anywhere; }
  .skip-link, nav, .sa-print-copy { display: none !important; }
  header.sa-masthead { background: none; color: var(--text); border-bottom: 2px solid var(--text); padding: 0 0 .4rem; }
  header.sa-masthead a { color: var(--text); text-decoration: none; }
  header.sa-masthead a::after { content: none; }
  main { max-width: none; padding: 0; }
  footer.sa-footer { max-width: none; padding: .5rem 0 0; }
  h1 { font-size: 18pt; margin-top: .5rem; }
  h2 { font-size: 14pt; margin-top: 1.25rem; }
  h3 { font-size: 11.5pt; }
  h1, h2, h3, h4, caption, figcaption { break-after: avoid; page-break-after: avoid; }
  p, li, dd { orphans: 3; widows: 3; }
  .sa-table-wrap { overflow: visible; background: none; }
  table.sa-table { font-size: 9pt; }
  thead { display: table-header-group; }
  tr, figure, img, .sa-banner, dt { break-inside: avoid; page-break-inside: avoid; }
  figure.sa-chart img { max-width: 100%; }
  figure.sa-chart img.sa-narrow { display: none; }
.sa-map-key { display: none; }
.sa-map-key p { margin: .5rem 0 .25rem; font-weight: bold; }
.sa-map-key ol { columns: 2; column-gap: 1.5rem; margin: 0; padding-left: 1.75rem; font-size: .9rem; }
  details:not([open]) > :not(summary) { display: none; }
}
"""

_H2 = re.compile(r"<h2(?P<attrs>[^>]*)>(?P<text>.*?)</h2>", re.S)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


def add_contents(body: str) -> tuple[str, str]:
    """Give every ``<h2>`` an id and return (body, a table-of-contents ``<nav>``)."""
    entries: list[tuple[str, str]] = []
    used: set[str] = set()

    def replace(match: re.Match[str]) -> str:
        label = re.sub(r"<[^>]+>", "", match.group("text")).strip()
        slug = base = _slug(html.unescape(label))
        n = 2
        while slug in used:
            slug, n = f"{base}-{n}", n + 1
        used.add(slug)
        entries.append((slug, label))
        attrs = re.sub(r'\s*id="[^"]*"', "", match.group("attrs"))
        return f'<h2 id="{slug}"{attrs}>{match.group("text")}</h2>'

    body = _H2.sub(replace, body)
    if not entries:
        return body, ""
    items = "".join(f'<li><a href="#{slug}">{label}</a></li>' for slug, label in entries)
    nav = (
        f'<nav class="sa-toc" aria-labelledby="contents-heading">'
        f'<h2 id="contents-heading">Contents</h2><ol>{items}</ol></nav>'
    )
    return body, nav


def wrap(title: str, body: str, *, masthead: str, footer: str, contents: bool = True, notice: str | None = None) -> str:
    """A complete, self-contained HTML page around ``body`` (already HTML); ``notice`` (plain text)
    is a banner at the top of the page, e.g. that the pack is a draft."""
    nav = ""
    banner = (
        f'<div class="sa-banner sa-draft" role="note"><strong>Draft.</strong> {html.escape(notice)}</div>\n'
        if notice
        else ""
    )
    if contents:
        body, nav = add_contents(body)
        # put the contents straight after the summary section when there is one
        marker = "</section>"
        if nav and marker in body:
            body = body.replace(marker, marker + nav, 1)
            nav = ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        '<a class="skip-link" href="#content">Skip to content</a>\n'
        f'<header class="sa-masthead"><p>{masthead}</p></header>\n'
        f'<main id="content" tabindex="-1">\n{banner}{nav}{body}\n</main>\n'
        f'<footer class="sa-footer">{footer}</footer>\n</body>\n</html>\n'
    )
