"""What the public pages and message replies say around a screening result: the verdict in plain words, the
law, the safe way to migrate, what to check, what to ask, and where to call.

The screening engine (sinergi.detection.engine.screen) misses offers, so no wording here may sound like "this
offer is safe": the strongest good news is "no warning sign was found", always followed by what to check.
Hotline numbers are public service numbers; check them against the agencies' own pages before each release.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

# The verdicts the pages know. The engine's own verdict is used when it gives one (detection issue 10);
# until then it is derived here from the risk level, the indicators and what the text names.
HIGH = "tinggi"
MEDIUM = "sedang"
SIGNS = "signs"  # a low score, but warning signs were found: they are shown, never hidden behind "low"
NO_RED_FLAGS = "no_red_flags"
TOO_LITTLE = "too_little"

VERDICT_TITLES = {
    HIGH: _("High risk: this offer shows strong signs of trafficking"),
    MEDIUM: _("Medium risk: this offer shows warning signs"),
    SIGNS: _("Some warning signs were found"),
    NO_RED_FLAGS: _("No warning sign was found"),
    TOO_LITTLE: _("Too little to judge"),
}
VERDICT_ADVICE = {
    HIGH: _(
        "Do not pay anything, do not hand over your passport or ID, and do not leave. Ask the manpower office "
        "(Disnaker) or BP3MI first, and report the offer if you can."
    ),
    MEDIUM: _(
        "Do not pay and do not leave until each sign below has a clear answer. Check the company and ask the "
        "manpower office (Disnaker) or BP3MI."
    ),
    SIGNS: _(
        "Each sign below needs a clear answer before you go ahead. Check the company and ask the manpower "
        "office (Disnaker) or BP3MI."
    ),
    NO_RED_FLAGS: _(
        "This check did not find a warning sign in the text, but it does not know the offer: a dangerous "
        "offer can be written to look normal. Check everything in the list below before you go ahead."
    ),
    TOO_LITTLE: _(
        "The text does not say enough to judge it. Ask the person who offered the job these questions, and "
        "check the answers before you go ahead."
    ),
}

MODEL_SIGN_TITLE = _("The wording resembles offers known to be risky")
MODEL_SIGN_EXPLANATION = _(
    "No single rule was triggered, but the way the offer is written is close to offers that led to "
    "trafficking. Ask the questions below before going further."
)

QUESTIONS = [
    _("Which company places you? Ask for its full name and its licence number (SIP3MI), then check it here."),
    _("Who is the employer abroad, in which country and city?"),
    _("Which visa will you travel with? Work needs a work visa, not a tourist, visit or umrah visa."),
    _("What is the wage, the working hours, the days off and the length of the contract, in writing?"),
    _("Do you have to pay anything, to whom, and for what?"),
    _("Will you register at the manpower office (Disnaker) and attend the pre-departure orientation?"),
]

CHECKLIST = [
    _("The company is a licensed placement company (P3MI): check it on the company check page."),
    _("You registered at the manpower office (Disnaker) or the one-stop service (LTSA), through SIAPkerja."),
    _("You travel with a work visa and a signed placement agreement and employment contract."),
    _("You keep your own passport and ID; nobody holds them for you."),
    _("You know the employer's name and address, the wage, the hours, the days off and the contract length."),
    _(
        "No placement fee for the occupations exempted by regulation (domestic and care work, cooks, drivers, "
        "gardeners, cleaners, plantation workers, fishing crew)."
    ),
    _("You attended the pre-departure orientation (OPP) and have your BPJS insurance."),
]

SAFE_MIGRATION = [
    _(
        "Register at the manpower office (Disnaker) or the one-stop service (LTSA) of your regency, through "
        "SIAPkerja. Registration is free."
    ),
    _(
        "Go only through a placement company (P3MI) licensed by the ministry, or the government-to-government "
        "programmes; an individual recruiter (calo, sponsor) may not place workers."
    ),
    _(
        "Travel with a work visa. A tourist, visit or umrah visa does not allow work, and the worker is left "
        "without protection."
    ),
    _(
        "For domestic workers, carers, cooks, drivers, gardeners, cleaners, plantation workers and fishing "
        "crew, the placement is free of charge: the employer pays (BP2MI regulation 9/2020)."
    ),
    _(
        "Attend the pre-departure orientation, sign the placement agreement and the employment contract before "
        "you leave, and keep copies at home."
    ),
]

LAW = [
    _(
        "Recruiting or sending a person by deceit, false promises, debt or abuse of their situation, to "
        "exploit them, is trafficking in persons: a crime punished with 3 to 15 years in prison (Law 21/2007 "
        "on trafficking in persons, article 2)."
    ),
    _(
        "Only licensed placement companies may place Indonesian workers abroad, and only to countries and jobs "
        "that are open for placement (Law 18/2017 on the protection of Indonesian migrant workers)."
    ),
    _(
        "A migrant worker may not be charged placement costs beyond what the regulation allows (Law 18/2017, "
        "article 30)."
    ),
]


@dataclass(frozen=True)
class Hotline:
    name: object  # a lazy translation or a proper name
    number: str
    note: object = ""


HOTLINES = [
    Hotline(_("Police"), "110", _("emergencies, free of charge")),
    Hotline("SAPA 129 (KemenPPPA)", "129", _("violence against women and children; WhatsApp 08111-129-129")),
    Hotline(
        _("BP2MI/KP2MI crisis centre"),
        "0800-1000",
        _("migrant workers and their families, free of charge; from abroad +62 21 2924 4800"),
    ),
]


@dataclass
class Sign:
    title: str
    explanation: str
    basis: str
    words: list[str] = field(default_factory=list)


@dataclass
class OfferCheck:
    """A screening result as the public sees it."""

    verdict: str
    signs: list[Sign]
    questions: list = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    companies: list[dict] = field(default_factory=list)

    @property
    def title(self):
        return VERDICT_TITLES[self.verdict]

    @property
    def advice(self):
        return VERDICT_ADVICE[self.verdict]

    @property
    def is_risky(self) -> bool:
        return self.verdict in (HIGH, MEDIUM, SIGNS)
