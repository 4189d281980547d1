"""The `registry` command line: serve, db upgrade, seed, validate, keys, import, export,
reindex, duplicates."""

import argparse
import getpass
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from tqdm import tqdm

from registry.auth import OPERATOR
from registry.db import pending_migrations, upgrade
from registry.documents import DocumentError, dump_json, dump_yaml, entries_in, read_file
from registry.errors import RegistryError
from registry.exports import csv_lines, render_entry
from registry.harvesting.commands import add_source_commands, run_sources
from registry.importers import FORMATS, importer_for
from registry.importing import ImportReport, expand, read_files
from registry.merge_proposals import STATES as PROPOSAL_STATES
from registry.seeding import SeedError, read_source
from registry.services import VISIBLE_STATES
from registry.settings import Settings, SettingsError
from registry.validation import EntryValidator, load_schemas, pointer
from registry.vocabularies import VocabularySet
from registry.wiring import Services, build_services, secret_key


class CommandError(Exception):
    """A readable message for the operator; the command exits non-zero."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="registry",
        description="Reuse Registry: registry and catalogue of reusable technology.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the catalogue and the API")
    serve.add_argument("--host", help="address to listen on (REGISTRY_HOST)")
    serve.add_argument("--port", type=int, help="port to listen on (REGISTRY_PORT)")
    serve.add_argument(
        "--workers",
        type=int,
        help="worker processes, about one per core (REGISTRY_WORKERS); they share one index",
    )

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    db_commands.add_parser("upgrade", help="create or upgrade the schema (Alembic)")

    seed = commands.add_parser("seed", help="load seed content or an export (idempotent)")
    seed.add_argument(
        "path", nargs="?", type=Path, help="folder or export file (REGISTRY_SEED_DIR)"
    )
    seed.add_argument("--if-empty", action="store_true", help="only when there are no entries yet")

    validate = commands.add_parser("validate", help="validate entry files (YAML or JSON)")
    validate.add_argument("files", nargs="+", type=Path)

    keys = commands.add_parser("keys", help="API keys")
    key_commands = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")
    create = key_commands.add_parser("create", help="issue a key; it is printed once")
    owner = create.add_mutually_exclusive_group(required=True)
    owner.add_argument("--supplier", help="supplier organisation (created if new)")
    owner.add_argument("--maintainer", help="maintainer (created if new)")
    create.add_argument(
        "--scope",
        action="append",
        required=True,
        help="entries:submit, entries:review or admin; repeat for several",
    )
    create.add_argument("--expires-in-days", type=int, help="expire after this many days")
    create.add_argument("--label", default="", help="a note on what the key is for")
    revoke = key_commands.add_parser("revoke", help="revoke a key by its id")
    revoke.add_argument("key_id")

    maintainers = commands.add_parser("maintainers", help="maintainers who sign in to /admin")
    maintainer_commands = maintainers.add_subparsers(
        dest="maintainers_command", required=True, metavar="ACTION"
    )
    new_maintainer = maintainer_commands.add_parser(
        "create", help="add a maintainer who signs in with email and password"
    )
    new_maintainer.add_argument("--email", required=True, help="the address they sign in with")
    new_maintainer.add_argument("--role", required=True, choices=("reviewer", "admin"))
    new_maintainer.add_argument("--name", help="how revisions and the audit log name them")
    new_maintainer.add_argument(
        "--password", help="at least 12 characters (asked for, unseen, when not given)"
    )

    imports = commands.add_parser(
        "import", help="import files in a foreign format (dry run unless --apply)"
    )
    imports.add_argument("--format", required=True, choices=FORMATS)
    imports.add_argument("paths", nargs="+", metavar="PATH", help="files, folders or glob patterns")
    imports.add_argument("--apply", action="store_true", help="store the entries (published)")
    imports.add_argument("--supplier", help="attribute the imported entries to this supplier")
    imports.add_argument("--verbose", "-v", action="store_true", help="list every warning")

    commands.add_parser("reindex", help="rebuild this instance's search index from the database")
    index_export = commands.add_parser(
        "index-export",
        help="copy this instance's search index into a folder, for a new instance to start "
        "from (REGISTRY_INDEX_SNAPSHOT)",
    )
    index_export.add_argument("destination", type=Path, help="a new or empty folder")

    add_source_commands(commands)
    duplicates = commands.add_parser(
        "duplicates", help="entries proposed for merging as listings of one product"
    )
    duplicates.add_argument(
        "--refresh",
        action="store_true",
        help="first propose the pairs found among the stored entries (and withdraw stale ones)",
    )
    duplicates.add_argument(
        "--state", choices=(*PROPOSAL_STATES, "all"), default="proposed", help="which to list"
    )
    decisions = duplicates.add_subparsers(dest="duplicates_command", metavar="ACTION")
    approve = decisions.add_parser("approve", help="merge a proposed pair")
    approve.add_argument("proposal", type=int, help="the proposal's number")
    approve.add_argument("--keep", help="the id of the entry to keep (default: as proposed)")
    approve.add_argument("--reason", default="", help="recorded with the merge")
    dismiss = decisions.add_parser("dismiss", help="keep both entries; never proposed again")
    dismiss.add_argument("proposal", type=int, help="the proposal's number")
    dismiss.add_argument("--reason", required=True, help="why they are not one product")

    export = commands.add_parser("export", help="every published entry as one document")
    export.add_argument(
        "--format",
        choices=("json", "yaml", "csv", "publiccode"),
        default="yaml",
        help="json/yaml: one document `registry seed` loads back; csv: a row per entry; "
        "publiccode: one publiccode.yml document per entry, as a YAML stream",
    )
    export.add_argument("--output", "-o", type=Path, help="file to write (default: stdout)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        return _run(args, settings)
    except (CommandError, SettingsError) as exc:
        print(f"registry: {exc}", file=sys.stderr)
        return 2
    except SeedError as exc:
        print("registry: the seed content has problems; nothing was loaded:", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
        return 1
    except RegistryError as exc:
        print(f"registry: {exc.detail}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "validate":
        return validate_files(args.files, settings, sys.stdout)
    services = build_services(settings)
    try:
        if args.command == "serve":
            return _serve(args, settings, services)
        if args.command == "db":
            upgrade(services.engine)
            print("Database schema is up to date.")
            return 0
        _require_schema(services)
        if args.command == "seed":
            return _seed(args, settings, services)
        if args.command == "keys":
            return _keys(args, services)
        if args.command == "maintainers":
            return _maintainers(args, services)
        if args.command == "export":
            return _export(args, services)
        if args.command == "import":
            return _import(args, services)
        if args.command == "reindex":
            return _reindex(services)
        if args.command == "sources":
            return run_sources(args, services, sys.stdout)
        if args.command == "duplicates":
            return _duplicates(args, services)
        if args.command == "index-export":
            return _index_export(args.destination, services)
    finally:
        services.close()
    raise CommandError(f"unknown command {args.command}")  # pragma: no cover - argparse refuses


def _require_schema(services: Services) -> None:
    if pending_migrations(services.engine):
        raise CommandError("the database schema is not up to date; run `registry db upgrade`")


def _serve(args: argparse.Namespace, settings: Settings, services: Services) -> int:
    import uvicorn

    from registry.app import create_app

    _require_schema(services)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    if not 1 <= workers <= 64:
        raise CommandError("--workers must be between 1 and 64")
    print(f"Serving the Reuse Registry on http://{host}:{port}/ (API at /api/v1)")
    if workers == 1:
        uvicorn.run(create_app(settings, services), host=host, port=port, log_level="info")
        return 0
    # Each worker process builds its own app from the environment; they must agree on
    # the key that signs forms and sessions, so it exists before any of them starts.
    secret_key(settings)
    services.close()
    os.environ["REGISTRY_WORKERS"] = str(workers)
    print(f"{workers} worker processes share the search index in {settings.effective_index_dir}")
    uvicorn.run(
        "registry.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
    )
    return 0


def _seed(args: argparse.Namespace, settings: Settings, services: Services) -> int:
    if args.if_empty and not services.seeder.is_empty():
        print("The registry already has entries; seed content not loaded (--if-empty).")
        return 0
    path = args.path or settings.seed_dir
    result = services.seeder.load(read_source(path))
    for warning in result.warnings:
        print(f"warning: {warning}")
    print(
        f"Seeded from {path}: {result.created} created, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.vocabularies} vocabularies changed."
    )
    return 0


def _keys(args: argparse.Namespace, services: Services) -> int:
    if args.keys_command == "revoke":
        services.accounts.revoke_key(args.key_id, OPERATOR)
        print(f"Key {args.key_id} revoked.")
        return 0
    try:
        issued = services.accounts.create_key(
            scopes=args.scope,
            supplier=args.supplier,
            maintainer=args.maintainer,
            expires_in_days=args.expires_in_days,
            label=args.label,
            actor=OPERATOR,
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    expiry = issued.expires_at.date().isoformat() if issued.expires_at else "never"
    print(
        f"Key {issued.key_id} for {issued.owner} ({', '.join(issued.scopes)}; expires {expiry}).",
        file=sys.stderr,
    )
    print("Store it now; it is not shown again:", file=sys.stderr)
    print(issued.token)
    return 0


def _maintainers(args: argparse.Namespace, services: Services) -> int:
    password = args.password
    if password is None:
        try:
            password = getpass.getpass("Password (at least 12 characters): ")
            again = getpass.getpass("The same password again: ")
        except EOFError:
            # No terminal (input piped or closed) and nothing more to read from it.
            raise CommandError(
                "no password given: use --password, or run the command in a terminal to be "
                "asked for it (or pipe it in twice, one line each)"
            ) from None
        if again != password:
            raise CommandError("the passwords do not match")
    try:
        account = services.accounts.create_maintainer(
            email=args.email, role=args.role, name=args.name, password=password, actor=OPERATOR
        )
    except ValueError as exc:
        raise CommandError(str(exc)) from None
    print(
        f"Maintainer {account.name} <{account.email}> ({account.role}) can now sign in at /admin."
    )
    return 0


def _reindex(services: Services) -> int:
    search = services.open_search()
    try:
        total = services.entries.health()["entries"]
        expected = sum(n for state, n in total.items() if state in VISIBLE_STATES)
        with tqdm(
            total=expected, unit="entry", desc="reindex", file=sys.stderr, disable=None, leave=False
        ) as bar:

            def advance(done: int) -> None:
                bar.update(done - bar.n)

            # Offline, so every meaning vector now: a server then starts with them all.
            count = search.feeder.rebuild(progress=advance, encode=True)
    finally:
        search.close()
    print(f"Rebuilt the search index in {services.settings.effective_index_dir}: {count} entries.")
    return 0


def _duplicates(args: argparse.Namespace, services: Services) -> int:
    proposals = services.proposals
    if args.duplicates_command == "approve":
        kept = proposals.approve(args.proposal, OPERATOR, args.reason, keep=args.keep)
        print(f"Merged proposal {args.proposal}: {kept.id} is kept; the other id redirects to it.")
        return 0
    if args.duplicates_command == "dismiss":
        proposals.dismiss(args.proposal, OPERATOR, args.reason)
        print(f"Dismissed proposal {args.proposal}: both entries stay.")
        return 0
    if args.refresh:
        report = proposals.refresh(OPERATOR)
        print(
            f"Proposed {len(report.proposed)} new pair(s); "
            f"withdrew {len(report.withdrawn)} no longer supported."
        )
    states = PROPOSAL_STATES if args.state == "all" else (args.state,)
    listed = proposals.listing(OPERATOR, states)
    for p in listed:
        print(
            f"{p.id}: {p.entry.id} ({p.entry.name}) -> keep {p.keep.id} ({p.keep.name}) "
            f"[{p.state}]: {p.evidence}"
        )
        if p.state != "proposed":
            when = (p.decided_at or "")[:16].replace("T", " ")
            print(f"    {p.state} by {p.decided_by} on {when} UTC: {p.reason}")
    print(
        f"{len(listed)} {args.state if args.state != 'all' else ''} proposal(s).".replace("  ", " ")
    )
    return 0


def _index_export(destination: Path, services: Services) -> int:
    if destination.exists() and any(destination.iterdir()):
        print(f"{destination} is not empty; choose a new or empty folder.", file=sys.stderr)
        return 2
    search = services.open_search()
    try:
        mark = search.index.export(destination)  # type: ignore[attr-defined]
    finally:
        search.close()
    print(f"Copied the search index to {destination} (change feed mark {mark}).")
    return 0


def _import(args: argparse.Namespace, services: Services) -> int:
    importer = importer_for(args.format)
    files, missing = expand(args.paths, importer.suffixes)
    for argument in missing:
        print(f"registry: {argument}: no such file, folder or matching files", file=sys.stderr)
    if not files:
        raise CommandError("nothing to import")
    with tqdm(
        total=len(files),
        unit="file",
        desc=f"import {args.format}",
        file=sys.stderr,
        disable=None,
        leave=False,
    ) as bar:

        def advance(_: Path) -> None:
            bar.update(1)

        results = read_files(importer, files, progress=advance)
        report = services.imports.run(
            importer, results, apply=args.apply, actor=OPERATOR, supplier=args.supplier
        )
    print_import_report(report, verbose=args.verbose, out=sys.stdout)
    return 1 if report.count("rejected") or missing else 0


def print_import_report(report: ImportReport, *, verbose: bool, out: TextIO) -> None:
    """Rejections and duplicates with their reasons, warnings when asked, then the counts."""
    for outcome in report.outcomes:
        if outcome.result in ("rejected", "duplicate"):
            for message in outcome.messages:
                print(f"{outcome.result}: {outcome.source}: {message}", file=out)
    if verbose:
        for source, message in report.warnings:
            print(f"warning: {source}: {message}", file=out)
    counts = ", ".join(f"{n} {name}" for name, n in report.counts.items() if n)
    mode = "applied" if report.applied else "dry run, nothing stored; --apply to store"
    hint = "" if verbose or not report.warnings else " (--verbose lists them)"
    print(
        f"{report.format}: {report.files} file(s): {counts or 'nothing found'}; "
        f"{len(report.warnings)} warning(s){hint} ({mode}).",
        file=out,
    )


def _export(args: argparse.Namespace, services: Services) -> int:
    out = args.output.open("w", encoding="utf-8", newline="") if args.output else sys.stdout
    try:
        count = write_export(services, args.format, out)
    finally:
        if args.output:
            out.close()
    where = f" to {args.output}" if args.output else ""
    print(f"Exported {count} entries{where}.", file=sys.stderr)
    return 0


def write_export(services: Services, fmt: str, out: TextIO) -> int:
    """Write every published entry in the format; the number written."""
    if fmt in ("json", "yaml"):
        data = services.seeder.export()
        out.write(dump_json(data) if fmt == "json" else dump_yaml(data))
        return len(data["entries"])
    count = 0
    if fmt == "csv":
        for count, line in enumerate(csv_lines(services.entries.published())):  # noqa: B007
            out.write(line)
        return count
    for view in services.entries.published():
        out.write("---\n" + render_entry(view.document, "publiccode"))
        count += 1
    return count


def validate_files(files: Sequence[Path], settings: Settings, out: TextIO) -> int:
    """Print `file: /path: message` for every problem; 1 when any file has an error."""
    validator = EntryValidator(load_schemas(settings.schemas_dir))
    try:
        known = read_source(settings.seed_dir).vocabulary_set()
    except SeedError:
        known = VocabularySet()
    documents: list[tuple[str, str, Any]] = []  # (file, pointer prefix, document)
    failed = False
    for file in files:
        try:
            content = read_file(file)
        except (OSError, DocumentError) as exc:
            message = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            print(f"{file}: /: {message.removeprefix(f'{file}: ')}", file=out)
            failed = True
            continue
        many = isinstance(content, list) or (isinstance(content, dict) and "entries" in content)
        for index, document in enumerate(entries_in(content)):
            prefix = (
                pointer(["entries", index])
                if isinstance(content, dict) and many
                else (pointer([index]) if many else "")
            )
            documents.append((str(file), prefix, document))
    reports = validator.validate_batch([d for _, _, d in documents], known)
    checked = 0
    for (name, prefix, _), report in zip(documents, reports, strict=True):
        checked += 1
        for issue in report.issues:
            label = "" if issue.severity == "error" else "warning: "
            print(
                f"{name}: {prefix}{issue.path or ('' if prefix else '/')}: {label}{issue.message}",
                file=out,
            )
        failed = failed or not report.valid
    summary = "problems found" if failed else "all valid"
    print(f"{checked} entries checked in {len(files)} file(s): {summary}.", file=sys.stderr)
    return 1 if failed else 0
