//! The JSON Schemas checked in under `schemas/` are the ones the bundled
//! definition (month files) and the raw types (registry, definition)
//! generate, and every YAML file of the bundled month points at its schema.

mod common;

use bulletin::source::schema::FileKind;

#[test]
fn checked_in_schemas_are_current() {
    let update = std::env::var_os("BULLETIN_UPDATE").is_some();
    let schemas = bulletin::bundled_schemas();
    let names: Vec<&str> = schemas.iter().map(|(name, _)| name.as_str()).collect();
    for kind in FileKind::ALL {
        assert!(names.contains(&kind.schema_file_name().as_str()), "no schema for {}", kind.file_name());
    }
    for (name, generated) in &schemas {
        let path = common::project().join("schemas").join(name);
        if update {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, generated).unwrap();
        }
        let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            &checked_in == generated,
            "{} is stale: run `cargo run -- schema` (or BULLETIN_UPDATE=1 cargo test)",
            path.display()
        );
    }
}

#[test]
fn month_files_reference_their_schema() {
    let project = common::project();
    let mut files: Vec<(std::path::PathBuf, &str)> = vec![
        (project.join(FileKind::Definition.file_name()), ""),
        (project.join("months").join(FileKind::Registry.file_name()), "../"),
    ];
    let furong = bulletin::definition::furong();
    let month_files = bulletin::month::office_schema::file_names(&furong);
    assert!(month_files.len() >= 4, "{month_files:?}");
    for name in &month_files {
        files.push((project.join("months/2020-03").join(name), "../../"));
    }
    for (path, up) in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let first = text.lines().next().unwrap_or_default();
        let name = path.file_name().unwrap().to_string_lossy().replace(".yaml", ".schema.json");
        let expected = format!("# yaml-language-server: $schema={up}schemas/{name}");
        assert_eq!(first, expected, "first line of {}", path.display());
        let schema = project.join("schemas").join(&name);
        assert!(schema.is_file(), "{} is missing", schema.display());
    }
}

#[test]
fn schemas_describe_every_unit_field_in_chinese() {
    let schemas = bulletin::bundled_schemas();
    let units = &schemas.iter().find(|(name, _)| name == "units.schema.json").expect("a units schema").1;
    let schema: serde_json::Value = serde_json::from_str(units).unwrap();
    let unit = &schema["properties"]["groups"]["items"]["properties"]["units"]["items"];
    let properties = unit["properties"].as_object().expect("unit properties");
    // id, name, short and the definition's 13 unit measures.
    assert_eq!(properties.len(), 16, "{:?}", properties.keys().collect::<Vec<_>>());
    for (key, property) in properties {
        let description = property["description"].as_str().unwrap_or_default();
        assert!(
            description.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
            "{key} has no Chinese description: {description:?}"
        );
    }
    assert_eq!(unit["additionalProperties"], serde_json::Value::Bool(false));
}

/// `bulletin schema --office` writes the schemas an example office's month
/// files point at, and the checked-in ones are current.
#[test]
fn example_offices_schemas_are_current_and_referenced() {
    for (office, figure, label) in
        [("xiangyin", "tickets", "热线受理诉求数"), ("ningguo", "received", "受理群众诉求数")]
    {
        let dir = common::project().join("examples/offices").join(office);
        let out = common::Scratch::new(&format!("schemas-{office}"));
        let output = common::bulletin(&["schema", "--office", dir.to_str().unwrap(), "--out", out.str()]);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        for file in ["month", "figures", "units"] {
            let name = format!("{file}.schema.json");
            let generated = std::fs::read_to_string(out.path().join(&name)).expect("a schema written");
            let checked_in = dir.join("schemas").join(&name);
            assert!(
                std::fs::read_to_string(&checked_in).unwrap_or_default() == generated,
                "{} is stale: run `bulletin schema --office {}`",
                checked_in.display(),
                dir.display()
            );
            let month = dir.join("months").read_dir().unwrap().next().unwrap().unwrap().path();
            let text = std::fs::read_to_string(month.join(format!("{file}.yaml"))).unwrap();
            assert_eq!(
                text.lines().next().unwrap_or_default(),
                format!("# yaml-language-server: $schema=../../schemas/{name}"),
                "{office}'s {file}.yaml points at its office's schema"
            );
        }
        // The office's own figures, with their labels as hover texts.
        let figures: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.path().join("figures.schema.json")).unwrap()).unwrap();
        let description = figures["properties"][figure]["description"].as_str().unwrap_or_default();
        assert!(description.starts_with(label), "{office}'s {figure}: {description}");
    }
    // A folder without a definition is an operational error that names it.
    let empty = common::Scratch::new("schemas-none");
    let output = common::bulletin(&["schema", "--office", empty.str()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("bulletin.yaml"));
}
