use axum_warden::testing::unchecked_guard;
use axum_warden::{Roles, Warden, granted, requires_auth, requires_role, requires_scope};

#[derive(Clone, Copy, Debug, Roles)]
enum Role {
    #[role(includes(Editor, Billing))]
    Admin,
    #[role(includes(Viewer))]
    Editor,
    Viewer,
    #[role("billing-admin")]
    Billing,
}

/// Callable only with a proof that the caller is a viewer.
fn read(_: granted!(Role::Viewer)) -> &'static str {
    "read"
}

fn bill(proof: axum_warden::Granted<Role, { Role::Billing as usize }>) -> &'static str {
    proof.role()
}

#[requires_role(Role::Viewer)]
async fn view(viewer: granted!(Role::Viewer)) -> &'static str {
    read(viewer)
}

// Two steps down the hierarchy, and a proof per role of `all(..)`.
#[requires_auth]
#[requires_role(all(Role::Admin, Role::Billing))]
#[requires_scope("ledger:write")]
async fn settle(admin: granted!(Role::Admin), billing: axum_warden::granted!(Role::Billing)) -> String {
    format!("{} {} {:?}", read(admin.narrow()), bill(billing), admin.narrow::<granted!(Role::Editor)>())
}

fn main() {
    assert_eq!(size_of::<granted!(Role::Admin)>(), 0);
    let settled = futures_executor(settle(unchecked_guard()));
    assert_eq!(settled, r#"read billing-admin Granted("editor")"#);
    let warden = Warden::builder().hmac_secret(vec![7; 32]).build().expect("a warden");
    let _: axum::Router = axum_warden::Router::new()
        .route("/view", axum_warden::routing::get(view))
        .route("/settle", axum_warden::routing::post(settle))
        .with_state(warden)
        .into();
}

/// Runs a future that never waits.
fn futures_executor<F: std::future::Future>(future: F) -> F::Output {
    let mut future = std::pin::pin!(future);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    match future.as_mut().poll(&mut cx) {
        std::task::Poll::Ready(output) => output,
        std::task::Poll::Pending => panic!("the handler waited"),
    }
}
