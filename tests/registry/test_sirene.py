"""INSEE's SIRENE API, the optional second provider: the same facts and the same degraded
mode as the public search API, against a local server speaking SIRENE 3.11's format."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest

from dossier.registry import RegistryUnavailable
from registry.settings import RegistrySettings
from registry.sirene import KEY_HEADER, Sirene
from tests.registry_server import head_siret, valid_siren

SIREN = valid_siren("84315276")
KEY = "test-integration-key"


def establishment(siren: str, *, state: str = "A") -> dict[str, Any]:
    """One établissement as SIRENE 3.11 documents it, with its legal unit."""
    return {
        "siren": siren, "nic": "00011", "siret": head_siret(siren),
        "etablissementSiege": True,
        "uniteLegale": {"etatAdministratifUniteLegale": state,
                        "dateCreationUniteLegale": "2021-03-15",
                        "denominationUniteLegale": "LUMIPHASE",
                        "categorieJuridiqueUniteLegale": "5710",
                        "activitePrincipaleUniteLegale": "26.70Z",
                        "trancheEffectifsUniteLegale": "11"},
        "adresseEtablissement": {"numeroVoieEtablissement": "38", "typeVoieEtablissement": "RUE",
                                 "libelleVoieEtablissement": "FREDERIC JOLIOT-CURIE",
                                 "codePostalEtablissement": "13013",
                                 "libelleCommuneEtablissement": "MARSEILLE"},
        "periodesEtablissement": [{"dateFin": None, "etatAdministratifEtablissement": state,
                                   "activitePrincipaleEtablissement": "26.70Z"}],
    }


class Sirene3:
    """A local SIRENE: /siret/{siret} and /siret?q=siren:… AND etablissementSiege:true."""

    def __init__(self) -> None:
        self.known: dict[str, dict[str, Any]] = {}
        self.next: tuple[int, dict[str, str], bytes | None, float] | None = None
        self.keys: list[str | None] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                return None

            def do_GET(self) -> None:
                server.keys.append(self.headers.get(KEY_HEADER))
                status, headers, body, delay = server.next or (200, {}, None, 0.0)
                time.sleep(delay)
                if body is None and status == 200:
                    status, body = server.answer(urlparse(self.path))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(body or b"")

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/api-sirene/3.11"

    def answer(self, url: Any) -> tuple[int, bytes]:
        if url.path.rstrip("/").endswith("/siret"):
            query = parse_qs(url.query)["q"][0]
            found = [e for e in self.known.values()
                     if f"siren:{e['siren']}" in query and "etablissementSiege:true" in query]
            if not found:
                return 404, json.dumps({"header": {"statut": 404}}).encode()
            return 200, json.dumps({"header": {"statut": 200, "total": 1},
                                    "etablissements": found}).encode()
        siret = url.path.rsplit("/", 1)[-1]
        found = [e for e in self.known.values() if e["siret"] == siret]
        if not found:
            return 404, json.dumps({"header": {"statut": 404}}).encode()
        return 200, json.dumps({"header": {"statut": 200}, "etablissement": found[0]}).encode()


@pytest.fixture
def insee() -> Iterator[Sirene3]:
    server = Sirene3()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.httpd.shutdown()
        server.httpd.server_close()


def client(insee: Sirene3, timeout: float = 1.0) -> Sirene:
    return Sirene(insee.url, api_key=KEY, timeout=timeout)


def test_a_siret_and_a_siren_give_the_same_facts_with_the_key_sent(insee):
    insee.known[SIREN] = establishment(SIREN)
    by_siret = client(insee).find(SIREN, head_siret(SIREN))
    by_siren = client(insee).find(SIREN)
    assert by_siret.legal_name == "LUMIPHASE" and by_siret.legal_form == "SAS"
    assert by_siret.naf_code == "26.70Z" and by_siret.creation_date.isoformat() == "2021-03-15"
    assert (by_siret.address.line1, by_siret.address.postal_code, by_siret.address.city) == (
        "38 RUE FREDERIC JOLIOT-CURIE", "13013", "MARSEILLE")
    assert by_siret.headcount_range == "11" and by_siret.active and by_siret.source == "sirene"
    assert by_siren.siret == head_siret(SIREN) and by_siren.legal_name == "LUMIPHASE"
    assert insee.keys == [KEY, KEY]


def test_unknown_is_none_and_closed_is_inactive(insee):
    assert client(insee).find(SIREN) is None
    assert client(insee).find(SIREN, head_siret(SIREN)) is None
    insee.known[SIREN] = establishment(SIREN, state="C")
    assert client(insee).find(SIREN).active is False


@pytest.mark.parametrize(("status", "headers", "body", "delay", "reason"), [
    (429, {"Retry-After": "30"}, b"", 0.0, "HTTP 429"),
    (503, {}, b"", 0.0, "HTTP 503"),
    (200, {}, b"{not json", 0.0, "malformed answer"),
    (200, {}, json.dumps({"etablissement": {"siren": SIREN}}).encode(), 0.0,
     "malformed answer"),
    (200, {}, b"{}", 2.0, "ReadTimeout"),
    (401, {}, b"", 0.0, "HTTP 401"),  # a wrong key is an outage to report, never "unknown"
])
def test_every_failure_is_unavailable_within_the_deadline(insee, status, headers, body, delay,
                                                          reason):
    insee.known[SIREN] = establishment(SIREN)
    insee.next = (status, headers, body, delay)
    started = time.monotonic()
    with pytest.raises(RegistryUnavailable) as failed:
        client(insee, timeout=0.5).find(SIREN, head_siret(SIREN))
    assert time.monotonic() - started < 1.5
    assert reason in failed.value.reason
    if status == 429:
        assert failed.value.retry_after_s == 30


def test_settings_choose_the_provider_and_demand_its_key():
    chosen = RegistrySettings(registry_provider="sirene", sirene_api_key=KEY).registry()
    assert isinstance(chosen, Sirene) and chosen.base_url.endswith("/api-sirene/3.11")
    assert RegistrySettings().registry().source == "recherche-entreprises"
    with pytest.raises(ValueError, match="SIRENE_API_KEY"):
        RegistrySettings(registry_provider="sirene").registry()
