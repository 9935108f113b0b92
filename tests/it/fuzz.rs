//! Property tests: the manifest, request and env-name parsers give an answer or an error for
//! any input, never a panic. Bounded (a few thousand cases) so CI stays quick.

use std::path::Path;

use proptest::prelude::*;
use pvm::project::Manifest;
use pvm::python::InterpreterRequest;

/// Pieces a manifest is made of, shuffled into mostly-TOML.
fn manifest_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("[project]\n".to_string()),
        Just("[tool.pvm]\n".to_string()),
        Just("[dependency-groups]\n".to_string()),
        Just("[project.optional-dependencies]\n".to_string()),
        Just("[tool.pvm.scripts]\n".to_string()),
        Just("[tool.pvm.env]\n".to_string()),
        "[a-z-]{1,12} = \"[ -~]{0,20}\"\n",
        "[a-z-]{1,12} = \\[\"[ -~]{0,16}\"(, \"[a-z<>=!~0-9. ;']{0,16}\")?\\]\n",
        "(name|requires-python|dependencies|python|installer|seed-pip|find-links|no-index) = (true|1|\"[ -~]{0,12}\"|\\[\\]|\\{\\})\n",
        "[ -~\n]{0,30}",
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.concat())
}

proptest! {
    // A fixed seed keeps CI deterministic; change it (or set more cases) to explore further.
    #![proptest_config(ProptestConfig {
        cases: 3000,
        rng_seed: proptest::test_runner::RngSeed::Fixed(0x005e_ed0f_b17e),
        ..ProptestConfig::default()
    })]

    #[test]
    fn manifests_never_panic(text in manifest_text()) {
        if let Err(err) = Manifest::parse(&text, Path::new("pyproject.toml")) {
            // Every error points into the file.
            let message = err.to_string();
            prop_assert!(message.starts_with("pyproject.toml:"), "{}", message);
        }
    }

    #[test]
    fn arbitrary_bytes_as_manifest_never_panic(text in "\\PC{0,200}") {
        let _ = Manifest::parse(&text, Path::new("pyproject.toml"));
    }

    #[test]
    fn requirements_never_panic(text in "[ -~]{0,40}|[a-z]{1,5}[._-]{0,2}[ \\[@;(<>=!~]{0,3}[ -~]{0,12}") {
        let _ = pvm::pep::parse_requirement(&text);
    }

    #[test]
    fn specifiers_never_panic(text in "[<>=!~, 0-9.*a-z+-]{0,30}") {
        let _ = pvm::pep::parse_specifiers(&text);
        let _ = pvm::pep::parse_version(&text);
    }

    #[test]
    fn interpreter_requests_never_panic(text in "[ -~]{0,30}|(cpython|pypy|python)?[0-9.]{0,10}|[<>=!~,0-9. ]{0,20}") {
        let _ = InterpreterRequest::parse(&text, None);
    }

    #[test]
    fn env_names_are_checked_without_panic(name in "\\PC{0,40}") {
        let store = pvm::store::Store::at(std::env::temp_dir().join("pvm-fuzz-nonexistent"));
        if let Ok(env) = store.env_named(&name) {
            prop_assert!(!name.contains('/') && !name.contains(".."));
            let envs_dir = store.envs_dir();
            prop_assert_eq!(env.dir.parent(), Some(envs_dir.as_path()));
        }
    }
}
