//! The quickstart's permission table, committed: a change of access fails this test until
//! the new table is reviewed and accepted with `WARDEN_UPDATE_SNAPSHOTS=1`.

#[path = "../examples/quickstart/routes.rs"]
#[allow(dead_code, unreachable_pub)]
mod quickstart;

#[test]
fn quickstart_permissions_are_reviewed() {
    let table = quickstart::routes().route_table();
    table.assert_snapshot(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/permissions/quickstart.md"));
    table.assert_snapshot(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/permissions/quickstart.json"
    ));
}
