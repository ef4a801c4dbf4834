use axum_warden::{Roles, granted, requires_role};

#[derive(Clone, Copy, Roles)]
enum Role {
    Editor,
    Billing,
}

// Either role lets the caller in, so neither is proven.
#[requires_role(any(Role::Editor, Role::Billing))]
async fn invoices(editor: granted!(Role::Editor)) -> &'static str {
    let _ = editor;
    "invoices"
}

fn main() {
    let _: axum::Router<axum_warden::Warden> = axum::Router::new().route("/", axum::routing::get(invoices));
}
