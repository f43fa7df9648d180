//! `serve` on an ICB site reads documents under the site's regime, as `build` does: an edit to
//! the joint forward plan shows at once, and a document of a kind the ICB regime does not have
//! (a CCG commissioning plan without `regime`) shows the overlay with the regime's hint until
//! it is marked as an archived CCG document.

mod common;
mod serve_support;

use serve_support::{save_atomically, Server};

const PLAN: &str = "content/joint-forward-plans/2026-27.md";
const CCG_PLAN: &str = "content/commissioning-plans/2021-22.md";

#[test]
fn serve_judges_kinds_by_the_sites_regime() {
    let site = common::copy_icb_starter();
    let server = Server::start(site.path(), &[]);
    let page = server.get("/joint-forward-plans/2026-27/");
    assert_eq!(page.status, 200, "{}", server.output());

    let plan = std::fs::read_to_string(site.path().join(PLAN)).expect("read");
    save_atomically(
        &site.path().join(PLAN),
        &plan.replacen("+++\n\n", "+++\n\nA freshly agreed refresh.\n\n", 1),
    );
    server.wait_for("/joint-forward-plans/2026-27/", "the edit", |r| {
        r.body.contains("A freshly agreed refresh.")
    });

    std::fs::create_dir_all(site.path().join("content/commissioning-plans")).expect("mkdir");
    let ccg_plan = "+++\ntitle = \"Commissioning plan 2021/22\"\nkind = \"commissioning-plan\"\npublished = 2021-03-30\n+++\n\nThe plan of our predecessor CCG.\n";
    save_atomically(&site.path().join(CCG_PLAN), ccg_plan);
    let overlay = server.wait_for("/joint-forward-plans/2026-27/", "the overlay", |r| {
        r.body.contains("did you mean `joint-forward-plan`")
    });
    assert!(overlay.body.contains(CCG_PLAN), "{}", overlay.body);

    save_atomically(
        &site.path().join(CCG_PLAN),
        &ccg_plan.replace(
            "published = 2021-03-30\n",
            "published = 2021-03-30\nregime = \"ccg-2013\"\n[plan]\nperiod = \"2021/22\"\n",
        ),
    );
    let archived = server.wait_for("/commissioning-plans/2021-22/", "the archived plan", |r| {
        r.status == 200
    });
    assert!(
        archived.body.contains("The plan of our predecessor CCG."),
        "{}",
        archived.body
    );
    assert!(
        !site.path().join("public").exists(),
        "serve never writes public/"
    );
}
