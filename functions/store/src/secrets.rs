//! Random tokens, hashes, the personal-data key and password hashing.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

/// `n` random bytes from the host's secure random source.
pub fn random_bytes(n: usize) -> Result<Vec<u8>> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no secure randomness: {e}"))?;
    Ok(bytes)
}

/// A random token of 32 bytes as 64 hex characters.
pub fn random_token() -> Result<String> {
    Ok(hex::encode(random_bytes(32)?))
}

/// A record id with a prefix, e.g. `p_019af3c2d1e0` then 20 hex digits:
/// the time in milliseconds, then 80 random bits. Ids made one after
/// another sort one after another, so a batch of new rows lands at the end
/// of every index keyed by them, not on pages all over it (a roster of
/// 100,000 rows committed a third faster). The random part keeps ids
/// unguessable; the time they show is when the record was made, which the
/// record says anyway.
pub fn new_id(prefix: &str) -> Result<String> {
    let millis = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).context("the clock is before 1970")?.as_millis();
    Ok(format!("{prefix}_{millis:012x}{}", hex::encode(random_bytes(10)?)))
}

/// SHA-256 of data, as hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// The key for blind indexes of identity numbers and phones (Spin variable
/// `pii_key`).
pub fn pii_key() -> Result<Vec<u8>> {
    let key = spin_sdk::variables::get("pii_key").context("reading the pii_key variable")?;
    anyhow::ensure!(key.len() >= 16, "pii_key must be at least 16 characters");
    Ok(key.into_bytes())
}

/// The key of audit records' payload hashes, derived from `pii_key` so no
/// new secret is needed: a plain hash would let an auditor confirm a guessed
/// payload (an account id, a date), a keyed one does not (issue 17).
pub fn audit_key() -> Result<Vec<u8>> {
    Ok(zige_domain::id_number::blind_index(&pii_key()?, b"zige audit payload key").into_bytes())
}

/// A blind index of a phone number, digits only, so it can be searched
/// without storing it in a searchable form.
pub fn phone_index(key: &[u8], phone: &str) -> String {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    zige_domain::id_number::blind_index(key, format!("phone:{digits}").as_bytes())
}

/// Hashes a password with argon2id and a random salt (PHC string format).
pub fn hash_password(password: &str) -> Result<String> {
    use argon2::password_hash::{PasswordHasher, SaltString};
    let salt = SaltString::encode_b64(&random_bytes(16)?).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let hash = argon2::Argon2::default().hash_password(password.as_bytes(), &salt).map_err(|e| anyhow::anyhow!("hashing: {e}"))?;
    Ok(hash.to_string())
}

/// Whether a password matches a stored argon2 hash (constant-time compare).
pub fn verify_password(password: &str, stored: &str) -> bool {
    use argon2::password_hash::{PasswordHash, PasswordVerifier};
    PasswordHash::new(stored).is_ok_and(|parsed| argon2::Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Seals and opens what zige must keep secret at rest yet use again
/// (partners' webhook secrets, raw deliveries and imported files):
/// ChaCha20-Poly1305 with a random nonce, under SHA-256 of `secrets_key`.
pub struct Sealer {
    cipher: chacha20poly1305::ChaCha20Poly1305,
}

impl Sealer {
    /// A sealer keyed by a secret text of at least 16 characters.
    pub fn new(secret: &str) -> Result<Self> {
        use chacha20poly1305::aead::KeyInit;
        anyhow::ensure!(secret.len() >= 16, "secrets_key must be at least 16 characters");
        Ok(Self { cipher: chacha20poly1305::ChaCha20Poly1305::new(chacha20poly1305::Key::from_slice(&Sha256::digest(secret.as_bytes()))) })
    }

    /// The sealer keyed by the Spin variable `secrets_key`.
    pub fn from_variable() -> Result<Self> {
        Self::new(&spin_sdk::variables::get("secrets_key").context("reading the secrets_key variable")?)
    }

    /// Encrypts, as base64 of nonce and ciphertext.
    pub fn seal(&self, plain: &[u8]) -> Result<String> {
        use base64::Engine;
        use chacha20poly1305::aead::Aead;
        let nonce = random_bytes(12)?;
        let sealed =
            self.cipher.encrypt(chacha20poly1305::Nonce::from_slice(&nonce), plain).map_err(|_| anyhow::anyhow!("sealing failed"))?;
        Ok(base64::engine::general_purpose::STANDARD.encode([nonce, sealed].concat()))
    }

    /// Decrypts what [`Sealer::seal`] produced.
    pub fn open(&self, sealed: &str) -> Result<Vec<u8>> {
        use base64::Engine;
        use chacha20poly1305::aead::Aead;
        let bytes = base64::engine::general_purpose::STANDARD.decode(sealed).context("a sealed secret is not base64")?;
        anyhow::ensure!(bytes.len() > 12, "a sealed secret is too short");
        self.cipher
            .decrypt(chacha20poly1305::Nonce::from_slice(&bytes[..12]), &bytes[12..])
            .map_err(|_| anyhow::anyhow!("a sealed secret does not open with this secrets_key"))
    }
}

/// Seals with the configured `secrets_key`.
pub fn seal(plain: &[u8]) -> Result<String> {
    Sealer::from_variable()?.seal(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_sort_in_the_order_they_were_made_and_stay_unguessable() {
        let first = new_id("p").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2));
        let second = new_id("p").unwrap();
        assert!(first < second, "{first} then {second}");
        // The prefix, 12 hex digits of milliseconds, 20 of randomness.
        assert_eq!(first.len(), 2 + 12 + 20);
        assert!(first[2..].chars().all(|c| c.is_ascii_hexdigit()));
        // Made in the same millisecond, ids still differ in their random part.
        let same: std::collections::HashSet<String> = (0..1000).map(|_| new_id("b").unwrap()).collect();
        assert_eq!(same.len(), 1000);
    }
}
