//! Redaction rules: a corpus of real-looking secrets (each masked) and near-misses (each left
//! alone), keys, custom rules, and idempotence.

use ttlog_core::redact::{Pattern, Redactor, MASK};
use ttlog_core::FieldValue;

const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
const AWS_SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const PEM: &str = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7bq98Ww\nGzP2gNq0Q8b3Hh5A==\n-----END RSA PRIVATE KEY-----";

/// (input, expected output)
fn corpus() -> Vec<(String, String)> {
    let m = MASK;
    let mut c: Vec<(String, String)> = vec![
        // Bearer tokens.
        ("Authorization: Bearer 8f3b2c1d9e7a6b5c".into(), format!("Authorization: Bearer {m}")),
        ("bearer ghp_16C7e42F292c6912E7710c838347Ae178B4a".into(), format!("bearer {m}")),
        ("BEARER\tabcdefghijklmnopqrstuvwxyz rest".into(), format!("BEARER\t{m} rest")),
        ("Bearer dGhpcyBpcyBhIHRva2Vu+/0=".into(), format!("Bearer {m}")),
        (format!("hdr=\"Bearer {JWT}\""), format!("hdr=\"Bearer {m}\"")),
        // JWTs.
        (JWT.into(), m.into()),
        (format!("id_token {JWT} expired"), format!("id_token {m} expired")),
        (format!("jwt:{JWT}."), format!("jwt:{m}.")),
        ("unsigned eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0. done".into(), format!("unsigned {m} done")),
        (format!("two {JWT},{JWT}"), format!("two {m},{m}")),
        // key=value.
        ("GET /cb?code=abc&token=s3cr3tV4lue&state=xyz".into(), format!("GET /cb?code=abc&token={m}&state=xyz")),
        ("https://u.example/x?api_key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY".into(), format!("https://u.example/x?api_key={m}")),
        ("password=hunter2".into(), format!("password={m}")),
        ("login user=ann password=\"correct horse battery\" ok".into(), format!("login user=ann password=\"{m}\" ok")),
        ("db_password='p@ss w0rd';".into(), format!("db_password='{m}';")),
        ("DB.PASSWORD=x1;X-API-KEY=abc123&access_token=q".into(), format!("DB.PASSWORD={m};X-API-KEY={m}&access_token={m}")),
        ("client_secret=Zm9vYmFy=&grant=1".into(), format!("client_secret={m}&grant=1")),
        // The URL's password is masked too (since issue 14; it used to be left alone).
        ("postgres://app:pw@db/app?sslmode=require&passwd=é漢字".into(), format!("postgres://app:{m}@db/app?sslmode=require&passwd={m}")),
        // AWS.
        ("AKIAIOSFODNN7EXAMPLE".into(), m.into()),
        ("key id ASIAY34FZKBOKMUTVV7A, region us-east-1".into(), format!("key id {m}, region us-east-1")),
        ("[AKIA0123456789ABCDEF]".into(), format!("[{m}]")),
        (format!("aws_secret_access_key = {AWS_SECRET}"), format!("aws_secret_access_key = {m}")),
        (format!("AWS_SECRET_ACCESS_KEY={AWS_SECRET}\n"), format!("AWS_SECRET_ACCESS_KEY={m}\n")),
        (format!("{{\"aws_secret_access_key\": \"{AWS_SECRET}\"}}"), format!("{{\"aws_secret_access_key\": \"{m}\"}}")),
        // Any value of a secret key is masked, not only a 40-character one (since issue 14:
        // `key: value` is read like `key=value`; this used to be a near-miss).
        ("aws_secret_access_key: short".into(), format!("aws_secret_access_key: {m}")),
        // PEM.
        (PEM.into(), format!("-----BEGIN RSA PRIVATE KEY-----{m}-----END RSA PRIVATE KEY-----")),
        (format!("loaded key: {PEM} (2048 bits)"), format!("loaded key: -----BEGIN RSA PRIVATE KEY-----{m}-----END RSA PRIVATE KEY----- (2048 bits)")),
        ("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqh\n-----END PRIVATE KEY-----".into(), format!("-----BEGIN PRIVATE KEY-----{m}-----END PRIVATE KEY-----")),
        ("-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA (cut".into(), format!("-----BEGIN OPENSSH PRIVATE KEY-----{m}")),
        ("-----BEGIN ENCRYPTED PRIVATE KEY-----MIIFDjBABgkqhkiG9w0BBQ0w-----END ENCRYPTED PRIVATE KEY-----".into(), format!("-----BEGIN ENCRYPTED PRIVATE KEY-----{m}-----END ENCRYPTED PRIVATE KEY-----")),
    ];
    // Several kinds in one string.
    c.push((
        format!("Bearer 0123456789ab then AKIAIOSFODNN7EXAMPLE and token=t0k then {JWT}"),
        format!("Bearer {m} then {m} and token={m} then {m}"),
    ));
    c
}

const NEAR_MISSES: &[&str] = &[
    "tokenizer",
    "passwordless login enabled",
    "the tokenizer=bpe setting",
    "passwordless=true",
    "token_count=42",
    "Bearer",
    "Bearer ",
    "bearer of bad news",
    "Bearer short1",
    "xBearer 0123456789abcdef",
    "eyJhbGciOi",
    "eyJhbGci.eyJz.sig",
    "abJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
    "version 1.2.3 and a.b.c",
    "AKIAIOSFODNN7EXAMPL",
    "AKIAIOSFODNN7EXAMPLE1",
    "XAKIAIOSFODNN7EXAMPLE",
    "AKIAiosfodnn7example",
    "x.eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig",
    "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n-----END PUBLIC KEY-----",
    "-----BEGIN CERTIFICATE-----\nMIIDdzCCAl+gAwIBAgIE\n-----END CERTIFICATE-----",
    "password reset requested for ann",
    "secret santa",
    "a=b&c=d",
    "token=",
    "dGhpcyBpcyBub3QgYSBzZWNyZXQ=",
    "",
    "é漢字 🎉",
];

#[test]
fn secrets_are_masked() {
    let r = Redactor::new();
    for (input, expected) in corpus() {
        assert_eq!(r.redact_str(&input), expected, "input: {input:?}");
    }
}

#[test]
fn near_misses_are_kept() {
    let r = Redactor::new();
    for input in NEAR_MISSES {
        assert_eq!(r.redact_str(input), *input, "input: {input:?}");
    }
}

#[test]
fn idempotent() {
    let r = Redactor::new();
    for (input, _) in corpus() {
        let once = r.redact_str(&input).into_owned();
        assert_eq!(r.redact_str(&once), once, "input: {input:?}");
    }
}

#[test]
fn secret_keys_mask_any_value() {
    let r = Redactor::new();
    let mask = Some(FieldValue::from(MASK));
    assert_eq!(
        r.redact_field("password", &FieldValue::from("hunter2")),
        mask
    );
    assert_eq!(
        r.redact_field("X-Api-Key", &FieldValue::from(12345u64)),
        mask
    );
    assert_eq!(
        r.redact_field("session.cookie", &FieldValue::from(true)),
        mask
    );
    assert_eq!(
        r.redact_field("Authorization", &FieldValue::from("Basic dXNlcjpwYXNz")),
        mask
    );
    // Not recorded yet: stays empty.
    assert_eq!(r.redact_field("token", &FieldValue::EMPTY), None);
    // Other keys: only patterns apply.
    assert_eq!(r.redact_field("tokenizer", &FieldValue::from("bpe")), None);
    assert_eq!(
        r.redact_field("passwordless", &FieldValue::from(true)),
        None
    );
    assert_eq!(
        r.redact_field("url", &FieldValue::from("/a?token=x")),
        Some(FieldValue::from("/a?token=[REDACTED]"))
    );
    assert_eq!(r.redact_field("count", &FieldValue::from(3)), None);
}

#[test]
fn custom_keys_and_patterns() {
    let r = Redactor::new()
        .key("SSN")
        .key("")
        .pattern(Pattern::prefix("sk_live_"))
        .pattern(Pattern::prefix(""));
    assert!(r.is_secret_key("user-ssn"));
    assert_eq!(r.redact_str("ssn=078-05-1120"), "ssn=[REDACTED]");
    assert_eq!(
        r.redact_str("charge with SK_LIVE_4eC39HqLyjWDarjtT1zdp7dc, twice sk_live_x"),
        "charge with SK_LIVE_[REDACTED], twice sk_live_[REDACTED]"
    );
    assert_eq!(r.redact_str("sk_live_"), "sk_live_");
    let once = r.redact_str("sk_live_abc").into_owned();
    assert_eq!(r.redact_str(&once), once);
}

#[test]
fn text_without_secrets_is_borrowed() {
    let r = Redactor::new();
    for input in NEAR_MISSES {
        assert!(matches!(r.redact_str(input), std::borrow::Cow::Borrowed(_)));
    }
}
