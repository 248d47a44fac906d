//! Headless Chromium driven over WebDriver, and axe-core run inside the pages.
//!
//! Chromium, chromedriver and axe-core (`tests/browser/node_modules`) are outside parts:
//! without them the browser tests say they skipped, unless `GUILDHALL_TEST_BROWSER` asks
//! for them, in which case their absence fails the run.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";

/// The rules axe-core checks: WCAG 2.0, 2.1 and 2.2, levels A and AA.
const AXE_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

fn chromedriver() -> Option<PathBuf> {
    ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
}

fn axe_script_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/browser/node_modules/axe-core/axe.min.js")
}

/// A headless browser session; its chromedriver stops when it is dropped.
pub struct Browser {
    pub client: Client,
    pub base: String,
    driver: Child,
    axe: String,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Browser {
    /// Starts Chromium for `test`, or returns `None` after saying why it skipped.
    pub async fn start(test: &str, base: &str) -> Option<Browser> {
        let asked = std::env::var("GUILDHALL_TEST_BROWSER").is_ok_and(|v| !v.is_empty());
        let mut missing = Vec::new();
        if !std::path::Path::new(CHROMIUM).is_file() {
            missing.push(CHROMIUM.to_owned());
        }
        let driver = chromedriver();
        if driver.is_none() {
            missing.push("chromedriver".to_owned());
        }
        if !axe_script_path().is_file() {
            missing.push(format!(
                "{} (npm ci in tests/browser)",
                axe_script_path().display()
            ));
        }
        if !missing.is_empty() {
            assert!(
                !asked,
                "GUILDHALL_TEST_BROWSER is set but these are missing: {}",
                missing.join(", ")
            );
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "skipped {test}: no browser ({} missing); set GUILDHALL_TEST_BROWSER to require it",
                missing.join(", ")
            );
            return None;
        }
        let axe = std::fs::read_to_string(axe_script_path()).expect("axe-core readable");
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        let driver = Command::new(driver.expect("chromedriver"))
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let profile = tempfile::tempdir().expect("profile directory");
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run", "--disable-quic",
                    "--disable-dev-shm-usage", "--window-size=1280,1024",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            },
        });
        let capabilities = match capabilities {
            Value::Object(map) => map,
            _ => unreachable!("capabilities are an object"),
        };
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let url = format!("http://127.0.0.1:{port}");
        let deadline = Instant::now() + Duration::from_secs(60);
        let client = loop {
            let attempt = ClientBuilder::new(connector.clone())
                .capabilities(capabilities.clone())
                .connect(&url)
                .await;
            match attempt {
                Ok(client) => break client,
                Err(e) => {
                    assert!(Instant::now() < deadline, "chromedriver did not start: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        };
        Some(Browser {
            client,
            base: base.to_owned(),
            driver,
            axe,
            _profile: profile,
        })
    }

    pub async fn open(&self, path: &str) {
        self.client
            .goto(&format!("{}{path}", self.base))
            .await
            .unwrap_or_else(|e| panic!("opening {path}: {e}"));
    }

    pub async fn find(&self, css: &str) -> Element {
        self.client
            .wait()
            .at_most(Duration::from_secs(10))
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("no element {css}: {e}"))
    }

    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("typing");
    }

    /// Presses the button whose text is `label` and waits for the next page.
    pub async fn press(&self, label: &str) {
        let xpath = format!("//button[normalize-space(.)='{label}']");
        let button = self
            .client
            .find(Locator::XPath(&xpath))
            .await
            .unwrap_or_else(|e| panic!("no button {label:?}: {e}"));
        self.mark_page().await;
        button.click().await.expect("click");
        self.settle().await;
    }

    /// Follows the link whose text is `label`.
    pub async fn follow(&self, label: &str) {
        let link = self
            .client
            .find(Locator::LinkText(label))
            .await
            .unwrap_or_else(|e| panic!("no link {label:?}: {e}"));
        self.mark_page().await;
        link.click().await.expect("click");
        self.settle().await;
    }

    /// Clicks the element `css` finds and waits for the next page.
    pub async fn click(&self, css: &str) {
        let element = self.find(css).await;
        self.mark_page().await;
        element.click().await.expect("click");
        self.settle().await;
    }

    /// Marks the current page, so that [`settle`](Self::settle) can tell when the next
    /// one has replaced it.
    async fn mark_page(&self) {
        self.client
            .execute("window.guildhallOldPage = true", vec![])
            .await
            .expect("marking the page");
    }

    /// Waits until a new page has replaced a marked one and has loaded.
    pub async fn settle(&self) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let state = self
                .client
                .execute(
                    "return window.guildhallOldPage ? 'old' : document.readyState",
                    vec![],
                )
                .await
                .unwrap_or(Value::Null);
            if state == "complete" {
                return;
            }
            assert!(Instant::now() < deadline, "the page never finished loading");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("url");
        url.path().to_owned()
    }

    pub async fn text(&self) -> String {
        self.find("body").await.text().await.expect("text")
    }

    pub async fn sees(&self, text: &str) {
        let body = self.text().await;
        assert!(
            body.contains(text),
            "expected {text:?} on {}:\n{body}",
            self.path().await
        );
    }

    /// Runs axe-core on the current page and fails on any WCAG 2.2 AA violation.
    pub async fn check_accessibility(&self) {
        let path = self.path().await;
        let violations = self.accessibility_violations().await;
        assert!(
            violations.is_empty(),
            "accessibility violations on {path}:\n{}",
            serde_json::to_string_pretty(&violations).unwrap_or_default()
        );
    }

    /// What axe-core finds wrong with the current page against WCAG 2.2 AA.
    pub async fn accessibility_violations(&self) -> Vec<Value> {
        let path = self.path().await;
        // Scripts run through WebDriver are not subject to the page's CSP script-src.
        self.client
            .execute(&self.axe, vec![])
            .await
            .unwrap_or_else(|e| panic!("injecting axe-core on {path}: {e}"));
        let script = "const done = arguments[arguments.length - 1];\
            axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})\
              .then(r => done({violations: r.violations.map(v => ({id: v.id, impact: v.impact,\
                 help: v.help, nodes: v.nodes.map(n => n.html + ' :: ' + n.failureSummary)}))}))\
              .catch(e => done({error: String(e)}));";
        let result = self
            .client
            .execute_async(script, vec![json!(AXE_TAGS)])
            .await
            .unwrap_or_else(|e| panic!("running axe-core on {path}: {e}"));
        assert!(
            result.get("error").is_none(),
            "axe-core failed on {path}: {result}"
        );
        result["violations"]
            .as_array()
            .cloned()
            .expect("axe-core's list of violations")
    }

    /// Presses keys on whatever has the focus, as a keyboard user would.
    pub async fn keys(&self, keys: &str) {
        let focused = self.client.active_element().await.expect("focused element");
        focused.send_keys(keys).await.expect("keys");
    }

    pub async fn tab(&self) {
        self.keys(&Key::Tab).await;
    }

    pub async fn shift_tab(&self) {
        // Shift stays down until the null key releases it.
        self.keys(&format!("{}{}{}", &*Key::Shift, &*Key::Tab, &*Key::Null))
            .await;
    }

    pub async fn enter(&self) {
        self.mark_page().await;
        self.keys(&Key::Enter).await;
        self.settle().await;
    }

    /// What has the focus: its id, or else its visible text.
    pub async fn focused(&self) -> String {
        let el = self.client.active_element().await.expect("focused element");
        match el
            .attr("id")
            .await
            .ok()
            .flatten()
            .filter(|id| !id.is_empty())
        {
            Some(id) => format!("#{id}"),
            None => el.text().await.unwrap_or_default().trim().to_owned(),
        }
    }

    /// Presses Tab until `target` (an `#id` or a visible text) has the focus.
    pub async fn tab_to(&self, target: &str) {
        for _ in 0..60 {
            self.tab().await;
            if self.focused().await == target {
                return;
            }
        }
        panic!("Tab never reached {target} on {}", self.path().await);
    }
}
