"""A local "Recherche d'entreprises": answers in the API's documented format, or misbehaves."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

from stdnum import luhn


def head_siret(siren: str, nic: str = "0001") -> str:
    """A valid SIRET of the company (its NIC completed with the Luhn check digit)."""
    return siren + nic + luhn.calc_check_digit(siren + nic)


def valid_siren(base: str) -> str:
    """Eight digits completed with their Luhn check digit."""
    return base + luhn.calc_check_digit(base)


def company(siren: str, *, name: str = "OPTIMAGE SAS", nature: str = "5710",
            naf: str = "26.70Z", created: str = "2019-06-03", state: str = "A",
            headcount: str = "11", postal_code: str = "13013", city: str = "MARSEILLE",
            street: str = "12 RUE DE LA REPUBLIQUE 13013 MARSEILLE",
            establishments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One search result as the API documents it (registry.md)."""
    head = {"siret": head_siret(siren), "adresse": street, "code_postal": postal_code,
            "libelle_commune": city, "activite_principale": naf, "date_creation": created,
            "etat_administratif": state}
    return {"siren": siren, "nom_complet": name, "nom_raison_sociale": name,
            "nature_juridique": nature, "activite_principale": naf, "date_creation": created,
            "etat_administratif": state, "tranche_effectif_salarie": headcount, "siege": head,
            "matching_etablissements": establishments or [head]}


@dataclass
class Behaviour:
    """What the next answers do: a status, a delay, a body that is not JSON."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body: bytes | None = None
    times: int | None = None  # then back to normal; None: until changed


KNOWN_SIREN = valid_siren("55544433")  # the company the `reg` fixture's registry knows


class RegistryServer:
    """`with RegistryServer() as reg:` the API at `reg.url`; `reg.companies[siren] = …`."""

    def __init__(self) -> None:
        self.companies: dict[str, dict[str, Any]] = {}
        self.queries: list[str] = []
        self.behaviour = Behaviour()
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def misbehave(self, **kwargs: Any) -> None:
        """Answer the next requests (all, or `times`) as told."""
        with self._lock:
            self.behaviour = Behaviour(**kwargs)

    def _next(self) -> Behaviour:
        with self._lock:
            now = self.behaviour
            if now.times is not None:
                now.times -= 1
                if now.times <= 0:
                    self.behaviour = Behaviour()
            return now

    def answer(self, query: str) -> dict[str, Any]:
        """The search result for a SIREN or SIRET, in the API's envelope."""
        found = [c for siren, c in self.companies.items() if query[:9] == siren]
        return {"results": found, "total_results": len(found), "page": 1, "per_page": 10,
                "total_pages": 1 if found else 0}

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def __enter__(self) -> RegistryServer:
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: Any) -> None:
                pass

            def do_GET(self) -> None:
                query = parse_qs(urlparse(self.path).query).get("q", [""])[0]
                registry.queries.append(query)
                now = registry._next()
                time.sleep(now.delay)
                body = now.body if now.body is not None else json.dumps(
                    registry.answer(query)).encode()
                if now.status != 200 and now.body is None:
                    body = b'{"erreur": "indisponible"}'
                try:
                    self.send_response(now.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    for name, value in now.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting, as it should

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_exc: Any) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def app_asking(registry: RegistryServer, settings: Any, engine: Any, sessions: Any, store: Any,
               *, timeout: float) -> Iterator[Any]:
    """A test client of the app whose REGISTRY_URL is this fake registry; the registry
    cache is emptied after (the `sessions` fixture keeps no rows of its own there)."""
    from fastapi.testclient import TestClient

    from app.main import create_app
    from dossier.models import RegistryCheck, RegistryCompany

    settings.registry_url, settings.registry_timeout = registry.url, timeout
    with TestClient(create_app(settings, engine=engine, store=store)) as client:
        yield client
    with sessions.begin() as db:
        db.query(RegistryCheck).delete()
        db.query(RegistryCompany).delete()
