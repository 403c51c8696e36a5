"""Command line for Uppföljning. Run ``python cli.py --help`` for the subcommands.

The CLI acts with server access: commands that need no user act as "cli" (admin);
``import`` acts as the user named with ``--user`` so the same permission rules apply.
"""
from __future__ import annotations

import argparse
import csv
import sys
from pathlib import Path

from bootstrap import drop_everything, initialise
from errors import Invalid, NotFound, UppfoljningError
from db.engine import get_engine
from indicators.catalogue import health
from indicators.files import long_format
from indicators.files.safety import neutralise
from indicators.access import users
from indicators.access.permissions import Actor
from settings import SettingsError, get_settings
from indicators.unit_of_work import UnitOfWork

CLI_ACTOR = Actor(email="cli", role="admin")


def read_input(path: str) -> bytes:
    """The bytes of an input file; one that cannot be read ends the command as a refusal:
    "Fel: …" on stderr, exit code 1 (``report_refusal``)."""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise Invalid(str(exc)) from exc


def cmd_init(args) -> int:
    engine = get_engine()
    if args.reset:
        drop_everything(engine)
        print("Databasen tömd.")
    report = initialise(engine, demo=args.demo)
    print(f"Databas: {engine.url.render_as_string(hide_password=True)}")
    print("Schema uppgraderat." if report["migrated"] else "Schemat är redan aktuellt.")
    created = report["structure"]
    print("Struktur: " + (", ".join(f"{k} {v}" for k, v in created.items()) if created else "inget nytt"))
    if args.demo:
        demo = report.get("demo") or {}
        print("Exempeldata: " + (", ".join(f"{k} {v}" for k, v in demo.items()) if demo else "finns redan"))
        new_users = users.create_demo_users(UnitOfWork(engine))
        if new_users:
            print("\nExempelkonton (lösenorden visas bara nu, spara dem):")
            for email, role, password in new_users:
                print(f"  {role:<9} {email:<32} {password}")
        else:
            print("Exempelkonton finns redan (lösenord visas bara när de skapas).")
    return 0


def cmd_check(_args) -> int:
    problems = health.catalogue_problems(UnitOfWork(get_engine()))
    if problems:
        print(f"{len(problems)} problem i katalogen:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print("Katalogen är komplett: alla aktiva indikatorer har programmål, ansvarig, fokusområde och mål.")
    return 0


def _print_csv(rows: list[dict], fieldnames: list[str]) -> None:
    """Semicolon CSV on stdout; every text cell a spreadsheet would run as a formula is neutralised."""
    writer = csv.DictWriter(sys.stdout, fieldnames=fieldnames, delimiter=";", lineterminator="\n")
    writer.writeheader()
    writer.writerows({key: neutralise(value) for key, value in row.items()} for row in rows)


def cmd_indicators(_args) -> int:
    rows = long_format.catalogue_rows(UnitOfWork(get_engine()))
    _print_csv(rows, list(rows[0].keys()) if rows else ["kod"])
    return 0


def cmd_export(args) -> int:
    count = long_format.export_csv(UnitOfWork(get_engine()), Path(args.out))
    print(f"{count} värden skrivna till {args.out}")
    return 0


def row_numbers(text: str) -> list[int]:
    """'3,7' → [3, 7]: the file's row numbers as the import names them."""
    try:
        rows = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' är inga radnummer; skriv t.ex. 3,7") from None
    if not rows or min(rows) < 1:
        raise argparse.ArgumentTypeError(f"'{text}' är inga radnummer; skriv t.ex. 3,7")
    return rows


def cmd_import(args) -> int:
    """Import values (XLSX/CSV, long format) as the named user: all rows or none."""
    from indicators.reporting import file_import

    engine = get_engine()
    actor = users.actor_for_email(UnitOfWork(engine), args.user)
    if actor is None:
        print(f"Fel: ingen aktiv användare med e-post {args.user}.", file=sys.stderr)
        return 2
    data = read_input(args.file)
    prepared, result = file_import.import_file(UnitOfWork(engine), actor, Path(args.file).name, data,
                                               dry_run=args.dry_run, lock_reason=args.lock_reason,
                                               comment_review=args.comment_review, confirm_rows=args.confirm_rows)
    for skipped in prepared.read.skipped:
        print(skipped)
    errors = prepared.read.errors + [str(e) for e in result.errors]
    for error in errors:
        print(error, file=sys.stderr)
    counts = result.counts()
    verb = "Skulle ge" if args.dry_run else "Importerat"
    print(f"{verb}: {counts['ny']} nya, {counts['ändrad']} ändrade, {counts['oförändrad']} oförändrade"
          + (" – inget sparades." if errors else "."))
    return 1 if errors else 0


def cmd_snapshot(args) -> int:
    """Freeze an annual follow-up and write its files; prints the SHA-256 of the content."""
    from datetime import date

    from indicators.annual import snapshot

    snapshot_date = date.fromisoformat(args.date) if args.date else None
    snapshot_id, sha256, names = snapshot.create_snapshot(
        UnitOfWork(get_engine()), CLI_ACTOR, args.year, snapshot_date=snapshot_date, out_dir=Path(args.out))
    print(sha256)
    for name in names:
        print(f"  {Path(args.out) / name}")
    print(f"Årsuppföljning {args.year}: id {snapshot_id}.", file=sys.stderr)
    return 0


def cmd_publish(args) -> int:
    """Build the public site of a year from its newest frozen snapshot (never from live data)."""
    from indicators.annual import publication, snapshot

    uow = UnitOfWork(get_engine())
    snapshot_id = snapshot.newest_of_year(uow, args.year)
    pages = publication.build_site(*snapshot.frozen_material(uow, snapshot_id))
    written = publication.write_site(pages, Path(args.out))
    print(f"Publicering {args.year} (årsuppföljning nr {snapshot_id}): {len(written)} filer i {args.out}; "
          f"öppna {Path(args.out) / 'index.html'}")
    return 0


def cmd_disclosure_check(args) -> int:
    """Audit export, snapshot, publication and PDF files: exit 1 with every withheld value that can be
    worked out and every published breakdown value whose stored count basis is below the threshold."""
    from indicators.files import disclosure_audit
    from indicators.rules.periods import period_from_code
    from indicators.rules.vocabulary import GENDER_LABELS

    catalogue = disclosure_audit.catalogue_of(UnitOfWork(get_engine()))
    failed = False
    for name in args.files:
        findings = disclosure_audit.audit_file(name, read_input(name), catalogue)
        if not findings:
            print(f"{name}: inget dolt värde kan räknas fram.")
            continue
        failed = True
        print(f"{name}: {len(findings)} värden avslöjar små tal (kan räknas fram, står ensamma i sin grupp "
              "eller visas trots för litet underlag):")
        for finding in findings:
            code, period, gender, area = finding.key
            if finding.n is not None:
                how = (f"visas ({long_format.plain_number(finding.value)}) fast underlaget är {finding.n}, "
                       f"färre än {catalogue.threshold}")
            elif finding.value is not None:
                how = f"kan räknas fram: {long_format.plain_number(finding.value)}"
            else:
                how = "enda dolda värdet i sin grupp"
            print(f"  {code} {period_from_code(period).label} {GENDER_LABELS.get(gender, gender)} {area}: {how}")
    return 1 if failed else 0


def cmd_verify(_args) -> int:
    """Check every stored annual follow-up against its hashes; exit 1 on any mismatch."""
    from indicators.annual import snapshot

    failed = snapshot.verify_all(UnitOfWork(get_engine()))
    for snapshot_id, problems in failed.items():
        print(f"Fel: årsuppföljning {snapshot_id} har ändrats efter att den sparades.", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
    if failed:
        return 1
    print(f"Alla årsuppföljningar stämmer med sina kontrollsummor ({snapshot.count(UnitOfWork(get_engine()))} st).")
    return 0


def cmd_user(args) -> int:
    engine = get_engine()
    if args.user_cmd == "add":
        password = _read_password(args.password_stdin)
        users.create_user(UnitOfWork(engine), CLI_ACTOR, args.email, args.role, orgs=args.org or [],
                          password=password)
        print(f"Användare {args.email} skapad ({args.role}).")
    elif args.user_cmd == "list":
        _print_csv(users.list_users(UnitOfWork(engine)),
                   ["e-post", "roll", "organisationer", "aktiv", "senast inloggad", "exempelkonto"])
    elif args.user_cmd == "set-password":
        if not args.password_stdin:
            raise users.UserError("Ange --password-stdin och skriv lösenordet på standard in.")
        users.update_user(UnitOfWork(engine), CLI_ACTOR, args.email, password=_read_password(True),
                          must_change_password=args.must_change)
        print(f"Nytt lösenord för {args.email}; användarens sessioner är avslutade.")
    elif args.user_cmd == "disable":
        users.update_user(UnitOfWork(engine), CLI_ACTOR, args.email, active=False)
        print(f"Användare {args.email} inaktiverad.")
    return 0


def _read_password(from_stdin: bool) -> str | None:
    if not from_stdin:
        return None  # single sign-on only
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise users.UserError("Inget lösenord på standard in.")
    return password


def cmd_kolada(args) -> int:
    """Official statistics from Kolada: saved API responses (offline) or a live fetch."""
    import json

    from indicators.sources import kolada_import

    engine = get_engine()
    try:
        if args.from_file:
            files = [(path, read_input(path)) for path in args.from_file]
            report = kolada_import.import_files(UnitOfWork(engine), CLI_ACTOR, files, skip_invalid=args.skip_invalid)
        else:
            report, fetched = kolada_import.fetch_and_import(
                UnitOfWork(engine), CLI_ACTOR, args.kpi, skip_invalid=args.skip_invalid,
                on_progress=lambda done, total, kpi: print(f"Hämtat {kpi} ({done}/{total})", file=sys.stderr))
            if args.save:
                Path(args.save).write_text(json.dumps(fetched.pages, ensure_ascii=False, indent=1), encoding="utf-8")
                print(f"Svaren sparade i {args.save} (kan läsas in med --from-file).")
            for kpi_id, title in report.titles.items():
                print(f"  {kpi_id}: {title}")
            for kpi_id in report.not_found:
                print(f"  {kpi_id}: finns inte i Kolada – kontrollera indikatorns KPI-id", file=sys.stderr)
    except OSError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 1
    print(report.summary())
    for warning in report.warnings:
        print(f"Varning: {warning}", file=sys.stderr)
    return 0


def cmd_catalogue(args) -> int:
    """The indicator catalogue as XLSX: export, or all-or-nothing import (upsert by code)."""
    from indicators.catalogue import workbook

    engine = get_engine()
    if args.catalogue_cmd == "export":
        Path(args.file).write_bytes(workbook.export_catalogue_xlsx(UnitOfWork(engine)))
        print(f"Katalogen skriven till {args.file}")
        return 0
    data = read_input(args.file)
    report = workbook.import_catalogue_xlsx(UnitOfWork(engine), CLI_ACTOR, data)
    for error in report.errors:
        print(error, file=sys.stderr)
    print(report.summary())
    return 0 if report.ok else 1


def cmd_remind(args) -> int:
    """Queue the round e-mails that are due and send what is pending (safe to run every hour)."""
    from indicators.reporting import reminders

    report = reminders.remind(UnitOfWork(get_engine()), dry_run=args.dry_run)
    print("\n".join(report.lines()))
    return 0


def cmd_bench(args) -> int:
    """Synthetic data at the chosen sizes, timings beside their floors, optional load test."""
    import benchmark
    import loadtest

    if args.refused:
        import benchmark_files

        refusals = benchmark_files.measure()
        print(benchmark_files.table(refusals), end="\n\n")
        if not all(r.within_budget for r in refusals):
            return 1
    reports = []
    for size in args.size or []:
        report = benchmark.run_bench(size, url=args.url, runs=args.runs)
        print(report.table(), end="\n\n")
        reports.append(report)
    load = None
    if args.browser:
        import benchmark_browser

        report = benchmark_browser.run_browser_bench(args.runs)
        print(report.table(), end="\n\n")
        reports.append(report)
    if args.writers:
        url = args.url or benchmark.temp_demo_url()
        load = loadtest.run_load(url, writers=args.writers, writes_each=args.writes)
        print(f"Samtidighet: {load.writers} skrivare, {load.successes} sparade, {load.conflicts} konflikter "
              f"(hanterade), {load.lost_updates} förlorade uppdateringar, {load.locked_errors} 'database is locked', "
              f"p50 {load.p50_ms:.1f} ms, p95 {load.p95_ms:.1f} ms, {load.seconds:.1f} s")
    if args.json:
        benchmark.write_json(reports, Path(args.json), load)
        print(f"JSON skriven till {args.json}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cli.py",
                                     description="Uppföljning: program för inkludering och social sammanhållning")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="migrera databasen och läs in strukturen")
    p.add_argument("--demo", action="store_true", help="läs också in exempeldata och skapa exempelkonton")
    p.add_argument("--reset", action="store_true", help="töm databasen först (allt försvinner)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("check", help="kontrollera katalogen; avslutar med 1 vid problem")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("indicators", help="katalogen som CSV (kod;namn;enhet;periodicitet;ansvarig;…)")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("export", help="alla värden i långformatet indikator;period;kön;område;värde;antal;kommentar")
    p.add_argument("--out", required=True, help="CSV-fil att skriva (UTF-8 med BOM, semikolon)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("import",
                       help="importera värden (xlsx/csv i långformatet) som en viss användare; allt eller inget")
    p.add_argument("file", metavar="FIL", help=".xlsx eller .csv med indikator;period;kön;område;värde;kommentar (och valfritt antal)")
    p.add_argument("--user", required=True, help="e-post för användaren som importerar (behörigheten gäller)")
    p.add_argument("--dry-run", action="store_true", help="kontrollera bara, spara inget")
    p.add_argument("--lock-reason", help="skäl för ändringar i låsta perioder (bara admin)")
    p.add_argument("--comment-review", choices=["behåll", "ta-bort"],
                   help="när ett värde med kommentar rättas och filen behåller kommentaren: behåll den eller ta bort den")
    p.add_argument("--confirm-rows", type=row_numbers, default=[], metavar="RADER",
                   help="rader vars värden är rätt som de står i filen efter frågan 'Menade du …?', t.ex. 3,7")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("snapshot", help="frys årsuppföljningen för ett år och skriv filerna (JSON, CSV, XLSX, PDF)")
    p.add_argument("--year", type=int, required=True, help="uppföljningsåret, t.ex. 2025")
    p.add_argument("--out", required=True, help="katalog för filerna")
    p.add_argument("--date", help="ögonblicksbildens datum ÅÅÅÅ-MM-DD (standard: i dag)")
    p.set_defaults(func=cmd_snapshot)

    p = sub.add_parser("publish", help="bygg den publicerade årsuppföljningen (statisk webbplats) ur en fryst årsuppföljning")
    p.add_argument("--year", type=int, required=True, help="uppföljningsåret, t.ex. 2025")
    p.add_argument("--out", required=True, help="katalog för webbplatsen")
    p.set_defaults(func=cmd_publish)

    p = sub.add_parser("disclosure-check",
                       help="granska export-, årsuppföljnings-, publicerings- och PDF-filer: avslutar med 1 om ett dolt "
                            "värde kan räknas fram eller ett värde med för litet underlag visas")
    p.add_argument("files", nargs="+", metavar="FIL")
    p.set_defaults(func=cmd_disclosure_check)

    p = sub.add_parser("user", help="hantera användare")
    user_sub = p.add_subparsers(dest="user_cmd", required=True)
    add = user_sub.add_parser("add", help="lägg till en användare")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=["admin", "official", "viewer"])
    add.add_argument("--org", action="append", help="organisationskod, t.ex. SN (kan upprepas)")
    add.add_argument("--password-stdin", action="store_true", help="läs lösenordet från standard in")
    user_sub.add_parser("list", help="lista användare")
    reset = user_sub.add_parser("set-password", help="sätt ett nytt lösenord (läses från standard in)")
    reset.add_argument("email")
    reset.add_argument("--password-stdin", action="store_true", help="läs lösenordet från standard in")
    reset.add_argument("--must-change", action="store_true", help="användaren måste byta lösenord vid inloggning")
    dis = user_sub.add_parser("disable", help="inaktivera en användare")
    dis.add_argument("email")
    p.set_defaults(func=cmd_user)
    p = sub.add_parser("verify", help="kontrollera alla årsuppföljningar mot sina kontrollsummor; 1 vid avvikelse")
    p.set_defaults(func=cmd_verify)
    p = sub.add_parser("kolada", help="hämta officiell statistik från Kolada (eller läs in sparade svar)")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--from-file", action="append", metavar="SVAR.json",
                        help="sparat API-svar (en sida eller en lista av sidor); kan upprepas")
    source.add_argument("--fetch", action="store_true", help="hämta från api.kolada.se (kräver nätverk)")
    p.add_argument("--kpi", action="append", metavar="ID", help="bara detta KPI-id (kan upprepas; med --fetch)")
    p.add_argument("--save", metavar="FIL.json", help="spara de hämtade svaren för senare --from-file")
    p.add_argument("--skip-invalid", action="store_true",
                   help="hoppa över rader som bryter mot reglerna för värden (loggas) i stället för att avvisa allt")
    p.set_defaults(func=cmd_kolada)

    p = sub.add_parser("catalogue", help="indikatorkatalogen som Excel-fil (export/import)")
    cat_sub = p.add_subparsers(dest="catalogue_cmd", required=True)
    cat_sub.add_parser("export", help="skriv katalogen till en .xlsx-fil").add_argument("file", metavar="FIL.xlsx")
    cat_sub.add_parser("import", help="läs in en .xlsx-fil; allt eller inget, avslutar med 1 vid fel") \
        .add_argument("file", metavar="FIL.xlsx")
    p.set_defaults(func=cmd_catalogue)
    p = sub.add_parser("remind", help="köa och skicka e-post för rapportomgångarna (inbjudan, påminnelse, "
                                      "försenad, bekräftelse); säker att köra varje timme")
    p.add_argument("--dry-run", action="store_true", help="visa vad som skulle köas; skriv och skicka inget")
    p.set_defaults(func=cmd_remind)

    p = sub.add_parser("bench", help="prestandamätning med syntetiska data (kvoter mot handskrivna golv)")
    p.add_argument("--size", action="append", choices=list(("XS", "S", "M", "L")),
                   help="storlek (kan upprepas); standard S. L kräver --url till PostgreSQL")
    p.add_argument("--url",
                   help="databas att mäta i (töms inte: använd en tom databas); standard en tillfällig SQLite-fil")
    p.add_argument("--runs", type=int, default=5, help="antal körningar per mått (medianen redovisas)")
    p.add_argument("--writers", type=int, default=0, help="kör också lasttestet med så många parallella skrivare")
    p.add_argument("--writes", type=int, default=10, help="sparningar per skrivare i lasttestet")
    p.add_argument("--json", help="skriv resultatet som JSON till filen")
    p.add_argument("--browser", action="store_true",
                   help="mät Översikt och Fokusområden i Chromium mot en bar sida med samma element (kall och varm)")
    p.add_argument("--refused", action="store_true",
                   help="mät avvisade fientliga filer (budget 2 s och 300 MB per fil); utan --size bara dessa")
    p.set_defaults(func=cmd_bench)
    return parser


# Exit codes (README, "Command line"): 0 done; 1 the input has problems or the request was
# refused (nothing written); 2 unknown user, unknown record or bad arguments.
EXIT_CODES = {NotFound: 2, UppfoljningError: 1}


def exit_code(error: UppfoljningError) -> int:
    return next(code for kind, code in EXIT_CODES.items() if isinstance(error, kind))


def report_refusal(error: UppfoljningError) -> int:
    """Every refusal of the error family ends a command the same way: message and problems on stderr."""
    print(f"Fel: {error.message}", file=sys.stderr)
    for problem in error.problems:
        print(f"  {problem}", file=sys.stderr)
    return exit_code(error)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        get_settings()  # an invalid environment variable stops here, named, before any work
    except SettingsError as error:
        print(f"Fel: {error}", file=sys.stderr)
        return 2
    if args.command == "bench" and not args.size and not args.refused and not args.browser:
        args.size = ["S"]
    if args.command not in ("init", "bench"):
        initialise(get_engine())  # migrate on any command: an old database still works
    try:
        return args.func(args)
    except UppfoljningError as error:
        return report_refusal(error)


if __name__ == "__main__":
    sys.exit(main())
