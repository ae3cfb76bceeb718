-- Source counts for the massa-aansluiting, step 1 (R-AS-1): dbc's, verrichtingen and afspraken per delivery.
-- Both parties run the same definition on the same day: `dbt compile --select bronaantallen` prints this query
-- against the warehouse; the hospital counts the same rows in its own system (every subtraject, every
-- registered activity, every appointment in the extract's scope) and compares with msz.controle_totaal.
-- The definition is macro bronaantallen(), which rpt_massa_aansluiting uses too.
{{ bronaantallen() }}
