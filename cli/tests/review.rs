//! The `axum-warden review` command on the quickstart's committed permission snapshot, and
//! on a copy of it with two routes deliberately loosened.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The quickstart's committed JSON route table (`tests/permissions.rs` keeps it current).
const QUICKSTART: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/permissions/quickstart.json");

/// A directory of this test's own, empty.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("axum-warden-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// The quickstart's table with `GET /admin` opened to editors and `GET /me` made public.
fn loosened(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(QUICKSTART).expect("the committed snapshot");
    let mut table: serde_json::Value = serde_json::from_str(&text).expect("the snapshot is JSON");
    let mut edited = 0;
    for route in table.as_array_mut().expect("an array of routes") {
        match (route["method"].as_str(), route["path"].as_str()) {
            (Some("GET"), Some("/admin")) => route["access"]["roles"] = serde_json::json!(["admin", "editor"]),
            (Some("GET"), Some("/me")) => route["access"] = serde_json::json!({"kind": "public"}),
            _ => continue,
        }
        edited += 1;
    }
    assert_eq!(edited, 2, "the quickstart still has GET /admin and GET /me");
    let path = dir.join("loosened.json");
    std::fs::write(&path, serde_json::to_string_pretty(&table).expect("JSON")).expect("write the copy");
    path
}

fn review(args: &[&Path]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_axum-warden"))
        .arg("review")
        .args(args)
        .output()
        .expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn an_unchanged_snapshot_passes() {
    let output = review(&[Path::new(QUICKSTART), Path::new(QUICKSTART)]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert_eq!(
        text(&output.stdout),
        "### Permission review\n\nNo route's access changed.\n"
    );
}

#[test]
fn a_loosened_snapshot_fails_and_names_who_gains_each_route() {
    let dir = scratch("loosened");
    let output = review(&[Path::new(QUICKSTART), &loosened(&dir)]);
    let report = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{report}");
    assert!(
        report.contains("2 routes changed: 1 newly public, 1 loosened."),
        "{report}"
    );
    let public = report.find(
        "| **newly public** | `GET /me` | `me` | authenticated | public | anyone, without credentials |  | **no** |",
    );
    let loosened = report
        .find("| **loosened** | `GET /admin` | `admin` | role: admin | any role: admin, editor | editor |  | **no** |");
    assert!(public.is_some() && loosened.is_some(), "{report}");
    assert!(public < loosened, "newly public comes first: {report}");
    assert!(
        report.contains("public GET /me  # <why this is intended>\nloosened GET /admin  # <why this is intended>\n"),
        "{report}"
    );
    assert!(
        text(&output.stderr).contains("2 changes that may let someone in are not acknowledged"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn an_acknowledged_loosening_passes_and_a_partial_acknowledgment_does_not() {
    let dir = scratch("allow");
    let new = loosened(&dir);
    let allow = dir.join("permission-changes.allow");
    // The review of the loosened copy under an allow-list of `lines`: status and report.
    let acknowledged = |lines: &str| {
        std::fs::write(&allow, lines).expect("write the allow-list");
        let output = review(&[Path::new(QUICKSTART), &new, Path::new("--allow"), &allow]);
        (output.status.code(), text(&output.stdout))
    };

    let (status, report) = acknowledged(
        "# Reviewed permission changes\n\
         loosened GET /admin  # editors moderate the admin page (#120)\n\
         public GET /me  # the profile page is public (#121)\n",
    );
    assert_eq!(status, Some(0), "{report}");
    assert!(
        report.contains("| editor |  | editors moderate the admin page (#120) |"),
        "{report}"
    );
    assert!(!report.contains("not acknowledged"), "{report}");

    // Only one acknowledged, and a stale entry for a route that did not change.
    let (status, report) = acknowledged(
        "loosened GET /admin  # editors moderate the admin page (#120)\nloosened GET /orders  # left over\n",
    );
    assert_eq!(status, Some(1), "{report}");
    assert!(report.contains("**1 change is not acknowledged.**"), "{report}");
    assert!(
        report.contains("- line 2: `loosened GET /orders  # left over`"),
        "{report}"
    );
}

#[test]
fn unreadable_input_and_usage_errors_exit_2() {
    let dir = scratch("errors");
    let not_json = dir.join("broken.json");
    std::fs::write(&not_json, "[{\"method\": \"GET\"").expect("write");
    let no_reason = dir.join("no-reason.allow");
    std::fs::write(&no_reason, "loosened GET /admin\n").expect("write");
    let quickstart = Path::new(QUICKSTART);

    let cases: [(&[&Path], &str); 5] = [
        (&[quickstart], "`review` needs two files"),
        (&[quickstart, &dir.join("missing.json")], "cannot read"),
        (&[quickstart, &not_json], "not the JSON of a route table"),
        (
            &[quickstart, quickstart, Path::new("--allow"), &no_reason],
            "allow-list line 1: every entry needs a reason",
        ),
        (
            &[quickstart, quickstart, Path::new("--frobnicate")],
            "unknown option `--frobnicate`",
        ),
    ];
    for (args, message) in cases {
        let output = review(args);
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}
