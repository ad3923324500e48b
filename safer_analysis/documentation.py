"""The documentation site's generated pages, made afresh at every build so they cannot drift from
the code: the command reference (from the command line's own parser), the data dictionary (from
:mod:`safer_analysis.workbench.dictionary`), the changelog (from the repository's CHANGELOG.md)
and the methods of each report (from :mod:`safer_analysis.reports.methods`).

:data:`PAGES` maps each page's path in the site's ``docs/`` to a function that returns its
Markdown; ``docs/hooks.py`` adds them to the site as it is built, and none is committed.

>>> print(table(["Option", "Help"], [[code("--year"), prose("the year | its span")]]))
| Option | Help |
| --- | --- |
| `--year` | the year &#124; its span |
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

#: The repository's root, where CHANGELOG.md lives (the package is installed editable from it).
ROOT = Path(__file__).resolve().parents[1]

#: Spans of inline code, left as written by :func:`prose`.
_CODE = re.compile(r"(`+)(.+?)\1")


def prose(text: str) -> str:
    """``text`` made safe as Markdown prose on one line: what would read as HTML, emphasis or a
    link is escaped, and so is a table's ``|``; spans of code in backticks are left as they are.

    >>> print(prose("into <out>/<year>/, from local_priorities.csv or *any* [file]"))
    into &lt;out&gt;/&lt;year&gt;/, from local\\_priorities.csv or \\*any\\* \\[file\\]
    >>> prose("the ``safer-analysis init`` command")
    'the ``safer-analysis init`` command'
    """
    out, at = [], 0
    for match in _CODE.finditer(text):
        out += [_escape(text[at : match.start()]), match.group(0)]
        at = match.end()
    out.append(_escape(text[at:]))
    return " ".join("".join(out).split())


def _escape(text: str) -> str:
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("|", "&#124;")
    return re.sub(r"([\\*_\[\]])", r"\\\1", text)


def code(text: str) -> str:
    """``text`` as a span of inline code (a table's ``|`` cannot be escaped inside one, so it may not hold one).

    >>> code("--period-end YYYY-MM")
    '`--period-end YYYY-MM`'
    """
    if "|" in text or "`" in text or "\n" in text:
        raise ValueError(f"cannot write {text!r} as inline code in a table")
    return f"`{text}`"


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A Markdown table: ``header`` and ``rows`` hold cells already written as Markdown."""
    lines = [header, ["---"] * len(header), *rows]
    for line in lines:
        if len(line) != len(header):
            raise ValueError(f"a row of {len(line)} cells in a table of {len(header)} columns: {line!r}")
    return "\n".join("| " + " | ".join(cell or " " for cell in line) + " |" for line in lines)


# -- the command reference ------------------------------------------------------------------------

#: Where usage lines wrap on the page.
_USAGE_WIDTH = 90


def _help(action: argparse.Action, prog: str) -> str:
    """An argument's help with argparse's own ``%(default)s``-style placeholders filled in."""
    if not action.help or action.help == argparse.SUPPRESS:
        return ""
    params = {k: v for k, v in vars(action).items() if v is not argparse.SUPPRESS}
    params["prog"] = prog
    if params.get("choices") is not None:
        params["choices"] = ", ".join(str(c) for c in params["choices"])
    return action.help % params


def _takes(action: argparse.Action) -> str:
    """What an argument takes after its option string, as argparse's usage writes it."""
    if action.nargs == 0:
        return ""
    if action.metavar is not None:
        name = action.metavar if isinstance(action.metavar, str) else " ".join(action.metavar)
    elif action.choices is not None:
        name = "{" + ",".join(str(c) for c in action.choices) + "}"
    else:
        name = action.dest if not action.option_strings else action.dest.upper()
    return {"?": f"[{name}]", "*": f"[{name} ...]", "+": f"{name} [{name} ...]"}.get(action.nargs, name)


def _notes(action: argparse.Action, parser: argparse.ArgumentParser) -> str:
    """Sentences on what argparse enforces beyond the help: an option that must be given, and
    options that cannot be given together."""
    notes = ["Required."] if action.required and action.option_strings else []
    for group in parser._mutually_exclusive_groups:
        if action in group._group_actions:
            others = [code(a.option_strings[-1]) for a in group._group_actions if a is not action]
            notes.append("Not with " + " or ".join(others) + ".")
    return " ".join(notes)


def _arguments(parser: argparse.ArgumentParser) -> str:
    """Tables of a parser's positional arguments and of its options."""
    positional = [a for a in parser._actions if not a.option_strings and not isinstance(a, argparse._SubParsersAction)]
    optional = [a for a in parser._actions if a.option_strings]
    parts = []
    if positional:
        rows = [[code(_takes(a)), _sentence(prose(_help(a, parser.prog)))] for a in positional]
        parts += ["**Arguments**", table(["Argument", "What it is"], rows)]
    if optional:
        rows = []
        for action in optional:
            takes = _takes(action)
            names = ", ".join(code(f"{o} {takes}".strip()) for o in action.option_strings)
            rows.append(
                [names, " ".join(filter(None, [_sentence(prose(_help(action, parser.prog))), _notes(action, parser)]))]
            )
        parts += ["**Options**", table(["Option", "What it does"], rows)]
    return "\n\n".join(parts)


def _sentence(text: str) -> str:
    """``text`` with a capital letter and a full stop.

    >>> _sentence("list the financial years in the data")
    'List the financial years in the data.'
    """
    text = text.strip()
    return text[:1].upper() + text[1:] + ("" if not text or text.endswith((".", "!", "?")) else ".")


def _usage(parser: argparse.ArgumentParser) -> str:
    """The parser's usage as ``--help`` prints it, wrapped at a fixed width (not the terminal's)."""
    formatter = parser.formatter_class(prog=parser.prog, width=_USAGE_WIDTH)
    formatter.add_usage(parser.usage, parser._actions, parser._mutually_exclusive_groups)
    return "```text\n" + formatter.format_help().strip() + "\n```"


def subcommands(parser: argparse.ArgumentParser) -> list[tuple[str, str, argparse.ArgumentParser]]:
    """Every subcommand of ``parser``, in the order it lists them: name, one-line help, parser."""
    out = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help or "" for choice in action._choices_actions}
            out += [(name, helps.get(name, ""), sub) for name, sub in action.choices.items()]
    return out


def commands_page(parser: argparse.ArgumentParser | None = None) -> str:
    """The command reference: every command with what it does, its usage and every option."""
    if parser is None:
        from safer_analysis.cli.parser import make_parser

        parser = make_parser()
    commands = subcommands(parser)
    lines = [
        "# Commands",
        "",
        "Every command of `" + parser.prog + "` with its options, as `" + parser.prog + " <command> --help` "
        "prints them. This page is made from the command line's own definition each time the site is built.",
        "",
        _sentence(prose(parser.description or "")),
        "",
        _usage(parser),
        "",
        _arguments(parser),
        "",
        "**Commands**",
        "",
        table(
            ["Command", "What it does"],
            [[f"[`{name}`](#{parser.prog}-{name})", _sentence(prose(help_text))] for name, help_text, _ in commands],
        ),
    ]
    for name, help_text, sub in commands:
        lead = prose(sub.description or help_text)
        lines += ["", f"## {parser.prog} {name}", "", _sentence(lead), "", _usage(sub)]
        lines += ["", _arguments(sub)]
    return "\n".join(lines) + "\n"


# -- the data dictionary --------------------------------------------------------------------------

#: Headings of the two tables that are not input files.
_NOT_FILES = {"crime": "The crime store", "geography": "Columns the workbench adds to the crime store"}


def dictionary_page() -> str:
    """The data dictionary: every input file, with its columns' types, whether each is required
    and unique, and what each means."""
    from safer_analysis.workbench import dictionary

    lines = [
        "# Data dictionary",
        "",
        "Every file the project reads from its `data/` folder, with each column's type, whether it must be "
        "filled in (required) and whether no two rows may share a value (unique), and what it means. "
        "`safer-analysis check` validates the files against these rules, and the workbench's "
        "`data_dictionary()` shows the same tables. This page is made from the package's own schemas each "
        "time the site is built.",
    ]
    for name in [*dictionary.FILES, *_NOT_FILES]:
        frame = dictionary.data_dictionary(name).frame
        rows = [
            [
                code(str(row.column)),
                prose(str(row.type)),
                "yes" if row.required else "",
                "yes" if row.unique else "",
                prose(str(row.meaning)),
            ]
            for row in frame.itertuples()
        ]
        heading = f"`{dictionary.FILES[name]}`" if name in dictionary.FILES else _NOT_FILES[name]
        meaning = dictionary.FILE_MEANINGS.get(name, "")
        lines += ["", f"## {heading}", ""]
        lines += [_sentence(prose(meaning)), ""] if meaning else []
        lines.append(table(["Column", "Type", "Required", "Unique", "Meaning"], rows))
    return "\n".join(lines) + "\n"


# -- the changelog --------------------------------------------------------------------------------


def changelog_page(path: Path | None = None) -> str:
    """The repository's CHANGELOG.md as it is, or a line saying there is none yet."""
    path = ROOT / "CHANGELOG.md" if path is None else path
    if path.is_file():
        return path.read_text(encoding="utf-8")
    return "# Changelog\n\nNo changes have been recorded yet.\n"


def similar_groups_page(path: Path | None = None) -> str:
    """How the most similar partnerships are made, their checks and limits: the repository's
    ``data/similar-groups.md`` as it is (the notes the workbench and ``peers`` print point to it)."""
    path = ROOT / "data" / "similar-groups.md" if path is None else path
    return path.read_text(encoding="utf-8")


# -- the methods of each report -------------------------------------------------------------------

#: The reports whose methods have a page: product name, page and title.
METHODS = {
    "strategic_assessment": ("methods/strategic-assessment.md", "Strategic assessment"),
    "allocation_rationale": ("methods/allocation-rationale.md", "Allocation rationale"),
    "spend_analysis": ("methods/spend-analysis.md", "Spend analysis"),
    "force_overview": ("methods/force-overview.md", "Force overview"),
}


def _methods_page(product: str) -> Callable[[], str]:
    """A report's methods page: the same source as the pack's methods section
    (:func:`safer_analysis.reports.methods.page`), imported when the page is built."""

    def page() -> str:
        from safer_analysis.reports import methods

        return methods.page(product)

    return page


def methods_pages() -> dict[str, Callable[[], str]]:
    """Each report's methods page."""
    return {path: _methods_page(product) for product, (path, _) in METHODS.items()}


#: Every generated page: its path in ``docs/`` and the function that writes its Markdown.
PAGES: dict[str, Callable[[], str]] = {
    **methods_pages(),
    "reference/commands.md": commands_page,
    "reference/data-dictionary.md": dictionary_page,
    "changelog.md": changelog_page,
    "methods/similar-groups.md": similar_groups_page,
}
