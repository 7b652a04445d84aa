"""The founder's status page after decisions (issue 16): accepting an offer, conditions on other
partners, tranches paid, revised decisions, the plan's approved/accepted/paid-out columns and
leverage, other partners after a refusal, the Médiation du crédit after a bank's refusal."""

from __future__ import annotations

import re
from datetime import timedelta

from markupsafe import escape

from dossier.db import utcnow
from forms.formatting import format_money
from tests.conftest import login
from tests.web.test_founder_pages import page_login, reviewer_event, submitted_dossier

CEPAC = "Caisse d&#39;Epargne CEPAC"
BPMED = "Banque Populaire Méditerranée"


def status(client, dossier_id: str) -> str:
    r = client.get(f"/founder/dossiers/{dossier_id}")
    assert r.status_code == 200, r.text
    return r.text


def card(html: str, route_id: str) -> str:
    """The route's card on the status page."""
    start = html.index(f'id="route-{route_id}"')
    return html[start:html.index("</article>", start)]


def routes(client, founder, dossier_id: str) -> dict[str, dict]:
    view = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()
    return {(x["partner"], x["kind"]): x for x in view["routes"]}


def pay(client, partner: str, route_id: str, amount: str, days_ago: int, label: str) -> None:
    r = client.post(f"/api/v1/routes/{route_id}/disbursements",
                    headers=login(client, f"{partner}@demo.example"),
                    json={"amount_eur": amount, "label": label,
                          "date": (utcnow() - timedelta(days=days_ago)).date().isoformat()})
    assert r.status_code == 201, r.text


def money(amount: str) -> str:
    return str(escape(format_money(amount, "fr")))


def test_an_offer_is_accepted_once_confirmed_then_its_tranches_show(client, founder, app,
                                                                  prefect_harness):
    dossier_id, route_of, _ = submitted_dossier(client, founder, app)
    cepac = route_of["cepac"]
    reviewer_event(client, "cepac", cepac, {"type": "approved", "instrument": "bank_loan",
                                            "amount_eur": "200000", "duration_months": 84})
    csrf = page_login(client)
    here = card(status(client, dossier_id), cepac)
    assert "Accepter l&#39;offre" in here and "engage votre entreprise" in here
    assert f"J&#39;accepte l&#39;offre de {CEPAC} au nom de Lumiphase" in here
    assert f"prêt bancaire de {money('200000')}" in here

    url = f"/founder/dossiers/{dossier_id}/routes/{cepac}/accept"
    r = client.post(url, data={"csrf": csrf})
    assert r.status_code == 422
    assert "Cochez la case pour confirmer que vous acceptez cette offre." in r.text
    assert f'id="accept-confirm-{cepac}" name="confirm" value="yes" aria-invalid="true"' in r.text
    assert routes(client, founder, dossier_id)[("cepac", "funding")]["state"] == "approved"

    r = client.post(url, data={"csrf": csrf, "confirm": "yes"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith(f"#route-{cepac}")
    page = client.get(r.headers["location"]).text
    assert f"Vous avez accepté l&#39;offre de {CEPAC}" in page
    assert routes(client, founder, dossier_id)[("cepac", "funding")]["state"] == "accepted"
    # a second click changes nothing and says it is done
    again = client.post(url, data={"csrf": csrf, "confirm": "yes"}, follow_redirects=False)
    assert again.status_code == 303

    here = card(page, cepac)
    assert "Offre acceptée le" in here and "Aucun versement pour l&#39;instant" in here
    assert "Accepter l&#39;offre" not in here
    pay(client, "cepac", cepac, "120000", 10, "Première tranche")
    pay(client, "cepac", cepac, "50000", 2, "Deuxième tranche")
    page = status(client, dossier_id)
    here = card(page, cepac)
    for shown in ("Versements reçus", "Première tranche", "Deuxième tranche", money("120000"),
                  money("50000"), f"Versé : {money('170000')} sur {money('200000')}",
                  f"Reste à verser : {money('30000')}", "Versement reçu"):
        assert shown.replace(" : ", "\u00a0: ") in here, shown
    # the plan: approved, accepted and paid out, per source and in total
    row = re.search(r"<tr[^>]*>\s*<td[^>]*><span>Prêt d&#39;investissement CEPAC<br>"
                    r"<span class=\"muted\">Prêt bancaire</span></span></td>(.*?)</tr>",
                    page, re.S).group(1)
    assert row.count(money("200000")) == 3 and money("170000") in row and "Offre acceptée" in row
    assert f"<dd data-accepted>{money('200000')}</dd>" in page
    assert f"<dd data-disbursed>{money('170000')}</dd>" in page


def test_a_conditional_offer_says_why_it_cannot_be_accepted_yet(client, founder, app,
                                                                prefect_harness):
    dossier_id, route_of, _ = submitted_dossier(client, founder, app)
    mi = route_of["mi-honor-loan"]
    reviewer_event(client, "mi-honor-loan", mi, {
        "type": "approved", "instrument": "honor_loan", "amount_eur": "50000",
        "conditional_on": [{"partner": "cepac", "min_amount_eur": "150000"}]})
    csrf = page_login(client)
    here = card(status(client, dossier_id), mi)
    assert (f"Sous condition de l&#39;accord de {CEPAC} (au moins {money('150000')})"
            in here)
    assert '<span class="badge cond pending">en attente</span>' in here
    assert "vous pourrez l&#39;accepter quand la condition ci-dessus sera remplie" in here
    assert f"/routes/{mi}/accept" not in here
    # posted anyway (an old page): refused, nothing changes
    r = client.post(f"/founder/dossiers/{dossier_id}/routes/{mi}/accept",
                    data={"csrf": csrf, "confirm": "yes"})
    assert r.status_code == 409 and "dépend de la décision d&#39;un autre partenaire" in r.text
    assert routes(client, founder, dossier_id)[("mi-honor-loan", "funding")]["state"] == \
        "approved"

    reviewer_event(client, "cepac", route_of["cepac"], {
        "type": "approved", "instrument": "bank_loan", "amount_eur": "200000"})
    page = status(client, dossier_id)
    here = card(page, mi)
    assert '<span class="badge cond met">remplie</span>' in here
    assert f"/routes/{mi}/accept" in here
    assert ("Effet de levier\u00a0: 4,00\u00a0€ de prêts bancaires et de fonds propres par euro "
            "de prêt d&#39;honneur ou de subvention") in page
    client.cookies.set("lang", "en")  # English too
    english = status(client, dossier_id)
    assert "Conditional on Caisse d&#39;Epargne CEPAC&#39;s approval (at least €150,000.00)" in \
        english and '<span class="badge cond met">met</span>' in english
    assert "Accept the offer" in english and "Leverage: €4.00 of bank loans and equity" in english


def test_a_failed_condition_is_flagged_in_the_plan(client, founder, app, prefect_harness):
    dossier_id, route_of, _ = submitted_dossier(client, founder, app)
    reviewer_event(client, "mi-honor-loan", route_of["mi-honor-loan"], {
        "type": "approved", "instrument": "honor_loan", "amount_eur": "50000",
        "conditional_on": [{"partner": "cepac"}]})
    reviewer_event(client, "cepac", route_of["cepac"], {"type": "declined",
                                                        "reason": "risk_profile"})
    page_login(client)
    page = status(client, dossier_id)
    assert "Condition non remplie" in page
    assert (f"L&#39;accord de Marseille Innovation — prêt d&#39;honneur à l&#39;innovation "
            f"était sous condition de celui de {CEPAC}") in page
    assert 'class="failed-condition"' in page
    here = card(page, route_of["mi-honor-loan"])
    assert '<span class="badge cond failed">non remplie</span>' in here
    assert "ne peut pas être acceptée en l&#39;état" in here


def test_a_revised_decision_shows_its_reason_and_the_earlier_one(client, founder, app,
                                                                 prefect_harness):
    dossier_id, route_of, _ = submitted_dossier(client, founder, app)
    cepac = route_of["cepac"]
    reviewer_event(client, "cepac", cepac, {"type": "declined", "reason": "incomplete"})
    reviewer_event(client, "cepac", cepac, {
        "type": "revised", "reason": "Pièces reçues par courrier",
        "decision": {"type": "approved", "instrument": "bank_loan", "amount_eur": "180000"}})
    page_login(client)
    here = card(status(client, dossier_id), cepac)
    assert re.search(r"Décision révisée le \d+ \w+ \d{4}</strong>\u00a0: Pièces reçues par "
                     r"courrier", here), here
    assert "Décision précédente\u00a0: Refusé" in here and "Dossier incomplet" in here
    assert money("180000") in here and "Accepter l&#39;offre" in here


def test_after_a_refusal_other_partners_are_listed_and_sent_in_two_clicks(
        client, founder, app, prefect_harness):
    dossier_id, route_of, _ = submitted_dossier(client, founder, app)
    page_login(client)
    assert "Autres partenaires possibles" not in status(client, dossier_id)
    reviewer_event(client, "bpmed", route_of["bpmed"], {"type": "declined",
                                                        "reason": "risk_profile"})
    csrf = page_login(client)
    page = status(client, dossier_id)
    box = page[page.index('id="alternatives"'):page.index("</section>",
                                                           page.index('id="alternatives"'))]
    assert 'value="cic"' in box and 'value="ca-alpes-provence"' in box
    assert f"Prêt bancaire de {money('150000')}, comme demandé à {BPMED}" in box
    assert "cepac" not in box and 'value="bpmed"' not in box

    url = f"/founder/dossiers/{dossier_id}/alternatives"
    r = client.post(url, data={"csrf": csrf})
    assert r.status_code == 422 and "Cochez les partenaires" in r.text
    assert ("cic", "funding") not in routes(client, founder, dossier_id)
    r = client.post(url, data={"csrf": csrf, "send": ["cepac"]})  # not an alternative
    assert r.status_code == 422 and ("cepac", "funding") in routes(client, founder, dossier_id)

    r = client.post(url, data={"csrf": csrf, "send": ["cic"]}, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"].endswith("?submitted=1")
    sent = routes(client, founder, dossier_id)
    assert sent[("cic", "funding")]["state"] in ("queued", "delivered")
    content = client.get(f"/api/v1/dossiers/{dossier_id}", headers=founder).json()["content"]
    asked = next(x for x in content["requests"] if x["partner"] == "cic")
    assert (asked["instrument"], asked["amount_eur"]) == ("bank_loan", "150000.00")
    assert 'value="cic"' not in status(client, dossier_id)


def test_a_bank_refusal_is_taken_to_the_mediation_with_consent_once(client, founder, app,
                                                                    prefect_harness):
    dossier_id, route_of, _ = submitted_dossier(client, founder, app)
    bpmed = route_of["bpmed"]
    reviewer_event(client, "bpmed", bpmed, {"type": "declined", "reason": "risk_profile",
                                            "comment": "Endettement trop élevé."})
    reviewer_event(client, "ampa", route_of["ampa"], {"type": "declined",
                                                      "reason": "too_early"})
    csrf = page_login(client)
    page = status(client, dossier_id)
    assert "Saisir la Médiation du crédit" in page and "gratuite et confidentielle" in page
    assert f"/routes/{bpmed}/mediation" in page
    assert f"/routes/{route_of['ampa']}/mediation" not in page  # a fund, not a bank

    url = f"/founder/dossiers/{dossier_id}/routes/{bpmed}/mediation"
    r = client.post(url, data={"csrf": csrf})
    assert r.status_code == 422
    key = f"mediation-consent-{bpmed}"
    assert f'<a href="#{key}">Cochez la case' in r.text
    assert (f'id="{key}" name="consent" value="yes" aria-invalid="true" '
            f'aria-describedby="e-{key}"') in r.text
    assert not any(kind == "mediation" for _, kind in routes(client, founder, dossier_id))

    r = client.post(url, data={"csrf": csrf, "consent": "yes"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    referral = routes(client, founder, dossier_id)[("bdf", "mediation")]
    assert r.headers["location"].endswith(f"?mediation=1#route-{referral['id']}")
    page = client.get(r.headers["location"]).text
    assert "La Médiation du crédit est saisie" in page
    here = card(page, referral["id"])
    assert "Médiation du crédit — Banque de France" in here
    for shown in (BPMED, "Profil de risque", "Endettement trop élevé.",
                  f"Prêt bancaire de {money('150000')}"):
        assert str(escape(shown)) in here, shown
    assert f"/routes/{bpmed}/mediation" not in page  # once per dossier

    twice = client.post(url, data={"csrf": csrf, "consent": "yes"})
    assert twice.status_code == 409
    assert "La Médiation du crédit est déjà saisie pour ce dossier" in twice.text
    assert f'href="#route-{referral["id"]}"' in twice.text
    assert len([k for k in routes(client, founder, dossier_id) if k[1] == "mediation"]) == 1
