"""The e-mail inviting an expert to give an opinion: its signed link and its words (sent by
the API and the reviewer's page alike, once the invitation is committed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.signup_mail import send_mail
from app.state import AppState
from dossier.catalogue import _
from dossier.formatting import format_date
from dossier.models import Opinion, Route, User
from dossier.services import opinions
from dossier.services.partners import partner_names

SIGNATURE = "\n\n— Dossier unique · French Tech Aix-Marseille\n"


@dataclass(frozen=True)
class ExpertMail:
    """What the e-mail says, read before the invitation is committed."""

    to: str
    link: str
    inviter: str
    partner: str
    company: str
    question: str
    expires_on: date


def expert_mail(state: AppState, db, *, row: Opinion, route: Route, by: User,
                lang: str) -> ExpertMail:
    """The e-mail of a new invitation (its link signed with the app's secret)."""
    link = (f"{state.settings.public_url.rstrip('/')}/expert?token="
            f"{opinions.link_token(state.secret, row)}")
    return ExpertMail(to=row.email, link=link, inviter=by.full_name or by.email,
                      partner=partner_names(db=db).get(route.partner_code, route.partner_code),
                      company=route.dossier.company_name or _("a start-up", lang),
                      question=row.question, expires_on=row.expires_on)


def send_expert_invitation(mail: ExpertMail, lang: str = "fr") -> None:
    """Send it (over SMTP, or on the console without SMTP_HOST)."""
    body = _("Hello,\n\n{inviter} ({partner}) asks for your opinion on the funding dossier of "
             "{company}, received through Dossier unique. Their question:\n\n{question}\n\n"
             "Read the dossier and give your opinion with this link, until {date} included "
             "(no account needed; keep the link to yourself):\n{link}\n\n"
             "Your readings are shown to the founder in the dossier's access log; your "
             "opinion is seen only by {partner}.", lang)
    subject = _("{partner} asks for your opinion on a funding dossier — Dossier unique", lang)
    send_mail(to=mail.to, subject=subject.format(partner=mail.partner),
              body=body.format(inviter=mail.inviter, partner=mail.partner, company=mail.company,
                               question=mail.question, link=mail.link,
                               date=format_date(mail.expires_on, lang)) + SIGNATURE)
