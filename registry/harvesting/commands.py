"""`registry sources add|list|show|remove|harvest`: harvest sources from the command line."""

import argparse
import re
from pathlib import Path
from typing import Any, TextIO

from registry.auth import OPERATOR
from registry.errors import InvalidEntry, RegistryError
from registry.harvesting.harvester import RunReport
from registry.harvesting.service import RunView, SourceView
from registry.harvesting.sources import TRUST_LEVELS
from registry.importers import FORMATS
from registry.wiring import Services

_INTERVAL = re.compile(r"^(\d+)\s*([mhd]?)$")
_UNITS = {"": 1, "m": 1, "h": 60, "d": 1440}


def interval_minutes(text: str) -> int:
    """Minutes from `90`, `90m`, `6h` or `1d`."""
    found = _INTERVAL.match(text.strip().lower())
    if found is None:
        raise argparse.ArgumentTypeError(f"'{text}' is not an interval like 30m, 6h or 1d")
    return int(found.group(1)) * _UNITS[found.group(2)]


def add_source_commands(commands: Any) -> None:
    sources = commands.add_parser("sources", help="harvest sources followed on a schedule")
    actions = sources.add_subparsers(dest="sources_command", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="register a source (its first harvest is due at once)")
    add.add_argument("name", help="lower-case letters, digits and hyphens")
    add.add_argument("--format", required=True, choices=FORMATS)
    add.add_argument(
        "--url",
        action="append",
        default=[],
        help="a file (publiccode.yml, code.json, CSV …) or a repository; repeat for several",
    )
    add.add_argument("--urls-file", type=Path, help="a text file with one URL a line")
    add.add_argument("--interval", type=interval_minutes, default=1440, help="30m, 6h, 1d …")
    add.add_argument("--supplier", help="the supplier the source belongs to")
    add.add_argument(
        "--trust",
        choices=TRUST_LEVELS,
        default="review",
        help="publish: the owner attests the source; review: submit changes for review",
    )
    actions.add_parser("list", help="every source with its last and next run")
    show = actions.add_parser("show", help="a source, its recent runs and their errors")
    show.add_argument("name")
    remove = actions.add_parser("remove", help="forget a source (its entries stay)")
    remove.add_argument("name")
    harvest = actions.add_parser("harvest", help="harvest one source now, or every source")
    harvest.add_argument("name", nargs="?")


def run_sources(args: argparse.Namespace, services: Services, out: TextIO) -> int:
    sources = services.sources
    if args.sources_command == "add":
        urls = list(args.url)
        if args.urls_file:
            text = args.urls_file.read_text(encoding="utf-8")
            urls += [line.strip() for line in text.splitlines() if line.strip()]
        data = {
            "name": args.name,
            "format": args.format,
            "urls": urls,
            "interval_minutes": args.interval,
            "supplier": args.supplier,
            "trust": args.trust,
        }
        try:
            view = sources.add(data, OPERATOR)
        except InvalidEntry as exc:
            for issue in exc.issues:
                print(f"registry: {issue.path or '/'}: {issue.message}", file=out)
            return 1
        print(f"Added the source {view.name}; its first harvest is due now.", file=out)
        return 0
    if args.sources_command == "list":
        views = sources.all()
        for view in views:
            print(_line(view), file=out)
        if not views:
            print("No sources yet; add one with `registry sources add`.", file=out)
        return 0
    if args.sources_command == "show":
        _show(sources.show(args.name), out)
        return 0
    if args.sources_command == "remove":
        sources.remove(args.name, OPERATOR)
        print(f"Removed the source {args.name}; the entries it gave stay.", file=out)
        return 0
    names = [args.name] if args.name else [v.name for v in sources.all()]
    failed = False
    for name in names:
        try:
            report = sources.harvest(name, OPERATOR, "cli")
        except RegistryError as exc:
            print(f"registry: {name}: {exc.detail}", file=out)
            failed = True
            continue
        _print_report(report, out)
        failed = failed or report.status != "ok"
    return 1 if failed else 0


def _counts(counts: dict[str, int]) -> str:
    return (
        ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items() if n) or "nothing"
    )


def _line(view: SourceView) -> str:
    last = view.last_run
    state = f"last run {last.started_at:%Y-%m-%d %H:%M} {last.status}" if last else "never run"
    return (
        f"{view.name}  {view.format}  {len(view.urls)} URL(s)  every {view.interval_minutes} min  "
        f"{view.trust}  {state}  next {view.next_run_at:%Y-%m-%d %H:%M} UTC  "
        f"{view.items} item(s), {view.missing} missing"
    )


def _show(view: SourceView, out: TextIO) -> None:
    print(_line(view), file=out)
    print(f"supplier: {view.supplier or '-'}", file=out)
    for url in view.urls:
        print(f"url: {url}", file=out)
    for run in view.runs:
        _print_run(run, out)


def _print_run(run: RunView, out: TextIO) -> None:
    print(
        f"run {run.id} ({run.trigger}) {run.started_at:%Y-%m-%d %H:%M:%S} {run.status}: "
        f"{_counts(run.counts)}",
        file=out,
    )
    for error in run.errors:
        print(f"  error: {error['url']}: {error['message']}", file=out)


def _print_report(report: RunReport, out: TextIO) -> None:
    for item in report.rejections:
        for message in item["messages"]:
            print(f"{item['result']}: {item['source']}: {message}", file=out)
    for error in report.errors:
        print(f"error: {error['url']}: {error['message']}", file=out)
    print(
        f"{report.source}: run {report.run_id} {report.status}: {_counts(report.counts)}", file=out
    )
