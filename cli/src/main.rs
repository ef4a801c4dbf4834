//! `axum-warden`: the permission review of axum-warden, for CI.
//!
//! ```text
//! axum-warden review OLD.json NEW.json [--allow ALLOW_FILE]
//! ```
//!
//! Compares two JSON route tables (`RouteTable::to_json`, as a permission snapshot test
//! commits them), prints a Markdown report of every change of access to standard output,
//! most severe first, naming the callers that gain or lose each route, and exits:
//!
//! - 0: nothing that may let someone in (newly public, loosened, replaced), or every such
//!   change is acknowledged in the allow-list;
//! - 1: a change that may let someone in is not acknowledged;
//! - 2: usage error, or a file that cannot be read or is not a route table or an
//!   allow-list.
//!
//! The allow-list holds one reviewed change a line, `<class> <METHOD> <path>  # <reason>`
//! (`public`, `loosened` or `replaced`; the reason is required); `docs/review.md` describes
//! the workflow.

use std::ffi::OsString;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use axum_warden_runtime::review::{AllowList, AllowListError, ReadError, Review, Snapshot};

const USAGE: &str = "\
usage: axum-warden review OLD.json NEW.json [--allow ALLOW_FILE]

Compares two JSON route tables of axum-warden and prints, in Markdown, every change of
access, most severe first, with the callers that gain or lose each route.

options:
  --allow ALLOW_FILE  reviewed changes, one a line: `<class> <METHOD> <path>  # <reason>`,
                      class `public`, `loosened` or `replaced`
  -h, --help          this text
  -V, --version       the version

exit status: 0 nothing unacknowledged lets anyone in; 1 a newly public, loosened or
replaced route is not acknowledged; 2 usage error or unreadable input";

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
enum Command {
    Help,
    Version,
    Review {
        old: PathBuf,
        new: PathBuf,
        allow: Option<PathBuf>,
    },
}

/// Why the review could not run: each is exit status 2.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("{0}\n\n{USAGE}")]
    Usage(String),
    #[error("cannot read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Snapshot {
        path: PathBuf,
        #[source]
        source: ReadError,
    },
    #[error("{}: {source}", path.display())]
    AllowList {
        path: PathBuf,
        #[source]
        source: AllowListError,
    },
}

fn main() -> ExitCode {
    match parse(std::env::args_os().skip(1)).and_then(run) {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("axum-warden: {failure}");
            ExitCode::from(2)
        }
    }
}

fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, Failure> {
    let usage = |message: &str| Err(Failure::Usage(message.to_owned()));
    let mut args = args.into_iter();
    let mut positional = Vec::new();
    let mut allow = None;
    let mut command_seen = false;
    while let Some(arg) = args.next() {
        match arg.to_str() {
            Some("-h" | "--help") => return Ok(Command::Help),
            Some("-V" | "--version") => return Ok(Command::Version),
            Some("--allow") => {
                let Some(file) = args.next() else {
                    return usage("`--allow` needs a file");
                };
                if allow.replace(PathBuf::from(file)).is_some() {
                    return usage("`--allow` is given twice");
                }
            }
            Some(flag) if flag.starts_with("--allow=") => {
                let file = flag.trim_start_matches("--allow=");
                if allow.replace(PathBuf::from(file)).is_some() {
                    return usage("`--allow` is given twice");
                }
            }
            Some(flag) if flag.starts_with('-') && flag.len() > 1 => {
                return usage(&format!("unknown option `{flag}`"));
            }
            _ if !command_seen => {
                if arg != "review" {
                    return usage(&format!(
                        "unknown command `{}`; the command is `review`",
                        arg.to_string_lossy()
                    ));
                }
                command_seen = true;
            }
            _ => positional.push(PathBuf::from(arg)),
        }
    }
    if !command_seen {
        return usage("no command");
    }
    let mut positional = positional.into_iter();
    match (positional.next(), positional.next(), positional.next()) {
        (Some(old), Some(new), None) => Ok(Command::Review { old, new, allow }),
        (_, _, Some(extra)) => usage(&format!("unexpected argument `{}`", extra.display())),
        _ => usage("`review` needs two files, the old table and the new one"),
    }
}

fn run(command: Command) -> Result<ExitCode, Failure> {
    let (old, new, allow) = match command {
        Command::Help => {
            println!("{USAGE}");
            return Ok(ExitCode::SUCCESS);
        }
        Command::Version => {
            println!("axum-warden {}", env!("CARGO_PKG_VERSION"));
            return Ok(ExitCode::SUCCESS);
        }
        Command::Review { old, new, allow } => (old, new, allow),
    };
    let snapshot = |path: PathBuf| {
        let text = read(&path)?;
        Snapshot::from_json(&text).map_err(|source| Failure::Snapshot { path, source })
    };
    let review = Review::between(&snapshot(old)?, &snapshot(new)?);
    let allow = match allow {
        Some(path) => {
            let text = read(&path)?;
            AllowList::parse(&text).map_err(|source| Failure::AllowList { path, source })?
        }
        None => AllowList::default(),
    };
    let verdict = allow.check(&review);
    // A closed pipe (the report piped into `head`) is not the review's failure.
    let _ = std::io::stdout().write_all(verdict.to_markdown().as_bytes());
    let missing = verdict.unacknowledged().count();
    if missing == 0 {
        Ok(ExitCode::SUCCESS)
    } else {
        let what = if missing == 1 {
            "change that may let someone in is"
        } else {
            "changes that may let someone in are"
        };
        eprintln!("axum-warden: {missing} {what} not acknowledged; review, then acknowledge in the allow-list");
        Ok(ExitCode::from(1))
    }
}

fn read(path: &PathBuf) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|source| Failure::Read {
        path: path.clone(),
        source,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(OsString::from)).map_err(|e| e.to_string())
    }

    #[test]
    fn two_files_and_an_optional_allow_list() {
        let review = |allow: Option<&str>| Command::Review {
            old: "a.json".into(),
            new: "b.json".into(),
            allow: allow.map(PathBuf::from),
        };
        assert_eq!(parsed(&["review", "a.json", "b.json"]), Ok(review(None)));
        assert_eq!(
            parsed(&["review", "--allow", "ok.txt", "a.json", "b.json"]),
            Ok(review(Some("ok.txt")))
        );
        assert_eq!(
            parsed(&["review", "a.json", "b.json", "--allow=ok.txt"]),
            Ok(review(Some("ok.txt")))
        );
        assert_eq!(parsed(&["review", "-h"]), Ok(Command::Help));
        assert_eq!(parsed(&["--version"]), Ok(Command::Version));
    }

    #[test]
    fn anything_else_is_a_usage_error_that_says_what_is_wrong() {
        let error = |args: &[&str]| parsed(args).expect_err("a usage error");
        assert!(error(&[]).starts_with("no command"));
        assert!(error(&["diff", "a", "b"]).starts_with("unknown command `diff`"));
        assert!(error(&["review", "a"]).starts_with("`review` needs two files"));
        assert!(error(&["review", "a", "b", "c"]).starts_with("unexpected argument `c`"));
        assert!(error(&["review", "a", "b", "--allow"]).starts_with("`--allow` needs a file"));
        assert!(error(&["review", "a", "b", "--allow", "x", "--allow=y"]).starts_with("`--allow` is given twice"));
        assert!(error(&["review", "a", "b", "--strict"]).starts_with("unknown option `--strict`"));
        assert!(error(&["review", "a", "b", "--strict"]).contains("usage: axum-warden review"));
    }
}
