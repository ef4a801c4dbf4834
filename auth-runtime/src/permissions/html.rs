//! The effective permissions as one self-contained HTML page: inline style and script, no
//! request to anywhere, so a reviewer can open the file straight from a CI artifact.

use std::fmt::Write as _;

use super::EffectivePermissions;

/// The page's style: readable in print and on screen, no web font.
const STYLE: &str = "\
body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#1b1b1b}\
h1{font-size:1.4em;margin:0 0 .6em}\
form{display:flex;gap:1.2em;flex-wrap:wrap;margin-bottom:.6em}\
label{display:flex;gap:.4em;align-items:center}\
input,select{font:inherit;padding:.2em .4em}\
table{border-collapse:collapse;width:100%}\
th,td{border:1px solid #ccc;padding:.3em .5em;text-align:left;vertical-align:top}\
th{background:#f0f0f0;position:sticky;top:0}\
tr.conditional td.notes{background:#fff6d6}\
code{font-family:ui-monospace,monospace;font-size:.95em}\
[hidden]{display:none!important}\
#status{color:#444}";

/// The filter: reads `#role=NAME`, `#scope=NAME`, `#subject=KEY` and `#path=TEXT` from
/// the URL fragment at load, so a link can open the page filtered; the controls write the
/// fragment back. Rows are hidden, never removed, so a saved page still holds every grant.
/// `data-filter-subject`, `data-filter-path` and `data-shown` on the body record what is
/// applied, for a check that reads the DOM after the script ran.
const SCRIPT: &str = r##"(function () {
  "use strict";
  var subject = document.getElementById("subject");
  var path = document.getElementById("path");
  var status = document.getElementById("status");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.grant"));
  var known = Array.prototype.map.call(subject.options, function (o) { return o.value; });
  var wanted = "";
  function fromHash() {
    var params = new URLSearchParams(window.location.hash.slice(1));
    wanted = params.get("subject") || "";
    if (params.has("role")) { wanted = "role:" + params.get("role"); }
    if (params.has("scope")) { wanted = "scope:" + params.get("scope"); }
    subject.value = known.indexOf(wanted) === -1 ? "" : wanted;
    path.value = params.get("path") || "";
  }
  function apply() {
    var text = path.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row) {
      var visible = (wanted === "" || row.getAttribute("data-subject") === wanted) &&
        (text === "" || row.getAttribute("data-path").toLowerCase().indexOf(text) !== -1);
      row.hidden = !visible;
      shown += visible ? 1 : 0;
    });
    document.body.setAttribute("data-filter-subject", wanted);
    document.body.setAttribute("data-filter-path", text);
    document.body.setAttribute("data-shown", String(shown));
    var what = shown + " of " + rows.length + " grants shown";
    if (wanted !== "" && known.indexOf(wanted) === -1) {
      what += "; no subject " + wanted + " in this table";
    }
    status.textContent = what;
  }
  function toHash() {
    var params = new URLSearchParams();
    if (wanted !== "") { params.set("subject", wanted); }
    if (path.value !== "") { params.set("path", path.value); }
    window.history.replaceState(null, "", "#" + params.toString());
  }
  subject.addEventListener("change", function () { wanted = subject.value; apply(); toHash(); });
  path.addEventListener("input", function () { apply(); toHash(); });
  window.addEventListener("hashchange", function () { fromHash(); apply(); });
  fromHash();
  apply();
}());"##;

impl EffectivePermissions {
    /// One self-contained HTML page for review: a table with a row per subject and route
    /// (subject, method, path, the rule that grants it, conditions and step-up, handler),
    /// and filters by subject (a select) and by path (a text field that matches any part of
    /// the path). The style and the script are inline; a `Content-Security-Policy` meta
    /// element forbids every request, so the page works from a file with no network and
    /// loads no font.
    ///
    /// The URL fragment sets the filters at load: `#role=editor`, `#scope=orders:read`,
    /// `#subject=anonymous` (any [`Subject::key`](super::Subject::key)), `#path=/admin`,
    /// combined with `&`. Every row carries `data-subject` (the key), `data-method` and
    /// `data-path`.
    ///
    /// Everything that comes from the table or the hierarchy (paths, role, scope, policy
    /// and handler names) is escaped, in text and in attribute values alike.
    ///
    /// ```
    /// use axum_warden::routing::get;
    /// use axum_warden_runtime::RoleHierarchy;
    ///
    /// #[axum_warden::requires_role("editor")]
    /// async fn edit() {}
    ///
    /// let page = axum_warden::Router::<axum_warden::Warden>::new()
    ///     .route("/edit", get(edit))
    ///     .route_table()
    ///     .effective_permissions(&RoleHierarchy::new())
    ///     .to_html();
    /// assert!(page.starts_with("<!DOCTYPE html>"));
    /// assert!(page.contains(r#"<tr class="grant" data-subject="role:editor" data-method="GET" data-path="/edit">"#));
    /// assert!(!page.contains("http://") && !page.contains("https://"));
    /// ```
    #[must_use]
    pub fn to_html(&self) -> String {
        let total: usize = self.subjects.iter().map(|entry| entry.grants.len()).sum();
        let mut out = String::from(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
             style-src 'unsafe-inline'; script-src 'unsafe-inline'\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>Effective permissions</title>\n<style>",
        );
        out.push_str(STYLE);
        out.push_str("</style>\n</head>\n<body>\n<h1>Effective permissions</h1>\n<form id=\"filters\">\n");
        out.push_str("<label>Subject <select id=\"subject\">\n<option value=\"\">every subject</option>\n");
        for entry in &self.subjects {
            let _ = writeln!(
                out,
                "<option value=\"{}\">{} ({})</option>",
                escape(&entry.subject.key()),
                escape(&entry.subject.to_string()),
                entry.grants.len(),
            );
        }
        out.push_str(
            "</select></label>\n<label>Path <input id=\"path\" type=\"search\" \
             placeholder=\"part of a path\" autocomplete=\"off\"></label>\n</form>\n",
        );
        let _ = writeln!(out, "<p id=\"status\" role=\"status\">{total} grants</p>");
        out.push_str(
            "<table id=\"grants\">\n<thead><tr><th>Subject</th><th>Method</th><th>Path</th>\
             <th>Granted</th><th>Conditions</th><th>Handler</th></tr></thead>\n<tbody>\n",
        );
        for entry in &self.subjects {
            let key = escape(&entry.subject.key());
            let label = escape(&entry.subject.to_string());
            for grant in &entry.grants {
                let path = escape(&grant.path);
                let method = escape(grant.method.as_str());
                let _ = writeln!(
                    out,
                    "<tr class=\"grant{}\" data-subject=\"{key}\" data-method=\"{method}\" data-path=\"{path}\">\
                     <td>{label}</td><td>{method}</td><td><code>{path}</code></td><td>{}</td>\
                     <td class=\"notes\">{}</td><td><code>{}::{}</code></td></tr>",
                    if grant.is_conditional() { " conditional" } else { "" },
                    escape(&grant.via.to_string()),
                    escape(&grant.notes()),
                    escape(grant.handler.module),
                    escape(grant.handler.name),
                );
            }
        }
        out.push_str("</tbody>\n</table>\n<script>\n");
        out.push_str(SCRIPT);
        out.push_str("\n</script>\n</body>\n</html>\n");
        out
    }
}

/// Text safe in HTML content and in double- or single-quoted attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            escape(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
        assert_eq!(escape("/orders/{id}"), "/orders/{id}");
    }
}
