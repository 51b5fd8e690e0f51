// Names for the API's codes, in the notice's own words: written in Chinese
// and given in the current language by t() (the page reloads when it changes).

import { t, pickName } from './i18n.js';

/** Role code → name, from the domain (`GET /api/v1/codes`), filled by {@link loadCodes}; so are the tables below marked so. */
export const ROLES = {};

/** Benefit type code → name in the current language, from the domain's table (`GET /api/v1/codes`), filled by {@link loadCodes}. */
export const BENEFIT_TYPES = {};

/** The domain's benefit types with their national codes and every name files may use for them. */
export const BENEFIT_DESIGNATIONS = [];

/** The domain's code tables as `GET /api/v1/codes` gives them (cycle periods and modes, the evidence catalogue, …). */
export const CODES = { cycle_periods: [], cycle_modes: [] };

/** Fills the tables from the domain's code tables (`GET /api/v1/codes`), once, before any screen renders. */
export function loadCodes(codes) {
  Object.assign(CODES, codes);
  for (const b of codes.benefit_types) BENEFIT_TYPES[b.code] = pickName(b);
  for (const l of codes.languages) LANGUAGES[l.code] = pickName(l);
  for (const e of codes.evidence) EVIDENCE[e.code] = [pickName(e), e.requirement, e.effect];
  LOSS_CODES.splice(0, LOSS_CODES.length, ...codes.evidence.filter((e) => e.effect === 'loss').map((e) => e.code));
  const named = (table, entries) => {
    for (const entry of entries) table[entry.code] = pickName(entry);
  };
  named(ROLES, codes.roles);
  named(ORG_KINDS, codes.org_kinds);
  named(LISTS, codes.lists);
  named(PAYMENT, codes.payment_states);
  named(SUSPENSION_REASONS, codes.suspension_reasons);
  named(CHANNELS, codes.verification_channels);
  named(OUTCOMES, codes.field_outcomes);
  named(REQUEST_CHANNELS, codes.request_channels);
  named(PARTNER_KINDS, codes.partner_kinds);
  named(EVENT_TYPES, codes.event_types);
  named(TASK_KINDS, codes.task_kinds);
  named(VISIT_REASONS, codes.visit_reasons);
  named(RESIDENCE, codes.residences);
  named(MANAGEMENT, codes.management_modes);
  named(SPECIAL_GROUPS, codes.special_groups);
  named(CYCLE_STATUS, codes.cycle_statuses);
  named(RELATIVES, codes.relations);
  named(REVIEWS, codes.review_actions);
  named(REVIEW_RESULTS, codes.review_results);
  named(RECOVERY_STATUS, codes.recovery_statuses);
  named(PAYMENT_KINDS, codes.recovery_payments);
  named(REPORT_KINDS, codes.report_kinds);
  named(REPORT_STATUS, codes.report_statuses);
  named(HOME_VISIT_STATUS, codes.home_visit_statuses);
  named(IMPORT_OUTCOMES, codes.import_outcomes);
  named(IMPORT_STATUS, codes.import_statuses);
  named(ACTIONS, codes.assessment_actions);
  named(HISTORY_FIELDS, codes.history_fields);
  named(AUDIT_ACTIONS, codes.audit_actions);
  for (const s of codes.archive_statuses) ARCHIVE_STATUS[s.code] = [pickName(s), s.badge, pickName(s, 'explanation')];
  for (const s of codes.ledger_statuses) LEDGER_STATUS[s.code] = [pickName(s), s.badge];
  FAMILY_RELATIONS.splice(0, FAMILY_RELATIONS.length, ...codes.family_relations);
  for (const role of codes.roles) ROLE_ORG_KINDS[role.code] = role.org_kinds;
  for (const kind of codes.org_kinds.filter((k) => k.parent_kinds.length)) ORG_PARENT_KINDS[kind.code] = kind.parent_kinds;
  BENEFIT_DESIGNATIONS.splice(0, BENEFIT_DESIGNATIONS.length, ...codes.benefit_types);
}

/** List code → its official name (R5.4), from the domain; `unassessed` is the console's own. */
export const LISTS = { unassessed: t('尚未评估') };

export const LIST_SHORT = { eligible: t('具备资格'), lost: t('丧失资格'), to_verify: t('待核实'), unassessed: t('未评估') };

/** Payment state → name, from the domain. */
export const PAYMENT = {};

/** Suspension reason → name, from the domain. */
export const SUSPENSION_REASONS = {};

/**
 * The evidence catalogue (R5.5–R5.8, R6) from the domain (`GET /api/v1/codes`):
 * code → [name in the current language, requirement, effect], filled by {@link loadCodes}.
 */
export const EVIDENCE = {};

/** The name of a certification channel or evidence code. */
export function channelName(code) {
  if (!code) return '—';
  if (code === 'none') return t('尚未认证');
  return EVIDENCE[code]?.[0] ?? code;
}

export const EFFECTS = {
  proof_of_life: t('视同认证合格'),
  loss: t('丧失资格'),
  suspend_then_verify: t('先停后查'),
  retraction: t('撤回'),
  record_only: t('仅存档'),
  verify_only: t('先查不停'),
};

/** Loss kinds a field outcome can name: catalogue code → {type, details}. */
export function lossOf(code) {
  const [type, variant] = code.split('.');
  if (type === 'death') return { type, details: { source: variant } };
  if (type === 'imprisonment') return { type, details: { form: variant } };
  return { type, details: {} };
}
/** The catalogue's losses, filled by {@link loadCodes}. */
export const LOSS_CODES = [];

/** Outcome of a verification by staff → name, from the domain. */
export const OUTCOMES = {};

/** Channel of a verification by staff → name, from the domain. */
export const CHANNELS = {};

/** The family relations staff register and record (R3.1, R7.2); the others are helpers (R6.3) or dependants. */
/** The family relations staff may record, and every relation → name; from the domain. */
export const FAMILY_RELATIONS = [];
export const RELATIVES = {};

/** How a request reached zige (R6.3, R7.2): the person online, recorded by staff, or arranged after failed face checks; from the domain. */
export const REQUEST_CHANNELS = {};

/** Why a home visit is asked for (R6.3), from the domain. */
export const VISIT_REASONS = {};

/** Task kind → name (R5.4, R6, R7), from the domain. */
export const TASK_KINDS = {};

/** What the city may do with an outcome (R7.1), from the domain. */
export const REVIEWS = {};
/** What became of a reviewed outcome (R7.1), from the domain. */
export const REVIEW_RESULTS = {};

/** Where a recovery case stands (R7.3), from the domain. */
export const RECOVERY_STATUS = {};
/** How money came into a recovery case (R7.3–R7.5), from the domain. */
export const PAYMENT_KINDS = {};

/** Kind of partner agency → name, from the domain. */
export const PARTNER_KINDS = {};

/** Partner event type → name, from the domain. */
export const EVENT_TYPES = {};

/** What a report is about (R9.1), from the domain. */
export const REPORT_KINDS = {};
/** Where a report stands (R9.1), from the domain. */
export const REPORT_STATUS = {};

/** Where a person lives (R3.3), from the domain. */
export const RESIDENCE = {};
/** Who manages a retiree (R1.2), from the domain. */
export const MANAGEMENT = {};
/** The languages a person reads zige in, from the domain (`GET /api/v1/codes`). */
export const LANGUAGES = {};
/** The groups on the service ledger (R6.3), from the domain. */
export const SPECIAL_GROUPS = {};
/** Where a benefit stands in its cycle (R4), from the domain. */
export const CYCLE_STATUS = {};
/** What an assessment asks to be done (R5.4), from the domain. */
export const ACTIONS = {};
/** Where a home-visit request stands (R6.3), from the domain. */
export const HOME_VISIT_STATUS = {};
/** The fields a person's history records (R3.1), from the domain. */
export const HISTORY_FIELDS = {};

/** Organisation kind → name, from the domain. */
export const ORG_KINDS = {};

/** Which organisation kinds each role belongs to (R2.3), from the domain. */
export const ROLE_ORG_KINDS = {};

/** Which kinds a new organisation of a kind may sit under (R2.1), from the domain: only the kinds staff may create. */
export const ORG_PARENT_KINDS = {};

/** Where a ledger line stands (R5.4, R6.3) → [name, badge kind], from the domain. */
export const LEDGER_STATUS = {};

/** Filing status of a district's month (R8.2) → [name, badge kind, explanation], from the domain. */
export const ARCHIVE_STATUS = {};

/** What became of a record of a partner file (R5.1), from the domain. */
export const IMPORT_OUTCOMES = {};
/** Where an import stands (R5.1), from the domain. */
export const IMPORT_STATUS = {};

/** The action of every audit record (R8.1), from the domain. */
export const AUDIT_ACTIONS = {};

/** A label from a table, or the code itself when the table lacks it. */
export function label(table, code) {
  if (code === null || code === undefined || code === '') return '—';
  return table[code] ?? code;
}
