"""The normenkader dashboards (Streamlit): the portal's VAR, VAR-parameters, Logging parameters, Facturatieblokkade,
Normrisico, Massa-aansluiting and Volumenormen pages, and the samples (Steekproeven), over the published snapshot
only.

Filters (institution, financier, year) live in the sidebar, hold across the pages of a session, and show in the
address (?institution=…&uzovi=…&jaar=…), so a page can be bookmarked or sent to a colleague as it is.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from normenkader.dashboard.data import aantal, euro, procent, query, snapshot_path, snapshot_version, waarde

st.set_page_config(page_title="normenkader", layout="wide")

SNAPSHOT = snapshot_path()
STATUS_KLEUR = {"ok": "#d7f0dd", "waarschuwing": "#fff1c2", "afwijking": "#f8d0d0", "ontbreekt": "#e4e4e4"}


@st.cache_data(show_spinner=False)
def _cached(sql: str, params: tuple, version: tuple[int, int]) -> pd.DataFrame:
    return query(SNAPSHOT, sql, params)


def _python(value):
    """A numpy scalar from an earlier result as the Python value a query parameter takes."""
    return value.item() if hasattr(value, "item") else value


def q(sql: str, *params) -> pd.DataFrame:
    return _cached(sql, tuple(_python(p) for p in params), snapshot_version(SNAPSHOT))


@st.cache_data(show_spinner=False)
def _werkboek(instelling: str, steekproef: str, version: tuple[int, int]) -> bytes:
    from normenkader.steekproef import workbook_bytes

    return workbook_bytes(SNAPSHOT, instelling, steekproef)


def werkboek(instelling: str, steekproef: str) -> bytes:
    """The reviewer's workbook of a sample design, as `normenkader export` writes it, from the snapshot."""
    return _werkboek(instelling, steekproef, snapshot_version(SNAPSHOT))


FILTERS = ("institution", "uzovi", "jaar")


def kies(label: str, key: str, opties: list, format_func=str):
    """A sidebar select box whose choice holds across the pages of a session and shows in the address; a choice
    that is not an option here falls back to the first option."""
    if not opties:
        return None
    opties = [_python(o) for o in opties]
    gevraagd = st.session_state.get(f"gekozen_{key}")
    namen = [str(o) for o in opties]
    index = namen.index(gevraagd) if gevraagd in namen else 0
    keuze = st.sidebar.selectbox(label, opties, index=index, format_func=format_func)
    st.session_state[f"gekozen_{key}"] = str(keuze)
    st.query_params[key] = str(keuze)
    return keuze


def financiernaam(uzovi: str | None) -> str:
    if uzovi is None or pd.isna(uzovi):
        return "(geen financier)"
    namen = q("select uzovi, naam from reference.ref_uzovi")
    match = namen.loc[namen.uzovi == uzovi, "naam"]
    return f"{uzovi} {match.iloc[0]}" if len(match) else f"{uzovi} (onbekend)"


def kies_instelling(bron: str) -> str | None:
    instellingen = q(f"select distinct institution from {bron} order by 1").institution.tolist()
    if not instellingen:
        st.info("Deze snapshot bevat hiervoor geen gegevens.")
        return None
    return kies("Instelling", "institution", instellingen)


def kies_financier_jaar(bron: str) -> tuple[str, str, int] | None:
    """The institution, financier and year a VAR page shows, chosen among those `bron` holds."""
    instelling = kies_instelling(bron)
    if instelling is None:
        return None
    fin = q(f"select distinct uzovi from {bron} where institution = ? order by 1", instelling).uzovi.tolist()
    uzovi = kies("Financier", "uzovi", fin, financiernaam)
    jaren = q(f"select distinct jaar from {bron} where institution = ? and uzovi = ? order by 1 desc",
              instelling, uzovi).jaar.tolist()
    return instelling, uzovi, kies("Jaar", "jaar", jaren)


def tabel(df: pd.DataFrame, kolommen: dict[str, str], formats: dict[str, callable] | None = None) -> pd.DataFrame:
    """The columns of `df` in `kolommen`, renamed to their Dutch headers and formatted for reading."""
    uit = df[list(kolommen)].copy()
    for kolom, fmt in (formats or {}).items():
        uit[kolom] = uit[kolom].map(fmt)
    for kolom in uit.columns:
        if pd.api.types.is_datetime64_any_dtype(uit[kolom]):
            uit[kolom] = uit[kolom].dt.strftime("%d-%m-%Y")
        if not pd.api.types.is_numeric_dtype(uit[kolom]):
            uit[kolom] = uit[kolom].astype(object).where(uit[kolom].notna(), "–")
    return uit.rename(columns=kolommen)


def in_eenheid(df: pd.DataFrame, kolommen: tuple[str, ...]) -> pd.DataFrame:
    """A copy of `df` with each of `kolommen` formatted in the unit of its row (column eenheid)."""
    uit = df.copy()
    for kolom in kolommen:
        uit[kolom] = [waarde(v, e) for v, e in zip(df[kolom], df.eenheid, strict=True)]
    return uit


def lijnen(df: pd.DataFrame, x: str, x_titel: str, reeksen: dict[str, str], x_domein=None, x_type="O"):
    """A line chart with a point per value of the columns `reeksen` (column: legend name) over `x`; values that are
    empty are left out, and a chart without any value says so instead of drawing an empty frame."""
    lang = (df[[x, *reeksen]].rename(columns=reeksen).melt(id_vars=x, var_name="Reeks", value_name="Waarde")
            .dropna(subset=["Waarde"]))
    if lang.empty:
        st.caption("Geen waarden om te tekenen.")
        return
    lang["Waarde"] = lang["Waarde"].astype(float)
    as_x = alt.X(f"{x}:{x_type}", title=x_titel, scale=alt.Scale(domain=x_domein) if x_domein else alt.Undefined)
    st.altair_chart(alt.Chart(lang).mark_line(point=True).encode(
        x=as_x, y=alt.Y("Waarde:Q", title=None), color=alt.Color("Reeks:N", title=None),
        tooltip=[x, "Reeks", "Waarde"]).properties(height=260), width="stretch")


def voet():
    stamp = q("select max(gepubliceerd_op) as t from publicatie").t.iloc[0]
    st.caption(f"Snapshot gepubliceerd op {stamp:%Y-%m-%d %H:%M} UTC · {SNAPSHOT}")


def overzicht():
    st.title("Overzicht")
    pub = q("select institution, peildatum from publicatie where institution is not null order by 1")
    blok = q("select institution, count(*) as n, sum(coalesce(vastgehouden_bedrag, financiele_impact)) as bedrag "
             "from normen.rpt_facturatieblokkade group by all")
    aansl = q("select institution, count(*) filter (where status <> 'ok') as n from massa.rpt_massa_aansluiting "
              "group by all")
    for row in pub.itertuples():
        st.subheader(row.institution)
        c1, c2, c3 = st.columns(3)
        c1.metric("Peildatum", f"{row.peildatum:%d-%m-%Y}")
        b = blok[blok.institution == row.institution]
        c2.metric("Geblokkeerde posten", aantal(b.n.iloc[0] if len(b) else 0))
        a = aansl[aansl.institution == row.institution]
        c3.metric("Aansluitingscellen niet ok", aantal(a.n.iloc[0] if len(a) else 0))


def var():
    st.title("VAR")
    keuze = kies_financier_jaar("var.rpt_var")
    if keuze is None:
        return
    instelling, uzovi, jaar = keuze
    rijen = q("""select var_categorie, omschrijving, optie, var_raw, var_eur, is_berekend from var.rpt_var
                 where institution = ? and uzovi = ? and jaar = ? order by var_categorie""", instelling, uzovi, jaar)
    st.caption(f"{financiernaam(uzovi)} · {jaar}")
    st.metric("VAR totaal", euro(rijen.var_eur.sum()))
    kolommen = st.columns(4)
    for i, r in enumerate(rijen.itertuples()):
        kolommen[i % 4].metric(f"VAR {r.var_categorie}", euro(r.var_eur), help=r.omschrijving)
    st.dataframe(tabel(rijen, {"var_categorie": "Categorie", "omschrijving": "Omschrijving", "optie": "Optie",
                               "var_raw": "Berekend", "var_eur": "VAR"},
                       {"optie": lambda v: "–" if v is None or pd.isna(v) else v, "var_raw": euro,
                        "var_eur": euro}), hide_index=True)
    st.subheader("Onderbouwing per categorie")
    categorie = st.selectbox("Categorie", rijen.var_categorie.tolist(),
                             format_func=lambda c: f"{c} {rijen.set_index('var_categorie').omschrijving[c]}")
    onderbouwing = q("""select parameter, parameter_omschrijving, eenheid, realisatie_ytd, prognose, afspraak
                        from var.rpt_var_onderbouwing
                        where institution = ? and uzovi = ? and jaar = ? and var_categorie = ?
                        order by try_cast(substr(parameter, 2) as integer)""", instelling, uzovi, jaar, categorie)
    uit = in_eenheid(onderbouwing, ("realisatie_ytd", "prognose", "afspraak"))
    st.dataframe(uit.rename(columns={"parameter": "Parameter", "parameter_omschrijving": "Omschrijving",
                                     "eenheid": "Eenheid", "realisatie_ytd": "Realisatie op peildatum",
                                     "prognose": "Prognose", "afspraak": "Afspraak"}), hide_index=True)
    par = q("""select p.parameter, p.omschrijving, p.eenheid, p.maand, p.realisatie_ytd, p.prognose, p.afspraak
               from var.rpt_var_parameters as p
               inner join reference.ref_var_categorie_parameter as c on p.parameter = c.parameter
               where p.institution = ? and p.uzovi = ? and p.jaar = ? and c.var_categorie = ?
               order by p.parameter, p.maand""", instelling, uzovi, jaar, categorie)
    for parameter, reeks in par.groupby("parameter", sort=True):
        st.markdown(f"**{parameter}** {reeks.omschrijving.iloc[0]} ({reeks.eenheid.iloc[0]}): de realisatie door "
                    "het jaar tegen de prognose voor het jaareinde en de afspraak")
        lijnen(reeks, "maand", "Maand", {"realisatie_ytd": "Realisatie t/m maand", "prognose": "Prognose",
                                         "afspraak": "Afspraak"}, x_domein=list(range(1, 13)))


def var_parameters():
    st.title("VAR-parameters")
    keuze = kies_financier_jaar("var.rpt_var_parameters")
    if keuze is None:
        return
    instelling, uzovi, jaar = keuze
    maand = q("select max(maand) as m from var.rpt_var_parameters where institution = ? and uzovi = ? and jaar = ?",
              instelling, uzovi, jaar).m.iloc[0]
    rijen = q("""select parameter, omschrijving, eenheid, realisatie_ytd, prognose, is_geprojecteerd,
                        berekende_prognose, is_handmatig, handmatig_reden, handmatig_door, afspraak
                 from var.rpt_var_parameters where institution = ? and uzovi = ? and jaar = ? and maand = ?
                 order by try_cast(substr(parameter, 2) as integer), parameter""", instelling, uzovi, jaar, maand)
    st.caption(f"{financiernaam(uzovi)} · {jaar} · stand na maand {maand}")
    handmatig = rijen[rijen.is_handmatig]
    if not handmatig.empty:
        st.info("Met de hand gezet (beheer_var_prognose): " + "; ".join(
            f"{r.parameter} door {r.handmatig_door}: {r.handmatig_reden}" for r in handmatig.itertuples()))
    uit = in_eenheid(rijen, ("realisatie_ytd", "prognose", "berekende_prognose", "afspraak"))
    uit["is_geprojecteerd"] = uit.is_geprojecteerd.map({True: "ja", False: "nee"})
    uit["is_handmatig"] = uit.is_handmatig.map({True: "ja", False: "nee"})
    # the afspraak beside the prognose; the computed prognose and the mark of one set by hand after them
    uit = uit[["parameter", "omschrijving", "eenheid", "realisatie_ytd", "prognose", "afspraak", "is_geprojecteerd",
               "is_handmatig", "berekende_prognose"]]
    st.dataframe(uit.rename(columns={"parameter": "Parameter", "omschrijving": "Omschrijving", "eenheid": "Eenheid",
                                     "realisatie_ytd": "Realisatie", "prognose": "Prognose",
                                     "is_geprojecteerd": "Geprojecteerd", "berekende_prognose": "Berekende prognose",
                                     "is_handmatig": "Met de hand", "afspraak": "Afspraak"}),
                 hide_index=True, height=35 * (len(uit) + 1) + 3)
    registratie(instelling)
    betrouwbaarheid(instelling)


BRONNEN = {"zpm_zorgprestatie": "Prestaties", "zpm_verblijfsdag": "Verblijfsdagen"}


def registratie(instelling: str) -> None:
    """How complete the registration of the last months' care is in the delivery (var.rpt_var_registratievoltooiing,
    D-97): what it holds, the share earlier deliveries held at the same point, what the prognose expects."""
    r = q("""select bron, begin_zorg, eind_zorg, geregistreerd, voltooiingsfactor, verwacht, nog_te_registreren
             from var.rpt_var_registratievoltooiing where institution = ? order by bron desc, maanden_terug""",
          instelling)
    if r.empty:
        return
    st.subheader("Hoe compleet is de registratie?")
    st.caption("Zorg van de laatste maanden is nog niet helemaal geregistreerd. Per bron en zorgmaand (tot de "
               "afkapdatum van de prognose): wat deze levering bevat, welk deel eerdere leveringen op hetzelfde punt "
               "van de maand bevatten (de voltooiingsfactor), en wat de prognose daarom verwacht. Oudere zorg telt "
               "als compleet.")
    r["bron"] = r.bron.map(BRONNEN).fillna(r.bron)
    st.table(tabel(r, {"bron": "Bron", "begin_zorg": "Zorg vanaf", "eind_zorg": "Zorg tot en met",
                       "geregistreerd": "Geregistreerd", "voltooiingsfactor": "Voltooiingsfactor",
                       "verwacht": "Verwacht", "nog_te_registreren": "Nog te registreren"},
                   {"geregistreerd": euro, "verwacht": euro, "nog_te_registreren": euro,
                    "voltooiingsfactor": procent}))


def betrouwbaarheid(instelling: str) -> None:
    """How far the prognose was off in the complete years (var.rpt_var_backtest, D-96): the mean absolute error
    over every financier and monthly moment, before and from September, beside the run-rate's."""
    bt = q("""select parameter, methode, case when maand <= 8 then 'jan-aug' else 'sep-nov' end as periode,
                     sum(mape * aantal_financiers) / sum(aantal_financiers) as mape,
                     string_agg(distinct cast(jaar as varchar), ', ' order by cast(jaar as varchar)) as jaren
              from var.rpt_var_backtest
              where institution = ? and methode in ('gesplitst', 'naief')
              group by parameter, methode, periode""", instelling)
    if bt.empty:
        return
    st.subheader("Hoe goed was de prognose?")
    st.caption(f"Back-test over {bt.jaren.iloc[0]}: de prognose van de eerste van elke maand (met de gegevens tot "
               "twee weken ervoor) tegen het gerealiseerde jaareinde, gemiddelde absolute afwijking over alle "
               "financiers; de run-rate (realisatie x dagen in het jaar / verstreken dagen) ter vergelijking.")
    breed = bt.pivot_table(index="parameter", columns=["periode", "methode"], values="mape")
    breed.columns = [f"{periode} {'prognose' if methode == 'gesplitst' else 'run-rate'}"
                     for periode, methode in breed.columns]
    breed = breed.reset_index()
    breed = breed.iloc[breed.parameter.str[1:].astype(int).argsort()]
    st.dataframe(breed.rename(columns={"parameter": "Parameter"}).style.format(
        {c: "{:.1%}" for c in breed.columns if c != "parameter"}, na_rep="–"), hide_index=True)


def logging_parameters():
    st.title("Logging parameters")
    keuze = kies_financier_jaar("var.rpt_var_parameter_logging")
    if keuze is None:
        return
    instelling, uzovi, jaar = keuze
    log = q("""select l.logdatum, l.parameter, p.omschrijving, p.eenheid, l.realisatie_ytd, l.prognose, l.afspraak
               from var.rpt_var_parameter_logging as l
               left join reference.ref_var_parameter as p on l.parameter = p.parameter
               where l.institution = ? and l.uzovi = ? and l.jaar = ?
               order by try_cast(substr(l.parameter, 2) as integer), l.logdatum""", instelling, uzovi, jaar)
    if log.empty:
        st.info("Nog geen logging voor deze keuze.")
        return
    parameters = log.drop_duplicates("parameter")
    parameter = st.selectbox("Parameter", parameters.parameter.tolist(),
                             format_func=lambda p: f"{p} {parameters.set_index('parameter').omschrijving[p]}")
    reeks = log[log.parameter == parameter]
    st.caption(f"{financiernaam(uzovi)} · {jaar} · {len(reeks)} builddatum(s)")
    lijnen(reeks.assign(logdatum=reeks.logdatum.astype(str)), "logdatum", "Builddatum",
           {"realisatie_ytd": "Realisatie", "prognose": "Prognose", "afspraak": "Afspraak"})
    eenheid = reeks.eenheid.iloc[0]
    st.dataframe(tabel(reeks, {"logdatum": "Builddatum", "realisatie_ytd": "Realisatie", "prognose": "Prognose",
                               "afspraak": "Afspraak"},
                       {k: (lambda v, e=eenheid: waarde(v, e)) for k in ("realisatie_ytd", "prognose", "afspraak")}),
                 hide_index=True)


def facturatieblokkade():
    st.title("Facturatieblokkade")
    instelling = kies_instelling("normen.rpt_facturatieblokkade")
    if instelling is None:
        return
    rijen = q("""select * from normen.rpt_facturatieblokkade
                 where institution = ? order by eerste_bevindingsdatum, entiteit_id""", instelling)
    c1, c2, c3 = st.columns(3)
    c1.metric("Geblokkeerde posten", aantal(len(rijen)))
    c2.metric("Financiële impact", euro(rijen.financiele_impact.sum()))
    c3.metric("Vastgehouden bedrag", euro(rijen.vastgehouden_bedrag.sum()))
    st.dataframe(tabel(rijen, {
        "entiteit_type": "Soort", "entiteit_id": "Id", "uzovi": "UZOVI", "financier_naam": "Financier",
        "specialisme": "Specialisme", "product": "Product", "declaratiecode": "Declaratiecode",
        "begindatum": "Begindatum", "einddatum": "Einddatum", "norm_ids": "Normen",
        "financiele_impact": "Financiële impact", "vastgehouden_bedrag": "Vastgehouden bedrag",
        "bedrag_bron": "Bron bedrag", "eerste_bevindingsdatum": "Eerste bevinding"},
        {"financiele_impact": euro, "vastgehouden_bedrag": euro}), hide_index=True)


def normrisico():
    st.title("Normrisico")
    instelling = kies_instelling("normen.rpt_norm_risico")
    if instelling is None:
        return
    rijen = q("select * from normen.rpt_norm_risico where institution = ? order by kader, jaar desc, risico_rang",
              instelling)
    jaren = sorted(rijen.jaar.dropna().unique().tolist(), reverse=True)
    jaar = kies("Jaar", "jaar", ["alle"] + [int(j) for j in jaren])
    if jaar != "alle":
        rijen = rijen[rijen.jaar == int(jaar)]
    tellend = rijen[rijen.telt_in_totaal]
    c1, c2, c3 = st.columns(3)
    c1.metric("Bevindingen", aantal(tellend.aantal_bevindingen.sum()),
              help="Elke norm en elk jaar één keer, ook als de norm in meer kaders staat")
    c2.metric("Financiële impact", euro(tellend.financiele_impact.sum()))
    c3.metric("Normen met bevindingen", aantal(tellend.loc[tellend.aantal_bevindingen > 0, "norm_id"].nunique()))
    for kader, deel in rijen.groupby("kader", sort=True):
        st.subheader(kader)
        st.dataframe(tabel(deel, {
            "jaar": "Jaar", "norm_id": "Norm", "norm_titel": "Titel", "aantal_bevindingen": "Bevindingen",
            "aantal_beoordeeld": "Beoordeeld", "bevinding_aandeel": "Aandeel", "financiele_impact": "Impact",
            "massa_soort": "Massa", "massa_bedrag": "Massabedrag", "impact_aandeel": "Impact/massa",
            "risico_rang": "Rang"},
            {"bevinding_aandeel": procent, "financiele_impact": euro, "massa_bedrag": euro,
             "impact_aandeel": lambda v: procent(v, 3)}), hide_index=True)


def massa_aansluiting():
    st.title("Massa-aansluiting")
    instelling = kies_instelling("massa.rpt_massa_aansluiting")
    if instelling is None:
        return
    rijen = q("""select stap, cel, maat, waarde_warehouse, waarde_instelling, verschil, verschil_aandeel, status
                 from massa.rpt_massa_aansluiting where institution = ?
                 order by case status when 'afwijking' then 0 when 'waarschuwing' then 1 else 2 end, stap, cel""",
              instelling)
    telling = rijen.status.value_counts()
    kolommen = st.columns(4)
    for kolom, status in zip(kolommen, ("ok", "waarschuwing", "afwijking", "ontbreekt"), strict=True):
        kolom.metric(f"Cellen {status}", aantal(telling.get(status, 0)))
    stappen = ["alle"] + sorted(rijen.stap.unique().tolist())
    stap = st.selectbox("Stap", stappen)
    if stap != "alle":
        rijen = rijen[rijen.stap == stap]
    uit = rijen.copy()
    for kolom in ("waarde_warehouse", "waarde_instelling", "verschil"):
        uit[kolom] = [euro(v) if m == "bedrag" else aantal(v) for v, m in zip(rijen[kolom], rijen.maat, strict=True)]
    uit["verschil_aandeel"] = rijen.verschil_aandeel.map(lambda v: procent(v, 2))
    uit = uit.drop(columns="maat").rename(columns={
        "stap": "Stap", "cel": "Cel", "waarde_warehouse": "Warehouse", "waarde_instelling": "Instelling",
        "verschil": "Verschil", "verschil_aandeel": "Verschil %", "status": "Status"})
    st.table(uit.style.apply(lambda r: [f"background-color: {STATUS_KLEUR.get(r['Status'], 'white')}"] * len(r),
                             axis=1).hide(axis="index"))


def volumenormen():
    st.title("Volumenormen")
    instelling = kies_instelling("volume.rpt_volume_inkoopadvies")
    if instelling is None:
        return
    rijen = q("select * from volume.rpt_volume_inkoopadvies where institution = ? order by inkoopjaar desc, "
              "locatie_naam, behandeling", instelling)
    jaar = kies("Inkoopjaar", "jaar", sorted(rijen.inkoopjaar.unique().tolist(), reverse=True))
    rijen = rijen[rijen.inkoopjaar == jaar]
    c1, c2 = st.columns(2)
    c1.metric("Norm gehaald", aantal((rijen.advies == "norm gehaald").sum()))
    c2.metric("Norm niet gehaald", aantal((rijen.advies != "norm gehaald").sum()))
    for locatie, deel in rijen.groupby("locatie_naam", sort=True, dropna=False):
        st.subheader(locatie if isinstance(locatie, str) else "(instelling)")
        st.dataframe(tabel(deel, {
            "behandeling": "Behandeling", "omschrijving": "Omschrijving", "verslagjaar": "Verslagjaar",
            "eenheid": "Eenheid", "minimum": "Minimum", "aantal_gerealiseerd": "Gerealiseerd",
            "aantal_prognose": "Prognose", "marge": "Marge", "advies": "Advies", "vervolgstatus": "Vervolg"}),
            hide_index=True)


def steekproeven():
    st.title("Steekproeven")
    instelling = kies_instelling("steekproef.rpt_steekproef_uitkomst")
    if instelling is None:
        return
    uitkomst = q("select * from steekproef.rpt_steekproef_uitkomst where institution = ? order by steekproef_id",
                 instelling)
    omschrijving = dict(zip(uitkomst.steekproef_id, uitkomst.omschrijving, strict=True))
    steekproef = st.selectbox("Steekproef", uitkomst.steekproef_id.tolist(),
                              format_func=lambda s: f"{s}: {omschrijving[s]}" if omschrijving[s] else s)
    u = uitkomst[uitkomst.steekproef_id == steekproef].iloc[0]
    populatie = {"declarabele_massa": "declarabele massa",
                 "verrijkte_massa": f"verrijkte massa controlepunt {u.controlepunt:.0f}",
                 "controlemassa": f"controlemassa {u.norm_id}"}.get(u.populatie, u.populatie)
    methode = {"mus": "monetary-unit sampling (celgrens)", "srs_verschil": "aselect, verschilschatter",
               "srs_ratio": "aselect, ratioschatter"}.get(u.methode, u.methode)
    st.caption(f"{populatie} {u.boekjaar:.0f} · {methode} · betrouwbaarheid {procent(u.betrouwbaarheid, 0)} · "
               f"populatie {aantal(u.populatie_items)} items, {euro(u.populatie_waarde)}"
               + (f" · interval {euro(u.steekproefinterval)}" if u.methode == "mus" else ""))
    if u.is_gewijzigd_na_bevriezing:
        st.warning("Het ontwerp is gewijzigd nadat de populatie bevroren werd: de populatie bleef, omvang en "
                   "trekking volgen het gewijzigde ontwerp. Voeg voor een nieuwe trekking een nieuw ontwerp toe.")
    st.subheader(f"Conclusie: {u.conclusie}")
    c1, c2, c3, c4 = st.columns(4)
    c1.metric("Beoordeeld", f"{aantal(u.aantal_beoordeeld)} van {aantal(u.aantal_items)}")
    c2.metric("Geprojecteerde fout", euro(u.geprojecteerde_fout))
    c3.metric("Bovengrens fout", euro(u.bovengrens_fout))
    c4.metric("Materialiteit", euro(u.materialiteit))
    if u.methode != "mus":
        st.caption(f"Standaardfout {euro(u.standaardfout)} · interval {euro(u.ondergrens_fout)} tot "
                   f"{euro(u.bovengrens_fout)}")
    st.download_button("Werkboek om te beoordelen (xlsx)", data=werkboek(instelling, steekproef),
                       file_name=f"steekproef_{instelling}_{steekproef}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    st.caption("Vul de oordelen in het werkboek in; `normenkader steekproef-oordelen <werkboek>` neemt ze over in "
               "de beheertabel, de volgende build beoordeelt de steekproef.")
    items = q("""select item_id, producttype, financier_naam, subtraject_id, aantal_regels, boekwaarde, is_zeker,
                        oordeel, fout, beoordelaar
                 from steekproef.rpt_steekproef_items where institution = ? and steekproef_id = ?
                 order by item_id""", instelling, steekproef)
    st.dataframe(tabel(items, {
        "item_id": "Item", "producttype": "Product", "financier_naam": "Financier", "subtraject_id": "Subtraject",
        "aantal_regels": "Regels", "boekwaarde": "Boekwaarde", "is_zeker": "Zeker getrokken", "oordeel": "Oordeel",
        "fout": "Fout", "beoordelaar": "Beoordelaar"},
        {"boekwaarde": euro, "fout": euro, "is_zeker": lambda v: "ja" if v else "nee"}), hide_index=True)


PAGINAS = [
    st.Page(overzicht, title="Overzicht", default=True),
    st.Page(var, title="VAR", url_path="var"),
    st.Page(var_parameters, title="VAR-parameters", url_path="var-parameters"),
    st.Page(logging_parameters, title="Logging parameters", url_path="logging-parameters"),
    st.Page(facturatieblokkade, title="Facturatieblokkade", url_path="facturatieblokkade"),
    st.Page(normrisico, title="Normrisico", url_path="normrisico"),
    st.Page(massa_aansluiting, title="Massa-aansluiting", url_path="massa-aansluiting"),
    st.Page(volumenormen, title="Volumenormen", url_path="volumenormen"),
    st.Page(steekproeven, title="Steekproeven", url_path="steekproeven"),
]

if not SNAPSHOT.exists():
    st.error(f"Geen gepubliceerde snapshot in {SNAPSHOT}: draai `make build` (of `normenkader publish`).")
else:
    # filters given in the address (a bookmark, a link from a colleague) are the session's choice
    for _key in FILTERS:
        if _key in st.query_params:
            st.session_state[f"gekozen_{_key}"] = st.query_params[_key]
    st.navigation(PAGINAS).run()
    # every page ends with the snapshot it shows: the browser test waits for this line too
    voet()
