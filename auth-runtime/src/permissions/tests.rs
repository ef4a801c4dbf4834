//! The matrix against hand-made tables: every way in, the JSON shape, and escaping.

use super::*;
use crate::requirement::{Open, Protected, test_route_rule as rule};

rule!(Health, Open, Requirement::Public);
rule!(Me, Protected, Requirement::Authenticated);
rule!(
    Edit,
    Protected,
    Requirement::Roles {
        mode: Match::Any,
        names: &["editor"]
    }
);
rule!(
    Audit,
    Protected,
    Requirement::Roles {
        mode: Match::All,
        names: &["admin", "auditor"]
    }
);
rule!(
    Orders,
    Protected,
    Requirement::Scopes {
        mode: Match::Any,
        names: &["orders:read"]
    }
);
rule!(
    Publish,
    Protected,
    Requirement::RolesAndScopes {
        role_mode: Match::Any,
        roles: &["editor"],
        scope_mode: Match::All,
        scopes: &["articles:write", "articles:read"]
    }
);
rule!(
    Own,
    Protected,
    Requirement::Roles {
        mode: Match::Any,
        names: &["viewer"]
    },
    Some("OwnsOrder"),
    StepUp {
        acr: Some("mfa"),
        max_age: None
    }
);

fn get() -> RouteMethod {
    RouteMethod::Method(http::Method::GET)
}

fn matrix() -> EffectivePermissions {
    let mut table = RouteTable::default();
    table.extend([
        RouteRow::new::<Health>(get()).at("/health"),
        RouteRow::new::<Me>(get()).at("/me"),
        RouteRow::new::<Edit>(RouteMethod::Method(http::Method::PUT)).at("/articles/{id}"),
        RouteRow::new::<Audit>(get()).at("/audit"),
        RouteRow::new::<Orders>(get()).at("/orders"),
        RouteRow::new::<Own>(get()).at("/orders/{id}"),
        RouteRow::new::<Publish>(RouteMethod::Method(http::Method::POST)).at("/articles"),
    ]);
    let hierarchy = RoleHierarchy::new()
        .role("admin", ["editor"])
        .role("editor", ["viewer"])
        .role("ops", Vec::<String>::new());
    table.sorted().effective_permissions(&hierarchy)
}

/// `METHOD PATH: via [conditions]` for each grant of `subject`.
fn lines(matrix: &EffectivePermissions, subject: Subject) -> Vec<String> {
    matrix
        .subject(&subject)
        .expect("a subject of the matrix")
        .grants()
        .iter()
        .map(|grant| {
            let notes = grant.notes();
            let mut line = format!("{} {}: {}", grant.method(), grant.path(), grant.via());
            if !notes.is_empty() {
                line = format!("{line} [{notes}]");
            }
            line
        })
        .collect()
}

fn role(name: &str) -> Subject {
    Subject::Role(name.to_owned())
}

#[test]
fn subjects_are_anonymous_authenticated_roles_then_scopes() {
    let keys: Vec<String> = matrix().subjects().iter().map(|entry| entry.subject().key()).collect();
    assert_eq!(
        keys,
        [
            "anonymous",
            "authenticated",
            "role:admin",
            "role:auditor",
            "role:editor",
            "role:ops",
            "role:viewer",
            "scope:articles:read",
            "scope:articles:write",
            "scope:orders:read",
        ]
    );
}

#[test]
fn anonymous_and_authenticated_callers() {
    let matrix = matrix();
    assert_eq!(lines(&matrix, Subject::Anonymous), ["GET /health: public route"]);
    assert_eq!(
        lines(&matrix, Subject::Authenticated),
        ["GET /health: public route", "GET /me: any authenticated caller"]
    );
    // A role that no rule names, from the hierarchy alone, reaches what any caller does.
    assert_eq!(lines(&matrix, role("ops")), lines(&matrix, Subject::Authenticated));
}

#[test]
fn roles_directly_through_the_hierarchy_and_in_part() {
    let matrix = matrix();
    assert_eq!(
        lines(&matrix, role("editor")),
        [
            "POST /articles: directly: role `editor` [with scopes `articles:write`, `articles:read`]",
            "PUT /articles/{id}: directly: role `editor`",
            "GET /health: public route",
            "GET /me: any authenticated caller",
            "GET /orders/{id}: through the hierarchy: includes `viewer` [policy `OwnsOrder` decides; with acr mfa]",
        ]
    );
    assert_eq!(
        lines(&matrix, role("admin")),
        [
            "POST /articles: through the hierarchy: includes `editor` [with scopes `articles:write`, `articles:read`]",
            "PUT /articles/{id}: through the hierarchy: includes `editor`",
            "GET /audit: directly: role `admin` [with role `auditor`]",
            "GET /health: public route",
            "GET /me: any authenticated caller",
            "GET /orders/{id}: through the hierarchy: includes `viewer` [policy `OwnsOrder` decides; with acr mfa]",
        ]
    );
    assert_eq!(
        lines(&matrix, role("auditor")),
        [
            "GET /audit: directly: role `auditor` [with role `admin`]",
            "GET /health: public route",
            "GET /me: any authenticated caller",
        ]
    );
    let viewer = matrix.subject(&role("viewer")).expect("viewer");
    let own = viewer
        .grants()
        .iter()
        .find(|g| g.path() == "/orders/{id}")
        .expect("own");
    assert!(own.is_conditional());
    assert_eq!(own.conditions(), [Condition::Policy("OwnsOrder")]);
    assert_eq!(own.step_up().acr, Some("mfa"));
    assert_eq!(own.via(), &Via::Role("viewer".into()));
}

#[test]
fn scopes_are_subjects_of_their_own() {
    let matrix = matrix();
    assert_eq!(
        lines(&matrix, Subject::Scope("orders:read".into())),
        [
            "GET /health: public route",
            "GET /me: any authenticated caller",
            "GET /orders: scope `orders:read`",
        ]
    );
    assert_eq!(
        lines(&matrix, Subject::Scope("articles:read".into())),
        [
            "POST /articles: scope `articles:read` [with scope `articles:write`; with role `editor`]",
            "GET /health: public route",
            "GET /me: any authenticated caller",
        ]
    );
    // No role reaches the scope-only route.
    for entry in matrix.subjects() {
        if let Subject::Role(_) = entry.subject() {
            assert!(
                entry.grants().iter().all(|g| g.path() != "/orders"),
                "{}",
                entry.subject()
            );
        }
    }
}

#[test]
fn json_shape() {
    let json: serde_json::Value = serde_json::from_str(&matrix().to_json()).expect("json");
    let editor = &json["subjects"][4];
    assert_eq!(editor["subject"], "role:editor");
    assert_eq!(editor["kind"], "role");
    assert_eq!(editor["name"], "editor");
    assert_eq!(
        editor["routes"][0],
        serde_json::json!({
            "method": "POST", "path": "/articles", "handler": "Publish",
            "via": {"kind": "role", "role": "editor"},
            "conditional": true,
            "conditions": [{"kind": "scopes", "match": "all", "scopes": ["articles:write", "articles:read"]}],
        })
    );
    assert_eq!(
        editor["routes"][4],
        serde_json::json!({
            "method": "GET", "path": "/orders/{id}", "handler": "Own",
            "via": {"kind": "inherited", "role": "viewer"},
            "conditional": true,
            "conditions": [{"kind": "policy", "policy": "OwnsOrder"}],
            "step_up": {"acr": "mfa"},
        })
    );
    assert_eq!(
        json["subjects"][0],
        serde_json::json!({
            "subject": "anonymous", "kind": "anonymous",
            "routes": [{"method": "GET", "path": "/health", "handler": "Health",
                        "via": {"kind": "public"}, "conditional": false, "conditions": []}],
        })
    );
    let audit = &json["subjects"][3]["routes"][0];
    assert_eq!(
        audit["conditions"],
        serde_json::json!([{"kind": "roles", "match": "all", "roles": ["admin"]}])
    );
    // Member order is fixed, as in the route table's JSON.
    let text = matrix().to_json();
    let order: Vec<usize> = [
        "\"method\"",
        "\"path\"",
        "\"handler\"",
        "\"via\"",
        "\"conditional\"",
        "\"conditions\"",
    ]
    .iter()
    .map(|member| text.find(member).expect("member"))
    .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
}

#[test]
fn markdown_has_a_section_per_subject() {
    let markdown = matrix().to_markdown();
    assert!(markdown.starts_with(
        "# Effective permissions\n\n## anonymous\n\n| Method | Path | Granted | Conditions | Handler |\n"
    ));
    assert!(markdown.contains(
        "\n## role `admin`\n\n| Method | Path | Granted | Conditions | Handler |\n|---|---|---|---|---|\n\
         | POST | /articles | through the hierarchy: includes `editor` | with scopes `articles:write`, `articles:read` | `app::Publish` |\n"
    ));
    let empty = RouteTable::default().effective_permissions(&RoleHierarchy::new());
    assert_eq!(
        empty.to_markdown(),
        "# Effective permissions\n\n## anonymous\n\nNo route.\n\n## any authenticated caller\n\nNo route.\n"
    );
}

rule!(
    Hostile,
    Protected,
    Requirement::Roles {
        mode: Match::Any,
        names: &["<script>alert(\"role\")</script>", "o'neil"]
    },
    Some("Policy<\"x\">"),
    StepUp::NONE
);

#[test]
fn html_escapes_what_comes_from_the_table() {
    let mut table = RouteTable::default();
    table.extend([RouteRow::new::<Hostile>(get()).at("/x/\"><script>alert('path')</script>")]);
    let hierarchy = RoleHierarchy::new().role("</option><script>alert(1)</script>", ["o'neil"]);
    let page = table.effective_permissions(&hierarchy).to_html();
    // The page's own script is the only one.
    assert_eq!(page.matches("<script>").count(), 1, "{page}");
    assert!(!page.contains("alert(\"role\")"));
    assert!(!page.contains("</option><script>"));
    assert!(page.contains("data-subject=\"role:&lt;script&gt;alert(&quot;role&quot;)&lt;/script&gt;\""));
    assert!(page.contains("data-path=\"/x/&quot;&gt;&lt;script&gt;alert(&#39;path&#39;)&lt;/script&gt;\""));
    assert!(page.contains("<option value=\"role:o&#39;neil\">role `o&#39;neil` (1)</option>"));
    assert!(page.contains("policy `Policy&lt;&quot;x&quot;&gt;` decides"));
    // Self-contained: nothing is fetched.
    for outside in ["http:", "https:", "src=", "href=", "@import", "url("] {
        assert!(!page.contains(outside), "{outside}");
    }
}
