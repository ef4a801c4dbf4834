//! On axum-warden's deny-by-default router; the route table reads the generated policy.
use axum_warden::routing::{get, post};
use axum_warden::{Match, Requirement, Router, Warden, requires_role};

const PUBLISH_LINE: u32 = line!() + 2;
#[requires_role(any("editor", "admin"))]
async fn publish() {}

#[requires_role("admin")]
async fn admin() {}

fn main() {
    let router: Router<Warden> = Router::new()
        .route("/articles", post(publish))
        .route("/admin", get(admin));
    let table = router.route_table();
    let publish_row = table
        .rows()
        .iter()
        .find(|row| row.handler().name == "publish")
        .expect("publish row");
    assert_eq!(
        *publish_row.requirement(),
        Requirement::Roles {
            mode: Match::Any,
            names: &["editor", "admin"]
        }
    );
    assert_eq!(publish_row.handler().line, PUBLISH_LINE);
    assert!(publish_row.handler().file.ends_with("deny_by_default_router.rs"));
    assert!(table.rows().iter().any(|row| row.handler().name == "admin"));
}
