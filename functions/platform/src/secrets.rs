//! Random tokens, hashes, the personal-data key and password hashing.

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

/// `n` random bytes from the host's secure random source.
pub fn random_bytes(n: usize) -> Result<Vec<u8>> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| anyhow::anyhow!("no secure randomness: {e}"))?;
    Ok(bytes)
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A random token of 32 bytes as 64 hex characters.
pub fn random_token() -> Result<String> {
    Ok(hex(&random_bytes(32)?))
}

/// A random record id with a prefix, e.g. `p_3f9a…` (80 random bits).
pub fn new_id(prefix: &str) -> Result<String> {
    Ok(format!("{prefix}_{}", &random_token()?[..20]))
}

/// SHA-256 of data, as hex.
pub fn sha256_hex(data: &[u8]) -> String {
    hex(&Sha256::digest(data))
}

/// The key for blind indexes of identity numbers and phones (Spin variable
/// `pii_key`).
pub fn pii_key() -> Result<Vec<u8>> {
    let key = spin_sdk::variables::get("pii_key").context("reading the pii_key variable")?;
    anyhow::ensure!(key.len() >= 16, "pii_key must be at least 16 characters");
    Ok(key.into_bytes())
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

/// The key that seals secrets zige must be able to use again (partners'
/// webhook secrets): SHA-256 of the Spin variable `secrets_key`.
fn sealing_key() -> Result<chacha20poly1305::Key> {
    let text = spin_sdk::variables::get("secrets_key").context("reading the secrets_key variable")?;
    anyhow::ensure!(text.len() >= 16, "secrets_key must be at least 16 characters");
    Ok(*chacha20poly1305::Key::from_slice(&Sha256::digest(text.as_bytes())))
}

/// Encrypts a secret for storage (ChaCha20-Poly1305, random nonce), as
/// base64 of nonce and ciphertext.
pub fn seal(plain: &[u8]) -> Result<String> {
    use base64::Engine;
    use chacha20poly1305::aead::{Aead, KeyInit};
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(&sealing_key()?);
    let nonce = random_bytes(12)?;
    let sealed = cipher.encrypt(chacha20poly1305::Nonce::from_slice(&nonce), plain).map_err(|_| anyhow::anyhow!("sealing failed"))?;
    Ok(base64::engine::general_purpose::STANDARD.encode([nonce, sealed].concat()))
}

/// Decrypts a secret sealed by [`seal`].
pub fn open(sealed: &str) -> Result<Vec<u8>> {
    use base64::Engine;
    use chacha20poly1305::aead::{Aead, KeyInit};
    let bytes = base64::engine::general_purpose::STANDARD.decode(sealed).context("a sealed secret is not base64")?;
    anyhow::ensure!(bytes.len() > 12, "a sealed secret is too short");
    let cipher = chacha20poly1305::ChaCha20Poly1305::new(&sealing_key()?);
    cipher
        .decrypt(chacha20poly1305::Nonce::from_slice(&bytes[..12]), &bytes[12..])
        .map_err(|_| anyhow::anyhow!("a sealed secret does not open with this secrets_key"))
}
