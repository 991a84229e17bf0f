//! The commented example in `scenarios/README.md` is a valid scenario.

#[test]
fn the_readme_example_is_valid() {
    let readme = include_str!("../scenarios/README.md");
    let start = readme
        .find("## A commented example")
        .expect("the README has the example section");
    let block = &readme[start..];
    let open = block.find("```ron\n").expect("a ron block") + "```ron\n".len();
    let close = open + block[open..].find("```").expect("the block ends");
    let loaded = peakplan::scenario::load_str_with_warnings(&block[open..close], "README", &[])
        .unwrap_or_else(|e| panic!("the README example is invalid:\n{e}"));
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    assert_eq!(loaded.scenario.name, "example");
    assert_eq!(loaded.scenario.agents.flex_pools[0].max_headcount, 30);
}
