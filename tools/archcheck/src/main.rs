//! `archcheck`: the workspace's architecture rules, checked from the source.
//!
//! 1. **No import circles.** Every module of every workspace crate (a file, or an inline
//!    `mod x { .. }`) is a node; a path in it that names another module of the same crate
//!    (`use crate::a::b`, `super::x`, `self::y`, a child module's name, or a `use` alias of a
//!    module, in code or inside macro calls; not in `macro_rules!` bodies, which expand at
//!    their callers) is an edge to the deepest module the path names. Test code
//!    (`#[cfg(test)]` items) is left out. A path that stops at an item re-exported by an
//!    ancestor (`crate::Level`, `super::Thing`) is an edge to that ancestor: the check is on
//!    paths as written, so code names the module that defines what it uses. Any strongly
//!    connected component of more than one module is reported with one circle through it.
//! 2. **No source file over [`MAX_LINES`] lines**, in every `.rs` file of the repository outside
//!    `target/` directories.
//! 3. **Layers.** `tools/archcheck/layers.txt` gives a crate's modules a layer number; a module
//!    may import its own layer and the layers below, never a layer above, and every module of a
//!    layered crate must have a layer.
//!
//! Usage: `cargo run -p archcheck [-- REPO_ROOT]`. Exits with 1 and a list of violations when a
//! rule is broken, 2 when a file cannot be read or parsed.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;
use syn::visit::Visit;

/// The longest a source file may be.
const MAX_LINES: usize = 800;

/// A module path inside one crate: `[]` is the crate root, `["ring", "codec"]` is `ring::codec`.
type ModPath = Vec<String>;

#[derive(Debug)]
struct Module {
    file: PathBuf,
    /// Names of the module's child modules (file and inline ones).
    children: BTreeSet<String>,
    /// Paths the module refers to, resolved to absolute paths within the crate (not yet cut to
    /// the deepest module).
    refs: Vec<ModPath>,
}

#[derive(Debug)]
struct Crate {
    name: String,
    modules: BTreeMap<ModPath, Module>,
}

fn main() -> ExitCode {
    let root = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    match run(&root) {
        Ok(violations) if violations.is_empty() => {
            println!(
                "archcheck: no import circles, no file over {MAX_LINES} lines, layers respected"
            );
            ExitCode::SUCCESS
        }
        Ok(violations) => {
            for v in &violations {
                eprintln!("{v}");
            }
            eprintln!("archcheck: {} violation(s)", violations.len());
            ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("archcheck: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(root: &Path) -> Result<Vec<String>, String> {
    let mut violations = Vec::new();
    let layers = read_layers(&root.join("tools/archcheck/layers.txt"))?;
    for (crate_dir, crate_root) in crate_roots(root)? {
        let krate = load_crate(&crate_dir, &crate_root)?;
        if std::env::var("ARCHCHECK_EDGES").is_ok_and(|c| c == krate.name) {
            for (from, to) in edges(&krate) {
                let to: Vec<String> = to.iter().map(show).collect();
                println!("{} -> {}", show(&from), to.join(" "));
            }
        }
        violations.extend(circles(&krate));
        if let Some(layer_map) = layers.get(&krate.name) {
            violations.extend(layer_violations(&krate, layer_map));
        }
    }
    violations.extend(long_files(root)?);
    Ok(violations)
}

// ===== finding crates and modules =====

/// `(crate directory relative to root, root source file)` for every library, binary and
/// `src/bin/*.rs` of the workspace members and the root package.
fn crate_roots(root: &Path) -> Result<Vec<(String, PathBuf)>, String> {
    let manifest = read(&root.join("Cargo.toml"))?;
    let mut dirs = vec![".".to_string()];
    if let Some(start) = manifest.find("members") {
        let rest = &manifest[start..];
        let open = rest.find('[').ok_or("Cargo.toml: members without [")?;
        let close = rest.find(']').ok_or("Cargo.toml: members without ]")?;
        dirs.extend(
            rest[open + 1..close]
                .split(',')
                .map(|s| s.trim().trim_matches('"').to_string())
                .filter(|s| !s.is_empty()),
        );
    }
    let mut roots = Vec::new();
    for dir in dirs {
        let src = root.join(&dir).join("src");
        for file in ["lib.rs", "main.rs"] {
            if src.join(file).is_file() {
                roots.push((dir.clone(), src.join(file)));
            }
        }
        if let Ok(entries) = fs::read_dir(src.join("bin")) {
            let mut bins: Vec<PathBuf> = entries
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "rs"))
                .collect();
            bins.sort();
            roots.extend(bins.into_iter().map(|p| (dir.clone(), p)));
        }
    }
    Ok(roots)
}

fn load_crate(dir: &str, root_file: &Path) -> Result<Crate, String> {
    let name = match root_file.file_name().and_then(|f| f.to_str()) {
        Some("lib.rs") | Some("main.rs") => dir.to_string(),
        _ => format!("{dir}:{}", root_file.display()),
    };
    let mut krate = Crate {
        name,
        modules: BTreeMap::new(),
    };
    load_file(&mut krate, Vec::new(), root_file, true)?;
    Ok(krate)
}

fn load_file(krate: &mut Crate, path: ModPath, file: &Path, owns_dir: bool) -> Result<(), String> {
    let text = read(file)?;
    let ast = syn::parse_file(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    // Directory holding this module's child files.
    let child_dir = if owns_dir {
        file.parent().unwrap_or(Path::new(".")).to_path_buf()
    } else {
        file.with_extension("")
    };
    load_items(krate, path, file, &ast.items, &child_dir)
}

fn load_items(
    krate: &mut Crate,
    path: ModPath,
    file: &Path,
    items: &[syn::Item],
    child_dir: &Path,
) -> Result<(), String> {
    let mut module = Module {
        file: file.to_path_buf(),
        children: BTreeSet::new(),
        refs: Vec::new(),
    };
    let mut pending = Vec::new();
    for item in items {
        if is_test_only(item_attrs(item)) {
            continue;
        }
        if let syn::Item::Mod(m) = item {
            let name = m.ident.to_string();
            module.children.insert(name.clone());
            pending.push((name, m));
        }
    }
    // References are collected after the child list is known (a bare `child::x` path).
    let mut collector = RefCollector {
        refs: Vec::new(),
        uses: Vec::new(),
    };
    for item in items {
        if is_test_only(item_attrs(item)) || matches!(item, syn::Item::Mod(_)) {
            continue;
        }
        collector.visit_item(item);
    }
    module.refs = resolve_refs(&path, &module.children, collector);
    krate.modules.insert(path.clone(), module);

    for (name, m) in pending {
        let mut child = path.clone();
        child.push(name.clone());
        if let Some((_, inner)) = &m.content {
            load_items(krate, child, file, inner, &child_dir.join(&name))?;
        } else {
            let explicit = m.attrs.iter().find_map(path_attr);
            let (child_file, owns_dir) = match explicit {
                Some(p) => (child_dir.join(p), false),
                None => {
                    let flat = child_dir.join(format!("{name}.rs"));
                    let nested = child_dir.join(&name).join("mod.rs");
                    if flat.is_file() {
                        (flat, false)
                    } else if nested.is_file() {
                        (nested, true)
                    } else {
                        return Err(format!("{}: module `{name}` has no file", file.display()));
                    }
                }
            };
            load_file(krate, child, &child_file, owns_dir)?;
        }
    }
    Ok(())
}

fn path_attr(attr: &syn::Attribute) -> Option<String> {
    if !attr.path().is_ident("path") {
        return None;
    }
    match &attr.meta {
        syn::Meta::NameValue(nv) => match &nv.value {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(s),
                ..
            }) => Some(s.value()),
            _ => None,
        },
        _ => None,
    }
}

fn item_attrs(item: &syn::Item) -> &[syn::Attribute] {
    match item {
        syn::Item::Const(i) => &i.attrs,
        syn::Item::Enum(i) => &i.attrs,
        syn::Item::ExternCrate(i) => &i.attrs,
        syn::Item::Fn(i) => &i.attrs,
        syn::Item::ForeignMod(i) => &i.attrs,
        syn::Item::Impl(i) => &i.attrs,
        syn::Item::Macro(i) => &i.attrs,
        syn::Item::Mod(i) => &i.attrs,
        syn::Item::Static(i) => &i.attrs,
        syn::Item::Struct(i) => &i.attrs,
        syn::Item::Trait(i) => &i.attrs,
        syn::Item::TraitAlias(i) => &i.attrs,
        syn::Item::Type(i) => &i.attrs,
        syn::Item::Union(i) => &i.attrs,
        syn::Item::Use(i) => &i.attrs,
        _ => &[],
    }
}

/// `#[cfg(test)]` (or a `cfg(all(test, ..))`): code that only exists in the crate's unit tests.
fn is_test_only(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        a.path().is_ident("cfg")
            && a.meta.require_list().is_ok_and(|l| {
                let text = l.tokens.to_string();
                text == "test" || text.starts_with("all (test") || text.starts_with("all(test")
            })
    })
}

// ===== collecting references =====

/// One path as written: its segments, the first of which may be `crate`, `$crate`, `super`,
/// `self` or a plain name.
type RawPath = Vec<String>;

struct RefCollector {
    refs: Vec<RawPath>,
    /// `use` declarations: `(local name or None for a glob, full path)`.
    uses: Vec<(Option<String>, RawPath)>,
}

impl<'ast> Visit<'ast> for RefCollector {
    fn visit_item_use(&mut self, u: &'ast syn::ItemUse) {
        if !is_test_only(&u.attrs) {
            flatten_use(&u.tree, Vec::new(), &mut self.uses);
        }
    }

    fn visit_item(&mut self, item: &'ast syn::Item) {
        if is_test_only(item_attrs(item)) {
            return;
        }
        match item {
            syn::Item::Use(u) => self.visit_item_use(u),
            // Nested modules are their own nodes (handled by the loader).
            syn::Item::Mod(_) => {}
            // A `macro_rules!` body is expanded where the macro is called: its `$crate` paths
            // are the caller's dependencies, not this module's.
            syn::Item::Macro(m) if m.ident.is_some() => {}
            other => {
                // Scan every token: this sees paths inside macro calls, which syn leaves as
                // tokens, as well as ordinary paths. The walk below adds the `use`
                // declarations inside function bodies, whose groups need the tree.
                scan_tokens(quote_item(other), &mut self.refs);
                syn::visit::visit_item(self, other);
            }
        }
    }

    fn visit_stmt(&mut self, stmt: &'ast syn::Stmt) {
        if let syn::Stmt::Item(item) = stmt {
            if let syn::Item::Use(u) = item {
                self.visit_item_use(u);
            }
            return;
        }
        syn::visit::visit_stmt(self, stmt);
    }
}

fn quote_item(item: &syn::Item) -> TokenStream {
    let mut ts = TokenStream::new();
    item.to_tokens(&mut ts);
    ts
}

fn flatten_use(tree: &syn::UseTree, prefix: RawPath, out: &mut Vec<(Option<String>, RawPath)>) {
    match tree {
        syn::UseTree::Path(p) => {
            let mut next = prefix;
            next.push(p.ident.to_string());
            flatten_use(&p.tree, next, out);
        }
        syn::UseTree::Name(n) => {
            let mut full = prefix;
            let name = n.ident.to_string();
            if name == "self" {
                let local = full.last().cloned();
                out.push((local, full));
            } else {
                full.push(name.clone());
                out.push((Some(name), full));
            }
        }
        syn::UseTree::Rename(r) => {
            let mut full = prefix;
            let name = r.ident.to_string();
            if name != "self" {
                full.push(name);
            }
            out.push((Some(r.rename.to_string()), full));
        }
        syn::UseTree::Glob(_) => out.push((None, prefix)),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                flatten_use(t, prefix.clone(), out);
            }
        }
    }
}

/// Every `a::b::c` chain in the tokens (groups included), as its segments; a leading `$crate`
/// is kept as one segment.
fn scan_tokens(ts: TokenStream, out: &mut Vec<RawPath>) {
    let tokens: Vec<TokenTree> = ts.into_iter().collect();
    let mut i = 0;
    while i < tokens.len() {
        match &tokens[i] {
            TokenTree::Group(g) => scan_tokens(g.stream(), out),
            TokenTree::Ident(id) => {
                // Only a chain's start: not preceded by `::`.
                let preceded = i >= 2 && is_colon2(&tokens, i - 2);
                let dollar =
                    i >= 1 && matches!(&tokens[i - 1], TokenTree::Punct(p) if p.as_char() == '$');
                if !preceded {
                    let mut path = vec![if dollar {
                        format!("${id}")
                    } else {
                        id.to_string()
                    }];
                    let mut j = i + 1;
                    while is_colon2(&tokens, j) {
                        match tokens.get(j + 2) {
                            Some(TokenTree::Ident(next)) => {
                                path.push(next.to_string());
                                j += 3;
                            }
                            _ => break,
                        }
                    }
                    if path.len() > 1 {
                        out.push(path);
                    }
                    i = j.max(i + 1);
                    continue;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

fn is_colon2(tokens: &[TokenTree], i: usize) -> bool {
    matches!(
        (tokens.get(i), tokens.get(i + 1)),
        (Some(TokenTree::Punct(a)), Some(TokenTree::Punct(b)))
            if a.as_char() == ':' && b.as_char() == ':' && a.spacing() == proc_macro2::Spacing::Joint
    )
}

/// Turns written paths into absolute module paths of this crate; paths into other crates are
/// dropped.
fn resolve_refs(here: &ModPath, children: &BTreeSet<String>, c: RefCollector) -> Vec<ModPath> {
    // Local names that `use` bound to a path of this crate.
    let mut aliases: BTreeMap<String, ModPath> = BTreeMap::new();
    let mut out = Vec::new();
    for (local, path) in &c.uses {
        if let Some(abs) = absolute(here, children, &BTreeMap::new(), path) {
            if let Some(local) = local {
                aliases.insert(local.clone(), abs.clone());
            }
            out.push(abs);
        }
    }
    for path in &c.refs {
        if let Some(abs) = absolute(here, children, &aliases, path) {
            out.push(abs);
        }
    }
    out
}

fn absolute(
    here: &ModPath,
    children: &BTreeSet<String>,
    aliases: &BTreeMap<String, ModPath>,
    path: &RawPath,
) -> Option<ModPath> {
    let first = path.first()?;
    let (mut base, rest) = match first.as_str() {
        "crate" | "$crate" => (Vec::new(), &path[1..]),
        "self" => (here.clone(), &path[1..]),
        "super" => {
            let mut base = here.clone();
            let mut k = 0;
            while path.get(k).is_some_and(|s| s == "super") {
                base.pop()?;
                k += 1;
            }
            (base, &path[k..])
        }
        name if children.contains(name) => (here.clone(), &path[..]),
        name => match aliases.get(name) {
            Some(target) => (target.clone(), &path[1..]),
            None => return None,
        },
    };
    // `self::super::x` and the like.
    let mut k = 0;
    while rest.get(k).is_some_and(|s| s == "super") {
        base.pop()?;
        k += 1;
    }
    base.extend(rest[k..].iter().cloned());
    Some(base)
}

// ===== the graph =====

/// The edges of the crate's module graph: each module to the deepest module each of its paths
/// names, without self-edges.
fn edges(krate: &Crate) -> BTreeMap<ModPath, BTreeSet<ModPath>> {
    let mut graph = BTreeMap::new();
    for (path, module) in &krate.modules {
        let mut targets = BTreeSet::new();
        for r in &module.refs {
            let mut target = r.clone();
            while !krate.modules.contains_key(&target) {
                target.pop();
            }
            if &target != path {
                targets.insert(target);
            }
        }
        graph.insert(path.clone(), targets);
    }
    graph
}

fn show(path: &ModPath) -> String {
    if path.is_empty() {
        "crate".to_string()
    } else {
        path.join("::")
    }
}

fn circles(krate: &Crate) -> Vec<String> {
    let graph = edges(krate);
    let mut out = Vec::new();
    for scc in tarjan(&graph) {
        if scc.len() < 2 {
            continue;
        }
        let members: BTreeSet<&ModPath> = scc.iter().collect();
        let circle = one_circle(&graph, &members, scc[0].clone());
        let names: Vec<String> = scc.iter().map(show).collect();
        let files: Vec<String> = scc
            .iter()
            .map(|m| krate.modules[m].file.display().to_string())
            .collect();
        out.push(format!(
            "{}: import circle of {} modules: {}\n  e.g. {}\n  files: {}",
            krate.name,
            scc.len(),
            names.join(", "),
            circle.iter().map(show).collect::<Vec<_>>().join(" -> "),
            files.join(", ")
        ));
    }
    out
}

/// A shortest path from `start` back to itself inside the component (breadth-first).
fn one_circle(
    graph: &BTreeMap<ModPath, BTreeSet<ModPath>>,
    members: &BTreeSet<&ModPath>,
    start: ModPath,
) -> Vec<ModPath> {
    let mut prev: BTreeMap<ModPath, ModPath> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start.clone()]);
    while let Some(node) = queue.pop_front() {
        for next in &graph[&node] {
            if !members.contains(next) {
                continue;
            }
            if *next == start {
                let mut path = vec![node.clone()];
                while *path.last().unwrap_or(&start) != start {
                    let cur = path[path.len() - 1].clone();
                    path.push(prev[&cur].clone());
                }
                path.reverse();
                path.push(start.clone());
                return path;
            }
            if !prev.contains_key(next) {
                prev.insert(next.clone(), node.clone());
                queue.push_back(next.clone());
            }
        }
    }
    vec![start]
}

/// Tarjan's strongly connected components (iterative, so deep graphs cannot overflow).
fn tarjan(graph: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Vec<Vec<ModPath>> {
    let nodes: Vec<&ModPath> = graph.keys().collect();
    let index_of: BTreeMap<&ModPath, usize> =
        nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let succ: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            graph[*n]
                .iter()
                .filter_map(|t| index_of.get(t).copied())
                .collect()
        })
        .collect();
    let n = nodes.len();
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut next_index = 0;
    let mut out = Vec::new();
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work = vec![(root, 0usize)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 && index[v] == usize::MAX {
                index[v] = next_index;
                low[v] = next_index;
                next_index += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = succ[v].get(*child) {
                *child += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut scc = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    scc.push(nodes[w].clone());
                    if w == v {
                        break;
                    }
                }
                scc.sort();
                out.push(scc);
            }
        }
    }
    out
}

// ===== layers =====

/// crate name -> (module prefix -> layer).
type Layers = BTreeMap<String, BTreeMap<ModPath, u32>>;

/// Lines of `CRATE LAYER MODULE...`; `#` starts a comment. A module entry covers its
/// submodules unless they have an entry of their own.
fn read_layers(file: &Path) -> Result<Layers, String> {
    let mut layers = Layers::new();
    let Ok(text) = fs::read_to_string(file) else {
        return Ok(layers);
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut words = line.split_whitespace();
        let (Some(krate), Some(layer)) = (words.next(), words.next()) else {
            return Err(format!(
                "{}:{}: expected CRATE LAYER MODULE...",
                file.display(),
                n + 1
            ));
        };
        let layer: u32 = layer
            .trim_start_matches('L')
            .parse()
            .map_err(|_| format!("{}:{}: bad layer `{layer}`", file.display(), n + 1))?;
        let map = layers.entry(krate.to_string()).or_default();
        for module in words {
            let path: ModPath = module.split("::").map(str::to_string).collect();
            if map.insert(path, layer).is_some() {
                return Err(format!(
                    "{}:{}: `{module}` listed twice",
                    file.display(),
                    n + 1
                ));
            }
        }
    }
    Ok(layers)
}

fn layer_of(map: &BTreeMap<ModPath, u32>, module: &ModPath) -> Option<u32> {
    let mut prefix = module.clone();
    loop {
        if let Some(l) = map.get(&prefix) {
            return Some(*l);
        }
        prefix.pop()?;
    }
}

fn layer_violations(krate: &Crate, map: &BTreeMap<ModPath, u32>) -> Vec<String> {
    let mut out = Vec::new();
    for listed in map.keys() {
        if !krate.modules.contains_key(listed) {
            out.push(format!(
                "{}: layers.txt names `{}`, which is not a module",
                krate.name,
                show(listed)
            ));
        }
    }
    for (from, targets) in edges(krate) {
        if from.is_empty() {
            continue; // the crate root re-exports every layer
        }
        let Some(lf) = layer_of(map, &from) else {
            out.push(format!(
                "{}: module `{}` has no layer in layers.txt",
                krate.name,
                show(&from)
            ));
            continue;
        };
        for to in targets {
            match layer_of(map, &to) {
                Some(lt) if lt > lf => out.push(format!(
                    "{}: `{}` (L{lf}) imports `{}` (L{lt}), a layer above it ({})",
                    krate.name,
                    show(&from),
                    show(&to),
                    krate.modules[&from].file.display()
                )),
                None if to.is_empty() => out.push(format!(
                    "{}: `{}` names an item through the crate root; name the module that defines it ({})",
                    krate.name,
                    show(&from),
                    krate.modules[&from].file.display()
                )),
                _ => {}
            }
        }
    }
    out
}

// ===== file length =====

fn long_files(root: &Path) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    stack.push(path);
                }
            } else if name.ends_with(".rs") {
                let lines = read(&path)?.lines().count();
                if lines > MAX_LINES {
                    out.push(format!(
                        "{}: {lines} lines (at most {MAX_LINES})",
                        path.display()
                    ));
                }
            }
        }
    }
    out.sort();
    Ok(out)
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}
