//! Every audit record's action is named once, in the domain (issue 20):
//! `zige_domain::audit::ACTIONS` holds exactly the actions the components
//! write with `zige_store::audit::append`, so the console names each record
//! of the trail from `GET /api/v1/codes` and types no list of its own.
//!
//! The actions are read from `functions/*/src`: every `audit::Entry` has an
//! `action`, and this test follows it to its codes, whichever way it is
//! written: a literal (`action: "list.export"`), a variable bound to literals
//! (`let action = if … { "partner.disable" } else { "partner.enable" }`), a
//! field of a struct built with literals (`action: line.action`), a
//! parameter of a function that appends for its callers (`ctx.audit(db,
//! "recovery.open", …)`, `audit_batch(db, "timers.cycles", …)`), or one of
//! the actions made with `format!` that the test knows how to spell out
//! (`benefit.{transition}`, `{webhook.event|import.event}.{outcome}`). An
//! action written any other way fails the test until the test learns it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The repository's root.
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every Rust source file of the components and shared crates (the domain
/// writes no audit record), with its path from the repository root.
fn sources() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()) {
            if entry.is_dir() {
                walk(&entry, out);
            } else if entry.extension().is_some_and(|e| e == "rs") {
                out.push(entry);
            }
        }
    }
    let root = root();
    let mut files = Vec::new();
    for function in std::fs::read_dir(root.join("functions")).unwrap().map(|e| e.unwrap().path()) {
        if function.join("src").is_dir() && !function.ends_with("domain") {
            walk(&function.join("src"), &mut files);
        }
    }
    files.sort();
    let named = |f: &PathBuf| f.strip_prefix(&root).unwrap().display().to_string().replace('\\', "/");
    files.iter().map(|f| (named(f), std::fs::read_to_string(f).unwrap())).collect()
}

/// A source file with its string literals found and everything that is not
/// code blanked out: `masked` has the same byte offsets as `text`, with the
/// contents of literals and comments (and any non-ASCII byte) replaced by
/// spaces, so that braces, commas and words can be matched on it.
struct Source<'a> {
    path: &'a str,
    masked: String,
    /// Each string literal: the offset of its opening quote, and its text.
    literals: Vec<(usize, String)>,
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

impl<'a> Source<'a> {
    fn new(path: &'a str, text: &str) -> Self {
        let b = text.as_bytes();
        let mut masked: Vec<u8> = b.iter().map(|&c| if c.is_ascii() { c } else { b' ' }).collect();
        let mut literals = Vec::new();
        let blank = |masked: &mut Vec<u8>, from: usize, to: usize| masked[from..to].iter_mut().for_each(|c| *c = b' ');
        let mut i = 0;
        while i < b.len() {
            let prev_ident = i > 0 && is_ident(b[i - 1]);
            match b[i] {
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    let end = text[i..].find('\n').map_or(b.len(), |n| i + n);
                    blank(&mut masked, i, end);
                    i = end;
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    let end = text[i + 2..].find("*/").map_or(b.len(), |n| i + 2 + n + 2);
                    blank(&mut masked, i, end);
                    i = end;
                }
                // A raw string: r"…", r#"…"#, br"…".
                b'r' if !prev_ident || (i > 0 && b[i - 1] == b'b' && (i < 2 || !is_ident(b[i - 2]))) => {
                    let hashes = b[i + 1..].iter().take_while(|&&c| c == b'#').count();
                    if b.get(i + 1 + hashes) != Some(&b'"') {
                        i += 1;
                        continue;
                    }
                    let open = i + 1 + hashes;
                    let close = format!("\"{}", "#".repeat(hashes));
                    let end = text[open + 1..].find(&close).map(|n| open + 1 + n).expect("a raw string ends");
                    literals.push((open, text[open + 1..end].to_string()));
                    blank(&mut masked, open + 1, end);
                    i = end + close.len();
                }
                b'"' => {
                    let mut end = i + 1;
                    while b[end] != b'"' {
                        end += if b[end] == b'\\' { 2 } else { 1 };
                    }
                    literals.push((i, text[i + 1..end].to_string()));
                    blank(&mut masked, i + 1, end);
                    i = end + 1;
                }
                // A character literal ('"', '\'', '{', '，'); a lifetime has no closing quote.
                b'\'' => {
                    let escaped = b.get(i + 1) == Some(&b'\\');
                    let end = if escaped {
                        text[i + 2..].find('\'').map(|n| i + 2 + n)
                    } else {
                        text[i + 1..].chars().next().map(|c| i + 1 + c.len_utf8()).filter(|&e| b.get(e) == Some(&b'\''))
                    };
                    match end {
                        Some(end) => {
                            blank(&mut masked, i + 1, end);
                            i = end + 1;
                        }
                        None => i += 1,
                    }
                }
                _ => i += 1,
            }
        }
        Source { path, masked: String::from_utf8(masked).unwrap(), literals }
    }

    /// The literal whose opening quote is at `at`.
    fn literal_at(&self, at: usize) -> &str {
        self.literals.iter().find(|(o, _)| *o == at).map(|(_, l)| l.as_str()).unwrap()
    }

    /// The literals between two offsets.
    fn literals_in(&self, from: usize, to: usize) -> impl Iterator<Item = &str> {
        self.literals.iter().filter(move |(o, _)| (from..to).contains(o)).map(|(_, l)| l.as_str())
    }

    /// Where `word` stands as a whole word in the code.
    fn words(&self, word: &str) -> Vec<usize> {
        let m = self.masked.as_bytes();
        self.masked
            .match_indices(word)
            .map(|(at, _)| at)
            .filter(|&at| (at == 0 || !is_ident(m[at - 1])) && m.get(at + word.len()).is_none_or(|&c| !is_ident(c)))
            .collect()
    }

    /// The offset just after the bracket that closes the one at `open`.
    fn closing(&self, open: usize) -> usize {
        let mut depth = 0;
        for (i, c) in self.masked.bytes().enumerate().skip(open) {
            match c {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                _ => {}
            }
        }
        panic!("{}: a bracket at {open} is never closed", self.path)
    }

    /// The pieces of `from..to` separated by commas outside brackets, each as its range.
    fn split_commas(&self, from: usize, to: usize) -> Vec<(usize, usize)> {
        let (mut depth, mut start, mut parts) = (0, from, Vec::new());
        for (i, c) in self.masked[from..to].bytes().enumerate().map(|(i, c)| (from + i, c)) {
            match c {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b',' if depth == 0 => {
                    parts.push((start, i));
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push((start, to));
        parts.retain(|(a, b)| !self.masked[*a..*b].trim().is_empty());
        parts
    }

    /// The end of the statement starting at `from`: its `;` outside brackets.
    fn statement_end(&self, from: usize) -> usize {
        let mut depth = 0;
        for (i, c) in self.masked.bytes().enumerate().skip(from) {
            match c {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                b';' if depth == 0 => return i,
                _ => {}
            }
        }
        self.masked.len()
    }

    /// Where the function around `at` begins (its `fn`).
    fn enclosing_fn(&self, at: usize) -> usize {
        self.words("fn").into_iter().rfind(|&f| f < at).unwrap_or_else(|| panic!("{}: no function around {at}", self.path))
    }

    /// A line number, for messages.
    fn line(&self, at: usize) -> usize {
        self.masked[..at].matches('\n').count() + 1
    }
}

/// An audit action code: words joined by dots (`list.export`, `import.event.rejected`).
fn is_code(text: &str) -> bool {
    let parts: Vec<&str> = text.split('.').collect();
    parts.len() >= 2 && parts.iter().all(|p| !p.is_empty() && p.bytes().all(|c| c.is_ascii_lowercase() || c == b'_'))
}

/// The name of every payment transition (`benefit.{name}` is audited for each).
fn transition_names() -> Vec<&'static str> {
    use zige_domain::payment::{SuspensionReason, Transition};
    let on = chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    let all = [
        Transition::Suspend { reason: SuspensionReason::ALL[0], on },
        Transition::Object { on },
        Transition::Terminate { on },
        Transition::Restore { on },
        Transition::Reinstate { on },
    ];
    // A new transition stops this from compiling until it is listed above.
    let place = |t: &Transition| match t {
        Transition::Suspend { .. } => 0,
        Transition::Object { .. } => 1,
        Transition::Terminate { .. } => 2,
        Transition::Restore { .. } => 3,
        Transition::Reinstate { .. } => 4,
    };
    assert!(all.iter().enumerate().all(|(i, t)| place(t) == i));
    all.iter().map(Transition::name).collect()
}

/// The actions an audit action made with `format!("{pattern}", …)` can be.
fn formatted(source: &Source<'_>, pattern: &str, at: usize) -> Vec<String> {
    match pattern {
        // workflow::carry_out: a change of payment state.
        "benefit.{}" => transition_names().into_iter().map(|name| format!("benefit.{name}")).collect(),
        // datashare::receive: the way a partner's record came, and what became of it.
        "{}.{outcome}" => {
            let prefix_fn = source
                .words("audit_prefix")
                .into_iter()
                .find(|&w| source.masked[..w].trim_end().ends_with("fn"))
                .unwrap_or_else(|| panic!("{}:{}: format!(\"{pattern}\") without its fn audit_prefix", source.path, source.line(at)));
            let body = source.masked[prefix_fn..].find('{').unwrap() + prefix_fn;
            let prefixes: Vec<&str> = source.literals_in(body, source.closing(body)).filter(|l| is_code(l)).collect();
            assert!(!prefixes.is_empty(), "{}: fn audit_prefix names no prefix", source.path);
            let outcomes = zige_domain::casework::IMPORT_OUTCOMES.map(|o| o.code);
            prefixes.iter().flat_map(|p| outcomes.map(|o| format!("{p}.{o}"))).collect()
        }
        _ => panic!(
            "{}:{}: an audit action made by format!(\"{pattern}\"): teach functions/domain/tests/audit_actions.rs which actions it makes",
            source.path,
            source.line(at)
        ),
    }
}

/// The actions the expression at `from..to` can be, where it is an
/// `Entry`'s action or an argument passed on to one.
fn resolve(source: &Source<'_>, sources: &[Source<'_>], from: usize, to: usize, depth: usize) -> Vec<String> {
    assert!(depth < 5, "{}:{}: an audit action passed on too many times", source.path, source.line(from));
    let code = source.masked[from..to].trim();
    let start = from + source.masked[from..to].find(code).unwrap_or(0);
    let code = code.trim_start_matches('&');
    let start = start + source.masked[start..].find(code).unwrap_or(0);
    let where_ = || format!("{}:{}", source.path, source.line(start));
    if code.starts_with('"') {
        let literal = source.literal_at(start);
        assert!(is_code(literal), "{}: audit action {literal:?} is not dotted words", where_());
        return vec![literal.to_string()];
    }
    if let Some(rest) = code.strip_prefix("format!(") {
        assert!(rest.starts_with('"'), "{}: format! of something other than a literal", where_());
        let open = start + "format!(".len();
        return formatted(source, source.literal_at(open), start);
    }
    // A field of a struct: the literals written to that field in this file.
    if let Some((_, field)) = code.rsplit_once('.') {
        assert!(field.bytes().all(is_ident), "{}: an audit action this test cannot read: {code}", where_());
        let fields = field_literals(source, field);
        assert!(!fields.is_empty(), "{}: {code}, but no `{field}: \"…\"` in this file", where_());
        return fields;
    }
    assert!(code.bytes().all(is_ident), "{}: an audit action this test cannot read: {code}", where_());
    let name = code;
    let function = source.enclosing_fn(start);
    // A variable: the last `let` before here that binds it.
    let bound = source.words("let").into_iter().filter(|&l| (function..start).contains(&l)).rfind(|&l| {
        let pattern_end = l + source.masked[l..].find('=').unwrap();
        let pattern = &source.masked[l + 3..pattern_end];
        pattern.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').any(|w| w == name)
    });
    if let Some(bound) = bound {
        let end = source.statement_end(bound);
        let statement = &source.masked[bound..end];
        if let Some(f) = statement.find("format!(") {
            let open = bound + f + "format!(".len();
            return formatted(source, source.literal_at(open), bound);
        }
        let codes: Vec<String> = source.literals_in(bound, end).filter(|l| is_code(l)).map(String::from).collect();
        assert!(!codes.is_empty(), "{}: `{name}` is bound to no audit action this test can read", where_());
        return codes;
    }
    // A parameter: what every caller of the function passes in its place.
    let open = function + source.masked[function..].find('(').unwrap();
    let fn_name = source.masked[function + 2..open].trim();
    let fn_name = fn_name.split('<').next().unwrap().trim();
    let params: Vec<&str> = source
        .split_commas(open + 1, source.closing(open) - 1)
        .iter()
        .map(|&(a, b)| source.masked[a..b].trim())
        .filter(|p| !matches!(p.trim_start_matches('&').trim_start_matches("mut ").trim(), "self"))
        .collect();
    let index = params
        .iter()
        .position(|p| p.split(':').next().unwrap().trim() == name)
        .unwrap_or_else(|| panic!("{}: `{name}` is neither bound nor a parameter of fn {fn_name}", where_()));
    let mut codes = Vec::new();
    let mut callers = 0;
    for caller in sources {
        for call in caller.words(fn_name) {
            let after = call + fn_name.len();
            let before = caller.masked[..call].trim_end();
            if before.ends_with("fn") || !caller.masked[after..].starts_with('(') {
                continue;
            }
            let args = caller.split_commas(after + 1, caller.closing(after) - 1);
            if let Some(&(a, b)) = args.get(index) {
                callers += 1;
                codes.extend(resolve(caller, sources, a, b, depth + 1));
            }
        }
    }
    assert!(callers > 0, "{}: fn {fn_name} appends `{name}`, but nobody calls it", where_());
    codes
}

/// The literals written to a field called `field` (`field: "…"`) in a file.
fn field_literals(source: &Source<'_>, field: &str) -> Vec<String> {
    source
        .literals
        .iter()
        .filter(|(at, _)| {
            let before = source.masked[..*at].trim_end();
            before.strip_suffix(':').is_some_and(|b| {
                let b = b.trim_end();
                b.ends_with(field) && !b[..b.len() - field.len()].ends_with(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            })
        })
        .map(|(_, l)| l.clone())
        .collect()
}

/// Every audit action the components write, with where each is written.
fn actions_written() -> BTreeMap<String, BTreeSet<String>> {
    let files = sources();
    // The trail itself re-reads stored records into `Entry`s to check their hashes.
    let files: Vec<_> = files.iter().filter(|(path, _)| path != "functions/store/src/audit.rs").collect();
    let sources: Vec<Source<'_>> = files.iter().map(|(path, text)| Source::new(path, text)).collect();
    let mut written: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut entries = 0;
    for source in &sources {
        for at in source.words("Entry") {
            let Some(open) = source.masked[at + "Entry".len()..].find(|c: char| !c.is_whitespace()).map(|n| at + "Entry".len() + n) else {
                continue;
            };
            if source.masked.as_bytes()[open] != b'{' || source.masked[..at].trim_end().ends_with("struct") {
                continue;
            }
            entries += 1;
            let fields = source.split_commas(open + 1, source.closing(open) - 1);
            let action = fields.iter().find_map(|&(a, b)| {
                let field = &source.masked[a..b];
                let name = field.split(':').next().unwrap().trim();
                (name == "action").then(|| match field.find(':') {
                    Some(colon) if !field[colon..].starts_with("::") => (a + colon + 1, b),
                    _ => (a, b),
                })
            });
            let (a, b) = action.unwrap_or_else(|| panic!("{}:{}: an audit Entry without an action", source.path, source.line(at)));
            for code in resolve(source, &sources, a, b, 0) {
                written.entry(code).or_default().insert(format!("{}:{}", source.path, source.line(a)));
            }
        }
    }
    assert!(entries >= 40, "the audit entries of the components are found: {entries}");
    written
}

/// Issue 20: the domain names every audit action a component writes, and
/// only those, in Chinese, Uyghur and English.
#[test]
fn every_audit_action_written_is_named_in_the_domain_and_only_those() {
    let written = actions_written();
    let named: BTreeSet<&str> = zige_domain::audit::ACTIONS.iter().map(|a| a.code).collect();
    let unnamed: Vec<String> = written
        .iter()
        .filter(|(code, _)| !named.contains(code.as_str()))
        .map(|(code, at)| format!("{code} ({})", at.iter().next().unwrap()))
        .collect();
    assert!(unnamed.is_empty(), "audit actions written but not named in zige_domain::audit::ACTIONS: {unnamed:#?}");
    let unused: Vec<&&str> = named.iter().filter(|code| !written.contains_key(**code)).collect();
    assert!(unused.is_empty(), "zige_domain::audit::ACTIONS names actions nobody writes: {unused:?}");
    assert_eq!(named.len(), zige_domain::audit::ACTIONS.len(), "an action is named twice");
}

/// The reading of the sources finds each way an action is written.
#[test]
fn the_actions_are_read_in_every_form_they_are_written() {
    let written = actions_written();
    for (code, form) in [
        ("list.export", "a literal"),
        ("certification.survey", "a struct's field"),
        ("partner.disable", "a variable"),
        ("recovery.open", "a wrapper's argument"),
        ("recovery.blacklist_lifted", "a variable passed to a wrapper"),
        ("timers.cycles", "a function's argument"),
        ("benefit.suspend", "a payment transition"),
        ("webhook.event.unmatched", "a partner record's outcome"),
    ] {
        assert!(written.contains_key(code), "{code}, written as {form}, is found: {:?}", written.keys());
    }
}

/// The filing statuses the domain names (R8.2) are the ones the audit
/// component computes for a district's month.
#[test]
fn the_archive_statuses_named_are_those_computed() {
    let path = "functions/audit/src/archives.rs";
    let text = std::fs::read_to_string(root().join(path)).unwrap();
    let source = Source::new(path, &text);
    let status = source
        .words("let")
        .into_iter()
        .find(|&l| source.masked[l + 3..].trim_start().starts_with("status = match"))
        .unwrap_or_else(|| panic!("{path}: no `let status = match …` computing a month's filing status"));
    let computed: BTreeSet<&str> = source.literals_in(status, source.statement_end(status)).collect();
    let named: BTreeSet<&str> = zige_domain::audit::ARCHIVE_STATUSES.iter().map(|s| s.name.code).collect();
    assert_eq!(computed, named, "{path} computes these filing statuses");
}
