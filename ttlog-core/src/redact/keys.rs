//! The key rule: which field names (and `key=` / `key:` names in text) name a secret.
//!
//! A key is read as words: it is cut at every character that is not an ASCII letter or
//! digit (`_`, `-`, `.`, spaces…) and inside camelCase (`accessToken` is `access token`,
//! `XApiKey` is `x api key`), and the words are compared ASCII-case-insensitively, trailing
//! digits aside (`password2`). Only the **last word** decides, so a key names a secret when:
//!
//! - its last word is a secret word: `password`, `passwd`, `pwd`, `passphrase`, `secret`,
//!   `token`, `authorization`, `auth`, `cookie`, `credentials`, `apikey`, `sessionid`… (see
//!   [`SECRET_KEYS`]; one-word spellings such as `accesstoken` and `pgpassword` too);
//! - or its last word is `key` after `api`, `private`, `secret`, `signing`, `encryption`,
//!   `master`, `hmac`, `auth`, `client`, `app`, `shared`, `webhook` or `session`
//!   (`x-api-key`, `privateKey`, `aws_secret_access_key`), or `id` after `session`;
//! - or its last word is `pass` after another word (`db_pass`, `smtpPass`): `pass` alone is
//!   too often a count (`pass=3 fail=0`);
//! - or one of the above is followed by one qualifier word that still holds the secret:
//!   `confirmation`, `confirm`, `again`, `repeat`, `plain`, `plaintext`, `raw`, `clear`,
//!   `cleartext`, `value`, `hash`, `digest`, `enc`, `encrypted`, `b64`, `base64`, or a
//!   number (`password_confirmation`, `token_2`).
//!
//! So `password`, `DB_PASSWORD`, `db.password`, `dbPassword`, `x-api-key`, `X-Auth-Token`,
//! `clientSecret`, `refresh_token` and `Proxy-Authorization` name secrets, while the
//! near-misses do not: `tokenizer`, `tokens_used` and `max_tokens` (`tokens` is not `token`),
//! `token_count`, `password_policy`, `password_len`, `passwordless`, `mypassword` (one word),
//! `keyboard`, `monkey`, `keys_total`, `public_key`, `author`, `authority`, `bypass`,
//! `compass`, `passage`, `secretary`, `secretariat`, `cookies_enabled`, and
//! `withCredentials` / `Access-Control-Allow-Credentials` (a flag, not credentials).
//!
//! Names added with `Redactor::key` are split the same way and match when they are the
//! key's last words (`ssn` matches `user_ssn` and `userSsn`).

/// What a secret is replaced with.
pub const MASK: &str = "[REDACTED]";

/// The secret names of the built-in key rule, lowercase, `_` between words. A key whose last
/// words are one of these names a secret; the [module docs](self) list the rule's other
/// cases (qualifier words, `pass` after another word) and its near-misses.
pub const SECRET_KEYS: &[&str] = &[
    "password",
    "passwd",
    "pwd",
    "passphrase",
    "secret",
    "token",
    "api_key",
    "apikey",
    "authorization",
    "auth",
    "cookie",
    "credentials",
    "private_key",
    "secret_key",
    "secret_access_key",
    "signing_key",
    "encryption_key",
    "master_key",
    "client_secret",
    "access_token",
    "refresh_token",
    "sessionid",
    "session_id",
];

/// The longest word the built-in rule compares (`authorization`, `confirmation`…).
const MAX_WORD: usize = 16;

/// Whether `w` (lowercase, trailing digits removed) names a secret as a key's last word.
#[rustfmt::skip]
fn secret_word(w: &[u8]) -> bool {
    matches!(
        w,
        b"password" | b"passwords" | b"passwd" | b"pwd" | b"pgpassword" | b"passphrase"
            | b"secret" | b"secrets" | b"token" | b"authorization" | b"auth" | b"cookie"
            | b"credential" | b"credentials" | b"creds" | b"apikey" | b"apitoken"
            | b"accesstoken" | b"refreshtoken" | b"authtoken" | b"idtoken" | b"sessiontoken"
            | b"privatekey" | b"secretkey" | b"clientsecret" | b"sessionid" | b"jsessionid"
            | b"phpsessid" | b"sessid"
    )
}

/// Whether `w` (lowercase) before `key` makes it a secret key.
#[rustfmt::skip]
fn key_kind(w: &[u8]) -> bool {
    matches!(
        w,
        b"api" | b"private" | b"secret" | b"signing" | b"encryption" | b"master" | b"hmac"
            | b"auth" | b"client" | b"app" | b"shared" | b"webhook" | b"session"
    )
}

/// Whether `w` (lowercase) after a secret word still holds the secret (skipped once).
#[rustfmt::skip]
fn qualifier(w: &[u8]) -> bool {
    matches!(
        w,
        b"confirmation" | b"confirm" | b"again" | b"repeat" | b"plain" | b"plaintext" | b"raw"
            | b"clear" | b"cleartext" | b"value" | b"hash" | b"digest" | b"enc" | b"encrypted"
            | b"b64" | b"base64"
    )
}

/// A word of a key, ASCII-lowercased on the stack; a word longer than [`MAX_WORD`] is kept
/// empty (it matches nothing).
#[derive(Clone, Copy)]
struct Word {
    buf: [u8; MAX_WORD],
    len: usize,
    /// The length without trailing digits (`password2`).
    stem: usize,
}

impl Word {
    fn new(w: &[u8]) -> Word {
        let mut buf = [0; MAX_WORD];
        if w.len() > MAX_WORD {
            return Word {
                buf,
                len: 0,
                stem: 0,
            };
        }
        for (d, s) in buf.iter_mut().zip(w) {
            *d = s.to_ascii_lowercase();
        }
        let stem = w
            .iter()
            .rposition(|c| !c.is_ascii_digit())
            .map_or(0, |p| p + 1);
        Word {
            buf,
            len: w.len(),
            stem,
        }
    }

    fn full(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    fn stem(&self) -> &[u8] {
        &self.buf[..self.stem]
    }

    fn all_digits(&self) -> bool {
        self.len > 0 && self.stem == 0
    }
}

/// How a secret key's value is written in text, for the text scanner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Any other secret: the value is masked.
    Plain,
    /// `Authorization`: an auth scheme (`Basic`, `Bearer`…) is kept, the credential masked.
    Authorization,
    /// `Cookie`: every cookie's value is masked.
    Cookie,
    /// `Set-Cookie`: the cookie's value is masked, its attributes kept.
    SetCookie,
    /// `pwd`: masked unless the value is a path (starts with `/` or `~`): `PWD=/home/ann`
    /// is the working directory.
    Pwd,
}

/// `name` as the key rule compares it: its words, ASCII lowercase, joined by `_`.
pub(crate) fn normalize(name: &str) -> String {
    let b = name.as_bytes();
    let mut words = Vec::new();
    let mut it = Words::new(b);
    while let Some(w) = it.next_back() {
        words.push(String::from_utf8_lossy(&b[w]).to_ascii_lowercase());
    }
    words.reverse();
    words.join("_")
}

/// The words of a key, read from its end (see the [module docs](self)).
struct Words<'a> {
    b: &'a [u8],
    end: usize,
}

impl<'a> Words<'a> {
    fn new(b: &'a [u8]) -> Words<'a> {
        Words { b, end: b.len() }
    }

    /// The range of the word before the ones already read.
    fn next_back(&mut self) -> Option<std::ops::Range<usize>> {
        let b = self.b;
        while self.end > 0 && !b[self.end - 1].is_ascii_alphanumeric() {
            self.end -= 1;
        }
        if self.end == 0 {
            return None;
        }
        let end = self.end;
        let mut start = end - 1;
        while start > 0 {
            let (p, c) = (b[start - 1], b[start]);
            if !p.is_ascii_alphanumeric() {
                break;
            }
            // camelCase (`dbPassword`, `oauth2Token`) and the end of an acronym (`APIKey`).
            let lower_to_upper =
                (p.is_ascii_lowercase() || p.is_ascii_digit()) && c.is_ascii_uppercase();
            let acronym_end = p.is_ascii_uppercase()
                && c.is_ascii_uppercase()
                && b.get(start + 1).is_some_and(u8::is_ascii_lowercase)
                && start + 1 < end;
            if lower_to_upper || acronym_end {
                break;
            }
            start -= 1;
        }
        self.end = start;
        Some(start..end)
    }
}

/// What the built-in rule says about `key`.
fn builtin(key: &[u8]) -> Option<Kind> {
    let mut words = Words::new(key);
    let mut next = || words.next_back().map(|r| Word::new(&key[r]));
    let mut last = next()?;
    if last.all_digits() || qualifier(last.full()) {
        last = next()?;
    }
    // Most keys are decided by their last word alone; the word before it is read only when
    // it matters.
    let stem = last.stem();
    if secret_word(stem) {
        let kind = match stem {
            b"authorization" => Kind::Authorization,
            b"cookie" if next().is_some_and(|p| p.stem() == b"set") => Kind::SetCookie,
            b"cookie" => Kind::Cookie,
            b"pwd" => Kind::Pwd,
            // `withCredentials: true`, `Access-Control-Allow-Credentials: true`: flags.
            b"credentials" if next().is_some_and(|p| matches!(p.stem(), b"with" | b"allow")) => {
                return None
            }
            _ => Kind::Plain,
        };
        return Some(kind);
    }
    let secret = match stem {
        b"key" => next().is_some_and(|p| {
            key_kind(p.stem())
                || (p.stem() == b"access" && next().is_some_and(|w| w.stem() == b"secret"))
        }),
        b"id" => next().is_some_and(|p| p.stem() == b"session"),
        b"pass" => next().is_some(),
        _ => false,
    };
    secret.then_some(Kind::Plain)
}

/// Whether `key`'s last words are the words of `name` (normalized: `_` between words).
fn ends_with(key: &[u8], name: &str) -> bool {
    let mut words = Words::new(key);
    let mut names = name.split('_').rev().filter(|w| !w.is_empty()).peekable();
    if names.peek().is_none() {
        return false;
    }
    names.all(|n| {
        words
            .next_back()
            .is_some_and(|w| key[w].eq_ignore_ascii_case(n.as_bytes()))
    })
}

/// How `key` names a secret under the built-in rule or one of `custom` (normalized names),
/// or `None` when it does not.
#[inline]
pub(crate) fn classify(key: &[u8], custom: &[String]) -> Option<Kind> {
    // The shortest secret word is `pwd`; a number is never a key.
    if key.len() < 3 || key.iter().all(u8::is_ascii_digit) {
        return custom
            .iter()
            .any(|name| ends_with(key, name))
            .then_some(Kind::Plain);
    }
    builtin(key).or_else(|| {
        custom
            .iter()
            .any(|name| ends_with(key, name))
            .then_some(Kind::Plain)
    })
}

/// Whether `key` names a secret under the built-in rule or one of `custom`.
#[inline]
pub(crate) fn is_secret(key: &[u8], custom: &[String]) -> bool {
    classify(key, custom).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(key: &str) -> bool {
        is_secret(key.as_bytes(), &[])
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
            "dbPassword",
            "DbPassword",
            "password2",
            "password_confirmation",
            "passwordConfirm",
            "PGPASSWORD",
            "secret",
            "client_secret",
            "clientSecret",
            "token",
            "access_token",
            "accessToken",
            "ACCESSTOKEN",
            "refresh_token",
            "X-Auth-Token",
            "oauth2Token",
            "api_key",
            "API-KEY",
            "x-api-key",
            "XApiKey",
            "APIKey",
            "apiKey",
            "apikey",
            "Authorization",
            "proxy-authorization",
            "auth",
            "basic_auth",
            "HTTPAuth",
            "cookie",
            "set-cookie",
            "private_key",
            "privateKey",
            "ssh.private_key",
            "aws_secret_access_key",
            "AWS_SECRET_ACCESS_KEY",
            "secretKey",
            "signing_key",
            "pwd",
            "MYSQL_PWD",
            "passphrase",
            "db_pass",
            "smtpPass",
            "credentials",
            "sessionid",
            "JSESSIONID",
            "session_id",
            "sessionId",
        ] {
            assert!(secret(key), "{key}");
        }
        for name in SECRET_KEYS {
            assert!(secret(name), "{name}");
        }
    }

    #[test]
    fn ordinary_keys() {
        for key in [
            "tokenizer",
            "tokenizerName",
            "token_count",
            "tokens_used",
            "max_tokens",
            "maxTokens",
            "passwordless",
            "password_policy",
            "password_len",
            "password_min_length",
            "mypassword",
            "secretary",
            "secretariat",
            "secret_santa",
            "cookies_enabled",
            "user",
            "",
            "key",
            "keys_total",
            "keyboard",
            "monkey",
            "public_key",
            "publicKey",
            "primary_key",
            "authorizations",
            "auth_method",
            "author",
            "authority",
            "api_keys",
            "api_key_id",
            "pass",
            "bypass",
            "compass",
            "passage",
            "withCredentials",
            "Access-Control-Allow-Credentials",
            "token_id",
            "42",
        ] {
            assert!(!secret(key), "{key}");
        }
    }

    #[test]
    fn custom_names_match_last_words() {
        let custom = vec![normalize("SSN"), normalize("cardPin")];
        assert_eq!(custom, ["ssn", "card_pin"]);
        for key in [
            "ssn",
            "user_ssn",
            "userSsn",
            "card-pin",
            "CardPIN",
            "old.card_pin",
        ] {
            assert!(is_secret(key.as_bytes(), &custom), "{key}");
        }
        for key in ["ssns", "pin", "ssn_count"] {
            assert!(!is_secret(key.as_bytes(), &custom), "{key}");
        }
    }

    #[test]
    fn kinds() {
        assert_eq!(classify(b"Set-Cookie", &[]), Some(Kind::SetCookie));
        assert_eq!(classify(b"Cookie", &[]), Some(Kind::Cookie));
        assert_eq!(
            classify(b"Proxy-Authorization", &[]),
            Some(Kind::Authorization)
        );
        assert_eq!(classify(b"PWD", &[]), Some(Kind::Pwd));
        assert_eq!(classify(b"password", &[]), Some(Kind::Plain));
    }

    #[test]
    fn normalize_splits_words() {
        assert_eq!(normalize("X-Session-ID"), "x_session_id");
        assert_eq!(normalize("accessToken"), "access_token");
        assert_eq!(normalize("APIKey"), "api_key");
    }
}
