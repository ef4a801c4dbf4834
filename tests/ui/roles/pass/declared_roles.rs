use axum_warden::{Roles, Warden, requires_auth, requires_role};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Roles)]
pub enum Role {
    #[role(includes(Editor, Reviewer))]
    Admin,
    #[role(includes(Viewer))]
    Editor,
    #[role(includes(Viewer))]
    Reviewer,
    Viewer,
    #[role("billing-admin")]
    Billing,
    r#Type,
}

mod roles {
    #[derive(Clone, Copy, axum_warden::Roles)]
    pub enum Staff {
        Support,
    }
}

#[requires_role(Role::Admin)]
async fn admin() {}

#[requires_role(any(Role::Editor, crate::roles::Staff::Support, "legacy-admin"))]
async fn edit() {}

#[requires_auth]
#[requires_role(all(Role::Billing, Role::Viewer))]
pub async fn invoices() {}

fn main() {
    assert_eq!(Role::Type.name(), "type");
    assert_eq!(<Role as Roles>::NAMES.len(), 6);
    let warden = Warden::builder()
        .hmac_secret(vec![7; 32])
        .role_hierarchy(Role::hierarchy())
        .build()
        .expect("no cycle");
    let _: axum::Router = axum_warden::Router::new()
        .route("/admin", axum_warden::routing::get(admin))
        .route("/edit", axum_warden::routing::put(edit))
        .route("/invoices", axum_warden::routing::get(invoices))
        .with_state(warden)
        .into();
}
