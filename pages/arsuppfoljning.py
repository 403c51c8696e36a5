"""Årsuppföljning (admin): freeze a year, download the frozen files, compare with today;
and the meeting documents (underlag, minnesanteckningar) as PDF."""
from datetime import date

import streamlit as st

from indicators.meetings import documents
from indicators.annual import published, snapshot
from ui import cache
from ui.auth import page_actor
from ui.components import attempt
from indicators.unit_of_work import UnitOfWork

uow = UnitOfWork.for_app()  # every service call of this page run works in the app's database

MIME = {"json": "application/json", "csv": "text/csv",
        "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "pdf": "application/pdf"}

actor = page_actor({"admin"})

st.title("Årsuppföljning")
st.caption("En årsuppföljning fryser årets värden, status, insatser och ansvar med en kontrollsumma (SHA-256). "
           "Den ändras aldrig i efterhand: rättelser syns i jämförelsen med nuläget.")

program = cache.structure()["program"]
today = date.today()
first_year = int(program.get("start_year") or 2018)
last_year = max(min(int(program.get("end_year") or today.year), today.year), first_year)
with st.form("create_snapshot"):
    year = st.number_input("År", min_value=first_year, max_value=last_year,
                           value=min(max(today.year - 1, first_year), last_year), step=1)
    submitted = st.form_submit_button("Skapa årsuppföljning", type="primary")
if submitted:
    with st.spinner("Skapar årsuppföljningen …"):
        done, created = attempt(lambda: snapshot.create_snapshot(uow, actor, int(year)))
    if done:
        snapshot_id, sha256, files = created
        # The new one is chosen below, so its files are the ones downloaded next.
        st.session_state["arsuppfoljning_vald"] = snapshot_id
        st.success(f"Årsuppföljning {int(year)} är sparad (nr {snapshot_id}).")

st.header("Sparade årsuppföljningar")
snapshots = snapshot.list_snapshots(uow)
if snapshots.empty:
    st.info("Ingen årsuppföljning har skapats ännu.")
else:
    st.dataframe(
        snapshots[["year", "snapshot_date", "sha256", "created_by"]], hide_index=True, width="stretch",
        column_config={
            "year": st.column_config.NumberColumn("År", format="%d"),
            "snapshot_date": st.column_config.DateColumn("Datum", format="YYYY-MM-DD"),
            "sha256": st.column_config.TextColumn("Kontrollsumma (SHA-256)", width="large"),
            "created_by": st.column_config.TextColumn("Skapad av"),
        },
    )
    labels = {int(r.id): f"{r.year} – {r.snapshot_date} – {r.sha256[:12]}" for r in snapshots.itertuples()}
    if st.session_state.get("arsuppfoljning_vald") not in labels:
        st.session_state.pop("arsuppfoljning_vald", None)
    chosen = st.selectbox("Årsuppföljning", list(labels), format_func=labels.get, key="arsuppfoljning_vald")
    row = snapshots[snapshots["id"] == chosen].iloc[0]
    # The hash stays in view whatever is downloaded: it is what a reader checks the files against.
    st.markdown(f"**Kontrollsumma (SHA-256) för årsuppföljning {row['year']}**")
    st.code(row["sha256"], language=None)
    intact, _ = attempt(lambda: snapshot.verify(uow, chosen))  # a changed snapshot is never served or published
    if intact:
        st.subheader("Frysta filer")
        columns = st.columns(max(len(row["files"]), 1))
        for column, name in zip(columns, row["files"]):
            with column:
                st.download_button(f"Ladda ner {name.rsplit('.', 1)[-1].upper()}",
                                   data=lambda n=name: snapshot.snapshot_file(uow, chosen, n),
                                   file_name=name, mime=MIME.get(name.rsplit(".", 1)[-1]), key=f"dl_{chosen}_{name}")
        st.subheader("Publicering")
        public = published.published_snapshots(uow)
        if public.get(int(row["year"])) == chosen:
            st.success(f"Årsuppföljning {row['year']} är publicerad och kan läsas utan inloggning på "
                       f"/publicerat/{row['year']}/.")
            with st.form(f"withdraw_{chosen}"):
                reason = st.text_input("Skäl för att dra tillbaka publiceringen", key=f"withdraw_reason_{chosen}")
                if st.form_submit_button("Dra tillbaka publiceringen"):
                    done, _ = attempt(lambda: published.withdraw(uow, actor, int(row["year"]), reason))
                    if done:
                        st.rerun()
        else:
            st.caption("Publicera gör den frysta årsuppföljningen läsbar för alla, utan inloggning, som webbsidor och "
                       "öppna data. En tidigare publicering av samma år ersätts; den finns kvar i loggen.")
            if st.button(f"Publicera årsuppföljning {row['year']}", key=f"publish_{chosen}"):
                done, _ = attempt(lambda: published.publish(uow, actor, chosen))
                if done:
                    st.rerun()
        st.subheader("Jämför med nuläget")
        changes = snapshot.compare_with_now(uow, chosen)
        if changes.empty:
            st.success("Inga värden har rättats eller tillkommit sedan årsuppföljningen.")
        else:
            st.caption(f"{len(changes)} värden skiljer sig från årsuppföljningen (perioder till och med {row['year']}).")
            st.dataframe(changes, hide_index=True, width="stretch")

st.header("Mötesdokument")
meetings = documents.meeting_choices(uow)
if not meetings:
    st.info("Inga möten är registrerade.")
else:
    meeting_labels = dict(meetings)
    meeting_id = st.selectbox("Möte", list(meeting_labels), format_func=meeting_labels.get)
    c1, c2 = st.columns(2)
    with c1:
        st.download_button("Underlag (PDF)", data=lambda: documents.meeting_underlag_pdf(uow, meeting_id),
                           file_name=f"underlag-{meeting_labels[meeting_id][:10]}.pdf", mime="application/pdf", key=f"underlag_{meeting_id}")
    with c2:
        st.download_button("Minnesanteckningar (PDF)", data=lambda: documents.meeting_notes_pdf(uow, meeting_id),
                           file_name=f"minnesanteckningar-{meeting_labels[meeting_id][:10]}.pdf", mime="application/pdf",
                           key=f"notes_{meeting_id}")
