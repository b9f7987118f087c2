//! The JSON Schemas checked in under `schemas/` are the ones the raw types
//! generate, and every YAML file of the bundled month points at its schema.

mod common;

use bulletin::schema::FileKind;

#[test]
fn checked_in_schemas_are_current() {
    let update = std::env::var_os("BULLETIN_UPDATE").is_some();
    for kind in FileKind::ALL {
        let path = common::project().join("schemas").join(kind.schema_file_name());
        let generated = serde_json::to_string_pretty(&kind.schema()).unwrap() + "\n";
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &generated).unwrap();
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            checked_in == generated,
            "{} is stale: run `cargo run -- schema` (or BULLETIN_UPDATE=1 cargo test)",
            path.display()
        );
    }
}

#[test]
fn month_files_reference_their_schema() {
    for kind in FileKind::ALL {
        let path = match kind {
            FileKind::Definition => common::project().join(kind.file_name()),
            FileKind::Registry => common::project().join("months").join(kind.file_name()),
            _ => common::project().join("months/2020-03").join(kind.file_name()),
        };
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let up = match kind {
            FileKind::Definition => "",
            FileKind::Registry => "../",
            _ => "../../",
        };
        let expected = format!("# yaml-language-server: $schema={up}schemas/{}", kind.schema_file_name());
        assert_eq!(first, expected, "first line of {}", path.display());
        let schema = common::project().join("schemas").join(kind.schema_file_name());
        assert!(schema.is_file(), "{} is missing", schema.display());
    }
}

#[test]
fn schemas_describe_every_unit_field_in_chinese() {
    let schema = FileKind::Units.schema();
    let unit = &schema["properties"]["groups"]["items"]["properties"]["units"]["items"];
    let properties = unit["properties"].as_object().expect("unit properties");
    assert_eq!(properties.len(), 16);
    for (key, property) in properties {
        let description = property["description"].as_str().unwrap_or_default();
        assert!(
            description.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{key} has no Chinese description: {description:?}"
        );
    }
    assert_eq!(unit["additionalProperties"], serde_json::Value::Bool(false));
}
