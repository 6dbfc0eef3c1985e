//! Retention in the snapshot directory: after a snapshot, only the newest snapshot files of
//! the service are kept, and nothing else in the directory is touched (other files, other
//! services' snapshots, files named like snapshots that are not, links).

mod common;

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use ttlog::snapshot::{self, Header};

const TEST: &str = "retention_keeps_the_newest_and_nothing_else_goes";

/// Writes a real snapshot of `service`, dated `age_s` seconds ago (name and mtime).
fn plant_snapshot(dir: &Path, service: &str, age_s: u64) -> std::path::PathBuf {
    let mut header = Header::new(service, "planted");
    header.created = SystemTime::now() - Duration::from_secs(age_s);
    let path = snapshot::write(dir, &header, []).unwrap();
    let file = fs::File::options().write(true).open(&path).unwrap();
    file.set_modified(header.created).unwrap();
    path
}

#[test]
fn retention_keeps_the_newest_and_nothing_else_goes() {
    if common::is_child("retention") {
        let dir = common::child_dir();
        let guard = ttlog::init()
            .service("keeper")
            .snapshot_dir(&dir)
            .snapshot_retention(3)
            .recorder_in_memory()
            .no_console()
            .init();
        ttlog::info!("one");
        guard.handle().snapshot("first").unwrap();
        ttlog::info!("two");
        guard.handle().snapshot("second").unwrap();
        println!("child ok");
        return;
    }

    let dir = common::temp_dir("retention");
    // Ten real snapshots of the service, the oldest 1000 s old.
    let planted: Vec<_> = (0..10)
        .map(|i| plant_snapshot(&dir, "keeper", 1000 - i * 10))
        .collect();
    // What must survive: another service's snapshots (one whose name starts with this
    // service's), files named like this service's snapshots without the magic, a link named
    // like one, and unrelated files.
    let others = [
        plant_snapshot(&dir, "keeper-v2", 2000),
        plant_snapshot(&dir, "other", 2000),
    ];
    let fake = dir.join("ttlog-keeper-20200101T000000Z-1-0-fake.snap");
    fs::write(&fake, b"not a snapshot at all").unwrap();
    let notes = dir.join("notes.txt");
    fs::write(&notes, b"keep me").unwrap();
    let backup = dir.join(format!(
        "{}.bak",
        planted[0].file_name().unwrap().to_str().unwrap()
    ));
    fs::copy(&planted[0], &backup).unwrap();
    #[cfg(unix)]
    let link = {
        let link = dir.join("ttlog-keeper-20200101T000000Z-1-1-link.snap");
        std::os::unix::fs::symlink(&planted[0], &link).unwrap();
        link
    };

    common::assert_child_ok(&mut common::child(TEST, "retention", &dir));

    // The two new snapshots and the newest planted one are kept.
    let mut kept: Vec<String> = common::snapshots(&dir)
        .iter()
        .filter(|p| {
            let name = p.file_name().unwrap().to_str().unwrap();
            name.starts_with("ttlog-keeper-2") && fs::symlink_metadata(p).unwrap().is_file()
        })
        .filter(|p| **p != fake)
        .map(|p| snapshot::read(p).unwrap().header.reason)
        .collect();
    kept.sort();
    assert_eq!(kept, ["first", "planted", "second"]);
    assert!(planted[9].exists());
    assert!(planted[..9].iter().all(|p| !p.exists()));
    // Nothing else went.
    for p in others.iter().chain([&fake, &notes, &backup]) {
        assert!(p.exists(), "{} was removed", p.display());
    }
    #[cfg(unix)]
    assert!(fs::symlink_metadata(&link).is_ok(), "the link was removed");
    assert_eq!(fs::read(&notes).unwrap(), b"keep me");
}
