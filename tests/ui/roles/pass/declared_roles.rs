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

// A raw variant, named raw or plain: one role, `type`, in the docs as in the table.
#[requires_role(Role::r#Type)]
async fn typed_raw() {}

#[requires_role(Role::Type)]
async fn typed_plain() {}

mod handlers {
    // The enum reached through an import in another module, as applications do.
    use super::roles::Staff;

    #[axum_warden::requires_role(Staff::Support)]
    pub async fn support() {}
}

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
        .route("/type", axum_warden::routing::get(typed_raw).post(typed_plain))
        .route("/support", axum_warden::routing::get(handlers::support))
        .with_state(warden)
        .into();
}
