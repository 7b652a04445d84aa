"""A client generated from the app's OpenAPI document alone (`openapi-python-client`), and
the journey it runs: the founder submits, the partner's reviewer opens, asks and approves."""

from __future__ import annotations

import importlib
import io
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import httpx

from tests.helpers.dossiers import full_dossier
from tests.helpers.files import minimal_pdf

GENERATOR = str(Path(sys.executable).parent / "openapi-python-client")
PACKAGE = "dossier_client"
# Offline: no formatter after generation. Files (PDF, ZIP, XLSX) come to the client as bytes.
CONFIG = {"post_hooks": [], "content_type_overrides": {
    media_type: "application/octet-stream" for media_type in (
        "application/pdf", "application/zip",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")}}


def generate(document: dict, folder: Path) -> ModuleType:
    """Generate the client package from `document` into `folder` and import it afresh."""
    spec, config = folder / "openapi.json", folder / "config.json"
    spec.write_text(json.dumps(document), "utf-8")
    config.write_text(json.dumps(CONFIG), "utf-8")
    done = subprocess.run([GENERATOR, "generate", "--path", str(spec), "--meta", "none",
                           "--output-path", str(folder / PACKAGE), "--config", str(config)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "WARNING" not in done.stdout, done.stdout  # every operation made it into the client
    for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
        del sys.modules[name]
    sys.path.insert(0, str(folder))
    try:
        return importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(folder))


def part(name: str) -> ModuleType:
    """A module of the generated package: `part("api.routing.routing_post_event")`."""
    return importlib.import_module(f"{PACKAGE}.{name}")


def reviewer_journey(generated: ModuleType, http: Callable[[dict[str, str]], httpx.Client],
                     delivered: Callable[[str, str], None]) -> None:
    """Through the generated client alone: the founder creates, uploads and submits; once
    `delivered(dossier_id, route_id)` returns, CEPAC's reviewer opens, asks, and approves
    after the founder's answer. `http(headers)` is the httpx client the generated one uses."""
    models = part("models")
    anonymous = generated.Client(base_url="http://unused").set_httpx_client(http({}))

    def login(email: str):
        token = part("api.identity.identity_token").sync(
            client=anonymous, body=models.BodyIdentityToken(username=email, password="demo1234"))
        assert isinstance(token, models.Token), token
        bearer = http({"Authorization": f"Bearer {token.access_token}"})
        return generated.AuthenticatedClient(base_url=str(bearer.base_url),
                                             token=token.access_token).set_httpx_client(bearer)

    founder, reviewer = login("founder@demo.example"), login("cepac@demo.example")
    dossier = part("api.dossiers.dossiers_create").sync(
        client=founder, body=models.DossierV1.from_dict(full_dossier()))
    assert isinstance(dossier, models.DossierOut), dossier
    upload = part("api.attachments.attachments_upload").sync
    for kind in models.AttachmentsUploadBodyKind:
        file = part("types").File(payload=io.BytesIO(minimal_pdf(kind.value)),
                                  file_name=f"{kind.value}.pdf", mime_type="application/pdf")
        stored = upload(dossier.id, client=founder,
                        body=models.AttachmentsUploadBody(file=file, kind=kind))
        assert isinstance(stored, models.AttachmentOut), stored
    submitted = part("api.routing.routing_submit").sync(
        dossier.id, client=founder, body=models.SubmitIn(consent=True))
    assert isinstance(submitted, models.SubmitOut), submitted
    route_id = next(r.id for r in submitted.routes if r.partner == "cepac")
    delivered(dossier.id, route_id)

    inbox = part("api.routing.routing_reviewer_inbox").sync(client=reviewer)
    assert route_id in [item.id for item in inbox.items]
    detail = part("api.routing.routing_route_detail").sync(route_id, client=reviewer)
    assert isinstance(detail, models.RouteDetail), detail
    assert detail.dossier_id == dossier.id and detail.version == 1 and detail.attachments
    # Reading the route is opening it, as on the reviewer's page (one `open_route`).
    assert detail.state == "opened" and detail.events[-1].type_ == "opened", detail

    post_event = part("api.routing.routing_post_event").sync
    asked = post_event(route_id, client=reviewer, body=models.InfoRequest(
        type_="info_requested", request_kind=models.RequestKind.MISSING_DOCUMENT,
        message="Merci de joindre le prévisionnel signé."))
    assert isinstance(asked, models.EventOut) and asked.to_state == "info_requested", asked
    reply = part("api.routing.routing_post_message").sync(
        route_id, client=founder, body=models.MessageIn(body="Le voici, signé."))
    assert isinstance(reply, models.MessageOut) and reply.author_role == "founder", reply
    approved = post_event(route_id, client=reviewer, body=models.Approval(
        type_="approved", instrument=models.Instrument.BANK_LOAN, amount_eur="180000.00",
        duration_months=84))
    assert isinstance(approved, models.EventOut) and approved.to_state == "approved", approved

    seen = part("api.dossiers.dossiers_read").sync(dossier.id, client=founder)
    route = next(r for r in seen.routes if r.id == route_id)
    assert route.state == "approved"
    assert route.decision.to_dict()["amount_eur"] == "180000.00"
    events = part("api.routing.routing_route_events").sync(route_id, client=reviewer)
    assert [e.type_ for e in events][-4:] == ["opened", "info_requested", "info_answered",
                                              "approved"]
