//! Identity assertions from the front door (mini-program login or the
//! electronic social-security card): compact JWS, HS256, with `sub` (the ID
//! number), `name`, `iat`, `exp` and `aud` = `"zige"`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The verified claims of an assertion.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct Claims {
    /// The person's 18-character ID number.
    pub sub: String,
    /// The person's name.
    #[serde(default)]
    pub name: String,
    /// Issued at (unix seconds).
    pub iat: i64,
    /// Expires at (unix seconds).
    pub exp: i64,
    /// Audience; must be `zige`.
    pub aud: String,
}

/// Why an assertion was refused; every case is a 401 for the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssertionError {
    /// Not three base64url parts with a JSON header and payload.
    Malformed,
    /// Not HS256.
    WrongAlgorithm,
    /// The signature does not match.
    BadSignature,
    /// Past `exp`, or issued in the future.
    Expired,
    /// `aud` is not `zige`.
    WrongAudience,
}

impl AssertionError {
    /// A stable code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Malformed => "assertion_malformed",
            Self::WrongAlgorithm => "assertion_wrong_algorithm",
            Self::BadSignature => "assertion_bad_signature",
            Self::Expired => "assertion_expired",
            Self::WrongAudience => "assertion_wrong_audience",
        }
    }
}

/// HMAC-SHA256 of `data` under `key`.
pub fn hmac_sha256(key: &[u8], data: &[u8]) -> Vec<u8> {
    // HMAC takes keys of any length.
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.finalize().into_bytes().to_vec()
}

/// Whether `signature` is the HMAC-SHA256 of `data` under `key`, compared in
/// constant time.
pub fn hmac_matches(key: &[u8], data: &[u8], signature: &[u8]) -> bool {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    mac.update(data);
    mac.verify_slice(signature).is_ok()
}

/// Verifies an HS256 assertion for audience `zige` at unix time `now`
/// (allowing 60 s of clock skew).
pub fn verify(assertion: &str, secret: &[u8], now: i64) -> Result<Claims, AssertionError> {
    let mut parts = assertion.trim().split('.');
    let (Some(header), Some(payload), Some(signature), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(AssertionError::Malformed);
    };
    let decode = |part: &str| URL_SAFE_NO_PAD.decode(part).map_err(|_| AssertionError::Malformed);
    let header: serde_json::Value = serde_json::from_slice(&decode(header)?).map_err(|_| AssertionError::Malformed)?;
    if header["alg"] != "HS256" {
        return Err(AssertionError::WrongAlgorithm);
    }
    let signed = &assertion.trim()[..assertion.trim().rfind('.').unwrap_or(0)];
    if !hmac_matches(secret, signed.as_bytes(), &decode(signature)?) {
        return Err(AssertionError::BadSignature);
    }
    let claims: Claims = serde_json::from_slice(&decode(payload)?).map_err(|_| AssertionError::Malformed)?;
    if claims.exp <= now - 60 || claims.iat > now + 60 {
        return Err(AssertionError::Expired);
    }
    if claims.aud != "zige" {
        return Err(AssertionError::WrongAudience);
    }
    Ok(claims)
}
