"""Health, schema, catalogue and the OpenAPI document."""

from __future__ import annotations

import jsonschema

from tests.helpers import full_dossier

SPEC_CODES = {"bdf", "cepac", "ca-alpes-provence", "cic", "bnp-paribas", "bpmed", "ampa",
              "mi-honor-loan"}


def test_health_reports_each_dependency(client):
    r = client.get("/api/v1/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "storage", "orchestrator"}


def test_health_says_remote_only_for_a_prefect_server_of_its_own(client, monkeypatch):
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    assert client.get("/api/v1/health").json()["checks"]["orchestrator"] == "remote"
    # `dossier serve` names its own local server both ways: flows run in the app's processes.
    monkeypatch.setenv("DOSSIER_LOCAL_PREFECT_URL", "http://127.0.0.1:4200/api")
    assert client.get("/api/v1/health").json()["checks"]["orchestrator"] == "ok"


def test_health_degrades_when_storage_fails(client, store, tmp_path):
    store.root.mkdir(parents=True, exist_ok=True)
    store.root.rmdir()
    store.root.write_text("not a folder")
    r = client.get("/api/v1/health")
    assert r.status_code == 503
    assert r.json()["checks"]["storage"].startswith("error")


def test_schema_is_valid_and_accepts_the_full_dossier(client):
    schema = client.get("/api/v1/schema/dossier").json()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(full_dossier())
    assert "company" in schema.get("required", [])


def test_partners_lists_the_spec_catalogue(client, founder):
    partners = client.get("/api/v1/partners", headers=founder).json()
    assert {p["code"] for p in partners} == SPEC_CODES
    bdf = next(p for p in partners if p["code"] == "bdf")
    assert bdf["instruments"] == ["advice"] and bdf["kind"] == "public_advisor"
    assert all({"name", "kind", "instruments", "required_attachments", "sla_days",
                "eligibility"} <= set(p) for p in partners)


def test_openapi_describes_every_route_and_the_dossier(client):
    doc = client.get("/openapi.json").json()
    paths = doc["paths"]
    for path in ["/api/v1/auth/token", "/api/v1/me", "/api/v1/health", "/api/v1/schema/dossier",
                 "/api/v1/partners", "/api/v1/dossiers", "/api/v1/dossiers/{dossier_id}",
                 "/api/v1/dossiers/{dossier_id}/attachments",
                 "/api/v1/dossiers/{dossier_id}/attachments/{attachment_id}/content",
                 "/api/v1/dossiers/{dossier_id}/pdf"]:
        assert path in paths, path
    assert "DossierV1" in doc["components"]["schemas"]


def test_unknown_route_is_a_problem(client):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")


def test_the_serving_process_collects_garbage_less_often(client):
    import gc

    from app.main import GC_THRESHOLDS

    assert client.get("/api/v1/health").status_code == 200  # the lifespan has run
    assert gc.get_threshold() == GC_THRESHOLDS


def test_a_wrong_method_on_an_api_path_names_every_allowed_one(client):
    """GET and PUT are two routes: the answer lists both, not the first one found."""
    r = client.delete("/api/v1/dossiers/42", headers={"Accept-Language": "en"})
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, PUT"
    assert r.headers["content-type"].startswith("application/problem+json")
    problem = r.json()
    assert (problem["status"], problem["code"]) == (405, "method_not_allowed")
    assert problem["detail"] == ("Method DELETE not allowed on this address; "
                                 "allowed methods: GET, PUT.")
    r = client.patch("/api/v1/routes/42/events", headers={"Accept-Language": "fr"})
    assert r.headers["allow"] == "GET, POST"
    assert r.json()["detail"] == ("Méthode PATCH non autorisée sur cette adresse ; "
                                  "méthodes acceptées : GET, POST.")


def test_a_wrong_method_on_a_page_names_every_allowed_one(client):
    r = client.request("DELETE", "/login", headers={"Accept-Language": "fr"})
    assert r.status_code == 405
    assert r.headers["allow"] == "GET, POST"
    assert r.headers["content-type"].startswith("text/html")
    assert ("Méthode DELETE non autorisée sur cette adresse ; "
            "méthodes acceptées : GET, POST.") in r.text
