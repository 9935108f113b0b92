//! Against the real package index: run by `scripts/test-network`, never by the default suite.

use crate::support::*;

#[test]
#[ignore = "uses the network: run scripts/test-network"]
fn real_packages_at_different_versions_in_two_projects() {
    let cases = [("pip", "2.31.0", "3.12"), ("uv", "2.32.3", "3.11")];
    for (installer, version, python) in cases {
        let sandbox = Sandbox::empty();
        sandbox.manifest(&format!(
            "[project]\nname = \"net-{installer}\"\ndependencies = [\"requests=={version}\"]\n[tool.pvm]\npython = \"{python}\"\ninstaller = \"{installer}\"\n"
        ));
        sandbox.pvm_with_uv().arg("lock").assert().success();
        let lock = std::fs::read_to_string(sandbox.project.join("pvm.lock")).unwrap();
        for name in [
            "requests",
            "urllib3",
            "idna",
            "certifi",
            "charset-normalizer",
        ] {
            assert!(
                lock.contains(&format!("name = \"{name}\"")),
                "{name} locked with {installer}:\n{lock}"
            );
        }
        sandbox
            .pvm_with_uv()
            .args(["sync", "--locked"])
            .assert()
            .success();
        assert_eq!(sandbox.imported_version("requests"), version, "{installer}");
        assert_ne!(sandbox.imported_version("urllib3"), "missing");
    }
}
