"""The command line's arguments: every command, its options and their help."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from safer_analysis import __version__
from safer_analysis.cli.common import EXIT_USAGE
from safer_analysis.inputs import project_format
from safer_analysis.reports.registry import PRODUCTS

#: The first line of ``--help``.
DESCRIPTION = "The command line: ``safer-analysis init``, ``import-police-uk``, ``build``, ``check`` and more."


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own usage errors exit 2 too
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parameter(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    name, value = text.split("=", 1)
    return name.strip(), value


class _Named(argparse.Action):
    """``--csp``, ``--authority`` and ``--area`` gathered into one list of (option, name), in order."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        setattr(namespace, self.dest, [*(getattr(namespace, self.dest) or []), (option_string, values)])


#: What each name option asks for: a partnership, an authority, or either (or a force area), in that order.
NAME_OPTIONS = {
    "--csp": "a Community Safety Partnership, by name or ONS code (or by its only local authority: 'York')",
    "--authority": "a local authority, by name or ONS code",
    "--area": "a partnership, else a local authority, else a police force area, by name or ONS code",
}


def _name_options(parser: argparse.ArgumentParser, what: str, **kwargs) -> None:
    """Add --csp, --authority and --area to ``parser``, each naming ``what``."""
    for option, help_text in NAME_OPTIONS.items():
        parser.add_argument(option, dest="named", action=_Named, metavar="NAME", help=f"{what}: {help_text}", **kwargs)


def _area_list(text: str) -> list[str]:
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise argparse.ArgumentTypeError(f"expected area names separated by commas, got {text!r}")
    return names


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="safer-analysis", description=DESCRIPTION)
    parser.add_argument(
        "--version",
        action="version",
        version=f"%(prog)s {__version__} (project format {project_format.CURRENT})",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--project",
        type=Path,
        default=None,
        metavar="DIR",
        help="the project folder (default: the one around the working folder)",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    n = sub.add_parser("init", help="make a new project folder for a partnership")
    n.add_argument("folder", type=Path, help="the folder to make (it may exist, but must be empty)")
    _name_options(n, "the project's area (give one of these)")
    n.add_argument("--year", default=None, help="the first financial year, e.g. 2019-20 (default: the current one)")
    n.add_argument("--name", default=None, help="how reports name the partnership (default: 'Safer <area>')")

    b = sub.add_parser("build", parents=[common], help="build the board pack for a financial year")
    which = b.add_mutually_exclusive_group()
    which.add_argument("--year", help="financial year to build, e.g. 2018-19 (default: the project's default year)")
    which.add_argument("--all-years", action="store_true", help="build every year in the data")
    b.add_argument(
        "--out", type=Path, default=None, help="folder to write <year>/ into (default: the project's outputs/)"
    )
    b.add_argument(
        "--product", action="append", choices=list(PRODUCTS), help="build only this report (repeatable; default: all)"
    )
    b.add_argument(
        "-p",
        "--param",
        action="append",
        type=_parameter,
        default=[],
        metavar="NAME=VALUE",
        help="an extra notebook parameter (repeatable)",
    )
    _name_options(b, "assess another area than the project's own")
    b.add_argument(
        "--period-end",
        default=None,
        metavar="YYYY-MM",
        help="crime figures for the 12 months ending this month (default: the 12 ending with the last month held "
        "within the year, or the latest 12 held before the year starts)",
    )
    b.add_argument("--jobs", type=int, default=None, help="notebooks to run at once (default: one per core)")
    b.add_argument(
        "--public",
        action="store_true",
        help="a version for publication: partner figures marked OFFICIAL-SENSITIVE are left out, and every page "
        "says so",
    )
    many = b.add_mutually_exclusive_group()
    many.add_argument(
        "--whole-force",
        nargs="?",
        const="",
        default=None,
        metavar="FORCE",
        help="a strategic assessment for every partnership of the police force (default: the project's), "
        "plus a force overview, from the store of all areas, into <out>/<force>-<year>/",
    )
    many.add_argument(
        "--areas",
        type=_area_list,
        default=None,
        metavar="NAME,NAME",
        help="as --whole-force, for these areas only (comma-separated names or ONS codes)",
    )

    sub.add_parser("years", parents=[common], help="list the financial years in the data")
    sub.add_parser("check", parents=[common], help="validate the input data and report any problems")

    g = sub.add_parser(
        "export-360giving", parents=[common], help="write a year's allocations as 360Giving open grant data"
    )
    g.add_argument("--year", required=True, help="financial year, e.g. 2018-19")
    g.add_argument("--out", type=Path, required=True, help="JSON file to write (the CSV is written beside it)")
    g.add_argument("--prefix", default=None, help="the publisher's 360Giving prefix (default: the project's)")

    y = sub.add_parser(
        "new-year", parents=[common], help="scaffold a new financial year's input files from the year before"
    )
    y.add_argument("year", help="the new financial year, e.g. 2019-20")

    r = sub.add_parser(
        "import-recorded-crime",
        parents=[common],
        help="add ONS's police recorded crime by partnership (a newer edition) to the project (data/reference/)",
    )
    r.add_argument(
        "file",
        type=Path,
        help="ONS's 'Police force area data tables' workbook (.xlsx) as downloaded, or its Table C2, C4 or C5 as CSV",
    )

    c = sub.add_parser(
        "peers",
        parents=[common],
        help="a partnership's most similar group with its police recorded crime (ONS), as CSV or a table",
    )
    c.add_argument(
        "--area", default=None, metavar="NAME-OR-CODE", help="a partnership (default: the project's own area)"
    )
    c.add_argument(
        "--period-end",
        default=None,
        metavar="YYYY-MM",
        help="the year of ONS's table ending this month (default: the latest held with rates)",
    )
    c.add_argument("--format", choices=["table", "csv"], default="table", help="csv for scripts (default: table)")
    c.add_argument(
        "--offence-group",
        default="total",
        metavar="GROUP",
        help="one of ONS's headline offence groups, 'total' (the default) or 'all' (every group)",
    )
    c.add_argument("--size", type=int, default=None, help="the group's size (default: the method's, 15)")

    i = sub.add_parser(
        "import-police-uk", parents=[common], help="read police.uk street-level archives into the project's crime store"
    )
    i.add_argument("paths", nargs="+", type=Path, help="zip archives or folders of YYYY-MM/ monthly files")
    _name_options(i, "an area to keep (repeatable; default: the project's own area)")
    i.add_argument(
        "--all-areas",
        action="store_true",
        help="keep every area of the archives in one store (data/crime/all-areas-street.parquet), from which any "
        "area's assessment is built without reading the archives again",
    )
    i.add_argument(
        "--lsoa-codes",
        type=Path,
        default=None,
        help="a text file of LSOA codes (one per line) to keep instead of the area's LSOA names",
    )
    i.add_argument("--force", default=None, help="only this force's files, e.g. devon-and-cornwall")
    i.add_argument(
        "--replace-smaller",
        action="store_true",
        help="let a month read again replace the rows held even when it holds fewer than 90%% of them",
    )
    i.add_argument(
        "--new-store",
        action="store_true",
        help="write the store afresh from the downloads given, keeping none of the months it holds "
        "(to remake a damaged store)",
    )
    i.add_argument(
        "--out",
        type=Path,
        default=None,
        help="parquet file to write (one area) or folder (several; default: the project's data/crime/)",
    )

    t = sub.add_parser(
        "import-indicators",
        parents=[common],
        help="add partners' indicators (an OHID Fingertips CSV export, or the tidy format) to data/indicators.csv",
    )
    t.add_argument("file", type=Path, help="the CSV file as downloaded from Fingertips, or in the tidy format")
    t.add_argument(
        "--priority",
        default=None,
        metavar="NAME",
        help="link every indicator imported to this local priority (its key or name, as in local_priorities.csv)",
    )
    o = sub.add_parser(
        "import-population",
        parents=[common],
        help="add a newer ONS mid-year population estimates workbook to the project (data/reference/)",
    )
    o.add_argument("workbook", type=Path, help="the ONS workbook as downloaded (.xls or .xlsx), e.g. mye22final.xlsx")
    m = sub.add_parser(
        "import-boundaries",
        parents=[common],
        help="add LSOA or ward boundaries downloaded from the ONS Open Geography Portal, for the maps",
    )
    m.add_argument("path", type=Path, help="a GeoJSON, GeoPackage or shapefile (or a zip of one) of LSOAs or wards")
    m.add_argument(
        "--area",
        default=None,
        help="keep this area's polygons, by name or ONS code (default: the project's own area)",
    )

    k = sub.add_parser(
        "notebooks", parents=[common], help="compare the project's notebooks with the package's, or refresh them"
    )
    k.add_argument(
        "--update",
        action="store_true",
        help="copy the package's notebooks over missing or differing copies (each old copy kept: .old, .old.2 ...)",
    )
    return parser
