"""Delivery retries live in the outbox: a budget of attempts, one schedule, Retry-After honoured,
a final failure told to staff once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from sqlalchemy import func, select

from banks.channels.base import DeliveryError
from dossier.db import transaction, utcnow
from dossier.models import Delivery, Notification, Role, RouteEvent, User
from dossier.services import delivery as deliveries
from dossier.services.delivery import RetryPolicy
from dossier.services.notifications import Policy
from tests.helpers import full_dossier, new_dossiers_seen, submit, wait_until
from tests.routing.test_faults import cic_delivery, expire_leases
from workflows.mail import MailSettings, send_pending
from workflows.routing import claim_due, settle

QUICK = RetryPolicy(max_attempts=4, base=0.05, cap=0.1)



def staff_ids(sessions) -> set:
    """Every active staff user."""
    with sessions() as db:
        return set(db.scalars(select(User.id).where(User.role == Role.staff,
                                                    User.active.is_(True))))


def failure_notices(sessions) -> list[Notification]:
    """The staff notifications of failed deliveries."""
    with sessions() as db:
        return list(db.scalars(select(Notification).where(Notification.kind == "delivery_failed")))


def final_failures(sessions) -> int:
    """How many `delivery_failed` events said the delivery was given up."""
    with sessions() as db:
        events = db.scalars(select(RouteEvent).where(RouteEvent.type == "delivery_failed"))
        return sum(bool(e.payload.get("final")) for e in events)


def cic_status(sessions) -> str | None:
    delivery = cic_delivery(sessions)
    return delivery.status if delivery else None


def test_a_dead_endpoint_gets_the_budget_of_posts_then_staff_are_told_once(
        client, founder, webhook, sessions, app, smtp):
    """Permanently 503: exactly max_attempts POSTs, one failure, one notice per staff user."""
    app.state.dossier.runtime.retry = QUICK
    webhook.respond_with(503)
    submit(client, founder, full_dossier(ask_cic=True))

    wait_until(lambda: cic_status(sessions) == "failed", what="the delivery given up", timeout=120)
    assert len(webhook.attempts) == QUICK.max_attempts
    failed = cic_delivery(sessions)
    assert (failed.attempts, failed.max_attempts) == (QUICK.max_attempts, QUICK.max_attempts)
    assert failed.next_attempt_at is None and "HTTP 503" in failed.last_error
    assert {a.webhook_id for a in webhook.attempts} == {str(failed.id)}

    app.state.dossier.dispatcher.run_pending()  # nothing is due any more
    assert len(webhook.attempts) == QUICK.max_attempts
    notices = failure_notices(sessions)
    assert staff_ids(sessions) and {n.user_id for n in notices} == staff_ids(sessions)
    assert len(notices) == len(staff_ids(sessions)) and final_failures(sessions) == 1
    assert "n'a pas pu être transmis" in notices[0].subject and "503" in notices[0].body

    # The e-mail goes through the notifications' mail path, once.
    new_dossiers_seen(sessions)  # the other partners' "new dossier" e-mails are not counted
    runtime = app.state.dossier.runtime
    sent = send_pending(runtime, MailSettings(), policy=Policy())
    assert sent["emailed"] == len(notices)
    smtp.wait_for(len(notices))
    mails = [m for m in smtp.messages if not m.subject.startswith("Nouveau dossier")]
    assert len(mails) == len(notices)
    assert all(m.subject.startswith("Échec d'envoi") for m in mails)
    assert send_pending(runtime, MailSettings(), policy=Policy())["emailed"] == 0


def test_retry_after_seconds_sets_the_earliest_next_attempt(client, founder, webhook, sessions,
                                                            app):
    """A 429 with Retry-After: 120 is not retried before 120 s, however short the backoff."""
    app.state.dossier.runtime.retry = QUICK
    webhook.fail_next(1, status=429, headers={"Retry-After": "120"})
    submit(client, founder, full_dossier(ask_cic=True))

    before = utcnow()
    wait_until(lambda: cic_status(sessions) == "pending" and webhook.attempts,
               what="the 429 settled", timeout=120)
    delivery = cic_delivery(sessions)
    assert delivery.next_attempt_at >= before + timedelta(seconds=119)
    assert delivery.next_attempt_at <= utcnow() + timedelta(seconds=121)
    with sessions() as db:
        assert deliveries.due(db=db, now=delivery.next_attempt_at - timedelta(seconds=1)) == []
        assert deliveries.due(db=db, now=delivery.next_attempt_at) == [delivery.id]
    app.state.dossier.dispatcher.run_pending()
    assert len(webhook.attempts) == 1

    assert expire_leases(sessions) == 1  # the clock reaches the next attempt
    app.state.dossier.dispatcher.run_pending()
    assert cic_status(sessions) == "delivered" and len(webhook.attempts) == 2


def test_retry_after_http_date_is_honoured_and_bounded(client, founder, webhook, sessions, app):
    """A 503 with an HTTP-date Retry-After waits until then, but never past the maximum."""
    app.state.dossier.runtime.retry = RetryPolicy(base=0.05, cap=0.1, retry_after_max=600)
    when = datetime.now(UTC) + timedelta(days=2)
    webhook.fail_next(1, status=503, headers={"Retry-After": format_datetime(when, usegmt=True)})
    submit(client, founder, full_dossier(ask_cic=True))

    before = utcnow()
    wait_until(lambda: cic_status(sessions) == "pending" and webhook.attempts,
               what="the 503 settled", timeout=120)
    delivery = cic_delivery(sessions)
    assert before + timedelta(seconds=599) <= delivery.next_attempt_at
    assert delivery.next_attempt_at <= utcnow() + timedelta(seconds=600)


def test_a_success_after_failures_stops_the_retries(client, founder, webhook, sessions, app):
    """Two failures, then accepted: three POSTs, delivered, nobody notified, nothing more due."""
    app.state.dossier.runtime.retry = QUICK
    webhook.fail_next(2, status=503)
    submit(client, founder, full_dossier(ask_cic=True))

    wait_until(lambda: cic_status(sessions) == "delivered", what="the delivery", timeout=120)
    app.state.dossier.dispatcher.run_pending()
    assert [a.status for a in webhook.attempts] == [503, 503, 200]
    assert cic_delivery(sessions).attempts == 3
    assert failure_notices(sessions) == [] and final_failures(sessions) == 0
    with sessions() as db:
        assert deliveries.due(db=db, now=utcnow() + timedelta(days=1)) == []


def test_concurrent_rounds_settling_the_last_attempt_notify_once(client, founder, webhook,
                                                                 sessions, app):
    """Rounds racing to settle and to give up the same spent delivery: one failure, one notice."""
    state = app.state.dossier
    state.dispatcher.stop()  # the test plays the rounds itself
    runtime = state.runtime
    runtime.retry = RetryPolicy(max_attempts=1)
    submit(client, founder, full_dossier(ask_cic=True))
    [item] = [i for i in claim_due(runtime) if i["partner"] == "cic"]
    error = DeliveryError("partner answered HTTP 503", retryable=True, response_status=503)
    with transaction(sessions) as db:  # the lease ends while the attempt is still unsettled
        db.get(Delivery, cic_delivery(sessions).id).next_attempt_at = utcnow()

    start = threading.Barrier(6)
    results: list[object] = []

    def settle_round():
        start.wait()
        results.append(settle(runtime, item, error))

    def give_up_round():
        start.wait()
        with transaction(runtime.sessions) as db:
            results.append(deliveries.give_up_lost(db=db, policy=runtime.retry))

    rounds = [threading.Thread(target=settle_round) for _ in range(3)]
    rounds += [threading.Thread(target=give_up_round) for _ in range(3)]
    for t in rounds:
        t.start()
    for t in rounds:
        t.join(30)
    assert len(results) == 6, results
    assert cic_status(sessions) == "failed"
    assert final_failures(sessions) == 1
    assert len(failure_notices(sessions)) == len(staff_ids(sessions))
    with sessions() as db:
        assert db.scalar(select(func.count()).select_from(Notification).where(
            Notification.kind == "delivery_failed")) == len(staff_ids(sessions))
    assert webhook.attempts == []  # nothing was POSTed: the rounds only settled
