"""Word lists the deterministic checks read. Lemmas only; `lemma_of` maps inflected forms back to them."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache


def words(text: str) -> frozenset[str]:
    """The distinct words of a space-separated list."""
    return frozenset(text.split())


# Verbs that move a measure: with a measure they make a result ("Increase NPS from 32 to 50").
CHANGE_VERBS = words(
    "increase decrease reduce grow raise lower improve cut boost double triple quadruple halve lift drop "
    "shrink shorten accelerate speed maximise maximize minimise minimize lessen elevate enhance "
    "strengthen deepen widen broaden extend slash trim curb eliminate expand decline diminish bring drive "
    "get push turn optimise optimize"
)
# Verbs that reach or win a level: result unless their object is a deliverable or a certification.
LEVEL_VERBS = words(
    "achieve reach hit attain exceed surpass beat generate acquire win gain earn secure sell close convert "
    "retain save land book attract collect score receive obtain deliver have see register return renew"
)
# Keeping a level: a measure, but a health metric (KPI) unless change is wanted.
MAINTAIN_VERBS = words("maintain keep sustain ensure preserve remain stay protect")
# Delivering something once: a milestone.
MILESTONE_VERBS = words(
    "launch ship release complete finish finalise finalize migrate establish deploy implement introduce "
    "open sign pass unveil debut kickoff kick pilot adopt integrate upgrade replace retire decommission "
    "consolidate transition switch automate digitise digitize standardise standardize centralise "
    "centralize outsource submit rollout roll go stand set put spin wrap deliver relaunch rebrand "
    "restructure reorganise reorganize certify accredit inaugurate enter move rewrite rework port "
    "containerise containerize replatform re-platform"
)
# Doing some work: a task (or a quota when counted).
TASK_VERBS = words(
    "create build design redesign develop write draft define document update revise refresh revamp "
    "overhaul rebuild refactor fix clean organise organize prepare plan research explore investigate "
    "evaluate assess analyse analyze identify map assign align agree determine select choose procure "
    "purchase buy install configure add remove localise localize translate produce compile measure track "
    "monitor report pay file negotiate renegotiate formalise formalize scope prototype test setup "
    "simplify modernise modernize consolidate hire recruit appoint onboard equip provide offer form start "
    "begin initiate conduct perform execute review audit benchmark craft instrument embed rewrite rework "
    "tag right-size rightsize harden patch restock source fill carry hand brief remediate qualify"
)
# Effort verbs that describe trying, not a change: a task.
EFFORT_VERBS = words(
    "foster promote encourage support champion facilitate enable empower engage educate inform communicate "
    "share advocate cultivate nurture celebrate recognise recognize coordinate collaborate partner explore "
    "continue focus prioritise prioritize invest work help leverage socialise socialize inspire motivate "
    "lead drive"
)
# Activities that are counted in quotas ("Conduct 20 interviews").
ACTIVITY_VERBS = words(
    "conduct run hold host organise organize attend send make call visit interview train survey post "
    "publish present meet contact reach distribute deliver hire recruit onboard test perform execute "
    "facilitate participate speak submit apply write produce create build ship launch release complete "
    "finish close review audit mentor coach sponsor exhibit record film email pitch book schedule give "
    "plant serve provide resolve answer respond handle process fix tweet blog demo enroll enrol run do "
    "log mail certify pair shadow teach deliver visit source fill hand carry restock tag right-size patch "
    "brief remediate"
)
BEING_VERBS = words("be become feel look sound stay")
# First words of a cadence ("per month", "weekly"): a time frame that is not a deadline.
CADENCE_WORDS = words(
    "per a an each every by daily weekly fortnightly biweekly bi-weekly monthly quarterly annually annual "
    "yearly mom qoq yoy month-over-month rolling trailing semi-annually"
)
# Leading words that are often nouns: "Test coverage at 80%", "Support tickets resolved within a day".
NOUN_LIKE_LEADS = words(
    "test survey release call visit post review record hire plan design email update report support run book "
    "process return audit pilot deal close order sign train onboard demo"
)
# Second words of compounds whose first word would otherwise look like an output ("email list", "page load").
COMPOUND_HEADS = words(
    "list load views view open click response attendance satisfaction conversion completion speed size reach "
    "quality performance accuracy turnaround"
)

# Words naming a measure of a result or of performance.
METRIC_WORDS = words(
    "uptake withdrawal consumption acceptance "
    "rate rates % percent percentage share proportion ratio score scores index nps csat ces enps "
    "retention churn attrition turnover revenue revenues arr mrr acv ltv clv cac margin margins profit "
    "profitability ebitda cost costs spend spending burn runway cash roi roas conversion conversions "
    "uptime availability latency throughput error errors defect defects incident incidents bug bugs "
    "outage outages downtime satisfaction rating ratings adoption usage dau mau wau signups sign-ups "
    "leads mqls mqls sqls sql mql pipeline bookings sales orders gmv aov renewals renewal upsell "
    "expansion awareness recall sentiment ctr bounce utilisation utilization occupancy yield waste "
    "emissions co2 carbon energy accidents injuries absenteeism wellbeing grades proficiency readmissions "
    "readmission infections mortality employment recidivism stockouts stock-outs accuracy complaints "
    "escalations p50 p90 p95 p99 mttr mttd mtbf slo sla apdex velocity frequency reliability traffic "
    "visitors pageviews downloads installs followers subscribers members donors donations funding income "
    "gross net arpu arpa nrr grr dso dpo inventory backlog wait waiting delay delays lead-time cycle-time "
    "coverage completion attendance repeat repurchase recommend referrals referral deals deal win-rate "
    "quota attainment headcount diversity representation promotion promotions absence sick tenure "
    "productivity efficiency on-time punctuality fill savings price volume volumes market customers users "
    "clients patients students learners graduates subscribers tenants residents citizens visitors buyers "
    "shoppers accounts time times speed hours days minutes seconds ms weeks months literacy numeracy pass "
    "exits vacancies signup activation activations active engagement contributions contributors sessions "
    "visits trials deflection dropout dropouts registrants"
)
# Multi-word measures: "time to hire", "response time", "first contact resolution".
METRIC_PHRASES = (
    "time to",
    "time-to",
    "response time",
    "resolution time",
    "lead time",
    "cycle time",
    "first contact",
    "on time",
    "on-time",
    "net promoter",
    "customer effort",
    "market share",
    "share of wallet",
    "win rate",
    "close rate",
    "open rate",
    "click-through",
    "click through",
    "cost per",
    "per user",
    "per customer",
    "days sales",
    "mean time",
    "average",
    "median",
    "number of active",
    "net revenue",
    "per cent",
    "used by",
    "adopted by",
)
# Own outputs that make a count a quota.
OUTPUT_NOUNS = words(
    "interview interviews meeting meetings call calls post posts article articles blog blogs workshop "
    "workshops webinar webinars training trainings course courses event events campaign campaigns "
    "experiment experiments test tests demo demos newsletter newsletters email emails presentation "
    "presentations report reports feature features release releases pr prs pull case studies study video "
    "videos podcast podcasts episode episodes whitepaper whitepapers ebook ebooks piece pieces guide "
    "guides tutorial tutorials pitch pitches proposal proposals audit audits review reviews survey "
    "surveys focus group groups usability prototype prototypes pilot pilots 1:1s one-on-ones 1-1s "
    "hackathon hackathons module modules lesson lessons class classes lecture lectures conference "
    "conferences show shows meetup meetups sprint sprints story points task tasks ticket tickets "
    "integration integrations template templates playbook playbooks document documents doc docs page "
    "pages landing ad ads tweet tweets press leaflet leaflets flyer flyers door doors visit visits "
    "check-in check-ins hours session sessions outreach touchpoint touchpoints application applications "
    "grant grants kit kits meal meals parcel parcels tree trees hire hires engineer engineers developer "
    "developers designer designers rep reps salespeople volunteer volunteers mentor mentors scholarship "
    "scholarships partnership partnerships item items deliverable deliverables initiative initiatives "
    "project projects activity activities action actions recommendation recommendations roadmap plan "
    "plans commitment commitments epic epics migration migrations bug-fixes fixes patch patches story "
    "stories unit role roles position positions staff people employees certification certifications "
    "finding findings voucher vouchers title titles laptops licences licenses"
)
INTERNAL_PEOPLE = words(
    "staff employee employees team teams member members manager managers leader leaders engineer engineers "
    "developer developers rep reps agent agents volunteer volunteers teacher teachers nurse nurses doctor "
    "doctors clinician clinicians consultant consultants colleague colleagues hire hires supervisor "
    "supervisors workforce trainer trainers coach coaches mentor mentors executive executives designer "
    "designers squad squads salespeople sellers marketers analysts officers caseworkers advisors advisers "
    "csms csm pms people everyone we our tutors lecturers faculty instructors drivers technicians coordinators "
    "coordinator ward wards department departments branch branches marketing"
)
BENEFICIARIES = words(
    "first-years freshmen undergraduates postgraduates learners "
    "customer customers user users client clients student students learner learners patient patients donor "
    "donors citizen citizens resident residents visitor visitors subscriber subscribers buyer buyers shopper "
    "shoppers participant participants graduate graduates family families child children tenant tenants "
    "caller callers applicant applicants candidate candidates account accounts partner partners member "
    "beneficiaries beneficiary guests guest readers audience households parents pupils trainees merchants "
    "sellers developers visitors prospects leads trialists trials cohort alumni youth registrants attendees "
    "recipients"
)
# Verbs whose counted beneficiaries are a result ("Recruit 200 monthly donors", "Enrol 450 learners").
ACQUISITION_VERBS = words("recruit enrol enroll sign register attract add win acquire gain convert")
# Activities that a share of internal people "do" in a disguised quota ("100% of staff complete training").
QUOTA_ACTIVITY_VERBS = words(
    "complete attend take finish undergo receive participate hold conduct submit do log update record "
    "join sign read watch pass train certify enrol enroll finish undertake have get use run give meet "
    "deliver"
)
TRAINING_NOUNS = words(
    "training trainings course courses module modules workshop workshops certification certifications "
    "induction onboarding programme program session sessions class classes e-learning elearning 1:1s "
    "one-on-ones reviews review appraisal appraisals check-ins check-in plan plans pdp pdps"
)
CERTIFICATION_WORDS = words(
    "certification certified certificate accreditation accredited compliance compliant iso soc pci hipaa "
    "gdpr fedramp approval approved license licence licensing sign-off audit inspection ofsted cqc "
    "registration b-corp bcorp award status attestation assessment assessments accreditations inspections "
    "readiness"
)
# States that say a deliverable is done: "New pricing page live by May".
DONE_WORDS = words("live done ready operational available place signed approved launched completed open opened")
DELIVERABLE_NOUNS = words(
    "website site app application feature dashboard flow portal system tool process policy programme program "
    "platform page plan strategy framework playbook roadmap version module pilot handbook board committee "
    "office crm erp lms warehouse pipeline api sdk integration infrastructure cluster database service "
    "product campaign curriculum guideline guidelines charter model library toolkit course scheme hub "
    "centre center store channel partnership agreement contract team function"
)
WEASEL_WORDS = words(
    "effective effectively efficient efficiently quality optimise optimize optimised optimized optimisation "
    "optimization significantly significant substantially substantial better best-in-class world-class "
    "robust seamless seamlessly streamline streamlined leverage synergy synergies great excellent stronger "
    "meaningful impactful innovative appropriate adequate sufficient enhanced improved holistic "
    "engagement awesome amazing"
)
VANITY_WORDS = words(
    "downloads installs pageviews page-views impressions followers likes registrations hits views registered"
)
# Systems whose state by a date is a migration or rollout milestone ("All services running on Kubernetes").
SYSTEM_NOUNS = words(
    "service services system systems server servers app apps application applications workload workloads "
    "database databases cluster clusters repository repositories repos endpoint endpoints device devices "
    "laptops site sites checklist tool tools module modules platform platforms netsuite sap erp crm"
)
SYSTEM_STATES = words("running serving live hosted deployed migrated go-live rolled handling")
# Verbs that lower something: lowering one's own outputs (pages, tickets, defects) is a result, not a quota.
DECREASE_VERBS = words(
    "reduce decrease lower cut halve shrink minimise minimize lessen slash trim curb eliminate diminish drop shorten"
)
# Signs that a proportion is a service level the customer experiences ("… within 24 hours").
SERVICE_LEVEL_WORDS = words("within on-time same-day first-contact first-time sla slas slo")
PROJECT_NOUNS = words(
    "project rollout roll-out redesign migration implementation launch upgrade overhaul revamp refresh "
    "rebuild build-out go-live deployment replatforming re-platforming integration initiative programme "
    "relaunch rebrand transformation modernisation modernization phase v2 v3"
)
COUNTER_METRIC_WORDS = words(
    "quality satisfaction csat nps churn retention error errors defect defects incident incidents complaints "
    "refund refunds returns cost costs margin accuracy failure failures rework burnout wellbeing rating "
    "ratings escalations attrition turnover reopen reopened regressions rollback rollbacks safety"
)
GROWTH_WORDS = words(
    "revenue signups sign-ups leads users customers volume throughput velocity sales orders bookings "
    "pipeline traffic downloads installs deployments frequency speed output conversions growth mrr arr "
    "time faster"
)
NUMBER_WORDS = words(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
    "seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand "
    "million billion dozen half double triple quadruple twice thrice"
)

_IRREGULAR = {
    "ran": "run",
    "held": "hold",
    "made": "make",
    "wrote": "write",
    "written": "write",
    "built": "build",
    "sent": "send",
    "met": "meet",
    "led": "lead",
    "took": "take",
    "taken": "take",
    "gave": "give",
    "given": "give",
    "sold": "sell",
    "won": "win",
    "kept": "keep",
    "brought": "bring",
    "got": "get",
    "gotten": "get",
    "went": "go",
    "gone": "go",
    "did": "do",
    "done": "do",
    "saw": "see",
    "seen": "see",
    "began": "begin",
    "begun": "begin",
    "set": "set",
    "put": "put",
    "cut": "cut",
    "hit": "hit",
    "is": "be",
    "are": "be",
    "was": "be",
    "were": "be",
    "been": "be",
    "has": "have",
    "had": "have",
    "shut": "shut",
    "spun": "spin",
    "paid": "pay",
    "bought": "buy",
    "taught": "teach",
    "stood": "stand",
    "became": "become",
    "drove": "drive",
    "driven": "drive",
    "grew": "grow",
    "grown": "grow",
    "rose": "rise",
    "fell": "fall",
}


def _forms(lemma: str) -> Iterable[str]:
    """Regular inflections of an English verb or noun lemma."""
    yield lemma
    if lemma.endswith("e"):
        yield lemma + "s"
        yield lemma + "d"
        yield lemma[:-1] + "ing"
    elif lemma.endswith("y") and lemma[-2:-1] not in "aeiou":
        yield lemma[:-1] + "ies"
        yield lemma[:-1] + "ied"
        yield lemma + "ing"
    else:
        suffix = "es" if lemma.endswith(("s", "sh", "ch", "x", "z")) else "s"
        yield lemma + suffix
        yield lemma + "ed"
        yield lemma + "ing"
        if len(lemma) >= 3 and lemma[-1] in "bdgmnprt" and lemma[-2] in "aeiou" and lemma[-3] not in "aeiou":
            yield lemma + lemma[-1] + "ed"
            yield lemma + lemma[-1] + "ing"


@cache
def _lemma_table() -> dict[str, str]:
    table: dict[str, str] = {}
    verbs = (
        CHANGE_VERBS
        | LEVEL_VERBS
        | MAINTAIN_VERBS
        | MILESTONE_VERBS
        | TASK_VERBS
        | EFFORT_VERBS
        | ACTIVITY_VERBS
        | BEING_VERBS
        | QUOTA_ACTIVITY_VERBS
    )
    for lemma in sorted(verbs):
        for form in _forms(lemma):
            table.setdefault(form, lemma)
    table.update(_IRREGULAR)
    return table


def lemma_of(word: str) -> str:
    """The verb lemma of a lower-case word form ("launched" → "launch"), or the word itself."""
    return _lemma_table().get(word, word)
