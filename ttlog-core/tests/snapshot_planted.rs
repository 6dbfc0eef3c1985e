//! Files and links planted where a snapshot might be written (the temp names an older ttlog
//! used, and the final names) neither stop the snapshot nor are touched by it.

use std::fs;
use std::time::{Duration, UNIX_EPOCH};

use ttlog_core::snapshot::{self, Header};

#[test]
fn planted_names_are_left_alone() {
    let dir = std::env::temp_dir().join(format!("ttlog-planted-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let victim = dir.join("victim.txt");
    fs::write(&victim, b"precious").unwrap();

    let mut header = Header::new("svc", "on demand");
    header.created = UNIX_EPOCH + Duration::from_secs(1_709_210_096);
    let pid = std::process::id();
    let mut planted = Vec::new();
    for seq in 0..8 {
        let name = format!("ttlog-svc-20240229T123456Z-{pid}-{seq}-on_demand.snap");
        // The predictable temp name, as a link to the victim and as a file of its own.
        let tmp = dir.join(format!(".{name}.tmp"));
        // A final name taken, by a file or by a link.
        let fin = dir.join(&name);
        if seq % 2 == 0 {
            #[cfg(unix)]
            {
                std::os::unix::fs::symlink(&victim, &tmp).unwrap();
                std::os::unix::fs::symlink(&victim, &fin).unwrap();
            }
            #[cfg(not(unix))]
            {
                fs::write(&tmp, b"planted").unwrap();
                fs::write(&fin, b"planted").unwrap();
            }
        } else {
            fs::write(&tmp, b"planted").unwrap();
            fs::write(&fin, b"planted").unwrap();
        }
        planted.push(tmp);
        planted.push(fin);
    }

    let mut paths = Vec::new();
    for _ in 0..3 {
        let path = snapshot::write(&dir, &header, []).unwrap();
        assert!(!planted.contains(&path), "{}", path.display());
        let snap = snapshot::read(&path).unwrap();
        assert_eq!(snap.header.service, "svc");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let meta = fs::symlink_metadata(&path).unwrap();
            assert!(meta.is_file());
            assert_eq!(meta.permissions().mode() & 0o777, 0o600);
        }
        paths.push(path);
    }
    paths.dedup();
    assert_eq!(paths.len(), 3);

    // Every planted entry is still there, as it was; the victim is untouched.
    for p in &planted {
        let meta = fs::symlink_metadata(p).unwrap_or_else(|_| panic!("{} went", p.display()));
        if meta.is_file() {
            assert_eq!(fs::read(p).unwrap(), b"planted");
        }
    }
    assert_eq!(fs::read(&victim).unwrap(), b"precious");
    // No temp file is left behind.
    let leftovers: Vec<_> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with('.') && !planted.iter().any(|p| p.ends_with(n)))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    fs::remove_dir_all(&dir).unwrap();
}
