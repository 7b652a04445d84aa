"""What a partner's own system receives: the dossier JSON and signed links to its files."""

from __future__ import annotations

import uuid
from datetime import timedelta
from functools import partial
from typing import Any

from dossier.services.delivery_payload import partner_config, payload
from workflows.runtime import Runtime

LINK_TTL = timedelta(minutes=15)


def delivery_payload(runtime: Runtime, *, version_id: uuid.UUID, route_id: str,
                     pdf: Any) -> dict[str, Any]:
    """The `data` of a webhook, its links signed to expire after LINK_TTL."""
    with runtime.sessions() as db:
        data = payload(db=db, version_id=version_id, route_id=route_id, pdf=pdf,
                       link=partial(runtime.links.url, expires=LINK_TTL))
    return {**data, "links_expire_in": int(LINK_TTL.total_seconds())}


def delivery_config(runtime: Runtime, partner_code: str) -> dict[str, Any]:
    """The partner's delivery configuration from the catalogue."""
    with runtime.sessions() as db:
        return partner_config(db=db, partner_code=partner_code)
