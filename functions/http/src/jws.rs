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

/// Signs `claims` as an HS256 assertion: what the front door does, and what
/// the demo provider does for local use.
pub fn sign(claims: &serde_json::Value, secret: &[u8]) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let signed = format!("{header}.{}", URL_SAFE_NO_PAD.encode(claims.to_string()));
    format!("{signed}.{}", URL_SAFE_NO_PAD.encode(hmac_sha256(secret, signed.as_bytes())))
}

/// A face provider's result as it travels: the JSON result in base64url and
/// its HMAC-SHA256 signature in base64url.
pub fn sign_provider_result(result: &serde_json::Value, secret: &[u8]) -> (String, String) {
    let encoded = URL_SAFE_NO_PAD.encode(result.to_string());
    let signature = URL_SAFE_NO_PAD.encode(hmac_sha256(secret, encoded.as_bytes()));
    (encoded, signature)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_assertion_verifies_and_a_changed_one_does_not() {
        let claims = serde_json::json!({ "sub": "11010519491231002X", "name": "某", "iat": 1000, "exp": 2000, "aud": "zige" });
        let assertion = sign(&claims, b"secret");
        assert_eq!(verify(&assertion, b"secret", 1500).map(|c| c.sub), Ok("11010519491231002X".to_string()));
        assert_eq!(verify(&assertion, b"other", 1500).err(), Some(AssertionError::BadSignature));
        assert_eq!(verify(&assertion, b"secret", 3000).err(), Some(AssertionError::Expired));
    }
}
