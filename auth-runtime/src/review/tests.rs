//! One test per class of change, each on a hand-made pair of tables, then the reader's
//! errors, the allow-list and the report.

use super::*;

/// A JSON route table of `(method, path, access object)` rows.
fn table(rows: &[(&str, &str, &str)]) -> String {
    let rows: Vec<String> = rows
        .iter()
        .map(|(method, path, access)| {
            format!(r#"{{"method": "{method}", "path": "{path}", "handler": "h", "access": {access}}}"#)
        })
        .collect();
    format!("[{}]", rows.join(",\n"))
}

/// The review of one route whose access goes from `old` to `new` (`None`: no such route).
fn one(old: Option<&str>, new: Option<&str>) -> Review {
    let side = |access: Option<&str>| table(&access.map(|a| ("GET", "/r", a)).into_iter().collect::<Vec<_>>());
    match Review::from_json(&side(old), &side(new)) {
        Ok(review) => review,
        Err(e) => panic!("the test tables are route tables: {e}"),
    }
}

/// The only change of `review`, with its class and the callers gained and lost as text.
fn only(review: &Review) -> (ChangeClass, Vec<String>, Vec<String>) {
    let [change] = review.changes() else {
        panic!("expected exactly one change, got {:?}", review.changes());
    };
    let names = |callers: &[Caller]| callers.iter().map(ToString::to_string).collect();
    (change.class(), names(change.gained()), names(change.lost()))
}

const PUBLIC: &str = r#"{"kind": "public"}"#;
const AUTHENTICATED: &str = r#"{"kind": "authenticated"}"#;
const EDITOR_OR_ADMIN: &str = r#"{"kind": "roles", "match": "any", "roles": ["editor", "admin"]}"#;
const ADMIN_AND_AUDITOR: &str = r#"{"kind": "roles", "match": "all", "roles": ["admin", "auditor"]}"#;

#[test]
fn a_new_public_route_is_newly_public_and_gained_by_anyone() {
    let review = one(None, Some(PUBLIC));
    assert_eq!(
        only(&review),
        (
            ChangeClass::NewlyPublic,
            vec!["anyone, without credentials".into()],
            vec![]
        )
    );
    assert_eq!(review.changes()[0].before(), None);
}

#[test]
fn a_new_guarded_route_is_added_and_names_its_roles() {
    let review = one(None, Some(EDITOR_OR_ADMIN));
    assert_eq!(
        only(&review),
        (ChangeClass::Added, vec!["admin".into(), "editor".into()], vec![])
    );
}

#[test]
fn a_removed_route_is_lost_by_the_roles_that_reached_it() {
    let review = one(Some(ADMIN_AND_AUDITOR), None);
    assert_eq!(
        only(&review),
        (ChangeClass::Removed, vec![], vec!["admin + auditor".into()])
    );
}

#[test]
fn a_guarded_route_made_public_is_newly_public() {
    let review = one(Some(AUTHENTICATED), Some(PUBLIC));
    assert_eq!(
        only(&review),
        (
            ChangeClass::NewlyPublic,
            vec!["anyone, without credentials".into()],
            vec![]
        )
    );
}

#[test]
fn a_widened_role_set_is_loosened_and_names_the_new_role() {
    let wider = r#"{"kind": "roles", "match": "any", "roles": ["editor", "admin", "viewer"]}"#;
    assert_eq!(
        only(&one(Some(EDITOR_OR_ADMIN), Some(wider))),
        (ChangeClass::Loosened, vec!["viewer".into()], vec![])
    );
}

#[test]
fn all_becoming_any_is_loosened_and_each_role_alone_gains() {
    let any = r#"{"kind": "roles", "match": "any", "roles": ["admin", "auditor"]}"#;
    let review = one(Some(ADMIN_AND_AUDITOR), Some(any));
    assert_eq!(
        only(&review),
        (ChangeClass::Loosened, vec!["admin".into(), "auditor".into()], vec![])
    );
}

#[test]
fn a_role_requirement_removed_is_loosened_for_every_authenticated_caller() {
    let review = one(Some(EDITOR_OR_ADMIN), Some(AUTHENTICATED));
    assert_eq!(
        only(&review),
        (ChangeClass::Loosened, vec!["any authenticated caller".into()], vec![])
    );
}

#[test]
fn a_policy_removed_is_loosened_for_the_same_callers() {
    let with_policy = r#"{"kind": "roles", "match": "any", "roles": ["editor", "admin"], "policy": "OwnsArticle"}"#;
    let review = one(Some(with_policy), Some(EDITOR_OR_ADMIN));
    assert_eq!(only(&review), (ChangeClass::Loosened, vec![], vec![]));
    assert!(
        review
            .to_markdown()
            .contains("the same callers, with less asked of them")
    );
}

#[test]
fn a_step_up_removed_or_weakened_is_loosened() {
    let strict = r#"{"kind": "authenticated", "step_up": {"acr": "mfa", "max_age": 300}}"#;
    let longer = r#"{"kind": "authenticated", "step_up": {"acr": "mfa", "max_age": 3600}}"#;
    let no_acr = r#"{"kind": "authenticated", "step_up": {"max_age": 300}}"#;
    for weaker in [longer, no_acr, AUTHENTICATED] {
        assert_eq!(
            only(&one(Some(strict), Some(weaker))).0,
            ChangeClass::Loosened,
            "{weaker}"
        );
        assert_eq!(
            only(&one(Some(weaker), Some(strict))).0,
            ChangeClass::Tightened,
            "{weaker}"
        );
    }
}

#[test]
fn a_hierarchy_that_grants_more_is_loosened_and_names_the_granting_role() {
    let old =
        r#"{"kind": "roles", "match": "any", "roles": ["viewer"], "satisfied_by": {"viewer": ["viewer", "editor"]}}"#;
    let new = r#"{"kind": "roles", "match": "any", "roles": ["viewer"],
        "satisfied_by": {"viewer": ["viewer", "editor", "intern"]}}"#;
    let review = one(Some(old), Some(new));
    assert_eq!(only(&review), (ChangeClass::Loosened, vec!["intern".into()], vec![]));
    assert_eq!(
        only(&one(Some(new), Some(old))),
        (ChangeClass::Tightened, vec![], vec!["intern".into()])
    );
}

#[test]
fn a_hierarchy_is_read_for_all_rules_too() {
    // `root` grants both roles, so it alone reached the route; dropping it from one of
    // them leaves `root` needing the other role as well.
    let old = r#"{"kind": "roles", "match": "all", "roles": ["admin", "auditor"],
        "satisfied_by": {"admin": ["admin", "root"], "auditor": ["auditor", "root"]}}"#;
    let new = r#"{"kind": "roles", "match": "all", "roles": ["admin", "auditor"],
        "satisfied_by": {"admin": ["admin", "root"], "auditor": ["auditor"]}}"#;
    let review = one(Some(old), Some(new));
    assert_eq!(only(&review), (ChangeClass::Tightened, vec![], vec!["root".into()]));
}

#[test]
fn a_narrowed_role_set_or_any_becoming_all_is_tightened() {
    let admin = r#"{"kind": "roles", "match": "any", "roles": ["admin"]}"#;
    assert_eq!(
        only(&one(Some(EDITOR_OR_ADMIN), Some(admin))),
        (ChangeClass::Tightened, vec![], vec!["editor".into()])
    );
    let all = r#"{"kind": "roles", "match": "all", "roles": ["editor", "admin"]}"#;
    let (class, gained, lost) = only(&one(Some(EDITOR_OR_ADMIN), Some(all)));
    assert_eq!((class, gained), (ChangeClass::Tightened, vec![]));
    assert_eq!(lost, ["admin", "editor"]);
    assert_eq!(
        only(&one(Some(PUBLIC), Some(AUTHENTICATED))).2,
        ["anyone, without credentials"]
    );
}

#[test]
fn a_policy_replaced_by_another_is_replaced() {
    let a = r#"{"kind": "authenticated", "policy": "OwnsArticle"}"#;
    let b = r#"{"kind": "authenticated", "policy": "SameTenant"}"#;
    assert_eq!(only(&one(Some(a), Some(b))), (ChangeClass::Replaced, vec![], vec![]));
    let acr_a = r#"{"kind": "authenticated", "step_up": {"acr": "mfa"}}"#;
    let acr_b = r#"{"kind": "authenticated", "step_up": {"acr": "phr"}}"#;
    assert_eq!(only(&one(Some(acr_a), Some(acr_b))).0, ChangeClass::Replaced);
}

#[test]
fn a_role_swapped_for_another_is_loosened_and_names_both_sides() {
    let editor = r#"{"kind": "roles", "match": "any", "roles": ["editor"]}"#;
    let viewer = r#"{"kind": "roles", "match": "any", "roles": ["viewer"]}"#;
    assert_eq!(
        only(&one(Some(editor), Some(viewer))),
        (ChangeClass::Loosened, vec!["viewer".into()], vec!["editor".into()])
    );
}

#[test]
fn a_scope_widened_beside_a_role_names_the_role_with_the_scope() {
    let old = r#"{"kind": "roles_and_scopes", "rules": [{"kind": "roles", "match": "any", "roles": ["editor"]},
        {"kind": "scopes", "match": "all", "scopes": ["articles:read", "articles:write"]}]}"#;
    let new = r#"{"kind": "roles_and_scopes", "rules": [{"kind": "roles", "match": "any", "roles": ["editor"]},
        {"kind": "scopes", "match": "any", "scopes": ["articles:read", "articles:write"]}]}"#;
    let (class, gained, lost) = only(&one(Some(old), Some(new)));
    assert_eq!(class, ChangeClass::Loosened);
    assert_eq!(
        gained,
        ["editor with scope articles:read", "editor with scope articles:write"]
    );
    assert!(lost.is_empty());
}

#[test]
fn the_same_access_in_other_words_is_no_change() {
    let reordered = r#"{"kind": "roles", "match": "any", "roles": ["admin", "editor"]}"#;
    assert!(one(Some(EDITOR_OR_ADMIN), Some(reordered)).is_empty());
    let old = table(&[("GET", "/r", AUTHENTICATED)]);
    let renamed = old.replace(r#""handler": "h""#, r#""handler": "other""#);
    let review = Review::from_json(&old, &renamed).expect("route tables");
    assert!(review.is_empty());
    assert_eq!(
        review.to_markdown(),
        "### Permission review\n\nNo route's access changed.\n"
    );
}

#[test]
fn changes_come_most_severe_first_then_by_path_and_method() {
    let old = table(&[
        ("GET", "/a", EDITOR_OR_ADMIN),
        ("GET", "/b", AUTHENTICATED),
        ("POST", "/c", AUTHENTICATED),
        ("DELETE", "/d", AUTHENTICATED),
    ]);
    let new = table(&[
        ("GET", "/a", AUTHENTICATED),
        ("GET", "/b", PUBLIC),
        ("DELETE", "/c", EDITOR_OR_ADMIN),
        ("GET", "/d", AUTHENTICATED),
    ]);
    let review = Review::from_json(&old, &new).expect("route tables");
    let order: Vec<(ChangeClass, String)> = review.changes().iter().map(|c| (c.class(), c.route())).collect();
    assert_eq!(
        order,
        [
            (ChangeClass::NewlyPublic, "GET /b".to_owned()),
            (ChangeClass::Loosened, "GET /a".to_owned()),
            (ChangeClass::Added, "DELETE /c".to_owned()),
            (ChangeClass::Added, "GET /d".to_owned()),
            (ChangeClass::Removed, "POST /c".to_owned()),
            (ChangeClass::Removed, "DELETE /d".to_owned()),
        ]
    );
    let markdown = review.to_markdown();
    assert!(
        markdown.contains("6 routes changed: 1 newly public, 1 loosened, 2 added, 2 removed."),
        "{markdown}"
    );
    assert!(
        markdown.contains(
            "| **newly public** | `GET /b` | `h` | authenticated | public | anyone, without credentials |  |"
        ),
        "{markdown}"
    );
    assert!(
        markdown.contains("| removed | `POST /c` | `h` | authenticated | (none) |  | any authenticated caller |"),
        "{markdown}"
    );
}

#[test]
fn an_all_rule_under_a_wide_hierarchy_lists_a_bounded_number_of_callers() {
    let granting: Vec<String> = (0..10).map(|i| format!("\"g{i}\"")).collect();
    let granting = granting.join(", ");
    let satisfied: Vec<String> = (0..6).map(|r| format!("\"r{r}\": [{granting}]")).collect();
    let roles: Vec<String> = (0..6).map(|r| format!("\"r{r}\"")).collect();
    let wide = format!(
        r#"{{"kind": "roles", "match": "all", "roles": [{}], "satisfied_by": {{{}}}}}"#,
        roles.join(", "),
        satisfied.join(", ")
    );
    let review = one(None, Some(&wide));
    let change = &review.changes()[0];
    assert!(!change.callers_complete());
    assert!(change.gained().len() <= 64);
    assert!(review.to_markdown().contains("and more combinations"));
}

#[test]
fn a_malformed_table_is_a_typed_error() {
    assert!(matches!(Snapshot::from_json("[{"), Err(ReadError::Json(_))));
    assert!(matches!(
        Snapshot::from_json(r#"{"method": "GET"}"#),
        Err(ReadError::Json(_))
    ));
    let unknown_member = table(&[("GET", "/r", r#"{"kind": "public", "roles_v2": []}"#)]);
    assert!(matches!(Snapshot::from_json(&unknown_member), Err(ReadError::Json(_))));
    let unknown_kind = table(&[("GET", "/r", r#"{"kind": "anyone"}"#)]);
    assert!(matches!(Snapshot::from_json(&unknown_kind), Err(ReadError::Json(_))));

    let no_match = table(&[("GET", "/r", r#"{"kind": "roles", "roles": ["a"]}"#)]);
    let Err(ReadError::Route { index, route, problem }) = Snapshot::from_json(&no_match) else {
        panic!("a role rule without `match` is refused");
    };
    assert_eq!((index, route.as_str()), (0, "GET /r"));
    assert_eq!(
        problem,
        AccessProblem::Missing {
            kind: "roles",
            member: "match"
        }
    );

    let stray = table(&[("GET", "/r", r#"{"kind": "public", "roles": ["a"]}"#)]);
    assert!(matches!(
        Snapshot::from_json(&stray),
        Err(ReadError::Route {
            problem: AccessProblem::Unexpected {
                kind: "public",
                member: "roles"
            },
            ..
        })
    ));
    let swapped = table(&[(
        "GET",
        "/r",
        r#"{"kind": "roles_and_scopes", "rules": [{"kind": "scopes", "match": "any", "scopes": ["s"]}]}"#,
    )]);
    assert!(matches!(
        Snapshot::from_json(&swapped),
        Err(ReadError::Route {
            problem: AccessProblem::Rules,
            ..
        })
    ));

    let twice = table(&[("GET", "/r", PUBLIC), ("GET", "/r", AUTHENTICATED)]);
    assert!(matches!(Snapshot::from_json(&twice), Err(ReadError::Duplicate { route }) if route == "GET /r"));
}

#[test]
fn the_allow_list_reads_entries_with_reasons_and_refuses_the_rest() {
    let list = AllowList::parse(
        "# reviewed\n\nloosened GET /articles/{id}   # drafts are readable (#42)\npublic ANY *  # a static site\n",
    )
    .expect("a valid list");
    let entries: Vec<(usize, ChangeClass, String, &str)> = list
        .entries()
        .iter()
        .map(|e| (e.line(), e.class(), e.route(), e.reason()))
        .collect();
    assert_eq!(
        entries,
        [
            (
                3,
                ChangeClass::Loosened,
                "GET /articles/{id}".to_owned(),
                "drafts are readable (#42)"
            ),
            (4, ChangeClass::NewlyPublic, "ANY *".to_owned(), "a static site"),
        ]
    );
    let problem = |text: &str| AllowList::parse(text).map(|_| ()).map_err(|e| (e.line, e.problem));
    assert_eq!(problem("loosened GET /a"), Err((1, AllowListProblem::MissingReason)));
    assert_eq!(
        problem("loosened GET /a  #  "),
        Err((1, AllowListProblem::MissingReason))
    );
    assert_eq!(problem("\nloosened GET"), Err((2, AllowListProblem::MissingRoute)));
    assert_eq!(
        problem("tightened GET /a # x"),
        Err((1, AllowListProblem::UnknownClass("tightened".into())))
    );
    assert_eq!(
        problem("loosened GET /a because # x"),
        Err((1, AllowListProblem::TextAfterPath("because # x".into())))
    );
    assert_eq!(
        problem("loosened GET /a # x\nloosened GET /a # y"),
        Err((2, AllowListProblem::Duplicate { first: 1 }))
    );
}

#[test]
fn the_allow_list_acknowledges_its_class_on_its_route_and_reports_stale_entries() {
    let old = table(&[("GET", "/a", EDITOR_OR_ADMIN), ("GET", "/b", AUTHENTICATED)]);
    let new = table(&[("GET", "/a", AUTHENTICATED), ("GET", "/b", PUBLIC)]);
    let review = Review::from_json(&old, &new).expect("route tables");

    // `/b` became public: acknowledging it as merely loosened does not cover it.
    let list =
        AllowList::parse("loosened GET /a  # any user may read\nloosened GET /b  # wrong class\n").expect("valid");
    let verdict = list.check(&review);
    assert!(!verdict.passes());
    let missing: Vec<String> = verdict.unacknowledged().map(Change::route).collect();
    assert_eq!(missing, ["GET /b"]);
    let stale: Vec<usize> = verdict.stale().iter().map(|e| e.line()).collect();
    assert_eq!(stale, [2]);
    let markdown = verdict.to_markdown();
    assert!(markdown.contains("| any user may read |"), "{markdown}");
    assert!(markdown.contains("**1 change is not acknowledged.**"), "{markdown}");
    assert!(
        markdown.contains("public GET /b  # <why this is intended>"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- line 2: `loosened GET /b  # wrong class`"),
        "{markdown}"
    );

    let list = AllowList::parse("loosened GET /a  # any user may read\npublic GET /b  # status page\n").expect("valid");
    let verdict = list.check(&review);
    assert!(verdict.passes());
    assert!(verdict.stale().is_empty());
}
