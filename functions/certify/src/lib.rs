//! Self-service certification by face verification (R5.5 source 2, R6.2).
//! The face comparison happens at the provider inside the mini-program;
//! zige issues a one-time challenge, checks the provider's signed result
//! against it, and records the certification with its evidence. One
//! certification serves every benefit of the person (R4.3, R6.2).

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use serde::{Deserialize, Serialize};
use serde_json::json;
use spin_sdk::http::{Request, Response};
use spin_sdk::key_value::Store;
use zige_domain::effects::{AssistPolicy, after_failed_face};
use zige_domain::evidence::EvidenceKind;
use zige_domain::masking::age_on;
use zige_http::problem::{Problem, json_response};
use zige_http::recipient::Recipient;
use zige_http::web::{Route, recipient};
use zige_http::{jws, rate, request};
use zige_services::front_desk::{self, Helper, RelativeGiven};
use zige_services::workflow::{self, Actor};
use zige_store::audit::{self, Entry};
use zige_store::db::Db;
use zige_store::tables::{face_attempts, persons, used_nonces};
use zige_store::{records, secrets};

/// How long a challenge lives.
const CHALLENGE_SECONDS: i64 = 600;
/// Failed attempts allowed per person and day.
const DAILY_FAILURES: i64 = 3;
/// What the operator sets for face certification (spin.toml's variables).
struct Settings {
    /// The face provider whose signed results count, and its shared secret.
    provider_id: String,
    provider_secret: String,
    /// The lowest similarity score that certifies.
    score_threshold: f64,
    /// Challenges and submissions allowed in an hour per person, per device
    /// (the mini-program's `x-zige-device`) and per client address. The
    /// address is only a flood guard, set high: a whole city may reach zige
    /// through one carrier's NAT.
    per_person_hourly: i64,
    per_device_hourly: i64,
    per_address_hourly: i64,
    /// Failed checks in a day before a person on the service ledger, or of
    /// `home_visit_age`, is visited instead (R6.3).
    assist: AssistPolicy,
}

impl Settings {
    fn load() -> anyhow::Result<Self> {
        use zige_store::settings::{parsed, positive, text};
        Ok(Self {
            provider_id: text("face_provider_id")?,
            provider_secret: text("face_provider_secret")?,
            score_threshold: parsed("face_score_threshold", "a score between 0 and 1, such as 0.80")?,
            per_person_hourly: positive("hourly_limit_per_person")?,
            per_device_hourly: positive("hourly_limit_per_device")?,
            per_address_hourly: positive("hourly_limit_per_address")?,
            assist: AssistPolicy { failures: positive("face_failures_before_visit")?, age: positive("home_visit_age")? },
        })
    }
}

/// The largest evidence file, decoded.
const MAX_EVIDENCE: usize = 1 << 20;

/// A submission carries the liveness photo (at most 1 MiB, base64).
const SUBMISSION_BODY: usize = 2 << 20;

/// The recipient's face certification: a challenge, then the provider's
/// signed result.
pub const ROUTES: &[Route] = &[
    Route::post("/api/v1/me/certifications/challenges", recipient(|c, who| challenge(c.db()?, who, c.req))).body_limit(SUBMISSION_BODY),
    Route::post("/api/v1/me/certifications", recipient(|c, who| submit(c.db()?, who, c.req))).body_limit(SUBMISSION_BODY),
];

zige_http::serve_routes!(ROUTES);

#[derive(Serialize, Deserialize)]
struct Challenge {
    nonce: String,
    person_id: String,
    created_at: i64,
    expires_at: i64,
}

fn challenge_key(id: &str) -> String {
    format!("face-challenge:{id}")
}

/// The device a request comes from, as the mini-program names it: an
/// opaque id of at most 64 letters, digits, `-` and `_`; anything else is
/// no device. It is counted under its hash.
fn device(req: &Request) -> Option<String> {
    let id = req.header("x-zige-device")?.as_str()?.trim();
    let valid = !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    valid.then(|| zige_store::secrets::sha256_hex(id.as_bytes())[..32].to_string())
}

fn throttle_all(req: &Request, settings: &Settings, person_id: &str) -> Result<(), Problem> {
    rate::hourly(&format!("person:{person_id}"), settings.per_person_hourly)?;
    if let Some(device) = device(req) {
        rate::hourly(&format!("device:{device}"), settings.per_device_hourly)?;
    }
    let ip = zige_http::request::client_address(req);
    rate::hourly(&format!("addr:{ip}"), settings.per_address_hourly)
}

fn failures_today(db: &Db, person_id: &str) -> anyhow::Result<i64> {
    face_attempts::failures_on(db, person_id, zige_store::today())
}

fn exhausted() -> Problem {
    Problem::new(
        429,
        "attempts_exhausted",
        "今天人脸认证已失败3次，请改用其他方式：到社区或经办机构窗口办理，或申请上门认证",
        "Face verification failed three times today; please use another channel: an agency window or a home visit",
    )
    .with_reason("attempts_exhausted")
}

/// Issues a one-time nonce valid for 10 minutes.
fn challenge(db: &Db, who: &Recipient, req: &Request) -> Result<Response, Problem> {
    let person_id = who.person()?.to_string();
    if failures_today(db, &person_id)? >= DAILY_FAILURES {
        return Err(exhausted());
    }
    let store = Store::open_default().map_err(anyhow::Error::from)?;
    throttle_all(req, &Settings::load()?, &person_id)?;
    let id = secrets::random_token()?[..32].to_string();
    let now = zige_store::unix_now();
    let challenge = Challenge { nonce: secrets::random_token()?, person_id, created_at: now, expires_at: now + CHALLENGE_SECONDS };
    store.set(&challenge_key(&id), &serde_json::to_vec(&challenge).map_err(anyhow::Error::from)?).map_err(anyhow::Error::from)?;
    Ok(json_response(
        201,
        &json!({ "challenge_id": id, "nonce": challenge.nonce, "expires_at": zige_store::rfc3339_from_unix(challenge.expires_at) }),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Submission {
    challenge_id: String,
    provider: String,
    result: String,
    signature: String,
    #[serde(default)]
    evidence: Option<EvidenceFile>,
    /// Who held the phone or brought the person, when someone helped; the
    /// person stays the one certified, by their own liveness result.
    #[serde(default)]
    helper: Option<RelativeGiven>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct EvidenceFile {
    content_type: String,
    data: String,
}

/// The provider's result, as signed.
#[derive(Deserialize)]
struct ProviderResult {
    nonce: String,
    subject: String,
    liveness: bool,
    score: f64,
    verified_at: VerifiedAt,
}

/// `verified_at` as unix seconds or an RFC 3339 time.
#[derive(Deserialize)]
#[serde(untagged)]
enum VerifiedAt {
    Unix(i64),
    Text(String),
}

impl VerifiedAt {
    fn unix(&self) -> Option<i64> {
        match self {
            Self::Unix(n) => Some(*n),
            Self::Text(t) => chrono::DateTime::parse_from_rfc3339(t).ok().map(|d| d.timestamp()),
        }
    }
}

/// Why a submission was refused (the `reason` of the 422).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    SignatureInvalid,
    ChallengeUnknown,
    ChallengeExpired,
    NonceReused,
    SubjectMismatch,
    LivenessFailed,
    ScoreBelowThreshold,
}

impl Refusal {
    fn code(self) -> &'static str {
        match self {
            Self::SignatureInvalid => "signature_invalid",
            Self::ChallengeUnknown => "challenge_unknown",
            Self::ChallengeExpired => "challenge_expired",
            Self::NonceReused => "nonce_reused",
            Self::SubjectMismatch => "subject_mismatch",
            Self::LivenessFailed => "liveness_failed",
            Self::ScoreBelowThreshold => "score_below_threshold",
        }
    }

    fn message_zh(self) -> &'static str {
        match self {
            Self::SignatureInvalid => "认证结果无法确认，请重新认证",
            Self::ChallengeUnknown => "认证已失效，请重新开始",
            Self::ChallengeExpired => "认证超时，请在10分钟内完成，请重新开始",
            Self::NonceReused => "该认证结果已使用过，请重新开始",
            Self::SubjectMismatch => "认证的不是本人，请由本人进行认证",
            Self::LivenessFailed => "未通过活体检测，请正对镜头、光线充足后重试",
            Self::ScoreBelowThreshold => "人脸比对未通过，请摘下眼镜帽子、光线充足后重试",
        }
    }
}

/// Every check of the signed result, in order; returns the refusal, if any,
/// and whether the nonce was presented for this challenge (then it is spent).
fn check(
    settings: &Settings,
    sub: &Submission,
    who: &Recipient,
    challenge: Option<&Challenge>,
    person_id: &str,
    now: i64,
    used: &dyn Fn(&str) -> bool,
) -> Result<(), (Refusal, bool)> {
    let (provider_id, secret) = (&settings.provider_id, &settings.provider_secret);
    let signature = URL_SAFE_NO_PAD.decode(sub.signature.trim_end_matches('=')).map_err(|_| (Refusal::SignatureInvalid, false))?;
    if secret.is_empty() || sub.provider != *provider_id || !jws::hmac_matches(secret.as_bytes(), sub.result.as_bytes(), &signature) {
        return Err((Refusal::SignatureInvalid, false));
    }
    let result: ProviderResult = URL_SAFE_NO_PAD
        .decode(sub.result.trim_end_matches('='))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or((Refusal::SignatureInvalid, false))?;
    if used(&result.nonce) {
        return Err((Refusal::NonceReused, false));
    }
    let challenge = challenge.filter(|c| c.person_id == person_id).ok_or((Refusal::ChallengeUnknown, false))?;
    if result.nonce != challenge.nonce {
        return Err((Refusal::ChallengeUnknown, false));
    }
    if now > challenge.expires_at {
        return Err((Refusal::ChallengeExpired, true));
    }
    let subject_index = zige_domain::IdNumber::parse(&result.subject).ok().map(|id| secrets::pii_key().map(|k| id.blind_index(&k)));
    match subject_index {
        Some(Ok(index)) if index == who.id_index => {}
        _ => return Err((Refusal::SubjectMismatch, true)),
    }
    if !result.liveness {
        return Err((Refusal::LivenessFailed, true));
    }
    if !(result.score >= settings.score_threshold) {
        return Err((Refusal::ScoreBelowThreshold, true));
    }
    match result.verified_at.unix() {
        Some(at) if at >= challenge.created_at - 5 && at <= challenge.expires_at => Ok(()),
        _ => Err((Refusal::ChallengeExpired, true)),
    }
}

/// Checks the provider's signed result and records the certification.
fn submit(db: &Db, who: &Recipient, req: &Request) -> Result<Response, Problem> {
    let person_id = who.person()?.to_string();
    let body: Submission = request::json_body(req)?;
    let file = match &body.evidence {
        None => None,
        Some(f) => {
            if !["image/jpeg", "image/png", "video/mp4"].contains(&f.content_type.as_str()) {
                return Err(Problem::invalid(
                    "evidence.content_type",
                    "照片应为JPEG或PNG，视频为MP4",
                    "evidence: image/jpeg, image/png or video/mp4",
                ));
            }
            let data = STANDARD
                .decode(f.data.trim())
                .map_err(|_| Problem::invalid("evidence.data", "照片内容无法读取", "evidence.data is not base64"))?;
            if data.len() > MAX_EVIDENCE {
                return Err(Problem::new(413, "file_too_large", "照片不能超过1MB", "The evidence file is larger than 1 MiB")
                    .with_field("evidence.data"));
            }
            if !zige_http::attachments::matches_bytes(&f.content_type, &data) {
                return Err(Problem::invalid(
                    "evidence.data",
                    "照片内容与所选类型不符",
                    "evidence.data: the bytes are not the type declared",
                ));
            }
            Some((f.content_type.clone(), data))
        }
    };
    let helper = body.helper.as_ref().map(Helper::helper).transpose()?;
    if failures_today(db, &person_id)? >= DAILY_FAILURES {
        return Err(exhausted());
    }
    let settings = Settings::load()?;
    let store = Store::open_default().map_err(anyhow::Error::from)?;
    throttle_all(req, &settings, &person_id)?;
    let key = challenge_key(&body.challenge_id);
    let challenge: Option<Challenge> = store.get(&key).map_err(anyhow::Error::from)?.and_then(|b| serde_json::from_slice(&b).ok());
    let now = zige_store::unix_now();
    let today = zige_store::today();
    let actor = who.actor();
    let by = Actor { actor: &actor, role: "recipient" };
    let used = |nonce: &str| used_nonces::is_used(db, nonce).unwrap_or(false);
    let outcome = check(&settings, &body, who, challenge.as_ref(), &person_id, now, &used);
    let spend = |db: &Db, nonce: &str| -> anyhow::Result<bool> {
        let used = used_nonces::is_used(db, nonce)?;
        if !used {
            used_nonces::insert(db, nonce, &person_id, &zige_store::now_rfc3339())?;
        }
        Ok(used)
    };
    let certified = db.transaction(|db| -> Result<Result<String, (Refusal, bool)>, Problem> {
        let refusal = match outcome {
            Ok(()) => {
                let nonce = challenge.as_ref().map(|c| c.nonce.as_str()).unwrap_or_default();
                if spend(db, nonce)? { Some(Refusal::NonceReused) } else { None }
            }
            Err((refusal, presented)) => {
                // A replayed result is refused as such, whatever else is wrong.
                let nonce = challenge.as_ref().map(|c| c.nonce.as_str()).unwrap_or_default();
                let replayed = presented && spend(db, nonce)?;
                Some(if replayed { Refusal::NonceReused } else { refusal })
            }
        };
        if let Some(refusal) = refusal {
            record_failure(db, &person_id, &actor, &refusal)?;
            let visit = arrange_visit(db, settings.assist, &person_id, today, &by)?;
            return Ok(Err((refusal, visit)));
        }
        let evidence_id = format!("face:{}", body.challenge_id);
        let kind = EvidenceKind::SelfServiceFace;
        workflow::file_record(db, &evidence_id, &person_id, &kind, today, today, "self_service_face", &by, workflow::Filing::UnlessOnFile)?;
        if let Some((content_type, data)) = &file {
            workflow::store_file(db, &evidence_id, &person_id, content_type, data)?;
        }
        if let Some(helper) = &helper {
            front_desk::record_helper(db, &evidence_id, &person_id, helper)?;
        }
        audit::append(
            db,
            &Entry {
                actor: &actor,
                role: "recipient",
                action: "certification.self_service",
                object: &evidence_id,
                payload: body.result.as_bytes(),
            },
        )?;
        records::refresh(db, &person_id, today)?;
        Ok(Ok(evidence_id))
    })?;
    let _ = store.delete(&key);
    match certified {
        Ok(certification_id) => {
            let benefits = records::assess_person(db, &person_id, today)?;
            let items: Vec<_> = benefits
                .iter()
                .map(|(b, a)| {
                    let suspended = matches!(b.payment, zige_domain::PaymentState::Suspended { .. });
                    json!({
                        "benefit_id": b.id, "benefit_type": b.benefit_type.code(), "payment_status": b.payment.name(),
                        "list": a.list, "cycle_status": a.cycle.status, "next_due": a.cycle.next_due,
                        "note": suspended.then_some("该待遇已暂停：认证已记录，经办机构核实后才能恢复发放（R7.2）"),
                    })
                })
                .collect();
            Ok(json_response(201, &json!({ "certification_id": certification_id, "channel": "self_service_face", "benefits": items })))
        }
        Err((refusal, visit)) => {
            let left = (DAILY_FAILURES - failures_today(db, &person_id)?).max(0);
            let mut problem = if visit {
                Problem::new(
                    422,
                    "certification_refused",
                    "刷脸认证未能通过，不用再试了：社区工作人员会在5个工作日内与您联系，上门为您办理认证。",
                    format!("Certification refused ({}); a home visit is arranged within 5 working days", refusal.code()),
                )
            } else {
                Problem::new(422, "certification_refused", refusal.message_zh(), format!("Certification refused: {}", refusal.code()))
            }
            .with_reason(refusal.code());
            problem.attempts_left = Some(left);
            problem.next_step = visit.then(|| "home_visit".to_string());
            Err(problem)
        }
    }
}

/// Counts a failed attempt for today.
fn record_failure(db: &Db, person_id: &str, actor: &str, refusal: &Refusal) -> Result<(), Problem> {
    face_attempts::count_failure(db, person_id, zige_store::today())?;
    audit::append(
        db,
        &Entry { actor, role: "recipient", action: "certification.refused", object: person_id, payload: refusal.code().as_bytes() },
    )?;
    Ok(())
}

/// Opens a home visit when the domain says failed checks call for one
/// (R6.3); returns whether one is arranged.
fn arrange_visit(db: &Db, policy: AssistPolicy, person_id: &str, today: chrono::NaiveDate, by: &Actor<'_>) -> Result<bool, Problem> {
    let facts = persons::assist_facts(db, person_id)?.ok_or_else(|| Problem::not_found("您的记录", "person"))?;
    let on_service_ledger = facts.special_groups.iter().any(|g| !g.is_empty());
    let age = facts.birth_date.map(|b| age_on(b, today));
    let failures = u32::try_from(failures_today(db, person_id)?).unwrap_or(u32::MAX);
    let effects = after_failed_face(failures, on_service_ledger, age, policy, today);
    if effects.is_empty() {
        return Ok(false);
    }
    let placement = records::load_placement(db, person_id)?.ok_or_else(|| Problem::not_found("您的记录", "person"))?;
    let org = zige_http::auth::org_tree(db)?.responsible_org(&placement).map_err(|e| anyhow::anyhow!("routing: {e}"))?.id.clone();
    let known = workflow::Known { responsible: Some(&org), ..Default::default() };
    workflow::carry_out(db, person_id, known, &mut std::collections::BTreeMap::new(), effects, today, by)?;
    Ok(true)
}
