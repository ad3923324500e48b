"""The command line: ``safer-analysis build --year 2018-19``, ``safer-analysis years``."""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

from . import __version__
from .data import load_dataset, resolve_data_dir
from .products import PRODUCTS, ParameterError
from .report import DEFAULT_OUT, BuildError, build
from .validation import DataValidationError

#: Exit codes: 0 success, 1 a notebook failed, 2 bad parameters, 3 bad input data.
EXIT_FAILED, EXIT_USAGE, EXIT_DATA = 1, 2, 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse's own usage errors exit 2 too
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _parameter(text: str) -> tuple[str, str]:
    if "=" not in text:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    name, value = text.split("=", 1)
    return name.strip(), value


def make_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="safer-analysis", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    b = sub.add_parser("build", help="build the board pack for a financial year")
    which = b.add_mutually_exclusive_group(required=True)
    which.add_argument("--year", help="financial year to build, e.g. 2018-19")
    which.add_argument("--all-years", action="store_true", help="build every year in the data")
    b.add_argument("--out", type=Path, default=DEFAULT_OUT,
                   help="folder to write <year>/ into (default: outputs/)")
    b.add_argument("--data", type=Path, default=None,
                   help="input data folder (default: the bundled data/)")
    b.add_argument("--product", action="append", choices=list(PRODUCTS),
                   help="build only this product (repeatable; default: all)")
    b.add_argument("-p", "--param", action="append", type=_parameter, default=[],
                   metavar="NAME=VALUE", help="an extra notebook parameter (repeatable)")
    b.add_argument("--csp", default="Plymouth", help="the Community Safety Partnership (default: Plymouth)")
    b.add_argument("--jobs", type=int, default=None,
                   help="notebooks to run at once (default: one per core)")

    y = sub.add_parser("years", help="list the financial years in the data")
    y.add_argument("--data", type=Path, default=None, help="input data folder")

    c = sub.add_parser("check", help="validate the input data and report any problems")
    c.add_argument("--data", type=Path, default=None, help="input data folder")

    g = sub.add_parser("export-360giving", help="write a year's allocations as 360Giving open grant data")
    g.add_argument("--year", required=True, help="financial year, e.g. 2018-19")
    g.add_argument("--out", type=Path, required=True, help="JSON file to write (the CSV is written beside it)")
    g.add_argument("--data", type=Path, default=None, help="input data folder")
    g.add_argument("--prefix", default=None, help="the publisher's 360Giving prefix (default: saferplymouth)")

    n = sub.add_parser("new-year", help="scaffold a new financial year's input files from the year before")
    n.add_argument("year", help="the new financial year, e.g. 2019-20")
    n.add_argument("--data", type=Path, default=None, help="input data folder (default: the bundled data/)")

    i = sub.add_parser("import-police-uk", help="read police.uk street-level archives into the crime cache")
    i.add_argument("paths", nargs="+", type=Path, help="zip archives or folders of YYYY-MM/ monthly files")
    i.add_argument("--csp", action="append", default=None,
                   help="CSP to keep, by LSOA name prefix (repeatable; default Plymouth)")
    i.add_argument("--lsoa-codes", type=Path, default=None,
                   help="a text file of LSOA codes (one per line) to keep instead of a name prefix")
    i.add_argument("--force", default=None, help="only this force's files, e.g. devon-and-cornwall")
    i.add_argument("--out", type=Path, default=None,
                   help="parquet file to write (one CSP) or folder (several; default data/crime/)")
    return parser


def _build(args: argparse.Namespace) -> int:
    extra = dict(args.param)
    if args.all_years:
        years = load_dataset(resolve_data_dir(args.data)).years
    else:
        years = [args.year]
    failures = 0
    for year in years:
        print(f"Building the board pack for {year} ...", flush=True)
        try:
            result = build(year, args.out, data_dir=args.data, products=args.product,
                           parameters=extra, jobs=args.jobs, csp=args.csp,
                           progress=lambda text: print(f"  {text}", file=sys.stderr, flush=True))
        except BuildError as exc:
            print(f"error: {year}: {exc}", file=sys.stderr)
            print(f"The previous outputs in {args.out / year} are untouched; the failed run is "
                  f"in {args.out / '.failed' / year}.", file=sys.stderr)
            failures += 1
            continue
        books = sorted(p.name for p in result.out_dir.glob("*.xlsx"))
        print(f"Wrote {result.out_dir}/: {', '.join(p + '.html' for p in result.products)}, index.html, "
              f"{', '.join(books) + ', ' if books else ''}manifest.json and tables/ in {result.seconds:.1f} s.")
    return EXIT_FAILED if failures else 0


def _export_360giving(args: argparse.Namespace) -> int:
    from . import giving360
    from .products import check_year

    dataset = load_dataset(resolve_data_dir(args.data))
    year = check_year(args.year, dataset).label
    kwargs = {"prefix": args.prefix} if args.prefix else {}
    try:
        paths = giving360.export(dataset, year, args.out, **kwargs)
    except giving360.ExportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print("Wrote " + " and ".join(str(p) for p in paths) + ".")
    return 0


def _progress(done: int, total: int, name: str) -> None:
    """A line on stderr about every twentieth of the files, and at the end."""
    step = max(1, total // 20)
    if done == total or done % step == 0:
        print(f"  read {done}/{total} files (latest {name})", file=sys.stderr, flush=True)


def _import_police_uk(args: argparse.Namespace) -> int:
    from . import police_uk

    started = time.perf_counter()
    csps = args.csp or ["Plymouth"]
    try:
        if args.lsoa_codes is not None:
            codes = [c.strip() for c in args.lsoa_codes.read_text(encoding="utf-8").split() if c.strip()]
            out = args.out or police_uk.DEFAULT_CACHE.parent / f"{police_uk.csp_slug(csps[0])}-street.parquet"
            reports = {csps[0]: police_uk.import_police_uk(args.paths, out, csp=csps[0], lsoa_codes=codes,
                                                                  progress=_progress)}
            written = {csps[0]: out}
        elif len(csps) == 1:
            out = args.out or police_uk.DEFAULT_CACHE.parent / f"{police_uk.csp_slug(csps[0])}-street.parquet"
            reports = {csps[0]: police_uk.import_police_uk(args.paths, out, csp=csps[0], progress=_progress)}
            written = {csps[0]: out}
        else:
            folder = args.out or police_uk.DEFAULT_CACHE.parent
            reports = police_uk.import_many(args.paths, csps, folder, progress=_progress)
            written = {c: folder / f"{police_uk.csp_slug(c)}-street.parquet" for c in csps}
    except police_uk.PoliceUkError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_DATA
    for csp, report in reports.items():
        print(f"{csp}: {report.summary()}")
        print(f"  wrote {written[csp]}")
    print(f"Done in {time.perf_counter() - started:.1f} s.")
    return 0


def _new_year(args: argparse.Namespace) -> int:
    from .newyear import NewYearError, new_year
    from .years import FinancialYearError

    try:
        scaffold = new_year(args.year, resolve_data_dir(args.data))
    except (NewYearError, FinancialYearError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(scaffold.summary())
    return 0


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(message)s")
    args = make_parser().parse_args(argv)
    started = time.perf_counter()
    try:
        if args.command == "build":
            return _build(args)
        if args.command == "export-360giving":
            return _export_360giving(args)
        if args.command == "import-police-uk":
            return _import_police_uk(args)
        if args.command == "new-year":
            return _new_year(args)
        dataset = load_dataset(resolve_data_dir(args.data))
        if args.command == "years":
            for year in dataset.years:
                print(year)
        elif args.command == "check":
            n = len(dataset.allocations)
            print(f"{dataset.root}: all files valid ({n} allocation lines, years "
                  f"{', '.join(dataset.years)}) in {time.perf_counter() - started:.1f} s.")
        return 0
    except ParameterError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except DataValidationError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_DATA


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
