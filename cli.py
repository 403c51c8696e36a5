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
from db.engine import database_url, get_engine
from indicators import checks, exports, users
from indicators.permissions import Actor

CLI_ACTOR = Actor(email="cli", role="admin")


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
        new_users = users.create_demo_users(engine)
        if new_users:
            print("\nExempelkonton (lösenorden visas bara nu, spara dem):")
            for email, role, password in new_users:
                print(f"  {role:<9} {email:<32} {password}")
        else:
            print("Exempelkonton finns redan (lösenord visas bara när de skapas).")
    return 0


def cmd_check(_args) -> int:
    problems = checks.catalogue_problems(get_engine())
    if problems:
        print(f"{len(problems)} problem i katalogen:")
        for problem in problems:
            print(f"  - {problem}")
        return 1
    print("Katalogen är komplett: alla aktiva indikatorer har programmål, ansvarig, fokusområde och mål.")
    return 0


def cmd_indicators(_args) -> int:
    rows = exports.catalogue_rows(get_engine())
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0].keys()) if rows else ["kod"], delimiter=";",
                            lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return 0


def cmd_export(args) -> int:
    count = exports.export_csv(Path(args.out), get_engine())
    print(f"{count} värden skrivna till {args.out}")
    return 0


def cmd_user(args) -> int:
    engine = get_engine()
    try:
        if args.user_cmd == "add":
            password = _read_password(args.password_stdin)
            users.create_user(CLI_ACTOR, args.email, args.role, orgs=args.org or [], password=password, engine=engine)
            print(f"Användare {args.email} skapad ({args.role}).")
        elif args.user_cmd == "list":
            rows = users.list_users(engine)
            writer = csv.DictWriter(sys.stdout, fieldnames=["e-post", "roll", "organisationer", "aktiv", "senast inloggad", "exempelkonto"],
                                    delimiter=";", lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)
        elif args.user_cmd == "disable":
            users.update_user(CLI_ACTOR, args.email, active=False, engine=engine)
            print(f"Användare {args.email} inaktiverad.")
    except users.UserError as exc:
        print(f"Fel: {exc}", file=sys.stderr)
        return 1
    return 0


def _read_password(from_stdin: bool) -> str | None:
    if not from_stdin:
        return None  # single sign-on only
    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        raise users.UserError("Inget lösenord på standard in.")
    return password


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cli.py", description="Uppföljning: program för inkludering och social sammanhållning")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("init", help="migrera databasen och läs in strukturen")
    p.add_argument("--demo", action="store_true", help="läs också in exempeldata och skapa exempelkonton")
    p.add_argument("--reset", action="store_true", help="töm databasen först (allt försvinner)")
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("check", help="kontrollera katalogen; avslutar med 1 vid problem")
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("indicators", help="katalogen som CSV (kod;namn;enhet;periodicitet;ansvarig;…)")
    p.set_defaults(func=cmd_indicators)

    p = sub.add_parser("export", help="alla värden i långformatet indikator;period;kön;område;värde;kommentar")
    p.add_argument("--out", required=True, help="CSV-fil att skriva (UTF-8 med BOM, semikolon)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("user", help="hantera användare")
    user_sub = p.add_subparsers(dest="user_cmd", required=True)
    add = user_sub.add_parser("add", help="lägg till en användare")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=["admin", "official", "viewer"])
    add.add_argument("--org", action="append", help="organisationskod, t.ex. SN (kan upprepas)")
    add.add_argument("--password-stdin", action="store_true", help="läs lösenordet från standard in")
    user_sub.add_parser("list", help="lista användare")
    dis = user_sub.add_parser("disable", help="inaktivera en användare")
    dis.add_argument("email")
    p.set_defaults(func=cmd_user)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command != "init":
        initialise(get_engine())  # migrate on any command: an old database still works
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
