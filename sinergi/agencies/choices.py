from django.db import models
from django.utils.translation import gettext_lazy as _


class AgencyType(models.TextChoices):
    BP3MI = "BP3MI", _("BP3MI (migrant worker protection)")
    POLRI = "POLRI", _("Police TPPO unit (Polri)")
    DINSOS = "DINSOS", _("Social services (Dinas Sosial)")
    UPTD_PPA = "UPTD_PPA", _("UPTD PPA (women and child protection)")
    IMIGRASI = "IMIGRASI", _("Immigration (Imigrasi)")
    DISNAKER = "DISNAKER", _("Manpower office (Disnaker)")
    LPSK = "LPSK", _("Witness and victim protection agency (LPSK)")
    KBRI = "KBRI", _("Embassy or consulate (KBRI/KJRI)")
    DINKES = "DINKES", _("Health office (Dinas Kesehatan)")
    KEJAKSAAN = "KEJAKSAAN", _("Prosecutor's office (Kejaksaan)")
    GUGUS_TUGAS = "GUGUS_TUGAS", _("TPPO task force (Gugus Tugas)")
    VILLAGE = "VILLAGE", _("Village government")
    NGO = "NGO", _("Non-governmental organisation")
    PLATFORM = "PLATFORM", _("Sinergi platform operator")


class Role(models.TextChoices):
    AGENCY_ADMIN = "AGENCY_ADMIN", _("Agency administrator")
    CASE_WORKER = "CASE_WORKER", _("Case worker")
    INVESTIGATOR = "INVESTIGATOR", _("Investigator")
    SUPERVISOR = "SUPERVISOR", _("Supervisor")
    ANALYST = "ANALYST", _("Analyst")
    OUTREACH_OFFICER = "OUTREACH_OFFICER", _("Outreach officer")
    CHILD_PROTECTION = "CHILD_PROTECTION", _("Child protection officer")
    READ_ONLY = "READ_ONLY", _("Read-only")


class UserKind(models.TextChoices):
    PERSON = "PERSON", _("Staff member")
    SYSTEM = "SYSTEM", _("Integrated system")


class LetterKind(models.TextChoices):
    """The documents Sinergi prints with an agency's letterhead and number; the value's code goes in the number."""

    REFERRAL = "REFERRAL", _("Referral letter")
    CASE_SUMMARY = "CASE_SUMMARY", _("Case summary")
    HANDOVER = "HANDOVER", _("Handover record")


LETTER_KIND_CODES: dict[str, str] = {
    LetterKind.REFERRAL: "RJK",
    LetterKind.CASE_SUMMARY: "RKS",
    LetterKind.HANDOVER: "BAST",
}


class ApiScope(models.TextChoices):
    """What an integrated system's token may do on the API: `<area>:read` for GET, `<area>:write` for the
    rest (sinergi.core.api.scopes). A person's token has no scopes: it acts as its user."""

    CASES_READ = "cases:read", _("Read cases")
    CASES_WRITE = "cases:write", _("Record cases and referrals")
    PEOPLE_READ = "people:read", _("Read person records")
    PEOPLE_WRITE = "people:write", _("Record people")
    DETECTION_READ = "detection:read", _("Read screened posts")
    DETECTION_WRITE = "detection:write", _("Screen posts")
    EVENTS_READ = "events:read", _("Read and replay events")
    AGREEMENTS_READ = "agreements:read", _("Read data-sharing agreements")
    IMPORTS_WRITE = "imports:write", _("Import spreadsheets")
    EXPORTS_READ = "exports:read", _("Download anonymised exports")
    OUTREACH_READ = "outreach:read", _("Read outreach events")
    OUTREACH_WRITE = "outreach:write", _("Record outreach events")
    REGIONS_READ = "regions:read", _("Read regions")
    AUDIT_READ = "audit:read", _("Read the audit trail")
