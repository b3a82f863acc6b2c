//! A browser on the web page of several nodes: it keeps its cookies (one
//! site behind a load balancer, so the same cookies go to every node),
//! sends no `Sec-Fetch-Site` (so every form post must carry the form
//! token), and remembers the form token of the page it last read.

use std::collections::BTreeMap;

/// A page as the browser got it.
#[derive(Debug)]
pub struct Page {
    pub status: u16,
    pub location: Option<String>,
    pub html: String,
}

/// The value of a hidden field in a page.
pub fn hidden(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    html[start..].split('"').next().map(str::to_owned)
}

/// A browser without JavaScript.
pub struct Browser {
    client: reqwest::Client,
    pub cookies: BTreeMap<String, String>,
    /// The form token of the last page read that had one.
    pub csrf: Option<String>,
}

impl Default for Browser {
    fn default() -> Self {
        Self::new()
    }
}

impl Browser {
    pub fn new() -> Self {
        Browser {
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            cookies: BTreeMap::new(),
            csrf: None,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn keep(&mut self, response: reqwest::Response) -> Page {
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        for set in headers.get_all("set-cookie") {
            let set = set.to_str().expect("a cookie");
            let (name, value) = set
                .split(';')
                .next()
                .and_then(|pair| pair.split_once('='))
                .expect("name=value");
            if value.is_empty() || set.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let location = headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let html = response.text().await.expect("a body");
        if let Some(csrf) = hidden(&html, "csrf") {
            self.csrf = Some(csrf);
        }
        Page {
            status,
            location,
            html,
        }
    }

    /// `GET base path`.
    pub async fn get(&mut self, base: &str, path: &str) -> Page {
        let response = self
            .client
            .get(format!("{base}{path}"))
            .header("cookie", self.cookie_header())
            .send()
            .await
            .expect("the node answers");
        self.keep(response).await
    }

    /// Posts a form to `base path` with `csrf` as its form token.
    pub async fn post(
        &mut self,
        base: &str,
        path: &str,
        fields: &[(&str, &str)],
        csrf: &str,
    ) -> Page {
        let mut all = fields.to_vec();
        all.push(("csrf", csrf));
        let body = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&all)
            .finish();
        let response = self
            .client
            .post(format!("{base}{path}"))
            .header("content-type", "application/x-www-form-urlencoded")
            .header("cookie", self.cookie_header())
            .body(body)
            .send()
            .await
            .expect("the node answers");
        self.keep(response).await
    }
}
