"""Message keys the code builds at run time (``status.<value>``, ``error.<key>`` …): named here so
that extraction (``scripts/i18n.py extract``) finds them and the catalogue check knows they are used.
``tests/test_i18n.py`` checks each enum-derived group against its enum."""

from cettar.i18n import N_

RUNTIME_KEYS = {
    # a complaint's category (complaint.models.CATEGORIES; 'none' for no category)
    "category": (
        N_("category.administration"), N_("category.disaster"), N_("category.environment"), N_("category.fire"),
        N_("category.flood"), N_("category.infrastructure"), N_("category.none"), N_("category.social"), N_("category.emergency"),
    ),
    # the Open311 service of a complaint with no category (cettar.open311.services)
    "open311": (N_("open311.service.other"),),
    # complaint.models.Channel
    "channel": (
        N_("channel.api"), N_("channel.history"), N_("channel.news"), N_("channel.open311"), N_("channel.social"),
        N_("channel.web"),
    ),
    # what the reporter is told of each step (complaint.models.MessageKind)
    "mail": (
        N_("mail.body.closed"), N_("mail.body.question"), N_("mail.body.received"), N_("mail.body.reopened"),
        N_("mail.body.reply"), N_("mail.body.resolved"), N_("mail.body.routed"), N_("mail.subject.closed"),
        N_("mail.subject.question"), N_("mail.subject.received"), N_("mail.subject.reopened"),
        N_("mail.subject.reply"), N_("mail.subject.resolved"), N_("mail.subject.routed"),
    ),
    # the SLA clocks (sla.policy)
    "clock": (
        N_("clock.auto_close"), N_("clock.first_response"), N_("clock.resolution"), N_("clock.verification"),
    ),
    # the key of a DomainError (cettar.errors): error.<key>
    "error": (
        N_("error.action_unavailable"), N_("error.already_assigned"), N_("error.already_with_agency"),
        N_("error.already_yours"), N_("error.assignee_elsewhere"), N_("error.choice"), N_("error.choose_assignee"),
        N_("error.choose_complaints"), N_("error.control_characters"), N_("error.csrf"), N_("error.date_invalid"),
        N_("error.email_invalid"), N_("error.forbidden"), N_("error.give_reason"), N_("error.governor_reads"),
        N_("error.invalid"), N_("error.merge_duplicate"), N_("error.merge_target"), N_("error.missing"),
        N_("error.no_agency"), N_("error.no_complaint"), N_("error.not_allowed"), N_("error.not_at_triage"),
        N_("error.not_your_agency"), N_("error.nothing_changed"), N_("error.number"), N_("error.password_short"),
        N_("error.password_weak"), N_("error.password_wrong"), N_("error.period_reversed"),
        N_("error.period_too_long"), N_("error.phone_invalid"), N_("error.role"), N_("error.second_factor_first"),
        N_("error.sign_in_first"), N_("error.string_too_long"), N_("error.supervisor_assigns"),
        N_("error.text_empty"), N_("error.text_too_long"), N_("error.too_large"), N_("error.triage_routes"),
        N_("error.unknown_agency"), N_("error.unknown_channel"), N_("error.unknown_district"),
        N_("error.unknown_region"),
        N_("error.citizen_cannot_confirm"), N_("error.citizen_cannot_contest"), N_("error.citizen_cannot_rate"), N_("error.citizen_closed"),
        N_("error.citizen_contest_late"), N_("error.citizen_rated"), N_("error.score"),
        N_("error.privacy_raise_only"),
        N_("error.photo_empty"), N_("error.photo_missing"), N_("error.photo_not_image"), N_("error.photo_too_big"),
        N_("error.photo_too_many"),
        N_("error.give_name"), N_("error.name_taken"), N_("error.no_integration"),
        N_("error.model_current"), N_("error.model_unusable"), N_("error.no_current_model"), N_("error.no_earlier_model"),
    ),
    # the routing-model registry (cettar.learning): a version's status, the page's notices
    "models": (
        N_("admin.models.status.candidate"), N_("admin.models.status.current"), N_("admin.models.status.rejected"),
        N_("admin.models.status.retired"), N_("admin.models.queued"),
        N_("admin.models.reason.not_worse"), N_("admin.models.reason.less_coverage"),
        N_("admin.models.reason.less_precision"), N_("admin.models.reason.routes_nothing"),
        N_("admin.models.recipe.base_and_labels"), N_("admin.models.recipe.labels_only"), N_("admin.models.recipe.labels"),
    ),
    # the kind of a complaint event (the timeline)
    "event": (
        N_("event.assigned"), N_("event.categorised"), N_("event.merged"), N_("event.note"), N_("event.reply"),
        N_("event.sla_breach"), N_("event.sla_escalation"), N_("event.sla_warning"), N_("event.source_reply"),
        N_("event.status"), N_("event.x_reply"),
        N_("event.citizen_message"), N_("event.rating"),
        N_("event.privacy"), N_("event.photo_added"),
    ),
    # sources.models.Health
    "health": (
        N_("health.disabled"), N_("health.error"), N_("health.new"), N_("health.ok"), N_("health.rate_limited"),
        N_("health.warning"),
    ),
    # the CETTAR scorecard's letters (dashboard.scorecard)
    "letter": (
        N_("letter.akuntabel"), N_("letter.akuntabel.short"), N_("letter.cepat"), N_("letter.cepat.short"),
        N_("letter.efektif"), N_("letter.efektif.short"), N_("letter.responsif"), N_("letter.responsif.short"),
        N_("letter.tanggap"), N_("letter.tanggap.short"), N_("letter.transparan"), N_("letter.transparan.short"),
    ),
    # the scorecard's definitions, one per letter (dashboard.scorecard)
    "method": (
        N_("method.akuntabel"), N_("method.cepat"), N_("method.efektif"), N_("method.responsif"),
        N_("method.tanggap"), N_("method.transparan"),
    ),
    # staff.models.NoticeKind
    "notice": (
        N_("notice.sla_breach"), N_("notice.sla_escalation"), N_("notice.sla_warning"),
        N_("notice.citizen_message"),
    ),
    # complaint.models.Priority
    "priority": (
        N_("priority.normal"), N_("priority.urgent"),
    ),
    # complaint.models.Privacy
    "privacy": (
        N_("privacy.anonymous"), N_("privacy.confidential"), N_("privacy.public"),
    ),
    # staff.models.Role
    "role": (
        N_("role.admin"), N_("role.governor"), N_("role.officer"), N_("role.supervisor"), N_("role.triage"),
    ),
    # complaint.models.Status
    "status": (
        N_("status.closed"), N_("status.dispositioned"), N_("status.in_progress"), N_("status.received"),
        N_("status.rejected"), N_("status.reopened"), N_("status.resolved"), N_("status.responded"),
        N_("status.triage"), N_("status.waiting_citizen"),
    ),
    # the queue's bulk actions (complaint.actions.BULK_ACTIONS) and the privacy badges
    "wb": (
        N_("wb.bulk.assign"), N_("wb.bulk.claim"), N_("wb.bulk.transfer"),
        N_("wb.privacy.anonymous"), N_("wb.privacy.confidential"),
    ),
    # the tracking page: what a follow-up did (?selesai=<action>), and the words of each score
    "track": (
        N_("track.done.message"), N_("track.done.confirm"), N_("track.done.contest"), N_("track.done.rating"),
        N_("track.done.photos"),
        N_("track.rating.1"), N_("track.rating.2"), N_("track.rating.3"), N_("track.rating.4"), N_("track.rating.5"),
    ),
}
