"""The annual follow-up as a PDF, rendered from a snapshot's content with fpdf2.

Charts are drawn with fpdf2's own line primitives: no browser, the same bytes for the same
content, and a full year renders in well under a second (see README, "Årsuppföljning och
export"). Text uses DejaVu Sans so Swedish letters and the status icons print; user text
is only ever placed as plain text (fpdf2's markdown is off), never interpreted.
"""
from __future__ import annotations


from datetime import date


from indicators.rules.formatting import format_kronor, format_number
from indicators.rules.periods import period_from_code
from indicators.files.pdf import ReportPDF, draw_chart
from indicators.rules.vocabulary import STATUS_ICONS, STATUSES


# --- the annual follow-up ----------------------------------------------------------------

def _lookups(content: dict) -> dict:
    total = next((a["code"] for a in content["areas"] if a["is_total"]), None)
    series: dict[str, dict[str, list[tuple[str, float]]]] = {}
    comments: dict[str, list[tuple[str, str]]] = {}
    for v in content["values"]:
        if v["area"] != total:
            continue
        if v["value"] is not None:
            series.setdefault(v["indicator"], {}).setdefault(v["gender"], []).append((v["period"], v["value"]))
        if v["gender"] == "T" and v["comment"]:
            comments.setdefault(v["indicator"], []).append((v["period"], v["comment"]))
    return {
        "focus": {f["code"]: f for f in content["focus_areas"]},
        "orgs": {o["code"]: o["name"] for o in content["organisations"]},
        "statuses": {s["indicator"]: s for s in content["statuses"]},
        "series": series, "comments": comments,
    }


def _cover(pdf: ReportPDF, content: dict, sha256: str) -> None:
    pdf.add_page()
    pdf.ln(40)
    program = content["program"]
    pdf.heading(program.get("name", ""), 20)
    pdf.heading(f"Årsuppföljning {content['year']}", 16)
    pdf.ln(4)
    pdf.paragraph(f"Programperiod: {program.get('start_year', '')}–{program.get('end_year', '')}")
    if program.get("decision_ref"):
        pdf.paragraph(f"Beslut: {program['decision_ref']}")
    pdf.paragraph(f"Datum för årsuppföljningen: {content['snapshot_date']}")
    pdf.paragraph(f"Värden för perioder som slutar senast {content['year']}-12-31.")
    pdf.ln(4)
    pdf.paragraph("Kontrollsumma (SHA-256) för årsuppföljningens innehåll:", 9)
    pdf.paragraph(sha256, 8.5, "B")
    if content.get("demo"):
        pdf.ln(6)
        pdf.paragraph("Exempeldata – värdena är påhittade och visar bara hur uppföljningen fungerar.", 11, "B")


def _summary(pdf: ReportPDF, content: dict, lk: dict) -> None:
    pdf.add_page()
    pdf.heading("Sammanfattning per fokusområde")
    header = ["Fokusområde"] + [f"{STATUS_ICONS[s]} {s}" for s in STATUSES]
    rows = [[lk["focus"][r["focus_area"]]["name"]] + [str(r["counts"][s]) for s in STATUSES] for r in content["summary"]]
    pdf.simple_table(header, rows, widths=[54] + [20] * len(STATUSES), align=["LEFT"] + ["CENTER"] * len(STATUSES))
    pdf.paragraph("Status visas alltid med symbol och text. " + content["method"]["status_basis"], 9)


def _indicator_section(pdf: ReportPDF, ind: dict, content: dict, lk: dict) -> None:
    pdf.ensure_space(100)
    status = lk["statuses"][ind["code"]]
    pdf.font(11, "B")
    pdf.multi_cell(0, 5.5, pdf.t(f"{ind['code']} {ind['name']}"), new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.status_text(status["status"], 9.5)
    latest = "inget värde" if status["value"] is None else (
        f"{format_number(status['value'], ind['decimals'], ind['unit'])} ({status['period']})")
    target = "" if status["target_year"] is None else (
        f"  ·  mål {status['target_year']}: {format_number(status['target_value'], ind['decimals'], ind['unit'])}")
    pdf.font(9)
    pdf.cell(0, 4.75, pdf.t(f"  Senaste: {latest}{target}  ·  trend: {status['trend']}  ·  "
                            f"ansvarig: {lk['orgs'].get(ind['responsible'], ind['responsible'])}"),
             new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 1
    chart_target = None if status["target_year"] is None else (status["target_year"], status["target_value"])
    draw_chart(pdf, pdf.l_margin, top, pdf.w - pdf.l_margin - pdf.r_margin, 52,
               lk["series"].get(ind["code"], {}), chart_target, ind["decimals"], ind["unit"])
    pdf.set_xy(pdf.l_margin, top + 54)
    year_comments = [(p, c) for p, c in lk["comments"].get(ind["code"], []) if period_from_code(p).year == content["year"]]
    if year_comments:
        for period, text in year_comments:
            pdf.paragraph(f"Analys {period_from_code(period).label}: {text}", 9)
    else:
        pdf.paragraph(f"Ingen analyskommentar för {content['year']}.", 9, "I")
    pdf.ln(3)


def _indicators(pdf: ReportPDF, content: dict, lk: dict) -> None:
    for area in content["focus_areas"]:
        pdf.add_page()
        pdf.heading(f"{area['number']}. {area['name']}")
        if area.get("description"):
            pdf.paragraph(area["description"], 9)
        for ind in content["indicators"]:
            if ind["focus_area"] == area["code"] and ind["active"]:
                _indicator_section(pdf, ind, content, lk)


def _actions(pdf: ReportPDF, content: dict, lk: dict) -> None:
    pdf.add_page()
    pdf.heading("Insatser")
    rows = [[a["name"], lk["focus"][a["focus_area"]]["short_name"] or lk["focus"][a["focus_area"]]["name"], a["status"],
             ", ".join(str(n) for n in a["program_goals"]), ", ".join(a["organisations"]),
             format_kronor(a["cost_estimate"]), "–" if a["priority"] is None else str(a["priority"])]
            for a in content["actions"]]
    pdf.simple_table(["Insats", "Fokusområde", "Status", "Programmål", "Ansvariga", "Kostnad", "Prio"], rows,
                     widths=[52, 28, 20, 17, 20, 25, 12], align=["LEFT"] * 5 + ["RIGHT", "CENTER"])
    total = sum(a["cost_estimate"] or 0 for a in content["actions"])
    pdf.paragraph(f"Beräknad kostnad för samtliga insatser: {format_kronor(total)}.", 9)
    boards = sorted({o for a in content["actions"] for o in a["organisations"]})
    pdf.paragraph("Ansvariga nämnder och förvaltningar: " + ", ".join(f"{o} = {lk['orgs'].get(o, o)}" for o in boards), 9)


def _responsibility(pdf: ReportPDF, content: dict, lk: dict) -> None:
    pdf.ensure_space(60)
    pdf.ln(4)
    pdf.heading("Ansvar per fokusområde")
    rows = [[lk["focus"][r["focus_area"]]["name"], lk["orgs"].get(r["organisation"], r["organisation"]),
             ", ".join(r["indicators"]) or "–", "; ".join(r["actions"]) or "–"] for r in content["responsibility"]]
    pdf.simple_table(["Fokusområde", "Organisation", "Indikatorer", "Insatser"], rows, widths=[38, 36, 34, 66])


def _method(pdf: ReportPDF, content: dict) -> None:
    method = content["method"]
    pdf.add_page()
    pdf.heading("Metod")
    pdf.paragraph(method["period_rule"], 9.5)
    pdf.paragraph(method["status_basis"], 9.5)
    for status in STATUSES:
        pdf.status_text(status, 9.5)
        pdf.font(9.5)
        pdf.multi_cell(0, 4.75, pdf.t(method["status_rule"]["texts"][status]), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.5)
    pdf.ln(2)
    pdf.paragraph(method["suppression_text"], 9.5)
    pdf.paragraph("Rådata finns i CSV-filen och i Excel-filens blad Rådata (indikator;period;kön;område;värde;kommentar). "
                  "Innehållet i årsuppföljningen ändras aldrig i efterhand; rättelser syns i jämförelsen med nuläget.", 9.5)


def render(content: dict, sha256: str) -> bytes:
    pdf = ReportPDF(f"Årsuppföljning {content['year']} · {content['snapshot_date']} · {sha256[:12]}",
                    created=date.fromisoformat(content["snapshot_date"]))
    pdf.set_title(f"Årsuppföljning {content['year']}")
    lk = _lookups(content)
    _cover(pdf, content, sha256)
    _summary(pdf, content, lk)
    _indicators(pdf, content, lk)
    _actions(pdf, content, lk)
    _responsibility(pdf, content, lk)
    _method(pdf, content)
    return bytes(pdf.output())
