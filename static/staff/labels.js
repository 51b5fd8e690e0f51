// Names for the API's codes, in the notice's own words: written in Chinese
// and given in the current language by t() (the page reloads when it changes).

import { get } from './api.js';
import { t, pickName } from './i18n.js';

export const ROLES = {
  city_admin: t('市人社局系统管理员'),
  city_social_insurance: t('市社会保险经办机构'),
  city_retiree: t('市退管机构'),
  district: t('区（县）退管机构'),
  sub_district: t('街道（乡镇）'),
  community: t('社区（村）'),
  employer: t('参保单位'),
  auditor: t('审计'),
  integration: t('系统对接'),
};

/** Benefit type code → name in the current language, from the domain's table (`GET /api/v1/codes`), filled by {@link loadCodes}. */
export const BENEFIT_TYPES = {};

/** The domain's benefit types with their national codes and every name files may use for them. */
export const BENEFIT_DESIGNATIONS = [];

/** The rest of the domain's code tables (`GET /api/v1/codes`): cycle periods and modes. */
export const CODES = { cycle_periods: [], cycle_modes: [] };

/** Loads the domain's code tables once, before any screen renders. */
export async function loadCodes() {
  const codes = await get('/api/v1/codes');
  Object.assign(CODES, codes);
  for (const b of codes.benefit_types) BENEFIT_TYPES[b.code] = pickName(b);
  for (const l of codes.languages) LANGUAGES[l.code] = pickName(l);
  for (const e of codes.evidence) EVIDENCE[e.code] = [pickName(e), e.requirement, e.effect];
  LOSS_CODES.splice(0, LOSS_CODES.length, ...codes.evidence.filter((e) => e.effect === 'loss').map((e) => e.code));
  BENEFIT_DESIGNATIONS.splice(0, BENEFIT_DESIGNATIONS.length, ...codes.benefit_types);
}

export const LISTS = {
  eligible: t('具备领取待遇资格人员名单'),
  lost: t('丧失领取待遇资格人员名单'),
  to_verify: t('待核实人员名单'),
  unassessed: t('尚未评估'),
};

export const LIST_SHORT = { eligible: t('具备资格'), lost: t('丧失资格'), to_verify: t('待核实'), unassessed: t('未评估') };

export const PAYMENT = {
  active: t('正常发放'),
  suspended: t('待遇暂停'),
  terminated: t('待遇停发'),
  restored: t('待遇恢复'),
};

export const SUSPENSION_REASONS = {
  loss_of_eligibility: t('丧失资格'),
  monitoring_flag: t('联网监测疑点'),
  unreachable: t('无法联系到本人'),
  not_eligible: t('核实不符合条件'),
  cycle_lapsed: t('认证期满未认证'),
};

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

export const OUTCOMES = { eligible: t('符合条件'), not_eligible: t('不符合条件'), unreachable: t('无法联系到本人') };

export const CHANNELS = {
  window: t('窗口认证'),
  video: t('视频认证'),
  home_visit: t('上门认证'),
  activity: t('社会化管理服务活动'),
  visit: t('走访慰问'),
  health_check: t('体检、义诊'),
  survey: t('全民参保登记调查'),
};

/** Family relations staff record (R3.1). */
/** The family relations staff register and record (R3.1, R7.2); the others are helpers (R6.3) or dependants. */
export const FAMILY_RELATIONS = ['spouse', 'child', 'parent', 'sibling', 'grandchild'];
export const RELATIVES = { spouse: t('配偶'), child: t('子女'), parent: t('父母'), sibling: t('兄弟姐妹'), grandchild: t('孙子女'), depends_on_deceased_worker: t('供养关系人'), community_worker: t('社区工作人员'), volunteer: t('志愿者') };

/** How a request reached zige (R6.3, R7.2): the person online, or recorded by staff. */
export const REQUEST_CHANNELS = { online: t('本人网上办理'), window: t('窗口'), phone: t('电话'), letter: t('信函'), family: t('家属代办') };

/** Why a home visit is asked for (R6.3). */
export const VISIT_REASONS = { very_old: t('高龄'), illness: t('疾病'), disability: t('残疾'), other: t('其他') };

export const TASK_KINDS = {
  verify_cycle_lapsed: t('认证期满未认证'),
  verify_dispatched: t('市级下发待核实'),
  verify_loss: t('丧失资格信息核实'),
  verify_monitoring_flag: t('联网监测疑点核实'),
  verify_conflict: t('记录矛盾核实'),
  verify_death_report: t('家属申报死亡核实'),
  reverify_objection: t('异议重新核实'),
  reverify_retraction: t('撤回记录重新核实'),
  reverify_sent_back: t('市级退回重新核实'),
  home_visit: t('上门服务核实'),
  certify_at_desk: t('窗口或视频认证'),
  file_termination: t('停发归档'),
};

export const REVIEWS = { confirm: t('确认生效'), send_back: t('退回重新核实'), certify: t('改判为符合条件') };
export const REVIEW_RESULTS = { confirmed: t('已确认'), sent_back: t('已退回'), overridden: t('已改判') };

export const RECOVERY_STATUS = { open: t('追回中'), recovered: t('已追回'), withdrawn: t('已撤销') };
export const PAYMENT_KINDS = { refund: t('退款'), instalment: t('分期还款'), deduction: t('抵扣'), payment: t('缴款') };

export const PARTNER_KINDS = {
  police: t('公安'),
  justice: t('司法'),
  civil_affairs: t('民政'),
  transport: t('交通运输'),
  health: t('卫生健康'),
  medical_insurance: t('医疗保障'),
  court: t('法院'),
  bank: t('待遇代发银行'),
  national_monitoring: t('全国认证系统联网监测'),
  regional_platform: t('自治区社会保险管理局'),
};

export const EVENT_TYPES = {
  activity_participation: t('参加社会化管理服务活动'),
  overseas_proof_of_life: t('境外健在证明'),
  bank_card_confirmation: t('社保卡合作银行确认'),
  unit_confirmation: t('管理单位确认'),
  long_term_care: t('长期护理保险'),
  family_doctor_contract: t('家庭医生签约'),
  hospital_stay: t('住院记录'),
  travel_record: t('乘机、乘车记录'),
  bank_in_person: t('本人办理银行业务'),
  border_crossing: t('出入境记录'),
  video_face_match: t('公共视频人脸比对'),
  other_proof_of_life: t('其他确认资格渠道'),
  death: t('死亡'),
  missing: t('失踪'),
  imprisonment: t('服刑'),
  adoption: t('被收养'),
  remarriage: t('再婚'),
  dependant_employment: t('供养亲属就业'),
  military_service: t('参军、服兵役'),
  reemployment: t('重新就业'),
  emigration: t('移居境外'),
  pension_start: t('开始领取养老金'),
  refused_job_offer: t('拒不接受就业或培训'),
  other_loss: t('其他丧失资格情形'),
  monitoring_flag: t('联网监测疑点'),
  retraction: t('撤回记录'),
};

export const REPORT_KINDS = { improper_receipt: t('违规领取'), staff_misconduct: t('工作人员违纪') };
export const REPORT_STATUS = { received: t('已受理'), investigating: t('调查中'), closed: t('已办结') };

export const RESIDENCE = { local: t('本地居住'), domestic: t('异地居住（国内）'), abroad: t('境外居住') };
export const MANAGEMENT = { socialised: t('社会化管理'), employer: t('单位管理') };
/** The languages a person reads zige in, from the domain (`GET /api/v1/codes`). */
export const LANGUAGES = {};
export const SPECIAL_GROUPS = { very_old: t('高龄'), living_alone: t('孤寡'), sick_or_disabled: t('病残'), mental_illness: t('精神疾病') };
export const CYCLE_STATUS = { certified: t('本周期已认证'), due: t('待认证'), overdue: t('已逾期') };
export const ACTIONS = {
  none: t('无需处理'),
  suspend_now: t('立即暂停（先停）'),
  verify: t('实地核实'),
  restore: t('恢复发放并补发'),
  reinstate: t('恢复待遇'),
  terminate: t('停发'),
};
export const HOME_VISIT_STATUS = { open: t('待安排'), scheduled: t('已安排'), done: t('已完成') };
export const HISTORY_FIELDS = {
  created: t('建档'),
  name: t('姓名'),
  phone: t('手机号'),
  address: t('地址'),
  residence: t('居住地类型'),
  community_id: t('所在社区'),
  special_groups: t('特殊群体'),
  language: t('通知语言'),
  payment_status: t('待遇状态'),
  monthly_amount_fen: t('月待遇'),
};

export const ORG_KINDS = {
  hrss_bureau: t('市人社局'),
  social_insurance_agency: t('市社会保险经办机构'),
  retiree_agency: t('市退管机构'),
  district: t('区（县）退管机构'),
  sub_district: t('片区管委会、街道（乡镇）'),
  community: t('社区（村）'),
  employer: t('参保单位'),
};

/** Which organisation kinds each role belongs to (platform::auth Role::fits). */
export const ROLE_ORG_KIND = {
  city_admin: 'hrss_bureau',
  auditor: 'hrss_bureau',
  city_social_insurance: 'social_insurance_agency',
  integration: 'social_insurance_agency',
  city_retiree: 'retiree_agency',
  district: 'district',
  sub_district: 'sub_district',
  community: 'community',
  employer: 'employer',
};

/** Which parents a new organisation of a kind may sit under (R2.1). */
export const ORG_PARENT_KINDS = {
  district: ['retiree_agency'],
  sub_district: ['district'],
  community: ['sub_district', 'district'],
  employer: ['social_insurance_agency', 'hrss_bureau'],
};

/** Filing status of a district's month (R8.2): [text, badge kind, explanation]. */
export const ARCHIVE_STATUS = {
  filed: [t('已归档'), 'ok', t('已装订，之后没有新记录')],
  missing: [t('未归档'), 'bad', t('有记录，尚未装订')],
  outdated: [t('需重订'), 'warn', t('装订后又收到记录，应重新装订')],
  nothing_to_file: [t('无记录'), 'soft', t('本月没有需要归档的记录')],
};

export const IMPORT_OUTCOMES = { applied: t('已入库'), duplicate: t('重复'), unmatched: t('未匹配到人员'), rejected: t('拒收') };
export const IMPORT_STATUS = { running: t('处理中'), done: t('已完成') };

export const AUDIT_ACTIONS = {
  'archive.bind': t('装订月度档案'),
  'archive.download': t('下载档案'),
  'archive.verify': t('校验档案'),
  'benefit.object': t('提出异议'),
  'calendar.load': t('载入工作日历'),
  'certification.activity': t('活动签到认证'),
  'certification.refused': t('认证被拒'),
  'certification.self_service': t('自助认证'),
  'datashare.import.create': t('上传共享数据文件'),
  'datashare.import.done': t('共享数据导入完成'),
  'datashare.import.results': t('下载导入结果'),
  'datashare.rematch': t('重新匹配推送'),
  'death.report': t('家属申报死亡'),
  'decision.record': t('登记核实结果'),
  'decision.review': t('市级复核'),
  'feed.acknowledge': t('确认接收指令'),
  'home_visit.schedule': t('预约上门'),
  'import.event.rejected': t('导入记录拒收'),
  'ledger.export': t('导出台账'),
  'list.export': t('导出名单'),
  'org.create': t('新建机构'),
  'partner.create': t('登记数据共享单位'),
  'partner.secret_add': t('新增密钥'),
  'partner.secret_revoke': t('吊销密钥'),
  'person.update': t('修改人员信息'),
  'recipient.login': t('领取人登录'),
  'report.handle': t('办理举报'),
  'report.read': t('查阅举报'),
  'report.receive': t('受理举报'),
  'roster.import': t('导入花名册'),
  'roster.import_chunk': t('花名册分批写入'),
  'staff.bootstrap_admin': t('创建初始管理员'),
  'staff.create': t('新建工作人员账号'),
  'staff.login': t('工作人员登录'),
  'staff.logout': t('工作人员退出'),
  'staff.update': t('修改工作人员账号'),
  'task.assign': t('任务转办'),
  'task.open': t('立案核实任务'),
  'tasks.dispatch': t('下发待核实名单'),
  'webhook.delivery': t('接收数据推送'),
  'webhook.refused': t('拒收数据推送'),
};

/** A label from a table, or the code itself when the table lacks it. */
export function label(table, code) {
  if (code === null || code === undefined || code === '') return '—';
  return table[code] ?? code;
}
