// Chinese names for the API's codes, in the notice's own words.

import { get } from './api.js';

export const ROLES = {
  city_admin: '市人社局系统管理员',
  city_social_insurance: '市社会保险经办机构',
  city_retiree: '市退管机构',
  district: '区（县）退管机构',
  sub_district: '街道（乡镇）',
  community: '社区（村）',
  employer: '参保单位',
  auditor: '审计',
  integration: '系统对接',
};

/** Benefit type code → Chinese name, from the domain's table (`GET /api/v1/codes`), filled by {@link loadCodes}. */
export const BENEFIT_TYPES = {};

/** The domain's benefit types with their national codes and every name files may use for them. */
export const BENEFIT_DESIGNATIONS = [];

/** The rest of the domain's code tables (`GET /api/v1/codes`): cycle periods and modes. */
export const CODES = { cycle_periods: [], cycle_modes: [] };

/** Loads the domain's code tables once, before any screen renders. */
export async function loadCodes() {
  const codes = await get('/api/v1/codes');
  Object.assign(CODES, codes);
  for (const b of codes.benefit_types) BENEFIT_TYPES[b.code] = b.name_zh;
  for (const l of codes.languages) LANGUAGES[l.code] = l.name_zh;
  for (const e of codes.evidence) EVIDENCE[e.code] = [e.name_zh, e.requirement, e.effect];
  LOSS_CODES.splice(0, LOSS_CODES.length, ...codes.evidence.filter((e) => e.effect === 'loss').map((e) => e.code));
  BENEFIT_DESIGNATIONS.splice(0, BENEFIT_DESIGNATIONS.length, ...codes.benefit_types);
}

export const LISTS = {
  eligible: '具备领取待遇资格人员名单',
  lost: '丧失领取待遇资格人员名单',
  to_verify: '待核实人员名单',
  unassessed: '尚未评估',
};

export const LIST_SHORT = { eligible: '具备资格', lost: '丧失资格', to_verify: '待核实', unassessed: '未评估' };

export const PAYMENT = {
  active: '正常发放',
  suspended: '待遇暂停',
  terminated: '待遇停发',
  restored: '待遇恢复',
};

export const SUSPENSION_REASONS = {
  loss_of_eligibility: '丧失资格',
  monitoring_flag: '联网监测疑点',
  unreachable: '无法联系到本人',
  not_eligible: '核实不符合条件',
  cycle_lapsed: '认证期满未认证',
};

/**
 * The evidence catalogue (R5.5–R5.8, R6) from the domain (`GET /api/v1/codes`):
 * code → [Chinese name, requirement, effect], filled by {@link loadCodes}.
 */
export const EVIDENCE = {};

/** The name of a certification channel or evidence code. */
export function channelName(code) {
  if (!code) return '—';
  if (code === 'none') return '尚未认证';
  return EVIDENCE[code]?.[0] ?? code;
}

export const EFFECTS = {
  proof_of_life: '视同认证合格',
  loss: '丧失资格',
  suspend_then_verify: '先停后查',
  retraction: '撤回',
  record_only: '仅存档',
  verify_only: '先查不停',
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

export const OUTCOMES = { eligible: '符合条件', not_eligible: '不符合条件', unreachable: '无法联系到本人' };

export const CHANNELS = {
  window: '窗口认证',
  video: '视频认证',
  home_visit: '上门认证',
  activity: '社会化管理服务活动',
  visit: '走访慰问',
  health_check: '体检、义诊',
  survey: '全民参保登记调查',
};

/** Family relations staff record (R3.1). */
/** The family relations staff register and record (R3.1, R7.2); the others are helpers (R6.3) or dependants. */
export const FAMILY_RELATIONS = ['spouse', 'child', 'parent', 'sibling', 'grandchild'];
export const RELATIVES = { spouse: '配偶', child: '子女', parent: '父母', sibling: '兄弟姐妹', grandchild: '孙子女', depends_on_deceased_worker: '供养关系人', community_worker: '社区工作人员', volunteer: '志愿者' };

/** How a request reached zige (R6.3, R7.2): the person online, or recorded by staff. */
export const REQUEST_CHANNELS = { online: '本人网上办理', window: '窗口', phone: '电话', letter: '信函', family: '家属代办' };

/** Why a home visit is asked for (R6.3). */
export const VISIT_REASONS = { very_old: '高龄', illness: '疾病', disability: '残疾', other: '其他' };

export const TASK_KINDS = {
  verify_cycle_lapsed: '认证期满未认证',
  verify_dispatched: '市级下发待核实',
  verify_loss: '丧失资格信息核实',
  verify_monitoring_flag: '联网监测疑点核实',
  verify_conflict: '记录矛盾核实',
  verify_death_report: '家属申报死亡核实',
  reverify_objection: '异议重新核实',
  reverify_retraction: '撤回记录重新核实',
  reverify_sent_back: '市级退回重新核实',
  home_visit: '上门服务核实',
  certify_at_desk: '窗口或视频认证',
  file_termination: '停发归档',
};

export const REVIEWS = { confirm: '确认生效', send_back: '退回重新核实', certify: '改判为符合条件' };
export const REVIEW_RESULTS = { confirmed: '已确认', sent_back: '已退回', overridden: '已改判' };

export const RECOVERY_STATUS = { open: '追回中', recovered: '已追回', withdrawn: '已撤销' };
export const PAYMENT_KINDS = { refund: '退款', instalment: '分期还款', deduction: '抵扣', payment: '缴款' };

export const PARTNER_KINDS = {
  police: '公安',
  justice: '司法',
  civil_affairs: '民政',
  transport: '交通运输',
  health: '卫生健康',
  medical_insurance: '医疗保障',
  court: '法院',
  bank: '待遇代发银行',
  national_monitoring: '全国认证系统联网监测',
  regional_platform: '自治区社会保险管理局',
};

export const EVENT_TYPES = {
  activity_participation: '参加社会化管理服务活动',
  overseas_proof_of_life: '境外健在证明',
  bank_card_confirmation: '社保卡合作银行确认',
  unit_confirmation: '管理单位确认',
  long_term_care: '长期护理保险',
  family_doctor_contract: '家庭医生签约',
  hospital_stay: '住院记录',
  travel_record: '乘机、乘车记录',
  bank_in_person: '本人办理银行业务',
  border_crossing: '出入境记录',
  video_face_match: '公共视频人脸比对',
  other_proof_of_life: '其他确认资格渠道',
  death: '死亡',
  missing: '失踪',
  imprisonment: '服刑',
  adoption: '被收养',
  remarriage: '再婚',
  dependant_employment: '供养亲属就业',
  military_service: '参军、服兵役',
  reemployment: '重新就业',
  emigration: '移居境外',
  pension_start: '开始领取养老金',
  refused_job_offer: '拒不接受就业或培训',
  other_loss: '其他丧失资格情形',
  monitoring_flag: '联网监测疑点',
  retraction: '撤回记录',
};

export const REPORT_KINDS = { improper_receipt: '违规领取', staff_misconduct: '工作人员违纪' };
export const REPORT_STATUS = { received: '已受理', investigating: '调查中', closed: '已办结' };

export const RESIDENCE = { local: '本地居住', domestic: '异地居住（国内）', abroad: '境外居住' };
export const MANAGEMENT = { socialised: '社会化管理', employer: '单位管理' };
/** The languages a person reads zige in, from the domain (`GET /api/v1/codes`). */
export const LANGUAGES = {};
export const SPECIAL_GROUPS = { very_old: '高龄', living_alone: '孤寡', sick_or_disabled: '病残', mental_illness: '精神疾病' };
export const CYCLE_STATUS = { certified: '本周期已认证', due: '待认证', overdue: '已逾期' };
export const ACTIONS = {
  none: '无需处理',
  suspend_now: '立即暂停（先停）',
  verify: '实地核实',
  restore: '恢复发放并补发',
  reinstate: '恢复待遇',
  terminate: '停发',
};
export const HOME_VISIT_STATUS = { open: '待安排', scheduled: '已安排', done: '已完成' };
export const HISTORY_FIELDS = {
  created: '登记',
  name: '姓名',
  phone: '手机号',
  address: '地址',
  residence: '居住地类型',
  community_id: '所在社区',
  special_groups: '特殊群体',
  language: '通知语言',
  payment_status: '待遇状态',
  monthly_amount_fen: '月待遇',
};

export const ORG_KINDS = {
  hrss_bureau: '市人社局',
  social_insurance_agency: '市社会保险经办机构',
  retiree_agency: '市退管机构',
  district: '区（县）退管机构',
  sub_district: '片区管委会、街道（乡镇）',
  community: '社区（村）',
  employer: '参保单位',
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
  filed: ['已归档', 'ok', '已装订，之后没有新记录'],
  missing: ['未归档', 'bad', '有记录，尚未装订'],
  outdated: ['需重订', 'warn', '装订后又收到记录，应重新装订'],
  nothing_to_file: ['无记录', 'soft', '本月没有需要归档的记录'],
};

export const IMPORT_OUTCOMES = { applied: '已入库', duplicate: '重复', unmatched: '未匹配到人员', rejected: '拒收' };
export const IMPORT_STATUS = { running: '处理中', done: '已完成' };

export const AUDIT_ACTIONS = {
  'archive.bind': '装订月度档案',
  'archive.download': '下载档案',
  'archive.verify': '校验档案',
  'benefit.object': '提出异议',
  'calendar.load': '载入工作日历',
  'certification.activity': '活动签到认证',
  'certification.refused': '认证被拒',
  'certification.self_service': '自助认证',
  'datashare.import.create': '上传共享数据文件',
  'datashare.import.done': '共享数据导入完成',
  'datashare.import.results': '下载导入结果',
  'datashare.rematch': '重新匹配推送',
  'death.report': '家属申报死亡',
  'decision.record': '登记核实结果',
  'decision.review': '市级复核',
  'feed.acknowledge': '确认接收指令',
  'home_visit.schedule': '预约上门',
  'import.event.rejected': '导入记录拒收',
  'ledger.export': '导出台账',
  'list.export': '导出名单',
  'org.create': '新建机构',
  'partner.create': '登记数据共享单位',
  'partner.secret_add': '新增密钥',
  'partner.secret_revoke': '吊销密钥',
  'person.update': '修改人员信息',
  'recipient.login': '领取人登录',
  'report.handle': '办理举报',
  'report.read': '查阅举报',
  'report.receive': '受理举报',
  'roster.import': '导入花名册',
  'roster.import_chunk': '花名册分批写入',
  'staff.bootstrap_admin': '创建初始管理员',
  'staff.create': '新建工作人员账号',
  'staff.login': '工作人员登录',
  'staff.logout': '工作人员退出',
  'staff.update': '修改工作人员账号',
  'task.assign': '任务转办',
  'task.open': '立案核实任务',
  'tasks.dispatch': '下发待核实名单',
  'webhook.delivery': '接收数据推送',
  'webhook.refused': '拒收数据推送',
};

/** A label from a table, or the code itself when the table lacks it. */
export function label(table, code) {
  if (code === null || code === undefined || code === '') return '—';
  return table[code] ?? code;
}
