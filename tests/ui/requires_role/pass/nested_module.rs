//! Handlers in nested modules, mounted from the crate root.
use axum::routing::get;
use axum_warden::Warden;

mod api {
    pub mod admin {
        use axum_warden::requires_role;

        #[requires_role("admin")]
        pub async fn dashboard() -> &'static str {
            "dashboard"
        }
    }

    pub mod users {
        // The same handler name in another module.
        #[axum_warden::requires_role("admin")]
        pub async fn dashboard() -> &'static str {
            "users"
        }
    }
}

fn warden() -> Warden {
    unimplemented!()
}

fn app() -> axum::Router {
    axum::Router::new()
        .route("/admin", get(api::admin::dashboard))
        .route("/users", get(api::users::dashboard))
        .with_state(warden())
}

fn main() {
    let _ = app;
}
