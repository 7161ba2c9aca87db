"""Demo data for data exchange: a few data-sharing agreements between the South Kalimantan demo agencies, drafted
by an agency administrator and signed by a supervisor through the real services (so each is audited and the
access policy reads them), one left awaiting its signature and one revoked. Everything is synthetic; called by
`manage.py demo_seed` (registered in this app's plugins)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone


@dataclass(frozen=True)
class DemoAgreement:
    granting: str  # username prefix of the granting agency's demo users (sinergi.agencies.demo)
    receiving: str  # agency code
    purpose: str
    groups: tuple[str, ...]
    reference: str
    outcome: str  # "signed", "draft" or "revoked"


AGREEMENTS = (
    DemoAgreement(
        "kalsel.bp3mi", "dinsos-kalsel", "victim_care", ("identity", "contacts", "narrative"),
        "PKS/BP3MI-KALSEL/DINSOS/01/2026", "signed",
    ),
    DemoAgreement(
        "kalsel.bp3mi", "polda-kalsel", "investigation", ("identity", "narrative", "investigation"),
        "PKS/BP3MI-KALSEL/POLDA/02/2026", "signed",
    ),
    DemoAgreement(
        "kalsel.uptdppa", "dinsos-kalsel", "victim_care", ("medical", "narrative"),
        "PKS/UPTDPPA-KALSEL/DINSOS/03/2026", "signed",
    ),
    DemoAgreement(
        "kalsel.bp3mi", "imigrasi-banjarmasin", "prevention", ("identity", "narrative"),
        "PKS/BP3MI-KALSEL/IMIGRASI/04/2026", "draft",
    ),
    DemoAgreement(
        "kalsel.polda", "bp3mi-kalsel", "case_handling", ("narrative",),
        "PKS/POLDA-KALSEL/BP3MI/05/2025", "revoked",
    ),
)  # fmt: skip


def seed(*, rng: random.Random, stdout, scale: int = 1) -> dict:
    from sinergi.agencies.models import Agency, User
    from sinergi.exchange.agreements import services

    today = timezone.localdate()
    made: dict[str, int] = {"signed": 0, "draft": 0, "revoked": 0}
    for spec in AGREEMENTS:
        drafter = User.objects.filter(username=f"{spec.granting}.admin", is_active=True).first()
        signer = User.objects.filter(username=f"{spec.granting}.supervisor", is_active=True).first()
        receiving = Agency.objects.filter(code=spec.receiving, is_active=True).first()
        if drafter is None or signer is None or receiving is None:
            stdout.write(f"exchange: no demo users or agency for the agreement {spec.reference}; skipped\n")
            continue
        started = today - timedelta(days=rng.randint(20, 200))
        agreement = services.agreement_create(
            actor=drafter,
            receiving_agency=receiving,
            field_groups=list(spec.groups),
            purpose=spec.purpose,
            valid_from=started,
            valid_until=started + timedelta(days=730),
            reference=spec.reference,
        )
        if spec.outcome in ("signed", "revoked"):
            agreement = services.agreement_sign(actor=signer, agreement=agreement)
        if spec.outcome == "revoked":
            services.agreement_revoke(
                actor=drafter, agreement=agreement, reason="Diganti perjanjian kerja sama yang baru."
            )
        made[spec.outcome] += 1
    stdout.write(
        f"exchange: {made['signed']} signed data-sharing agreements, {made['draft']} awaiting a signature, "
        f"{made['revoked']} revoked\n"
    )
    return {"agreements": sum(made.values()), **made}
