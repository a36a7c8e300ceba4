"""What agencies write: summaries, actions and outcomes, in their own words.

Each kind of entry has a few phrasings, picked at random, so that the same
event reads differently from one record to the next as it does in real case
notes. ``UNTYPED`` holds the phrasings used when an agency leaves
``event_type`` empty: each names its event plainly enough for a phrase rule
to classify it ("was not brought", "domestic incident").

No text here mentions "neglect" or "abuse" except where the event is one
(a child protection plan's category, a domestic abuse incident), so that a
reader of summaries cannot find a category of harm that the records do not
evidence.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Text:
    """Phrasings for one kind of entry, with what was done and the outcome."""

    summaries: tuple[str, ...]
    actions: tuple[str, ...] = ("",)
    outcome: str = ""


def _t(summaries: str, actions: str = "", outcome: str = "") -> Text:
    """A Text from ``|``-separated phrasings (keeps the table readable)."""
    return Text(
        tuple(s.strip() for s in summaries.split("|")),
        tuple(a.strip() for a in actions.split("|")),
        outcome,
    )


TEXTS: Final[dict[str, Text]] = {
    # --- health visiting, GP, school nursing: routine -----------------------------------
    "hv_birth": _t(
        "Birth notification received from maternity unit|Birth notification received; "
        "family allocated to health visiting caseload",
        "Added to caseload|New birth visit booked",
    ),
    "hv_new_birth": _t(
        "New birth visit completed at home. Feeding well, weight gain appropriate|"
        "New birth visit: baby well, mother coping; safe sleep advice given|"
        "New birth visit completed; no concerns identified",
        "Universal services|Advice given",
    ),
    "hv_6_8": _t(
        "6-8 week review completed; growth and development on track|"
        "6-8 week review: maternal mood discussed, no concerns",
        "Universal services",
    ),
    "hv_1y": _t(
        "One year development review completed; ASQ-3 within normal range|"
        "9-12 month review: development on track",
        "Universal services",
    ),
    "hv_2y": _t(
        "2-2.5 year integrated review with nursery; speech and language on track|"
        "2 year review completed; development on track",
        "Universal services|Signposted to family hub",
    ),
    "gp_imms": _t(
        "Routine childhood immunisations given|Immunisations given; no adverse reaction|"
        "Vaccinations given as per schedule",
    ),
    "gp_check": _t(
        "Seen by GP: cough and cold, reassured|Seen by GP: viral illness, "
        "advice given|Seen by GP: ear infection, antibiotics prescribed|"
        "Seen in clinic: eczema review",
    ),
    "gp_sexual_health": _t(
        "Confidential consultation: contraception advice given|"
        "Sexual health consultation; chlamydia screening offered|"
        "Attended alone for contraception; Fraser competence assessed",
        "Advice given; follow-up offered|Prescription issued; review in 3 months",
    ),
    "gp_registration": _t("Registered with the practice|New patient registration completed"),
    "sn_reception": _t(
        "Reception health review: height, weight, hearing and vision checks completed|"
        "School entry health review completed; no concerns",
    ),
    "sn_year6": _t(
        "Year 6 National Child Measurement Programme measurement completed|"
        "NCMP measurement completed; results letter sent to parents",
    ),
    "ed_minor": _t(
        "Attended ED after a fall from a scooter; minor head injury, discharged with advice|"
        "Attended ED with a high temperature; discharged to GP follow-up|"
        "Attended ED with a wrist sprain after a fall at the park; discharged|"
        "Attended ED with breathing difficulty; treated and discharged",
        "Discharged home|Discharged with advice",
        "NFA",
    ),
    # --- missed appointments -----------------------------------------------------------
    "missed_hv": _t(
        "Child was not brought to development review; no contact from family|"
        "Was not brought to scheduled health visitor review",
        "Letter sent offering a new appointment|Telephone call to mother, no answer",
        "DNA",
    ),
    "missed_gp": _t(
        "Child was not brought to GP appointment|Was not brought to immunisation appointment",
        "Recall letter sent|Practice nurse to follow up",
        "DNA",
    ),
    "missed_sn": _t(
        "Was not brought to school nurse clinic appointment",
        "Parent contacted by letter",
        "DNA",
    ),
    "missed_camhs": _t(
        "Did not attend initial CAMHS assessment appointment|Was not brought to CAMHS appointment",
        "Letter sent to parent and GP",
        "DNA",
    ),
    "missed_cp": _t(
        "Child was not brought to paediatric appointment while subject to a child protection plan",
        "Social worker informed the same day",
        "DNA",
    ),
    # --- school routine ------------------------------------------------------------------
    "school_start": _t("Started at {school} in Reception|Joined {school}", "Added to roll"),
    "school_start_y7": _t("Started at {school} in Year 7|Joined {school} for secondary education"),
    "school_move": _t(
        "Transferred to {school} after a move of home|Changed school to {school}",
        "Records transferred",
    ),
    "house_move_notified": _t(
        "Change of address notified by parent|New address recorded after family moved to {town}",
    ),
    "house_move_housing": _t(
        "Tenancy started at {address}|Household moved to {address}; new tenancy signed",
        "Tenancy sign-up completed",
    ),
    "new_partner": _t(
        "Mother reports a new partner has moved in|Mother has a new partner living at the home",
        "Recorded household composition",
    ),
    "parent_separation": _t(
        "Parents have separated; father has moved out|Mother reports she and father separated",
        "Support offered|Key adult informed",
    ),
    "parent_mh": _t(
        "Mother's mental health has deteriorated; she is under the community mental health team|"
        "Mother disclosed anxiety and depression; receiving treatment",
        "Support offered|Liaised with GP",
    ),
    "pnd": _t(
        "Mother disclosed low mood; diagnosed with postnatal depression by GP",
        "Extra listening visits offered|Liaised with GP",
    ),
    "parent_substance": _t(
        "Mother disclosed alcohol dependency; engaging with the recovery service|"
        "Father's drug use reported by mother; recovery service involved",
        "Advice given|Liaised with recovery service",
    ),
    "parent_prison": _t(
        "Father sentenced to a term in prison; children told by mother|"
        "Parent imprisoned; school informed by family",
        "Key adult support arranged|Support offered",
    ),
    # --- adult services ------------------------------------------------------------------
    "adult_mh": _t(
        "Reviewed by community mental health team; low mood, medication reviewed|"
        "Mental health review: anxiety and depression, attending talking therapy",
        "Follow-up booked",
    ),
    "adult_substance": _t(
        "Assessment with recovery service: alcohol use above safe limits|"
        "Drug use disclosed at appointment; referred to recovery service",
        "Referred to recovery service",
    ),
    "custody": _t("Remanded in custody|Sentenced to custody at Crown Court"),
    "release": _t("Released from prison on licence|Released from custody; licence conditions set"),
    # --- domestic abuse ------------------------------------------------------------------
    "da_incident": _t(
        "Domestic incident attended at home address: argument escalated, victim reports being "
        "pushed|Domestic incident: officers attended after 999 call from neighbour; verbal "
        "argument, property damaged|Domestic abuse incident: victim assaulted by partner, "
        "visible injury to face|Domestic incident attended: partner shouting and threatening",
        "DASH completed; suspect removed from address|Suspect arrested; victim safeguarded|"
        "Words of advice given; referral made",
        "REFERRED",
    ),
    "encompass": _t(
        "Operation Encompass notification received from police about a domestic incident at home",
        "DSL informed; key adult check-in arranged|Welfare check-in with child",
    ),
    "da_service_contact": _t(
        "IDVA contact with victim following police referral|Domestic abuse service outreach "
        "contact; safety planning",
        "Safety plan agreed",
    ),
    "marac_referral_dash": _t(
        "Referral to MARAC: high risk on DASH risk checklist",
        "Referred to MARAC",
        "REFERRED",
    ),
    "marac_referral_judgement": _t(
        "Referral to MARAC on professional judgement: escalating controlling behaviour",
        "Referred to MARAC",
        "REFERRED",
    ),
    "marac_referral_escalation": _t(
        "Referral to MARAC: third domestic incident within a year (potential escalation)",
        "Referred to MARAC",
        "REFERRED",
    ),
    "marac_meeting": _t(
        "Case discussed at MARAC meeting; actions agreed for agencies",
        "MARAC action plan",
        "PLAN",
    ),
    "csc_notification": _t(
        "Police notification of a further domestic incident shared with the allocated worker|"
        "Further domestic incident notified by police; discussed in supervision",
        "Allocated worker to visit",
    ),
    # --- children's social care ---------------------------------------------------------
    "referral_da": _t(
        "Referral from police following a domestic incident at the home address",
        "Screened in MASH",
        "ASSESSMENT",
    ),
    "referral_school": _t(
        "Referral from school: child arriving hungry and in unwashed clothes|"
        "Referral from school: child disclosed being left at home alone",
        "Screened in MASH",
        "ASSESSMENT",
    ),
    "referral_hv": _t(
        "Referral from health visitor: home conditions poor, baby's weight faltering",
        "Screened in MASH",
        "ASSESSMENT",
    ),
    "referral_gp": _t(
        "Referral from GP: repeated presentations and worries about home circumstances",
        "Screened in MASH",
        "ASSESSMENT",
    ),
    "referral_police": _t(
        "Referral from police: officers attended a welfare call, children found home alone",
        "Screened in MASH",
        "ASSESSMENT",
    ),
    "referral_ed": _t(
        "Referral from emergency department: injury not consistent with explanation given",
        "Strategy discussion convened",
        "ASSESSMENT",
    ),
    "referral_exploitation": _t(
        "Referral from police: concerns about criminal exploitation of the child",
        "Strategy discussion convened",
        "ASSESSMENT",
    ),
    "referral_nfa": _t(
        "Referral received; information and advice given to referrer, no further action|"
        "Referral screened: threshold not met, signposted to universal services",
        "Advice to referrer",
        "NFA",
    ),
    "assessment": _t(
        "Child and family assessment completed; needs identified, plan recommended|"
        "Single assessment completed; family agreed to support",
        "Plan recommended",
        "PLAN",
    ),
    "assessment_nfa": _t(
        "Child and family assessment completed; no further action, family signposted",
        "Closed with advice",
        "NFA",
    ),
    "strategy": _t(
        "Strategy discussion held with police and health; section 47 enquiry agreed",
        "Section 47 enquiry",
    ),
    "strategy_exploitation": _t(
        "Strategy discussion held with police: exploitation risk assessed, safety plan agreed",
        "Child in need assessment",
    ),
    "s47": _t("Section 47 enquiry completed; initial child protection conference requested"),
    "cp_conference": _t(
        "Initial child protection conference held",
        "Child protection plan",
        "PLAN",
    ),
    "cp_review": _t("Review child protection conference held; plan to continue", "", "PLAN"),
    "cp_start_neglect": _t(
        "Made subject to a child protection plan under the category of neglect", "", "PLAN"
    ),
    "cp_start_physical": _t(
        "Made subject to a child protection plan under the category of physical abuse", "", "PLAN"
    ),
    "cp_end": _t(
        "Child protection plan ended at review conference; stepped down to child in need",
        "",
        "CLOSED",
    ),
    "cp_start_emotional": _t(
        "Made subject to a child protection plan under the category of emotional abuse",
        "",
        "PLAN",
    ),
    "cp_visit": _t(
        "Statutory visit under the child protection plan: child seen alone, home conditions "
        "checked|Home visit by allocated social worker; child seen and spoken with alone",
        "Core group informed",
    ),
    "cin_start": _t("Child in need plan started", "CIN plan agreed with family", "PLAN"),
    "cin_visit": _t(
        "Home visit by allocated social worker under the child in need plan; child seen|"
        "Child in need visit: child seen at home with mother",
        "Plan continues",
    ),
    "cin_review": _t(
        "Child in need review meeting held with family and school; plan to continue",
        "Plan updated",
        "PLAN",
    ),
    "eh_review": _t(
        "Team around the family review: early help plan to continue|"
        "Early help review with family; progress on actions discussed",
        "Plan updated",
    ),
    "cin_end": _t("Child in need plan ended; progress sustained", "", "CLOSED"),
    "case_closed": _t("Case closed to children's social care", "", "CLOSED"),
    "eh_start": _t(
        "Early help assessment completed and early help plan agreed with family",
        "Family support worker allocated",
        "PLAN",
    ),
    "eh_end": _t("Early help closed: outcomes achieved", "", "CLOSED"),
    "rhi": _t("Return home interview completed after missing episode", "Shared with police"),
    # --- concerns ------------------------------------------------------------------------
    "school_concern": _t(
        "DSL logged a concern: child arrived hungry and tired, said there was no food at home|"
        "DSL logged a concern: child often late and unkempt; mother not answering calls",
        "Monitoring|Discussed with parent",
    ),
    "hv_concern": _t(
        "Health visitor concern: home conditions poor at visit, baby in soiled clothing",
        "Discussed with safeguarding lead",
    ),
    "gp_concern": _t(
        "GP concern: repeated minor presentations; worries about home circumstances",
        "Discussed with practice safeguarding lead",
    ),
    "police_welfare": _t(
        "Concern for welfare call from neighbour: children heard crying, adults shouting",
        "Attended; words of advice",
        "NFA",
    ),
    "homeless": _t(
        "Family presented as homeless after notice from private landlord|"
        "Household placed in temporary accommodation",
        "Homelessness assessment",
    ),
    "eviction": _t("Notice of seeking possession served for rent arrears", "Tenancy sustainment"),
    "injury_minor": _t(
        "Attended ED with bruising to the upper arm; explanation given by mother",
        "Safeguarding liaison informed",
    ),
    "injury_nai": _t(
        "Attended ED with unexplained bruising; non-accidental injury not excluded",
        "Safeguarding team informed; referral to children's social care",
        "REFERRED",
    ),
    # --- children's mental health -------------------------------------------------------
    "self_harm": _t(
        "Attended ED following self-harm (superficial cuts to forearm)|Attended ED after an "
        "overdose of paracetamol (self-harm); medically fit after treatment",
        "Seen by liaison psychiatry; referred to CAMHS",
        "REFERRED",
    ),
    "camhs_referral_sh": _t("Referral accepted following self-harm presentation at ED", "Triage"),
    "camhs_referral_mood": _t(
        "Referral accepted from GP: anxiety and low mood affecting school attendance|"
        "Referral accepted from school nurse: worries and panic attacks",
        "Triage",
    ),
    "camhs_contact": _t(
        "CAMHS appointment: low mood, safety plan reviewed|CAMHS session: anxiety work, "
        "coping strategies practised|CAMHS review: mood improving",
    ),
    "camhs_discharge": _t("Discharged from CAMHS: goals met", "Letter to GP", "CLOSED"),
    "camhs_discharge_dna": _t(
        "Discharged from CAMHS after non-attendance; GP informed",
        "Letter to GP and family",
        "DNA",
    ),
    "gp_camhs_referral": _t("Seen by GP: low mood; referral to CAMHS", "Referred to CAMHS"),
    # --- education -----------------------------------------------------------------------
    "suspension": _t(
        "Suspended for 2 days for persistent disruptive behaviour|Suspended for 1 day after "
        "a physical altercation with another pupil",
        "Reintegration meeting",
    ),
    "pex": _t(
        "Permanently excluded after a serious incident in school",
        "Placed at the pupil referral unit",
    ),
    "behaviour_concern": _t(
        "Behaviour log: repeated defiance and disruption in lessons; parents invited to a meeting",
        "Pastoral support plan",
    ),
    "school_rejoin": _t("Joined {school} after a period off roll", "Added to roll"),
    "pru_start": _t("Started at {school} after permanent exclusion", "Added to roll"),
    "attendance": _t(
        "Attendance 84% this term: persistent absence; attendance officer involved|"
        "Persistent absence: attendance below 90% for the term",
        "Attendance meeting with parent",
    ),
    "cme": _t(
        "Child missing education: removed from roll, whereabouts unknown after family moved",
        "CME referral to local authority",
    ),
    "ehe_after": _t(
        "Parents elected to home educate after meeting about behaviour; removed from roll",
        "EHE notification to local authority",
    ),
    "ehe_choice": _t(
        "Parents elected to home educate for philosophical reasons; no concerns",
        "EHE notification to local authority",
    ),
    # --- police and justice --------------------------------------------------------------
    "missing": _t(
        "Reported missing from home by mother; found the next morning at a friend's address|"
        "Reported missing overnight; located by officers in the town centre|"
        "Reported missing from home; returned by police after 14 hours",
        "Safe and well check",
    ),
    "missing_young": _t(
        "Reported missing from home after an argument; found two hours later at grandmother's",
        "Safe and well check",
    ),
    "exploitation": _t(
        "Exploitation concern: found in the company of older males, carrying two phones|"
        "Criminal exploitation concern: county lines indicators, unexplained cash",
        "Exploitation screening completed",
    ),
    "exploitation_young": _t(
        "Exploitation concern: 9-year-old seen with older youths, given gifts and money",
        "Exploitation screening completed",
    ),
    "arrest": _t(
        "Arrested on suspicion of possession with intent to supply class A drugs|"
        "Arrested for possession of a bladed article",
        "Released under investigation",
    ),
    "yj_offence": _t(
        "Youth justice assessment after arrest; out of court disposal agreed",
        "Intervention plan",
    ),
    "substance_child": _t(
        "Disclosed regular cannabis use at school nurse drop-in|Attended with alcohol "
        "intoxication; substance misuse advice given",
        "Referred to young people's substance service",
    ),
    "adult_arrest": _t("Arrested following domestic incident", "Charged|Released on bail"),
}

#: Phrasings for entries whose ``event_type`` the agency left empty, per true code.
UNTYPED: Final[dict[str, tuple[str, ...]]] = {
    "APPOINTMENT_ATTENDED": ("Attended appointment; seen and reviewed", "Seen in clinic today"),
    "APPOINTMENT_MISSED": ("Child was not brought to appointment", "Did not attend appointment"),
    "DA_INCIDENT": ("Domestic incident attended at home address",),
    "ENCOMPASS_NOTIFICATION": ("Operation Encompass notification received",),
    "ED_ATTENDANCE": ("Attended ED; treated and discharged home",),
    "SELF_HARM": ("Presented after self-harm",),
    "MISSING_EPISODE": ("Reported missing from home; since returned",),
    "SCHOOL_START": ("Started school: added to roll",),
    "HOUSE_MOVE": ("Change of address: family moved to a new address",),
    "SUSPENSION": ("Suspended from school for 1 day",),
    "NEW_PARTNER": ("Mother has a new partner",),
    "ATTENDANCE_CONCERN": ("Persistent absence this term",),
}


def dash_summary(yes: int) -> str:
    """The DASH line, always in this exact form so that the yes-count can be read back."""
    level = "high" if yes >= 14 else "medium" if yes >= 10 else "standard"
    return f"DASH risk checklist completed: {yes} of 27 questions answered yes. Risk level: {level}"


def say(rng: random.Random, key: str, **fields: str) -> tuple[str, str, str]:
    """(summary, action, outcome) for an entry of kind ``key``."""
    text = TEXTS[key]
    summary = rng.choice(text.summaries)
    if fields:
        summary = summary.format(**fields)
    return summary, rng.choice(text.actions), text.outcome
