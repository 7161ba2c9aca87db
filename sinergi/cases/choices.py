"""Vocabulary of cases. Codes follow IOM's HTCDS 2.0 and the CTDC dataset where they exist, so that statistics
can be exchanged later; Sinergi's extensions (forced criminality, Indonesian intake channels) are marked."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class IntakeChannel(models.TextChoices):
    HOTLINE = "HOTLINE", _("Hotline")
    WALK_IN = "WALK_IN", _("Walk-in")
    COMMUNITY = "COMMUNITY", _("Community or family report")
    POLICE_REPORT = "POLICE_REPORT", _("Police report")
    AIRPORT = "AIRPORT", _("Interception at an airport")
    SEAPORT = "SEAPORT", _("Interception at a seaport")
    LAND_BORDER = "LAND_BORDER", _("Interception at a land border post (PLBN)")
    EMBASSY = "EMBASSY", _("Report from an embassy or consulate")
    EARLY_DETECTION = "EARLY_DETECTION", _("Flagged by early detection")
    MEDIA = "MEDIA", _("Media monitoring")
    OTHER = "OTHER", _("Other")


class CaseStatus(models.TextChoices):
    """The case's administrative status; where it stands in the flow is its `stage`."""

    OPEN = "OPEN", _("Open")
    CLOSED = "CLOSED", _("Closed")


class ClosureReason(models.TextChoices):
    """HTCDS case closure reasons, with the outcomes Indonesian agencies record."""

    SERVICES_COMPLETED = "SERVICES_COMPLETED", _("Services completed")
    REINTEGRATED = "REINTEGRATED", _("Returned and reintegrated")
    NOT_A_VICTIM = "NOT_A_VICTIM", _("Not a trafficking case")
    VICTIM_DECLINED = "VICTIM_DECLINED", _("The victim declined services")
    LOST_CONTACT = "LOST_CONTACT", _("Contact lost")
    TRANSFERRED_OUT = "TRANSFERRED_OUT", _("Handed over to another system")
    DECEASED = "DECEASED", _("The victim died")
    DUPLICATE = "DUPLICATE", _("Duplicate of another case")
    OTHER = "OTHER", _("Other")


class PartyRole(models.TextChoices):
    VICTIM = "VICTIM", _("Victim")
    WITNESS = "WITNESS", _("Witness")
    SUSPECT = "SUSPECT", _("Suspect")
    RECRUITER = "RECRUITER", _("Recruiter (calo/sponsor)")
    REPORTER = "REPORTER", _("Reporter")


class AgeGroup(models.TextChoices):
    ADULT = "ADULT", _("Adult")
    CHILD = "CHILD", _("Child (under 18)")
    UNKNOWN = "UNKNOWN", _("Unknown")


class VictimStatus(models.TextChoices):
    """HTCDS trafficking status, decided by an identified organisation (kept apart from the case status)."""

    POSSIBLE = "POSSIBLE", _("Possible victim")
    CONFIRMED = "CONFIRMED", _("Confirmed victim")
    NOT_VICTIM = "NOT_VICTIM", _("Not a victim")


class Consent(models.TextChoices):
    NOT_ASKED = "NOT_ASKED", _("Not yet asked")
    GIVEN = "GIVEN", _("Consent given")
    REFUSED = "REFUSED", _("Consent refused")


class PerpetratorRole(models.TextChoices):
    """HTCDS perpetrator roles."""

    RECRUITER = "RECRUITER", _("Recruiter")
    BROKER = "BROKER", _("Broker")
    TRANSPORTER = "TRANSPORTER", _("Transporter")
    EXPLOITER = "EXPLOITER", _("Exploiter")
    FACILITATOR = "FACILITATOR", _("Facilitator")
    DOCUMENT_PROVIDER = "DOCUMENT_PROVIDER", _("Document provider")
    FINANCIER = "FINANCIER", _("Financier")
    OTHER = "OTHER", _("Other")


class RelationshipToTrafficker(models.TextChoices):
    """CTDC `recruiterRelation`."""

    INTIMATE_PARTNER = "INTIMATE_PARTNER", _("Intimate partner")
    FAMILY = "FAMILY", _("Family member")
    FRIEND = "FRIEND", _("Friend or acquaintance")
    EMPLOYER = "EMPLOYER", _("Employer")
    RECRUITMENT_AGENCY = "RECRUITMENT_AGENCY", _("Recruitment agency")
    STRANGER = "STRANGER", _("Stranger")
    OTHER = "OTHER", _("Other")
    UNKNOWN = "UNKNOWN", _("Unknown")


class OrganisationKind(models.TextChoices):
    P3MI = "P3MI", _("Placement company (P3MI)")
    UNLICENSED_AGENCY = "UNLICENSED_AGENCY", _("Unlicensed recruitment agency")
    SPONSOR = "SPONSOR", _("Sponsor")
    EMPLOYER = "EMPLOYER", _("Employer abroad")
    TRAVEL_AGENT = "TRAVEL_AGENT", _("Travel agent")
    OTHER = "OTHER", _("Other")


class RouteEventKind(models.TextChoices):
    """HTCDS historic events."""

    RECRUITMENT = "RECRUITMENT", _("Recruitment")
    TRANSIT = "TRANSIT", _("Transit")
    EXPLOITATION = "EXPLOITATION", _("Exploitation")
    INTERCEPTION = "INTERCEPTION", _("Interception or rescue")
    RETURN = "RETURN", _("Return")


class RecruitmentChannel(models.TextChoices):
    SOCIAL_MEDIA = "SOCIAL_MEDIA", _("Social media")
    MESSAGING_APP = "MESSAGING_APP", _("Messaging app")
    JOB_WEBSITE = "JOB_WEBSITE", _("Job website or advertisement")
    PERSONAL_CONTACT = "PERSONAL_CONTACT", _("Friend, neighbour or acquaintance")
    FAMILY = "FAMILY", _("Family member")
    SPONSOR = "SPONSOR", _("Individual sponsor (calo)")
    PLACEMENT_COMPANY = "PLACEMENT_COMPANY", _("Placement company")
    OTHER = "OTHER", _("Other")
    UNKNOWN = "UNKNOWN", _("Unknown")


class RecruitmentApp(models.TextChoices):
    FACEBOOK = "facebook", "Facebook"
    TIKTOK = "tiktok", "TikTok"
    WHATSAPP = "whatsapp", "WhatsApp"
    TELEGRAM = "telegram", "Telegram"
    INSTAGRAM = "instagram", "Instagram"
    LINE = "line", "LINE"
    OTHER = "other", _("Other")


class VisaType(models.TextChoices):
    WORK = "WORK", _("Work visa")
    TOURIST = "TOURIST", _("Tourist visa")
    VISIT = "VISIT", _("Visit visa")
    UMRAH = "UMRAH", _("Umrah or ziarah visa")
    SELF_EMPLOYED = "SELF_EMPLOYED", _("Self-employed visa")
    STUDENT = "STUDENT", _("Student visa")
    NONE = "NONE", _("No visa")
    UNKNOWN = "UNKNOWN", _("Unknown")


class TravelDocument(models.TextChoices):
    PASSPORT = "PASSPORT", _("Own passport")
    FALSIFIED_PASSPORT = "FALSIFIED_PASSPORT", _("Passport with falsified data")
    NO_PASSPORT = "NO_PASSPORT", _("No passport")
    PLACEMENT_AGREEMENT = "PLACEMENT_AGREEMENT", _("Placement agreement")
    EMPLOYMENT_CONTRACT = "EMPLOYMENT_CONTRACT", _("Employment contract")
    ID_CARD = "ID_CARD", _("Identity card (KTP)")
    CROSSING_PASS = "CROSSING_PASS", _("Border crossing pass (PLB)")


class ExploitationType(models.TextChoices):
    """CTDC types of exploitation; FORCED_CRIMINALITY is Sinergi's extension (online-scam compounds)."""

    FORCED_LABOUR = "FORCED_LABOUR", _("Forced labour")
    SEXUAL_EXPLOITATION = "SEXUAL_EXPLOITATION", _("Sexual exploitation")
    FORCED_CRIMINALITY = "FORCED_CRIMINALITY", _("Forced criminality (e.g. online-scam compound)")
    FORCED_MARRIAGE = "FORCED_MARRIAGE", _("Forced marriage")
    SLAVERY = "SLAVERY", _("Slavery and similar practices")
    ORGAN_REMOVAL = "ORGAN_REMOVAL", _("Organ removal")
    FORCED_MILITARY = "FORCED_MILITARY", _("Forced military service")
    OTHER = "OTHER", _("Other exploitation")


class LabourSector(models.TextChoices):
    """CTDC `typeOfLabour`, shortened to the sectors seen in Indonesian cases."""

    DOMESTIC_WORK = "DOMESTIC_WORK", _("Domestic work")
    AGRICULTURE = "AGRICULTURE", _("Agriculture and plantations")
    FISHING = "FISHING", _("Fishing")
    CONSTRUCTION = "CONSTRUCTION", _("Construction")
    MANUFACTURING = "MANUFACTURING", _("Manufacturing")
    HOSPITALITY = "HOSPITALITY", _("Hospitality")
    ONLINE_SCAM = "ONLINE_SCAM", _("Online scam operations")
    OTHER = "OTHER", _("Other")


class MeansOfControl(models.TextChoices):
    """The 17 CTDC/HTCDS means of control (including `OTHER`), aligned with the ILO forced-labour indicators."""

    DEBT_BONDAGE = "DEBT_BONDAGE", _("Debt bondage")
    TAKES_EARNINGS = "TAKES_EARNINGS", _("Takes earnings")
    RESTRICTS_FINANCIAL_ACCESS = "RESTRICTS_FINANCIAL_ACCESS", _("Restricts access to money")
    THREATS = "THREATS", _("Threats")
    PSYCHOLOGICAL_ABUSE = "PSYCHOLOGICAL_ABUSE", _("Psychological abuse")
    PHYSICAL_ABUSE = "PHYSICAL_ABUSE", _("Physical abuse")
    SEXUAL_ABUSE = "SEXUAL_ABUSE", _("Sexual abuse")
    FALSE_PROMISES = "FALSE_PROMISES", _("False promises (deception)")
    PSYCHOACTIVE_SUBSTANCES = "PSYCHOACTIVE_SUBSTANCES", _("Psychoactive substances")
    RESTRICTS_MOVEMENT = "RESTRICTS_MOVEMENT", _("Restricts movement")
    RESTRICTS_MEDICAL_CARE = "RESTRICTS_MEDICAL_CARE", _("Restricts medical care")
    EXCESSIVE_WORKING_HOURS = "EXCESSIVE_WORKING_HOURS", _("Excessive working hours")
    USES_CHILDREN = "USES_CHILDREN", _("Threats against children")
    THREAT_OF_LAW_ENFORCEMENT = "THREAT_OF_LAW_ENFORCEMENT", _("Threat of law enforcement")
    WITHHOLDS_NECESSITIES = "WITHHOLDS_NECESSITIES", _("Withholds food, sleep or necessities")
    WITHHOLDS_DOCUMENTS = "WITHHOLDS_DOCUMENTS", _("Withholds identity documents")
    OTHER = "OTHER", _("Other")


class ReferralNeed(models.TextChoices):
    """What a referral asks the receiving agency to do. The flow file sets who may receive each one."""

    PROTECTION = "PROTECTION", _("Protection")
    REPATRIATION = "REPATRIATION", _("Repatriation")
    INVESTIGATION = "INVESTIGATION", _("Investigation")
    URGENT_FIRST_AID = "URGENT_FIRST_AID", _("Urgent first aid")
    SHELTER = "SHELTER", _("Shelter")
    REHABILITATION = "REHABILITATION", _("Health and social rehabilitation")
    MEDICAL = "MEDICAL", _("Medical care")
    PSYCHOSOCIAL = "PSYCHOSOCIAL", _("Psychosocial support")
    WITNESS_PROTECTION = "WITNESS_PROTECTION", _("Witness and victim protection")
    RESTITUTION = "RESTITUTION", _("Restitution")
    DOCUMENTS = "DOCUMENTS", _("Travel and identity documents")
    REINTEGRATION = "REINTEGRATION", _("Reintegration")
    LEGAL_AID = "LEGAL_AID", _("Legal aid")
    PROSECUTION = "PROSECUTION", _("Prosecution")


class ReferralState(models.TextChoices):
    PENDING = "PENDING", _("Awaiting answer")
    ACCEPTED = "ACCEPTED", _("Accepted")
    DECLINED = "DECLINED", _("Declined")
    DONE = "DONE", _("Done")
    REVOKED = "REVOKED", _("Revoked")


class Direction(models.TextChoices):
    """Which side of a referral or lead transfer the reader's agency is on (the API lists' `direction`)."""

    INCOMING = "incoming", _("Addressed to your agency")
    OUTGOING = "outgoing", _("Sent by your agency")
    ALL = "all", _("Every one you may see")


class TransferState(models.TextChoices):
    PENDING = "PENDING", _("Awaiting answer")
    ACCEPTED = "ACCEPTED", _("Accepted")
    DECLINED = "DECLINED", _("Declined")


class ApprovalKind(models.TextChoices):
    ASSESSMENT = "ASSESSMENT", _("Assessment")
    CASE_PLAN = "CASE_PLAN", _("Case plan")
    CLOSURE = "CLOSURE", _("Closure")


class ApprovalState(models.TextChoices):
    PENDING = "PENDING", _("Awaiting decision")
    APPROVED = "APPROVED", _("Approved")
    REJECTED = "REJECTED", _("Rejected")


class Sensitivity(models.TextChoices):
    """Who may read a note, a document or a timeline entry (see sinergi/cases/access.py)."""

    GENERAL = "GENERAL", _("General")
    INVESTIGATION = "INVESTIGATION", _("Investigation")
    CARE = "CARE", _("Medical and psychosocial")


# The tsvector weight of each sensitivity's notes in Case.notes_vector (PostgreSQL has four: A-D).
NOTE_WEIGHTS = {
    Sensitivity.GENERAL.value: "A",
    Sensitivity.INVESTIGATION.value: "B",
    Sensitivity.CARE.value: "C",
}


class Track(models.TextChoices):
    CARE = "care", _("Care track")
    LEGAL = "legal", _("Legal track")


class CaseEventKind(models.TextChoices):
    CREATED = "CREATED", _("Case registered")
    UPDATED = "UPDATED", _("Case details updated")
    ASSIGNED = "ASSIGNED", _("Case worker assigned")
    TRANSITION = "TRANSITION", _("Stage changed")
    LEGAL_STEP = "LEGAL_STEP", _("Legal track moved")
    CLOSED = "CLOSED", _("Case closed")
    PARTY_ADDED = "PARTY_ADDED", _("Person linked")
    ORGANISATION_ADDED = "ORGANISATION_ADDED", _("Organisation linked")
    ROUTE_EVENT_ADDED = "ROUTE_EVENT_ADDED", _("Route event recorded")
    VICTIM_STATUS = "VICTIM_STATUS", _("Victim status decided")
    CONSENT_RECORDED = "CONSENT_RECORDED", _("Consent recorded")
    SHARE_OVERRIDE = "SHARE_OVERRIDE", _("Shared without consent")
    REFERRAL_CREATED = "REFERRAL_CREATED", _("Referral sent")
    REFERRAL_ACCEPTED = "REFERRAL_ACCEPTED", _("Referral accepted")
    REFERRAL_DECLINED = "REFERRAL_DECLINED", _("Referral declined")
    REFERRAL_SERVICES = "REFERRAL_SERVICES", _("Services reported")
    REFERRAL_DONE = "REFERRAL_DONE", _("Referral marked done")
    REFERRAL_REVOKED = "REFERRAL_REVOKED", _("Referral revoked")
    REFERRAL_ESCALATED = "REFERRAL_ESCALATED", _("Overdue referral escalated")
    TRANSFER_REQUESTED = "TRANSFER_REQUESTED", _("Lead transfer requested")
    TRANSFER_ACCEPTED = "TRANSFER_ACCEPTED", _("Lead transfer accepted")
    TRANSFER_DECLINED = "TRANSFER_DECLINED", _("Lead transfer declined")
    APPROVAL_REQUESTED = "APPROVAL_REQUESTED", _("Approval requested")
    APPROVAL_DECIDED = "APPROVAL_DECIDED", _("Approval decided")
    NOTE_ADDED = "NOTE_ADDED", _("Note added")
    TASK_CREATED = "TASK_CREATED", _("Task created")
    TASK_COMPLETED = "TASK_COMPLETED", _("Task completed")
    TASK_ESCALATED = "TASK_ESCALATED", _("Overdue task escalated")
    DOCUMENT_ADDED = "DOCUMENT_ADDED", _("Document uploaded")


class NotificationKind(models.TextChoices):
    ASSIGNMENT = "ASSIGNMENT", _("Assignment")
    REFERRAL = "REFERRAL", _("New referral")
    REFERRAL_ACCEPTED = "REFERRAL_ACCEPTED", _("Referral accepted")
    REFERRAL_DECLINED = "REFERRAL_DECLINED", _("Referral declined")
    REFERRAL_UPDATE = "REFERRAL_UPDATE", _("Referral update")
    TRANSFER = "TRANSFER", _("Lead transfer")
    APPROVAL = "APPROVAL", _("Approval")
    TASK = "TASK", _("Task")
    ESCALATION = "ESCALATION", _("Escalation")
