//! The dependency tree of an env, read from the metadata of what is installed (each
//! distribution's `Requires-Dist`, markers evaluated for the env): no index, no network.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Dist;
use crate::pep::{self, ExtraName, MarkerEnvironment, PackageName, Requirement};

/// One package in the tree.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TreeNode {
    pub name: String,
    /// The installed version; null when the requirement is not installed.
    pub version: Option<String>,
    /// The requirement that brought it in (for `--invert`: the one it places on its parent).
    pub requirement: String,
    /// Shown elsewhere in the tree already: its own dependencies are not repeated.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub repeated: bool,
    pub dependencies: Vec<TreeNode>,
}

/// The tree below `roots` (the project's requirements), `depth` levels deep at most. The
/// project itself (`own`, its normalized name) is a root and never a dependency: a package
/// that requires it (a test plugin of the project) does not show it below itself.
pub fn tree(
    roots: &[Requirement],
    own: Option<&PackageName>,
    dists: &BTreeMap<PackageName, Dist>,
    env: &MarkerEnvironment,
    depth: Option<usize>,
) -> Vec<TreeNode> {
    let pruned;
    let dists = match own {
        Some(own) => {
            pruned = without_requirements_on(dists, own);
            &pruned
        }
        None => dists,
    };
    let mut shown = std::collections::BTreeSet::new();
    roots
        .iter()
        .filter(|root| pep::applies(root, env, &[]))
        .map(|root| node(root, dists, env, depth, 0, &mut shown, &mut Vec::new()))
        .collect()
}

/// `dists` with every requirement on `name` taken out of the others' `Requires-Dist`.
fn without_requirements_on(
    dists: &BTreeMap<PackageName, Dist>,
    name: &PackageName,
) -> BTreeMap<PackageName, Dist> {
    let mut dists = dists.clone();
    for (key, dist) in dists.iter_mut() {
        if key != name {
            dist.requires.retain(|r| r.name != *name);
        }
    }
    dists
}

fn node(
    requirement: &Requirement,
    dists: &BTreeMap<PackageName, Dist>,
    env: &MarkerEnvironment,
    depth: Option<usize>,
    level: usize,
    shown: &mut std::collections::BTreeSet<PackageName>,
    path: &mut Vec<PackageName>,
) -> TreeNode {
    let name = requirement.name.clone();
    let dist = dists.get(&name);
    let mut node = TreeNode {
        name: name.to_string(),
        version: dist.map(|d| d.version.clone()),
        requirement: requirement.to_string(),
        repeated: false,
        dependencies: Vec::new(),
    };
    let Some(dist) = dist else {
        return node;
    };
    if depth.is_some_and(|max| level >= max) {
        return node;
    }
    // A package whose subtree was printed already, or a cycle, is not expanded again.
    if path.contains(&name) || !shown.insert(name.clone()) {
        node.repeated = !dist.requires.is_empty();
        return node;
    }
    let extras: Vec<ExtraName> = requirement.extras.to_vec();
    path.push(name);
    for child in dist
        .requires
        .iter()
        .filter(|r| pep::applies(r, env, &extras))
    {
        node.dependencies
            .push(self::node(child, dists, env, depth, level + 1, shown, path));
    }
    path.pop();
    node
}

/// What requires `target`, up to the project's requirements: the tree turned over.
pub fn inverted(
    target: &str,
    roots: &[Requirement],
    dists: &BTreeMap<PackageName, Dist>,
    env: &MarkerEnvironment,
    depth: Option<usize>,
) -> Option<TreeNode> {
    let target: PackageName = target.parse().ok()?;
    let dist = dists.get(&target)?;
    Some(parents(
        &target,
        &format!("{}=={}", dist.name, dist.version),
        roots,
        dists,
        env,
        depth,
        0,
        &mut Vec::new(),
    ))
}

#[allow(clippy::too_many_arguments)]
fn parents(
    name: &PackageName,
    requirement: &str,
    roots: &[Requirement],
    dists: &BTreeMap<PackageName, Dist>,
    env: &MarkerEnvironment,
    depth: Option<usize>,
    level: usize,
    path: &mut Vec<PackageName>,
) -> TreeNode {
    let mut node = TreeNode {
        name: name.to_string(),
        version: dists.get(name).map(|d| d.version.clone()),
        requirement: requirement.to_string(),
        repeated: false,
        dependencies: Vec::new(),
    };
    if depth.is_some_and(|max| level >= max) || path.iter().any(|p| p == name) {
        return node;
    }
    path.push(name.clone());
    for root in roots.iter().filter(|r| pep::applies(r, env, &[])) {
        if root.name == *name {
            node.dependencies.push(TreeNode {
                name: "(the project)".into(),
                version: None,
                requirement: root.to_string(),
                repeated: false,
                dependencies: Vec::new(),
            });
        }
    }
    for parent in dists.values() {
        for requirement in &parent.requires {
            if requirement.name == *name && pep::applies(requirement, env, &[]) {
                node.dependencies.push(parents(
                    &parent.name,
                    &requirement.to_string(),
                    roots,
                    dists,
                    env,
                    depth,
                    level + 1,
                    path,
                ));
            }
        }
    }
    path.pop();
    node
}

/// The tree as text, `├──` and `└──` as cargo tree and uv tree draw it.
pub fn render(nodes: &[TreeNode]) -> String {
    let mut out = String::new();
    for node in nodes {
        line(node, "", "", &mut out);
    }
    out
}

fn line(node: &TreeNode, lead: &str, child_lead: &str, out: &mut String) {
    let version = node
        .version
        .as_deref()
        .map(|v| format!(" v{v}"))
        .unwrap_or_else(|| " (not installed)".into());
    let version = if node.name == "(the project)" {
        String::new()
    } else {
        version
    };
    let repeated = if node.repeated { " (*)" } else { "" };
    out.push_str(&format!(
        "{lead}{}{version} [{}]{repeated}\n",
        node.name, node.requirement
    ));
    let count = node.dependencies.len();
    for (index, child) in node.dependencies.iter().enumerate() {
        let last = index + 1 == count;
        let (branch, next) = if last {
            ("└── ", "    ")
        } else {
            ("├── ", "│   ")
        };
        line(
            child,
            &format!("{child_lead}{branch}"),
            &format!("{child_lead}{next}"),
            out,
        );
    }
}
