//! Helpers shared by the integration tests: a running app over a fresh database (SQLite, or
//! PostgreSQL when DUBAN_TEST_POSTGRES is set), signed-in API and page clients.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::Arc;

use reqwest::{Client, StatusCode, multipart};
use serde_json::{Value, json};

pub const PASSWORD: &str = "Demo@2026";

pub struct App {
    pub base: String,
    pub store: duban_store::Store,
}

pub async fn spawn_app() -> App {
    let store = duban_store::testing::fresh_store("api").await;
    let hash = duban_web::auth::hash_password(PASSWORD).expect("hash");
    store.seed_demo(&hash).await.expect("demo");
    let config = duban_web::WebConfig {
        blob_dir: duban_store::testing::scratch_dir("blobs"),
        max_upload_bytes: 1024 * 1024,
        ..Default::default()
    };
    let app = duban_web::router(duban_web::AppState {
        store: store.clone(),
        config: Arc::new(config),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .await
        .expect("serve");
    });
    App {
        base: format!("http://{addr}"),
        store,
    }
}

/// A signed-in API client.
pub struct Api {
    pub http: Client,
    pub base: String,
    pub token: String,
}

impl App {
    pub async fn login(&self, username: &str) -> Api {
        let http = Client::new();
        let res = http
            .post(format!("{}/api/v1/session", self.base))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .expect("login");
        assert_eq!(res.status(), StatusCode::OK, "login {username}");
        let token = res.json::<Value>().await.expect("json")["token"]
            .as_str()
            .expect("token")
            .to_owned();
        Api {
            http,
            base: self.base.clone(),
            token,
        }
    }
}

impl Api {
    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("get");
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .expect("post");
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
    pub async fn ok(&self, path: &str, body: Value) -> Value {
        let (s, v) = self.post(path, body.clone()).await;
        assert!(s.is_success(), "POST {path} {body} → {s} {v}");
        v
    }
    pub async fn matter(&self, id: i64) -> Value {
        let (s, v) = self.get(&format!("/api/v1/matters/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }
    pub async fn task(&self, id: i64) -> Value {
        let (s, v) = self.get(&format!("/api/v1/tasks/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }
    pub async fn bulletin(&self, id: i64) -> Value {
        let (s, v) = self.get(&format!("/api/v1/bulletins/{id}")).await;
        assert_eq!(s, StatusCode::OK, "{v}");
        v
    }
    pub async fn matter_act(&self, id: i64, action: &str, text: &str) -> Value {
        let version = self.matter(id).await["version"].as_i64().expect("version");
        self.ok(
            &format!("/api/v1/matters/{id}/actions"),
            json!({"action": action, "version": version, "text": text}),
        )
        .await
    }
    pub async fn task_act(&self, id: i64, action: &str, text: &str) -> Value {
        let version = self.task(id).await["task"]["version"]
            .as_i64()
            .expect("version");
        self.ok(
            &format!("/api/v1/tasks/{id}/actions"),
            json!({"action": action, "version": version, "text": text}),
        )
        .await
    }
    pub async fn bulletin_act(&self, id: i64, body: Value) -> Value {
        let version = self.bulletin(id).await["version"]
            .as_i64()
            .expect("version");
        let mut body = body;
        body["version"] = json!(version);
        self.ok(&format!("/api/v1/bulletins/{id}/actions"), body)
            .await
    }
    pub async fn bytes(&self, path: &str) -> Vec<u8> {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .expect("get");
        assert_eq!(res.status(), StatusCode::OK, "GET {path}");
        res.bytes().await.expect("bytes").to_vec()
    }
    pub async fn todo(&self) -> Vec<Value> {
        let (s, v) = self.get("/api/v1/work").await;
        assert_eq!(s, StatusCode::OK);
        v.as_array().cloned().unwrap_or_default()
    }
    pub async fn has_todo(&self, action: &str, object_type: &str, id: i64) -> bool {
        self.todo().await.iter().any(|w| {
            w["action"] == action && w["object_type"] == object_type && w["object_id"] == id
        })
    }
    pub async fn id_of(&self, path: &str, key: &str, value: &str) -> i64 {
        let (_, v) = self.get(path).await;
        v.as_array()
            .expect("list")
            .iter()
            .find(|x| x[key] == value)
            .and_then(|x| x["id"].as_i64())
            .unwrap_or_else(|| panic!("{value} in {path}"))
    }
    pub async fn report(
        &self,
        task: i64,
        action: &str,
        body: &str,
        files: Vec<(&str, Vec<u8>)>,
    ) -> (StatusCode, Value) {
        let version = self.task(task).await["task"]["version"]
            .as_i64()
            .expect("version");
        let mut form = multipart::Form::new()
            .text("version", version.to_string())
            .text("action", action.to_owned())
            .text("body", body.to_owned());
        for (name, bytes) in files {
            form = form.part(
                "files",
                multipart::Part::bytes(bytes).file_name(name.to_owned()),
            );
        }
        let res = self
            .http
            .post(format!("{}/api/v1/tasks/{task}/reports", self.base))
            .bearer_auth(&self.token)
            .multipart(form)
            .send()
            .await
            .expect("report");
        let status = res.status();
        (status, res.json().await.unwrap_or(Value::Null))
    }
}

pub fn deadline(days: i64) -> String {
    // The server reads dates in China time; so do the tests.
    (duban_domain::time::china_date(duban_store::now_ms()) + chrono::Duration::days(days))
        .format("%Y-%m-%d")
        .to_string()
}

pub struct Pages {
    pub http: Client,
    pub base: String,
}

pub fn csrf_of(html: &str) -> String {
    let at = html.find("name=\"_csrf\" value=\"").expect("csrf field") + 20;
    html[at..].split('"').next().expect("value").to_owned()
}

impl Pages {
    pub async fn try_login(
        app: &App,
        username: &str,
        password: &str,
    ) -> (Pages, StatusCode, String) {
        let http = Client::builder()
            .cookie_store(true)
            .redirect(reqwest::redirect::Policy::limited(5))
            .build()
            .expect("client");
        let login = http
            .get(format!("{}/login", app.base))
            .send()
            .await
            .expect("login page")
            .text()
            .await
            .expect("html");
        let res = http
            .post(format!("{}/login", app.base))
            .form(&[
                ("_csrf", csrf_of(&login).as_str()),
                ("username", username),
                ("password", password),
                ("next", "/work"),
            ])
            .send()
            .await
            .expect("login");
        let status = res.status();
        let html = res.text().await.expect("html");
        (
            Pages {
                http,
                base: app.base.clone(),
            },
            status,
            html,
        )
    }
    pub async fn login(app: &App, username: &str) -> Pages {
        let (p, s, html) = Self::try_login(app, username, PASSWORD).await;
        assert_eq!(s, StatusCode::OK, "{html}");
        assert!(html.contains("我的工作"));
        p
    }
    pub async fn get(&self, path: &str) -> (StatusCode, String) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("get");
        (res.status(), res.text().await.expect("text"))
    }
    pub async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .form(form)
            .send()
            .await
            .expect("post");
        (res.status(), res.text().await.expect("text"))
    }
}

/// Test access to an account's actor by its username.
pub trait ActorByName {
    fn actor_by_username(&self, username: &str) -> impl Future<Output = duban_domain::Actor>;
}

impl ActorByName for duban_store::Store {
    async fn actor_by_username(&self, username: &str) -> duban_domain::Actor {
        let (id, _, _) = self
            .credentials(username)
            .await
            .expect("credentials")
            .unwrap_or_else(|| panic!("user {username}"));
        self.actor(id).await.expect("actor").expect("actor")
    }
}
