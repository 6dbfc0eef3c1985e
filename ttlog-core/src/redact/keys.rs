//! The key rule: which field names (and `key=` names in text) name a secret.
//!
//! A key names a secret when, compared ASCII-case-insensitively and reading `-` as `_`, it
//! equals one of the secret names, or ends with one of them right after a `_`, `-` or `.`.
//! So `password`, `DB_PASSWORD`, `db.password`, `x-api-key`, `X-Auth-Token` and
//! `Authorization` name secrets, while `tokenizer`, `token_count` and `passwordless` do not
//! (the name must be the key's last word).

/// What a secret is replaced with.
pub const MASK: &str = "[REDACTED]";

/// The secret names every [`Redactor`](super::Redactor) starts with, lowercase, `_` for any
/// separator.
pub const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "secret",
    "token",
    "api_key",
    "apikey",
    "authorization",
    "cookie",
    "private_key",
    "secret_key",
    "secret_access_key",
];

/// `name` as the key rule compares it: ASCII lowercase, `-` read as `_`.
pub(crate) fn normalize(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c == '-' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

#[inline]
fn fold(b: u8) -> u8 {
    if b == b'-' {
        b'_'
    } else {
        b.to_ascii_lowercase()
    }
}

/// Whether `key` names the secret `name` (already normalized): equal, or a suffix right after
/// `_`, `-` or `.`.
#[inline]
pub(crate) fn names(key: &[u8], name: &[u8]) -> bool {
    if name.is_empty() || key.len() < name.len() {
        return false;
    }
    let start = key.len() - name.len();
    if start > 0 && !matches!(key[start - 1], b'_' | b'-' | b'.') {
        return false;
    }
    key[start..].iter().zip(name).all(|(&k, &n)| fold(k) == n)
}

/// Whether `key` names any of `secrets` (normalized names).
#[inline]
pub(crate) fn is_secret(key: &[u8], secrets: &[String]) -> bool {
    secrets.iter().any(|name| names(key, name.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(key: &str) -> bool {
        let names: Vec<String> = SECRET_KEYS.iter().map(|s| normalize(s)).collect();
        is_secret(key.as_bytes(), &names)
    }

    #[test]
    fn secret_keys() {
        for key in [
            "password",
            "PASSWORD",
            "Passwd",
            "db_password",
            "db.password",
            "db-password",
            "secret",
            "client_secret",
            "token",
            "access_token",
            "X-Auth-Token",
            "api_key",
            "API-KEY",
            "x-api-key",
            "apikey",
            "Authorization",
            "proxy-authorization",
            "cookie",
            "set-cookie",
            "private_key",
            "ssh.private_key",
            "aws_secret_access_key",
            "AWS_SECRET_ACCESS_KEY",
        ] {
            assert!(secret(key), "{key}");
        }
    }

    #[test]
    fn ordinary_keys() {
        for key in [
            "tokenizer",
            "token_count",
            "passwordless",
            "mypassword",
            "secretary",
            "cookies_enabled",
            "user",
            "",
            "key",
            "public_key",
            "authorizations",
            "api_keys",
        ] {
            assert!(!secret(key), "{key}");
        }
    }

    #[test]
    fn normalize_folds() {
        assert_eq!(normalize("X-Session-ID"), "x_session_id");
    }
}
