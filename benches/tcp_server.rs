//! The server `benches/throughput.sh` loads over TCP: a public route and guarded ones
//! whose handlers are the same (`"ok"`), so that the difference in requests per second is
//! the guard's alone. The quickstart's guarded handlers also read the identity and build
//! their answers, which the public `/health` does not.
//!
//! It serves only when `TCP_SERVER_ADDR` is set (the script sets it with the `WARDEN_*`
//! variables of a warden); run by `cargo bench` without it, it returns at once.

use axum_warden::{Router, Warden, public, requires_auth, requires_role, routing::get};

#[public]
async fn public_ok() -> &'static str {
    "ok"
}

#[requires_auth]
async fn auth_ok() -> &'static str {
    "ok"
}

#[requires_role("admin")]
async fn role_ok() -> &'static str {
    "ok"
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let Ok(addr) = std::env::var("TCP_SERVER_ADDR") else {
        println!("tcp_server: serves only when TCP_SERVER_ADDR is set (benches/throughput.sh does)");
        return Ok(());
    };
    let app: axum::Router = Router::new()
        .route("/public", get(public_ok))
        .route("/auth", get(auth_ok))
        .route("/role", get(role_ok))
        .with_state(Warden::from_env()?)
        .into();
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    axum::serve(listener, app).await?;
    Ok(())
}
