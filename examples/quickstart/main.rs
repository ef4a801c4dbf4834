//! A small API with every kind of access rule, runnable with no configuration.
//!
//! ```text
//! cargo run --example quickstart                          # serve on 127.0.0.1:3000
//! cargo run --example quickstart -- routes --format json  # print the permission table
//! cargo run --example quickstart -- permissions --format html > permissions.html
//!                                                  # who reaches what (markdown, json, html)
//! ```
//!
//! Without a key source in the environment it signs and verifies with an embedded demo
//! HS256 secret and prints ready-made tokens. With `WARDEN_JWT_SECRET`,
//! `WARDEN_JWT_PUBLIC_KEY_FILE`, `WARDEN_JWKS_FILE`, `WARDEN_JWKS_URL` or
//! `WARDEN_OIDC_ISSUER_URL` set, it verifies real tokens through `Warden::from_env()`.
//! `QUICKSTART_ADDR` sets the listening address.

use std::time::{SystemTime, UNIX_EPOCH};

mod routes;

use axum_warden::{RoleHierarchy, Warden};
use routes::routes;
use serde_json::json;

const DEMO_SECRET: &[u8] = b"axum-warden quickstart demo secret -- never use in production";
const DEMO_ISSUER: &str = "warden-quickstart";
const DEMO_AUDIENCE: &str = "quickstart-api";

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("routes") {
        let table = routes().route_table();
        match args.get(1..).unwrap_or_default() {
            [] => print!("{}", table.to_markdown()),
            [flag, format] if flag == "--format" && format == "markdown" => print!("{}", table.to_markdown()),
            [flag, format] if flag == "--format" && format == "json" => print!("{}", table.to_json()),
            _ => return Err("usage: quickstart routes [--format markdown|json]".into()),
        }
        return Ok(());
    }
    if args.first().map(String::as_str) == Some("permissions") {
        // The quickstart declares no role hierarchy, so every role stands for itself.
        let matrix = routes().route_table().effective_permissions(&RoleHierarchy::new());
        match args.get(1..).unwrap_or_default() {
            [] => print!("{}", matrix.to_markdown()),
            [flag, format] if flag == "--format" && format == "markdown" => print!("{}", matrix.to_markdown()),
            [flag, format] if flag == "--format" && format == "json" => print!("{}", matrix.to_json()),
            [flag, format] if flag == "--format" && format == "html" => print!("{}", matrix.to_html()),
            _ => return Err("usage: quickstart permissions [--format markdown|json|html]".into()),
        }
        return Ok(());
    }
    if let Some(other) = args.first() {
        return Err(format!(
            "unknown argument {other:?}; usage: quickstart [routes [--format markdown|json] | permissions [--format markdown|json|html]]"
        )
        .into());
    }

    // Colours only for a person at a terminal: not in a log file or a pipe, and never
    // when NO_COLOR is set (https://no-color.org).
    let colour = std::io::IsTerminal::is_terminal(&std::io::stdout())
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    tracing_subscriber::fmt()
        .with_ansi(colour)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "axum_warden=info".into()),
        )
        .init();

    let addr = std::env::var("QUICKSTART_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".to_owned());
    let demo = axum_warden::env::KEY_SOURCES
        .iter()
        .all(|name| std::env::var_os(name).is_none());
    let warden = if demo {
        let ignored: Vec<&str> = axum_warden::env::ALL
            .into_iter()
            .filter(|name| std::env::var_os(name).is_some())
            .collect();
        if !ignored.is_empty() {
            println!(
                "!!! No key source is set, so the demo configuration is used and {} ignored.",
                ignored.join(", ")
            );
        }
        Warden::builder()
            .hmac_secret(DEMO_SECRET)
            .issuer(DEMO_ISSUER)
            .audience(DEMO_AUDIENCE)
            .build()?
    } else {
        Warden::from_env()?
    };

    let router = routes().with_state(warden);
    println!("Route permissions:\n\n{}", router.route_table().to_markdown());
    let app: axum::Router = router.into();
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    let base = format!("http://{}", listener.local_addr()?);
    if demo {
        print_demo_tokens(&base)?;
    }
    // The signal handlers are in place before the address is announced, so a process
    // manager that stops the server as soon as it is up still gets a clean stop.
    let stop = shutdown()?;
    println!("listening on {base}  (Ctrl-C to stop)");
    axum::serve(listener, app).with_graceful_shutdown(stop).await?;
    println!("stopped");
    Ok(())
}

fn print_demo_tokens(base: &str) -> Result<(), jsonwebtoken::errors::Error> {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let key = jsonwebtoken::EncodingKey::from_secret(DEMO_SECRET).expect("a non-empty secret");
    let mint = |sub: &str, roles: &[&str], scope: &str| {
        let claims = json!({
            "sub": sub, "iss": DEMO_ISSUER, "aud": DEMO_AUDIENCE,
            "iat": now, "exp": now + 3600, "roles": roles, "scope": scope,
        });
        jsonwebtoken::encode(&jsonwebtoken::Header::default(), &claims, &key)
    };
    let admin = mint("ada", &["admin"], "orders:read")?;
    let editor = mint("eddie", &["editor"], "")?;
    let user = mint("uma", &[], "")?;
    println!(
        "\n!!! DEMO MODE: tokens are signed with a secret embedded in this example.\n\
         !!! Anyone can mint them. Set WARDEN_JWT_SECRET (or another key source) for real use.\n\n\
         Tokens valid for one hour; paste these lines into your shell:\n\
         export ADMIN_TOKEN={admin}    # roles: admin, scope: orders:read\n\
         export EDITOR_TOKEN={editor}  # roles: editor\n\
         export USER_TOKEN={user}      # no roles\n\n\
         Then try:\n  curl -i {base}/health\n  curl -i {base}/me\n  \
         curl -i -H \"Authorization: Bearer $USER_TOKEN\" {base}/me\n  \
         curl -i -H \"Authorization: Bearer $EDITOR_TOKEN\" {base}/admin\n  \
         curl -i -H \"Authorization: Bearer $ADMIN_TOKEN\" {base}/admin\n  \
         curl -i -H \"Authorization: Bearer $EDITOR_TOKEN\" -H 'content-type: application/json' -d '{{\"title\":\"hello\"}}' {base}/articles\n"
    );
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM; the handlers are registered when this is called.
fn shutdown() -> std::io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let mut interrupt = signal(SignalKind::interrupt())?;
        let mut terminate = signal(SignalKind::terminate())?;
        Ok(async move {
            tokio::select! {
                _ = interrupt.recv() => {},
                _ = terminate.recv() => {},
            }
        })
    }
    #[cfg(windows)]
    {
        let mut ctrl_c = tokio::signal::windows::ctrl_c()?;
        Ok(async move {
            ctrl_c.recv().await;
        })
    }
    #[cfg(not(any(unix, windows)))]
    {
        Ok(std::future::pending::<()>())
    }
}
